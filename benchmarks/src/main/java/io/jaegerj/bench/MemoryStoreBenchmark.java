// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.bench;

import io.jaegerj.loadgen.Workload;
import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import io.jaegerj.storage.GetTraceQuery;
import io.jaegerj.storage.SpanReader;
import io.jaegerj.storage.SpanWriter;
import io.jaegerj.storage.StorageFactory;
import io.jaegerj.storage.TraceQuery;
import java.util.List;
import java.util.Optional;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reads from the memory storage as the all-in-one uses it, on a store prefilled with {@code storedSpans} spans of 10
 * attributes each: trace by ID, and search by service and tag with limit 20 (time per query).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g", "-Xms4g"})
public class MemoryStoreBenchmark {
  @Param({"1000000"})
  public int storedSpans;

  StorageFactory storage;
  SpanWriter writer;
  SpanReader reader;
  TraceId[] ids;
  SplittableRandom rnd = new SplittableRandom(7);
  long nowMicros;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    storage = Fixtures.memoryStore(0);
    writer = storage.spanWriter();
    reader = storage.spanReader();
    ids = Fixtures.prefill(writer, storedSpans, 1000);
    int requests = storedSpans / Fixtures.REQUEST.spansPerRequest();
    int n = ids.length;
    nowMicros = Fixtures.BASE_MICROS + requests * 1000L + 10_000_000L;
    System.out.printf("%nprefilled %d spans in %d traces%n", (long) requests * Fixtures.REQUEST.spansPerRequest(), n);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    storage.close();
  }

  @Benchmark
  public Optional<Trace> getTraceById() {
    return reader.getTrace(GetTraceQuery.of(ids[rnd.nextInt(ids.length)]));
  }

  @Benchmark
  public List<Trace> findTracesServiceAndTag() {
    TraceQuery q = TraceQuery.builder(Workload.serviceName(rnd.nextInt(10)))
        .tag(Workload.SEARCH_TAG, Fixtures.REQUEST.customer(rnd.nextInt(100)))
        .startTimeMinMicros(Fixtures.BASE_MICROS - 3_600_000_000L)
        .startTimeMaxMicros(nowMicros)
        .numTraces(20)
        .build();
    return reader.findTraces(q);
  }
}
