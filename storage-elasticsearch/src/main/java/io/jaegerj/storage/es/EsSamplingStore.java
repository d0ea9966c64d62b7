// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jaegerj.model.GoFloat;
import io.jaegerj.storage.SamplingStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Adaptive-sampling documents in {@code <P>jaeger-sampling-<date>} (daily or hourly by
 * {@code es.index-rollover-frequency-adaptive-sampling}; never aliases), in Jaeger's field names. Inserts are
 * synchronous and visible to the next read ({@code refresh=wait_for}).
 *
 * <p>Leader lease (Jaeger 1.74 has none on Elasticsearch, so there every collector computes): one document
 * {@code sampling_store_leader} in {@code <P>jaegerj-sampling-lock} holding {@code owner} and {@code expiresMillis},
 * created with {@code op_type=create} and taken over or renewed only by a write conditioned on the sequence number
 * read ({@code if_seq_no}/{@code if_primary_term}), so two collectors racing for it cannot both win. Expiry is judged
 * on each collector's clock: clocks must agree to well within the lease lifetime.
 */
final class EsSamplingStore implements SamplingStore {
  private final EsClient client;
  private final EsConfig config;
  private final IndexNames names;
  private final Clock clock;
  private final boolean hourly;
  private final long lookbackMicros;
  private final String searchParams;

  EsSamplingStore(EsClient client, EsConfig config, IndexNames names, Clock clock, int version, boolean hourly,
      long lookbackMicros) {
    this.client = client;
    this.config = config;
    this.names = names;
    this.clock = clock;
    this.hourly = hourly;
    this.lookbackMicros = lookbackMicros;
    this.searchParams = version >= 7 ? "ignore_unavailable=true&rest_total_hits_as_int=true" : "ignore_unavailable=true";
  }

  private String index(long millis) {
    return config.indexPrefix() + "jaeger-sampling-" + names.date(millis, hourly);
  }

  private static String timestamp(Instant t) {
    return DateTimeFormatter.ISO_INSTANT.format(t);
  }

  @Override
  public void insertThroughput(List<Throughput> throughput) {
    Instant now = clock.instant();
    List<ObjectNode> docs = new ArrayList<>();
    for (Throughput t : throughput) {
      ObjectNode doc = EsClient.JSON.createObjectNode();
      doc.put("timestamp", timestamp(now));
      ObjectNode th = doc.putObject("throughputs");
      th.put("Service", t.service());
      th.put("Operation", t.operation());
      th.put("Count", t.count());
      ObjectNode probs = th.putObject("Probabilities");
      for (double p : t.probabilities()) {
        probs.putObject(GoFloat.format(p));
      }
      docs.add(doc);
    }
    bulk(index(now.toEpochMilli()), docs);
  }

  @Override
  public List<Throughput> getThroughput(long startMicros, long endMicros) {
    List<String> indices = new ArrayList<>();
    long step = hourly ? 3_600_000L : 86_400_000L;
    for (long t = endMicros / 1000; t >= startMicros / 1000 - step; t -= step) {
      String name = index(t);
      if (!indices.contains(name)) {
        indices.add(name);
      }
    }
    ObjectNode body = EsClient.JSON.createObjectNode();
    body.put("size", config.maxDocCount());
    ObjectNode range = body.putObject("query").putObject("range").putObject("timestamp");
    range.put("gte", timestamp(Instant.EPOCH.plusNanos(startMicros * 1000)));
    range.put("lt", timestamp(Instant.EPOCH.plusNanos(endMicros * 1000)));
    List<Throughput> out = new ArrayList<>();
    for (JsonNode hit : search(String.join(",", indices), body).path("hits").path("hits")) {
      JsonNode th = hit.path("_source").path("throughputs");
      List<Double> probs = new ArrayList<>();
      for (Iterator<String> it = th.path("Probabilities").fieldNames(); it.hasNext(); ) {
        probs.add(Double.parseDouble(it.next()));
      }
      out.add(new Throughput(th.path("Service").asText(), th.path("Operation").asText(),
          th.path("Count").asLong(), probs));
    }
    return out;
  }

  @Override
  public void insertProbabilitiesAndQps(String hostname, Map<String, Map<String, Double>> probabilities,
      Map<String, Map<String, Double>> qps) {
    Instant now = clock.instant();
    ObjectNode doc = EsClient.JSON.createObjectNode();
    doc.put("timestamp", timestamp(now));
    ObjectNode p = doc.putObject("probabilitiesandqps");
    p.put("Hostname", hostname);
    p.set("Probabilities", nested(probabilities));
    p.set("QPS", nested(qps));
    bulk(index(now.toEpochMilli()), List.of(doc));
  }

  /** Numbers as Go's encoder writes them (shortest form, {@code 4} rather than {@code 4.0}). */
  private static ObjectNode nested(Map<String, Map<String, Double>> values) {
    ObjectNode out = EsClient.JSON.createObjectNode();
    for (Map.Entry<String, Map<String, Double>> svc : values.entrySet()) {
      ObjectNode ops = out.putObject(svc.getKey());
      for (Map.Entry<String, Double> op : svc.getValue().entrySet()) {
        ops.put(op.getKey(), new BigDecimal(GoFloat.formatJson(op.getValue())));
      }
    }
    return out;
  }

