// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model.proto;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.jaegerj.model.Hex;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Process;
import io.jaegerj.model.RefType;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.TraceId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

/**
 * Writes model spans as {@code jaeger.api_v2.Span} protobuf messages, each with its process embedded, straight from
 * the model into one byte array per call, without building the generated message objects. The bytes are exactly
 * those of {@code ProtoConverter.toProto(span, true).toByteArray()} (same field order, same omitted defaults).
 *
 * <p>Construction measures every span once and remembers the sizes of the nested messages that need a string scan
 * (spans, key-values, logs, processes), so writing does not measure again. Then {@link #size(int)} tells what a span
 * costs on the wire (to split a batch), and {@link #encodeRepeated} writes any range of the spans as a repeated
 * message field, which is how {@code SpansResponseChunk} and jaegerj's {@code WriteSpansRequest} carry them.
 *
 * <p>An instance serves one batch and one thread.
 */
public final class SpanProtoEncoder {
  private static final long MICROS_PER_SECOND = 1_000_000L;
  private static final int LEN = WireFormat.WIRETYPE_LENGTH_DELIMITED;
  /** Tag, length and 16 bytes; tag, length and 8 bytes. */
  private static final int TRACE_ID_FIELD_SIZE = 18;
  private static final int SPAN_ID_FIELD_SIZE = 10;

  private final List<Span> spans;
  private final int[] spanSizes;
  /** Per span: the index in {@link #nested} of its first nested size. */
  private final int[] firstNested;
  /**
   * Per span: the index in {@link #nested} of its process's size, followed by its tags' sizes. Spans that share a
   * process instance with the span before share the entry; a batch usually has a handful of processes.
   */
  private final int[] processNested;
  /** The last process measured, and where its sizes are. */
  private Process measuredProcess;
  private int measuredProcessAt;
  /** The last process written, as its message bytes. */
  private Process writtenProcess;
  private byte[] writtenProcessBytes;
  /** Sizes of the key-values, logs and processes of all spans, in the order they are written. */
  private int[] nested = new int[64];
  private int nestedCount;
  /** Where writing reads the next nested size. */
  private int cursor;
  private final byte[] id = new byte[16];
  /** The calling thread's cache while a public method runs (an instance may move between threads between calls). */
  private Utf8Bytes utf8;

  public SpanProtoEncoder(List<Span> spans) {
    this.spans = spans;
    this.utf8 = Utf8Bytes.forThread();
    int n = spans.size();
    this.spanSizes = new int[n];
    this.firstNested = new int[n];
    this.processNested = new int[n];
    for (int i = 0; i < n; i++) {
      firstNested[i] = nestedCount;
      spanSizes[i] = measureSpan(spans.get(i), i);
    }
  }

  /** The bytes of one span as a {@code jaeger.api_v2.Span} message, process embedded. */
  public static byte[] encode(Span span) {
    return new SpanProtoEncoder(List.of(span)).encodeSpan(0);
  }

  /** Spans of this batch. */
  public int count() {
    return spans.size();
  }

  /** The size of span {@code i}'s message, without the tag and length that introduce it in a repeated field. */
  public int size(int i) {
    return spanSizes[i];
  }

  /** What span {@code i} adds to a repeated field: tag, length and message. */
  public int fieldSize(int fieldNumber, int i) {
    return CodedOutputStream.computeTagSize(fieldNumber) + CodedOutputStream.computeUInt32SizeNoTag(spanSizes[i])
        + spanSizes[i];
  }

