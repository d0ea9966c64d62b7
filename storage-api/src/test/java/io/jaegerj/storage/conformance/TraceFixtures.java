// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.conformance;

import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.TraceId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Test data for the conformance suite. Every instance draws names from a prefix unique to the run, so data written
 * by one test never matches the queries of another even when a backend cannot be purged. Content is deterministic
 * apart from that prefix and the IDs.
 *
 * <p>Times are microseconds: {@link #baseMicros()} is one hour before the instance was created (rounded to a
 * millisecond), so every generated span lies in the recent past where time-bucketed backends look.
 */
public final class TraceFixtures {
  /** The span kinds a fixture trace cycles through; "" means no {@code span.kind} tag. */
  public static final List<String> SPAN_KINDS = List.of("server", "client", "producer", "consumer", "internal", "");

  private static final AtomicLong COUNTER = new AtomicLong();

  private final String prefix;
  private final long baseMicros;
  private final SplittableRandom random;

  /**
   * @param name short label that ends up in service names, e.g. the test method
   */
  public TraceFixtures(String name) {
    long seed = System.nanoTime() ^ COUNTER.incrementAndGet() * 0x9E3779B97F4A7C15L;
    this.random = new SplittableRandom(seed);
    this.prefix = "cf-" + name + "-" + Long.toString(random.nextLong() >>> 28, 36);
    long nowMillis = System.currentTimeMillis();
    this.baseMicros = TimeUnit.MILLISECONDS.toMicros(nowMillis - TimeUnit.HOURS.toMillis(1));
  }

  public long baseMicros() {
    return baseMicros;
  }

  /** A service name unique to this fixture. */
  public String service(String suffix) {
    return prefix + "-" + suffix;
  }

  /** A string unique to this fixture, for tag values. */
  public String unique(String suffix) {
    return prefix + "-" + suffix;
  }

  /** A random 128-bit trace ID (both halves non-zero). */
  public TraceId traceId128() {
    return new TraceId(nonZero(), nonZero());
  }

  /** A random 64-bit trace ID (high half zero). */
  public TraceId traceId64() {
    return new TraceId(0, nonZero());
  }

  public long spanId() {
    return nonZero();
  }

  /** Synchronized: the concurrency case draws IDs from several writer threads, and SplittableRandom is not thread-safe. */
  private synchronized long nonZero() {
    long v;
    do {
      v = random.nextLong();
    } while (v == 0);
    return v;
  }

  /** A plain span: given identity, service and operation, the sampled flag, no tags, logs or references. */
  public Span.Builder span(TraceId traceId, String service, String operation, long startMicros, long durationMicros) {
    return Span.builder()
        .traceId(traceId)
        .spanId(spanId())
        .operationName(operation)
        .flags(Span.FLAG_SAMPLED)
        .startTimeMicros(startMicros)
        .durationMicros(durationMicros)
        .process(new Process(service, List.of()));
  }

  /** A trace of one span of {@code service}, for searches that only care about trace identity. */
  public Span simpleSpan(TraceId traceId, String service, String operation, long startMicros, long durationMicros) {
    return span(traceId, service, operation, startMicros, durationMicros).build();
  }

  /**
   * A trace of {@code spanCount} spans forming a binary tree: span {@code i > 0} is a CHILD_OF span
   * {@code (i - 1) / 2}, every fourth span also carries a FOLLOWS_FROM reference to the previous span. Services
   * rotate through {@code services} so parents and children mostly differ; operations rotate through five names
   * per service; span kinds through {@link #SPAN_KINDS}. Each span has one tag of every value type, process tags of
   * every type, and a log with typed fields. The root starts at {@code startMicros} and is the earliest and longest
   * span.
   */
  public List<Span> richTrace(TraceId traceId, long startMicros, int spanCount, List<String> services) {
    List<Span> spans = new ArrayList<>(spanCount);
    List<Process> processes = new ArrayList<>(services.size());
    for (int s = 0; s < services.size(); s++) {
      processes.add(new Process(services.get(s), List.of(
          KeyValue.string("hostname", services.get(s) + "-host"),
          KeyValue.string("ip", "10.0.0." + (s + 1)),
          KeyValue.int64("pid", 1000 + s),
          KeyValue.bool("container", s % 2 == 0),
          KeyValue.float64("cpu.share", 0.5 + s))));
    }
    for (int i = 0; i < spanCount; i++) {
      Span.Builder b = Span.builder()
          .traceId(traceId)
          .spanId(spanId())
          .operationName("op-" + (i % 5))
          .flags(i % 7 == 0 ? Span.FLAG_SAMPLED | Span.FLAG_DEBUG : Span.FLAG_SAMPLED)
          .startTimeMicros(i == 0 ? startMicros : startMicros + 10 + i)
          .durationMicros(i == 0 ? 1_000_000L + spanCount : 100 + (i * 37L) % 900)
          .process(processes.get(i % processes.size()));
      if (i > 0) {
        b.addReference(SpanRef.childOf(traceId, spans.get((i - 1) / 2).spanId()));
        if (i % 4 == 0) {
          b.addReference(SpanRef.followsFrom(traceId, spans.get(i - 1).spanId()));
        }
      }
      String kind = SPAN_KINDS.get(i % SPAN_KINDS.size());
      if (!kind.isEmpty()) {
        b.addTag(KeyValue.string("span.kind", kind));
      }
      b.addTag(KeyValue.string("http.url", "/api/v" + i + "/items?q=" + i));
      b.addTag(KeyValue.bool("error", i % 3 == 0));
      b.addTag(KeyValue.int64("http.status_code", 200 + i % 5));
      b.addTag(KeyValue.float64("ratio", i / 8.0));
      b.addTag(KeyValue.binary("payload", ("p" + i).getBytes(StandardCharsets.UTF_8)));
      b.addLog(new Log(startMicros + 20 + i, List.of(
          KeyValue.string("event", "retry"),
          KeyValue.string("message", "attempt " + i),
          KeyValue.int64("attempt", i),
          KeyValue.bool("final", i % 2 == 1),
          KeyValue.float64("backoff", 0.25 * i),
          KeyValue.binary("blob", new byte[] {1, 2, (byte) i}))));
      if (i % 5 == 2) {
        b.addLog(new Log(startMicros + 30 + i, List.of(KeyValue.string("event", "done"))));
      }
      spans.add(b.build());
    }
    return spans;
  }
}
