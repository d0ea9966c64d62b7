// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Process;
import io.jaegerj.model.RefType;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanId;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the query API's UI trace JSON (what {@link UiJsonWriter} writes, and what Jaeger's "Trace JSON" download
 * holds) back into the model.
 *
 * <p>Accepted documents: a trace object, a JSON array of trace objects, or the API envelope {@code {"data":[…]}}
 * (other envelope members are ignored). Within a trace, {@code processID} is resolved against {@code processes}
 * wherever that member appears; an embedded {@code process} object is used when a span has one. A non-zero
 * {@code parentSpanID} without a matching reference becomes a leading CHILD_OF reference. Tag values: {@code int64}
 * as a number or a decimal string, {@code float64} as a number or {@code "NaN"}/{@code "Infinity"}/
 * {@code "-Infinity"}, {@code binary} as base64 (standard or URL-safe, padding optional), {@code bool} as a boolean
 * or {@code "true"}/{@code "false"}; a missing {@code type} is taken from the JSON value. Unknown members are
 * skipped.
 *
 * <p>Malformed input (bad IDs, unresolved processID, a value that does not fit its type) raises a
 * {@link JsonParseException} naming the problem and its location. Stateless and thread-safe.
 */
public final class UiJsonReader {
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
      .build();

  private UiJsonReader() {}

  /** Parses a document held in memory; see the class comment for the accepted shapes. */
  public static List<Trace> readTraces(byte[] json) throws IOException {
    try (JsonParser p = FACTORY.createParser(json)) {
      return readDocument(p);
    }
  }

  /** Parses a document from UTF-8 text. */
  public static List<Trace> readTraces(String json) throws IOException {
    return readTraces(json.getBytes(StandardCharsets.UTF_8));
  }

  /** Parses a document from a stream, which is left open. */
  public static List<Trace> readTraces(InputStream in) throws IOException {
    try (JsonParser p = FACTORY.createParser(in)) {
      p.disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
      return readDocument(p);
    }
  }

