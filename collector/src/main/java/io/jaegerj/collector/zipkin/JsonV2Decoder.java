// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.zipkin;

import io.jaegerj.model.IpText;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.jaegerj.model.TraceId;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Zipkin JSON v2 ({@code POST /api/v2/spans}) with the acceptance rules of the Go decoder Jaeger uses: field names
 * match case-insensitively, unknown fields are ignored, a null span is skipped, the trace id must be non-zero hex
 * and the span id non-zero, numbers must be integers, tag values strings, addresses literal IPs.
 */
final class JsonV2Decoder {
  static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
      .build();

  private JsonV2Decoder() {}

  static List<V2Span> decode(byte[] body, int offset, int length) throws ZipkinDecodeException {
    try (JsonParser p = JSON.createParser(body, offset, length)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw new ZipkinDecodeException("unexpected end of JSON input");
      }
      List<V2Span> out = new ArrayList<>();
      if (t != JsonToken.VALUE_NULL) {
        expect(p, t, JsonToken.START_ARRAY, "[]Span");
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
          if (t == JsonToken.VALUE_NULL) {
            continue;
          }
          expect(p, t, JsonToken.START_OBJECT, "Span");
          out.add(readSpan(p));
        }
      }
      if (p.nextToken() != null) {
        throw new ZipkinDecodeException("invalid character after top-level value");
      }
      return out;
    } catch (IOException | RuntimeException e) {
      throw new ZipkinDecodeException(JsonText.message(e), e);
    }
  }

  private static V2Span readSpan(JsonParser p) throws IOException, ZipkinDecodeException {
    TraceId traceId = null;
    long id = 0;
    Long parentId = null;
    String name = "";
    String kind = "";
    long timestamp = 0;
    long duration = 0;
    V2Span.Endpoint local = null;
    V2Span.Endpoint remote = null;
    List<V2Span.Annotation> annotations = List.of();
    Map<String, String> tags = Map.of();
    boolean debug = false;
    boolean shared = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName().toLowerCase(Locale.ROOT);
      JsonToken t = p.nextToken();
      if (t == JsonToken.VALUE_NULL) {
        continue;
      }
      switch (field) {
        case "traceid":
          traceId = JsonText.traceIdV2(JsonText.string(p, t, "traceId"));
          break;
        case "id":
          id = JsonText.spanIdV2(JsonText.string(p, t, "id"));
          break;
        case "parentid":
          parentId = JsonText.spanIdV2(JsonText.string(p, t, "parentId"));
          break;
        case "name":
          name = JsonText.string(p, t, "name");
          break;
        case "kind":
          kind = JsonText.string(p, t, "kind");
          break;
        case "timestamp":
          timestamp = JsonText.int64(p, t, "timestamp");
          break;
        case "duration":
          duration = JsonText.int64(p, t, "duration");
          break;
        case "debug":
          debug = JsonText.bool(p, t, "debug");
          break;
        case "shared":
          shared = JsonText.bool(p, t, "shared");
          break;
        case "localendpoint":
          local = readEndpoint(p, t);
          break;
        case "remoteendpoint":
          remote = readEndpoint(p, t);
          break;
        case "annotations":
          annotations = readAnnotations(p, t);
          break;
        case "tags":
          tags = readTags(p, t);
          break;
        default:
          p.skipChildren();
      }
    }
    if (traceId == null || traceId.isZero()) {
      throw new ZipkinDecodeException("valid traceId required");
    }
    if (id == 0) {
      throw new ZipkinDecodeException("valid span id required");
    }
    if (local != null && local.isEmpty()) {
      local = null;
    }
    if (remote != null && remote.isEmpty()) {
      remote = null;
    }
    return new V2Span(traceId, id, parentId, name, kind, Math.max(timestamp, 0), duration, local, remote,
        annotations, tags, debug, shared);
  }

  static V2Span.Endpoint readEndpoint(JsonParser p, JsonToken t) throws IOException, ZipkinDecodeException {
    expect(p, t, JsonToken.START_OBJECT, "Endpoint");
    String serviceName = "";
    String ipv4 = null;
    String ipv6 = null;
    int port = 0;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName().toLowerCase(Locale.ROOT);
      JsonToken v = p.nextToken();
      if (v == JsonToken.VALUE_NULL) {
        continue;
      }
      switch (field) {
        case "servicename":
          serviceName = JsonText.string(p, v, "serviceName");
          break;
        case "ipv4":
          ipv4 = ip(JsonText.string(p, v, "ipv4"));
          break;
        case "ipv6":
          ipv6 = ip(JsonText.string(p, v, "ipv6"));
          break;
        case "port":
          long l = JsonText.int64(p, v, "port");
          port = (int) Math.max(Math.min(l, Integer.MAX_VALUE), Integer.MIN_VALUE);
          break;
        default:
          p.skipChildren();
      }
    }
    return new V2Span.Endpoint(serviceName, ipv4, ipv6, port);
  }

  private static String ip(String text) throws ZipkinDecodeException {
    if (text.isEmpty()) {
      return null;
    }
    byte[] ip = IpText.parse(text);
    if (ip == null) {
      throw new ZipkinDecodeException("invalid IP address: " + text);
    }
    return IpText.of(ip);
  }

  private static List<V2Span.Annotation> readAnnotations(JsonParser p, JsonToken t)
      throws IOException, ZipkinDecodeException {
    expect(p, t, JsonToken.START_ARRAY, "[]Annotation");
    List<V2Span.Annotation> out = new ArrayList<>();
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t == JsonToken.VALUE_NULL) {
        out.add(new V2Span.Annotation(0, ""));
        continue;
      }
      expect(p, t, JsonToken.START_OBJECT, "Annotation");
      long ts = 0;
      String value = "";
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName().toLowerCase(Locale.ROOT);
        JsonToken v = p.nextToken();
        if (v == JsonToken.VALUE_NULL) {
          continue;
        }
        if (field.equals("timestamp")) {
          ts = JsonText.int64(p, v, "annotation timestamp");
        } else if (field.equals("value")) {
          value = JsonText.string(p, v, "annotation value");
        } else {
          p.skipChildren();
        }
      }
      out.add(new V2Span.Annotation(ts, value));
    }
    return out;
  }

  private static Map<String, String> readTags(JsonParser p, JsonToken t) throws IOException, ZipkinDecodeException {
    expect(p, t, JsonToken.START_OBJECT, "map[string]string");
    Map<String, String> out = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      JsonToken v = p.nextToken();
      out.put(key, v == JsonToken.VALUE_NULL ? "" : JsonText.string(p, v, "tag " + key));
    }
    return out;
  }

  static void expect(JsonParser p, JsonToken actual, JsonToken wanted, String goType) throws ZipkinDecodeException {
    if (actual != wanted) {
      throw new ZipkinDecodeException("json: cannot unmarshal " + JsonText.kind(actual) + " into Go value of type "
          + goType);
    }
  }
}
