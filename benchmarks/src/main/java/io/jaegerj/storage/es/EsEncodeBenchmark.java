// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es;

import io.jaegerj.bench.Fixtures;
import io.jaegerj.config.Settings;
import io.jaegerj.model.Span;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the Elasticsearch/OpenSearch writer costs our process per span, without a server: the loadgen's 200-span
 * OTLP requests (10 attributes, 1 event per span) decoded once into model spans, then
 *
 * <ul>
 *   <li>{@code encode}: {@link EsSpanWriter#actions}, the bulk action and Jaeger's span document of every span (the
 *       service documents are in the writer's cache after the first call, as in steady state);
 *   <li>{@code encodeAndGzip}: the same plus gzip of the NDJSON body, which the REST client does for every bulk
 *       request while {@code es.http-compression} is true (Jaeger's default).
 * </ul>
 *
 * <p>Score: microseconds per span (200 operations per call); run with {@code -prof gc} for
 * {@code gc.alloc.rate.norm} (bytes allocated per span). In this package to reach the package-private writer.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xmx1g", "-Xms1g"})
public class EsEncodeBenchmark {
  static final int BATCHES = 64;

  EsSpanWriter writer;
  List<List<Span>> batches;
  int next;

  @Setup
  public void setup() {
    EsConfig config = EsConfig.from(Settings.defaults(EsFlags.all(), Map.of()), "es");
    writer = new EsSpanWriter(config, new IndexNames(config), null, 7);
    batches = Fixtures.batches(BATCHES, 42);
    for (List<Span> b : batches) {
      if (b.size() != 200) {
        throw new IllegalStateException("expected 200 spans per request, got " + b.size());
      }
      writer.actions("", b);
    }
  }

  private List<Span> nextBatch() {
    List<Span> b = batches.get(next);
    next = (next + 1) % BATCHES;
    return b;
  }

  @Benchmark
  @OperationsPerInvocation(200)
  public List<byte[][]> encode() {
    return writer.actions("", nextBatch());
  }

  @Benchmark
  @OperationsPerInvocation(200)
  public int encodeAndGzip() throws IOException {
    List<byte[][]> actions = writer.actions("", nextBatch());
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    try (GZIPOutputStream gz = new GZIPOutputStream(out, 8192)) {
      for (byte[][] a : actions) {
        gz.write(a[0]);
        gz.write('\n');
        gz.write(a[1]);
        gz.write('\n');
      }
    }
    return out.size();
  }
}
