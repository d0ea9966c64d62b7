// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.bench;

import io.jaegerj.collector.pipeline.AckMode;
import io.jaegerj.collector.pipeline.PipelineOptions;
import io.jaegerj.collector.pipeline.SpanConsumer;
import io.jaegerj.collector.pipeline.SpanPipeline;
import io.jaegerj.model.Span;
import io.jaegerj.spm.SpanMetrics;
import io.jaegerj.storage.SpanWriter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What {@code --collector.span-metrics.enabled} costs. {@code recordBatch}: {@link SpanMetrics#record} over one
 * 200-span batch of the shared fixtures (many services and operations, every kind), i.e. the per-span work the
 * workers add (score / 200 = per span). {@code pipelineStored}: one 200-span batch through the span pipeline in
 * {@code stored} mode (4 workers, a writer that completes at once), with span metrics {@code off} (the workers only
 * test a null field) and {@code on}; the difference is the end-to-end cost per batch.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class SpanMetricsBenchmark {
  @Param({"off", "on"})
  public String spanMetrics;

  SpanMetrics metrics;
  SpanPipeline pipeline;
  List<List<Span>> batches;
  int next;

  @Setup(Level.Trial)
  public void setup() {
    metrics = new SpanMetrics(1000, 500);
    SpanWriter instant = (tenant, spans) -> CompletableFuture.completedFuture(null);
    PipelineOptions options = new PipelineOptions(100_000, 4, 0, false, List.of(), 1, "")
        .withAckMode(AckMode.STORED);
    pipeline = SpanPipeline.start(options, instant, new SimpleMeterRegistry(),
        spanMetrics.equals("on") ? metrics : null);
    batches = Fixtures.batches(64, 11);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws InterruptedException {
    pipeline.drain(Duration.ofSeconds(10));
    pipeline.close();
  }

  @Benchmark
  public void recordBatch(Blackhole bh) {
    if (!spanMetrics.equals("on")) {
      return;
    }
    List<Span> batch = batches.get(next++ & 63);
    for (int i = 0, n = batch.size(); i < n; i++) {
      metrics.record(batch.get(i));
    }
    bh.consume(batch);
  }

  @Benchmark
  public SpanConsumer.Result pipelineStored() throws Exception {
    List<Span> batch = batches.get(next++ & 63);
    return pipeline.submitForAck("", batch, SpanConsumer.Format.OTLP, SpanConsumer.Transport.HTTP)
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
