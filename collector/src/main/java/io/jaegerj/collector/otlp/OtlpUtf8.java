// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.otlp;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.jaegerj.model.otlp.OtlpToModel;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Jaeger's UTF-8 sanitizer for OTLP, applied on the protobuf wire before parsing (Java's proto3 parser refuses
 * invalid UTF-8, Go's accepts it). Only used when a strict parse failed on UTF-8, so valid requests pay nothing.
 *
 * <ul>
 *   <li>resource, scope and span attributes: a string value with invalid UTF-8 becomes a bytes value under the same
 *       key; an invalid key is replaced by {@code invalid-tag-key-N} (N = 1, 2, … per list) holding the bytes
 *       {@code <key>:<value>}, moved to the end of the list;
 *   <li>an invalid span name becomes {@code invalid-span-name} and the original bytes go to a bytes attribute
 *       {@code invalid-span-name};
 *   <li>every other string (event and link attributes, trace state, status message, …) is decoded leniently, with
 *       U+FFFD for invalid sequences, since Jaeger keeps those bytes as they are and Java strings cannot.
 * </ul>
 */
final class OtlpUtf8 {
  private static final int MAX_DEPTH = 100;

  private enum Type { REQUEST, RESOURCE_SPANS, RESOURCE, SCOPE_SPANS, SCOPE, SPAN, EVENT, LINK, STATUS, KEY_VALUE,
    ANY_VALUE, ARRAY, KV_LIST }

  private OtlpUtf8() {}

  /** Parses strictly, falling back to the sanitizing rewrite when the only problem is invalid UTF-8. */
  static ExportTraceServiceRequest parse(byte[] body) throws InvalidProtocolBufferException {
    try {
      return ExportTraceServiceRequest.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      if (e.getMessage() == null || !e.getMessage().contains("UTF-8")) {
        throw e;
      }
      return ExportTraceServiceRequest.parseFrom(sanitize(body));
    }
  }

