// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.bench;

import io.jaegerj.collector.pipeline.AckMode;
import io.jaegerj.collector.pipeline.PipelineOptions;
import io.jaegerj.collector.pipeline.SpanConsumer;
import io.jaegerj.collector.pipeline.SpanPipeline;
import io.jaegerj.model.Span;
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

/**
 * What {@code --collector.acknowledge=stored} costs the collector itself: one sender offers requests (200-span OTLP
 * batches) to the span pipeline (4 workers, a storage writer that completes at once) and awaits each
 * acknowledgement. In {@code stored} mode the stage completes on the worker after the write, so the score is the
 * latency of one request through hand-over, sanitizing, metrics and completion, one request at a time. In
 * {@code queued} mode the stage is complete when {@code submitForAck} returns, the sender outruns the workers and
 * is held between a half-full and a full queue, so the score settles at the 4 workers' throughput per request.
 * Score: time per request.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class PipelineAckBenchmark {
  @Param({"queued", "stored"})
  public String mode;

  SpanPipeline pipeline;
  List<List<Span>> batches;
  int next;

  @Setup(Level.Trial)
  public void setup() {
    SpanWriter instant = (tenant, spans) -> CompletableFuture.completedFuture(null);
    PipelineOptions options = new PipelineOptions(100_000, 4, 0, false, List.of(), 1, "")
        .withAckMode(mode.equals("stored") ? AckMode.STORED : AckMode.QUEUED);
    pipeline = SpanPipeline.start(options, instant, new SimpleMeterRegistry());
    batches = Fixtures.batches(64, 11);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws InterruptedException {
    pipeline.drain(Duration.ofSeconds(10));
    pipeline.close();
  }

  @Benchmark
  public SpanConsumer.Result submitAndAwaitAck() throws Exception {
    List<Span> batch = batches.get(next++ & 63);
    SpanConsumer.Result r = pipeline.submitForAck("", batch, SpanConsumer.Format.OTLP, SpanConsumer.Transport.HTTP)
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    if (r != SpanConsumer.Result.ACCEPTED) {
      // queued mode outran the workers: wait, so the score is not a refusal
      while (pipeline.queuedSpans() > 50_000) {
        Thread.onSpinWait();
      }
    }
    return r;
  }
}
