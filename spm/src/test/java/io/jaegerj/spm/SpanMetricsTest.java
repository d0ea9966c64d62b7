// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.spm;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.TraceId;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SpanMetricsTest {
  static Span span(String service, String op, String kind, long durationMicros, KeyValue... tags) {
    Span.Builder b = Span.builder().traceId(new TraceId(1, 2)).spanId(3).operationName(op)
        .process(Process.of(service)).startTimeMicros(1).durationMicros(durationMicros);
    if (kind != null) {
      b.addTag(KeyValue.string("span.kind", kind));
    }
    for (KeyValue kv : tags) {
      b.addTag(kv);
    }
    return b.build();
  }

  @Test
  void scrape_spanmetricsConnectorNamesAndLabels() {
    SpanMetrics m = new SpanMetrics(10, 10);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.getPrometheusRegistry().register(m);
    m.record(span("frontend", "GET /", "server", 3_000));
    m.record(span("frontend", "GET /", "server", 30_000));
    m.record(span("frontend", "GET /", "server", 70_000, KeyValue.bool("error", true)));
    m.record(span("frontend", "query", "client", 1_000, KeyValue.string("otel.status_code", "OK")));
    m.record(span("frontend", "work", null, 1_000));
    String text = registry.scrape();
    String server = "service_name=\"frontend\",span_kind=\"SPAN_KIND_SERVER\",span_name=\"GET /\"";
    String unset = server + ",status_code=\"STATUS_CODE_UNSET\"";
    assertThat(text)
        .contains("traces_span_metrics_calls_total{" + unset + "} 2.0")
        .contains("traces_span_metrics_calls_total{" + server + ",status_code=\"STATUS_CODE_ERROR\"} 1.0")
        .contains("traces_span_metrics_calls_total{service_name=\"frontend\",span_kind=\"SPAN_KIND_CLIENT\","
            + "span_name=\"query\",status_code=\"STATUS_CODE_OK\"} 1.0")
        .contains("span_kind=\"SPAN_KIND_UNSPECIFIED\",span_name=\"work\"")
        .contains("traces_span_metrics_duration_milliseconds_bucket{" + unset + ",le=\"2.0\"} 0\n")
        .contains("traces_span_metrics_duration_milliseconds_bucket{" + unset + ",le=\"4.0\"} 1\n")
        .contains("traces_span_metrics_duration_milliseconds_bucket{" + unset + ",le=\"50.0\"} 2\n")
        .contains("traces_span_metrics_duration_milliseconds_bucket{" + server
            + ",status_code=\"STATUS_CODE_ERROR\",le=\"50.0\"} 0\n")
        .contains("traces_span_metrics_duration_milliseconds_bucket{" + server
            + ",status_code=\"STATUS_CODE_ERROR\",le=\"+Inf\"} 1\n")
        .contains("traces_span_metrics_duration_milliseconds_count{" + unset + "} 2\n")
        .contains("traces_span_metrics_duration_milliseconds_sum{" + unset + "} 33.0\n");
  }

  @Test
  void status_fromErrorTagOrOtelStatus() {
    assertThat(SpanMetrics.status(span("s", "o", "server", 1))).isZero();
    assertThat(SpanMetrics.status(span("s", "o", "server", 1, KeyValue.string("error", "true")))).isEqualTo(2);
    assertThat(SpanMetrics.status(span("s", "o", "server", 1, KeyValue.bool("error", false)))).isZero();
    assertThat(SpanMetrics.status(span("s", "o", "server", 1, KeyValue.string("otel.status_code", "ERROR"))))
        .isEqualTo(2);
  }

  @Test
  void record_capsOperationsAndServices() {
    SpanMetrics m = new SpanMetrics(2, 3);
    for (int i = 0; i < 100; i++) {
      m.record(span("svc", "op-" + i, "server", 1000));
      m.record(span("svc-" + i, "op", "server", 1000));
    }
    Set<String> series = new TreeSet<>();
    long[] calls = {0};
    m.forEach(s -> {
      series.add(s.service + "/" + s.operation);
      calls[0] += s.snapshot()[0];
    });
    assertThat(calls[0]).isEqualTo(200);
    // "svc" and "svc-0" fill the two service slots; svc keeps 3 operations plus the overflow operation.
    assertThat(series).contains("svc/op-0", "svc/op-1", "svc/op-2", "svc/" + SpanMetrics.OVERFLOW,
        SpanMetrics.OVERFLOW + "/op");
    assertThat(series).hasSizeLessThanOrEqualTo(2 * 4 + 4);
  }

  @Test
  void tenants_separateSeries_defaultTenantUnlabelled() {
    SpanMetrics m = new SpanMetrics(10, 10);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.getPrometheusRegistry().register(m);
    m.record(span("shared-name", "op", "server", 1_000));
    m.record("acme", span("shared-name", "op", "server", 1_000));
    m.record("acme", span("shared-name", "op", "server", 1_000));
    m.record("globex", span("shared-name", "op", "server", 1_000));
    String text = registry.scrape();
    String labels = "service_name=\"shared-name\",span_kind=\"SPAN_KIND_SERVER\",span_name=\"op\","
        + "status_code=\"STATUS_CODE_UNSET\"";
    assertThat(text)
        .contains("traces_span_metrics_calls_total{" + labels + "} 1.0")
        .contains("traces_span_metrics_calls_total{" + labels + ",tenant=\"acme\"} 2.0")
        .contains("traces_span_metrics_calls_total{" + labels + ",tenant=\"globex\"} 1.0");
  }
}
