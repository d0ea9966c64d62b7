// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.badger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jaegerj.model.GoFloat;
import io.jaegerj.model.Hex;
import io.jaegerj.storage.SamplingStore;
import io.jaegerj.storage.badger.dbmodel.Keys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * Adaptive-sampling data in the index column family, laid out as Jaeger's Badger store does: throughput under
 * {@code 0x08 ‖ insertMicros(8) ‖ seq(7)} as a JSON array of {@code {"Service","Operation","Count","Probabilities"}},
 * probabilities under {@code 0x09 ‖ insertMicros(8) ‖ seq(7)} as {@code {"Hostname","Probabilities","QPS"}}. Jaeger
 * pads with 7 zero bytes; a per-process sequence there keeps two inserts in the same microsecond apart. Entries have
 * no TTL. The lock is always granted (a single process owns the directories). Thread-safe.
 */
final class BadgerSamplingStore implements SamplingStore {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BadgerDb store;
  private final Clock clock;
  private final AtomicLong sequence = new AtomicLong();

  BadgerSamplingStore(BadgerDb store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  @Override
  public void insertThroughput(List<Throughput> throughput) {
    ArrayNode array = JSON.createArrayNode();
    for (Throughput t : throughput) {
      ObjectNode o = array.addObject();
      o.put("Service", t.service());
      o.put("Operation", t.operation());
      o.put("Count", t.count());
      ObjectNode probabilities = o.putObject("Probabilities");
      for (Double p : t.probabilities()) {
        probabilities.putObject(GoFloat.format(p));
      }
    }
    put(Keys.SAMPLING_THROUGHPUT, array);
  }

  @Override
  public List<Throughput> getThroughput(long startMicros, long endMicros) {
    List<Throughput> out = new ArrayList<>();
    for (JsonNode array : scan(Keys.SAMPLING_THROUGHPUT, startMicros, endMicros)) {
      for (JsonNode o : array) {
        List<Double> probabilities = new ArrayList<>();
        Iterator<String> names = o.path("Probabilities").fieldNames();
        while (names.hasNext()) {
          probabilities.add(Double.parseDouble(names.next()));
        }
        out.add(new Throughput(o.path("Service").asText(), o.path("Operation").asText(), o.path("Count").asLong(),
            probabilities));
      }
    }
    return out;
  }

  @Override
  public void insertProbabilitiesAndQps(
      String hostname, Map<String, Map<String, Double>> probabilities, Map<String, Map<String, Double>> qps) {
    ObjectNode o = JSON.createObjectNode();
    o.put("Hostname", hostname);
    o.set("Probabilities", JSON.valueToTree(probabilities));
    o.set("QPS", JSON.valueToTree(qps));
    put(Keys.SAMPLING_PROBABILITIES, o);
  }

  @Override
  public Map<String, Map<String, Double>> getLatestProbabilities() {
    List<JsonNode> all = scan(Keys.SAMPLING_PROBABILITIES, 0, Long.MAX_VALUE);
    Map<String, Map<String, Double>> out = new LinkedHashMap<>();
    if (all.isEmpty()) {
      return out;
    }
    JsonNode latest = all.get(all.size() - 1).path("Probabilities");
    Iterator<Map.Entry<String, JsonNode>> services = latest.fields();
    while (services.hasNext()) {
      Map.Entry<String, JsonNode> s = services.next();
      Map<String, Double> ops = new LinkedHashMap<>();
      Iterator<Map.Entry<String, JsonNode>> it = s.getValue().fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> op = it.next();
        ops.put(op.getKey(), op.getValue().asDouble());
      }
      out.put(s.getKey(), ops);
    }
    return out;
  }

  @Override
  public boolean acquireLeaderLock(String owner, long ttlMillis) {
    return true;
  }

  private void put(byte prefix, JsonNode value) {
    byte[] key = new byte[16];
    key[0] = prefix;
    Hex.putLong(key, 1, nowMicros());
    long seq = sequence.incrementAndGet();
    for (int i = 15; i >= 9; i--) {
      key[i] = (byte) seq;
      seq >>>= 8;
    }
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    store.enter();
    try {
      store.db.put(store.index, store.writeOptions, key, bytes);
    } catch (RocksDBException e) {
      throw new IllegalStateException("badger sampling store write failed: " + e.getMessage(), e);
    } finally {
      store.exit();
    }
  }

  /** Values with key time in {@code [startMicros, endMicros)}, in key order. */
  private List<JsonNode> scan(byte prefix, long startMicros, long endMicros) {
    byte[] from = new byte[9];
    from[0] = prefix;
    Hex.putLong(from, 1, Math.max(0, startMicros));
    List<JsonNode> out = new ArrayList<>();
    store.enter();
    try (ReadOptions ro = new ReadOptions(); RocksIterator it = store.db.newIterator(store.index, ro)) {
      for (it.seek(from); it.isValid(); it.next()) {
        byte[] key = it.key();
        if (key[0] != prefix || key.length != 16) {
          break;
        }
        if (Hex.getLong(key, 1) >= endMicros) {
          break;
        }
        out.add(JSON.readTree(new String(it.value(), StandardCharsets.UTF_8)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      store.exit();
    }
    return out;
  }

  private long nowMicros() {
    Instant now = clock.instant();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }
}
