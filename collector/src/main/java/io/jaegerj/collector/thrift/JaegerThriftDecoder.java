// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.thrift;

import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Process;
import io.jaegerj.model.RefType;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.TraceId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TField;
import org.apache.thrift.protocol.TMessage;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.protocol.TType;

/**
 * Decodes jaeger.thrift {@code Batch} structs (jaeger-idl) into model spans, following Jaeger's thrift-to-domain
 * converter: ids are unsigned reinterpretations of the signed i64s, a non-zero {@code parentSpanId} without a matching
 * reference becomes a leading CHILD_OF reference, every span shares the batch process, {@code seqNo} and
 * {@code stats} are ignored. Required fields are enforced like Go's generated readers do. Stateless and thread-safe.
 */
public final class JaegerThriftDecoder {
  private JaegerThriftDecoder() {}

  /** Decodes a bare {@code Batch} struct (the body of {@code POST /api/traces}). */
  public static List<Span> decodeBatch(byte[] bytes, ThriftProtocol protocol) throws ThriftDecodeException {
    return decodeBatch(bytes, 0, bytes.length, protocol);
  }

  /** Decodes a bare {@code Batch} struct from a slice of {@code bytes}. */
  public static List<Span> decodeBatch(byte[] bytes, int offset, int length, ThriftProtocol protocol)
      throws ThriftDecodeException {
    try {
      ThriftInput in = ThriftInput.of(bytes, offset, length, protocol);
      return readBatch(in);
    } catch (TException | RuntimeException e) {
      throw wrap(e);
    }
  }

  /**
   * Decodes one agent datagram: a Thrift message header followed by the arguments of {@code emitBatch} or
   * {@code emitZipkinBatch}. Other method names are returned with empty lists; their arguments are skipped.
   */
  public static AgentMessage decodeAgentMessage(byte[] bytes, int offset, int length, ThriftProtocol protocol)
      throws ThriftDecodeException {
    try {
      ThriftInput in = ThriftInput.of(bytes, offset, length, protocol);
      TProtocol p = in.protocol;
      TMessage message = p.readMessageBegin();
      List<Span> jaeger = List.of();
      List<ZipkinCore.Span> zipkin = List.of();
      boolean batchSeen = false;
      in.structBegin();
      for (TField f = in.nextField(); f != null; f = in.nextField()) {
        if (f.id == 1 && AgentMessage.EMIT_BATCH.equals(message.name) && in.is(f, TType.STRUCT)) {
          jaeger = readBatch(in);
          batchSeen = true;
        } else if (f.id == 1 && AgentMessage.EMIT_ZIPKIN_BATCH.equals(message.name) && in.is(f, TType.LIST)) {
          zipkin = ZipkinThriftDecoder.readSpanList(in);
        } else if (!(f.id == 1 && isKnown(message.name))) {
          in.skip(f.type);
        }
      }
      p.readMessageEnd();
      if (AgentMessage.EMIT_BATCH.equals(message.name) && !batchSeen) {
        throw new ThriftDecodeException("emitBatch: argument batch is not set");
      }
      return new AgentMessage(message.name, jaeger, zipkin);
    } catch (TException | RuntimeException e) {
      throw wrap(e);
    }
  }

  private static boolean isKnown(String method) {
    return AgentMessage.EMIT_BATCH.equals(method) || AgentMessage.EMIT_ZIPKIN_BATCH.equals(method);
  }

  static ThriftDecodeException wrap(Exception e) {
    if (e instanceof ThriftDecodeException) {
      return (ThriftDecodeException) e;
    }
    String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new ThriftDecodeException("malformed Thrift: " + detail, e);
  }

  private static List<Span> readBatch(ThriftInput in) throws TException, ThriftDecodeException {
    Process process = null;
    List<Span.Builder> spans = null;
    in.structBegin();
    for (TField f = in.nextField(); f != null; f = in.nextField()) {
      if (f.id == 1 && in.is(f, TType.STRUCT)) {
        process = readProcess(in);
      } else if (f.id == 2 && in.is(f, TType.LIST)) {
        spans = in.structs("Batch.spans", JaegerThriftDecoder::readSpan);
      } else if (f.id != 1 && f.id != 2) {
        in.skip(f.type);
      }
    }
    if (process == null) {
      throw notSet("Batch", "process");
    }
    if (spans == null) {
      throw notSet("Batch", "spans");
    }
    List<Span> out = new ArrayList<>(spans.size());
    for (Span.Builder b : spans) {
      out.add(b.process(process).build());
    }
    return out;
  }

  private static ThriftDecodeException notSet(String struct, String field) {
    return new ThriftDecodeException(struct + ": required field " + field + " is not set");
  }

