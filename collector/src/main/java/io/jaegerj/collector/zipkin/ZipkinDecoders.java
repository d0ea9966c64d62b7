// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.zipkin;

import io.jaegerj.collector.thrift.ThriftDecodeException;
import io.jaegerj.collector.thrift.ThriftProtocol;
import io.jaegerj.collector.thrift.ZipkinCore;
import io.jaegerj.collector.thrift.ZipkinThriftDecoder;
import io.jaegerj.model.Span;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes a Zipkin request body into Jaeger model spans exactly as Jaeger 1.74's 9411 receiver stores them (Zipkin
 * to OTLP to Jaeger). Stateless and thread-safe.
 */
public final class ZipkinDecoders {
  private ZipkinDecoders() {}

  /** The four body formats of 9411. */
  public enum Format {
    /** {@code /api/v1/spans}, any content type but {@code application/x-thrift}. */
    JSON_V1,
    /** {@code /api/v1/spans} with {@code application/x-thrift}: a binary-protocol {@code list<Span>}. */
    THRIFT_V1,
    /** Any other path, any content type but {@code application/x-protobuf}. */
    JSON_V2,
    /** Any other path with {@code application/x-protobuf}: {@code zipkin.proto3.ListOfSpans}. */
    PROTO3
  }

  /**
   * Decodes and converts.
   *
   * @param clock gives "now" for JSON v1 spans without any timestamp
   * @throws ZipkinDecodeException with the text of the 400 answer
   */
  public static List<Span> decode(Format format, byte[] body, int offset, int length, Clock clock)
      throws ZipkinDecodeException {
    switch (format) {
      case JSON_V2:
        return V2Converter.convert(JsonV2Decoder.decode(body, offset, length));
      case PROTO3:
        return V2Converter.convert(Proto3Decoder.decode(body, offset, length));
      case JSON_V1:
        return v1(JsonV1Decoder.decode(body, offset, length), true, clock);
      case THRIFT_V1:
        List<ZipkinCore.Span> spans;
        try {
          spans = ZipkinThriftDecoder.decodeSpanList(body, offset, length, ThriftProtocol.BINARY);
        } catch (ThriftDecodeException e) {
          throw new ZipkinDecodeException(e.getMessage(), e);
        }
        return v1(spans, false, clock);
      default:
        throw new AssertionError(format);
    }
  }

  private static List<Span> v1(List<ZipkinCore.Span> spans, boolean json, Clock clock) {
    List<Span> out = new ArrayList<>(spans.size());
    for (ZipkinCore.Span s : spans) {
      out.add(V1Converter.convert(s, json, clock));
    }
    return out;
  }
}
