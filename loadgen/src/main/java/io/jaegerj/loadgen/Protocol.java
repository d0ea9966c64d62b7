// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.loadgen;

import java.util.Locale;

/** The ingest protocols the generator speaks, with Jaeger's default endpoints. */
public enum Protocol {
  OTLP_GRPC("otlp-grpc", "127.0.0.1:4317", null),
  OTLP_HTTP("otlp-http", "http://127.0.0.1:4318/v1/traces", "application/x-protobuf"),
  JAEGER_THRIFT_HTTP("jaeger-thrift", "http://127.0.0.1:14268/api/traces", "application/x-thrift"),
  ZIPKIN_JSON("zipkin-json", "http://127.0.0.1:9411/api/v2/spans", "application/json");

  private final String cliName;
  private final String defaultEndpoint;
  private final String contentType;

  Protocol(String cliName, String defaultEndpoint, String contentType) {
    this.cliName = cliName;
    this.defaultEndpoint = defaultEndpoint;
    this.contentType = contentType;
  }

  public String cliName() {
    return cliName;
  }

  public String defaultEndpoint() {
    return defaultEndpoint;
  }

  /** The HTTP content type, or null for gRPC. */
  public String contentType() {
    return contentType;
  }

  public static Protocol parse(String s) {
    String v = s.toLowerCase(Locale.ROOT);
    for (Protocol p : values()) {
      if (p.cliName.equals(v) || p.name().toLowerCase(Locale.ROOT).equals(v)) {
        return p;
      }
    }
    throw new IllegalArgumentException("protocol: " + s + " (expected: otlp-grpc, otlp-http, jaeger-thrift or "
        + "zipkin-json)");
  }

  @Override
  public String toString() {
    return cliName;
  }
}
