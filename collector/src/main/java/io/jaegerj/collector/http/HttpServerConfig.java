// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.http;

import io.jaegerj.server.net.HostPort;
import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One HTTP listener.
 *
 * @param name used in logs and metric labels, e.g. {@code otlp-http}
 * @param flag the host-port flag, for bind errors
 * @param address where to listen
 * @param tls server TLS, when enabled
 * @param readHeaderTimeout Go's ReadHeaderTimeout; 0 = none
 * @param readTimeout Go's ReadTimeout (whole request); 0 = none
 * @param idleTimeout Go's IdleTimeout between keep-alive requests; 0 = fall back to read, then read-header timeout
 * @param corsAllowedOrigins CORS origins ({@code *} and {@code https://*.example.com} patterns); empty = CORS off
 * @param corsAllowedHeaders extra headers a preflight may ask for
 * @param maxBodyBytes bound of a request body as received; larger requests get 413
 */
public record HttpServerConfig(
    String name,
    String flag,
    HostPort address,
    Optional<SslContext> tls,
    Duration readHeaderTimeout,
    Duration readTimeout,
    Duration idleTimeout,
    List<String> corsAllowedOrigins,
    List<String> corsAllowedHeaders,
    int maxBodyBytes) {

  public HttpServerConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(flag, "flag");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(tls, "tls");
    corsAllowedOrigins = List.copyOf(corsAllowedOrigins);
    corsAllowedHeaders = List.copyOf(corsAllowedHeaders);
    if (maxBodyBytes <= 0) {
      throw new IllegalArgumentException("maxBodyBytes: " + maxBodyBytes + " (expected: > 0)");
    }
  }

  /** The timeout that closes an idle keep-alive connection, as Go's net/http chooses it. */
  Duration effectiveIdleTimeout() {
    if (!idleTimeout.isZero()) {
      return idleTimeout;
    }
    if (!readTimeout.isZero()) {
      return readTimeout;
    }
    return readHeaderTimeout;
  }
}
