// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model.json;

import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import io.jaegerj.model.GoFloat;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Process;
import io.jaegerj.model.RefType;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanId;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.Trace;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes traces as the query API's "UI model" JSON ({@code /api/traces}), byte for byte as Jaeger's Go encoder does:
 *
 * <ul>
 *   <li>keys in Jaeger's order; span {@code flags} omitted when 0; span and trace {@code warnings} {@code null} when
 *       empty; {@code references}, {@code tags}, {@code logs} always arrays;
 *   <li>processes deduplicated by value (service name and tag list in order) into {@code p1}, {@code p2}, … by first
 *       appearance over the spans, emitted in lexicographic key order ({@code p1, p10, p2});
 *   <li>{@code int64} values outside ±(2<sup>53</sup>−1) as decimal strings; {@code float64} in Go's shortest form
 *       ({@link GoFloat#formatJson}), NaN and infinities as the strings {@code "NaN"}, {@code "Infinity"},
 *       {@code "-Infinity"}; {@code binary} as standard padded base64;
 *   <li>strings escaped like Go ({@code <}, {@code >}, {@code &}, U+2028, U+2029 as &#92;u00XX or &#92;u20XX;
 *       unpaired surrogates replaced by U+FFFD).
 * </ul>
 *
 * <p>Use {@link #newGenerator} to get a UTF-8 generator configured like Go's encoder and, optionally, with Go's 4-space
 * indentation; other generators work too, but Jackson's defaults escape characters outside the BMP as surrogate
 * pairs. Stateless and thread-safe; a generator is not.
 */
public final class UiJsonWriter {
  static final long MAX_SAFE_INT = (1L << 53) - 1;

  private static final JsonFactory FACTORY = new JsonFactoryBuilder()
      .disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
      .disable(JsonWriteFeature.ESCAPE_NON_ASCII)
      .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
      .build();

  private static final SerializableString TRACE_ID = new SerializedString("traceID");
  private static final SerializableString SPAN_ID = new SerializedString("spanID");
  private static final SerializableString SPANS = new SerializedString("spans");
  private static final SerializableString PROCESSES = new SerializedString("processes");
  private static final SerializableString WARNINGS = new SerializedString("warnings");
  private static final SerializableString FLAGS = new SerializedString("flags");
  private static final SerializableString OPERATION_NAME = new SerializedString("operationName");
  private static final SerializableString REFERENCES = new SerializedString("references");
  private static final SerializableString REF_TYPE = new SerializedString("refType");
  private static final SerializableString START_TIME = new SerializedString("startTime");
  private static final SerializableString DURATION = new SerializedString("duration");
  private static final SerializableString TAGS = new SerializedString("tags");
  private static final SerializableString LOGS = new SerializedString("logs");
  private static final SerializableString TIMESTAMP = new SerializedString("timestamp");
  private static final SerializableString FIELDS = new SerializedString("fields");
  private static final SerializableString PROCESS_ID = new SerializedString("processID");
  private static final SerializableString SERVICE_NAME = new SerializedString("serviceName");
  private static final SerializableString KEY = new SerializedString("key");
  private static final SerializableString TYPE = new SerializedString("type");
  private static final SerializableString VALUE = new SerializedString("value");
  private static final SerializableString CHILD_OF = new SerializedString("CHILD_OF");
  private static final SerializableString FOLLOWS_FROM = new SerializedString("FOLLOWS_FROM");
  private static final SerializableString[] TYPE_NAMES = {
      new SerializedString("string"),
      new SerializedString("bool"),
      new SerializedString("int64"),
      new SerializedString("float64"),
      new SerializedString("binary"),
  };
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final int CACHED_PROCESS_KEYS = 256;
  private static final String[] PROCESS_KEYS = new String[CACHED_PROCESS_KEYS];

  static {
    for (int i = 0; i < CACHED_PROCESS_KEYS; i++) {
      PROCESS_KEYS[i] = "p" + (i + 1);
    }
  }

  private UiJsonWriter() {}

  /**
   * A UTF-8 generator over {@code out} with Go's escaping; compact, or indented like Go's
   * {@code json.MarshalIndent(v, "", "    ")} when {@code pretty}. Characters outside the BMP are written as 4-byte
   * UTF-8, not as escaped surrogate pairs. Closing the generator closes {@code out}.
   */
  public static JsonGenerator newGenerator(OutputStream out, boolean pretty) throws IOException {
    JsonGenerator gen = FACTORY.createGenerator(out, JsonEncoding.UTF8);
    if (pretty) {
      gen.setPrettyPrinter(new GoIndentPrettyPrinter());
    }
    return gen;
  }

  /** Writes the traces as one JSON array. */
  public static void writeTraces(JsonGenerator gen, List<Trace> traces) throws IOException {
    gen.writeStartArray();
    for (int i = 0, n = traces.size(); i < n; i++) {
      writeTraceObject(gen, traces.get(i));
    }
    gen.writeEndArray();
  }

  /** Writes one trace object ({@code traceID}, {@code spans}, {@code processes}, {@code warnings}). */
  public static void writeTrace(JsonGenerator gen, Trace trace) throws IOException {
    writeTraceObject(gen, trace);
  }

  private static void writeTraceObject(JsonGenerator gen, Trace trace) throws IOException {
    Objects.requireNonNull(trace, "trace");
    List<Span> spans = trace.spans();
    int n = spans.size();
    ProcessTable processes = new ProcessTable();
    gen.writeStartObject();
    gen.writeFieldName(TRACE_ID);
    gen.writeString(n == 0 ? "" : spans.get(0).traceId().toString());
    gen.writeFieldName(SPANS);
    gen.writeStartArray();
    for (int i = 0; i < n; i++) {
      Span span = spans.get(i);
      writeSpan(gen, span, processes.keyOf(span.process()));
    }
    gen.writeEndArray();
    gen.writeFieldName(PROCESSES);
    processes.write(gen);
    gen.writeFieldName(WARNINGS);
    writeWarnings(gen, trace.warnings());
    gen.writeEndObject();
  }

  private static void writeSpan(JsonGenerator gen, Span span, String processId) throws IOException {
    gen.writeStartObject();
    gen.writeFieldName(TRACE_ID);
    gen.writeString(span.traceId().toString());
    gen.writeFieldName(SPAN_ID);
    gen.writeString(SpanId.toString(span.spanId()));
    if (span.flags() != 0) {
      gen.writeFieldName(FLAGS);
      gen.writeNumber(Integer.toUnsignedLong(span.flags()));
    }
    gen.writeFieldName(OPERATION_NAME);
    writeText(gen, span.operationName());
    gen.writeFieldName(REFERENCES);
    gen.writeStartArray();
    List<SpanRef> refs = span.references();
    for (int i = 0, n = refs.size(); i < n; i++) {
      SpanRef ref = refs.get(i);
      gen.writeStartObject();
      gen.writeFieldName(REF_TYPE);
      gen.writeString(ref.type() == RefType.CHILD_OF ? CHILD_OF : FOLLOWS_FROM);
      gen.writeFieldName(TRACE_ID);
      gen.writeString(ref.traceId().toString());
      gen.writeFieldName(SPAN_ID);
      gen.writeString(SpanId.toString(ref.spanId()));
      gen.writeEndObject();
    }
    gen.writeEndArray();
    gen.writeFieldName(START_TIME);
    gen.writeNumber(span.startTimeMicros());
    gen.writeFieldName(DURATION);
    gen.writeNumber(span.durationMicros());
    gen.writeFieldName(TAGS);
    writeKeyValues(gen, span.tags());
    gen.writeFieldName(LOGS);
    gen.writeStartArray();
    List<Log> logs = span.logs();
    for (int i = 0, n = logs.size(); i < n; i++) {
      Log log = logs.get(i);
      gen.writeStartObject();
      gen.writeFieldName(TIMESTAMP);
      gen.writeNumber(log.timestampMicros());
      gen.writeFieldName(FIELDS);
      writeKeyValues(gen, log.fields());
      gen.writeEndObject();
    }
    gen.writeEndArray();
    gen.writeFieldName(PROCESS_ID);
    gen.writeString(processId);
    gen.writeFieldName(WARNINGS);
    writeWarnings(gen, span.warnings());
    gen.writeEndObject();
  }

  private static void writeWarnings(JsonGenerator gen, List<String> warnings) throws IOException {
    if (warnings.isEmpty()) {
      gen.writeNull();
      return;
    }
    gen.writeStartArray();
    for (int i = 0, n = warnings.size(); i < n; i++) {
      writeText(gen, warnings.get(i));
    }
    gen.writeEndArray();
  }

  private static void writeProcess(JsonGenerator gen, Process process) throws IOException {
    gen.writeStartObject();
    gen.writeFieldName(SERVICE_NAME);
    writeText(gen, process.serviceName());
    gen.writeFieldName(TAGS);
    writeKeyValues(gen, process.tags());
    gen.writeEndObject();
  }

  private static void writeKeyValues(JsonGenerator gen, List<KeyValue> kvs) throws IOException {
    gen.writeStartArray();
    for (int i = 0, n = kvs.size(); i < n; i++) {
      writeKeyValue(gen, kvs.get(i));
    }
    gen.writeEndArray();
  }

  private static void writeKeyValue(JsonGenerator gen, KeyValue kv) throws IOException {
    gen.writeStartObject();
    gen.writeFieldName(KEY);
    writeText(gen, kv.key());
    gen.writeFieldName(TYPE);
    gen.writeString(TYPE_NAMES[kv.type().ordinal()]);
    gen.writeFieldName(VALUE);
    switch (kv.type()) {
      case STRING:
        writeText(gen, kv.stringValue());
        break;
      case BOOL:
        gen.writeBoolean(kv.boolValue());
        break;
      case INT64:
        long v = kv.int64Value();
        if (v >= -MAX_SAFE_INT && v <= MAX_SAFE_INT) {
          gen.writeNumber(v);
        } else {
          gen.writeString(Long.toString(v));
        }
        break;
      case FLOAT64:
        double d = kv.float64Value();
        if (Double.isNaN(d)) {
          gen.writeString("NaN");
        } else if (Double.isInfinite(d)) {
          gen.writeString(d > 0 ? "Infinity" : "-Infinity");
        } else {
          gen.writeNumber(GoFloat.formatJson(d));
        }
        break;
      case BINARY:
        byte[] b = kv.binaryValue();
        gen.writeBinary(Base64Variants.MIME_NO_LINEFEEDS, b, 0, b.length);
        break;
      default:
        throw new AssertionError(kv.type());
    }
    gen.writeEndObject();
  }

  /**
   * Writes a string as Go's encoder would. Strings without characters that Go treats specially take Jackson's fast
   * path; the rest are escaped here and written raw.
   */
  static void writeText(JsonGenerator gen, String s) throws IOException {
    if (needsGoEscaping(s)) {
      gen.writeRawValue(goQuote(s));
    } else {
      gen.writeString(s);
    }
  }

  /**
   * True when Jackson's standard escaping would differ from Go's: HTML characters, U+2028/U+2029, control characters
   * without a short escape (Jackson's hex case is configurable) and unpaired surrogates.
   */
  static boolean needsGoEscaping(String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x3f) {
        if (c < 0x20 ? (c != '\n' && c != '\t' && c != '\r' && c != '\b' && c != '\f')
            : (c == '<' || c == '>' || c == '&')) {
          return true;
        }
      } else if (c >= 0x2028) {
        if (c <= 0x2029) {
          return true;
        }
        if (Character.isSurrogate(c)) {
          if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
            i++;
          } else {
            return true;
          }
        }
      }
    }
    return false;
  }

  /**
   * The JSON string literal Go's encoding/json writes for {@code s} (HTML-safe, U+FFFD for bad surrogates); the one
   * quoter for JSON that Jaeger's Go code would have written.
   */
  public static String goQuote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    b.append('"');
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          b.append("\\\"");
          break;
        case '\\':
          b.append("\\\\");
          break;
        case '\b':
          b.append("\\b");
          break;
        case '\f':
          b.append("\\f");
          break;
        case '\n':
          b.append("\\n");
          break;
        case '\r':
          b.append("\\r");
          break;
        case '\t':
          b.append("\\t");
          break;
        case '<':
        case '>':
        case '&':
        case '\u2028':
        case '\u2029':
          appendUnicodeEscape(b, c);
          break;
        default:
          if (c < 0x20) {
            appendUnicodeEscape(b, c);
          } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
            b.append(c).append(s.charAt(++i));
          } else if (Character.isSurrogate(c)) {
            b.append('\uFFFD');
          } else {
            b.append(c);
          }
      }
    }
    return b.append('"').toString();
  }

  private static void appendUnicodeEscape(StringBuilder b, char c) {
    b.append("\\u").append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf]).append(HEX[(c >> 4) & 0xf])
        .append(HEX[c & 0xf]);
  }

  static String processKey(int index) {
    return index < CACHED_PROCESS_KEYS ? PROCESS_KEYS[index] : "p" + (index + 1);
  }

  /** Assigns p1, p2, … to distinct processes; an identity map first spares hashing when spans share instances. */
  private static final class ProcessTable {
    private final IdentityHashMap<Process, String> byIdentity = new IdentityHashMap<>();
    private final Map<Process, String> byValue = new HashMap<>();
    private final List<Process> ordered = new ArrayList<>();

    String keyOf(Process p) {
      String key = byIdentity.get(p);
      if (key != null) {
        return key;
      }
      key = byValue.get(p);
      if (key == null) {
        key = processKey(ordered.size());
        ordered.add(p);
        byValue.put(p, key);
      }
      byIdentity.put(p, key);
      return key;
    }

    void write(JsonGenerator gen) throws IOException {
      int n = ordered.size();
      Integer[] order = new Integer[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      if (n > 9) {
        Arrays.sort(order, (a, b) -> processKey(a).compareTo(processKey(b)));
      }
      gen.writeStartObject();
      for (int i = 0; i < n; i++) {
        int idx = order[i];
        gen.writeFieldName(processKey(idx));
        writeProcess(gen, ordered.get(idx));
      }
      gen.writeEndObject();
    }
  }
}
