// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.grpc;

import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Process;
import io.jaegerj.model.RefType;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.TraceId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Spans with every field drawn at random from a seeded generator, edges included: zero and negative numbers and
 * times, empty strings, multi-byte and supplementary characters, empty and long binary values, -0.0 and NaN.
 */
final class RandomSpans {
  private static final long[] EDGE_LONGS = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, 127, 128, -128, 1L << 35};
  private static final String[] EDGE_STRINGS = {"", "a", "é", "日本語", "\uD83D\uDE00", "x".repeat(200), "\u0000"};
  private static final double[] EDGE_DOUBLES = {0.0, -0.0, Double.NaN, Double.MIN_VALUE, -1.5, Double.MAX_VALUE,
      Double.POSITIVE_INFINITY};

  private final Random rnd;
  private Process lastProcess;

  RandomSpans(long seed) {
    this.rnd = new Random(seed);
  }

  List<Span> spans(int n) {
    List<Span> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(span());
    }
    return out;
  }

  Span span() {
    List<SpanRef> refs = new ArrayList<>();
    for (int i = rnd.nextInt(4); i > 0; i--) {
      refs.add(new SpanRef(rnd.nextBoolean() ? RefType.CHILD_OF : RefType.FOLLOWS_FROM, traceId(), number()));
    }
    List<Log> logs = new ArrayList<>();
    for (int i = rnd.nextInt(3); i > 0; i--) {
      logs.add(new Log(time(), keyValues(rnd.nextInt(4))));
    }
    List<String> warnings = new ArrayList<>();
    for (int i = rnd.nextInt(3) == 0 ? rnd.nextInt(3) + 1 : 0; i > 0; i--) {
      warnings.add(string());
    }
    int flags = rnd.nextInt(4) == 0 ? rnd.nextInt() : rnd.nextInt(3);
    // as in real batches, spans often share their process
    Process process = lastProcess != null && rnd.nextBoolean() ? lastProcess
        : new Process(string(), keyValues(rnd.nextInt(5)));
    lastProcess = process;
    return new Span(traceId(), number(), string(), refs, flags, time(), time(), keyValues(rnd.nextInt(12)), logs,
        process, warnings);
  }

  private TraceId traceId() {
    return rnd.nextInt(8) == 0 ? new TraceId(0, number()) : new TraceId(number(), number());
  }

  private long number() {
    return rnd.nextBoolean() ? EDGE_LONGS[rnd.nextInt(EDGE_LONGS.length)] : rnd.nextLong();
  }

  /** Microseconds: recent times, durations, edges and anything (negative included). */
  private long time() {
    switch (rnd.nextInt(4)) {
      case 0:
        return 1_700_000_000_000_000L + rnd.nextInt(1_000_000_000);
      case 1:
        return rnd.nextInt(10_000_000);
      case 2:
        return -rnd.nextInt(3_000_000);
      default:
        return number() / 1000;
    }
  }

  private String string() {
    if (rnd.nextBoolean()) {
      return EDGE_STRINGS[rnd.nextInt(EDGE_STRINGS.length)];
    }
    StringBuilder b = new StringBuilder();
    for (int i = rnd.nextInt(30); i > 0; i--) {
      b.append((char) (rnd.nextInt(10) == 0 ? 0x80 + rnd.nextInt(0x700) : 'a' + rnd.nextInt(26)));
    }
    return b.toString();
  }

  private List<KeyValue> keyValues(int n) {
    List<KeyValue> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String key = string();
      switch (rnd.nextInt(5)) {
        case 0:
          out.add(KeyValue.string(key, string()));
          break;
        case 1:
          out.add(KeyValue.bool(key, rnd.nextBoolean()));
          break;
        case 2:
          out.add(KeyValue.int64(key, number()));
          break;
        case 3:
          out.add(KeyValue.float64(key, rnd.nextBoolean() ? EDGE_DOUBLES[rnd.nextInt(EDGE_DOUBLES.length)]
              : rnd.nextGaussian() * 1e6));
          break;
        default:
          byte[] b = new byte[rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(300)];
          rnd.nextBytes(b);
          out.add(KeyValue.binary(key, b));
      }
    }
    return out;
  }
}
