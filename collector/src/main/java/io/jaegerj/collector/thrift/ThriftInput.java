// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.thrift;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.thrift.TConfiguration;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TCompactProtocol;
import org.apache.thrift.protocol.TField;
import org.apache.thrift.protocol.TList;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.protocol.TProtocolUtil;
import org.apache.thrift.protocol.TType;
import org.apache.thrift.transport.TMemoryInputTransport;

/**
 * A protocol over an in-memory message with every length bounded by the bytes actually present, so that a hostile
 * length prefix fails fast instead of allocating. Struct readers of this package use its checked helpers.
 */
final class ThriftInput {
  /** Nesting allowed when skipping unknown fields; our schemas nest at most four deep. */
  static final int MAX_SKIP_DEPTH = 16;

  final TProtocol protocol;
  private final TMemoryInputTransport transport;

  private ThriftInput(TMemoryInputTransport transport, TProtocol protocol) {
    this.transport = transport;
    this.protocol = protocol;
  }

  static ThriftInput of(byte[] bytes, int offset, int length, ThriftProtocol kind) throws TException {
    TConfiguration config = TConfiguration.custom()
        .setMaxMessageSize(Math.max(length, 1))
        .setRecursionLimit(MAX_SKIP_DEPTH)
        .build();
    TMemoryInputTransport transport = new TMemoryInputTransport(config, bytes, offset, length);
    TProtocol protocol = kind == ThriftProtocol.COMPACT
        ? new TCompactProtocol(transport, length, length)
        : new TBinaryProtocol(transport, length, length, false, true);
    return new ThriftInput(transport, protocol);
  }

  int remaining() {
    return transport.getBytesRemainingInBuffer();
  }

  /** Reads a list header of the expected element type whose size fits in the remaining bytes. */
  int listBegin(byte elemType, String what) throws TException, ThriftDecodeException {
    TList list = protocol.readListBegin();
    if (list.elemType != elemType && list.size > 0) {
      throw new ThriftDecodeException(what + ": list element type " + list.elemType + " (expected: " + elemType + ")");
    }
    if (list.size < 0 || list.size > remaining()) {
      throw new ThriftDecodeException(what + ": list size " + list.size + " exceeds the " + remaining()
          + " bytes left");
    }
    return list.size;
  }

  /** Reads one struct, an element of a list read by {@link #structs}. */
  @FunctionalInterface
  interface StructReader<T> {
    T read(ThriftInput in) throws TException, ThriftDecodeException;
  }

  /**
   * Reads a {@code list<struct>} whose size {@link #listBegin} bounds, each element with {@code element}; the list is
   * mutable.
   */
  <T> List<T> structs(String what, StructReader<T> element) throws TException, ThriftDecodeException {
    int n = listBegin(TType.STRUCT, what);
    List<T> out = new ArrayList<>(n + 1);
    for (int i = 0; i < n; i++) {
      out.add(element.read(this));
    }
    protocol.readListEnd();
    return out;
  }

  /** Starts reading a struct: then {@link #nextField()} until it returns null. */
  void structBegin() throws TException {
    protocol.readStructBegin();
  }

  /**
   * The next field of the struct being read, positioned at its value (the caller reads it, or {@link #skip}s it), or
   * null once the struct's end was read. (The protocols' per-field end marker is empty in binary and compact alike,
   * so nothing is read between two fields.)
   */
  TField nextField() throws TException {
    TField f = protocol.readFieldBegin();
    if (f.type == TType.STOP) {
      protocol.readStructEnd();
      return null;
    }
    return f;
  }

  byte[] binary() throws TException {
    ByteBuffer b = protocol.readBinary();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  void skip(byte type) throws TException {
    TProtocolUtil.skip(protocol, type, MAX_SKIP_DEPTH);
  }

  /**
   * True when the field has the expected wire type; otherwise skips its value and returns false. Go's generated
   * readers do the same: a field of the wrong type is ignored, and a required one is then reported as not set.
   */
  boolean is(TField field, byte type) throws TException {
    if (field.type == type) {
      return true;
    }
    skip(field.type);
    return false;
  }

  static String typeName(byte type) {
    switch (type) {
      case TType.BOOL: return "bool";
      case TType.I32: return "i32";
      case TType.I64: return "i64";
      case TType.STRING: return "string";
      case TType.STRUCT: return "struct";
      case TType.LIST: return "list";
      default: return Byte.toString(type);
    }
  }
}
