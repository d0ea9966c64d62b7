// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.spm;

import static io.jaegerj.spm.SpanMetricsTest.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.jaegerj.model.KeyValue;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class InProcessReaderTest {
  static final class MutableClock extends Clock {
    long millis;

    MutableClock(long millis) {
      this.millis = millis;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }
  }

  static MetricsQuery q(List<String> services, boolean byOp, long end, double quantile) {
    return new MetricsQuery(services, byOp, end, 60_000, 10_000, 60_000, List.of(), quantile, "");
  }

  @Test
  void rates_errorRatesAndQuantiles_fromSnapshots() {
    MutableClock clock = new MutableClock(1_000_000);
    SpanMetrics m = new SpanMetrics(10, 10);
    InProcessReader r = new InProcessReader(m, clock, 10_000, 3_600_000, false);
    // 0..60 s: 60 server calls of "a" (6 errors) each 30 ms, 12 client calls (not in the default kind filter)
    for (int sec = 0; sec < 60; sec++) {
      clock.millis = 1_000_000 + sec * 1000L;
      if (sec % 10 == 0) {
        r.tick();
      }
      m.record(sec % 10 == 0 ? span("a", "op", "server", 30_000, KeyValue.bool("error", true))
          : span("a", sec % 2 == 0 ? "op" : "op2", "server", 30_000));
      if (sec % 5 == 0) {
        m.record(span("a", "op", "client", 1000));
      }
    }
    clock.millis = 1_060_000;
    r.tick();

    MetricFamily calls = r.callRates(q(List.of("a"), false, 1_060_000, 0));
    assertThat(calls.name()).isEqualTo("service_call_rate");
    assertThat(calls.metrics()).hasSize(1);
    List<MetricFamily.Point> points = calls.metrics().get(0).points();
    assertThat(points.get(points.size() - 1).timestampMillis()).isEqualTo(1_060_000);
    assertThat(points.get(points.size() - 1).value()).isCloseTo(1.0, within(1e-9));
    assertThat(points.get(0).value()).isZero(); // at t = start of the process nothing was counted yet

    MetricFamily errors = r.errorRates(q(List.of("a"), false, 1_060_000, 0));
    List<MetricFamily.Point> ep = errors.metrics().get(0).points();
    assertThat(ep.get(ep.size() - 1).value()).isCloseTo(0.1, within(1e-9));

    MetricFamily p95 = r.latencies(q(List.of("a"), false, 1_060_000, 0.95));
    assertThat(p95.help()).isEqualTo("0.95th quantile latency, grouped by service");
    double v = p95.metrics().get(0).points().get(p95.metrics().get(0).points().size() - 1).value();
    assertThat(v).isBetween(10.0, 50.0); // every span is 30 ms: the (10, 50] bucket, interpolated

    MetricFamily byOp = r.callRates(q(List.of("a"), true, 1_060_000, 0));
    assertThat(byOp.name()).isEqualTo("service_operation_call_rate");
    assertThat(byOp.metrics()).extracting(s -> s.label("operation")).containsExactly("op", "op2");
    assertThat(r.callRates(q(List.of("nobody"), false, 1_060_000, 0)).metrics()).isEmpty();
  }

  @Test
  void quantile_promQlInterpolation() {
    InProcessReader.Increase inc = new InProcessReader.Increase();
    // 10 observations in (0, 2], 10 in (2, 4]
    long[] c = inc.cumulativeBuckets;
    c[0] = 10;
    for (int i = 1; i < c.length; i++) {
      c[i] = 20;
    }
    assertThat(InProcessReader.quantile(0.5, inc)).isCloseTo(2.0, within(1e-9));
    assertThat(InProcessReader.quantile(0.75, inc)).isCloseTo(3.0, within(1e-9));
    assertThat(InProcessReader.quantile(0.25, inc)).isCloseTo(1.0, within(1e-9));
    assertThat(InProcessReader.quantile(0.5, new InProcessReader.Increase())).isNaN();
  }

  @Test
  void tenants_eachReadsOnlyItsOwnSeries() {
    MutableClock clock = new MutableClock(1_000_000);
    SpanMetrics m = new SpanMetrics(10, 10);
    InProcessReader r = new InProcessReader(m, clock, 10_000, 3_600_000, false);
    r.tick();
    for (int i = 0; i < 60; i++) {
      m.record("acme", span("checkout", "pay", "server", 1_000));
    }
    for (int i = 0; i < 120; i++) {
      m.record("globex", span("checkout", "pay", "server", 1_000));
    }
    clock.millis = 1_060_000;
    r.tick();
    MetricsQuery base = q(List.of("checkout"), false, 1_060_000, 0);
    List<MetricFamily.Point> acme = r.callRates(base.withTenant("acme")).metrics().get(0).points();
    assertThat(acme.get(acme.size() - 1).value()).isCloseTo(1.0, within(1e-9));
    List<MetricFamily.Point> globex = r.callRates(base.withTenant("globex")).metrics().get(0).points();
    assertThat(globex.get(globex.size() - 1).value()).isCloseTo(2.0, within(1e-9));
    assertThat(r.callRates(base).metrics()).as("the default tenant has no checkout series").isEmpty();
    assertThat(r.callRates(base.withTenant("initech")).metrics()).isEmpty();
  }
}
