// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.zipkin;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.collector.thrift.JaegerThriftDecoder;
import io.jaegerj.collector.thrift.ThriftProtocol;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A bounded random-mutation loop over valid seeds for every decoder (Jazzer's own fuzzing mode cannot be bounded
 * inside surefire): each target gets up to {@value #ITERATIONS} mutants or {@value #MILLIS} ms, whichever comes
 * first, with a fixed random seed so failures reproduce. A target must return or throw its declared exception.
 */
class DecoderMutationTest {
  static final int ITERATIONS = 20_000;
  static final long MILLIS = 4_000;

  enum Target {
    JAEGER_BATCH_BINARY(FuzzSeeds::batchBinary, d -> DecoderFuzzTest.thrift(
        () -> JaegerThriftDecoder.decodeBatch(d, ThriftProtocol.BINARY))),
    JAEGER_BATCH_COMPACT(FuzzSeeds::batchCompact, d -> DecoderFuzzTest.thrift(
        () -> JaegerThriftDecoder.decodeBatch(d, ThriftProtocol.COMPACT))),
    AGENT_EMIT_BATCH_COMPACT(FuzzSeeds::emitBatchCompact,
        d -> DecoderFuzzTest.thrift(() -> DecoderFuzzTest.agent(d, ThriftProtocol.COMPACT))),
    AGENT_EMIT_BATCH_BINARY(FuzzSeeds::emitBatchBinary,
        d -> DecoderFuzzTest.thrift(() -> DecoderFuzzTest.agent(d, ThriftProtocol.BINARY))),
    AGENT_EMIT_ZIPKIN_BATCH(FuzzSeeds::emitZipkinBatchCompact,
        d -> DecoderFuzzTest.thrift(() -> DecoderFuzzTest.agent(d, ThriftProtocol.COMPACT))),
    ZIPKIN_THRIFT_V1(FuzzSeeds::zipkinThriftV1, d -> DecoderFuzzTest.zipkin(ZipkinDecoders.Format.THRIFT_V1, d)),
    ZIPKIN_JSON_V1(FuzzSeeds::zipkinJsonV1, d -> DecoderFuzzTest.zipkin(ZipkinDecoders.Format.JSON_V1, d)),
    ZIPKIN_JSON_V2(FuzzSeeds::zipkinJsonV2, d -> DecoderFuzzTest.zipkin(ZipkinDecoders.Format.JSON_V2, d)),
    ZIPKIN_PROTO3(FuzzSeeds::zipkinProto3, d -> DecoderFuzzTest.zipkin(ZipkinDecoders.Format.PROTO3, d));

    final Supplier<byte[]> seed;
    final Consumer<byte[]> decode;

    Target(Supplier<byte[]> seed, Consumer<byte[]> decode) {
      this.seed = seed;
      this.decode = decode;
    }
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void mutants_onlyDeclaredExceptions(Target target) {
    byte[] seed = target.seed.get();
    target.decode.accept(seed);
    SplittableRandom random = new SplittableRandom(0x5eedL + target.ordinal());
    long deadline = System.nanoTime() + MILLIS * 1_000_000L;
    int done = 0;
    while (done < ITERATIONS && System.nanoTime() < deadline) {
      byte[] mutant = mutate(seed, random);
      try {
        target.decode.accept(mutant);
      } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
        throw new AssertionError("undeclared " + e + " for input " + Arrays.toString(mutant), e);
      }
      done++;
    }
    assertThat(done).as("mutants tried").isGreaterThan(100);
  }

  /** One to four random edits: flip, set to an interesting value, insert, delete, duplicate a slice, truncate. */
  static byte[] mutate(byte[] seed, SplittableRandom r) {
    byte[] b = seed.clone();
    int edits = 1 + r.nextInt(4);
    for (int i = 0; i < edits && b.length > 0; i++) {
      int pos = r.nextInt(b.length);
      switch (r.nextInt(6)) {
        case 0:
          b[pos] ^= (byte) (1 << r.nextInt(8));
          break;
        case 1:
          byte[] interesting = {0, 1, -1, 0x7f, (byte) 0x80, 0x0b, 0x0c, 0x0f, 0x19, 0x1c, '"', '{', '[', ']', '}'};
          b[pos] = interesting[r.nextInt(interesting.length)];
          break;
        case 2: {
          byte[] out = new byte[b.length + 1];
          System.arraycopy(b, 0, out, 0, pos);
          out[pos] = (byte) r.nextInt(256);
          System.arraycopy(b, pos, out, pos + 1, b.length - pos);
          b = out;
          break;
        }
        case 3: {
          byte[] out = new byte[b.length - 1];
          System.arraycopy(b, 0, out, 0, pos);
          System.arraycopy(b, pos + 1, out, pos, b.length - pos - 1);
          b = out;
          break;
        }
        case 4: {
          int len = Math.min(1 + r.nextInt(16), b.length - pos);
          byte[] out = new byte[b.length + len];
          System.arraycopy(b, 0, out, 0, pos + len);
          System.arraycopy(b, pos, out, pos + len, b.length - pos);
          b = out;
          break;
        }
        default:
          b = Arrays.copyOf(b, pos);
      }
    }
    return b;
  }
}
