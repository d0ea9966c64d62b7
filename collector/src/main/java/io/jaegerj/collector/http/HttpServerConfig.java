// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.http;

import io.jaegerj.server.net.HostPort;
import io.jaegerj.server.net.HttpListener;
import io.netty.handler.ssl.SslContext;
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
 * @param limits timeouts (Go's read-header, read and idle), connection limit, header bounds, shutdown grace
 * @param corsAllowedOrigins CORS origins ({@code *} and {@code https://*.example.com} patterns); empty = CORS off
 * @param corsAllowedHeaders extra headers a preflight may ask for
 * @param maxBodyBytes bound of a request body as received; larger requests get 413
 */
public record HttpServerConfig(
    String name,
    String flag,
    HostPort address,
    Optional<SslContext> tls,
    HttpListener.Limits limits,
    List<String> corsAllowedOrigins,
    List<String> corsAllowedHeaders,
    int maxBodyBytes) {

  public HttpServerConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(flag, "flag");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(limits, "limits");
    corsAllowedOrigins = List.copyOf(corsAllowedOrigins);
    corsAllowedHeaders = List.copyOf(corsAllowedHeaders);
    if (maxBodyBytes <= 0) {
      throw new IllegalArgumentException("maxBodyBytes: " + maxBodyBytes + " (expected: > 0)");
    }
  }
}
