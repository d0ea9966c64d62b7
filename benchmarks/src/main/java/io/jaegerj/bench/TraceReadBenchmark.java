// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.bench;

import com.fasterxml.jackson.core.JsonGenerator;
import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import io.jaegerj.model.adjust.Adjusters;
import io.jaegerj.model.json.UiJsonWriter;
import io.jaegerj.storage.GetTraceQuery;
import io.jaegerj.storage.SpanReader;
import io.jaegerj.storage.SpanWriter;
import io.jaegerj.storage.StorageFactory;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.time.Duration;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The trace-by-ID path of {@code GET /api/traces/{id}} in steps, on a memory store prefilled with {@code storedSpans}
 * spans (10-span traces of 10 attributes, as the load generator sends): the store's read alone, the read plus the
 * standard adjusters, and the read, adjusters and UI JSON into a Netty buffer as the query handler writes it. Run
 * with {@code -prof gc}: {@code gc.alloc.rate.norm} is the bytes allocated per trace read, which does not depend on
 * the machine's load.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xmx2g", "-Xms2g"})
public class TraceReadBenchmark {
  @Param({"1000000"})
  public int storedSpans;

  StorageFactory storage;
  SpanWriter writer;
  SpanReader reader;
  Adjusters adjusters = Adjusters.standard(Duration.ZERO);
  TraceId[] ids;
  SplittableRandom rnd = new SplittableRandom(11);
  int jsonBytes;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    storage = Fixtures.memoryStore(0);
    writer = storage.spanWriter();
    reader = storage.spanReader();
    ids = Fixtures.prefill(writer, storedSpans, 2000);
    int requests = storedSpans / Fixtures.REQUEST.spansPerRequest();
    int n = ids.length;
    int bytes = 0;
    for (int i = 0; i < 100; i++) {
      bytes += encoded();
    }
    jsonBytes = bytes / 100;
    System.out.printf("%nprefilled %d spans in %d traces; %d JSON bytes per trace%n",
        (long) requests * Fixtures.REQUEST.spansPerRequest(), n, jsonBytes);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    storage.close();
  }

  private Trace read() {
    return reader.getTrace(GetTraceQuery.of(ids[rnd.nextInt(ids.length)])).orElseThrow();
  }

  /** The memory store's {@code getTrace}: index lookup and decoding of the stored spans. */
  @Benchmark
  public Trace storeRead() {
    return read();
  }

  /** The read and the standard adjuster pipeline ({@code raw=false}, the UI's request). */
  @Benchmark
  public Trace readAdjusted() {
    return adjusters.adjust(read());
  }

  /**
   * The read, the adjusters and the UI JSON ({@code {"data":[trace],...}}) into the body buffer as the query handler
   * allocates it: a pooled I/O buffer of Netty's default allocator.
   */
  @Benchmark
  public int encoded() throws IOException {
    return encode(ByteBufAllocator.DEFAULT.ioBuffer(4096));
  }

  /** As {@link #encoded} into an unpooled heap buffer grown from 256 bytes (the handler before session 6). */
  @Benchmark
  public int encodedUnpooledHeap() throws IOException {
    return encode(Unpooled.buffer(256));
  }

  private int encode(ByteBuf buf) throws IOException {
    Trace t = adjusters.adjust(read());
    try (JsonGenerator g = UiJsonWriter.newGenerator(new ByteBufOutputStream(buf), false)) {
      g.writeStartObject();
      g.writeFieldName("data");
      UiJsonWriter.writeTraces(g, List.of(t));
      g.writeNumberField("total", 0);
      g.writeNumberField("limit", 0);
      g.writeNumberField("offset", 0);
      g.writeNullField("errors");
      g.writeEndObject();
      g.flush();
      return buf.readableBytes();
    } finally {
      buf.release();
    }
  }
}
