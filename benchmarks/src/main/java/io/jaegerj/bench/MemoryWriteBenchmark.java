// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.bench;

import io.jaegerj.config.Settings;
import io.jaegerj.model.Span;
import io.jaegerj.storage.SpanWriter;
import io.jaegerj.storage.StorageContext;
import io.jaegerj.storage.StorageFactory;
import io.jaegerj.storage.memory.MemoryStorageProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Batched writes into the memory storage in steady state: the store is bounded to {@value #MAX_TRACES} traces and the
 * pool of pre-decoded batches holds more traces than that, so every write inserts traces that were evicted since
 * their last write (no deduplication shortcut). Score: spans per second. Because wall-clock throughput on a shared
 * machine depends on what else runs, each iteration also prints the CPU time of the benchmark thread per span
 * (GC threads excluded; see gc.alloc.rate.norm with {@code -prof gc} for that side).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g", "-Xms3g"})
public class MemoryWriteBenchmark {
  static final int MAX_TRACES = 20_000;
  static final int POOL = 1_200;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  StorageFactory storage;
  SpanWriter writer;
  List<List<Span>> batches;
  int next;
  long spans;
  long iterationSpans;
  long iterationCpuNanos;
  volatile Thread worker;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    storage = new MemoryStorageProvider().open("memory",
        new Settings(Map.of("memory.max-traces", Integer.toString(MAX_TRACES))),
        new StorageContext(new SimpleMeterRegistry(), Clock.systemUTC()));
    writer = storage.spanWriter();
    batches = Fixtures.batches(POOL, 5);
  }

  @Setup(Level.Iteration)
  public void startIteration() {
    iterationSpans = spans;
    iterationCpuNanos = worker == null ? 0 : THREADS.getThreadCpuTime(worker.getId());
  }

  @TearDown(Level.Iteration)
  public void endIteration() {
    if (worker != null && iterationCpuNanos > 0) {
      long cpu = THREADS.getThreadCpuTime(worker.getId()) - iterationCpuNanos;
      System.out.printf("  [cpu of the benchmark thread: %.0f ns/span]%n", (double) cpu / (spans - iterationSpans));
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    storage.close();
  }

  @Benchmark
  @OperationsPerInvocation(200)
  public void writeBatchOf200() {
    if (worker == null) {
      worker = Thread.currentThread();
    }
    List<Span> batch = batches.get(next++ % POOL);
    writer.write(batch).toCompletableFuture().join();
    spans += batch.size();
  }
}
