// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server.net;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A Jaeger {@code host:port} value: {@code :14250}, {@code 127.0.0.1:14250}, {@code [::1]:80}, or a bare port
 * {@code 14250} (read as {@code :14250}, as Jaeger does). An empty host means every interface.
 *
 * @param host host name or IP literal without brackets; empty for the wildcard address
 * @param port 0..65535 (0 picks a free port)
 */
public record HostPort(String host, int port) {
  public HostPort {
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
    }
  }

  /**
   * Parses the value of a flag.
   *
   * @throws IllegalArgumentException naming the flag when the value is malformed
   */
  public static HostPort parse(String flag, String value) {
    Objects.requireNonNull(flag, "flag");
    Objects.requireNonNull(value, "value");
    Object r = parseOrReason(value);
    if (r instanceof String why) {
      throw new IllegalArgumentException("invalid value \"" + value + "\" for flag --" + flag + ": " + why);
    }
    return (HostPort) r;
  }

  /** Why {@code value} is not a valid host:port, or {@code null} when it is. */
  public static String problem(String value) {
    Object r = parseOrReason(value);
    return r instanceof String why ? why : null;
  }

  private static Object parseOrReason(String value) {
    String v = value.trim();
    String host;
    String port;
    if (v.startsWith("[")) {
      int close = v.indexOf(']');
      if (close < 0 || close + 1 >= v.length() || v.charAt(close + 1) != ':') {
        return "missing port after IPv6 address";
      }
      host = v.substring(1, close);
      port = v.substring(close + 2);
    } else {
      int colon = v.lastIndexOf(':');
      if (colon < 0) {
        host = "";
        port = v;
      } else {
        host = v.substring(0, colon);
        port = v.substring(colon + 1);
        if (host.indexOf(':') >= 0) {
          return "too many colons in address";
        }
      }
    }
    if (port.isEmpty()) {
      return "missing port";
    }
    int p;
    try {
      p = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      return "port \"" + port + "\" is not a number";
    }
    if (p < 0 || p > 65535) {
      return "port " + p + " out of range 0..65535";
    }
    return new HostPort(host, p);
  }

  /** The address to listen on; the wildcard address when the host is empty. */
  public InetSocketAddress bindAddress() {
    return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
  }

  /** The address a local client uses to reach this listener: an empty host means {@code 127.0.0.1}. */
  public InetSocketAddress connectAddress() {
    return new InetSocketAddress(host.isEmpty() ? "127.0.0.1" : host, port);
  }

  /** {@code host:port} for URLs, with brackets around IPv6 literals and 127.0.0.1 for an empty host. */
  public String authority() {
    String h = host.isEmpty() ? "127.0.0.1" : host;
    return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + port;
  }

  /** Jaeger's textual form: {@code :14250}, {@code 127.0.0.1:14250} or {@code [::1]:80}. */
  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
