// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.spm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PromQlTest {
  static final PromQl DEFAULTS = new PromQl("traces_span_metrics_calls", "traces_span_metrics_duration");

  static MetricsQuery query(List<String> services, boolean byOp, List<String> kinds, double q, long ratePer) {
    return new MetricsQuery(services, byOp, 1_000_000, 3_600_000, 5000, ratePer, kinds, q, "");
  }

  @Test
  void latencies_jaegerQuery() {
    assertThat(DEFAULTS.latencies(query(List.of("frontend"), false, List.of(), 0.95, 600_000))).isEqualTo(
        "histogram_quantile(0.95, sum(rate(traces_span_metrics_duration_bucket{service_name =~ \"frontend\", "
            + "span_kind =~ \"SPAN_KIND_SERVER\"}[10m])) by (service_name,le))");
  }

  @Test
  void latencies_byOperation_severalServicesAndKinds() {
    assertThat(DEFAULTS.latencies(query(List.of("a", "b"), true,
        List.of("SPAN_KIND_SERVER", "SPAN_KIND_CLIENT"), 0.999, 60_000))).isEqualTo(
        "histogram_quantile(1.00, sum(rate(traces_span_metrics_duration_bucket{service_name =~ \"a|b\", "
            + "span_kind =~ \"SPAN_KIND_SERVER|SPAN_KIND_CLIENT\"}[1m])) by (service_name,span_name,le))");
  }

  @Test
  void calls_jaegerQuery() {
    assertThat(DEFAULTS.calls(query(List.of("frontend"), true, List.of(), 0, 600_000))).isEqualTo(
        "sum(rate(traces_span_metrics_calls{service_name =~ \"frontend\", span_kind =~ \"SPAN_KIND_SERVER\"}[10m]))"
            + " by (service_name,span_name)");
  }

  @Test
  void errors_jaegerQuery() {
    assertThat(DEFAULTS.errors(query(List.of("frontend"), false, List.of(), 0, 600_000))).isEqualTo(
        "sum(rate(traces_span_metrics_calls{service_name =~ \"frontend\", status_code = \"STATUS_CODE_ERROR\", "
            + "span_kind =~ \"SPAN_KIND_SERVER\"}[10m])) by (service_name) / "
            + "sum(rate(traces_span_metrics_calls{service_name =~ \"frontend\", span_kind =~ \"SPAN_KIND_SERVER\"}"
            + "[10m])) by (service_name)");
  }

  @Test
  void serviceNames_areQuotedForPromQl() {
    assertThat(DEFAULTS.calls(query(List.of("we\"ird\\"), false, List.of(), 0, 600_000)))
        .contains("service_name =~ \"we\\\"ird\\\\\"");
  }

  @Test
  void tenant_addsItsLabelMatcherToEverySelector() {
    MetricsQuery q = query(List.of("frontend"), false, List.of(), 0.5, 600_000).withTenant("ac\"me");
    String tenant = "span_kind =~ \"SPAN_KIND_SERVER\", tenant = \"ac\\\"me\"}";
    assertThat(DEFAULTS.latencies(q)).contains(tenant);
    assertThat(DEFAULTS.calls(q)).contains(tenant);
    assertThat(DEFAULTS.errors(q).split("tenant = ", -1)).as("both halves of the error ratio").hasSize(3);
    assertThat(DEFAULTS.calls(query(List.of("frontend"), false, List.of(), 0, 600_000))).doesNotContain("tenant");
  }

  @ParameterizedTest
  @CsvSource({"600000,10m", "60000,1m", "90000,1m30s", "1500,1s500ms", "500,500ms", "3600000,1h", "3661001,1h1m1s1ms",
      "30000,30s"})
  void rateWindow_wholeUnits(long millis, String expected) {
    assertThat(PromQl.rateWindow(millis)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"0.95,0.95", "0.999,1.00", "0.5,0.50", "0.125,0.12", "0.375,0.38", "1,1.00"})
  void quantile_goPercentTwoF(double q, String expected) {
    assertThat(PromQl.quantile(q)).isEqualTo(expected);
  }
}
