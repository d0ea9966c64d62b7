// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.model.Span;
import io.jaegerj.model.Trace;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The benchmark inputs decode as intended (the benchmarks themselves are run with the shaded jar, not here). */
class FixturesTest {
  @Test
  void decode_everyFormat_givesTheRequestsSpans() {
    for (String format : new String[] {"otlp-proto", "otlp-json", "zipkin-json", "jaeger-thrift"}) {
      DecodeBenchmark b = new DecodeBenchmark();
      b.format = format;
      b.setup();
      List<Span> spans = b.decode();
      assertThat(spans).as(format).hasSize(200);
      assertThat(spans.get(0).tags()).as(format).hasSizeGreaterThanOrEqualTo(10);
    }
  }

  @Test
  void largeTrace_oneTraceOfAllSpans() {
    Trace t = Fixtures.largeTrace(2_000, 3);
    assertThat(t.spans()).hasSize(2_000);
    Set<Object> ids = new HashSet<>();
    for (Span s : t.spans()) {
      ids.add(s.traceId());
    }
    assertThat(ids).hasSize(1);
  }

  @Test
  void batches_freshTraceIdsPerRequest() {
    List<List<Span>> b = Fixtures.batches(20, 1);
    Set<Object> ids = new HashSet<>();
    for (List<Span> batch : b) {
      assertThat(batch).hasSize(200);
      for (Span s : batch) {
        ids.add(s.traceId());
      }
    }
    assertThat(ids).hasSize(20 * 20);
  }
}
