// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model.proto;

import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import com.google.protobuf.UnsafeByteOperations;
import io.jaegerj.model.DependencyLink;
import io.jaegerj.model.Hex;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Process;
import io.jaegerj.model.RefType;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import io.jaegerj.proto.api_v2.Batch;
import io.jaegerj.proto.api_v2.SpanRefType;
import io.jaegerj.proto.api_v2.ValueType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Converts between the domain model and the {@code jaeger.api_v2} protobuf messages (collector {@code PostSpans},
 * query {@code GetTrace}/{@code FindTraces}, remote storage, Kafka's protobuf encoding).
 *
 * <ul>
 *   <li>IDs are big-endian bytes. Trace IDs are written as 16 bytes and read from 16 or 8 bytes (8 = low half); span
 *       IDs are exactly 8 bytes. An empty value reads as the zero ID, because proto3 cannot tell an empty field from
 *       an absent one and Jaeger's Go decoder leaves absent IDs at zero. Any other length raises
 *       {@link IllegalArgumentException} naming the field and length.
 *   <li>Times are microseconds in the model: {@code Timestamp}/{@code Duration} are truncated to whole microseconds
 *       when read (toward zero for durations, toward the past for timestamps) and exact when written. An unset start
 *       time or duration reads as 0.
 *   <li>A span without a process gets the batch's (or, for a {@code Trace}, the one its {@code process_id} names);
 *       failing both, the empty process (service {@code ""}).
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class ProtoConverter {
  private static final long MICROS_PER_SECOND = 1_000_000L;

  private ProtoConverter() {}

  // ---------------------------------------------------------------------------------------------- IDs

  /** 16 bytes big-endian, high half first. */
  public static ByteString traceIdToBytes(TraceId id) {
    return UnsafeByteOperations.unsafeWrap(id.toBytes());
  }

  /**
   * Reads 16 bytes (high, low), 8 bytes (low only) or empty (zero).
   *
   * @throws IllegalArgumentException for any other length
   */
  public static TraceId traceIdFromBytes(ByteString b) {
    int n = b.size();
    if (n == 16) {
      return new TraceId(readLong(b, 0), readLong(b, 8));
    }
    if (n == 8) {
      return new TraceId(0, readLong(b, 0));
    }
    if (n == 0) {
      return TraceId.ZERO;
    }
    throw new IllegalArgumentException("invalid trace_id: " + n + " bytes (expected: 16 or 8)");
  }

  /** 8 bytes big-endian. */
  public static ByteString spanIdToBytes(long spanId) {
    byte[] b = new byte[8];
    Hex.putLong(b, 0, spanId);
    return UnsafeByteOperations.unsafeWrap(b);
  }

  /**
   * Reads exactly 8 bytes, or empty (zero).
   *
   * @throws IllegalArgumentException for any other length
   */
  public static long spanIdFromBytes(ByteString b) {
    int n = b.size();
    if (n == 8) {
      return readLong(b, 0);
    }
    if (n == 0) {
      return 0;
    }
    throw new IllegalArgumentException("invalid span_id: " + n + " bytes (expected: 8)");
  }

  private static long readLong(ByteString b, int off) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b.byteAt(off + i) & 0xff);
    }
    return v;
  }

  // ---------------------------------------------------------------------------------------------- time

  /** Microseconds since the epoch as a Timestamp (negative values allowed). */
  public static Timestamp toTimestamp(long micros) {
    return Timestamp.newBuilder()
        .setSeconds(Math.floorDiv(micros, MICROS_PER_SECOND))
        .setNanos((int) Math.floorMod(micros, MICROS_PER_SECOND) * 1000)
        .build();
  }

  /** Microseconds since the epoch, dropping sub-microsecond nanos. */
  public static long toMicros(Timestamp t) {
    return t.getSeconds() * MICROS_PER_SECOND + Math.floorDiv(t.getNanos(), 1000);
  }

  /** Microseconds as a Duration (seconds and nanos share the sign). */
  public static Duration toDuration(long micros) {
    return Duration.newBuilder()
        .setSeconds(micros / MICROS_PER_SECOND)
        .setNanos((int) (micros % MICROS_PER_SECOND) * 1000)
        .build();
  }

  /** Whole microseconds of a Duration, truncated toward zero. */
  public static long toMicros(Duration d) {
    return d.getSeconds() * MICROS_PER_SECOND + d.getNanos() / 1000;
  }

  // ---------------------------------------------------------------------------------------------- key-values

  public static io.jaegerj.proto.api_v2.KeyValue toProto(KeyValue kv) {
    io.jaegerj.proto.api_v2.KeyValue.Builder b = io.jaegerj.proto.api_v2.KeyValue.newBuilder().setKey(kv.key());
    switch (kv.type()) {
      case STRING:
        return b.setVType(ValueType.STRING).setVStr(kv.stringValue()).build();
      case BOOL:
        return b.setVType(ValueType.BOOL).setVBool(kv.boolValue()).build();
      case INT64:
        return b.setVType(ValueType.INT64).setVInt64(kv.int64Value()).build();
      case FLOAT64:
        return b.setVType(ValueType.FLOAT64).setVFloat64(kv.float64Value()).build();
      case BINARY:
        return b.setVType(ValueType.BINARY)
            .setVBinary(UnsafeByteOperations.unsafeWrap(kv.binaryValue())).build();
      default:
        throw new AssertionError(kv.type());
    }
  }

  /**
   * The model value of a proto key-value; only the field that {@code v_type} selects is read.
   *
   * @throws IllegalArgumentException for an unknown {@code v_type}
   */
  public static KeyValue fromProto(io.jaegerj.proto.api_v2.KeyValue kv) {
    switch (kv.getVType()) {
      case STRING:
        return KeyValue.string(kv.getKey(), kv.getVStr());
      case BOOL:
        return KeyValue.bool(kv.getKey(), kv.getVBool());
      case INT64:
        return KeyValue.int64(kv.getKey(), kv.getVInt64());
      case FLOAT64:
        return KeyValue.float64(kv.getKey(), kv.getVFloat64());
      case BINARY:
        return KeyValue.binary(kv.getKey(), kv.getVBinary().toByteArray());
      default:
        throw new IllegalArgumentException(
            "tag \"" + kv.getKey() + "\": unknown v_type " + kv.getVTypeValue() + " (expected: 0..4)");
    }
  }

  static List<io.jaegerj.proto.api_v2.KeyValue> toProtoKeyValues(List<KeyValue> kvs) {
    int n = kvs.size();
    List<io.jaegerj.proto.api_v2.KeyValue> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(toProto(kvs.get(i)));
    }
    return out;
  }

  static List<KeyValue> fromProtoKeyValues(List<io.jaegerj.proto.api_v2.KeyValue> kvs) {
    int n = kvs.size();
    List<KeyValue> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(fromProto(kvs.get(i)));
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------- process, log, ref

  public static io.jaegerj.proto.api_v2.Process toProto(Process p) {
    return io.jaegerj.proto.api_v2.Process.newBuilder()
        .setServiceName(p.serviceName())
        .addAllTags(toProtoKeyValues(p.tags()))
        .build();
  }

  public static Process fromProto(io.jaegerj.proto.api_v2.Process p) {
    return new Process(p.getServiceName(), fromProtoKeyValues(p.getTagsList()));
  }

  public static io.jaegerj.proto.api_v2.Log toProto(Log log) {
    return io.jaegerj.proto.api_v2.Log.newBuilder()
        .setTimestamp(toTimestamp(log.timestampMicros()))
        .addAllFields(toProtoKeyValues(log.fields()))
        .build();
  }

  public static Log fromProto(io.jaegerj.proto.api_v2.Log log) {
    return new Log(toMicros(log.getTimestamp()), fromProtoKeyValues(log.getFieldsList()));
  }

  public static io.jaegerj.proto.api_v2.SpanRef toProto(SpanRef ref) {
    return io.jaegerj.proto.api_v2.SpanRef.newBuilder()
        .setTraceId(traceIdToBytes(ref.traceId()))
        .setSpanId(spanIdToBytes(ref.spanId()))
        .setRefType(ref.type() == RefType.CHILD_OF ? SpanRefType.CHILD_OF : SpanRefType.FOLLOWS_FROM)
        .build();
  }

  /**
   * @throws IllegalArgumentException for bad ID lengths or an unknown {@code ref_type}
   */
  public static SpanRef fromProto(io.jaegerj.proto.api_v2.SpanRef ref) {
    RefType type;
    switch (ref.getRefType()) {
      case CHILD_OF:
        type = RefType.CHILD_OF;
        break;
      case FOLLOWS_FROM:
        type = RefType.FOLLOWS_FROM;
        break;
      default:
        throw new IllegalArgumentException("unknown ref_type " + ref.getRefTypeValue() + " (expected: 0 or 1)");
    }
    return new SpanRef(type, traceIdFromBytes(ref.getTraceId()), spanIdFromBytes(ref.getSpanId()));
  }

  // ---------------------------------------------------------------------------------------------- spans

  /**
   * The proto form of a span; the process is embedded when {@code embedProcess}, otherwise left unset (as are
   * {@code process_id}).
   */
  public static io.jaegerj.proto.api_v2.Span toProto(Span span, boolean embedProcess) {
    io.jaegerj.proto.api_v2.Span.Builder b = toProtoBuilder(span);
    if (embedProcess) {
      b.setProcess(toProto(span.process()));
    }
    return b.build();
  }

  private static io.jaegerj.proto.api_v2.Span.Builder toProtoBuilder(Span span) {
    io.jaegerj.proto.api_v2.Span.Builder b = io.jaegerj.proto.api_v2.Span.newBuilder()
        .setTraceId(traceIdToBytes(span.traceId()))
        .setSpanId(spanIdToBytes(span.spanId()))
        .setOperationName(span.operationName())
        .setFlags(span.flags())
        .setStartTime(toTimestamp(span.startTimeMicros()))
        .setDuration(toDuration(span.durationMicros()))
        .addAllTags(toProtoKeyValues(span.tags()))
        .addAllWarnings(span.warnings());
    List<SpanRef> refs = span.references();
    for (int i = 0, n = refs.size(); i < n; i++) {
      b.addReferences(toProto(refs.get(i)));
    }
    List<Log> logs = span.logs();
    for (int i = 0, n = logs.size(); i < n; i++) {
      b.addLogs(toProto(logs.get(i)));
    }
    return b;
  }

  /** A span whose own process (or, when it has none, the empty process) is used. */
  public static Span fromProto(io.jaegerj.proto.api_v2.Span span) {
    return fromProto(span, null);
  }

  /**
   * A span; {@code defaultProcess} (may be null) is used when the span carries no process.
   *
   * @throws IllegalArgumentException for bad ID lengths or unknown enum values
   */
  public static Span fromProto(io.jaegerj.proto.api_v2.Span span, Process defaultProcess) {
    Process process;
    if (span.hasProcess()) {
      process = fromProto(span.getProcess());
    } else if (defaultProcess != null) {
      process = defaultProcess;
    } else {
      process = new Process("", List.of());
    }
    int nRefs = span.getReferencesCount();
    List<SpanRef> refs = new ArrayList<>(nRefs);
    for (int i = 0; i < nRefs; i++) {
      refs.add(fromProto(span.getReferences(i)));
    }
    int nLogs = span.getLogsCount();
    List<Log> logs = new ArrayList<>(nLogs);
    for (int i = 0; i < nLogs; i++) {
      logs.add(fromProto(span.getLogs(i)));
    }
    return new Span(
        traceIdFromBytes(span.getTraceId()),
        spanIdFromBytes(span.getSpanId()),
        span.getOperationName(),
        refs,
        span.getFlags(),
        toMicros(span.getStartTime()),
        toMicros(span.getDuration()),
        fromProtoKeyValues(span.getTagsList()),
        logs,
        process,
        span.getWarningsList());
  }

  // ---------------------------------------------------------------------------------------------- batch

  /** Spans of a collector batch; a span without its own process gets the batch process. */
  public static List<Span> fromBatch(Batch batch) {
    Process batchProcess = batch.hasProcess() ? fromProto(batch.getProcess()) : null;
    int n = batch.getSpansCount();
    List<Span> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(fromProto(batch.getSpans(i), batchProcess));
    }
    return out;
  }

  /**
   * A batch whose process is the first span's; spans with an equal process leave theirs unset, the others embed
   * theirs. An empty list gives an empty batch.
   */
  public static Batch toBatch(List<Span> spans) {
    Batch.Builder b = Batch.newBuilder();
    if (spans.isEmpty()) {
      return b.build();
    }
    Process batchProcess = spans.get(0).process();
    b.setProcess(toProto(batchProcess));
    for (int i = 0, n = spans.size(); i < n; i++) {
      Span s = spans.get(i);
      Process p = s.process();
      b.addSpans(toProto(s, p != batchProcess && !p.equals(batchProcess)));
    }
    return b.build();
  }

  // ---------------------------------------------------------------------------------------------- trace

  /**
   * A trace with a {@code process_map}: equal processes share one entry, named {@code p1}, {@code p2}, … in order
   * of first appearance, and each span carries the matching {@code process_id} and no embedded process.
   */
  public static io.jaegerj.proto.api_v2.Trace toProtoTrace(Trace trace) {
    Objects.requireNonNull(trace, "trace");
    io.jaegerj.proto.api_v2.Trace.Builder b = io.jaegerj.proto.api_v2.Trace.newBuilder();
    IdentityHashMap<Process, String> byIdentity = new IdentityHashMap<>();
    Map<Process, String> byValue = new HashMap<>();
    List<Span> spans = trace.spans();
    for (int i = 0, n = spans.size(); i < n; i++) {
      Span s = spans.get(i);
      Process p = s.process();
      String id = byIdentity.get(p);
      if (id == null) {
        id = byValue.get(p);
        if (id == null) {
          id = "p" + (byValue.size() + 1);
          byValue.put(p, id);
          b.addProcessMap(io.jaegerj.proto.api_v2.Trace.ProcessMapping.newBuilder()
              .setProcessId(id)
              .setProcess(toProto(p)));
        }
        byIdentity.put(p, id);
      }
      b.addSpans(toProtoBuilder(s).setProcessId(id));
    }
    return b.addAllWarnings(trace.warnings()).build();
  }

  /**
   * The model trace; a span's embedded process wins over its {@code process_id}.
   *
   * @throws IllegalArgumentException when a span has neither an embedded process nor a {@code process_id} found in
   *     the {@code process_map}, or for bad IDs
   */
  public static Trace fromProtoTrace(io.jaegerj.proto.api_v2.Trace trace) {
    Map<String, Process> processes = new HashMap<>();
    for (io.jaegerj.proto.api_v2.Trace.ProcessMapping m : trace.getProcessMapList()) {
      processes.put(m.getProcessId(), fromProto(m.getProcess()));
    }
    int n = trace.getSpansCount();
    List<Span> spans = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      io.jaegerj.proto.api_v2.Span s = trace.getSpans(i);
      Process p = null;
      if (!s.hasProcess()) {
        p = processes.get(s.getProcessId());
        if (p == null) {
          throw new IllegalArgumentException("span " + Hex.of64(spanIdFromBytes(s.getSpanId())) + ": process_id \""
              + s.getProcessId() + "\" not found in process_map");
        }
      }
      spans.add(fromProto(s, p));
    }
    return new Trace(spans, trace.getWarningsList());
  }

  // ---------------------------------------------------------------------------------------------- dependencies

  public static io.jaegerj.proto.api_v2.DependencyLink toProto(DependencyLink link) {
    return io.jaegerj.proto.api_v2.DependencyLink.newBuilder()
        .setParent(link.parent())
        .setChild(link.child())
        .setCallCount(link.callCount())
        .setSource(link.source())
        .build();
  }

  public static DependencyLink fromProto(io.jaegerj.proto.api_v2.DependencyLink link) {
    return new DependencyLink(link.getParent(), link.getChild(), link.getCallCount(), link.getSource());
  }
}
