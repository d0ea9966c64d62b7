// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.pipeline;

import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Fixes spans in the storage workers: empty service names, non-positive durations (Jaeger-protocol spans only;
 * OTLP spans were already fixed when converted) and the {@code collector.tags}. Not thread-safe: one per worker,
 * because it memoizes the last process it rewrote (spans of a batch usually share one process).
 */
final class Sanitizer {
  static final String EMPTY_SERVICE_NAME = "empty-service-name";
  static final String INVALID_DURATION_TAG = "InvalidNegativeDuration";
  static final String FORMAT_TAG = "@jaeger@format";
  private static final byte[] INVALID_DURATION_MESSAGE =
      "Duration can't be negative, so it is changed to default value".getBytes(StandardCharsets.UTF_8);

  static final Comparator<KeyValue> TAG_ORDER = Sanitizer::compareTags;

  private final List<KeyValue> collectorTags;
  private Process lastIn;
  private boolean lastV1;
  private Process lastOut;

  Sanitizer(List<KeyValue> collectorTags) {
    this.collectorTags = collectorTags;
  }

  /**
   * Returns the span itself when nothing changes.
   *
   * @param jaegerPath true for spans of Jaeger's own protocols (v1 path semantics), false for OTLP and Zipkin HTTP
   * @param formatTag the value of the {@code @jaeger@format} tag Jaeger's own protocols add, or null
   */
  Span sanitize(Span span, boolean jaegerPath, String formatTag) {
    Process process = process(span.process(), jaegerPath);
    boolean badDuration = jaegerPath && span.durationMicros() <= 0;
    if (process == span.process() && !badDuration && formatTag == null) {
      return span;
    }
    Span.Builder b = span.toBuilder().process(process);
    if (formatTag != null) {
      // Added on receipt in Jaeger, so before the sanitizers' tags.
      b.addTag(KeyValue.string(FORMAT_TAG, formatTag));
    }
    if (badDuration) {
      b.durationMicros(0).addTag(KeyValue.binary(INVALID_DURATION_TAG, INVALID_DURATION_MESSAGE));
    }
    return b.build();
  }

  private Process process(Process in, boolean jaegerPath) {
    if (in == lastIn && jaegerPath == lastV1) {
      return lastOut;
    }
    Process out = in;
    if (in.serviceName().isEmpty()) {
      out = new Process(EMPTY_SERVICE_NAME, in.tags());
    }
    if (!collectorTags.isEmpty()) {
      out = jaegerPath ? appendSorted(out) : addMissing(out);
    }
    lastIn = in;
    lastV1 = jaegerPath;
    lastOut = out;
    return out;
  }

  /** Jaeger path: append unless the same key already has the same value, then sort by key, type and value. */
  private Process appendSorted(Process p) {
    List<KeyValue> tags = new ArrayList<>(p.tags().size() + collectorTags.size());
    tags.addAll(p.tags());
    for (KeyValue ct : collectorTags) {
      boolean present = false;
      for (KeyValue t : p.tags()) {
        if (t.key().equals(ct.key()) && t.asString().equals(ct.asString())) {
          present = true;
          break;
        }
      }
      if (!present) {
        tags.add(ct);
      }
    }
    tags.sort(TAG_ORDER);
    return new Process(p.serviceName(), tags);
  }

  /** OTLP path: a resource attribute is added only when its key is absent. */
  private Process addMissing(Process p) {
    List<KeyValue> tags = null;
    for (KeyValue ct : collectorTags) {
      boolean present = false;
      for (KeyValue t : p.tags()) {
        if (t.key().equals(ct.key())) {
          present = true;
          break;
        }
      }
      if (!present) {
        if (tags == null) {
          tags = new ArrayList<>(p.tags().size() + collectorTags.size());
          tags.addAll(p.tags());
        }
        tags.add(ct);
      }
    }
    return tags == null ? p : new Process(p.serviceName(), tags);
  }

  private static int compareTags(KeyValue a, KeyValue b) {
    int c = a.key().compareTo(b.key());
    if (c != 0) {
      return c;
    }
    c = Integer.compare(a.type().ordinal(), b.type().ordinal());
    if (c != 0) {
      return c;
    }
    switch (a.type()) {
      case STRING:
        return a.stringValue().compareTo(b.stringValue());
      case BOOL:
        return Boolean.compare(a.boolValue(), b.boolValue());
      case INT64:
        return Long.compare(a.int64Value(), b.int64Value());
      case FLOAT64:
        return Double.compare(a.float64Value(), b.float64Value());
      default:
        return Arrays.compareUnsigned(a.binaryValue(), b.binaryValue());
    }
  }
}
