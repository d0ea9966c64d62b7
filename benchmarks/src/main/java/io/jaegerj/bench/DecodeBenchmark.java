// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.bench;

import io.jaegerj.collector.thrift.JaegerThriftDecoder;
import io.jaegerj.collector.thrift.ThriftProtocol;
import io.jaegerj.collector.zipkin.ZipkinDecoders;
import io.jaegerj.loadgen.Protocol;
import io.jaegerj.model.Span;
import io.jaegerj.model.otlp.OtlpJson;
import io.jaegerj.model.otlp.OtlpToModel;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.time.Clock;
import java.util.List;
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

/**
 * Request body to model spans, as the receivers do it on the event loop. The score is requests per second; the
 * {@code spans} parameter gives spans per request (200 except for Jaeger Thrift, whose batch holds one service).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DecodeBenchmark {
  @Param({"otlp-proto", "otlp-json", "jaeger-thrift", "zipkin-json"})
  public String format;

  byte[] body;
  Clock clock = Clock.systemUTC();

  @Setup(Level.Trial)
  public void setup() {
    switch (format) {
      case "otlp-proto":
        body = Fixtures.body(Protocol.OTLP_HTTP, 11);
        break;
      case "otlp-json":
        body = Fixtures.otlpJsonBody(11);
        break;
      case "jaeger-thrift":
        body = Fixtures.body(Protocol.JAEGER_THRIFT_HTTP, 11);
        break;
      case "zipkin-json":
        body = Fixtures.body(Protocol.ZIPKIN_JSON, 11);
        break;
      default:
        throw new IllegalArgumentException(format);
    }
    System.out.printf("%n%s: %d bytes, %d spans per request%n", format, body.length, decode().size());
  }

  @Benchmark
  public List<Span> decode() {
    try {
      switch (format) {
        case "otlp-proto":
          return OtlpToModel.toModel(ExportTraceServiceRequest.parseFrom(body));
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
