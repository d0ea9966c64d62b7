// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.server.BinarySpec;
import io.jaegerj.server.JaegerMain;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every latency histogram of the collector, as {@code /metrics} shows it: one 50 ms observation must land in the
 * {@code le="0.05"} bucket and not below (it used to land in {@code le="1.0"}: seconds recorded into a summary whose
 * Prometheus histogram rounds up to whole numbers).
 */
class LatencyHistogramsTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void everyJaegerHistogram_50msObservation_landsInTheFiftyMillisecondBucket() throws Exception {
    CollectorModule module = new CollectorModule();
    BinarySpec base = CollectorMain.spec();
    BinarySpec spec = new BinarySpec(base.name(), base.description(), base.defaultSpanStorageType(),
        base.defaultAdminHostPort(), base.pipelineFlags(), List.of(module));
    try (JaegerMain.Running running = JaegerMain.start(spec, CollectorRuntimeTest.LOOPBACK,
        Map.of("SPAN_STORAGE_TYPE", "memory"))) {
      int jaegerHttp = module.started().httpServers().get(1).port();
      // Registers jaeger_collector_http_request_duration (lazily, per label set).
      HttpResponse<String> sampling = HTTP.send(HttpRequest.newBuilder(URI.create(
          "http://127.0.0.1:" + jaegerHttp + "/api/sampling?service=svc")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(sampling.statusCode()).isEqualTo(200);
      String admin = "http://127.0.0.1:" + running.adminPort() + "/metrics";

      Map<String, Double> before = buckets(get(admin));
      List<String> histograms = new ArrayList<>();
      for (Meter m : running.meters().getMeters()) {
        String name = m.getId().getName();
        if (!name.startsWith("jaeger")) {
          continue;
        }
        if (m instanceof Timer t) {
          t.record(Duration.ofMillis(50));
          histograms.add(name);
        } else if (m instanceof DistributionSummary s && (name.contains("latency") || name.contains("duration"))) {
          s.record(0.050); // seconds, as a latency summary would hold them
          histograms.add(name);
        }
      }
      Map<String, Double> after = buckets(get(admin));

      assertThat(histograms).contains("jaeger_collector_save_latency", "jaeger_collector_in_queue_latency",
          "jaeger_collector_http_request_duration");
      for (String name : histograms) {
        List<String> series = after.keySet().stream()
            .filter(k -> k.startsWith(name + "_bucket{") && k.endsWith("le=\"0.05\"}")).toList();
        assertThat(series).as("histogram series of %s on /metrics", name).isNotEmpty();
        for (String at50 : series) {
          String at25 = at50.replace("le=\"0.05\"}", "le=\"0.025\"}");
          assertThat(after.get(at50) - before.getOrDefault(at50, 0.0)).as(at50).isEqualTo(1.0);
          assertThat(after.get(at25) - before.getOrDefault(at25, 0.0)).as(at25).isEqualTo(0.0);
        }
      }
    }
  }

  private static String get(String url) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  /** Every {@code *_bucket{...}} line of the scrape, by series. */
  private static Map<String, Double> buckets(String text) {
    Map<String, Double> out = new HashMap<>();
    for (String line : text.split("\n")) {
      int sp = line.lastIndexOf(' ');
      if (line.startsWith("#") || sp < 0 || !line.contains("_bucket{")) {
        continue;
      }
      out.put(line.substring(0, sp), Double.parseDouble(line.substring(sp + 1)));
    }
    return out;
  }
}
