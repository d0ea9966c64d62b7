// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import io.jaegerj.storage.CallerCredentials;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The caller's bearer token for storage backends that forward it ({@code --query.bearer-token-propagation} on HTTP,
 * metadata {@code bearer.token} on gRPC). Held in a thread-local for the duration of one request, since requests
 * run to completion on one worker thread.
 */
final class BearerToken {
  private static final Logger log = LoggerFactory.getLogger(BearerToken.class);
  private static final ThreadLocal<String> CURRENT = ThreadLocal.withInitial(() -> "");

  private BearerToken() {}

  /** The token of the request being served on this thread, "" when none. */
  static String current() {
    return CURRENT.get();
  }

  static void set(String token) {
    String t = token == null ? "" : token;
    CURRENT.set(t);
    // storage backends that forward it (es.bearer-token-propagation) read it from storage-api's holder
    CallerCredentials.setCurrent(t.isEmpty() ? null : new CallerCredentials.Credentials(t, ""));
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
    log.warn("Invalid authorization header value, skipping bearer token propagation");
    return "";
  }
}