  static byte[] sanitize(byte[] body) throws InvalidProtocolBufferException {
    try {
      return rewrite(body, Type.REQUEST, 0);
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (IOException e) {
      throw new InvalidProtocolBufferException(e);
    }
  }

  private static Type child(Type parent, int field) {
    switch (parent) {
      case REQUEST:
        return field == 1 ? Type.RESOURCE_SPANS : null;
      case RESOURCE_SPANS:
        return field == 1 ? Type.RESOURCE : field == 2 ? Type.SCOPE_SPANS : null;
      case RESOURCE:
        return field == 1 ? Type.KEY_VALUE : null;
      case SCOPE_SPANS:
        return field == 1 ? Type.SCOPE : field == 2 ? Type.SPAN : null;
      case SCOPE:
        return field == 3 ? Type.KEY_VALUE : null;
      case SPAN:
        return field == 9 ? Type.KEY_VALUE : field == 11 ? Type.EVENT : field == 13 ? Type.LINK
            : field == 15 ? Type.STATUS : null;
      case EVENT:
        return field == 3 ? Type.KEY_VALUE : null;
      case LINK:
        return field == 4 ? Type.KEY_VALUE : null;
      case KEY_VALUE:
        return field == 2 ? Type.ANY_VALUE : null;
      case ANY_VALUE:
        return field == 5 ? Type.ARRAY : field == 6 ? Type.KV_LIST : null;
      case ARRAY:
        return field == 1 ? Type.ANY_VALUE : null;
      case KV_LIST:
        return field == 1 ? Type.KEY_VALUE : null;
      default:
        return null;
    }
  }

  private static boolean isString(Type t, int field) {
    switch (t) {
      case RESOURCE_SPANS:
      case SCOPE_SPANS:
        return field == 3;
      case SCOPE:
        return field == 1 || field == 2;
      case SPAN:
        return field == 3 || field == 5;
      case EVENT:
        return field == 2;
      case LINK:
        return field == 3;
      case STATUS:
        return field == 2;
      case KEY_VALUE:
        return field == 1;
      case ANY_VALUE:
        return field == 1;
      default:
        return false;
    }
  }

  /** Attribute lists whose entries follow the sanitizer's key/value rules. */
  private static boolean sanitizedAttributes(Type t, int field) {
    return (t == Type.RESOURCE && field == 1) || (t == Type.SCOPE && field == 3) || (t == Type.SPAN && field == 9);
  }

  private static byte[] rewrite(byte[] msg, Type type, int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      throw new InvalidProtocolBufferException("message nested too deeply");
    }
    CodedInputStream in = CodedInputStream.newInstance(msg);
    ByteArrayOutputStream buf = new ByteArrayOutputStream(msg.length + 16);
    CodedOutputStream out = CodedOutputStream.newInstance(buf);
    List<byte[]> movedAttributes = new ArrayList<>();
    byte[] invalidSpanName = null;
    int invalidKeys = 0;
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        break;
      }
      int field = WireFormat.getTagFieldNumber(tag);
      if (WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        copyField(in, out, tag);
        continue;
      }
      byte[] value = in.readByteArray();
      if (sanitizedAttributes(type, field)) {
        KeyValueParts kv = KeyValueParts.read(value);
        if (kv.keyValid) {
          out.writeByteArray(field, rewriteAttribute(kv, value, depth));
        } else {
          invalidKeys++;
          movedAttributes.add(bytesAttribute("invalid-tag-key-" + invalidKeys, concat(kv.key, kv.valueText())));
        }
        continue;
      }
      if (type == Type.SPAN && field == 5 && !valid(value)) {
        invalidSpanName = value;
        out.writeByteArray(field, "invalid-span-name".getBytes(StandardCharsets.UTF_8));
        continue;
      }
      if (isString(type, field)) {
        out.writeByteArray(field, lenient(value));
        continue;
      }
      Type child = child(type, field);
      out.writeByteArray(field, child == null ? value : rewrite(value, child, depth + 1));
    }
    int attributeField = type == Type.RESOURCE ? 1 : type == Type.SCOPE ? 3 : 9;
    for (byte[] a : movedAttributes) {
      out.writeByteArray(attributeField, a);
    }
    if (invalidSpanName != null) {
      out.writeByteArray(9, bytesAttribute("invalid-span-name", invalidSpanName));
    }
    out.flush();
    return buf.toByteArray();
  }

  /** A valid-key attribute: an invalid string value becomes bytes; anything else is rewritten leniently. */
  private static byte[] rewriteAttribute(KeyValueParts kv, byte[] original, int depth) throws IOException {
    if (kv.stringValue != null && !valid(kv.stringValue)) {
      return bytesAttribute(kv.key, kv.stringValue);
    }
    return rewrite(original, Type.KEY_VALUE, depth + 1);
  }

  private static byte[] bytesAttribute(String key, byte[] bytes) throws IOException {
    return bytesAttribute(key.getBytes(StandardCharsets.UTF_8), bytes);
  }

  private static byte[] bytesAttribute(byte[] key, byte[] bytes) throws IOException {
    ByteArrayOutputStream any = new ByteArrayOutputStream();
    CodedOutputStream a = CodedOutputStream.newInstance(any);
    a.writeByteArray(7, bytes);
    a.flush();
    ByteArrayOutputStream kv = new ByteArrayOutputStream();
    CodedOutputStream k = CodedOutputStream.newInstance(kv);
    k.writeByteArray(1, key);
    k.writeByteArray(2, any.toByteArray());
    k.flush();
    return kv.toByteArray();
  }

  private static void copyField(CodedInputStream in, CodedOutputStream out, int tag) throws IOException {
    int field = WireFormat.getTagFieldNumber(tag);
    switch (WireFormat.getTagWireType(tag)) {
      case WireFormat.WIRETYPE_VARINT:
        out.writeUInt64(field, in.readRawVarint64());
        break;
      case WireFormat.WIRETYPE_FIXED64:
        out.writeFixed64(field, in.readRawLittleEndian64());
        break;
      case WireFormat.WIRETYPE_FIXED32:
        out.writeFixed32(field, in.readRawLittleEndian32());
        break;
      default:
        throw new InvalidProtocolBufferException("unsupported wire type in field " + field);
    }
  }

  static boolean valid(byte[] b) {
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static byte[] lenient(byte[] b) {
    return valid(b) ? b : new String(b, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + 1 + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    out[a.length] = ':';
    System.arraycopy(b, 0, out, a.length + 1, b.length);
    return out;
  }

  /** The raw parts of a KeyValue: key bytes and, for a string value, its bytes. */
  private static final class KeyValueParts {
    byte[] key = new byte[0];
    boolean keyValid = true;
    byte[] stringValue;
    byte[] anyValue;

    static KeyValueParts read(byte[] kv) throws IOException {
      KeyValueParts p = new KeyValueParts();
      CodedInputStream in = CodedInputStream.newInstance(kv);
      while (true) {
        int tag = in.readTag();
        if (tag == 0) {
          break;
        }
        int field = WireFormat.getTagFieldNumber(tag);
        if (field == 1 && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
          p.key = in.readByteArray();
        } else if (field == 2 && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
          p.anyValue = in.readByteArray();
        } else if (!in.skipField(tag)) {
          break;
        }
      }
      p.keyValid = valid(p.key);
      if (p.anyValue != null) {
        CodedInputStream v = CodedInputStream.newInstance(p.anyValue);
        while (true) {
          int tag = v.readTag();
          if (tag == 0) {
            break;
          }
          if (WireFormat.getTagFieldNumber(tag) == 1
              && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            p.stringValue = v.readByteArray();
          } else if (!v.skipField(tag)) {
            break;
          }
        }
      }
      return p;
    }

    /** The value as text for {@code invalid-tag-key-N}: raw bytes for strings, else the decoded value's text. */
    byte[] valueText() throws IOException {
      if (stringValue != null) {
        return stringValue;
      }
      if (anyValue == null) {
        return new byte[0];
      }
      AnyValue v =
          AnyValue.parseFrom(rewrite(anyValue, Type.ANY_VALUE, 1));
      io.jaegerj.model.KeyValue tag = OtlpToModel.toModel(
          ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans
              .newBuilder().setResource(Resource.newBuilder().addAttributes(
                  io.opentelemetry.proto.common.v1.KeyValue.newBuilder().setKey("k").setValue(v)))
              .addScopeSpans(ScopeSpans.newBuilder().addSpans(
                  Span.getDefaultInstance()))).build())
          .get(0).process().tags().get(0);
      return tag.asString().getBytes(StandardCharsets.UTF_8);
    }
  }
}
