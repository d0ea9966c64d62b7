// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.bench;

import io.jaegerj.model.Trace;
import io.jaegerj.model.adjust.Adjusters;
import java.time.Duration;
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

/** The query service's standard adjuster pipeline on one large trace (time per trace). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AdjusterBenchmark {
  @Param({"10000"})
  public int spans;

  Trace trace;
  Adjusters adjusters;

  @Setup(Level.Trial)
  public void setup() {
    trace = Fixtures.largeTrace(spans, 31);
    // Jaeger's default --query.max-clock-skew-adjustment is 0s: skew is detected (warnings) but spans are not moved.
    adjusters = Adjusters.standard(Duration.ZERO);
  }

  @Benchmark
  public Trace adjustStandard() {
    return adjusters.adjust(trace);
  }

  @Benchmark
  public Trace adjustWithSkewShift() {
    return Adjusters.standard(Duration.ofSeconds(1)).adjust(trace);
  }
}
