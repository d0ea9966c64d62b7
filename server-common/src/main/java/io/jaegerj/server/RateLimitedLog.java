// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs one kind of failure at a bounded rate: at most one line per interval at the chosen level, carrying the number
 * of occurrences suppressed since the previous line; the suppressed ones go to DEBUG. For failures that outside
 * traffic can cause at any rate (malformed requests, storage outages), so that logs stay bounded. Thread-safe.
 */
public final class RateLimitedLog {
  /** The default interval between two lines of one kind. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

  /** The level of the lines that are not suppressed. */
  public enum Level { WARN, ERROR, INFO }

  private final Logger log;
  private final Level level;
  private final long intervalNanos;
  private final AtomicLong last = new AtomicLong(System.nanoTime() - Long.MAX_VALUE / 2);
  private final AtomicLong suppressed = new AtomicLong();

  public RateLimitedLog(Logger log, Level level, Duration interval) {
    this.log = Objects.requireNonNull(log, "log");
    this.level = Objects.requireNonNull(level, "level");
    this.intervalNanos = interval.toNanos();
    if (intervalNanos < 0) {
      throw new IllegalArgumentException("interval: " + interval + " (expected: >= 0)");
    }
  }

  public RateLimitedLog(Logger log, Level level) {
    this(log, level, DEFAULT_INTERVAL);
  }

  /**
   * Logs {@code format} with {@code args} (SLF4J style; a trailing {@link Throwable} is logged as the exception)
   * followed by {@code " (N similar suppressed)"} when this kind's interval has passed, else at DEBUG.
   *
   * @return true when the line was logged at the chosen level
   */
  public boolean log(String format, Object... args) {
    long now = System.nanoTime();
    long prev = last.get();
    if (now - prev < intervalNanos || !last.compareAndSet(prev, now)) {
      suppressed.incrementAndGet();
      if (log.isDebugEnabled()) {
        log.debug(format, args);
      }
      return false;
    }
    long n = suppressed.getAndSet(0);
    boolean throwable = args.length > 0 && args[args.length - 1] instanceof Throwable;
    int at = throwable ? args.length - 1 : args.length;
    Object[] withCount = Arrays.copyOf(args, args.length + 1);
    System.arraycopy(args, at, withCount, at + 1, args.length - at);
    withCount[at] = n;
    String f = format + " ({} similar suppressed)";
    switch (level) {
      case ERROR:
        log.error(f, withCount);
        break;
      case INFO:
        log.info(f, withCount);
        break;
      default:
        log.warn(f, withCount);
    }
    return true;
  }
}
