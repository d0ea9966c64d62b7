// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.spm;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.jaegerj.model.GoFloat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A {@link MetricFamily} as proto3 JSON of {@code jaeger.api_v2.metrics.MetricFamily}, as {@code /api/metrics/*}
 * answers it (bare, not in a {@code data} envelope): empty {@code metrics} and {@code unit} omitted, NaN and the
 * infinities as strings, timestamps in RFC 3339 UTC with 0, 3, 6 or 9 fraction digits.
 */
public final class MetricsJson {
  private static final JsonFactory FACTORY = new JsonFactory();
  private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")
      .withZone(ZoneOffset.UTC);

  private MetricsJson() {}

  public static byte[] write(MetricFamily family) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + family.metrics().size() * 1024);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("name", family.name());
      g.writeStringField("type", "GAUGE");
      g.writeStringField("help", family.help());
      if (!family.metrics().isEmpty()) {
        g.writeArrayFieldStart("metrics");
        for (MetricFamily.Series s : family.metrics()) {
          g.writeStartObject();
          if (!s.labels().isEmpty()) {
            g.writeArrayFieldStart("labels");
            for (MetricFamily.Label l : s.labels()) {
              g.writeStartObject();
              g.writeStringField("name", l.name());
              g.writeStringField("value", l.value());
              g.writeEndObject();
            }
            g.writeEndArray();
          }
          if (!s.points().isEmpty()) {
            g.writeArrayFieldStart("metricPoints");
            for (MetricFamily.Point p : s.points()) {
              g.writeStartObject();
              g.writeObjectFieldStart("gaugeValue");
              g.writeFieldName("doubleValue");
              writeDouble(g, p.value());
              g.writeEndObject();
              g.writeStringField("timestamp", timestamp(p.timestampMillis()));
              g.writeEndObject();
            }
            g.writeEndArray();
          }
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void writeDouble(JsonGenerator g, double v) throws IOException {
    if (Double.isNaN(v)) {
      g.writeString("NaN");
    } else if (Double.isInfinite(v)) {
      g.writeString(v > 0 ? "Infinity" : "-Infinity");
    } else {
      g.writeRawValue(GoFloat.formatJson(v));
    }
  }

  /** protobuf's Timestamp JSON: {@code 2024-05-01T10:00:05Z} or {@code ...05.500Z}. */
  static String timestamp(long millis) {
    Instant t = Instant.ofEpochMilli(millis);
    String base = SECONDS.format(t);
    int ms = (int) Math.floorMod(millis, 1000L);
    return ms == 0 ? base + "Z" : base + "." + String.format("%03d", ms) + "Z";
  }
}