  @Override
  public Map<String, Map<String, Double>> getLatestProbabilities() {
    long now = clock.millis();
    long step = hourly ? 3_600_000L : 86_400_000L;
    long stop = now - TimeUnit.MICROSECONDS.toMillis(lookbackMicros);
    String found = null;
    for (long t = now; t >= stop; t -= step) {
      try {
        if (client.send("HEAD", "/" + index(t), null, "application/json").status() == 200) {
          found = index(t);
          break;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (found == null) {
      return Map.of();
    }
    ObjectNode body = EsClient.JSON.createObjectNode();
    body.put("size", config.maxDocCount());
    body.putObject("query").putObject("exists").put("field", "probabilitiesandqps");
    JsonNode latest = null;
    Instant latestAt = Instant.MIN;
    for (JsonNode hit : search(found, body).path("hits").path("hits")) {
      Instant at = Instant.parse(hit.path("_source").path("timestamp").asText());
      if (!at.isBefore(latestAt)) {
        latestAt = at;
        latest = hit.path("_source").path("probabilitiesandqps").path("Probabilities");
      }
    }
    if (latest == null) {
      return Map.of();
    }
    Map<String, Map<String, Double>> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> svc = latest.fields(); svc.hasNext(); ) {
      Map.Entry<String, JsonNode> s = svc.next();
      Map<String, Double> ops = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> op = s.getValue().fields(); op.hasNext(); ) {
        Map.Entry<String, JsonNode> o = op.next();
        ops.put(o.getKey(), o.getValue().asDouble());
      }
      out.put(s.getKey(), ops);
    }
    return out;
  }

  static final String LEASE_ID = "sampling_store_leader";

  private String leasePath() {
    return "/" + config.indexPrefix() + "jaegerj-sampling-lock/_doc/" + LEASE_ID;
  }

  @Override
  public boolean acquireLeaderLock(String owner, long ttlMillis) {
    Objects.requireNonNull(owner, "owner");
    if (ttlMillis <= 0) {
      throw new IllegalArgumentException("ttlMillis: " + ttlMillis + " (expected: > 0)");
    }
    long now = clock.millis();
    ObjectNode lease = EsClient.JSON.createObjectNode();
    lease.put("owner", owner);
    lease.put("expiresMillis", now + ttlMillis);
    try {
      byte[] body = EsClient.JSON.writeValueAsBytes(lease);
      EsClient.Response current = client.send("GET", leasePath(), null, "application/json");
      EsClient.Response written;
      if (current.status() == 404) {
        written = client.send("PUT", leasePath() + "?op_type=create&refresh=true", body, "application/json");
      } else if (current.status() == 200) {
        JsonNode doc = current.json();
        JsonNode src = doc.path("_source");
        if (!owner.equals(src.path("owner").asText()) && now < src.path("expiresMillis").asLong()) {
          return false;
        }
        written = client.send("PUT", leasePath() + "?if_seq_no=" + doc.path("_seq_no").asLong()
            + "&if_primary_term=" + doc.path("_primary_term").asLong() + "&refresh=true", body, "application/json");
      } else {
        throw new IOException("reading the sampling lease failed: " + current.status() + " " + current.text());
      }
      if (written.status() == 409) {
        return false; // another collector wrote the lease first
      }
      if (written.status() >= 300) {
        throw new IOException("writing the sampling lease failed: " + written.status() + " " + written.text());
      }
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public boolean forfeitLeaderLock(String owner) {
    Objects.requireNonNull(owner, "owner");
    try {
      EsClient.Response current = client.send("GET", leasePath(), null, "application/json");
      if (current.status() != 200) {
        return false;
      }
      JsonNode doc = current.json();
      if (!owner.equals(doc.path("_source").path("owner").asText())) {
        return false;
      }
      EsClient.Response deleted = client.send("DELETE", leasePath() + "?if_seq_no=" + doc.path("_seq_no").asLong()
          + "&if_primary_term=" + doc.path("_primary_term").asLong() + "&refresh=true", null, "application/json");
      return deleted.status() == 200;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void bulk(String index, List<ObjectNode> docs) {
    if (docs.isEmpty()) {
      return;
    }
    try {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      byte[] action = ("{\"index\":{\"_index\":\"" + index + "\"}}\n").getBytes(StandardCharsets.UTF_8);
      for (ObjectNode d : docs) {
        body.write(action);
        body.write(EsClient.JSON.writeValueAsBytes(d));
        body.write('\n');
      }
      JsonNode r = client.ndjson("POST", "/_bulk?refresh=wait_for", body.toByteArray());
      if (r.path("errors").asBoolean(false)) {
        throw new IOException("sampling bulk failed: " + r.path("items"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private JsonNode search(String indices, ObjectNode body) {
    try {
      return EsSpanReader.withRetries(() -> client.json("POST", "/" + indices + "/_search?" + searchParams, body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
