// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.http;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.jaegerj.collector.pipeline.SpanConsumer;
import io.netty.buffer.ByteBuf;
import java.io.IOException;

/**
 * Counts a request that a receiver refuses before decoding it (the pipeline is {@link SpanConsumer#saturated()
 * saturated}). When the number of spans can be read from the framing without decoding them (an uncompressed
 * protobuf body: only tags and lengths are read; a Thrift list header), the spans are counted in
 * {@code jaeger_collector_spans_dropped_total} as if they had been refused after decoding, and the request in
 * {@code jaeger_collector_receiver_errors_total{reason="queue_full"}}. Otherwise (compressed or JSON bodies) the
 * request alone is counted, as {@code reason="queue_full_undecoded"}, so that no decoding work is spent on it.
 */
public final class RefusedSpans {
  /** The reason label of a refused request whose spans were not counted. */
  public static final String UNDECODED = "queue_full_undecoded";

  /** Tags of length-delimited fields 1 and 2: (number << 3) | wire type. */
  private static final int LEN1 = 1 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int LEN2 = 2 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;

  private RefusedSpans() {}

  /** Records a refusal of {@code spans} spans, or of an uncounted request when {@code spans < 0}. */
  public static void count(SpanConsumer consumer, ReceiverErrors errors, int spans) {
    if (spans < 0) {
      errors.count(UNDECODED);
      return;
    }
    consumer.refusedBeforeDecoding(spans);
    errors.count("queue_full");
  }

  /** Spans in an OTLP {@code ExportTraceServiceRequest}, or -1 when the body is not plain protobuf. */
  public static int otlpProto(ByteBuf body, String contentEncoding) {
    if (!identity(contentEncoding)) {
      return -1;
    }
    return otlpProto(CodedInputStream.newInstance(body.nioBuffer()));
  }

  /** Spans in an OTLP {@code ExportTraceServiceRequest} already decompressed (a gRPC message), or -1. */
  public static int otlpProto(byte[] message) {
    return otlpProto(CodedInputStream.newInstance(message));
  }

  private static int otlpProto(CodedInputStream in) {
    try {
      int n = 0;
      while (!in.isAtEnd()) {
        int tag = in.readTag();
        if (tag != LEN1) {
          in.skipField(tag);
          continue;
        }
        int limit = in.pushLimit(in.readRawVarint32());
        while (!in.isAtEnd()) { // ResourceSpans
          int t = in.readTag();
          if (t != LEN2) {
            in.skipField(t);
            continue;
          }
          int scopeLimit = in.pushLimit(in.readRawVarint32());
          while (!in.isAtEnd()) { // ScopeSpans
            int s = in.readTag();
            if (s == LEN2) {
              n++;
            }
            in.skipField(s);
          }
          in.popLimit(scopeLimit);
        }
        in.popLimit(limit);
      }
      return n;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Spans in a Zipkin {@code ListOfSpans} (proto3), or -1 when the body is not plain protobuf. */
  public static int zipkinProto3(ByteBuf body, String contentEncoding) {
    if (!identity(contentEncoding)) {
      return -1;
    }
    try {
      CodedInputStream in = CodedInputStream.newInstance(body.nioBuffer());
      int n = 0;
      while (!in.isAtEnd()) {
        int tag = in.readTag();
        if (tag == LEN1) {
          n++;
        }
        in.skipField(tag);
      }
      return n;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static boolean identity(String contentEncoding) {
    return contentEncoding == null || contentEncoding.isBlank() || contentEncoding.trim().equalsIgnoreCase("identity");
  }
}
