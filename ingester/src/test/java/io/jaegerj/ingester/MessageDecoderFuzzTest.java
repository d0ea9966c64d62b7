// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.ingester;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Clock;

/**
 * Jazzer fuzz targets for the ingester's three message decoders ({@code kafka.consumer.encoding}). A target passes
 * when the decoder returns a span or throws {@link IllegalArgumentException} (the ingester counts, logs and skips such
 * a message); any other throwable (NullPointerException, OutOfMemoryError from a hostile length, StackOverflowError)
 * is a finding. Without {@code JAZZER_FUZZ=1} surefire runs them in regression mode over the committed seeds in
 * {@code src/test/resources/io/jaegerj/ingester/MessageDecoderFuzzTestInputs/}.
 */
class MessageDecoderFuzzTest {
  static final MessageDecoder PROTOBUF = new MessageDecoder("protobuf", Clock.systemUTC());
  static final MessageDecoder JSON = new MessageDecoder("json", Clock.systemUTC());
  static final MessageDecoder ZIPKIN_THRIFT = new MessageDecoder("zipkin-thrift", Clock.systemUTC());

  @FuzzTest(maxDuration = "60s")
  void protobuf(byte[] data) {
    decode(PROTOBUF, data);
  }

  @FuzzTest(maxDuration = "60s")
  void json(byte[] data) {
    decode(JSON, data);
  }

  @FuzzTest(maxDuration = "60s")
  void zipkinThrift(byte[] data) {
    decode(ZIPKIN_THRIFT, data);
  }

  static void decode(MessageDecoder decoder, byte[] data) {
    try {
      decoder.decode(data);
    } catch (IllegalArgumentException expected) {
      // a poison message: counted and skipped by the ingester
    }
  }
}
