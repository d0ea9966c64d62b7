// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import io.jaegerj.model.otlp.OtlpJson;
import io.jaegerj.model.otlp.OtlpToModel;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The OTLP decoders (protobuf then conversion; JSON) may only fail with their declared exceptions. Jazzer runs the
 * seed corpus in regression mode in every build (set {@code JAZZER_FUZZ=1} to fuzz for real); the bounded mutation
 * loops below add a deterministic few thousand mutants per decoder in a couple of seconds.
 */
class OtlpDecoderFuzzTest {
  private static final int MUTANTS = 3000;
  private static final long BUDGET_NANOS = 8_000_000_000L;

  static void decodeProto(byte[] data) {
    try {
      OtlpToModel.toModel(OtlpUtf8.parse(data));
    } catch (InvalidProtocolBufferException | IllegalArgumentException expected) {
      // declared failures
    }
  }

  static void decodeJson(byte[] data) {
    try {
      OtlpJson.decode(data);
    } catch (IllegalArgumentException expected) {
      // declared failure
    }
  }

  @FuzzTest(maxDuration = "30s")
  void otlpProto(byte[] data) {
    decodeProto(data);
  }

  /** The direct protobuf decoder must agree with the reference path on every input, spans or error. */
  @FuzzTest(maxDuration = "30s")
  void otlpProtoDirect(byte[] data) {
    Object expected = OtlpProtoDecoderTest.reference(data);
    Object actual = OtlpProtoDecoderTest.decoded(data);
    if (!expected.equals(actual)) {
      throw new AssertionError("direct decoder differs: " + actual + " vs reference " + expected);
    }
    OtlpProtoDecoderTest.direct(data);
  }

  @FuzzTest(maxDuration = "30s")
  void otlpJson(byte[] data) {
    decodeJson(data);
  }

  @Test
  void otlpProto_mutatedSeeds_onlyDeclaredFailures() {
    assertThat(mutate(List.of(OtlpSeeds.request().toByteArray()), true)).isGreaterThanOrEqualTo(100);
  }

  @Test
  void otlpJson_mutatedSeeds_onlyDeclaredFailures() {
    assertThat(mutate(List.of(OtlpSeeds.json(), "{}".getBytes(StandardCharsets.UTF_8)), false))
        .isGreaterThanOrEqualTo(100);
  }

  /** Returns how many mutants ran; any undeclared throwable fails the test with the mutant in the message. */
  private static int mutate(List<byte[]> seeds, boolean proto) {
    Random rnd = new Random(42);
    long deadline = System.nanoTime() + BUDGET_NANOS;
    int n = 0;
    for (; n < MUTANTS && System.nanoTime() < deadline; n++) {
      byte[] m = mutant(seeds.get(rnd.nextInt(seeds.size())), rnd);
      try {
        if (proto) {
          decodeProto(m);
        } else {
          decodeJson(m);
        }
      } catch (Throwable t) {
        throw new AssertionError("undeclared failure on mutant " + HexFormat.of().formatHex(m), t);
      }
    }
    return n;
  }

  static byte[] mutant(byte[] seed, Random rnd) {
    List<Byte> b = new ArrayList<>(seed.length + 16);
    for (byte x : seed) {
      b.add(x);
    }
    int ops = 1 + rnd.nextInt(4);
    for (int i = 0; i < ops && !b.isEmpty(); i++) {
      int pos = rnd.nextInt(b.size());
      switch (rnd.nextInt(6)) {
        case 0:
          b.set(pos, (byte) (b.get(pos) ^ (1 << rnd.nextInt(8))));
          break;
        case 1:
          b.set(pos, (byte) rnd.nextInt(256));
          break;
        case 2:
          b.remove(pos);
          break;
        case 3:
          b.add(pos, (byte) rnd.nextInt(256));
          break;
        case 4:
          b.subList(pos, b.size()).clear();
          break;
        default:
          int len = Math.min(b.size() - pos, 1 + rnd.nextInt(16));
          b.addAll(pos, new ArrayList<>(b.subList(pos, pos + len)));
      }
    }
    byte[] out = new byte[b.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = b.get(i);
    }
    return out;
  }
}
