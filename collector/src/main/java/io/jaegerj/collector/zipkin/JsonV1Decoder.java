// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.zipkin;

import io.jaegerj.model.IpText;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.jaegerj.collector.thrift.ZipkinCore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Zipkin JSON v1 ({@code POST /api/v1/spans}) into zipkincore structures, with the rules of the contrib decoder
 * Jaeger uses: trace id 16 or 32 hex and non-zero, span id 16 hex and non-zero, unknown fields ignored. Beyond
 * Jaeger (which refuses the whole request, jaegertracing/jaeger#5434), binary annotation values may be booleans, as
 * Zipkin's own server and every Zipkin v1 reporter's address annotations have them, or numbers: they become BOOL,
 * I64 or DOUBLE annotations, so a span converts the same as when sent as Thrift.
 */
final class JsonV1Decoder {
  private static final byte[] EMPTY = new byte[0];

  private JsonV1Decoder() {}

  static List<ZipkinCore.Span> decode(byte[] body, int offset, int length) throws ZipkinDecodeException {
    try (JsonParser p = JsonV2Decoder.JSON.createParser(body, offset, length)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw new ZipkinDecodeException("zipkinv1: unexpected end of JSON input");
      }
      List<ZipkinCore.Span> out = new ArrayList<>();
      if (t != JsonToken.VALUE_NULL) {
        expect(t, JsonToken.START_ARRAY, "[]*zipkinv1.jsonSpan");
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
          if (t == JsonToken.VALUE_NULL) {
            // A null element decodes to an empty span, whose empty trace id is then rejected.
            throw new ZipkinDecodeException("zipkinV1 span traceId: hex traceId span has wrong length (expected 16 "
                + "or 32)");
          }
          expect(t, JsonToken.START_OBJECT, "zipkinv1.jsonSpan");
          out.add(readSpan(p));
        }
      }
      if (p.nextToken() != null) {
        throw new ZipkinDecodeException("zipkinv1: invalid character after top-level value");
      }
      return out;
    } catch (IOException | RuntimeException e) {
      throw new ZipkinDecodeException("zipkinv1: " + JsonText.message(e), e);
    }
  }

  private static void expect(JsonToken actual, JsonToken wanted, String goType) throws ZipkinDecodeException {
    if (actual != wanted) {
      throw new ZipkinDecodeException("zipkinv1: json: cannot unmarshal " + JsonText.kind(actual)
          + " into Go value of type " + goType);
    }
  }

  private static ZipkinCore.Span readSpan(JsonParser p) throws IOException, ZipkinDecodeException {
    String traceId = "";
    String id = "";
    String parentId = "";
    String name = "";
    long timestamp = 0;
    long duration = 0;
    boolean debug = false;
    List<ZipkinCore.Annotation> annotations = new ArrayList<>(0);
    List<ZipkinCore.BinaryAnnotation> binary = new ArrayList<>(0);
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName().toLowerCase(Locale.ROOT);
      JsonToken t = p.nextToken();
      if (t == JsonToken.VALUE_NULL) {
        continue;
      }
      switch (field) {
        case "traceid":
          traceId = JsonText.string(p, t, "traceId");
          break;
        case "id":
          id = JsonText.string(p, t, "id");
          break;
        case "parentid":
          parentId = JsonText.string(p, t, "parentId");
          break;
        case "name":
          name = JsonText.string(p, t, "name");
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
        case "annotations":
          expect(t, JsonToken.START_ARRAY, "[]*zipkinv1.annotation");
          while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == JsonToken.VALUE_NULL) {
              continue;
            }
            expect(t, JsonToken.START_OBJECT, "zipkinv1.annotation");
            annotations.add(readAnnotation(p));
          }
          break;
        case "binaryannotations":
          expect(t, JsonToken.START_ARRAY, "[]*zipkinv1.binaryAnnotation");
          while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == JsonToken.VALUE_NULL) {
              continue;
            }
            expect(t, JsonToken.START_OBJECT, "zipkinv1.binaryAnnotation");
            binary.add(readBinaryAnnotation(p));
          }
          break;
        default:
          p.skipChildren();
      }
    }
    long[] trace = traceId(traceId);
    long spanId = spanId(id, "zipkinV1 span id");
    Long parent = parentId.isEmpty() ? null : spanId(parentId, "zipkinV1 span parentId");
    return new ZipkinCore.Span(trace[0], trace[1], name, spanId, parent, annotations, binary, debug, timestamp,
        duration);
  }

  private static long[] traceId(String hex) throws ZipkinDecodeException {
    String prefix = "zipkinV1 span traceId: ";
    if (hex.length() != 16 && hex.length() != 32) {
      throw new ZipkinDecodeException(prefix + "hex traceId span has wrong length (expected 16 or 32)");
    }
    try {
      long high = hex.length() == 32 ? JsonText.fixedHex(hex, 0, 16) : 0;
      long low = JsonText.fixedHex(hex, hex.length() - 16, hex.length());
      if (high == 0 && low == 0) {
        throw new ZipkinDecodeException(prefix + "traceId is zero");
      }
      return new long[] {high, low};
    } catch (ZipkinDecodeException e) {
      throw e.getMessage().startsWith(prefix) ? e : new ZipkinDecodeException(prefix + e.getMessage());
    }
  }

  private static long spanId(String hex, String prefix) throws ZipkinDecodeException {
    if (hex.length() != 16) {
      throw new ZipkinDecodeException(prefix + ": hex Id has wrong length (expected 16)");
    }
    long v;
    try {
      v = JsonText.fixedHex(hex, 0, 16);
    } catch (ZipkinDecodeException e) {
      throw new ZipkinDecodeException(prefix + ": " + e.getMessage());
    }
    if (v == 0) {
      throw new ZipkinDecodeException(prefix + ": ID is zero");
    }
    return v;
  }

  private static ZipkinCore.Annotation readAnnotation(JsonParser p) throws IOException, ZipkinDecodeException {
    long ts = 0;
    String value = "";
    ZipkinCore.Endpoint host = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName().toLowerCase(Locale.ROOT);
      JsonToken t = p.nextToken();
      if (t == JsonToken.VALUE_NULL) {
        continue;
      }
      switch (field) {
        case "timestamp":
          ts = JsonText.int64(p, t, "annotation timestamp");
          break;
        case "value":
          value = JsonText.string(p, t, "annotation value");
          break;
        case "endpoint":
          host = readEndpoint(p, t);
          break;
        default:
          p.skipChildren();
      }
    }
    return new ZipkinCore.Annotation(ts, value, host);
  }

  private static ZipkinCore.BinaryAnnotation readBinaryAnnotation(JsonParser p)
      throws IOException, ZipkinDecodeException {
    String key = "";
    byte[] value = EMPTY;
    int type = ZipkinCore.STRING;
    ZipkinCore.Endpoint host = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName().toLowerCase(Locale.ROOT);
      JsonToken t = p.nextToken();
      if (t == JsonToken.VALUE_NULL) {
        continue;
      }
      switch (field) {
        case "key":
          key = JsonText.string(p, t, "binaryAnnotation key");
          break;
        case "value":
          // Zipkin's own server takes strings and booleans (address annotations: "sa", "ca", "ma" are true);
          // numbers are kept with the Thrift type their JSON form implies, so they reach storage as on Thrift.
          switch (t) {
            case VALUE_TRUE:
            case VALUE_FALSE:
              type = ZipkinCore.BOOL;
              value = new byte[] {(byte) (t == JsonToken.VALUE_TRUE ? 1 : 0)};
              break;
            case VALUE_NUMBER_INT:
              type = ZipkinCore.I64;
              value = ByteBuffer.allocate(8).putLong(p.getLongValue()).array();
              break;
            case VALUE_NUMBER_FLOAT:
              type = ZipkinCore.DOUBLE;
              value = ByteBuffer.allocate(8).putDouble(p.getDoubleValue()).array();
              break;
            default:
              type = ZipkinCore.STRING;
              value = JsonText.string(p, t, "binaryAnnotation value").getBytes(StandardCharsets.UTF_8);
          }
          break;
        case "endpoint":
          host = readEndpoint(p, t);
          break;
        default:
          p.skipChildren();
      }
    }
    return new ZipkinCore.BinaryAnnotation(key, value, type, host);
  }

  private static ZipkinCore.Endpoint readEndpoint(JsonParser p, JsonToken t) throws IOException, ZipkinDecodeException {
    expect(t, JsonToken.START_OBJECT, "zipkinv1.endpoint");
    String serviceName = "";
    int ipv4 = 0;
    byte[] ipv6 = null;
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
        case "ipv4": {
          byte[] ip = IpText.parse(JsonText.string(p, v, "ipv4"));
          if (ip != null && ip.length == 4) {
            ipv4 = ((ip[0] & 0xff) << 24) | ((ip[1] & 0xff) << 16) | ((ip[2] & 0xff) << 8) | (ip[3] & 0xff);
          }
          break;
        }
        case "ipv6": {
          String text = JsonText.string(p, v, "ipv6");
          ipv6 = text.isEmpty() ? null : IpText.parse(text);
          break;
        }
        case "port": {
          long l = JsonText.int64(p, v, "port");
          if (l > Integer.MAX_VALUE || l < Integer.MIN_VALUE) {
            throw new ZipkinDecodeException("json: cannot unmarshal number " + l + " into Go value of type int32");
          }
          port = (int) l;
          break;
        }
        default:
          p.skipChildren();
      }
    }
    return new ZipkinCore.Endpoint(ipv4, port, serviceName, ipv6);
  }
}
