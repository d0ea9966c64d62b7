// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.badger.dbmodel;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.jaegerj.model.Hex;
import io.jaegerj.model.RefType;
import io.jaegerj.model.Span;
import io.jaegerj.model.TraceId;
import io.jaegerj.model.proto.ProtoConverter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Span values as {@code jaeger.api_v2.Span} protobuf bytes, the encoding Jaeger's Badger store writes (user-meta
 * 0x02). Times are kept in microseconds, so nanosecond remainders never appear. Stateless and thread-safe.
 */
public final class ProtoSpanCodec {
  private ProtoSpanCodec() {}

  public static byte[] encode(Span span) {
    return toProto(span).toByteArray();
  }

  /**
   * Decodes bytes written by {@link #encode}.
   *
   * @throws InvalidProtocolBufferException when the bytes are not an api_v2 span
   */
  public static Span decode(byte[] bytes, int offset, int length) throws InvalidProtocolBufferException {
    io.jaegerj.proto.api_v2.Span p =
        io.jaegerj.proto.api_v2.Span.parseFrom(ByteString.copyFrom(bytes, offset, length));
    return fromProto(p);
  }

  /** What dependency computation needs from a span: its ID, its parent's ID (0 for none) and its service. */
  public record Link(long spanId, long parentSpanId, String service) {}

  /**
   * Reads only the span ID, the references and the process service name of an encoded span, skipping tags, logs and
   * everything else. The parent follows {@link Span#parentSpanId()}: the first same-trace CHILD_OF reference, else
   * the first same-trace FOLLOWS_FROM reference, else 0.
   *
   * @throws InvalidProtocolBufferException when the bytes are not an api_v2 span
   */
  public static Link decodeLink(byte[] bytes, int offset, int length) throws InvalidProtocolBufferException {
    try {
      CodedInputStream in = CodedInputStream.newInstance(bytes, offset, length);
      byte[] traceId = EMPTY;
      long spanId = 0;
      String service = "";
      List<byte[]> refTraceIds = null;
      long childOf = 0;
      long followsFrom = 0;
      boolean hasChildOf = false;
      boolean hasFollowsFrom = false;
      List<long[]> refs = null;
      while (true) {
        int tag = in.readTag();
        if (tag == 0) {
          break;
        }
        switch (WireFormat.getTagFieldNumber(tag)) {
          case 1:
            traceId = in.readByteArray();
            break;
          case 2:
            spanId = idBytes(in.readByteArray());
            break;
          case 4: {
            int limit = in.pushLimit(in.readRawVarint32());
            byte[] refTrace = EMPTY;
            long refSpan = 0;
            int refType = 0;
            while (true) {
              int t = in.readTag();
              if (t == 0) {
                break;
              }
              int field = WireFormat.getTagFieldNumber(t);
              if (field == 1) {
                refTrace = in.readByteArray();
              } else if (field == 2) {
                refSpan = idBytes(in.readByteArray());
              } else if (field == 3) {
                refType = in.readEnum();
              } else {
                in.skipField(t);
              }
            }
            in.popLimit(limit);
            if (refs == null) {
              refs = new ArrayList<>(2);
              refTraceIds = new ArrayList<>(2);
            }
            refs.add(new long[] {refSpan, refType});
            refTraceIds.add(refTrace);
            break;
          }
          case 10: {
            int limit = in.pushLimit(in.readRawVarint32());
            while (true) {
              int t = in.readTag();
              if (t == 0) {
                break;
              }
              if (WireFormat.getTagFieldNumber(t) == 1) {
                service = in.readString();
              } else {
                in.skipField(t);
              }
            }
            in.popLimit(limit);
            break;
          }
          default:
            in.skipField(tag);
        }
      }
      if (refs != null) {
        TraceId own = traceIdOf(traceId);
        for (int i = 0; i < refs.size(); i++) {
          if (!traceIdOf(refTraceIds.get(i)).equals(own)) {
            continue;
          }
          long[] r = refs.get(i);
          if (r[1] == RefType.FOLLOWS_FROM.ordinal()) {
            if (!hasFollowsFrom) {
              followsFrom = r[0];
              hasFollowsFrom = true;
            }
          } else if (!hasChildOf) {
            childOf = r[0];
            hasChildOf = true;
          }
        }
      }
      return new Link(spanId, hasChildOf ? childOf : (hasFollowsFrom ? followsFrom : 0), service);
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (IOException | IllegalArgumentException e) {
      throw new InvalidProtocolBufferException(e.getMessage());
    }
  }

  private static final byte[] EMPTY = new byte[0];

  private static long idBytes(byte[] b) {
    if (b.length != 8) {
      throw new IllegalArgumentException("invalid length for SpanID: " + b.length + " bytes (expected: 8)");
    }
    return Hex.getLong(b, 0);
  }

  private static TraceId traceIdOf(byte[] b) {
    return b.length == 0 ? TraceId.ZERO : TraceId.fromBytes(b);
  }

  /** The api_v2 form with the process embedded, as Jaeger's Badger store writes it. */
  static io.jaegerj.proto.api_v2.Span toProto(Span s) {
    return ProtoConverter.toProto(s, true);
  }

  static Span fromProto(io.jaegerj.proto.api_v2.Span p) {
    return ProtoConverter.fromProto(p);
  }
}
