// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One span in Jaeger's model. Times are microseconds since the epoch and durations microseconds, the precision every
 * Jaeger storage backend keeps. Lists are immutable copies; instances are thread-safe.
 *
 * @param flags bit 1 sampled, bit 2 debug, bit 8 firehose
 */
public record Span(
    TraceId traceId,
    long spanId,
    String operationName,
    List<SpanRef> references,
    int flags,
    long startTimeMicros,
    long durationMicros,
    List<KeyValue> tags,
    List<Log> logs,
    Process process,
    List<String> warnings) {

  public static final int FLAG_SAMPLED = 1;
  public static final int FLAG_DEBUG = 2;
  public static final int FLAG_FIREHOSE = 8;

  public Span {
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(operationName, "operationName");
    Objects.requireNonNull(process, "process");
    references = List.copyOf(references);
    tags = List.copyOf(tags);
    logs = List.copyOf(logs);
    warnings = List.copyOf(warnings);
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .traceId(traceId)
        .spanId(spanId)
        .operationName(operationName)
        .references(references)
        .flags(flags)
        .startTimeMicros(startTimeMicros)
        .durationMicros(durationMicros)
        .tags(tags)
        .logs(logs)
        .process(process)
        .warnings(warnings);
  }

  /**
   * The parent span ID: the first CHILD_OF reference within the same trace, else the first same-trace FOLLOWS_FROM
   * reference, else 0 (a root span).
   */
  public long parentSpanId() {
    for (SpanRef r : references) {
      if (r.type() == RefType.CHILD_OF && r.traceId().equals(traceId)) {
        return r.spanId();
      }
    }
    for (SpanRef r : references) {
      if (r.type() == RefType.FOLLOWS_FROM && r.traceId().equals(traceId)) {
        return r.spanId();
      }
    }
    return 0;
  }

  /** The value of the first tag with this key, or null. */
  public KeyValue tag(String key) {
    for (KeyValue kv : tags) {
      if (kv.key().equals(key)) {
        return kv;
      }
    }
    return null;
  }

  /** The {@code span.kind} tag's value, or "" when absent. */
  public String spanKind() {
    KeyValue kv = tag("span.kind");
    return kv == null ? "" : kv.asString();
  }

  public long endTimeMicros() {
    return startTimeMicros + durationMicros;
  }

  public boolean isDebug() {
    return (flags & FLAG_DEBUG) != 0;
  }

  /** A fluent builder; every list defaults to empty and the process to service "". */
  public static final class Builder {
    private TraceId traceId = TraceId.ZERO;
    private long spanId;
    private String operationName = "";
    private List<SpanRef> references = new ArrayList<>();
    private int flags;
    private long startTimeMicros;
    private long durationMicros;
    private List<KeyValue> tags = new ArrayList<>();
    private List<Log> logs = new ArrayList<>();
    private Process process = new Process("", List.of());
    private List<String> warnings = new ArrayList<>();

    private Builder() {}

    public Builder traceId(TraceId v) {
      traceId = v;
      return this;
    }

    public Builder spanId(long v) {
      spanId = v;
      return this;
    }

    public Builder operationName(String v) {
      operationName = v;
      return this;
    }

    public Builder references(List<SpanRef> v) {
      references = new ArrayList<>(v);
      return this;
    }

    public Builder addReference(SpanRef v) {
      references.add(v);
      return this;
    }

    public Builder flags(int v) {
      flags = v;
      return this;
    }

    public Builder startTimeMicros(long v) {
      startTimeMicros = v;
      return this;
    }

    public Builder durationMicros(long v) {
      durationMicros = v;
      return this;
    }

    public Builder tags(List<KeyValue> v) {
      tags = new ArrayList<>(v);
      return this;
    }

    public Builder addTag(KeyValue v) {
      tags.add(v);
      return this;
    }

    public Builder logs(List<Log> v) {
      logs = new ArrayList<>(v);
      return this;
    }

    public Builder addLog(Log v) {
      logs.add(v);
      return this;
    }

    public Builder process(Process v) {
      process = v;
      return this;
    }

    public Builder warnings(List<String> v) {
      warnings = new ArrayList<>(v);
      return this;
    }

    public Builder addWarning(String v) {
      warnings.add(v);
      return this;
    }

    public Span build() {
      return new Span(traceId, spanId, operationName, references, flags, startTimeMicros, durationMicros, tags, logs,
          process, warnings);
    }
  }
}
