// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import io.jaegerj.storage.CallerCredentials;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The caller's bearer token for storage backends that forward it ({@code --query.bearer-token-propagation} on HTTP,
 * metadata {@code bearer.token} on gRPC). Kept in storage-api's {@link CallerCredentials}, the one thread-local
 * holder that backends read (es.bearer-token-propagation), for the duration of one request, since requests run to
 * completion on one worker thread.
 */
final class BearerToken {
  private static final Logger LOG = LoggerFactory.getLogger(BearerToken.class);

  private BearerToken() {}

  /** The token of the request being served on this thread, "" when none. */
  static String current() {
    return CallerCredentials.current().map(CallerCredentials.Credentials::bearerToken).orElse("");
  }

  /** Binds {@code token} to this thread; "" or null unbinds. */
  static void set(String token) {
    boolean none = token == null || token.isEmpty();
    CallerCredentials.setCurrent(none ? null : new CallerCredentials.Credentials(token, ""));
  }

  /**
   * Jaeger's rules: {@code Authorization}, else {@code X-Forwarded-Access-Token}; {@code Bearer <t>} gives t, any
   * other two-word value gives "", a single word is the token itself, three or more words are rejected (logged).
   */
  static String fromHttp(String authorization, String forwarded) {
    String h = authorization == null || authorization.isEmpty() ? forwarded : authorization;
    if (h == null || h.isEmpty()) {
      return "";
    }
    String[] parts = h.trim().split(" +");
    if (parts.length == 1) {
      return parts[0];
    }
    if (parts.length == 2) {
      return parts[0].equals("Bearer") ? parts[1] : "";
    }
    LOG.warn("Invalid authorization header value, skipping bearer token propagation");
    return "";
  }
}
