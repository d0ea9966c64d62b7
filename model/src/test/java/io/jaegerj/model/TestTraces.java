// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Rich fixtures shared by the codec tests: every tag type, boundary numbers, odd text, both ID widths. */
public final class TestTraces {
  public static final TraceId ID128 = new TraceId(0x5af7183fb1d4cf5fL, 0x8000000000000001L);
  public static final TraceId ID64 = new TraceId(0, 0x00000000000000abL);

  private TestTraces() {}

  /** Tags covering every type and the numeric and textual edge cases. */
  public static List<KeyValue> everyTag() {
    List<KeyValue> tags = new ArrayList<>();
    tags.add(KeyValue.string("str", "plain"));
    tags.add(KeyValue.string("empty", ""));
    tags.add(KeyValue.string("html", "<script>alert('x') & \"q\"</script>"));
    tags.add(KeyValue.string("ctl", "tab\tnl\ncr\rbs\bff\f\u0000\u001f\u007f\\/"));
    tags.add(KeyValue.string("unicode", "héllo wörld 日本語 😀 \u2028\u2029"));
    tags.add(KeyValue.bool("t", true));
    tags.add(KeyValue.bool("f", false));
    tags.add(KeyValue.int64("zero", 0));
    tags.add(KeyValue.int64("max", Long.MAX_VALUE));
    tags.add(KeyValue.int64("min", Long.MIN_VALUE));
    tags.add(KeyValue.int64("safe", (1L << 53) - 1));
    tags.add(KeyValue.int64("unsafe", 1L << 53));
    tags.add(KeyValue.int64("negSafe", 1 - (1L << 53)));
    tags.add(KeyValue.int64("negUnsafe", -(1L << 53)));
    tags.add(KeyValue.float64("pi", Math.PI));
    tags.add(KeyValue.float64("tiny", 1e-7));
    tags.add(KeyValue.float64("huge", 1e21));
    tags.add(KeyValue.float64("negZero", -0.0));
    tags.add(KeyValue.float64("nan", Double.NaN));
    tags.add(KeyValue.float64("inf", Double.POSITIVE_INFINITY));
    tags.add(KeyValue.float64("ninf", Double.NEGATIVE_INFINITY));
    tags.add(KeyValue.float64("maxDouble", Double.MAX_VALUE));
    tags.add(KeyValue.float64("minDouble", Double.MIN_VALUE));
    tags.add(KeyValue.binary("bin", new byte[] {0, 1, 2, (byte) 0xfb, (byte) 0xff, (byte) 0xfe}));
    tags.add(KeyValue.binary("emptyBin", new byte[0]));
    tags.add(KeyValue.binary("utf8", "ü".getBytes(StandardCharsets.UTF_8)));
    return tags;
  }

  /**
   * A 128-bit trace of four spans: a root, a child with both reference kinds (one to another trace), logs and
   * warnings, a span sharing the root's process through an equal but distinct instance, and a bare span with empty
   * lists and a third process. Trace-level warnings are set.
   */
  public static Trace rich() {
    Process frontend = Process.of("frontend", KeyValue.string("hostname", "web-1"), KeyValue.string("ip", "10.0.0.1"),
        KeyValue.int64("pid", 4242));
    Process frontendAgain = Process.of("frontend", KeyValue.string("hostname", "web-1"),
        KeyValue.string("ip", "10.0.0.1"), KeyValue.int64("pid", 4242));
    Process backend = new Process("backend <db> & co", everyTag());
    Process bare = Process.of("");
    Span root = Span.builder()
        .traceId(ID128).spanId(1).operationName("GET /api").flags(Span.FLAG_SAMPLED)
        .startTimeMicros(1_700_000_000_000_123L).durationMicros(5_400)
        .addTag(KeyValue.string("span.kind", "server")).addTag(KeyValue.bool("error", true))
        .process(frontend).build();
    Span child = Span.builder()
        .traceId(ID128).spanId(0xffffffffffffffffL).operationName("SELECT ü")
        .addReference(SpanRef.childOf(ID128, 1))
        .addReference(SpanRef.followsFrom(ID64, 0x0123456789abcdefL))
        .flags(Span.FLAG_SAMPLED | Span.FLAG_DEBUG | Span.FLAG_FIREHOSE)
        .startTimeMicros(1_700_000_000_000_200L).durationMicros(1)
        .tags(everyTag())
        .addLog(new Log(1_700_000_000_000_250L, List.of(KeyValue.string("event", "retry"), KeyValue.int64("n", 3))))
        .addLog(new Log(1_700_000_000_000_260L, List.of()))
        .addLog(new Log(1_700_000_000_000_270L, everyTag()))
        .process(backend)
        .addWarning("clock skew adjusted <1ms>").addWarning("second warning")
        .build();
    Span sibling = Span.builder()
        .traceId(ID128).spanId(0x8000000000000000L).operationName("render")
        .addReference(SpanRef.followsFrom(ID128, 1))
        .startTimeMicros(1_700_000_000_000_300L).durationMicros(Long.MAX_VALUE)
        .process(frontendAgain).build();
    Span empty = Span.builder().traceId(ID128).spanId(2).startTimeMicros(-1).process(bare).build();
    return new Trace(List.of(root, child, sibling, empty), List.of("trace warning"));
  }

  /** A 64-bit trace with one span and no warnings. */
  public static Trace simple64() {
    Span s = Span.builder().traceId(ID64).spanId(0xab).operationName("op").startTimeMicros(1).durationMicros(2)
        .process(Process.of("svc")).build();
    return Trace.of(List.of(s));
  }

  /** A trace with {@code n} spans over {@code services} distinct processes. */
  public static Trace many(int n, int services) {
    List<Process> processes = new ArrayList<>();
    for (int i = 0; i < services; i++) {
      processes.add(Process.of("svc-" + i, KeyValue.int64("i", i)));
    }
    List<Span> spans = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      spans.add(Span.builder().traceId(ID128).spanId(i + 1).operationName("op-" + (i % 7))
          .addReference(SpanRef.childOf(ID128, i / 2 + 1))
          .startTimeMicros(1_700_000_000_000_000L + i).durationMicros(i)
          .addTag(KeyValue.string("k", "v" + i)).addTag(KeyValue.int64("n", i))
          .process(processes.get(i % services)).build());
    }
    return Trace.of(spans);
  }
}
