// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.bench;

import io.jaegerj.dependencies.DependencyAggregator;
import io.jaegerj.model.Process;
import io.jaegerj.model.RefType;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.TraceId;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What {@code --dependencies.aggregator.enabled} adds on the ingest path: {@link DependencyAggregator#offer} over one
 * 200-span batch (20 traces of 10 spans over 8 services, parents first or - with {@code order=shuffled} - in random
 * order, so that half the children wait for a late parent). The aggregator runs at its memory cap (a pool of 400 000
 * distinct spans cycles through a cache of 200 000 entries), so every offer also evicts, as in steady state.
 * Score / 200 = per span; run with {@code -prof gc} for the bytes allocated per batch.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xmx1g"})
public class DependencyAggregatorBenchmark {
  static final int BATCHES = 2000;
  static final int TRACES_PER_BATCH = 20;
  static final int SPANS_PER_TRACE = 10;

  @Param({"ordered", "shuffled"})
  public String order;

  DependencyAggregator aggregator;
  List<List<Span>> batches;
  int next;
  long now;

  @Setup(Level.Trial)
  public void setup() {
    aggregator = new DependencyAggregator(TimeUnit.HOURS.toMillis(1), 200_000, 0);
    SplittableRandom r = new SplittableRandom(11);
    batches = new ArrayList<>(BATCHES);
    for (int b = 0; b < BATCHES; b++) {
      List<Span> batch = new ArrayList<>(TRACES_PER_BATCH * SPANS_PER_TRACE);
      for (int t = 0; t < TRACES_PER_BATCH; t++) {
        TraceId id = new TraceId(r.nextLong(), r.nextLong());
        for (int s = 1; s <= SPANS_PER_TRACE; s++) {
          Span.Builder sb = Span.builder().traceId(id).spanId(s).operationName("op").startTimeMicros(1)
              .process(Process.of("service-" + ((s + t) % 8)));
          if (s > 1) {
            sb.addReference(new SpanRef(RefType.CHILD_OF, id, s / 2));
          }
          batch.add(sb.build());
        }
      }
      if (order.equals("shuffled")) {
        for (int i = batch.size() - 1; i > 0; i--) {
          int j = r.nextInt(i + 1);
          Span tmp = batch.get(i);
          batch.set(i, batch.get(j));
          batch.set(j, tmp);
        }
      }
      batches.add(batch);
    }
  }

  @Benchmark
  public void offerBatch(Blackhole bh) {
    List<Span> batch = batches.get(next);
    next = next + 1 == BATCHES ? 0 : next + 1;
    aggregator.offer("", batch, now++);
    if ((now & 1023) == 0) {
      bh.consume(aggregator.drain()); // as the periodic flush does
    }
  }
}
