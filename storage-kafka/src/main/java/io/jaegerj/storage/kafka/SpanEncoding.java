// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.jaegerj.model.Span;
import io.jaegerj.model.TraceId;
import io.jaegerj.model.proto.ProtoConverter;
import io.jaegerj.model.proto.SpanProtoEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Jaeger's Kafka message values: one {@code jaeger.api_v2.Span} with its process embedded, as protobuf binary or as
 * proto3 JSON (lowerCamelCase names, enums by name, IDs as base64 of the big-endian bytes, RFC 3339 timestamps,
 * defaults omitted). Keys are the trace ID in lower-case hex (16 characters when the high half is zero, else 32).
 */
public enum SpanEncoding {
  PROTOBUF("protobuf"),
  JSON("json");

  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser();
  private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private final String flagValue;

  SpanEncoding(String flagValue) {
    this.flagValue = flagValue;
  }

  public String flagValue() {
    return flagValue;
  }

  /** The producer's encoding flag value; anything else is Jaeger's error. */
  public static SpanEncoding ofProducerFlag(String value) {
    for (SpanEncoding e : values()) {
      if (e.flagValue.equals(value)) {
        return e;
      }
    }
    throw new IllegalArgumentException("kafka encoding is not one of 'json' or 'protobuf'");
  }

  /** The message key of a span: its trace ID as lower-case hex, written without an intermediate string. */
  public static byte[] key(Span span) {
    TraceId id = span.traceId();
    if (id.high() == 0) {
      byte[] out = new byte[16];
      hex(out, 0, id.low());
      return out;
    }
    byte[] out = new byte[32];
    hex(out, 0, id.high());
    hex(out, 16, id.low());
    return out;
  }

  private static void hex(byte[] out, int offset, long value) {
    long v = value;
    for (int i = 15; i >= 0; i--) {
      out[offset + i] = HEX_DIGITS[(int) (v & 0xf)];
      v >>>= 4;
    }
  }

  /**
   * The message value of a span (protobuf: written straight from the model by model's {@link SpanProtoEncoder}, the
   * same encoder the remote-storage batch call uses).
   */
  public byte[] encode(Span span) {
    if (this == PROTOBUF) {
      return SpanProtoEncoder.encode(span);
    }
    io.jaegerj.proto.api_v2.Span proto = ProtoConverter.toProto(span, true);
    try {
      return PRINTER.print(proto).getBytes(StandardCharsets.UTF_8);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("cannot marshal span to JSON: " + e.getMessage(), e);
    }
  }

  /**
   * A message value back to a span.
   *
   * @throws IllegalArgumentException when the bytes are not a span in this encoding (unknown JSON fields included)
   */
  public Span decode(byte[] value) {
    return ProtoConverter.fromProto(parse(value));
  }

  /**
   * A message value as the api_v2 proto message.
   *
   * @throws IllegalArgumentException when the bytes are not a span in this encoding (unknown JSON fields included)
   */
  public io.jaegerj.proto.api_v2.Span parse(byte[] value) {
    io.jaegerj.proto.api_v2.Span proto;
    try {
      if (this == PROTOBUF) {
        proto = io.jaegerj.proto.api_v2.Span.parseFrom(value);
      } else {
        io.jaegerj.proto.api_v2.Span.Builder b = io.jaegerj.proto.api_v2.Span.newBuilder();
        PARSER.merge(new String(value, StandardCharsets.UTF_8), b);
        proto = b.build();
      }
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new IllegalArgumentException("cannot unmarshal " + flagValue + " span: " + e.getMessage(), e);
    }
    return proto;
  }
}
