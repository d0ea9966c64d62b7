// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.badger.dbmodel;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Process;
import io.jaegerj.model.RefType;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanId;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.TraceId;
import java.util.ArrayList;
import java.util.List;

/**
 * Span values as {@code jaeger.api_v2.Span} protobuf bytes, the encoding Jaeger's Badger store writes (user-meta
 * 0x02). Times are kept in microseconds, so nanosecond remainders never appear. Stateless and thread-safe.
 */
public final class SpanCodec {
  private SpanCodec() {}

  public static byte[] encode(Span span) {
    return toProto(span).toByteArray();
  }

  /**
   * Decodes bytes written by {@link #encode}.
   *
   * @throws InvalidProtocolBufferException when the bytes are not an api_v2 span
   */
  public static Span decode(byte[] bytes, int offset, int length) throws InvalidProtocolBufferException {
    io.jaegerj.proto.api_v2.Span p =
        io.jaegerj.proto.api_v2.Span.parseFrom(ByteString.copyFrom(bytes, offset, length));
    return fromProto(p);
  }

  static io.jaegerj.proto.api_v2.Span toProto(Span s) {
    io.jaegerj.proto.api_v2.Span.Builder b = io.jaegerj.proto.api_v2.Span.newBuilder()
        .setTraceId(ByteString.copyFrom(s.traceId().toBytes()))
        .setSpanId(ByteString.copyFrom(SpanId.toBytes(s.spanId())))
        .setOperationName(s.operationName())
        .setFlags(s.flags())
        .setStartTime(timestamp(s.startTimeMicros()))
        .setDuration(duration(s.durationMicros()));
    for (SpanRef r : s.references()) {
      b.addReferences(io.jaegerj.proto.api_v2.SpanRef.newBuilder()
          .setTraceId(ByteString.copyFrom(r.traceId().toBytes()))
          .setSpanId(ByteString.copyFrom(SpanId.toBytes(r.spanId())))
          .setRefTypeValue(r.type().ordinal()));
    }
    for (KeyValue kv : s.tags()) {
      b.addTags(toProto(kv));
    }
    for (Log l : s.logs()) {
      io.jaegerj.proto.api_v2.Log.Builder lb =
          io.jaegerj.proto.api_v2.Log.newBuilder().setTimestamp(timestamp(l.timestampMicros()));
      for (KeyValue kv : l.fields()) {
        lb.addFields(toProto(kv));
      }
      b.addLogs(lb);
    }
    io.jaegerj.proto.api_v2.Process.Builder pb =
        io.jaegerj.proto.api_v2.Process.newBuilder().setServiceName(s.process().serviceName());
    for (KeyValue kv : s.process().tags()) {
      pb.addTags(toProto(kv));
    }
    b.setProcess(pb);
    b.addAllWarnings(s.warnings());
    return b.build();
  }

  static Span fromProto(io.jaegerj.proto.api_v2.Span p) {
    List<SpanRef> refs = new ArrayList<>(p.getReferencesCount());
    for (io.jaegerj.proto.api_v2.SpanRef r : p.getReferencesList()) {
      RefType type = r.getRefTypeValue() == RefType.FOLLOWS_FROM.ordinal() ? RefType.FOLLOWS_FROM : RefType.CHILD_OF;
      refs.add(new SpanRef(type, TraceId.fromBytes(r.getTraceId().toByteArray()),
          SpanId.fromBytes(r.getSpanId().toByteArray())));
    }
    List<KeyValue> tags = new ArrayList<>(p.getTagsCount());
    for (io.jaegerj.proto.api_v2.KeyValue kv : p.getTagsList()) {
      tags.add(fromProto(kv));
    }
    List<Log> logs = new ArrayList<>(p.getLogsCount());
    for (io.jaegerj.proto.api_v2.Log l : p.getLogsList()) {
      List<KeyValue> fields = new ArrayList<>(l.getFieldsCount());
      for (io.jaegerj.proto.api_v2.KeyValue kv : l.getFieldsList()) {
        fields.add(fromProto(kv));
      }
      logs.add(new Log(micros(l.getTimestamp()), fields));
    }
    List<KeyValue> processTags = new ArrayList<>(p.getProcess().getTagsCount());
    for (io.jaegerj.proto.api_v2.KeyValue kv : p.getProcess().getTagsList()) {
      processTags.add(fromProto(kv));
    }
    return new Span(
        TraceId.fromBytes(p.getTraceId().toByteArray()),
        SpanId.fromBytes(p.getSpanId().toByteArray()),
        p.getOperationName(),
        refs,
        p.getFlags(),
        micros(p.getStartTime()),
        p.getDuration().getSeconds() * 1_000_000L + p.getDuration().getNanos() / 1_000,
        tags,
        logs,
        new Process(p.getProcess().getServiceName(), processTags),
        p.getWarningsList());
  }

  private static io.jaegerj.proto.api_v2.KeyValue toProto(KeyValue kv) {
    io.jaegerj.proto.api_v2.KeyValue.Builder b =
        io.jaegerj.proto.api_v2.KeyValue.newBuilder().setKey(kv.key()).setVTypeValue(kv.type().ordinal());
    switch (kv.type()) {
      case STRING:
        b.setVStr(kv.stringValue());
        break;
      case BOOL:
        b.setVBool(kv.boolValue());
        break;
      case INT64:
        b.setVInt64(kv.int64Value());
        break;
      case FLOAT64:
        b.setVFloat64(kv.float64Value());
        break;
      case BINARY:
        b.setVBinary(ByteString.copyFrom(kv.binaryValue()));
        break;
      default:
        throw new AssertionError(kv.type());
    }
    return b.build();
  }

  private static KeyValue fromProto(io.jaegerj.proto.api_v2.KeyValue kv) {
    switch (kv.getVTypeValue()) {
      case 1:
        return KeyValue.bool(kv.getKey(), kv.getVBool());
      case 2:
        return KeyValue.int64(kv.getKey(), kv.getVInt64());
      case 3:
        return KeyValue.float64(kv.getKey(), kv.getVFloat64());
      case 4:
        return KeyValue.binary(kv.getKey(), kv.getVBinary().toByteArray());
      default:
        return KeyValue.string(kv.getKey(), kv.getVStr());
    }
  }

  private static com.google.protobuf.Timestamp timestamp(long micros) {
    return com.google.protobuf.Timestamp.newBuilder()
        .setSeconds(Math.floorDiv(micros, 1_000_000L))
        .setNanos((int) Math.floorMod(micros, 1_000_000L) * 1_000)
        .build();
  }

  private static com.google.protobuf.Duration duration(long micros) {
    return com.google.protobuf.Duration.newBuilder()
        .setSeconds(micros / 1_000_000L)
        .setNanos((int) (micros % 1_000_000L) * 1_000)
        .build();
  }

  private static long micros(com.google.protobuf.Timestamp t) {
    return t.getSeconds() * 1_000_000L + t.getNanos() / 1_000;
  }
}
