// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model.adjust;

import io.jaegerj.model.Trace;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The query service's adjuster pipeline for the Jaeger model, in Jaeger's order: Zipkin span-ID uniquifier, sort
 * tags and log fields, dedupe identical spans, clock skew, IP tags, OTel library tags, invalid span references,
 * parent reference first. Thread-safe.
 */
public final class Adjusters implements Adjuster {
  private final List<Adjuster> steps;

  private Adjusters(List<Adjuster> steps) {
    this.steps = List.copyOf(steps);
  }

  /**
   * The standard pipeline.
   *
   * @param maxClockSkewAdjustment {@code --query.max-clock-skew-adjustment}; zero disables shifting (warnings are
   *     still added)
   */
  public static Adjusters standard(Duration maxClockSkewAdjustment) {
    Objects.requireNonNull(maxClockSkewAdjustment, "maxClockSkewAdjustment");
    if (maxClockSkewAdjustment.isNegative()) {
      throw new IllegalArgumentException("maxClockSkewAdjustment: " + maxClockSkewAdjustment + " (expected: >= 0)");
    }
    return new Adjusters(List.of(
        new ZipkinSpanIdUniquifier(),
        new SortTagsAndLogFields(),
        new DedupeSpans(),
        new ClockSkewAdjuster(maxClockSkewAdjustment),
        new IpTagAdjuster(),
        new OtelLibraryTagAdjuster(),
        new SpanReferencesAdjuster(),
        new ParentReferenceAdjuster()));
  }

  /**
   * The api_v3 pipeline of Jaeger 1.74, on the Jaeger model before conversion to OTLP: the same steps as
   * {@link #standard} with the OTLP variants of clock skew (host key from {@code host.*}), library attributes
   * (conflict warnings) and references ("Invalid span link removed"), and without the parent-reference step. Sorting
   * events by name and attributes by key happens after conversion.
   */
  public static Adjusters otlp(Duration maxClockSkewAdjustment) {
    Objects.requireNonNull(maxClockSkewAdjustment, "maxClockSkewAdjustment");
    if (maxClockSkewAdjustment.isNegative()) {
      throw new IllegalArgumentException("maxClockSkewAdjustment: " + maxClockSkewAdjustment + " (expected: >= 0)");
    }
    return new Adjusters(List.of(
        new ZipkinSpanIdUniquifier(),
        new SortTagsAndLogFields(),
        new DedupeSpans(),
        ClockSkewAdjuster.forOtlp(maxClockSkewAdjustment),
        new IpTagAdjuster(),
        OtelLibraryTagAdjuster.forOtlp(),
        SpanReferencesAdjuster.forOtlp()));
  }

  /** A pipeline of the given steps, run in order. */
  public static Adjusters of(Adjuster... steps) {
    return new Adjusters(List.of(steps));
  }

  @Override
  public Trace adjust(Trace trace) {
    Trace t = trace;
    for (Adjuster a : steps) {
      t = a.adjust(t);
    }
    return t;
  }
}
