// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.zipkin;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.jaegerj.model.IpText;
import io.jaegerj.model.SpanId;
import io.jaegerj.model.TraceId;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Zipkin proto3 {@code ListOfSpans} ({@code POST /api/v2/spans} with {@code application/x-protobuf}), read field by
 * field so that strings decode leniently (invalid UTF-8 is replaced, as Go keeps the bytes) and id lengths are
 * checked like zipkin-go does: trace id 8 or 16 bytes, span ids 8 bytes, parent id empty or 8 bytes.
 */
final class Proto3Decoder {
  private Proto3Decoder() {}

  private static final String[] KINDS = {"", "CLIENT", "SERVER", "PRODUCER", "CONSUMER"};

  static List<V2Span> decode(byte[] body, int offset, int length) throws ZipkinDecodeException {
    try {
      CodedInputStream in = CodedInputStream.newInstance(body, offset, length);
      List<V2Span> out = new ArrayList<>();
      while (true) {
        int tag = in.readTag();
        if (tag == 0) {
          break;
        }
        if (tag == ((1 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED)) {
          int limit = in.pushLimit(in.readRawVarint32());
          out.add(readSpan(in));
          in.popLimit(limit);
        } else if (!in.skipField(tag)) {
          break;
        }
      }
      return out;
    } catch (IOException | RuntimeException e) {
      throw new ZipkinDecodeException("invalid protobuf: " + e.getMessage(), e);
    }
  }

  private static V2Span readSpan(CodedInputStream in) throws IOException, ZipkinDecodeException {
    byte[] traceId = new byte[0];
    byte[] parentId = new byte[0];
    byte[] id = new byte[0];
    int kind = 0;
    String name = "";
    long timestamp = 0;
    long duration = 0;
    V2Span.Endpoint local = null;
    V2Span.Endpoint remote = null;
    List<V2Span.Annotation> annotations = new ArrayList<>(0);
    Map<String, String> tags = new LinkedHashMap<>();
    boolean debug = false;
    boolean shared = false;
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        break;
      }
      int field = WireFormat.getTagFieldNumber(tag);
      int wire = WireFormat.getTagWireType(tag);
      switch (field) {
        case 1:
          traceId = bytes(in, tag);
          break;
        case 2:
          parentId = bytes(in, tag);
          break;
        case 3:
          id = bytes(in, tag);
          break;
        case 4:
          kind = wire == WireFormat.WIRETYPE_VARINT ? in.readEnum() : skip(in, tag, 0);
          break;
        case 5:
          name = wire == WireFormat.WIRETYPE_LENGTH_DELIMITED ? in.readBytes().toStringUtf8() : skipS(in, tag);
          break;
        case 6:
          timestamp = wire == WireFormat.WIRETYPE_FIXED64 ? in.readFixed64() : skipL(in, tag);
          break;
        case 7:
          duration = wire == WireFormat.WIRETYPE_VARINT ? in.readUInt64() : skipL(in, tag);
          break;
        case 8:
        case 9:
          if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            int limit = in.pushLimit(in.readRawVarint32());
            V2Span.Endpoint e = readEndpoint(in);
            in.popLimit(limit);
            if (field == 8) {
              local = e;
            } else {
              remote = e;
            }
          } else {
            in.skipField(tag);
          }
          break;
        case 10:
          if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            int limit = in.pushLimit(in.readRawVarint32());
            annotations.add(readAnnotation(in));
            in.popLimit(limit);
          } else {
            in.skipField(tag);
          }
          break;
        case 11:
          if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            int limit = in.pushLimit(in.readRawVarint32());
            readTag(in, tags);
            in.popLimit(limit);
          } else {
            in.skipField(tag);
          }
          break;
        case 12:
          debug = wire == WireFormat.WIRETYPE_VARINT ? in.readBool() : skip(in, tag, 0) != 0;
          break;
        case 13:
          shared = wire == WireFormat.WIRETYPE_VARINT ? in.readBool() : skip(in, tag, 0) != 0;
          break;
        default:
          in.skipField(tag);
      }
    }
    if (traceId.length != 16 && traceId.length != 8) {
      throw new ZipkinDecodeException("invalid TraceID: has length " + traceId.length + " yet wanted length 16");
    }
    if (id.length != 8) {
      throw new ZipkinDecodeException("invalid SpanID: has length " + id.length + " yet wanted length 8");
    }
    if (parentId.length != 0 && parentId.length != 8) {
      throw new ZipkinDecodeException("invalid SpanID: has length " + parentId.length + " yet wanted length 8");
    }
    TraceId tid = TraceId.fromBytes(traceId);
    if (tid.isZero()) {
      throw new ZipkinDecodeException("valid traceId required");
    }
    long sid = SpanId.fromBytes(id);
    if (sid == 0) {
      throw new ZipkinDecodeException("valid span id required");
    }
    Long parent = parentId.length == 0 ? null : SpanId.fromBytes(parentId);
    if (local != null && local.isEmpty()) {
      local = null;
    }
    if (remote != null && remote.isEmpty()) {
      remote = null;
    }
    String kindText = kind >= 0 && kind < KINDS.length ? KINDS[kind] : "";
    return new V2Span(tid, sid, parent, name, kindText, timestamp < 0 ? 0 : timestamp, duration, local, remote,
        annotations, tags, debug, shared);
  }

  private static byte[] bytes(CodedInputStream in, int tag) throws IOException {
    if (WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
      in.skipField(tag);
      return new byte[0];
    }
    return in.readByteArray();
  }

  private static int skip(CodedInputStream in, int tag, int fallback) throws IOException {
    in.skipField(tag);
    return fallback;
  }

  private static long skipL(CodedInputStream in, int tag) throws IOException {
    in.skipField(tag);
    return 0;
  }

  private static String skipS(CodedInputStream in, int tag) throws IOException {
    in.skipField(tag);
    return "";
  }

  private static V2Span.Endpoint readEndpoint(CodedInputStream in) throws IOException {
    String serviceName = "";
    String ipv4 = null;
    String ipv6 = null;
    int port = 0;
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        break;
      }
      int wire = WireFormat.getTagWireType(tag);
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1:
          serviceName = wire == WireFormat.WIRETYPE_LENGTH_DELIMITED ? in.readBytes().toStringUtf8() : skipS(in, tag);
          break;
        case 2:
        case 3:
          byte[] ip = bytes(in, tag);
          if (ip.length > 0) {
            if (WireFormat.getTagFieldNumber(tag) == 2) {
              ipv4 = IpText.of(ip);
            } else {
              ipv6 = IpText.of(ip);
            }
          }
          break;
        case 4:
          port = wire == WireFormat.WIRETYPE_VARINT ? in.readInt32() : skip(in, tag, 0);
          break;
        default:
          in.skipField(tag);
      }
    }
    return new V2Span.Endpoint(serviceName, ipv4, ipv6, port);
  }

  private static V2Span.Annotation readAnnotation(CodedInputStream in) throws IOException {
    long ts = 0;
    String value = "";
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        break;
      }
      int wire = WireFormat.getTagWireType(tag);
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1:
          ts = wire == WireFormat.WIRETYPE_FIXED64 ? in.readFixed64() : skipL(in, tag);
          break;
        case 2:
          value = wire == WireFormat.WIRETYPE_LENGTH_DELIMITED ? in.readBytes().toStringUtf8() : skipS(in, tag);
          break;
        default:
          in.skipField(tag);
      }
    }
    return new V2Span.Annotation(ts, value);
  }

  /** One map entry: key = 1, value = 2. */
  private static void readTag(CodedInputStream in, Map<String, String> tags) throws IOException {
    String key = "";
    String value = "";
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        break;
      }
      int wire = WireFormat.getTagWireType(tag);
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1:
          key = wire == WireFormat.WIRETYPE_LENGTH_DELIMITED ? in.readBytes().toStringUtf8() : skipS(in, tag);
          break;
        case 2:
          value = wire == WireFormat.WIRETYPE_LENGTH_DELIMITED ? in.readBytes().toStringUtf8() : skipS(in, tag);
          break;
        default:
          in.skipField(tag);
      }
    }
    tags.put(key, value);
  }
}
