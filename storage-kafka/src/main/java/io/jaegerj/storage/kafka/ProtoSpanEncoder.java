// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.kafka;

import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Process;
import io.jaegerj.model.RefType;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.TraceId;
import java.util.List;

/**
 * Writes a model span straight into the protobuf bytes of {@code jaeger.api_v2.Span} with its process embedded,
 * without building the generated message objects first: one exactly sized array per span, strings encoded into it
 * once. The bytes are those protobuf-java writes for {@code ProtoConverter.toProto(span, true)} (fields in number
 * order, proto3 defaults omitted, {@code start_time}, {@code duration}, {@code process} and log timestamps always
 * present, unpaired surrogates written as {@code '?'}); {@code ProtoSpanEncoderTest} holds it to that.
 *
 * <p>Two passes: the sizes first (a nested message's length prefix needs its size), then the bytes.
 */
final class ProtoSpanEncoder {
  private static final long MICROS_PER_SECOND = 1_000_000L;
  private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final byte[] buf;
  private int pos;

  private ProtoSpanEncoder(byte[] buf) {
    this.buf = buf;
  }

  /** The message value of a span. */
  static byte[] encode(Span s) {
    ProtoSpanEncoder w = new ProtoSpanEncoder(new byte[spanSize(s)]);
    w.writeSpan(s);
    if (w.pos != w.buf.length) {
      throw new IllegalStateException("span encoded to " + w.pos + " bytes, sized " + w.buf.length);
    }
    return w.buf;
  }

