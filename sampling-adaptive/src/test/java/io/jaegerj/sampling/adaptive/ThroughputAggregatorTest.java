// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.sampling.adaptive;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.TraceId;
import io.jaegerj.storage.SamplingStore.Throughput;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThroughputAggregatorTest {
  private static final TraceId TRACE = new TraceId(1, 2);

  static Span root(String service, String op, KeyValue... tags) {
    return Span.builder().traceId(TRACE).spanId(7).operationName(op).process(Process.of(service))
        .tags(List.of(tags)).build();
  }

  @Test
  void observe_countsOnlyProbabilisticRootSpans_andRecordsEveryProbability() {
    ThroughputAggregator a = new ThroughputAggregator(100);
    a.observe(root("svc", "op", KeyValue.string("sampler.type", "probabilistic"), KeyValue.float64("sampler.param", 0.001)));
    a.observe(root("svc", "op", KeyValue.string("sampler.type", "probabilistic"), KeyValue.string("sampler.param", "0.5")));
    a.observe(root("svc", "op", KeyValue.string("sampler.type", "lowerbound"), KeyValue.float64("sampler.param", 0.25)));
    a.observe(root("svc", "op2", KeyValue.string("sampler.type", "const"), KeyValue.int64("sampler.param", 1)));

    ThroughputAggregator.Bucket b = a.drain();
    assertThat(b.services()).isEqualTo(1);
    assertThat(b.rows()).hasSize(2);
    Throughput op = b.rows().stream().filter(t -> t.operation().equals("op")).findFirst().orElseThrow();
    assertThat(op.count()).isEqualTo(2);
    assertThat(op.probabilities()).containsExactlyInAnyOrder(0.001, 0.5, 0.25);
    Throughput op2 = b.rows().stream().filter(t -> t.operation().equals("op2")).findFirst().orElseThrow();
    assertThat(op2.count()).isZero();
    assertThat(op2.probabilities()).containsExactly(1.0);
    assertThat(a.drain().rows()).as("drain starts a new bucket").isEmpty();
  }

  @Test
  void observe_ignoresChildSpansAndSpansWithoutUsableSamplerTags() {
    ThroughputAggregator a = new ThroughputAggregator(100);
    KeyValue type = KeyValue.string("sampler.type", "probabilistic");
    KeyValue param = KeyValue.float64("sampler.param", 0.1);
    Span child = root("svc", "op", type, param).toBuilder().addReference(SpanRef.childOf(TRACE, 3)).build();
    a.observe(child);
    a.observe(root("", "op", type, param));
    a.observe(root("svc", "", type, param));
    a.observe(root("svc", "op", KeyValue.string("sampler.type", "remote"), param));
    a.observe(root("svc", "op", type));
    a.observe(root("svc", "op", type, KeyValue.string("sampler.param", "abc")));
    a.observe(root("svc", "op", param));
    assertThat(a.drain().rows()).isEmpty();
  }

  @Test
  void record_keepsAtMostTenProbabilities_inSixDecimalForm() {
    ThroughputAggregator a = new ThroughputAggregator(100);
    for (int i = 1; i <= 15; i++) {
      a.record("svc", "op", ThroughputAggregator.SamplerType.PROBABILISTIC, i / 100.0);
    }
    a.record("svc", "op", ThroughputAggregator.SamplerType.PROBABILISTIC, 0.1234567);
    Throughput t = a.drain().rows().get(0);
    assertThat(t.count()).isEqualTo(16);
    assertThat(t.probabilities()).hasSize(10);
    assertThat(ThroughputAggregator.truncate(0.001)).isEqualTo("0.001000");
    assertThat(ThroughputAggregator.truncate(0.1234567)).isEqualTo("0.123457");
    assertThat(ThroughputAggregator.truncate(1)).isEqualTo("1.000000");
  }

  @Test
  void record_beyondThePairBound_dropsNewPairsAndCountsThem() {
    ThroughputAggregator a = new ThroughputAggregator(2);
    a.record("s", "a", ThroughputAggregator.SamplerType.PROBABILISTIC, 0.1);
    a.record("s", "b", ThroughputAggregator.SamplerType.PROBABILISTIC, 0.1);
    a.record("s", "c", ThroughputAggregator.SamplerType.PROBABILISTIC, 0.1);
    a.record("s", "a", ThroughputAggregator.SamplerType.PROBABILISTIC, 0.1);
    assertThat(a.droppedPairs()).isEqualTo(1);
    assertThat(a.drain().rows()).extracting(Throughput::operation).containsExactlyInAnyOrder("a", "b");
  }
}
