// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.thrift;

import java.util.List;

/**
 * Zipkin v1 span structures (zipkincore.thrift), as decoded from Thrift or from Zipkin JSON v1. Optional numeric
 * fields are boxed and null when absent, so converters can tell "absent" from zero.
 */
public final class ZipkinCore {
  private ZipkinCore() {}

  /** Binary annotation value types (enum AnnotationType). */
  public static final int BOOL = 0;
  public static final int BYTES = 1;
  public static final int I16 = 2;
  public static final int I32 = 3;
  public static final int I64 = 4;
  public static final int DOUBLE = 5;
  public static final int STRING = 6;

  /**
   * A network endpoint.
   *
   * @param ipv4 packed big-endian address, 0 when absent
   * @param port unsigned port 0-65535, 0 when absent
   * @param serviceName "" when absent
   * @param ipv6 16 bytes, or null when absent
   */
  public record Endpoint(int ipv4, int port, String serviceName, byte[] ipv6) {}

  /** A timestamped event; core values are {@code cs}, {@code cr}, {@code ss}, {@code sr}, {@code ms}, {@code mr}. */
  public record Annotation(long timestamp, String value, Endpoint host) {}

  /** A typed key/value; numbers are big-endian in {@code value}. {@code host} may be null. */
  public record BinaryAnnotation(String key, byte[] value, int type, Endpoint host) {}

  /**
   * A v1 span. {@code parentId}, {@code timestamp} and {@code duration} are null when absent.
   *
   * @param traceIdHigh 0 for 64-bit trace ids
   */
  public record Span(
      long traceIdHigh,
      long traceId,
      String name,
      long id,
      Long parentId,
      List<Annotation> annotations,
      List<BinaryAnnotation> binaryAnnotations,
      boolean debug,
      Long timestamp,
      Long duration) {
    public Span {
      annotations = List.copyOf(annotations);
      binaryAnnotations = List.copyOf(binaryAnnotations);
    }
  }
}
