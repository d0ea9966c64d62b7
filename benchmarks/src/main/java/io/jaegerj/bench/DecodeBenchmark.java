// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.bench;

import io.jaegerj.collector.otlp.OtlpProtoDecoder;
import io.jaegerj.collector.thrift.JaegerThriftDecoder;
import io.jaegerj.collector.thrift.ThriftProtocol;
import io.jaegerj.collector.zipkin.ZipkinDecoders;
import io.jaegerj.loadgen.Protocol;
import io.jaegerj.model.Span;
import io.jaegerj.model.otlp.OtlpJson;
import io.jaegerj.model.otlp.OtlpToModel;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.time.Clock;
import java.util.ArrayList;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Request body to model spans, as the receivers do it on the event loop. Every invocation decodes one request unit
 * of 200 spans (for Jaeger Thrift: the about ten per-service batches of the unit); the score is spans per second on
 * one thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DecodeBenchmark {
  @Param({"otlp-proto", "otlp-proto-direct", "otlp-json", "jaeger-thrift", "zipkin-json"})
  public String format;

  byte[][] bodies;
  Clock clock = Clock.systemUTC();

  @Setup(Level.Trial)
  public void setup() {
    switch (format) {
      case "otlp-proto":
      case "otlp-proto-direct":
        bodies = Fixtures.bodies(Protocol.OTLP_HTTP, 11);
        break;
      case "otlp-json":
        bodies = new byte[][] {Fixtures.otlpJsonBody(11)};
        break;
      case "jaeger-thrift":
        bodies = Fixtures.bodies(Protocol.JAEGER_THRIFT_HTTP, 11);
        break;
      case "zipkin-json":
        bodies = Fixtures.bodies(Protocol.ZIPKIN_JSON, 11);
        break;
      default:
        throw new IllegalArgumentException(format);
    }
    int bytes = 0;
    for (byte[] b : bodies) {
      bytes += b.length;
    }
    System.out.printf("%n%s: %d bytes in %d bodies, %d spans%n", format, bytes, bodies.length, decode().size());
  }

  @Benchmark
  @OperationsPerInvocation(200)
  public List<Span> decode() {
    if (bodies.length == 1) {
      return decode(bodies[0]);
    }
    List<Span> all = new ArrayList<>(200);
    for (byte[] b : bodies) {
      all.addAll(decode(b));
    }
    return all;
  }

  private List<Span> decode(byte[] body) {
    try {
      switch (format) {
        case "otlp-proto":
          return OtlpToModel.toModel(ExportTraceServiceRequest.parseFrom(body));
        case "otlp-proto-direct":
          return OtlpProtoDecoder.decode(body);
        case "otlp-json":
          return OtlpJson.decode(body);
        case "jaeger-thrift":
          return JaegerThriftDecoder.decodeBatch(body, ThriftProtocol.BINARY);
        default:
          return ZipkinDecoders.decode(ZipkinDecoders.Format.JSON_V2, body, 0, body.length, clock);
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
