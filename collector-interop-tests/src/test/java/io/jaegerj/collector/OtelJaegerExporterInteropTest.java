// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.jaeger.JaegerGrpcSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** OpenTelemetry's Jaeger gRPC exporter (1.34.1, the last release) posting api_v2 batches to port 14250. */
class OtelJaegerExporterInteropTest {
  private TestCollector collector;

  @BeforeEach
  void start() throws Exception {
    collector = new TestCollector(Map.of());
  }

  @AfterEach
  void stop() throws Exception {
    collector.close();
  }

  @Test
  @SuppressWarnings("deprecation")
  void jaegerGrpcExporter_spansStoredFieldByField() throws Exception {
    JaegerGrpcSpanExporter exporter = JaegerGrpcSpanExporter.builder()
        .setEndpoint("http://127.0.0.1:" + collector.jaegerGrpcPort()).build();
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "otel-jaeger",
            AttributeKey.stringKey("region"), "eu")))
        .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
    io.opentelemetry.api.trace.Span parent;
    io.opentelemetry.api.trace.Span child;
    try {
      Tracer tracer = provider.get("lib", "0.1");
      parent = tracer.spanBuilder("parent").setSpanKind(SpanKind.SERVER).setAttribute("n", 5L).startSpan();
      try (Scope ignored = parent.makeCurrent()) {
        child = tracer.spanBuilder("child").startSpan();
        child.addEvent("hit", Attributes.of(AttributeKey.booleanKey("cached"), true));
        child.setStatus(StatusCode.ERROR, "nope");
        child.end();
      }
      parent.end();
      assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    } finally {
      provider.shutdown().join(10, TimeUnit.SECONDS);
    }

    TraceId id = TraceId.parse(parent.getSpanContext().getTraceId());
    Trace t = collector.awaitTrace(id, 2);
    Span p = byId(t, parent.getSpanContext().getSpanId());
    Span c = byId(t, child.getSpanContext().getSpanId());
    assertThat(p.operationName()).isEqualTo("parent");
    assertThat(p.references()).isEmpty();
    assertThat(p.process().serviceName()).isEqualTo("otel-jaeger");
    assertThat(p.process().tags()).contains(KeyValue.string("region", "eu"));
    assertThat(p.tags()).contains(KeyValue.int64("n", 5), KeyValue.string("span.kind", "server"),
        KeyValue.string("otel.library.name", "lib"), KeyValue.string("otel.library.version", "0.1"));
    assertThat(c.references()).containsExactly(SpanRef.childOf(id, Long.parseUnsignedLong(
        parent.getSpanContext().getSpanId(), 16)));
    assertThat(c.tags()).contains(KeyValue.string("otel.status_code", "ERROR"), KeyValue.bool("error", true),
        KeyValue.string("otel.status_description", "nope"));
    assertThat(c.logs()).hasSize(1);
    assertThat(c.logs().get(0).fields()).contains(KeyValue.bool("cached", true));
    assertThat(collector.scrape()).contains("format=\"proto\",svc=\"otel-jaeger\",transport=\"grpc\"} 2.0");
  }

  private static Span byId(Trace t, String hex) {
    long id = Long.parseUnsignedLong(hex, 16);
    return t.spans().stream().filter(s -> s.spanId() == id).findFirst().orElseThrow();
  }
}
