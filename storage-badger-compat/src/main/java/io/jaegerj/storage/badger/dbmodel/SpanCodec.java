// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.badger.dbmodel;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.jaegerj.model.Hex;
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

  /** What dependency computation needs from a span: its ID, its parent's ID (0 for none) and its service. */
  public record Link(long spanId, long parentSpanId, String service) {}

  /**
   * Reads only the span ID, the references and the process service name of an encoded span, skipping tags, logs and
   * everything else. The parent follows {@link Span#parentSpanId()}: the first same-trace CHILD_OF reference, else
   * the first same-trace FOLLOWS_FROM reference, else 0.
   *
   * @throws InvalidProtocolBufferException when the bytes are not an api_v2 span
   */
  public static Link decodeLink(byte[] bytes, int offset, int length) throws InvalidProtocolBufferException {
    try {
      CodedInputStream in = CodedInputStream.newInstance(bytes, offset, length);
      byte[] traceId = EMPTY;
      long spanId = 0;
      String service = "";
      List<byte[]> refTraceIds = null;
      long childOf = 0;
      long followsFrom = 0;
      boolean hasChildOf = false;
      boolean hasFollowsFrom = false;
      List<long[]> refs = null;
      while (true) {
        int tag = in.readTag();
        if (tag == 0) {
          break;
        }
        switch (WireFormat.getTagFieldNumber(tag)) {
          case 1:
            traceId = in.readByteArray();
            break;
          case 2:
            spanId = idBytes(in.readByteArray());
            break;
          case 4: {
            int limit = in.pushLimit(in.readRawVarint32());
            byte[] refTrace = EMPTY;
            long refSpan = 0;
            int refType = 0;
            while (true) {
              int t = in.readTag();
              if (t == 0) {
                break;
              }
              int field = WireFormat.getTagFieldNumber(t);
              if (field == 1) {
                refTrace = in.readByteArray();
              } else if (field == 2) {
                refSpan = idBytes(in.readByteArray());
              } else if (field == 3) {
                refType = in.readEnum();
              } else {
                in.skipField(t);
              }
            }
            in.popLimit(limit);
            if (refs == null) {
              refs = new ArrayList<>(2);
              refTraceIds = new ArrayList<>(2);
            }
            refs.add(new long[] {refSpan, refType});
            refTraceIds.add(refTrace);
            break;
          }
          case 10: {
            int limit = in.pushLimit(in.readRawVarint32());
            while (true) {
              int t = in.readTag();
              if (t == 0) {
                break;
              }
              if (WireFormat.getTagFieldNumber(t) == 1) {
                service = in.readString();
              } else {
                in.skipField(t);
              }
            }
            in.popLimit(limit);
            break;
          }
          default:
            in.skipField(tag);
        }
      }
      if (refs != null) {
        TraceId own = traceIdOf(traceId);
        for (int i = 0; i < refs.size(); i++) {
          if (!traceIdOf(refTraceIds.get(i)).equals(own)) {
            continue;
          }
          long[] r = refs.get(i);
          if (r[1] == RefType.FOLLOWS_FROM.ordinal()) {
            if (!hasFollowsFrom) {
              followsFrom = r[0];
              hasFollowsFrom = true;
            }
          } else if (!hasChildOf) {
            childOf = r[0];
            hasChildOf = true;
          }
        }
      }
      return new Link(spanId, hasChildOf ? childOf : (hasFollowsFrom ? followsFrom : 0), service);
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (java.io.IOException | IllegalArgumentException e) {
      throw new InvalidProtocolBufferException(e.getMessage());
    }
  }

  private static final byte[] EMPTY = new byte[0];

  private static long idBytes(byte[] b) {
    if (b.length != 8) {
      throw new IllegalArgumentException("invalid length for SpanID: " + b.length + " bytes (expected: 8)");
    }
    return Hex.getLong(b, 0);
  }

  private static TraceId traceIdOf(byte[] b) {
    return b.length == 0 ? TraceId.ZERO : TraceId.fromBytes(b);
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