  /** Span {@code i}'s message alone. */
  public byte[] encodeSpan(int i) {
    byte[] out = new byte[spanSizes[i]];
    CodedOutputStream o = CodedOutputStream.newInstance(out);
    utf8 = Utf8Bytes.forThread();
    try {
      writeSpan(o, i);
      o.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /**
   * Spans {@code from} (inclusive) to {@code to} (exclusive) as occurrences of the repeated message field
   * {@code fieldNumber}: the whole body of a message that has only that field.
   */
  public byte[] encodeRepeated(int fieldNumber, int from, int to) {
    long total = 0;
    for (int i = from; i < to; i++) {
      total += fieldSize(fieldNumber, i);
    }
    if (total > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("spans " + from + ".." + to + " need " + total + " bytes");
    }
    byte[] out = new byte[(int) total];
    CodedOutputStream o = CodedOutputStream.newInstance(out);
    utf8 = Utf8Bytes.forThread();
    try {
      for (int i = from; i < to; i++) {
        o.writeTag(fieldNumber, LEN);
        o.writeUInt32NoTag(spanSizes[i]);
        writeSpan(o, i);
      }
      o.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------- measuring

  private int push() {
    if (nestedCount == nested.length) {
      nested = Arrays.copyOf(nested, nested.length * 2);
    }
    return nestedCount++;
  }

  private static int lengthDelimited(int size) {
    return 1 + CodedOutputStream.computeUInt32SizeNoTag(size) + size;
  }

  private int measureSpan(Span s, int index) {
    int size = TRACE_ID_FIELD_SIZE + SPAN_ID_FIELD_SIZE;
    if (!s.operationName().isEmpty()) {
      size += stringSize(s.operationName());
    }
    List<SpanRef> refs = s.references();
    for (int i = 0, n = refs.size(); i < n; i++) {
      size += lengthDelimited(refSize(refs.get(i)));
    }
    if (s.flags() != 0) {
      size += CodedOutputStream.computeUInt32Size(5, s.flags());
    }
    size += lengthDelimited(timestampSize(s.startTimeMicros()));
    size += lengthDelimited(durationSize(s.durationMicros()));
    size += measureKeyValues(s.tags());
    List<Log> logs = s.logs();
    for (int i = 0, n = logs.size(); i < n; i++) {
      int slot = push();
      Log log = logs.get(i);
      int logSize = lengthDelimited(timestampSize(log.timestampMicros())) + measureKeyValues(log.fields());
      nested[slot] = logSize;
      size += lengthDelimited(logSize);
    }
    Process p = s.process();
    if (p != measuredProcess) {
      measuredProcess = p;
      measuredProcessAt = nestedCount;
      measureProcess(p);
    }
    processNested[index] = measuredProcessAt;
    size += lengthDelimited(nested[measuredProcessAt]);
    List<String> warnings = s.warnings();
    for (int i = 0, n = warnings.size(); i < n; i++) {
      size += CodedOutputStream.computeStringSize(12, warnings.get(i));
    }
    return size;
  }

  private void measureProcess(Process p) {
    int slot = push();
    int size = p.serviceName().isEmpty() ? 0 : stringSize(p.serviceName());
    size += measureKeyValues(p.tags());
    nested[slot] = size;
  }

  /** Every key-value as a length-delimited field; each one's size is remembered. */
  private int measureKeyValues(List<KeyValue> kvs) {
    int size = 0;
    for (int i = 0, n = kvs.size(); i < n; i++) {
      int kv = keyValueSize(kvs.get(i));
      int slot = push(); // before indexing: push may replace the array
      nested[slot] = kv;
      size += lengthDelimited(kv);
    }
    return size;
  }

  private int keyValueSize(KeyValue kv) {
    int size = kv.key().isEmpty() ? 0 : stringSize(kv.key());
    switch (kv.type()) {
      case STRING: {
        String v = kv.stringValue();
        return size + (v.isEmpty() ? 0 : stringSize(v));
      }
      case BOOL:
        return size + 2 + (kv.boolValue() ? 2 : 0);
      case INT64:
        return size + 2 + (kv.int64Value() == 0 ? 0 : CodedOutputStream.computeInt64Size(5, kv.int64Value()));
      case FLOAT64:
        return size + 2 + (Double.doubleToRawLongBits(kv.float64Value()) == 0 ? 0 : 9);
      case BINARY: {
        int n = kv.binaryLength();
        return size + 2 + (n == 0 ? 0 : lengthDelimited(n));
      }
      default:
        throw new AssertionError(kv.type());
    }
  }

  /**
   * A string field with its tag (every string field number here is below 16: a one-byte tag): the same size as
   * {@link CodedOutputStream#computeStringSize}, from the cached bytes when the string is short.
   */
  private int stringSize(String s) {
    if (s.length() > Utf8Bytes.MAX_CHARS) {
      return 1 + CodedOutputStream.computeStringSizeNoTag(s);
    }
    return lengthDelimited(utf8.get(s).length);
  }

  private static int refSize(SpanRef ref) {
    return TRACE_ID_FIELD_SIZE + SPAN_ID_FIELD_SIZE + (ref.type() == RefType.CHILD_OF ? 0 : 2);
  }

  private static int timestampSize(long micros) {
    return secondsNanosSize(Math.floorDiv(micros, MICROS_PER_SECOND),
        (int) Math.floorMod(micros, MICROS_PER_SECOND) * 1000);
  }

  private static int durationSize(long micros) {
    return secondsNanosSize(micros / MICROS_PER_SECOND, (int) (micros % MICROS_PER_SECOND) * 1000);
  }

  private static int secondsNanosSize(long seconds, int nanos) {
    return (seconds == 0 ? 0 : CodedOutputStream.computeInt64Size(1, seconds))
        + (nanos == 0 ? 0 : CodedOutputStream.computeInt32Size(2, nanos));
  }

  // ---------------------------------------------------------------------------------------------- writing

  private void writeSpan(CodedOutputStream o, int i) throws IOException {
    Span s = spans.get(i);
    cursor = firstNested[i];
    writeTraceId(o, 1, s.traceId());
    writeSpanId(o, 2, s.spanId());
    if (!s.operationName().isEmpty()) {
      writeString(o, 3, s.operationName());
    }
    List<SpanRef> refs = s.references();
    for (int r = 0, n = refs.size(); r < n; r++) {
      SpanRef ref = refs.get(r);
      o.writeTag(4, LEN);
      o.writeUInt32NoTag(refSize(ref));
      writeTraceId(o, 1, ref.traceId());
      writeSpanId(o, 2, ref.spanId());
      if (ref.type() != RefType.CHILD_OF) {
        o.writeEnum(3, 1);
      }
    }
    if (s.flags() != 0) {
      o.writeUInt32(5, s.flags());
    }
    long start = s.startTimeMicros();
    writeSecondsNanos(o, 6, Math.floorDiv(start, MICROS_PER_SECOND),
        (int) Math.floorMod(start, MICROS_PER_SECOND) * 1000);
    long duration = s.durationMicros();
    writeSecondsNanos(o, 7, duration / MICROS_PER_SECOND, (int) (duration % MICROS_PER_SECOND) * 1000);
    writeKeyValues(o, 8, s.tags());
    List<Log> logs = s.logs();
    for (int l = 0, n = logs.size(); l < n; l++) {
      Log log = logs.get(l);
      o.writeTag(9, LEN);
      o.writeUInt32NoTag(nested[cursor++]);
      long ts = log.timestampMicros();
      writeSecondsNanos(o, 1, Math.floorDiv(ts, MICROS_PER_SECOND), (int) Math.floorMod(ts, MICROS_PER_SECOND) * 1000);
      writeKeyValues(o, 2, log.fields());
    }
    Process p = s.process();
    if (p != writtenProcess) {
      writtenProcess = p;
      writtenProcessBytes = encodeProcess(p, processNested[i]);
    }
    o.writeTag(10, LEN);
    o.writeUInt32NoTag(writtenProcessBytes.length);
    o.writeRawBytes(writtenProcessBytes);
    List<String> warnings = s.warnings();
    for (int w = 0, n = warnings.size(); w < n; w++) {
      o.writeString(12, warnings.get(w));
    }
  }

  /** A process message alone; its sizes are at {@code at} in {@link #nested}. */
  private byte[] encodeProcess(Process p, int at) throws IOException {
    byte[] out = new byte[nested[at]];
    CodedOutputStream o = CodedOutputStream.newInstance(out);
    cursor = at + 1;
    if (!p.serviceName().isEmpty()) {
      writeString(o, 1, p.serviceName());
    }
    writeKeyValues(o, 2, p.tags());
    o.checkNoSpaceLeft();
    return out;
  }

  /** The same bytes as {@link CodedOutputStream#writeString}. */
  private void writeString(CodedOutputStream o, int field, String s) throws IOException {
    if (s.length() > Utf8Bytes.MAX_CHARS) {
      o.writeString(field, s);
    } else {
      o.writeByteArray(field, utf8.get(s));
    }
  }

  private void writeTraceId(CodedOutputStream o, int field, TraceId traceId) throws IOException {
    Hex.putLong(id, 0, traceId.high());
    Hex.putLong(id, 8, traceId.low());
    o.writeTag(field, LEN);
    o.writeUInt32NoTag(16);
    o.writeRawBytes(id, 0, 16);
  }

  private void writeSpanId(CodedOutputStream o, int field, long spanId) throws IOException {
    Hex.putLong(id, 0, spanId);
    o.writeTag(field, LEN);
    o.writeUInt32NoTag(8);
    o.writeRawBytes(id, 0, 8);
  }

  private static void writeSecondsNanos(CodedOutputStream o, int field, long seconds, int nanos) throws IOException {
    o.writeTag(field, LEN);
    o.writeUInt32NoTag(secondsNanosSize(seconds, nanos));
    if (seconds != 0) {
      o.writeInt64(1, seconds);
    }
    if (nanos != 0) {
      o.writeInt32(2, nanos);
    }
  }

  private void writeKeyValues(CodedOutputStream o, int field, List<KeyValue> kvs) throws IOException {
    for (int i = 0, n = kvs.size(); i < n; i++) {
      KeyValue kv = kvs.get(i);
      o.writeTag(field, LEN);
      o.writeUInt32NoTag(nested[cursor++]);
      if (!kv.key().isEmpty()) {
        writeString(o, 1, kv.key());
      }
      switch (kv.type()) {
        case STRING: {
          String v = kv.stringValue();
          if (!v.isEmpty()) {
            writeString(o, 3, v);
          }
          break;
        }
        case BOOL:
          o.writeEnum(2, 1);
          if (kv.boolValue()) {
            o.writeBool(4, true);
          }
          break;
        case INT64:
          o.writeEnum(2, 2);
          if (kv.int64Value() != 0) {
            o.writeInt64(5, kv.int64Value());
          }
          break;
        case FLOAT64: {
          o.writeEnum(2, 3);
          long bits = Double.doubleToRawLongBits(kv.float64Value());
          if (bits != 0) {
            o.writeFixed64(6, bits);
          }
          break;
        }
        case BINARY:
          o.writeEnum(2, 4);
          if (kv.binaryLength() != 0) {
            o.writeByteArray(7, kv.binaryValue());
          }
          break;
        default:
          throw new AssertionError(kv.type());
      }
    }
  }
}
