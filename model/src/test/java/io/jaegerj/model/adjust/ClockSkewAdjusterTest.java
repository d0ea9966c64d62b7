// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model.adjust;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClockSkewAdjusterTest {
  private static final TraceId TID = new TraceId(0, 0x42);
  private static final long T0 = 1_700_000_000_000_000L;

  static Span span(long id, long parent, String ip, long start, long duration) {
    Span.Builder b = Span.builder().traceId(TID).spanId(id).operationName("op" + id)
        .startTimeMicros(start).durationMicros(duration)
        .process(ip == null ? Process.of("svc") : Process.of("svc", KeyValue.string("ip", ip)))
        .addLog(new Log(start + 1, List.of(KeyValue.string("event", "x"))));
    if (parent != 0) {
      b.addReference(SpanRef.childOf(TID, parent));
    }
    return b.build();
  }

  private static Span byId(Trace t, long id) {
    return t.spans().stream().filter(s -> s.spanId() == id).findFirst().orElseThrow();
  }

  @Test
  void adjust_serverStartsBeforeClientOnOtherHost_centresChild() {
    // client on host A: [T0, T0+1000]; server on host B reports start 500µs before the client
    Trace t = Trace.of(List.of(
        span(1, 0, "10.0.0.1", T0, 1000),
        span(2, 1, "10.0.0.2", T0 - 500, 600),
        span(3, 2, "10.0.0.2", T0 - 400, 100)));
    Trace out = new ClockSkewAdjuster(Duration.ofSeconds(1)).adjust(t);

    // latency = (1000 - 600) / 2 = 200µs → child starts at T0 + 200, delta = +700µs
    assertThat(byId(out, 2).startTimeMicros()).isEqualTo(T0 + 200);
    assertThat(byId(out, 2).durationMicros()).isEqualTo(600);
    assertThat(byId(out, 2).logs().get(0).timestampMicros()).isEqualTo(T0 + 201);
    assertThat(byId(out, 2).warnings()).containsExactly("This span's timestamps were adjusted by 700µs");
    // same-host descendant inherits the same delta
    assertThat(byId(out, 3).startTimeMicros()).isEqualTo(T0 + 300);
    assertThat(byId(out, 3).warnings()).containsExactly("This span's timestamps were adjusted by 700µs");
    assertThat(byId(out, 1)).isEqualTo(t.spans().get(0));
  }

  @Test
  void adjust_deltaBeyondMaximum_warnsWithoutShifting() {
    Trace t = Trace.of(List.of(
        span(1, 0, "10.0.0.1", T0, 1000),
        span(2, 1, "10.0.0.2", T0 - 2_500_000, 600)));
    Trace out = new ClockSkewAdjuster(Duration.ofSeconds(1)).adjust(t);

    Span child = byId(out, 2);
    assertThat(child.startTimeMicros()).isEqualTo(T0 - 2_500_000);
    assertThat(child.warnings()).containsExactly(
        "max clock skew adjustment delta of 1s exceeded; not applying calculated delta of 2.5002s");
  }

  @Test
  void adjust_disabled_warnsWithoutShifting() {
    Trace t = Trace.of(List.of(
        span(1, 0, "10.0.0.1", T0, 1000),
        span(2, 1, "10.0.0.2", T0 - 500, 600)));
    Trace out = new ClockSkewAdjuster(Duration.ZERO).adjust(t);

    assertThat(byId(out, 2).startTimeMicros()).isEqualTo(T0 - 500);
    assertThat(byId(out, 2).warnings())
        .containsExactly("clock skew adjustment disabled; not applying calculated delta of 700µs");
  }

  @Test
  void adjust_childLongerThanParent_onlyPreventsEarlyStart() {
    Trace t = Trace.of(List.of(
        span(1, 0, "a", T0, 1000),
        span(2, 1, "b", T0 - 10, 5000),
        span(3, 1, "c", T0 + 10, 5000)));
    Trace out = new ClockSkewAdjuster(Duration.ofMinutes(1)).adjust(t);

    assertThat(byId(out, 2).startTimeMicros()).isEqualTo(T0);
    assertThat(byId(out, 2).warnings()).containsExactly("This span's timestamps were adjusted by 10µs");
    assertThat(byId(out, 3).startTimeMicros()).isEqualTo(T0 + 10);
    assertThat(byId(out, 3).warnings()).isEmpty();
  }

  @Test
  void adjust_childFitsOrSameHost_untouched() {
    Trace t = Trace.of(List.of(
        span(1, 0, "a", T0, 1000),
        span(2, 1, "b", T0 + 100, 500),
        span(3, 1, "a", T0 - 100, 500)));
    Trace out = new ClockSkewAdjuster(Duration.ofMinutes(1)).adjust(t);

    assertThat(out).isSameAs(t);
  }

  @Test
  void adjust_noHostKey_alwaysRecomputes() {
    // no ip tag: every child is compared with its parent even when "both" hosts are unknown
    Trace t = Trace.of(List.of(
        span(1, 0, null, T0, 1000),
        span(2, 1, null, T0 + 900, 200)));
    Trace out = new ClockSkewAdjuster(Duration.ofMinutes(1)).adjust(t);

    assertThat(byId(out, 2).startTimeMicros()).isEqualTo(T0 + 400);
    assertThat(byId(out, 2).warnings()).containsExactly("This span's timestamps were adjusted by -500µs");
  }

  @Test
  void adjust_fractionalMicrosecondLatency_printsNanoseconds() {
    // (1001 - 600) / 2 = 200.5µs in Jaeger's nanosecond arithmetic
    Trace t = Trace.of(List.of(
        span(1, 0, "a", T0, 1001),
        span(2, 1, "b", T0 - 1000, 600)));
    Trace out = new ClockSkewAdjuster(Duration.ofMinutes(1)).adjust(t);

    assertThat(byId(out, 2).warnings()).containsExactly("This span's timestamps were adjusted by 1.2005ms");
    assertThat(byId(out, 2).startTimeMicros()).isEqualTo(T0 + 200);
  }

  @Test
  void adjust_missingParentAndDuplicateIds_warn() {
    Trace t = Trace.of(List.of(
        span(1, 0, "a", T0, 1000),
        span(2, 0xabc, "a", T0, 10),
        span(1, 0, "a", T0, 1000)));
    Trace out = new ClockSkewAdjuster(Duration.ZERO).adjust(t);

    assertThat(out.spans().get(1).warnings())
        .containsExactly("invalid parent span IDs=0000000000000abc; skipping clock skew adjustment");
    assertThat(out.spans().get(2).warnings()).containsExactly("duplicate span IDs; skipping clock skew adjustment");
    assertThat(out.spans().get(0).warnings()).isEmpty();
  }

  @Test
  void hostKey_numericAndBinaryIp() {
    Span intIp = span(1, 0, null, T0, 1).toBuilder()
        .process(Process.of("s", KeyValue.int64("ip", 0x0A000001L))).build();
    Span v6 = span(1, 0, null, T0, 1).toBuilder()
        .process(Process.of("s", KeyValue.binary("ip", new byte[] {
            0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}))).build();
    Span mapped = span(1, 0, null, T0, 1).toBuilder()
        .process(Process.of("s", KeyValue.binary("ip", new byte[] {
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, (byte) 168, 1, 2}))).build();
    Span odd = span(1, 0, null, T0, 1).toBuilder()
        .process(Process.of("s", KeyValue.binary("ip", new byte[] {1, 2}))).build();

    assertThat(ClockSkewAdjuster.hostKey(intIp)).isEqualTo("10.0.0.1");
    assertThat(ClockSkewAdjuster.hostKey(v6)).isEqualTo("2001:db8::1");
    assertThat(ClockSkewAdjuster.hostKey(mapped)).isEqualTo("192.168.1.2");
    assertThat(ClockSkewAdjuster.hostKey(odd)).isEqualTo("?0102"); // Go: net.IP of a bad length prints "?" + hex
  }
}