  private static Process readProcess(ThriftInput in) throws TException, ThriftDecodeException {
    TProtocol p = in.protocol;
    String serviceName = null;
    List<KeyValue> tags = List.of();
    in.structBegin();
    for (TField f = in.nextField(); f != null; f = in.nextField()) {
      if (f.id == 1 && in.is(f, TType.STRING)) {
        serviceName = p.readString();
      } else if (f.id == 2 && in.is(f, TType.LIST)) {
        tags = readTags(in, "Process.tags");
      } else if (f.id != 1 && f.id != 2) {
        in.skip(f.type);
      }
    }
    if (serviceName == null) {
      throw notSet("Process", "serviceName");
    }
    return new Process(serviceName, tags);
  }

  private static final int TRACE_ID_LOW = 1;
  private static final int TRACE_ID_HIGH = 1 << 1;
  private static final int SPAN_ID = 1 << 2;
  private static final int PARENT_SPAN_ID = 1 << 3;
  private static final int OPERATION_NAME = 1 << 4;
  private static final int FLAGS = 1 << 6;
  private static final int START_TIME = 1 << 7;
  private static final int DURATION = 1 << 8;
  private static final int SPAN_REQUIRED = TRACE_ID_LOW | TRACE_ID_HIGH | SPAN_ID | PARENT_SPAN_ID | OPERATION_NAME
      | FLAGS | START_TIME | DURATION;
  private static final String[] SPAN_FIELDS = {
    "traceIdLow", "traceIdHigh", "spanId", "parentSpanId", "operationName", "references", "flags", "startTime",
    "duration"
  };

  private static Span.Builder readSpan(ThriftInput in) throws TException, ThriftDecodeException {
    TProtocol p = in.protocol;
    long traceIdLow = 0;
    long traceIdHigh = 0;
    long parentSpanId = 0;
    List<SpanRef> refs = new ArrayList<>(0);
    List<KeyValue> tags = List.of();
    List<Log> logs = List.of();
    Span.Builder b = Span.builder();
    int seen = 0;
    in.structBegin();
    for (TField f = in.nextField(); f != null; f = in.nextField()) {
      switch (f.id) {
        case 1:
          if (in.is(f, TType.I64)) {
            traceIdLow = p.readI64();
            seen |= TRACE_ID_LOW;
          }
          break;
        case 2:
          if (in.is(f, TType.I64)) {
            traceIdHigh = p.readI64();
            seen |= TRACE_ID_HIGH;
          }
          break;
        case 3:
          if (in.is(f, TType.I64)) {
            b.spanId(p.readI64());
            seen |= SPAN_ID;
          }
          break;
        case 4:
          if (in.is(f, TType.I64)) {
            parentSpanId = p.readI64();
            seen |= PARENT_SPAN_ID;
          }
          break;
        case 5:
          if (in.is(f, TType.STRING)) {
            b.operationName(p.readString());
            seen |= OPERATION_NAME;
          }
          break;
        case 6:
          if (in.is(f, TType.LIST)) {
            refs = in.structs("Span.references", JaegerThriftDecoder::readSpanRef);
          }
          break;
        case 7:
          if (in.is(f, TType.I32)) {
            b.flags(p.readI32());
            seen |= FLAGS;
          }
          break;
        case 8:
          if (in.is(f, TType.I64)) {
            b.startTimeMicros(p.readI64());
            seen |= START_TIME;
          }
          break;
        case 9:
          if (in.is(f, TType.I64)) {
            b.durationMicros(p.readI64());
            seen |= DURATION;
          }
          break;
        case 10:
          if (in.is(f, TType.LIST)) {
            tags = readTags(in, "Span.tags");
          }
          break;
        case 11:
          if (in.is(f, TType.LIST)) {
            logs = readLogs(in);
          }
          break;
        default:
          in.skip(f.type);
      }
    }
    if ((seen & SPAN_REQUIRED) != SPAN_REQUIRED) {
      int missing = SPAN_REQUIRED & ~seen;
      throw notSet("Span", SPAN_FIELDS[Integer.numberOfTrailingZeros(missing)]);
    }
    TraceId traceId = new TraceId(traceIdHigh, traceIdLow);
    if (parentSpanId != 0 && !refersTo(refs, traceId, parentSpanId)) {
      refs.add(0, SpanRef.childOf(traceId, parentSpanId));
    }
    return b.traceId(traceId).references(refs).tags(tags).logs(logs);
  }

  private static boolean refersTo(List<SpanRef> refs, TraceId traceId, long spanId) {
    for (SpanRef r : refs) {
      if (r.spanId() == spanId && r.traceId().equals(traceId)) {
        return true;
      }
    }
    return false;
  }

