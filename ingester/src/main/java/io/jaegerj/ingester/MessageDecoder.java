// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.ingester;

import io.jaegerj.collector.zipkin.ZipkinDecodeException;
import io.jaegerj.collector.zipkin.ZipkinDecoders;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.proto.ProtoConverter;
import io.jaegerj.storage.kafka.SpanEncoding;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;

/**
 * One Kafka message value to one span, as Jaeger's ingester reads it: api_v2 protobuf, api_v2 proto3 JSON (unknown
 * fields rejected), or a Zipkin Thrift {@code list<Span>} of which only the first span is kept. Sanitized as Jaeger
 * does: a span without process gets service {@code null-process-and-service-name}, an empty service name
 * {@code empty-service-name}, a duration of zero or less 1 µs and a binary tag. Thread-safe.
 */
final class MessageDecoder {
  static final String NULL_PROCESS = "null-process-and-service-name";
  static final String EMPTY_SERVICE = "empty-service-name";
  static final String NEGATIVE_DURATION_TAG = "InvalidNegativeDuration";
  static final String NEGATIVE_DURATION_TEXT = "Duration can't be negative, so it is changed to default value";

  private final String encoding;
  private final Clock clock;

  MessageDecoder(String encoding, Clock clock) {
    this.encoding = encoding;
    this.clock = clock;
  }

  /** @throws IllegalArgumentException when the message is not a span in the configured encoding */
  Span decode(byte[] value) {
    if (value == null) {
      throw new IllegalArgumentException("empty message (tombstone)");
    }
    Span span;
    switch (encoding) {
      case "protobuf", "json" -> {
        io.jaegerj.proto.api_v2.Span proto =
            (encoding.equals("json") ? SpanEncoding.JSON : SpanEncoding.PROTOBUF).parse(value);
        span = ProtoConverter.fromProto(proto);
        if (!proto.hasProcess()) {
          span = span.toBuilder().process(new Process(NULL_PROCESS, List.of())).build();
        }
      }
      case "zipkin-thrift" -> {
        List<Span> spans;
        try {
          spans = ZipkinDecoders.decode(ZipkinDecoders.Format.THRIFT_V1, value, 0, value.length, clock);
        } catch (ZipkinDecodeException | RuntimeException e) {
          throw new IllegalArgumentException("cannot unmarshal zipkin-thrift spans: " + e.getMessage(), e);
        }
        if (spans.isEmpty()) {
          throw new IllegalArgumentException("zipkin-thrift message holds no span");
        }
        span = spans.get(0);
      }
      default -> throw new IllegalStateException(encoding);
    }
    return sanitize(span);
  }

  static Span sanitize(Span span) {
    Span.Builder b = null;
    if (span.process().serviceName().isEmpty()) {
      b = span.toBuilder().process(new Process(EMPTY_SERVICE, span.process().tags()));
    }
    if (span.durationMicros() <= 0) {
      b = (b == null ? span.toBuilder() : b).durationMicros(1)
          .addTag(KeyValue.binary(NEGATIVE_DURATION_TAG,
              NEGATIVE_DURATION_TEXT.getBytes(StandardCharsets.UTF_8)));
    }
    return b == null ? span : b.build();
  }
}
