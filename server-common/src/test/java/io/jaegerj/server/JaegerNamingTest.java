// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class JaegerNamingTest {
  @Test
  void jaegerTimers_keepJaegerNamesAndDefaultBuckets() {
    PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    r.config().namingConvention(new JaegerNaming());
    r.config().meterFilter(JaegerNaming.defaultBuckets());
    Timer.builder("jaeger_collector_save_latency").tag("host", "h").register(r).record(Duration.ofMillis(30));
    Counter.builder("jaeger_collector_spans_received").tag("svc", "a").register(r).increment(2);
    Timer.builder("http.server.requests").register(r).record(Duration.ofMillis(1));
    String text = r.scrape();
    assertThat(text)
        .contains("# TYPE jaeger_collector_save_latency histogram")
        .contains("jaeger_collector_save_latency_bucket{host=\"h\",le=\"0.025\"} 0")
        .contains("jaeger_collector_save_latency_bucket{host=\"h\",le=\"0.05\"} 1")
        .contains("jaeger_collector_save_latency_bucket{host=\"h\",le=\"10.0\"} 1")
        .contains("jaeger_collector_save_latency_count{host=\"h\"} 1")
        .contains("jaeger_collector_spans_received_total{svc=\"a\"} 2.0")
        .contains("http_server_requests_seconds_count");
    r.close();
  }
}
