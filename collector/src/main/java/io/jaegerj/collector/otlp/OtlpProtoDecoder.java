// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.otlp;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import com.google.protobuf.WireFormat;
import io.jaegerj.model.Hex;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Process;
import io.jaegerj.model.RefType;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.TraceId;
import io.jaegerj.model.otlp.OtlpToModel;
import io.jaegerj.model.proto.Utf8Strings;
import io.opentelemetry.proto.common.v1.AnyValue;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes an OTLP {@code ExportTraceServiceRequest} straight from its protobuf bytes into Jaeger spans, without
 * building the generated message objects, with exactly the result of {@code OtlpToModel.toModel(OtlpUtf8.parse(b))}.
 *
 * <p>The direct path covers what real exporters send. Whenever an input leaves that path (any malformed or truncated
 * protobuf, invalid UTF-8, IDs of the wrong length, a singular message field repeated, unknown groups, the
 * {@code @jaeger@warnings} attribute), the whole request is decoded again by the reference path, so errors, the UTF-8
 * sanitizer and protobuf's merge rules come out exactly as there. Array and map attribute values, and attributes with
 * unusual encodings, are parsed into the generated {@link AnyValue} (with the recursion limit they would have inside
 * the whole request) and converted by {@link OtlpToModel#tag}.
 *
 * <p>Stateless and thread-safe; every call uses its own small state object.
 */
public final class OtlpProtoDecoder {
  /** protobuf-java's default recursion limit, which the reference parser applies. */
  private static final int RECURSION_LIMIT = 100;

  private static final int REQUEST_RESOURCE_SPANS = 1 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int RS_RESOURCE = 1 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int RS_SCOPE_SPANS = 2 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int RS_SCHEMA_URL = 3 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int RESOURCE_ATTRIBUTES = 1 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int SS_SCOPE = 1 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int SS_SPANS = 2 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int SS_SCHEMA_URL = 3 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int SCOPE_NAME = 1 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int SCOPE_VERSION = 2 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int SCOPE_ATTRIBUTES = 3 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int SPAN_TRACE_ID = 1 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int SPAN_SPAN_ID = 2 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int SPAN_TRACE_STATE = 3 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int SPAN_PARENT_SPAN_ID = 4 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int SPAN_NAME = 5 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int SPAN_KIND = 6 << 3 | WireFormat.WIRETYPE_VARINT;
  private static final int SPAN_START = 7 << 3 | WireFormat.WIRETYPE_FIXED64;
  private static final int SPAN_END = 8 << 3 | WireFormat.WIRETYPE_FIXED64;
  private static final int SPAN_ATTRIBUTES = 9 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int SPAN_EVENTS = 11 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int SPAN_LINKS = 13 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int SPAN_STATUS = 15 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int EVENT_TIME = 1 << 3 | WireFormat.WIRETYPE_FIXED64;
  private static final int EVENT_NAME = 2 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int EVENT_ATTRIBUTES = 3 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int LINK_TRACE_ID = 1 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int LINK_SPAN_ID = 2 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int LINK_TRACE_STATE = 3 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int LINK_ATTRIBUTES = 4 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int STATUS_MESSAGE = 2 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int STATUS_CODE = 3 << 3 | WireFormat.WIRETYPE_VARINT;
  private static final int KV_KEY = 1 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int KV_VALUE = 2 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int AV_STRING = 1 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int AV_BOOL = 2 << 3 | WireFormat.WIRETYPE_VARINT;
  private static final int AV_INT = 3 << 3 | WireFormat.WIRETYPE_VARINT;
  private static final int AV_DOUBLE = 4 << 3 | WireFormat.WIRETYPE_FIXED64;
  private static final int AV_ARRAY = 5 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int AV_KVLIST = 6 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int AV_BYTES = 7 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;

  /** Nesting levels (the request is 0) of the KeyValue messages of each attribute list, for the recursion limit. */
  private static final int RESOURCE_KV_LEVEL = 3;
  private static final int SCOPE_KV_LEVEL = 4;
  private static final int SPAN_KV_LEVEL = 4;
  private static final int EVENT_KV_LEVEL = 5;
  private static final int LINK_KV_LEVEL = 5;

  /** Value cases as {@link AnyValue.ValueCase} numbers them; 0 is unset. */
  private static final int CASE_NONE = 0;
  private static final int CASE_STRING = 1;

  /** Control flow: the input leaves the direct path; decode it with the reference path. Never escapes. */
  static final class Fallback extends RuntimeException {
    Fallback() {
      super("not on the direct path", null, false, false);
    }
  }

  private static final Fallback FALLBACK = new Fallback();

  private final byte[] body;
  /** Set by {@link #lengthDelimited}: the length of the field just skipped. */
  private int len;

  // The value of the attribute being read, set by anyValue: the scalar cases directly, else the generated message.
  private int valueCase;
  private long valueBits;
  private String valueString;
  private int valuePos;
  private int valueLen;
  private AnyValue valueMessage;

  private final Utf8Strings cache = Utf8Strings.forThread();
  private final ArrayList<KeyValue> tagScratch = new ArrayList<>(32);

  private OtlpProtoDecoder(byte[] body) {
    this.body = body;
  }

  /**
   * Decodes every span of the request, in request order.
   *
   * @throws InvalidProtocolBufferException when the body is not a valid {@code ExportTraceServiceRequest}
   * @throws IllegalArgumentException when a trace ID is not 0 or 16 bytes long or a span ID not 0 or 8 bytes long
   */
  public static List<Span> decode(byte[] body) throws InvalidProtocolBufferException {
    try {
      return decodeDirect(body);
    } catch (IOException | RuntimeException e) {
      // Fallback, or any failure of the direct path: the reference path decides, and throws what callers expect.
      return OtlpToModel.toModel(OtlpUtf8.parse(body));
    }
  }

  /**
   * The direct path only.
   *
   * @throws Fallback when the input needs the reference path
   * @throws IOException when the protobuf is malformed (the reference path says how)
   */
  static List<Span> decodeDirect(byte[] body) throws IOException {
    OtlpProtoDecoder d = new OtlpProtoDecoder(body);
    List<Span> out = new ArrayList<>(Math.max(16, body.length >> 9));
    CodedInputStream in = CodedInputStream.newInstance(body);
    while (true) {
      int t = in.readTag();
      if (t == 0) {
        break;
      }
      if (t == REQUEST_RESOURCE_SPANS) {
        int pos = d.lengthDelimited(in, 0);
        d.resourceSpans(pos, d.len, out);
      } else {
        skip(in, t);
      }
    }
    return out;
  }

  /** Skips an unknown field; groups leave the direct path (protobuf checks their nesting and end tags). */
  private static void skip(CodedInputStream in, int t) throws IOException {
    int wireType = WireFormat.getTagWireType(t);
    if (wireType == WireFormat.WIRETYPE_START_GROUP || wireType == WireFormat.WIRETYPE_END_GROUP) {
      throw FALLBACK;
    }
    in.skipField(t);
  }

  /** Reads a length prefix and skips the bytes; returns their absolute offset and sets {@link #len}. */
  private int lengthDelimited(CodedInputStream in, int base) throws IOException {
    int n = in.readRawVarint32();
    int pos = base + in.getTotalBytesRead();
    in.skipRawBytes(n);
    len = n;
    return pos;
  }

  private boolean validUtf8(int pos, int n) {
    return UnsafeByteOperations.unsafeWrap(body, pos, n).isValidUtf8();
  }

  /**
   * A key or name: when short, from the thread's cache if seen before. Invalid UTF-8 leaves the direct path (the
   * reference path sanitizes it).
   */
  private String readString(CodedInputStream in, int base) throws IOException {
    int p = lengthDelimited(in, base);
    return cache.get(body, p, len, Utf8Strings.MAX_KEY_BYTES);
  }

  /**
   * A string attribute value: only very short ones go through the cache (enumerations such as methods, hosts or
   * customers), since longer values (URLs, messages) are mostly distinct and would only evict the keys.
   */
  private String readValue(CodedInputStream in, int base) throws IOException {
    int p = lengthDelimited(in, base);
    return cache.get(body, p, len, Utf8Strings.MAX_VALUE_BYTES);
  }

  private void validateString(CodedInputStream in, int base) throws IOException {
    int p = lengthDelimited(in, base);
    if (!validUtf8(p, len)) {
      throw new InvalidProtocolBufferException("invalid UTF-8");
    }
  }

  private void resourceSpans(int pos, int n, List<Span> out) throws IOException {
    // The resource may follow the scope spans on the wire: find it first, then decode the spans.
    CodedInputStream in = CodedInputStream.newInstance(body, pos, n);
    Process process = null;
    while (true) {
      int t = in.readTag();
      if (t == 0) {
        break;
      }
      if (t == RS_RESOURCE) {
        if (process != null) {
          throw FALLBACK; // protobuf merges repeated occurrences
        }
        process = resource(in, pos);
      } else if (t == RS_SCOPE_SPANS) {
        in.skipRawBytes(in.readRawVarint32());
      } else if (t == RS_SCHEMA_URL) {
        validateString(in, pos);
      } else {
        skip(in, t);
      }
    }
    if (process == null) {
      process = new Process(OtlpToModel.MISSING_SERVICE_NAME, List.of());
    }
    in = CodedInputStream.newInstance(body, pos, n);
    while (true) {
      int t = in.readTag();
      if (t == 0) {
        break;
      }
      if (t == RS_SCOPE_SPANS) {
        int p = lengthDelimited(in, pos);
        scopeSpans(p, len, process, out);
      } else {
        in.skipField(t);
      }
    }
  }

  private Process resource(CodedInputStream in, int base) throws IOException {
    int old = in.pushLimit(in.readRawVarint32());
    String service = OtlpToModel.MISSING_SERVICE_NAME;
    List<KeyValue> tags = new ArrayList<>(8);
    while (true) {
      int t = in.readTag();
      if (t == 0) {
        break;
      }
      if (t == RESOURCE_ATTRIBUTES) {
        KeyValue kv = keyValue(in, base, RESOURCE_KV_LEVEL);
        if (kv.key().equals("service.name")) {
          // Like a map, the last duplicate wins.
          if (valueCase != CASE_STRING) {
            service = OtlpToModel.WRONG_TYPE_SERVICE_NAME;
          } else if (kv.stringValue().isEmpty()) {
            service = OtlpToModel.EMPTY_SERVICE_NAME;
          } else {
            service = kv.stringValue();
          }
        } else {
          tags.add(kv);
        }
      } else {
        skip(in, t);
      }
    }
    in.popLimit(old);
    return new Process(service, tags);
  }

  private void scopeSpans(int pos, int n, Process process, List<Span> out) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(body, pos, n);
    boolean scopeSeen = false;
    String scopeName = "";
    String scopeVersion = "";
    while (true) {
      int t = in.readTag();
      if (t == 0) {
        break;
      }
      if (t == SS_SCOPE) {
        if (scopeSeen) {
          throw FALLBACK;
        }
        scopeSeen = true;
        int old = in.pushLimit(in.readRawVarint32());
        while (true) {
          int st = in.readTag();
          if (st == 0) {
            break;
          }
          if (st == SCOPE_NAME) {
            scopeName = readString(in, pos);
          } else if (st == SCOPE_VERSION) {
            scopeVersion = readString(in, pos);
          } else if (st == SCOPE_ATTRIBUTES) {
            keyValue(in, pos, SCOPE_KV_LEVEL);
          } else {
            skip(in, st);
          }
        }
        in.popLimit(old);
      } else if (t == SS_SPANS) {
        in.skipRawBytes(in.readRawVarint32());
      } else if (t == SS_SCHEMA_URL) {
        validateString(in, pos);
      } else {
        skip(in, t);
      }
    }
    // Every span of the scope carries the same two tags: build them once.
    KeyValue scopeNameTag = scopeName.isEmpty() ? null : KeyValue.string("otel.scope.name", scopeName);
    KeyValue scopeVersionTag = scopeVersion.isEmpty() ? null : KeyValue.string("otel.scope.version", scopeVersion);
    in = CodedInputStream.newInstance(body, pos, n);
    while (true) {
      int t = in.readTag();
      if (t == 0) {
        break;
      }
      if (t == SS_SPANS) {
        out.add(span(in, pos, scopeNameTag, scopeVersionTag, process));
      } else {
        in.skipField(t);
      }
    }
  }

  private Span span(CodedInputStream in, int base, KeyValue scopeNameTag, KeyValue scopeVersionTag, Process process)
      throws IOException {
    int old = in.pushLimit(in.readRawVarint32());
    int traceIdPos = 0;
    int traceIdLen = 0;
    int spanIdPos = 0;
    int spanIdLen = 0;
    int parentPos = 0;
    int parentLen = 0;
    String traceState = "";
    String name = "";
    int kind = 0;
    long start = 0;
    long end = 0;
    boolean statusSeen = false;
    int statusCode = 0;
    String statusMessage = "";
    // One scratch list per request: the span keeps an exact-size immutable copy (which Span does not copy again).
    ArrayList<KeyValue> tags = tagScratch;
    tags.clear();
    if (scopeNameTag != null) {
      tags.add(scopeNameTag);
    }
    if (scopeVersionTag != null) {
      tags.add(scopeVersionTag);
    }
    List<Log> logs = null;
    List<long[]> links = null;
    while (true) {
      int t = in.readTag();
      if (t == 0) {
        break;
      }
      switch (t) {
        case SPAN_ATTRIBUTES: {
          KeyValue kv = keyValue(in, base, SPAN_KV_LEVEL);
          if (kv.key().equals(OtlpToModel.WARNINGS_ATTRIBUTE)) {
            throw FALLBACK;
          }
          tags.add(kv);
          break;
        }
        case SPAN_TRACE_ID:
          traceIdPos = lengthDelimited(in, base);
          traceIdLen = len;
          break;
        case SPAN_SPAN_ID:
          spanIdPos = lengthDelimited(in, base);
          spanIdLen = len;
          break;
        case SPAN_PARENT_SPAN_ID:
          parentPos = lengthDelimited(in, base);
          parentLen = len;
          break;
        case SPAN_NAME:
          name = readString(in, base);
          break;
        case SPAN_START:
          start = in.readFixed64();
          break;
        case SPAN_END:
          end = in.readFixed64();
          break;
        case SPAN_KIND:
          kind = in.readEnum();
          break;
        case SPAN_EVENTS:
          if (logs == null) {
            logs = new ArrayList<>(4);
          }
          logs.add(event(in, base));
          break;
        case SPAN_LINKS:
          if (links == null) {
            links = new ArrayList<>(2);
          }
          links.add(link(in, base));
          break;
        case SPAN_STATUS: {
          if (statusSeen) {
            throw FALLBACK; // protobuf merges repeated occurrences
          }
          statusSeen = true;
          int statusOld = in.pushLimit(in.readRawVarint32());
          while (true) {
            int st = in.readTag();
            if (st == 0) {
              break;
            }
            if (st == STATUS_CODE) {
              statusCode = in.readEnum();
            } else if (st == STATUS_MESSAGE) {
              statusMessage = readString(in, base);
            } else {
              skip(in, st);
            }
          }
          in.popLimit(statusOld);
          break;
        }
        case SPAN_TRACE_STATE:
          traceState = readString(in, base);
          break;
        default:
          skip(in, t);
      }
    }
    in.popLimit(old);

    TraceId traceId = traceId(traceIdPos, traceIdLen);
    long spanId = spanId(spanIdPos, spanIdLen);
    long parent = spanId(parentPos, parentLen);
    List<String> warnings = List.of();
    if (Long.compareUnsigned(end, start) <= 0) {
      long adjusted = start + 1;
      warnings = List.of("Negative duration detected, sanitizing end timestamp. Original end timestamp: "
          + OtlpToModel.goTime(end) + ", adjusted to: " + OtlpToModel.goTime(adjusted));
      end = adjusted;
    }
    OtlpToModel.addSpanFieldTags(tags, OtlpToModel.kind(kind), statusCode, statusMessage, traceState);
    return new Span(traceId, spanId, name, references(traceId, parent, links), 0, start / 1000,
        (end - start) / 1000, List.copyOf(tags), logs == null ? List.of() : logs, process, warnings);
  }

  /** Each link is {trace high, trace low, span, child_of ? 1 : 0}. */
  private static List<SpanRef> references(TraceId traceId, long parent, List<long[]> links) {
    int n = (links == null ? 0 : links.size()) + (parent != 0 ? 1 : 0);
    if (n == 0) {
      return List.of();
    }
    List<SpanRef> refs = new ArrayList<>(n);
    if (parent != 0) {
      refs.add(SpanRef.childOf(traceId, parent));
    }
    if (links != null) {
      for (long[] l : links) {
        TraceId linkTrace = new TraceId(l[0], l[1]);
        long linkSpan = l[2];
        RefType type = l[3] != 0 ? RefType.CHILD_OF : RefType.FOLLOWS_FROM;
        if (parent != 0 && linkSpan == parent && linkTrace.equals(traceId)) {
          // The parent is already the first reference; the link only says which type it has.
          refs.set(0, new SpanRef(type, traceId, parent));
          continue;
        }
        refs.add(new SpanRef(type, linkTrace, linkSpan));
      }
    }
    return refs;
  }

  private Log event(CodedInputStream in, int base) throws IOException {
    int old = in.pushLimit(in.readRawVarint32());
    long time = 0;
    String name = "";
    List<KeyValue> fields = new ArrayList<>(4);
    boolean hasEventAttribute = false;
    while (true) {
      int t = in.readTag();
      if (t == 0) {
        break;
      }
      if (t == EVENT_ATTRIBUTES) {
        KeyValue kv = keyValue(in, base, EVENT_KV_LEVEL);
        hasEventAttribute |= kv.key().equals("event");
        fields.add(kv);
      } else if (t == EVENT_TIME) {
        time = in.readFixed64();
      } else if (t == EVENT_NAME) {
        name = readString(in, base);
      } else {
        skip(in, t);
      }
    }
    in.popLimit(old);
    if (!name.isEmpty() && !hasEventAttribute) {
      fields.add(0, KeyValue.string("event", name));
    }
    return new Log(time / 1000, fields);
  }

  private long[] link(CodedInputStream in, int base) throws IOException {
    int old = in.pushLimit(in.readRawVarint32());
    int traceIdPos = 0;
    int traceIdLen = 0;
    int spanIdPos = 0;
    int spanIdLen = 0;
    boolean childOf = false;
    while (true) {
      int t = in.readTag();
      if (t == 0) {
        break;
      }
      if (t == LINK_TRACE_ID) {
        traceIdPos = lengthDelimited(in, base);
        traceIdLen = len;
      } else if (t == LINK_SPAN_ID) {
        spanIdPos = lengthDelimited(in, base);
        spanIdLen = len;
      } else if (t == LINK_ATTRIBUTES) {
        KeyValue kv = keyValue(in, base, LINK_KV_LEVEL);
        if (kv.key().equals("opentracing.ref_type")) {
          childOf = valueCase == CASE_STRING && kv.stringValue().equals("child_of");
        }
      } else if (t == LINK_TRACE_STATE) {
        validateString(in, base);
      } else {
        skip(in, t);
      }
    }
    in.popLimit(old);
    TraceId traceId = traceId(traceIdPos, traceIdLen);
    return new long[] {traceId.high(), traceId.low(), spanId(spanIdPos, spanIdLen), childOf ? 1 : 0};
  }

  /** 16 bytes, or none for the zero ID; other lengths leave the direct path (the reference path rejects them). */
  private TraceId traceId(int pos, int n) {
    if (n == 0) {
      return TraceId.ZERO;
    }
    if (n != 16) {
      throw FALLBACK;
    }
    return new TraceId(Hex.getLong(body, pos), Hex.getLong(body, pos + 8));
  }

  private long spanId(int pos, int n) {
    if (n == 0) {
      return 0;
    }
    if (n != 8) {
      throw FALLBACK;
    }
    return Hex.getLong(body, pos);
  }

  /**
   * The {@code KeyValue} message that follows in {@code in} as a Jaeger tag; sets {@link #valueCase}.
   *
   * @param level the message's nesting level in the request, for the recursion limit of nested values
   */
  private KeyValue keyValue(CodedInputStream in, int base, int level) throws IOException {
    int n = in.readRawVarint32();
    int pos = base + in.getTotalBytesRead();
    int old = in.pushLimit(n);
    String key = "";
    boolean valueSeen = false;
    valueCase = CASE_NONE;
    valueMessage = null;
    while (true) {
      int t = in.readTag();
      if (t == 0) {
        break;
      }
      switch (t) {
        case KV_KEY:
          key = readString(in, base);
          break;
        case KV_VALUE:
          if (valueSeen) {
            // A repeated value merges into the first: let protobuf read the whole attribute.
            in.skipRawBytes(in.getBytesUntilLimit());
            in.popLimit(old);
            return generic(pos, n, level);
          }
          valueSeen = true;
          anyValue(in, base, level + 1);
          break;
        default:
          skip(in, t);
      }
    }
    in.popLimit(old);
    switch (valueCase) {
      case CASE_NONE:
        return KeyValue.string(key, "");
      case CASE_STRING:
        return KeyValue.string(key, valueString);
      case 2:
        return KeyValue.bool(key, valueBits != 0);
      case 3:
        return KeyValue.int64(key, valueBits);
      case 4:
        return KeyValue.float64(key, Double.longBitsToDouble(valueBits));
      case 7: {
        byte[] b = new byte[valueLen];
        System.arraycopy(body, valuePos, b, 0, valueLen);
        return KeyValue.binary(key, b);
      }
      default:
        return OtlpToModel.tag(key, valueMessage);
    }
  }

  /**
   * The {@code AnyValue} message that follows in {@code in}: scalar cases directly, arrays, maps and repeated value
   * fields through the generated parser. Sets the value fields.
   */
  private void anyValue(CodedInputStream in, int base, int level) throws IOException {
    int n = in.readRawVarint32();
    int pos = base + in.getTotalBytesRead();
    int old = in.pushLimit(n);
    int c = CASE_NONE;
    while (true) {
      int t = in.readTag();
      if (t == 0) {
        break;
      }
      switch (t) {
        case AV_STRING:
          if (c != CASE_NONE) {
            genericValue(in, old, pos, n, level);
            return;
          }
          valueString = readValue(in, base);
          c = CASE_STRING;
          break;
        case AV_INT:
          if (c != CASE_NONE) {
            genericValue(in, old, pos, n, level);
            return;
          }
          valueBits = in.readInt64();
          c = 3;
          break;
        case AV_BOOL:
          if (c != CASE_NONE) {
            genericValue(in, old, pos, n, level);
            return;
          }
          valueBits = in.readBool() ? 1 : 0;
          c = 2;
          break;
        case AV_DOUBLE:
          if (c != CASE_NONE) {
            genericValue(in, old, pos, n, level);
            return;
          }
          valueBits = in.readRawLittleEndian64();
          c = 4;
          break;
        case AV_BYTES:
          if (c != CASE_NONE) {
            genericValue(in, old, pos, n, level);
            return;
          }
          valuePos = lengthDelimited(in, base);
          valueLen = len;
          c = 7;
          break;
        case AV_ARRAY:
        case AV_KVLIST:
          genericValue(in, old, pos, n, level);
          return;
        default:
          skip(in, t);
      }
    }
    in.popLimit(old);
    valueCase = c;
  }

  /** A whole KeyValue through the generated parser, with the recursion limit it has inside the request. */
  private KeyValue generic(int pos, int n, int level) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(body, pos, n);
    in.setRecursionLimit(RECURSION_LIMIT - level);
    io.opentelemetry.proto.common.v1.KeyValue kv =
        io.opentelemetry.proto.common.v1.KeyValue.parseFrom(in, ExtensionRegistryLite.getEmptyRegistry());
    in.checkLastTagWas(0);
    valueCase = kv.getValue().getValueCase().getNumber();
    return OtlpToModel.tag(kv.getKey(), kv.getValue());
  }

  /**
   * Skips the rest of the AnyValue being read from {@code outer} and reads it whole through the generated parser;
   * sets the value fields.
   */
  private void genericValue(CodedInputStream outer, int outerLimit, int pos, int n, int level) throws IOException {
    outer.skipRawBytes(outer.getBytesUntilLimit());
    outer.popLimit(outerLimit);
    CodedInputStream in = CodedInputStream.newInstance(body, pos, n);
    in.setRecursionLimit(RECURSION_LIMIT - level);
    AnyValue v = AnyValue.parseFrom(in, ExtensionRegistryLite.getEmptyRegistry());
    in.checkLastTagWas(0);
    valueCase = -1;
    valueMessage = v;
    if (v.getValueCase() == AnyValue.ValueCase.STRING_VALUE) {
      // Keep the string case visible to callers that look at it (service.name, opentracing.ref_type).
      valueCase = CASE_STRING;
      valueString = v.getStringValue();
    } else if (v.getValueCase() == AnyValue.ValueCase.VALUE_NOT_SET) {
      valueCase = CASE_NONE;
    }
  }
}
