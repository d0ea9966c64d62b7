// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model.adjust;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Process;
import io.jaegerj.model.RefType;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdjustersTest {
  private static final TraceId TID = new TraceId(1, 2);
  private static final long T0 = 1_700_000_000_000_000L;

  private static Span.Builder span(long id) {
    return Span.builder().traceId(TID).spanId(id).operationName("op").startTimeMicros(T0).durationMicros(10)
        .process(Process.of("svc"));
  }

  @Test
  void zipkinUniquifier_serverSharingIdWithClient_getsNewIdAndChildrenFollow() {
    Trace t = Trace.of(List.of(
        span(1).addTag(KeyValue.string("span.kind", "client")).build(),
        span(1).addTag(KeyValue.string("span.kind", "server")).build(),
        span(3).addReference(SpanRef.childOf(TID, 1)).build()));
    Trace out = new ZipkinSpanIdUniquifier().adjust(t);

    assertThat(out.spans().get(0).spanId()).isEqualTo(1);
    Span server = out.spans().get(1);
    assertThat(server.spanId()).isEqualTo(2);
    assertThat(server.references()).containsExactly(SpanRef.childOf(TID, 1));
    assertThat(out.spans().get(2).references()).containsExactly(SpanRef.childOf(TID, 2));
  }

  @Test
  void zipkinUniquifier_serverWithParent_parentReplacedBySharedId() {
    Trace t = Trace.of(List.of(
        span(7).build(),
        span(5).addReference(SpanRef.childOf(TID, 7)).addTag(KeyValue.string("span.kind", "client")).build(),
        span(5).addReference(SpanRef.childOf(TID, 7)).addTag(KeyValue.string("span.kind", "server")).build()));
    Trace out = new ZipkinSpanIdUniquifier().adjust(t);

    assertThat(out.spans().get(2).spanId()).isEqualTo(1);
    assertThat(out.spans().get(2).references()).containsExactly(SpanRef.childOf(TID, 5));
    assertThat(out.spans().get(1).references()).containsExactly(SpanRef.childOf(TID, 7));
  }

  @Test
  void zipkinUniquifier_noSharedIds_returnsSameTrace() {
    Trace t = Trace.of(List.of(span(1).addTag(KeyValue.string("span.kind", "server")).build()));
    assertThat(new ZipkinSpanIdUniquifier().adjust(t)).isSameAs(t);
  }

  @Test
  void sort_tagsProcessTagsAndLogFields() {
    Span s = span(1)
        .tags(List.of(KeyValue.int64("b", 2), KeyValue.string("b", "x"), KeyValue.bool("a", true),
            KeyValue.int64("b", 1)))
        .process(Process.of("svc", KeyValue.string("z", "1"), KeyValue.string("hostname", "h")))
        .addLog(new Log(T0, List.of(KeyValue.string("z", "1"), KeyValue.string("a", "2"),
            KeyValue.string("event", "boom"), KeyValue.string("b", "3"))))
        .addLog(new Log(T0, List.of(KeyValue.string("z", "1"), KeyValue.int64("event", 1))))
        .build();
    Span out = new SortTagsAndLogFields().adjust(Trace.of(List.of(s))).spans().get(0);

    assertThat(out.tags()).containsExactly(KeyValue.bool("a", true), KeyValue.string("b", "x"),
        KeyValue.int64("b", 1), KeyValue.int64("b", 2));
    assertThat(out.process().tags()).extracting(KeyValue::key).containsExactly("hostname", "z");
    // event swapped with index 0, the rest sorted from index 1
    assertThat(out.logs().get(0).fields()).extracting(KeyValue::key).containsExactly("event", "a", "b", "z");
    // a non-string "event" is not special
    assertThat(out.logs().get(1).fields()).extracting(KeyValue::key).containsExactly("event", "z");
  }

  @Test
  void dedupe_identicalSpans_keepsFirstInOrder() {
    Span a = span(1).build();
    Span b = span(2).build();
    Trace out = new DedupeSpans().adjust(Trace.of(List.of(a, b, a, span(1).operationName("other").build())));
    assertThat(out.spans()).extracting(Span::spanId).containsExactly(1L, 2L, 1L);
  }

  @Test
  void ipTag_numericValues_becomeDottedStrings() {
    Span s = span(1)
        .tags(List.of(KeyValue.int64("peer.ipv4", 0xC0A80102L), KeyValue.int64("port", 80),
            KeyValue.float64("ip", 167772161.0)))
        .process(Process.of("svc", KeyValue.string("a", "x"), KeyValue.int64("ip", 0x7F000001L)))
        .build();
    Span out = new IpTagAdjuster().adjust(Trace.of(List.of(s))).spans().get(0);

    assertThat(out.tags()).containsExactly(KeyValue.string("peer.ipv4", "192.168.1.2"), KeyValue.int64("port", 80),
        KeyValue.string("ip", "10.0.0.1"));
    assertThat(out.process().tags()).containsExactly(KeyValue.string("a", "x"), KeyValue.string("ip", "127.0.0.1"));
  }

  @Test
  void otelLibraryTags_moveToProcessSorted() {
    Span s = span(1)
        .tags(List.of(KeyValue.string("telemetry.sdk.name", "opentelemetry"), KeyValue.string("http.method", "GET"),
            KeyValue.string("telemetry.sdk.language", "java")))
        .process(Process.of("svc", KeyValue.string("zone", "z1"), KeyValue.string("host", "h")))
        .build();
    Span out = new OtelLibraryTagAdjuster().adjust(Trace.of(List.of(s))).spans().get(0);

    assertThat(out.tags()).containsExactly(KeyValue.string("http.method", "GET"));
    assertThat(out.process().tags()).extracting(KeyValue::key)
        .containsExactly("host", "telemetry.sdk.language", "telemetry.sdk.name", "zone");
  }

  @Test
  void spanReferences_zeroTraceId_removedWithWarning() {
    Span s = span(1)
        .addReference(new SpanRef(RefType.CHILD_OF, TraceId.ZERO, 0x10))
        .addReference(SpanRef.followsFrom(TID, 3))
        .build();
    Span out = new SpanReferencesAdjuster().adjust(Trace.of(List.of(s))).spans().get(0);

    assertThat(out.references()).containsExactly(SpanRef.followsFrom(TID, 3));
    assertThat(out.warnings()).singleElement().asString()
        .startsWith("Invalid span reference removed {TraceID:0000000000000000 SpanID:0000000000000010");
  }

  @Test
  void parentReference_firstSameTraceChildOf_swappedToFront() {
    TraceId other = new TraceId(0, 99);
    Span s = span(1)
        .addReference(SpanRef.childOf(other, 5))
        .addReference(SpanRef.followsFrom(TID, 6))
        .addReference(SpanRef.followsFrom(TID, 7))
        .addReference(SpanRef.childOf(TID, 8))
        .build();
    Span out = new ParentReferenceAdjuster().adjust(Trace.of(List.of(s))).spans().get(0);
    assertThat(out.references()).containsExactly(SpanRef.childOf(TID, 8), SpanRef.followsFrom(TID, 6),
        SpanRef.followsFrom(TID, 7), SpanRef.childOf(other, 5));

    Span onlyFollows = span(2).addReference(SpanRef.childOf(other, 5)).addReference(SpanRef.followsFrom(TID, 6))
        .build();
    assertThat(new ParentReferenceAdjuster().adjust(Trace.of(List.of(onlyFollows))).spans().get(0).references())
        .containsExactly(SpanRef.followsFrom(TID, 6), SpanRef.childOf(other, 5));
  }

  @Test
  void standard_runsAllStepsInOrder() {
    // duplicate (identical) server span, numeric ip, a skewed child and a zero-trace reference
    Span root = span(1).durationMicros(1000).process(Process.of("front", KeyValue.int64("ip", 0x0A000001L)))
        .build();
    Span child = span(2).startTimeMicros(T0 - 100).durationMicros(200)
        .addReference(new SpanRef(RefType.CHILD_OF, TraceId.ZERO, 1))
        .addReference(SpanRef.childOf(TID, 1))
        .process(Process.of("back", KeyValue.string("ip", "10.0.0.2")))
        .build();
    Trace out = Adjusters.standard(Duration.ofSeconds(1)).adjust(Trace.of(List.of(root, child, child)));

    assertThat(out.spans()).hasSize(2);
    assertThat(out.spans().get(0).process().tags()).containsExactly(KeyValue.string("ip", "10.0.0.1"));
    Span c = out.spans().get(1);
    assertThat(c.startTimeMicros()).isEqualTo(T0 + 400);
    assertThat(c.references()).containsExactly(SpanRef.childOf(TID, 1));
    assertThat(c.warnings()).hasSize(2);
    assertThat(c.warnings().get(0)).isEqualTo("This span's timestamps were adjusted by 500µs");
    assertThat(c.warnings().get(1)).startsWith("Invalid span reference removed ");
  }

  @Test
  void otlpVariants_libraryConflictsLinksAndMissingParent() {
    Span s = span(1)
        .tags(List.of(KeyValue.string("telemetry.sdk.language", "go"), KeyValue.string("telemetry.sdk.name", "otel"),
            KeyValue.string("telemetry.sdk.version", "1.0")))
        .process(Process.of("svc", KeyValue.string("telemetry.sdk.language", "java"),
            KeyValue.string("telemetry.sdk.name", "otel")))
        .addReference(new SpanRef(RefType.FOLLOWS_FROM, TraceId.ZERO, 9))
        .addReference(SpanRef.childOf(TID, 0x77))
        .build();
    Span out = Adjusters.otlp(Duration.ZERO).adjust(Trace.of(List.of(s))).spans().get(0);

    assertThat(out.tags()).containsExactly(KeyValue.string("telemetry.sdk.language", "go"));
    assertThat(out.process().tags()).extracting(KeyValue::key)
        .containsExactly("telemetry.sdk.language", "telemetry.sdk.name", "telemetry.sdk.version");
    assertThat(out.references()).containsExactly(SpanRef.childOf(TID, 0x77));
    assertThat(out.warnings()).containsExactly(
        "parent span ID=0000000000000077 is not in the trace; skipping clock skew adjustment",
        "conflicting values between Span and Resource for attribute telemetry.sdk.language",
        "Invalid span link removed");
  }

  @Test
  void otlpClockSkew_hostKeyFromHostAttributes() {
    Span root = span(1).durationMicros(1000).process(Process.of("a", KeyValue.string("host.name", "h1"))).build();
    Span sameHost = span(2).startTimeMicros(T0 - 100).durationMicros(10).addReference(SpanRef.childOf(TID, 1))
        .process(Process.of("b", KeyValue.string("host.name", "h1"))).build();
    Span otherHost = span(3).startTimeMicros(T0 - 100).durationMicros(10).addReference(SpanRef.childOf(TID, 1))
        .process(Process.of("c", KeyValue.string("host.id", "h2"), KeyValue.string("host.name", "h1"))).build();
    Trace out = ClockSkewAdjuster.forOtlp(Duration.ofSeconds(1)).adjust(Trace.of(List.of(root, sameHost, otherHost)));

    assertThat(out.spans().get(1).warnings()).isEmpty();
    assertThat(out.spans().get(2).warnings()).containsExactly("This span's timestamps were adjusted by 595µs");
  }
}
