// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.grpc;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz target for remote-storage's direct {@code WriteSpansRequest} decoder: on every input it must give what
 * the generated classes give (the same spans, or the same kind of failure: malformed, or the same refused span), and
 * never throw anything else. Without {@code JAZZER_FUZZ=1} surefire runs it in regression mode over the committed
 * seeds in {@code src/test/resources/io/jaegerj/storage/grpc/SpanWireFuzzTestInputs/}; {@link SpanWireTest} adds a
 * deterministic mutation loop in every build.
 */
class SpanWireFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void writeSpansRequest(byte[] data) {
    Object expected = SpanWireTest.reference(data);
    Object actual = SpanWireTest.direct(data);
    if (!expected.equals(actual)) {
      throw new AssertionError("direct decoder differs: " + actual + " vs generated classes " + expected);
    }
  }
}
