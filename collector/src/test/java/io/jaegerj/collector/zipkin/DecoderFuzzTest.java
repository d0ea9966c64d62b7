// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.zipkin;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jaegerj.collector.thrift.AgentMessage;
import io.jaegerj.collector.thrift.JaegerThriftDecoder;
import io.jaegerj.collector.thrift.ThriftDecodeException;
import io.jaegerj.collector.thrift.ThriftProtocol;
import java.time.Clock;

/**
 * Jazzer fuzz targets for every decoder of the Thrift, Zipkin and agent paths. A target passes when the decoder
 * returns or throws its declared exception; anything else (another exception, an OutOfMemoryError from a hostile
 * length, a StackOverflowError from deep nesting) is a finding. Without {@code JAZZER_FUZZ=1} surefire runs them in
 * regression mode over the committed seeds in {@code DecoderFuzzTestInputs/}; with it, each target fuzzes for its
 * {@code maxDuration}.
 */
class DecoderFuzzTest {
  private static final Clock CLOCK = Clock.systemUTC();

  @FuzzTest(maxDuration = "60s")
  void jaegerBatchBinary(byte[] data) {
    thrift(() -> JaegerThriftDecoder.decodeBatch(data, ThriftProtocol.BINARY));
  }

  @FuzzTest(maxDuration = "60s")
  void jaegerBatchCompact(byte[] data) {
    thrift(() -> JaegerThriftDecoder.decodeBatch(data, ThriftProtocol.COMPACT));
  }

  @FuzzTest(maxDuration = "60s")
  void agentCompact(byte[] data) {
    thrift(() -> agent(data, ThriftProtocol.COMPACT));
  }

  @FuzzTest(maxDuration = "60s")
  void agentBinary(byte[] data) {
    thrift(() -> agent(data, ThriftProtocol.BINARY));
  }

  @FuzzTest(maxDuration = "60s")
  void zipkinThriftV1(byte[] data) {
    zipkin(ZipkinDecoders.Format.THRIFT_V1, data);
  }

  @FuzzTest(maxDuration = "60s")
  void zipkinJsonV1(byte[] data) {
    zipkin(ZipkinDecoders.Format.JSON_V1, data);
  }

  @FuzzTest(maxDuration = "60s")
  void zipkinJsonV2(byte[] data) {
    zipkin(ZipkinDecoders.Format.JSON_V2, data);
  }

  @FuzzTest(maxDuration = "60s")
  void zipkinProto3(byte[] data) {
    zipkin(ZipkinDecoders.Format.PROTO3, data);
  }

  /** Decodes an agent datagram and, for emitZipkinBatch, runs Jaeger's Zipkin converter on the result. */
  static void agent(byte[] data, ThriftProtocol protocol) throws ThriftDecodeException {
    AgentMessage m = JaegerThriftDecoder.decodeAgentMessage(data, 0, data.length, protocol);
    JaegerZipkinConverter.convert(m.zipkinSpans());
  }

  interface ThriftCall {
    void run() throws ThriftDecodeException;
  }

  static void thrift(ThriftCall call) {
    if (call == null) {
      throw new IllegalArgumentException("call");
    }
    try {
      call.run();
    } catch (ThriftDecodeException expected) {
      // the declared failure
    }
  }

  static void zipkin(ZipkinDecoders.Format format, byte[] data) {
    try {
      ZipkinDecoders.decode(format, data, 0, data.length, CLOCK);
    } catch (ZipkinDecodeException expected) {
      // the declared failure
    }
  }
}
