// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.thrift;

import java.util.List;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TField;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.protocol.TType;

/**
 * Reads zipkincore.thrift spans: a {@code list<Span>} as Zipkin v1 Thrift bodies carry on 9411 (binary protocol) or
 * as the argument of the agent's {@code emitZipkinBatch} (compact). zipkincore has no required fields; absent
 * optional numbers stay null. Stateless and thread-safe.
 */
public final class ZipkinThriftDecoder {
  private ZipkinThriftDecoder() {}

  /** Decodes a list header followed by that many Span structs. */
  public static List<ZipkinCore.Span> decodeSpanList(byte[] bytes, int offset, int length, ThriftProtocol protocol)
      throws ThriftDecodeException {
    try {
      ThriftInput in = ThriftInput.of(bytes, offset, length, protocol);
      return readSpanList(in);
    } catch (TException | RuntimeException e) {
      throw JaegerThriftDecoder.wrap(e);
    }
  }

  static List<ZipkinCore.Span> readSpanList(ThriftInput in) throws TException, ThriftDecodeException {
    return in.structs("spans", ZipkinThriftDecoder::readSpan);
  }

  private static ZipkinCore.Span readSpan(ThriftInput in) throws TException, ThriftDecodeException {
    TProtocol p = in.protocol;
    long traceId = 0;
    long traceIdHigh = 0;
    String name = "";
    long id = 0;
    Long parentId = null;
    List<ZipkinCore.Annotation> annotations = List.of();
    List<ZipkinCore.BinaryAnnotation> binaryAnnotations = List.of();
    boolean debug = false;
    Long timestamp = null;
    Long duration = null;
    in.structBegin();
    for (TField f = in.nextField(); f != null; f = in.nextField()) {
      switch (f.id) {
        case 1:
          if (in.is(f, TType.I64)) {
            traceId = p.readI64();
          }
          break;
        case 3:
          if (in.is(f, TType.STRING)) {
            name = p.readString();
          }
          break;
        case 4:
          if (in.is(f, TType.I64)) {
            id = p.readI64();
          }
          break;
        case 5:
          if (in.is(f, TType.I64)) {
            parentId = p.readI64();
          }
          break;
        case 6:
          if (in.is(f, TType.LIST)) {
            annotations = in.structs("Span.annotations", ZipkinThriftDecoder::readAnnotation);
          }
          break;
        case 8:
          if (in.is(f, TType.LIST)) {
            binaryAnnotations = in.structs("Span.binary_annotations", ZipkinThriftDecoder::readBinaryAnnotation);
          }
          break;
        case 9:
          if (in.is(f, TType.BOOL)) {
            debug = p.readBool();
          }
          break;
        case 10:
          if (in.is(f, TType.I64)) {
            timestamp = p.readI64();
          }
          break;
        case 11:
          if (in.is(f, TType.I64)) {
            duration = p.readI64();
          }
          break;
        case 12:
          if (in.is(f, TType.I64)) {
            traceIdHigh = p.readI64();
          }
          break;
        default:
          in.skip(f.type);
      }
    }
    return new ZipkinCore.Span(traceIdHigh, traceId, name, id, parentId, annotations, binaryAnnotations, debug,
        timestamp, duration);
  }

  private static ZipkinCore.Annotation readAnnotation(ThriftInput in) throws TException, ThriftDecodeException {
    TProtocol p = in.protocol;
    long timestamp = 0;
    String value = "";
    ZipkinCore.Endpoint host = null;
    in.structBegin();
    for (TField f = in.nextField(); f != null; f = in.nextField()) {
      if (f.id == 1 && in.is(f, TType.I64)) {
        timestamp = p.readI64();
      } else if (f.id == 2 && in.is(f, TType.STRING)) {
        value = p.readString();
      } else if (f.id == 3 && in.is(f, TType.STRUCT)) {
        host = readEndpoint(in);
      } else if (f.id < 1 || f.id > 3) {
        in.skip(f.type);
      }
    }
    return new ZipkinCore.Annotation(timestamp, value, host);
  }

  private static ZipkinCore.BinaryAnnotation readBinaryAnnotation(ThriftInput in)
      throws TException, ThriftDecodeException {
    TProtocol p = in.protocol;
    String key = "";
    byte[] value = new byte[0];
    int type = ZipkinCore.BOOL;
    ZipkinCore.Endpoint host = null;
    in.structBegin();
    for (TField f = in.nextField(); f != null; f = in.nextField()) {
      if (f.id == 1 && in.is(f, TType.STRING)) {
        key = p.readString();
      } else if (f.id == 2 && in.is(f, TType.STRING)) {
        value = in.binary();
      } else if (f.id == 3 && in.is(f, TType.I32)) {
        type = p.readI32();
      } else if (f.id == 4 && in.is(f, TType.STRUCT)) {
        host = readEndpoint(in);
      } else if (f.id < 1 || f.id > 4) {
        in.skip(f.type);
      }
    }
    return new ZipkinCore.BinaryAnnotation(key, value, type, host);
  }

  private static ZipkinCore.Endpoint readEndpoint(ThriftInput in) throws TException {
    TProtocol p = in.protocol;
    int ipv4 = 0;
    int port = 0;
    String serviceName = "";
    byte[] ipv6 = null;
    in.structBegin();
    for (TField f = in.nextField(); f != null; f = in.nextField()) {
      if (f.id == 1 && in.is(f, TType.I32)) {
        ipv4 = p.readI32();
      } else if (f.id == 2 && in.is(f, TType.I16)) {
        port = p.readI16() & 0xffff;
      } else if (f.id == 3 && in.is(f, TType.STRING)) {
        serviceName = p.readString();
      } else if (f.id == 4 && in.is(f, TType.STRING)) {
        ipv6 = in.binary();
      } else if (f.id < 1 || f.id > 4) {
        in.skip(f.type);
      }
    }
    return new ZipkinCore.Endpoint(ipv4, port, serviceName, ipv6);
  }
}
