// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.spm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jaegerj.config.Settings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusOptionsTest {
  static PrometheusOptions options(Map<String, String> overrides) {
    return PrometheusOptions.from(Settings.defaults(PrometheusOptions.flags(), overrides));
  }

  @Test
  void defaults_areJaegers() {
    PrometheusOptions o = options(Map.of());
    assertThat(o.serverUrl().toString()).isEqualTo("http://localhost:9090");
    assertThat(o.connectTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(o.tokenFile()).isNull();
    assertThat(o.tokenOverrideFromContext()).isTrue();
    assertThat(o.callsMetric()).isEqualTo("traces_span_metrics_calls");
    assertThat(o.latencyMetric()).isEqualTo("traces_span_metrics_duration");
    assertThat(o.extraQueryParams()).isEmpty();
    assertThat(o.tls()).isEmpty();
  }

  @Test
  void metricNames_followNamespaceUnitAndNormalizeFlags() {
    PrometheusOptions o = options(Map.of("prometheus.query.normalize-calls", "true",
        "prometheus.query.normalize-duration", "true"));
    assertThat(o.callsMetric()).isEqualTo("traces_span_metrics_calls_total");
    assertThat(o.latencyMetric()).isEqualTo("traces_span_metrics_duration_milliseconds");
    o = options(Map.of("prometheus.query.normalize-duration", "true", "prometheus.query.duration-unit", "s",
        "prometheus.query.namespace", ""));
    assertThat(o.callsMetric()).isEqualTo("calls");
    assertThat(o.latencyMetric()).isEqualTo("duration_seconds");
  }

  @Test
  void serverUrl_spacesStrippedSchemeRequired() {
    assertThat(options(Map.of("prometheus.server-url", " http://prom:9090/ ")).serverUrl().toString())
        .isEqualTo("http://prom:9090");
    assertThatThrownBy(() -> options(Map.of("prometheus.server-url", "localhost:9090")))
        .hasMessageStartingWith("--prometheus.server-url: \"localhost:9090\"");
  }

  @Test
  void durationUnit_msOrS() {
    assertThatThrownBy(() -> options(Map.of("prometheus.query.duration-unit", "us")))
        .hasMessage("--prometheus.query.duration-unit: duration-unit must be one of \"ms\" or \"s\", not \"us\"");
  }

  @Test
  void extraQueryParams_pairsInOrder_malformedRefused() {
    assertThat(options(Map.of("prometheus.query.extra-query-params", "b=2,a=1")).extraQueryParams())
        .containsExactly(Map.entry("b", "2"), Map.entry("a", "1"));
    assertThatThrownBy(() -> options(Map.of("prometheus.query.extra-query-params", "a=1,broken")))
        .hasMessageContaining("--prometheus.query.extra-query-params").hasMessageContaining("\"broken\"");
  }

  @Test
  void tlsOptions_needTlsEnabled() {
    assertThatThrownBy(() -> options(Map.of("prometheus.tls.ca", "/x.pem")))
        .hasMessageContaining("prometheus.tls.");
  }
}
