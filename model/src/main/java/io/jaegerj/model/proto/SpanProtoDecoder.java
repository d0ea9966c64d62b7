// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model.proto;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import com.google.protobuf.WireFormat;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Process;
import io.jaegerj.model.RefType;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.TraceId;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads {@code jaeger.api_v2.Span} protobuf messages straight into model spans, without building the generated
 * message objects, with exactly the result of parsing them with the generated classes and converting them with
 * {@link ProtoConverter#fromProto(io.jaegerj.proto.api_v2.Span)}: the same spans, or the same exception.
 *
 * <p>The direct path covers what protobuf encoders write (one occurrence of each singular message field, known
 * fields only, valid IDs and enum values). A span that leaves it (unknown fields, a repeated singular message that
 * protobuf would merge, an ID of a length the converter refuses, malformed bytes) is decoded again by the reference
 * path, which then decides, so errors and protobuf's merge rules come out exactly as there.
 *
 * <p>Thread-safe: every call uses its own small state object, and the calling thread's {@link Utf8Strings} cache, so
 * that the short strings that repeat from span to span (keys, names, short values) come out as shared instances.
 */
public final class SpanProtoDecoder {
  /** protobuf-java's default recursion limit. */
  private static final int RECURSION_LIMIT = 100;

  private static final int LEN = WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int VARINT = WireFormat.WIRETYPE_VARINT;
  private static final int SPAN_TRACE_ID = 1 << 3 | LEN;
  private static final int SPAN_SPAN_ID = 2 << 3 | LEN;
  private static final int SPAN_OPERATION = 3 << 3 | LEN;
  private static final int SPAN_REFERENCES = 4 << 3 | LEN;
  private static final int SPAN_FLAGS = 5 << 3 | VARINT;
  private static final int SPAN_START = 6 << 3 | LEN;
  private static final int SPAN_DURATION = 7 << 3 | LEN;
  private static final int SPAN_TAGS = 8 << 3 | LEN;
  private static final int SPAN_LOGS = 9 << 3 | LEN;
  private static final int SPAN_PROCESS = 10 << 3 | LEN;
  private static final int SPAN_PROCESS_ID = 11 << 3 | LEN;
  private static final int SPAN_WARNINGS = 12 << 3 | LEN;
  private static final int REF_TRACE_ID = 1 << 3 | LEN;
  private static final int REF_SPAN_ID = 2 << 3 | LEN;
  private static final int REF_TYPE = 3 << 3 | VARINT;
  private static final int TIME_SECONDS = 1 << 3 | VARINT;
  private static final int TIME_NANOS = 2 << 3 | VARINT;
  private static final int LOG_TIMESTAMP = 1 << 3 | LEN;
  private static final int LOG_FIELDS = 2 << 3 | LEN;
  private static final int PROCESS_SERVICE = 1 << 3 | LEN;
  private static final int PROCESS_TAGS = 2 << 3 | LEN;
  private static final int KV_KEY = 1 << 3 | LEN;
  private static final int KV_TYPE = 2 << 3 | VARINT;
  private static final int KV_STR = 3 << 3 | LEN;
  private static final int KV_BOOL = 4 << 3 | VARINT;
  private static final int KV_INT64 = 5 << 3 | VARINT;
  private static final int KV_FLOAT64 = 6 << 3 | WireFormat.WIRETYPE_FIXED64;
  private static final int KV_BINARY = 7 << 3 | LEN;

  private static final long MICROS_PER_SECOND = 1_000_000L;
  private static final byte[] EMPTY = new byte[0];

  /** Control flow: the input leaves the direct path; decode it with the reference path. Never escapes. */
  static final class Fallback extends RuntimeException {
    Fallback() {
      super("not on the direct path", null, false, false);
    }
  }

  private static final Fallback FALLBACK = new Fallback();

  private SpanProtoDecoder() {}

  /**
   * One span message.
   *
   * @throws InvalidProtocolBufferException when the bytes are not a {@code jaeger.api_v2.Span}
   * @throws IllegalArgumentException when the span has an ID of a bad length or an unknown enum value
   */
  public static Span decode(byte[] b, int off, int len) throws InvalidProtocolBufferException {
    return new State().span(b, off, len, 0);
  }

  /**
   * The spans of a message whose field {@code fieldNumber} is {@code repeated jaeger.api_v2.Span} and whose other
   * fields, if any, are ignored (as jaegerj's {@code WriteSpansRequest} and Jaeger's {@code SpansResponseChunk}),
   * in message order.
   *
   * @throws InvalidProtocolBufferException when the bytes are not such a message
   * @throws IllegalArgumentException naming the first span (by index) the converter refuses, as
   *     {@code invalid span <index>: <reason>}
   */
  public static List<Span> decodeRepeated(byte[] b, int off, int len, int fieldNumber)
      throws InvalidProtocolBufferException {
    int expected = fieldNumber << 3 | LEN;
    State state = new State();
    List<Span> out = new ArrayList<>();
    IllegalArgumentException refused = null;
    int index = 0;
    try {
      CodedInputStream in = CodedInputStream.newInstance(b, off, len);
      while (true) {
        int tag = in.readTag();
        if (tag == 0) {
          break;
        }
        if (tag != expected) {
          throw FALLBACK;
        }
        int n = in.readRawVarint32();
        int pos = in.getTotalBytesRead();
        if (n < 0 || n > len - pos) {
          throw FALLBACK;
        }
        in.skipRawBytes(n);
        try {
          Span s = state.span(b, off + pos, n, 1);
          if (refused == null) {
            out.add(s);
          }
        } catch (IllegalArgumentException e) {
          if (refused == null) {
            refused = invalid(index, e);
          }
        }
        index++;
      }
    } catch (Fallback | IOException e) {
      return referenceRepeated(b, off, len, fieldNumber);
    }
    if (refused != null) {
      throw refused;
    }
    return out;
  }

  private static IllegalArgumentException invalid(int index, IllegalArgumentException e) {
    return new IllegalArgumentException("invalid span " + index + ": " + e.getMessage(), e);
  }

  // ---------------------------------------------------------------------------------------------- reference path

  /** What the generated classes do: parse the whole message first, then convert span by span. */
  static List<Span> referenceRepeated(byte[] b, int off, int len, int fieldNumber)
      throws InvalidProtocolBufferException {
    CodedInputStream in = CodedInputStream.newInstance(b, off, len);
    UnknownFieldSet.Builder fields = UnknownFieldSet.newBuilder();
    try {
      fields.mergeFrom(in);
      in.checkLastTagWas(0);
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (IOException e) {
      throw new InvalidProtocolBufferException(e);
    }
    UnknownFieldSet.Field field = fields.build().getField(fieldNumber);
    List<ByteString> values = field == null ? List.of() : field.getLengthDelimitedList();
    List<io.jaegerj.proto.api_v2.Span> parsed = new ArrayList<>(values.size());
    for (ByteString v : values) {
      parsed.add(parseReference(v.newCodedInput(), 1));
    }
    List<Span> out = new ArrayList<>(parsed.size());
    for (int i = 0; i < parsed.size(); i++) {
      try {
        out.add(ProtoConverter.fromProto(parsed.get(i)));
      } catch (IllegalArgumentException e) {
        throw invalid(i, e);
      }
    }
    return out;
  }

  /** A span parsed as a message field {@code depth} levels down would be. */
  private static io.jaegerj.proto.api_v2.Span parseReference(CodedInputStream in, int depth)
      throws InvalidProtocolBufferException {
    in.setRecursionLimit(RECURSION_LIMIT - depth);
    io.jaegerj.proto.api_v2.Span s = io.jaegerj.proto.api_v2.Span.parser().parsePartialFrom(in);
    in.checkLastTagWas(0);
    return s;
  }

  // ---------------------------------------------------------------------------------------------- direct path

  /** Scratch lists of one call, reused span after span (each list is copied into the span it belongs to). */
  private static final class State {
    private final List<SpanRef> refs = new ArrayList<>();
    private final List<KeyValue> tags = new ArrayList<>();
    private final List<Log> logs = new ArrayList<>();
    private final List<KeyValue> logFields = new ArrayList<>();
    private final List<KeyValue> processTags = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    /** The last process read, and where its bytes are: spans of a batch mostly share one process. */
    private Process lastProcess;
    private byte[] lastProcessBytes;
    private int lastProcessOffset;
    private int lastProcessLength = -1;
    private final Utf8Strings strings = Utf8Strings.forThread();
    /** The bytes the current span is read from, and where its stream's position 0 is in them. */
    private byte[] buf;
    private int base;

    Span span(byte[] b, int off, int len, int depth) throws InvalidProtocolBufferException {
      try {
        buf = b;
        base = off;
        return direct(b, off, off + len, CodedInputStream.newInstance(b, off, len));
      } catch (IOException | RuntimeException e) {
        return ProtoConverter.fromProto(parseReference(CodedInputStream.newInstance(b, off, len), depth));
      }
    }

    /** {@code in} reads {@code b} from {@code off} to {@code end}. */
    private Span direct(byte[] b, int off, int end, CodedInputStream in) throws IOException {
      refs.clear();
      tags.clear();
      logs.clear();
      warnings.clear();
      TraceId traceId = TraceId.ZERO;
      long spanId = 0;
      String operation = "";
      int flags = 0;
      long start = 0;
      long duration = 0;
      boolean seenStart = false;
      boolean seenDuration = false;
      Process process = null;
      while (true) {
        int tag = in.readTag();
        switch (tag) {
          case 0:
            return new Span(traceId, spanId, operation, List.copyOf(refs), flags, start, duration,
                List.copyOf(tags), List.copyOf(logs), process == null ? new Process("", List.of()) : process,
                List.copyOf(warnings));
          case SPAN_TRACE_ID:
            traceId = traceId(in);
            break;
          case SPAN_SPAN_ID:
            spanId = spanId(in);
            break;
          case SPAN_OPERATION:
            operation = text(in, Utf8Strings.MAX_KEY_BYTES);
            break;
          case SPAN_REFERENCES:
            refs.add(ref(in));
            break;
          case SPAN_FLAGS:
            flags = in.readUInt32();
            break;
          case SPAN_START:
            if (seenStart) {
              throw FALLBACK;
            }
            seenStart = true;
            start = time(in, false);
            break;
          case SPAN_DURATION:
            if (seenDuration) {
              throw FALLBACK;
            }
            seenDuration = true;
            duration = time(in, true);
            break;
          case SPAN_TAGS:
            tags.add(keyValue(in));
            break;
          case SPAN_LOGS:
            logs.add(log(in));
            break;
          case SPAN_PROCESS:
            if (process != null) {
              throw FALLBACK;
            }
            process = process(b, off, end, in);
            break;
          case SPAN_PROCESS_ID:
            in.readStringRequireUtf8(); // validated as the generated parser does, then unused
            break;
          case SPAN_WARNINGS:
            warnings.add(in.readStringRequireUtf8());
            break;
          default:
            throw FALLBACK;
        }
      }
    }

    /**
     * A string field as {@code readStringRequireUtf8} reads it (same text, same refusal of bad UTF-8 or a truncated
     * field), from the thread's cache when at most {@code maxCached} bytes long and seen before.
     */
    private String text(CodedInputStream in, int maxCached) throws IOException {
      int n = in.readRawVarint32();
      int at = base + in.getTotalBytesRead();
      in.skipRawBytes(n);
      return strings.get(buf, at, n, maxCached);
    }

    private static TraceId traceId(CodedInputStream in) throws IOException {
      int n = in.readRawVarint32();
      if (n == 16) {
        long high = Long.reverseBytes(in.readRawLittleEndian64());
        return new TraceId(high, Long.reverseBytes(in.readRawLittleEndian64()));
      }
      if (n == 8) {
        return new TraceId(0, Long.reverseBytes(in.readRawLittleEndian64()));
      }
      if (n == 0) {
        return TraceId.ZERO;
      }
      throw FALLBACK;
    }

    private static long spanId(CodedInputStream in) throws IOException {
      int n = in.readRawVarint32();
      if (n == 8) {
        return Long.reverseBytes(in.readRawLittleEndian64());
      }
      if (n == 0) {
        return 0;
      }
      throw FALLBACK;
    }

    private static SpanRef ref(CodedInputStream in) throws IOException {
      int limit = in.pushLimit(in.readRawVarint32());
      TraceId traceId = TraceId.ZERO;
      long spanId = 0;
      int type = 0;
      while (true) {
        int tag = in.readTag();
        if (tag == 0) {
          break;
        }
        switch (tag) {
          case REF_TRACE_ID:
            traceId = traceId(in);
            break;
          case REF_SPAN_ID:
            spanId = spanId(in);
            break;
          case REF_TYPE:
            type = in.readEnum();
            break;
          default:
            throw FALLBACK;
        }
      }
      in.popLimit(limit);
      if (type == 0) {
        return new SpanRef(RefType.CHILD_OF, traceId, spanId);
      }
      if (type == 1) {
        return new SpanRef(RefType.FOLLOWS_FROM, traceId, spanId);
      }
      throw FALLBACK;
    }

    /** A Timestamp (floor to microseconds) or a Duration (truncated toward zero), in microseconds. */
    private static long time(CodedInputStream in, boolean duration) throws IOException {
      int limit = in.pushLimit(in.readRawVarint32());
      long seconds = 0;
      int nanos = 0;
      while (true) {
        int tag = in.readTag();
        if (tag == 0) {
          break;
        }
        if (tag == TIME_SECONDS) {
          seconds = in.readInt64();
        } else if (tag == TIME_NANOS) {
          nanos = in.readInt32();
        } else {
          throw FALLBACK;
        }
      }
      in.popLimit(limit);
      return seconds * MICROS_PER_SECOND + (duration ? nanos / 1000 : Math.floorDiv(nanos, 1000));
    }

    private Log log(CodedInputStream in) throws IOException {
      int limit = in.pushLimit(in.readRawVarint32());
      logFields.clear();
      long ts = 0;
      boolean seenTs = false;
      while (true) {
        int tag = in.readTag();
        if (tag == 0) {
          break;
        }
        if (tag == LOG_TIMESTAMP) {
          if (seenTs) {
            throw FALLBACK;
          }
          seenTs = true;
          ts = time(in, false);
        } else if (tag == LOG_FIELDS) {
          logFields.add(keyValue(in));
        } else {
          throw FALLBACK;
        }
      }
      in.popLimit(limit);
      return new Log(ts, List.copyOf(logFields));
    }

    /** Equal bytes give an equal process, so the same bytes as the last process's give the same instance. */
    private Process process(byte[] b, int off, int end, CodedInputStream in) throws IOException {
      int length = in.readRawVarint32();
      int at = off + in.getTotalBytesRead();
      if (lastProcess != null && length == lastProcessLength && length <= end - at
          && Arrays.equals(b, at, at + length, lastProcessBytes, lastProcessOffset, lastProcessOffset + length)) {
        in.skipRawBytes(length);
        return lastProcess;
      }
      int limit = in.pushLimit(length);
      Process p = process(in);
      in.popLimit(limit);
      lastProcess = p;
      lastProcessBytes = b;
      lastProcessOffset = at;
      lastProcessLength = length;
      return p;
    }

    private Process process(CodedInputStream in) throws IOException {
      processTags.clear();
      String service = "";
      while (true) {
        int tag = in.readTag();
        if (tag == 0) {
          break;
        }
        if (tag == PROCESS_SERVICE) {
          service = text(in, Utf8Strings.MAX_KEY_BYTES);
        } else if (tag == PROCESS_TAGS) {
          processTags.add(keyValue(in));
        } else {
          throw FALLBACK;
        }
      }
      return new Process(service, List.copyOf(processTags));
    }

    /** Only the value that {@code v_type} selects is kept; the others are still checked as protobuf would. */
    private KeyValue keyValue(CodedInputStream in) throws IOException {
      int limit = in.pushLimit(in.readRawVarint32());
      String key = "";
      int type = 0;
      String str = "";
      boolean bool = false;
      long int64 = 0;
      long float64 = 0;
      byte[] binary = EMPTY;
      while (true) {
        int tag = in.readTag();
        if (tag == 0) {
          break;
        }
        switch (tag) {
          case KV_KEY:
            key = text(in, Utf8Strings.MAX_KEY_BYTES);
            break;
          case KV_TYPE:
            type = in.readEnum();
            break;
          case KV_STR:
            str = text(in, Utf8Strings.MAX_VALUE_BYTES);
            break;
          case KV_BOOL:
            bool = in.readBool();
            break;
          case KV_INT64:
            int64 = in.readInt64();
            break;
          case KV_FLOAT64:
            float64 = in.readRawLittleEndian64();
            break;
          case KV_BINARY:
            binary = in.readByteArray();
            break;
          default:
            throw FALLBACK;
        }
      }
      in.popLimit(limit);
      switch (type) {
        case 0:
          return KeyValue.string(key, str);
        case 1:
          return KeyValue.bool(key, bool);
        case 2:
          return KeyValue.int64(key, int64);
        case 3:
          return KeyValue.float64(key, Double.longBitsToDouble(float64));
        case 4:
          return KeyValue.binary(key, binary);
        default:
          throw FALLBACK;
      }
    }
  }
}
