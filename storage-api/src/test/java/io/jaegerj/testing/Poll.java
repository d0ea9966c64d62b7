// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * Polling with a deadline, for tests that wait for something another thread or process does: read until the answer
 * is the awaited one or the deadline passes, never a fixed sleep that is too short on a loaded machine and too long on
 * a quiet one. Shipped in storage-api's test-jar for every module's tests.
 */
public final class Poll {
  /** Pause between two reads; short, as every read is cheap next to the waits a loaded CI machine imposes. */
  static final Duration INTERVAL = Duration.ofMillis(10);

  private Poll() {}

  /**
   * Reads until {@code done} accepts the value or {@code timeout} passes, and returns the last value read (the
   * caller asserts on it, so that a failure shows what was last seen). Exceptions of {@code read} propagate.
   */
  public static <T> T read(Duration timeout, Callable<T> read, Predicate<? super T> done) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    T v = read.call();
    while (!done.test(v) && System.nanoTime() - deadline < 0) {
      Thread.sleep(INTERVAL.toMillis());
      v = read.call();
    }
    return v;
  }

  /**
   * Reads until {@code done} accepts the value, or fails with an {@link AssertionError} naming {@code what} and the
   * last value read once {@code timeout} passes.
   */
  public static <T> T until(String what, Duration timeout, Callable<T> read, Predicate<? super T> done)
      throws Exception {
    T v = read(timeout, read, done);
    if (!done.test(v)) {
      throw new AssertionError(what + " not within " + timeout + "; last seen: " + v);
    }
    return v;
  }

  /** Waits until {@code condition} holds, or fails with an {@link AssertionError} naming {@code what}. */
  public static void until(String what, Duration timeout, Condition condition) throws Exception {
    until(what, timeout, condition::holds, Boolean::booleanValue);
  }

  /** A condition that may throw (an HTTP read, a storage read). */
  @FunctionalInterface
  public interface Condition {
    boolean holds() throws Exception;
  }
}
