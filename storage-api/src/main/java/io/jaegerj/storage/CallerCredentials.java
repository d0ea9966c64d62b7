// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The credentials of the caller on whose behalf storage calls run, for backends that forward them (Jaeger's
 * {@code es.bearer-token-propagation} and {@code es.api-key-allow-from-context}). A query handler that received
 * {@code Authorization: Bearer <token>} runs the storage call inside {@link #callWith} (or between
 * {@link #setCurrent} and {@code setCurrent(null)}); a backend reads
 * {@link #current()} on the same thread before it sends its request.
 *
 * <p>Bound to the calling thread only: work handed to other threads does not see it. Thread-safe.
 */
public final class CallerCredentials {
  /**
   * What the caller presented.
   *
   * @param bearerToken the token of {@code Authorization: Bearer}, or empty
   * @param apiKey the key of {@code Authorization: ApiKey}, or empty
   */
  public record Credentials(String bearerToken, String apiKey) {
    public Credentials {
      Objects.requireNonNull(bearerToken, "bearerToken");
      Objects.requireNonNull(apiKey, "apiKey");
    }
  }

  private static final ThreadLocal<Credentials> CURRENT = new ThreadLocal<>();

  private CallerCredentials() {}

  /** Runs {@code task} with {@code credentials} visible to {@link #current()} on this thread, then restores. */
  public static <T> T callWith(Credentials credentials, Callable<T> task) throws Exception {
    Objects.requireNonNull(credentials, "credentials");
    Credentials previous = CURRENT.get();
    CURRENT.set(credentials);
    try {
      return task.call();
    } finally {
      if (previous == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(previous);
      }
    }
  }

  /**
   * Binds {@code credentials} to this thread until the next call (null unbinds), for request handlers that set them
   * when a request starts and clear them in a {@code finally} when it ends.
   */
  public static void setCurrent(Credentials credentials) {
    if (credentials == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(credentials);
    }
  }

  /** The credentials bound to this thread by {@link #callWith} or {@link #setCurrent}. */
  public static Optional<Credentials> current() {
    return Optional.ofNullable(CURRENT.get());
  }
}