  private static SpanRef readSpanRef(ThriftInput in) throws TException, ThriftDecodeException {
    TProtocol p = in.protocol;
    int refType = 0;
    long low = 0;
    long high = 0;
    long spanId = 0;
    int seen = 0;
    in.structBegin();
    for (TField f = in.nextField(); f != null; f = in.nextField()) {
      if (f.id == 1 && in.is(f, TType.I32)) {
        refType = p.readI32();
        seen |= 1;
      } else if (f.id == 2 && in.is(f, TType.I64)) {
        low = p.readI64();
        seen |= 2;
      } else if (f.id == 3 && in.is(f, TType.I64)) {
        high = p.readI64();
        seen |= 4;
      } else if (f.id == 4 && in.is(f, TType.I64)) {
        spanId = p.readI64();
        seen |= 8;
      } else if (f.id < 1 || f.id > 4) {
        in.skip(f.type);
      }
    }
    if (seen != 15) {
      String[] names = {"refType", "traceIdLow", "traceIdHigh", "spanId"};
      throw notSet("SpanRef", names[Integer.numberOfTrailingZeros(~seen & 15)]);
    }
    // Jaeger copies the enum number unchecked; the model has only the two defined types, so an unknown number is
    // kept as CHILD_OF, the zero value Jaeger's protobuf encoding falls back to.
    RefType type = refType == 1 ? RefType.FOLLOWS_FROM : RefType.CHILD_OF;
    return new SpanRef(type, new TraceId(high, low), spanId);
  }

  private static List<Log> readLogs(ThriftInput in) throws TException, ThriftDecodeException {
    return in.structs("Span.logs", JaegerThriftDecoder::readLog);
  }

  private static Log readLog(ThriftInput in) throws TException, ThriftDecodeException {
    long timestamp = 0;
    List<KeyValue> fields = null;
    boolean hasTimestamp = false;
    in.structBegin();
    for (TField f = in.nextField(); f != null; f = in.nextField()) {
      if (f.id == 1 && in.is(f, TType.I64)) {
        timestamp = in.protocol.readI64();
        hasTimestamp = true;
      } else if (f.id == 2 && in.is(f, TType.LIST)) {
        fields = readTags(in, "Log.fields");
      } else if (f.id != 1 && f.id != 2) {
        in.skip(f.type);
      }
    }
    if (!hasTimestamp) {
      throw notSet("Log", "timestamp");
    }
    if (fields == null) {
      throw notSet("Log", "fields");
    }
    return new Log(timestamp, fields);
  }


  private static List<KeyValue> readTags(ThriftInput in, String what) throws TException, ThriftDecodeException {
    return in.structs(what, JaegerThriftDecoder::readTag);
  }

  private static KeyValue readTag(ThriftInput in) throws TException, ThriftDecodeException {
    TProtocol p = in.protocol;
    String key = null;
    int vType = 0;
    boolean hasType = false;
    String vStr = null;
    double vDouble = 0;
    boolean hasDouble = false;
    boolean vBool = false;
    boolean hasBool = false;
    long vLong = 0;
    boolean hasLong = false;
    byte[] vBinary = null;
    in.structBegin();
    for (TField f = in.nextField(); f != null; f = in.nextField()) {
      switch (f.id) {
        case 1:
          if (in.is(f, TType.STRING)) {
            key = p.readString();
          }
          break;
        case 2:
          if (in.is(f, TType.I32)) {
            vType = p.readI32();
            hasType = true;
          }
          break;
        case 3:
          if (in.is(f, TType.STRING)) {
            vStr = p.readString();
          }
          break;
        case 4:
          if (in.is(f, TType.DOUBLE)) {
            vDouble = p.readDouble();
            hasDouble = true;
          }
          break;
        case 5:
          if (in.is(f, TType.BOOL)) {
            vBool = p.readBool();
            hasBool = true;
          }
          break;
        case 6:
          if (in.is(f, TType.I64)) {
            vLong = p.readI64();
            hasLong = true;
          }
          break;
        case 7:
          if (in.is(f, TType.STRING)) {
            vBinary = in.binary();
          }
          break;
        default:
          in.skip(f.type);
      }
    }
    if (key == null) {
      throw notSet("Tag", "key");
    }
    if (!hasType) {
      throw notSet("Tag", "vType");
    }
    switch (vType) {
      case 0:
        return KeyValue.string(key, vStr == null ? "" : vStr);
      case 1:
        return KeyValue.float64(key, vDouble);
      case 2:
        return KeyValue.bool(key, vBool);
      case 3:
        return KeyValue.int64(key, vLong);
      case 4:
        return KeyValue.binary(key, vBinary == null ? new byte[0] : vBinary);
      default:
        // Jaeger keeps such a tag as text: a dump of the Thrift struct after this prefix.
        return KeyValue.string(key, "Unknown VType: Tag({Key:" + key + " VType:" + vType
            + " VStr:" + (vStr == null ? "<nil>" : vStr)
            + " VDouble:" + (hasDouble ? Double.toString(vDouble) : "<nil>")
            + " VBool:" + (hasBool ? Boolean.toString(vBool) : "<nil>")
            + " VLong:" + (hasLong ? Long.toString(vLong) : "<nil>")
            + " VBinary:" + (vBinary == null ? "[]" : Base64.getEncoder().encodeToString(vBinary)) + "})");
    }
  }
}
