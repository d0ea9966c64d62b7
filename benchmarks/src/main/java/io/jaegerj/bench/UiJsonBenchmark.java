// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.bench;

import com.fasterxml.jackson.core.JsonGenerator;
import io.jaegerj.model.Trace;
import io.jaegerj.model.json.UiJsonWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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

/** Model to the query API's UI JSON for one large trace (time per trace). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class UiJsonBenchmark {
  @Param({"10000"})
  public int spans;

  Trace trace;
  ByteArrayOutputStream out;

  @Setup(Level.Trial)
  public void setup() throws IOException {
    trace = Fixtures.largeTrace(spans, 21);
    out = new ByteArrayOutputStream(16 << 20);
    System.out.printf("%nUI JSON of %d spans: %d bytes%n", spans, encode());
  }

  @Benchmark
  public int encode() throws IOException {
    out.reset();
    try (JsonGenerator g = UiJsonWriter.newGenerator(out, false)) {
      UiJsonWriter.writeTrace(g, trace);
    }
    return out.size();
  }
}
