// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.thrift;

import org.apache.thrift.TException;
import org.apache.thrift.protocol.TField;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.protocol.TType;

/**
 * The number of spans in a Thrift body read from its list header, without decoding the spans; for counting
 * requests refused before decoding. Every method answers -1 when the body is not as expected.
 */
public final class ThriftSpanCounts {
  private ThriftSpanCounts() {}

  /** Spans of a jaeger.thrift {@code Batch}: the process is skipped, then the span list header read. */
  public static int jaegerBatch(byte[] bytes, ThriftProtocol protocol) {
    try {
      ThriftInput in = ThriftInput.of(bytes, 0, bytes.length, protocol);
      TProtocol p = in.protocol;
      p.readStructBegin();
      while (true) {
        TField f = p.readFieldBegin();
        if (f.type == TType.STOP) {
          return -1;
        }
        if (f.id == 2 && f.type == TType.LIST) {
          int size = p.readListBegin().size;
          return size < 0 ? -1 : size;
        }
        in.skip(f.type);
      }
    } catch (TException | RuntimeException e) {
      return -1;
    }
  }

  /** Spans of a zipkincore {@code list<Span>}. */
  public static int zipkinList(byte[] bytes, ThriftProtocol protocol) {
    try {
      int size = ThriftInput.of(bytes, 0, bytes.length, protocol).protocol.readListBegin().size;
      return size < 0 ? -1 : size;
    } catch (TException | RuntimeException e) {
      return -1;
    }
  }
}
