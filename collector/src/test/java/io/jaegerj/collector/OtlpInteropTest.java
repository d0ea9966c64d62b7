// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
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
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The OpenTelemetry Java SDK's own OTLP exporters against our 4317 and 4318, read back from storage. */
class OtlpInteropTest {
  private TestCollector collector;

  @BeforeEach
  void start() throws Exception {
    collector = new TestCollector(Map.of());
  }

  @AfterEach
  void stop() throws Exception {
    collector.close();
  }

  /** Records what the SDK exported, to compare field by field with what was stored. */
  static final class Recording implements SpanExporter {
    final SpanExporter delegate;
    final List<SpanData> sent = new CopyOnWriteArrayList<>();

    Recording(SpanExporter delegate) {
      this.delegate = delegate;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      sent.addAll(spans);
      return delegate.export(spans);
    }

    @Override
    public CompletableResultCode flush() {
      return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      return delegate.shutdown();
    }
  }

  @Test
  void grpcExporter_spansStoredFieldByField() throws Exception {
    OtlpGrpcSpanExporter exporter = OtlpGrpcSpanExporter.builder()
        .setEndpoint("http://127.0.0.1:" + collector.otlpGrpcPort()).setCompression("gzip").build();
    roundTrip(exporter, "grpc-svc");
  }

  @Test
  void httpExporter_spansStoredFieldByField() throws Exception {
    OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
        .setEndpoint("http://127.0.0.1:" + collector.otlpHttpPort() + "/v1/traces").setCompression("gzip").build();
    roundTrip(exporter, "http-svc");
  }

  private void roundTrip(SpanExporter exporter, String service) throws Exception {
    Recording rec = new Recording(exporter);
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
            AttributeKey.stringKey("service.name"), service, AttributeKey.longKey("replica"), 3L))))
        .addSpanProcessor(SimpleSpanProcessor.create(rec)).build();
    try {
      Tracer tracer = provider.get("io.jaegerj.test", "1.2.3");
      io.opentelemetry.api.trace.Span parent = tracer.spanBuilder("GET /checkout").setSpanKind(SpanKind.SERVER)
          .setAttribute("http.status_code", 500L).setAttribute("retry", true).setAttribute("ratio", 0.5)
          .setAttribute(AttributeKey.stringArrayKey("tags"), List.of("a", "b")).startSpan();
      try (Scope ignored = parent.makeCurrent()) {
        io.opentelemetry.api.trace.Span child = tracer.spanBuilder("SELECT").setSpanKind(SpanKind.CLIENT)
            .startSpan();
        child.addEvent("retrying", Attributes.of(AttributeKey.longKey("attempt"), 2L));
        child.end();
      }
      parent.setStatus(StatusCode.ERROR, "boom");
      parent.end();
      assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    } finally {
      provider.shutdown().join(10, TimeUnit.SECONDS);
    }

    assertThat(rec.sent).hasSize(2);
    TraceId traceId = TraceId.parse(rec.sent.get(0).getTraceId());
    Trace trace = collector.awaitTrace(traceId, 2);
    assertThat(trace.spans()).hasSize(2);
    for (SpanData sent : rec.sent) {
      Span stored = trace.spans().stream().filter(s -> s.spanId() == Long.parseUnsignedLong(sent.getSpanId(), 16))
          .findFirst().orElseThrow();
      assertThat(stored.operationName()).isEqualTo(sent.getName());
      assertThat(stored.startTimeMicros()).isEqualTo(sent.getStartEpochNanos() / 1000);
      assertThat(stored.durationMicros()).isEqualTo((sent.getEndEpochNanos() - sent.getStartEpochNanos()) / 1000);
      assertThat(stored.process().serviceName()).isEqualTo(service);
      assertThat(stored.process().tags()).contains(KeyValue.int64("replica", 3),
          KeyValue.string("telemetry.sdk.language", "java"));
      assertThat(stored.tags()).startsWith(KeyValue.string("otel.scope.name", "io.jaegerj.test"),
          KeyValue.string("otel.scope.version", "1.2.3"));
      assertThat(stored.flags()).isZero();
      if (sent.getParentSpanContext().isValid()) {
        assertThat(stored.references()).containsExactly(
            SpanRef.childOf(traceId, Long.parseUnsignedLong(sent.getParentSpanId(), 16)));
        assertThat(stored.tags()).contains(KeyValue.string("span.kind", "client"));
        assertThat(stored.logs()).containsExactly(new Log(sent.getEvents().get(0).getEpochNanos() / 1000,
            List.of(KeyValue.string("event", "retrying"), KeyValue.int64("attempt", 2))));
      } else {
        assertThat(stored.references()).isEmpty();
        assertThat(stored.tags()).contains(
            KeyValue.int64("http.status_code", 500), KeyValue.bool("retry", true), KeyValue.float64("ratio", 0.5),
            KeyValue.string("tags", "[\"a\",\"b\"]"));
        assertThat(stored.tags()).endsWith(KeyValue.string("span.kind", "server"),
            KeyValue.string("otel.status_code", "ERROR"), KeyValue.bool("error", true),
            KeyValue.string("otel.status_description", "boom"));
      }
    }
    assertThat(collector.scrape()).contains("jaeger_collector_spans_saved_by_svc_total{debug=\"false\",result=\"ok\",svc=\""
        + service + "\"} 2.0");
  }
}