  /**
   * Parses one trace object starting at the parser's current token ({@code START_OBJECT}), or at the next token
   * when the parser has not been advanced yet. Leaves the parser on the object's {@code END_OBJECT}.
   */
  public static Trace readTrace(JsonParser p) throws IOException {
    if (p.currentToken() == null) {
      p.nextToken();
    }
    expect(p, JsonToken.START_OBJECT, "trace object");
    TraceBuilder t = new TraceBuilder();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      if (!t.field(p, name)) {
        p.skipChildren();
      }
    }
    return t.build(p);
  }

  private static List<Trace> readDocument(JsonParser p) throws IOException {
    JsonToken first = p.nextToken();
    List<Trace> result;
    if (first == JsonToken.START_ARRAY) {
      result = readTraceArray(p);
    } else {
      expect(p, JsonToken.START_OBJECT, "a trace, an array of traces or {\"data\":[...]}");
      TraceBuilder t = new TraceBuilder();
      List<Trace> data = null;
      boolean envelope = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if (name.equals("data")) {
          envelope = true;
          data = v == JsonToken.VALUE_NULL ? new ArrayList<>() : readDataArray(p);
        } else if (!t.field(p, name)) {
          p.skipChildren();
        }
      }
      result = envelope ? data : List.of(t.build(p));
    }
    if (p.nextToken() != null) {
      throw new JsonParseException(p, "unexpected content after the JSON document");
    }
    return result;
  }

  private static List<Trace> readDataArray(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.START_OBJECT) {
      List<Trace> one = new ArrayList<>(1);
      one.add(readTrace(p));
      return one;
    }
    return readTraceArray(p);
  }

  private static List<Trace> readTraceArray(JsonParser p) throws IOException {
    expect(p, JsonToken.START_ARRAY, "array of traces");
    List<Trace> traces = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      traces.add(readTrace(p));
    }
    return traces;
  }

  /** Collects one trace's members in any order; spans are finished once all processes are known. */
  private static final class TraceBuilder {
    private final List<PendingSpan> spans = new ArrayList<>();
    private final Map<String, Process> processes = new HashMap<>();
    private List<String> warnings = List.of();

    boolean field(JsonParser p, String name) throws IOException {
      switch (name) {
        case "spans":
          if (p.currentToken() != JsonToken.VALUE_NULL) {
            expect(p, JsonToken.START_ARRAY, "spans array");
            while (p.nextToken() != JsonToken.END_ARRAY) {
              spans.add(readSpan(p));
            }
          }
          return true;
        case "processes":
          if (p.currentToken() != JsonToken.VALUE_NULL) {
            expect(p, JsonToken.START_OBJECT, "processes object");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String key = p.currentName();
              p.nextToken();
              processes.put(key, readProcess(p));
            }
          }
          return true;
        case "warnings":
          warnings = readStrings(p);
          return true;
        default:
          return false;
      }
    }

    Trace build(JsonParser p) throws IOException {
      List<Span> out = new ArrayList<>(spans.size());
      for (PendingSpan s : spans) {
        Process process = s.embedded;
        if (process == null) {
          process = processes.get(s.processId);
          if (process == null) {
            if (s.processId == null && processes.isEmpty()) {
              process = new Process("", List.of());
            } else {
              throw new JsonParseException(p, "span " + SpanId.toString(s.spanId)
                  + ": processID \"" + s.processId + "\" not found in processes");
            }
          }
        }
        out.add(s.builder.process(process).build());
      }
      return new Trace(out, warnings);
    }
  }

  private static final class PendingSpan {
    final Span.Builder builder = Span.builder();
    long spanId;
    String processId;
    Process embedded;
  }

  private static PendingSpan readSpan(JsonParser p) throws IOException {
    expect(p, JsonToken.START_OBJECT, "span object");
    PendingSpan s = new PendingSpan();
    Span.Builder b = s.builder;
    TraceId traceId = null;
    long parentSpanId = 0;
    List<SpanRef> refs = new ArrayList<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      switch (name) {
        case "traceID":
          traceId = traceId(p);
          b.traceId(traceId);
          break;
        case "spanID":
          s.spanId = spanId(p);
          b.spanId(s.spanId);
          break;
        case "parentSpanID":
          if (v != JsonToken.VALUE_NULL && !p.getText().isEmpty()) {
            parentSpanId = spanId(p);
          }
          break;
        case "flags":
          b.flags((int) longValue(p, "flags"));
          break;
        case "operationName":
          b.operationName(text(p, "operationName"));
          break;
        case "references":
          if (v != JsonToken.VALUE_NULL) {
            expect(p, JsonToken.START_ARRAY, "references array");
            while (p.nextToken() != JsonToken.END_ARRAY) {
              refs.add(readRef(p));
            }
          }
          break;
        case "startTime":
          b.startTimeMicros(longValue(p, "startTime"));
          break;
        case "duration":
          b.durationMicros(longValue(p, "duration"));
          break;
        case "tags":
          b.tags(readKeyValues(p));
          break;
        case "logs":
          b.logs(readLogs(p));
          break;
        case "processID":
          s.processId = v == JsonToken.VALUE_NULL ? null : p.getText();
          break;
        case "process":
          if (v != JsonToken.VALUE_NULL) {
            s.embedded = readProcess(p);
          }
          break;
        case "warnings":
          b.warnings(readStrings(p));
          break;
        default:
          p.skipChildren();
      }
    }
    if (parentSpanId != 0 && traceId != null) {
      boolean present = false;
      for (SpanRef r : refs) {
        if (r.spanId() == parentSpanId && r.traceId().equals(traceId)) {
          present = true;
          break;
        }
      }
      if (!present) {
        refs.add(0, SpanRef.childOf(traceId, parentSpanId));
      }
    }
    b.references(refs);
    return s;
  }

  private static SpanRef readRef(JsonParser p) throws IOException {
    expect(p, JsonToken.START_OBJECT, "reference object");
    RefType type = RefType.CHILD_OF;
    TraceId traceId = TraceId.ZERO;
    long spanId = 0;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      switch (name) {
        case "refType":
          String t = text(p, "refType");
          if (t.equals("CHILD_OF")) {
            type = RefType.CHILD_OF;
          } else if (t.equals("FOLLOWS_FROM")) {
            type = RefType.FOLLOWS_FROM;
          } else {
            throw new JsonParseException(p, "unknown refType \"" + t + "\" (expected: CHILD_OF or FOLLOWS_FROM)");
          }
          break;
        case "traceID":
          traceId = traceId(p);
          break;
        case "spanID":
          spanId = spanId(p);
          break;
        default:
          p.skipChildren();
      }
    }
    return new SpanRef(type, traceId, spanId);
  }

  private static List<Log> readLogs(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return List.of();
    }
    expect(p, JsonToken.START_ARRAY, "logs array");
    List<Log> logs = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      expect(p, JsonToken.START_OBJECT, "log object");
      long ts = 0;
      List<KeyValue> fields = List.of();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        if (name.equals("timestamp")) {
          ts = longValue(p, "timestamp");
        } else if (name.equals("fields")) {
          fields = readKeyValues(p);
        } else {
          p.skipChildren();
        }
      }
      logs.add(new Log(ts, fields));
    }
    return logs;
  }

  private static Process readProcess(JsonParser p) throws IOException {
    expect(p, JsonToken.START_OBJECT, "process object");
    String service = "";
    List<KeyValue> tags = List.of();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      if (name.equals("serviceName")) {
        service = text(p, "serviceName");
      } else if (name.equals("tags")) {
        tags = readKeyValues(p);
      } else {
        p.skipChildren();
      }
    }
    return new Process(service, tags);
  }

  private static List<KeyValue> readKeyValues(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return List.of();
    }
    expect(p, JsonToken.START_ARRAY, "array of key-values");
    List<KeyValue> kvs = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      kvs.add(readKeyValue(p));
    }
    return kvs;
  }

  private static KeyValue readKeyValue(JsonParser p) throws IOException {
    expect(p, JsonToken.START_OBJECT, "key-value object");
    String key = null;
    String type = null;
    JsonToken valueToken = null;
    String valueText = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      switch (name) {
        case "key":
          key = text(p, "key");
          break;
        case "type":
          type = text(p, "type");
          break;
        case "value":
          if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
            throw new JsonParseException(p, "tag value must be a string, number or boolean");
          }
          valueToken = v;
          valueText = p.getText();
          break;
        default:
          p.skipChildren();
      }
    }
    if (key == null) {
      throw new JsonParseException(p, "key-value without \"key\"");
    }
    if (type == null) {
      type = inferType(valueToken);
    }
    try {
      return toKeyValue(key, type, valueToken, valueText);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new JsonParseException(p, "tag \"" + key + "\" of type " + type + ": invalid value " + valueText, e);
    }
  }

  private static String inferType(JsonToken t) {
    if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
      return "bool";
    }
    if (t == JsonToken.VALUE_NUMBER_INT) {
      return "int64";
    }
    if (t == JsonToken.VALUE_NUMBER_FLOAT) {
      return "float64";
    }
    return "string";
  }

  private static KeyValue toKeyValue(String key, String type, JsonToken token, String text) {
    boolean absent = token == null || token == JsonToken.VALUE_NULL;
    switch (type) {
      case "string":
        return KeyValue.string(key, absent ? "" : text);
      case "bool":
        if (absent) {
          return KeyValue.bool(key, false);
        }
        if (text.equals("true") || text.equals("false")) {
          return KeyValue.bool(key, text.equals("true"));
        }
        throw new IllegalArgumentException("not a boolean");
      case "int64":
        if (absent) {
          return KeyValue.int64(key, 0);
        }
        if (token == JsonToken.VALUE_NUMBER_FLOAT) {
          return KeyValue.int64(key, new BigDecimal(text).longValueExact());
        }
        return KeyValue.int64(key, Long.parseLong(text));
      case "float64":
        if (absent) {
          return KeyValue.float64(key, 0);
        }
        return KeyValue.float64(key, parseDouble(text));
      case "binary":
        return KeyValue.binary(key, absent ? new byte[0] : decodeBase64(text));
      default:
        throw new IllegalArgumentException("unknown type");
    }
  }

  private static double parseDouble(String text) {
    switch (text) {
      case "NaN":
        return Double.NaN;
      case "Infinity":
      case "+Infinity":
      case "+Inf":
        return Double.POSITIVE_INFINITY;
      case "-Infinity":
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      default:
        // Java also accepts hex floats and a trailing 'd'; JSON numbers never look like that, strings must not either
        for (int i = 0; i < text.length(); i++) {
          char c = text.charAt(i);
          if (!(c >= '0' && c <= '9') && c != '-' && c != '+' && c != '.' && c != 'e' && c != 'E') {
            throw new IllegalArgumentException("not a number");
          }
        }
        return Double.parseDouble(text);
    }
  }

  private static byte[] decodeBase64(String text) {
    if (text.indexOf('-') >= 0 || text.indexOf('_') >= 0) {
      return Base64.getUrlDecoder().decode(text);
    }
    return Base64.getDecoder().decode(text);
  }

  private static List<String> readStrings(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return List.of();
    }
    expect(p, JsonToken.START_ARRAY, "array of strings");
    List<String> out = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      out.add(text(p, "warning"));
    }
    return out;
  }

  private static TraceId traceId(JsonParser p) throws IOException {
    String s = text(p, "traceID");
    try {
      return TraceId.parse(s);
    } catch (IllegalArgumentException e) {
      throw new JsonParseException(p, "invalid traceID: " + e.getMessage(), e);
    }
  }

  private static long spanId(JsonParser p) throws IOException {
    String s = text(p, "spanID");
    try {
      return SpanId.parse(s);
    } catch (IllegalArgumentException e) {
      throw new JsonParseException(p, "invalid spanID: " + e.getMessage(), e);
    }
  }

  private static long longValue(JsonParser p, String what) throws IOException {
    JsonToken t = p.currentToken();
    try {
      if (t == JsonToken.VALUE_NUMBER_INT) {
        return p.getLongValue();
      }
      if (t == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NUMBER_FLOAT) {
        return new BigDecimal(p.getText()).longValueExact();
      }
    } catch (NumberFormatException | ArithmeticException | IOException e) {
      throw new JsonParseException(p, what + ": not a 64-bit integer: " + p.getText(), e);
    }
    throw new JsonParseException(p, what + ": expected an integer, got " + t);
  }

  private static String text(JsonParser p, String what) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    throw new JsonParseException(p, what + ": expected a string, got " + t);
  }

  private static void expect(JsonParser p, JsonToken expected, String what) throws IOException {
    if (p.currentToken() != expected) {
      throw new JsonParseException(p, "expected " + what + ", got " + p.currentToken());
    }
  }
}