  /** The message key: the trace ID as lower-case hex, 16 characters when the high half is zero, else 32. */
  static byte[] key(TraceId id) {
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

  private static void hex(byte[] out, int off, long v) {
    for (int i = 15; i >= 0; i--) {
      out[off + i] = HEX[(int) (v & 0xf)];
      v >>>= 4;
    }
  }

  // ------------------------------------------------------------------------------------------------ sizes

  private static int spanSize(Span s) {
    int n = 1 + 1 + 16 + 1 + 1 + 8; // trace_id (16 bytes), span_id (8 bytes)
    n += stringField(s.operationName());
    List<SpanRef> refs = s.references();
    for (int i = 0, c = refs.size(); i < c; i++) {
      n += nested(refSize(refs.get(i)));
    }
    if (s.flags() != 0) {
      n += 1 + varintSize(s.flags() & 0xffffffffL);
    }
    n += nested(timestampSize(s.startTimeMicros()));
    n += nested(durationSize(s.durationMicros()));
    n += keyValuesSize(s.tags());
    List<Log> logs = s.logs();
    for (int i = 0, c = logs.size(); i < c; i++) {
      n += nested(logSize(logs.get(i)));
    }
    n += nested(processSize(s.process()));
    List<String> warnings = s.warnings();
    for (int i = 0, c = warnings.size(); i < c; i++) {
      int len = utf8Length(warnings.get(i));
      n += 1 + varintSize(len) + len;
    }
    return n;
  }

  /** Tag and length prefix plus the body of a nested message (field numbers here all fit one tag byte). */
  private static int nested(int size) {
    return 1 + varintSize(size) + size;
  }

  /** A proto3 string field: absent when empty. */
  private static int stringField(String v) {
    if (v.isEmpty()) {
      return 0;
    }
    int len = utf8Length(v);
    return 1 + varintSize(len) + len;
  }

  private static int refSize(SpanRef r) {
    return 1 + 1 + 16 + 1 + 1 + 8 + (r.type() == RefType.CHILD_OF ? 0 : 2);
  }

  private static int timestampSize(long micros) {
    long seconds = Math.floorDiv(micros, MICROS_PER_SECOND);
    int nanos = (int) Math.floorMod(micros, MICROS_PER_SECOND) * 1000;
    return secondsNanosSize(seconds, nanos);
  }

  private static int durationSize(long micros) {
    return secondsNanosSize(micros / MICROS_PER_SECOND, (int) (micros % MICROS_PER_SECOND) * 1000);
  }

  private static int secondsNanosSize(long seconds, int nanos) {
    return (seconds != 0 ? 1 + varintSize(seconds) : 0) + (nanos != 0 ? 1 + varintSize(nanos) : 0);
  }

  private static int keyValuesSize(List<KeyValue> kvs) {
    int n = 0;
    for (int i = 0, c = kvs.size(); i < c; i++) {
      n += nested(keyValueSize(kvs.get(i)));
    }
    return n;
  }

  private static int keyValueSize(KeyValue kv) {
    int n = stringField(kv.key());
    switch (kv.type()) {
      case STRING:
        return n + stringField(kv.stringValue());
      case BOOL:
        return n + 2 + (kv.boolValue() ? 2 : 0);
      case INT64:
        return n + 2 + (kv.int64Value() != 0 ? 1 + varintSize(kv.int64Value()) : 0);
      case FLOAT64:
        return n + 2 + (Double.doubleToRawLongBits(kv.float64Value()) != 0 ? 9 : 0);
      case BINARY:
        int len = kv.binaryValue().length;
        return n + 2 + (len != 0 ? 1 + varintSize(len) + len : 0);
      default:
        throw new AssertionError(kv.type());
    }
  }

  private static int logSize(Log log) {
    return nested(timestampSize(log.timestampMicros())) + keyValuesSize(log.fields());
  }

  private static int processSize(Process p) {
    return stringField(p.serviceName()) + keyValuesSize(p.tags());
  }

  static int varintSize(long v) {
    return v == 0 ? 1 : (63 - Long.numberOfLeadingZeros(v)) / 7 + 1;
  }

  /** UTF-8 length as {@code String.getBytes(UTF_8)} writes it (an unpaired surrogate becomes one {@code '?'}). */
  static int utf8Length(String s) {
    int n = s.length();
    int out = n;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        continue;
      }
      if (c < 0x800) {
        out += 1;
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        out += 2; // 4 bytes for two chars
        i++;
      } else if (Character.isSurrogate(c)) {
        continue; // '?'
      } else {
        out += 2;
      }
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------------ bytes

  private void writeSpan(Span s) {
    TraceId t = s.traceId();
    tag(1, 2);
    buf[pos++] = 16;
    writeLong(t.high());
    writeLong(t.low());
    tag(2, 2);
    buf[pos++] = 8;
    writeLong(s.spanId());
    writeStringField(3, s.operationName());
    List<SpanRef> refs = s.references();
    for (int i = 0, c = refs.size(); i < c; i++) {
      SpanRef r = refs.get(i);
      tag(4, 2);
      varint(refSize(r));
      tag(1, 2);
      buf[pos++] = 16;
      writeLong(r.traceId().high());
      writeLong(r.traceId().low());
      tag(2, 2);
      buf[pos++] = 8;
      writeLong(r.spanId());
      if (r.type() != RefType.CHILD_OF) {
        tag(3, 0);
        buf[pos++] = 1;
      }
    }
    if (s.flags() != 0) {
      tag(5, 0);
      varint(s.flags() & 0xffffffffL);
    }
    long start = s.startTimeMicros();
    tag(6, 2);
    varint(timestampSize(start));
    writeSecondsNanos(Math.floorDiv(start, MICROS_PER_SECOND), (int) Math.floorMod(start, MICROS_PER_SECOND) * 1000);
    long d = s.durationMicros();
    tag(7, 2);
    varint(durationSize(d));
    writeSecondsNanos(d / MICROS_PER_SECOND, (int) (d % MICROS_PER_SECOND) * 1000);
    writeKeyValues(8, s.tags());
    List<Log> logs = s.logs();
    for (int i = 0, c = logs.size(); i < c; i++) {
      Log log = logs.get(i);
      tag(9, 2);
      varint(logSize(log));
      long ts = log.timestampMicros();
      tag(1, 2);
      varint(timestampSize(ts));
      writeSecondsNanos(Math.floorDiv(ts, MICROS_PER_SECOND), (int) Math.floorMod(ts, MICROS_PER_SECOND) * 1000);
      writeKeyValues(2, log.fields());
    }
    Process p = s.process();
    tag(10, 2);
    varint(processSize(p));
    writeStringField(1, p.serviceName());
    writeKeyValues(2, p.tags());
    List<String> warnings = s.warnings();
    for (int i = 0, c = warnings.size(); i < c; i++) {
      String w = warnings.get(i);
      tag(12, 2);
      varint(utf8Length(w));
      writeUtf8(w);
    }
  }

  private void writeSecondsNanos(long seconds, int nanos) {
    if (seconds != 0) {
      tag(1, 0);
      varint(seconds);
    }
    if (nanos != 0) {
      tag(2, 0);
      varint(nanos); // int32: a negative value is sign-extended to ten bytes, as protobuf writes it
    }
  }

  private void writeKeyValues(int field, List<KeyValue> kvs) {
    for (int i = 0, c = kvs.size(); i < c; i++) {
      KeyValue kv = kvs.get(i);
      tag(field, 2);
      varint(keyValueSize(kv));
      writeStringField(1, kv.key());
      switch (kv.type()) {
        case STRING:
          writeStringField(3, kv.stringValue());
          break;
        case BOOL:
          tag(2, 0);
          buf[pos++] = 1;
          if (kv.boolValue()) {
            tag(4, 0);
            buf[pos++] = 1;
          }
          break;
        case INT64:
          tag(2, 0);
          buf[pos++] = 2;
          if (kv.int64Value() != 0) {
            tag(5, 0);
            varint(kv.int64Value());
          }
          break;
        case FLOAT64:
          tag(2, 0);
          buf[pos++] = 3;
          long bits = Double.doubleToRawLongBits(kv.float64Value());
          if (bits != 0) {
            tag(6, 1);
            for (int b = 0; b < 8; b++) {
              buf[pos++] = (byte) (bits >>> (8 * b));
            }
          }
          break;
        case BINARY:
          tag(2, 0);
          buf[pos++] = 4;
          byte[] v = kv.binaryValue();
          if (v.length != 0) {
            tag(7, 2);
            varint(v.length);
            System.arraycopy(v, 0, buf, pos, v.length);
            pos += v.length;
          }
          break;
        default:
          throw new AssertionError(kv.type());
      }
    }
  }

  private void writeStringField(int field, String v) {
    if (!v.isEmpty()) {
      tag(field, 2);
      varint(utf8Length(v));
      writeUtf8(v);
    }
  }

  private void tag(int field, int wireType) {
    buf[pos++] = (byte) (field << 3 | wireType);
  }

  private void varint(long v) {
    while ((v & ~0x7fL) != 0) {
      buf[pos++] = (byte) ((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    buf[pos++] = (byte) v;
  }

  private void writeLong(long v) {
    for (int shift = 56; shift >= 0; shift -= 8) {
      buf[pos++] = (byte) (v >>> shift);
    }
  }

  private void writeUtf8(String s) {
    byte[] b = buf;
    int p = pos;
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        b[p++] = (byte) c;
      } else if (c < 0x800) {
        b[p++] = (byte) (0xc0 | c >> 6);
        b[p++] = (byte) (0x80 | (c & 0x3f));
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        b[p++] = (byte) (0xf0 | cp >> 18);
        b[p++] = (byte) (0x80 | (cp >> 12 & 0x3f));
        b[p++] = (byte) (0x80 | (cp >> 6 & 0x3f));
        b[p++] = (byte) (0x80 | (cp & 0x3f));
      } else if (Character.isSurrogate(c)) {
        b[p++] = '?';
      } else {
        b[p++] = (byte) (0xe0 | c >> 12);
        b[p++] = (byte) (0x80 | (c >> 6 & 0x3f));
        b[p++] = (byte) (0x80 | (c & 0x3f));
      }
    }
    pos = p;
  }
}
