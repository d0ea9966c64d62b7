// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.spm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsJsonTest {
  @Test
  void write_protoJsonShape() {
    MetricFamily f = new MetricFamily("service_call_rate", "calls/sec, grouped by service", List.of(
        new MetricFamily.Series(List.of(new MetricFamily.Label("service_name", "a")), List.of(
            new MetricFamily.Point(1_700_000_000_000L, 0.5), new MetricFamily.Point(1_700_000_005_500L, Double.NaN),
            new MetricFamily.Point(1_700_000_010_000L, 2)))));
    assertThat(new String(MetricsJson.write(f), StandardCharsets.UTF_8)).isEqualTo(
        "{\"name\":\"service_call_rate\",\"type\":\"GAUGE\",\"help\":\"calls/sec, grouped by service\","
            + "\"metrics\":[{\"labels\":[{\"name\":\"service_name\",\"value\":\"a\"}],\"metricPoints\":["
            + "{\"gaugeValue\":{\"doubleValue\":0.5},\"timestamp\":\"2023-11-14T22:13:20Z\"},"
            + "{\"gaugeValue\":{\"doubleValue\":\"NaN\"},\"timestamp\":\"2023-11-14T22:13:25.500Z\"},"
            + "{\"gaugeValue\":{\"doubleValue\":2},\"timestamp\":\"2023-11-14T22:13:30Z\"}]}]}");
  }

  @Test
  void write_emptyFamilyOmitsMetrics() {
    assertThat(new String(MetricsJson.write(new MetricFamily("service_error_rate", "h", List.of())),
        StandardCharsets.UTF_8)).isEqualTo("{\"name\":\"service_error_rate\",\"type\":\"GAUGE\",\"help\":\"h\"}");
  }
}
