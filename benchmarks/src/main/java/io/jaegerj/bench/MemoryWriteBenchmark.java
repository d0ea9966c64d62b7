// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.bench;

import io.jaegerj.model.Span;
import io.jaegerj.storage.SpanWriter;
import io.jaegerj.storage.StorageFactory;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
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
 * Batched writes into the memory storage in steady state: the store is bounded to {@value #MAX_TRACES} traces and
 * every write inserts traces that are not stored (no deduplication shortcut). Score: spans per second.
 *
 * <ul>
 *   <li>{@code writeBatchOf200}: cycles through a pool of pre-decoded batches holding more traces than the store
 *       keeps. The pool is hundreds of MB, so every span is a cache miss and its strings' hash codes are cached.
 *   <li>{@code writeFreshBatchOf200}: before each call (not measured) one OTLP request is decoded with fresh IDs, so
 *       the spans are in cache and their strings new, as when a collector worker takes a just-decoded batch.
 * </ul>
 *
 * <p>Because wall-clock throughput on a shared machine depends on what else runs, each iteration also prints the CPU
 * time of the benchmark thread per span spent inside the write (GC threads excluded; see gc.alloc.rate.norm with
 * {@code -prof gc} for that side).
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
  long cpuNanos;


  @Setup(Level.Trial)
  public void setup() throws Exception {
    storage = Fixtures.memoryStore(MAX_TRACES);
    writer = storage.spanWriter();
    batches = Fixtures.batches(POOL, 5);
  }

  @Setup(Level.Iteration)
  public void startIteration() {
    spans = 0;
    cpuNanos = 0;
  }

  @TearDown(Level.Iteration)
  public void endIteration() {
    if (spans > 0) {
      System.out.printf("  [cpu of the benchmark thread: %.0f ns/span]%n", (double) cpuNanos / spans);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    storage.close();
  }

  @Benchmark
  @OperationsPerInvocation(200)
  public void writeBatchOf200() {
    write(batches.get(next++ % POOL));
  }

  @Benchmark
  @OperationsPerInvocation(200)
  public void writeFreshBatchOf200(Fixtures.FreshRequest fresh) {
    write(fresh.batch);
  }

  private void write(List<Span> batch) {
    long cpu = THREADS.getCurrentThreadCpuTime();
    writer.write("", batch).toCompletableFuture().join();
    cpuNanos += THREADS.getCurrentThreadCpuTime() - cpu;
    spans += batch.size();
  }
}
