// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.model.Span;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyntheticTracesTest {
  @Test
  void trace_isDeterministicAndShaped() {
    SyntheticTraces gen = new SyntheticTraces(10_000_000_000L, 1);
    List<Span> a = gen.trace(5);
    assertThat(a).isEqualTo(gen.trace(5)).hasSize(SyntheticTraces.SPANS_PER_TRACE);
    assertThat(a).allSatisfy(s -> assertThat(s.traceId()).isEqualTo(gen.traceId(5)));
    assertThat(a.get(1).parentSpanId()).isEqualTo(a.get(0).spanId());
    assertThat(gen.trace(6).get(0).traceId()).isNotEqualTo(a.get(0).traceId());
    assertThat(a).allSatisfy(s -> assertThat(s.startTimeMicros())
        .isBetween(10_000_000_000L - SyntheticTraces.WINDOW_MICROS, 10_000_000_000L));
  }

  @Test
  void main_smallRun_printsARowPerBackend() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      StorageBenchmark.main(new String[] {"--spans=2000", "--backends=memory,badger"});
    } finally {
      System.setOut(old);
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    assertThat(out).contains("| memory |").contains("| badger |").contains("(disk)").contains("(heap)");
  }
}
