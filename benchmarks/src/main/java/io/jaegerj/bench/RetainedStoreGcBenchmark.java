// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.bench;

import io.jaegerj.model.Span;
import io.jaegerj.storage.SpanWriter;
import io.jaegerj.storage.StorageFactory;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
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
 * Writes into a memory store that is full as in the headline setup: 2 GB heap (default G1, no other flags),
 * {@code memory.max-traces=100000} holding 1M spans of 10-span traces before the first measured write, and every
 * write a freshly decoded request of 200 spans with new trace IDs, so that each write evicts 20 traces.
 *
 * <p>What this is for is the garbage collector's share, which on a busy machine the score does not show: each
 * iteration prints the collections and their pause time per 100k spans written (all collectors, from the
 * GarbageCollectorMXBeans), and {@code -prof gc} adds bytes allocated per span. Young collections are expensive
 * here when what the store retains is made of many young objects that each collection has to copy.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 4)
@Fork(value = 2, jvmArgsAppend = {"-Xmx2g"})
public class RetainedStoreGcBenchmark {
  static final int MAX_TRACES = 100_000;
  static final int STORED_SPANS = 1_000_000;

  StorageFactory storage;
  SpanWriter writer;
  long spans;
  long gcCount;
  long gcMillis;


  @Setup(Level.Trial)
  public void setup() {
    storage = Fixtures.memoryStore(MAX_TRACES);
    writer = storage.spanWriter();
    Fixtures.prefill(writer, STORED_SPANS, 1_000_000L);
  }

  @Setup(Level.Iteration)
  public void startIteration() {
    spans = 0;
    gcCount = collections();
    gcMillis = pauseMillis();
  }

  @TearDown(Level.Iteration)
  public void endIteration() {
    if (spans > 0) {
      System.out.printf("  [GC per 100k spans written: %.2f collections, %.1f ms paused]%n",
          (collections() - gcCount) * 100_000.0 / spans, (pauseMillis() - gcMillis) * 100_000.0 / spans);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    storage.close();
  }

  @Benchmark
  @OperationsPerInvocation(200)
  public void writeFreshBatchOf200(Fixtures.FreshRequest fresh) {
    writer.write("", fresh.batch).toCompletableFuture().join();
    spans += fresh.batch.size();
  }

  private static long collections() {
    long n = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      n += Math.max(0, gc.getCollectionCount());
    }
    return n;
  }

  private static long pauseMillis() {
    long n = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      n += Math.max(0, gc.getCollectionTime());
    }
    return n;
  }
}
