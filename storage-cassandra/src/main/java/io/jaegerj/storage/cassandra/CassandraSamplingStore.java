// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import io.jaegerj.storage.SamplingStore;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Adaptive sampling in Jaeger's tables (spec A.10): {@code operation_throughput} (bucket = time mod 10, CSV text
 * {@code service,operation,count,probabilities}), {@code sampling_probabilities} (bucket 1, CSV
 * {@code service,operation,probability,qps}) and the {@code leases} lock (lightweight transactions with a TTL).
 */
final class CassandraSamplingStore implements SamplingStore {
  static final String LOCK_NAME = "sampling_store_leader";

  private final CqlSession session;
  private final Clock clock;
  private final PreparedStatement insertThroughput;
  private final PreparedStatement selectThroughput;
  private final PreparedStatement insertProbabilities;
  private final PreparedStatement selectProbabilities;
  private final PreparedStatement insertLease;
  private final PreparedStatement extendLease;

  CassandraSamplingStore(CqlSession session, String keyspace, Clock clock) {
    this.session = session;
    this.clock = clock;
    String ks = keyspace + ".";
    insertThroughput = session.prepare("INSERT INTO " + ks + "operation_throughput (bucket, ts, throughput)"
        + " VALUES (?, ?, ?)");
    selectThroughput = session.prepare("SELECT throughput FROM " + ks + "operation_throughput"
        + " WHERE bucket = ? AND ts >= ? AND ts < ?");
    insertProbabilities = session.prepare("INSERT INTO " + ks + "sampling_probabilities"
        + " (bucket, ts, hostname, probabilities) VALUES (?, ?, ?, ?)");
    selectProbabilities = session.prepare("SELECT probabilities FROM " + ks + "sampling_probabilities"
        + " WHERE bucket = ? LIMIT 1");
    insertLease = session.prepare("INSERT INTO " + ks + "leases (name, owner) VALUES (?, ?) IF NOT EXISTS"
        + " USING TTL ?");
    extendLease = session.prepare("UPDATE " + ks + "leases USING TTL ? SET owner = ? WHERE name = ? IF owner = ?");
  }

  @Override
  public void insertThroughput(List<Throughput> throughput) {
    StringBuilder csv = new StringBuilder();
    for (Throughput t : throughput) {
      Set<String> probs = new LinkedHashSet<>();
      for (Double p : t.probabilities()) {
        probs.add(number(p));
      }
      csv.append(Csv.field(t.service())).append(',').append(Csv.field(t.operation())).append(',')
          .append(t.count()).append(',').append(Csv.field(String.join(",", probs))).append('\n');
    }
    long nowMillis = clock.millis();
    session.execute(insertThroughput.bind((int) Math.floorMod(System.nanoTime(), 10L),
        Uuids.startOf(nowMillis), csv.toString()));
  }

  @Override
  public List<Throughput> getThroughput(long startMicros, long endMicros) {
    List<Throughput> out = new ArrayList<>();
    for (int bucket = 0; bucket < 10; bucket++) {
      ResultSet rs = session.execute(selectThroughput.bind(bucket, Uuids.startOf(startMicros / 1000),
          Uuids.startOf(endMicros / 1000)));
      for (Row row : rs) {
        for (List<String> rec : Csv.parse(row.getString(0))) {
          if (rec.size() != 4) {
            continue;
          }
          try {
            List<Double> probs = new ArrayList<>();
            for (String p : rec.get(3).split(",")) {
              if (!p.isEmpty()) {
                probs.add(Double.parseDouble(p));
              }
            }
            out.add(new Throughput(rec.get(0), rec.get(1), Long.parseLong(rec.get(2)), probs));
          } catch (NumberFormatException e) {
            // Jaeger skips records it cannot parse
          }
        }
      }
    }
    return out;
  }

  @Override
  public void insertProbabilitiesAndQps(String hostname, Map<String, Map<String, Double>> probabilities,
      Map<String, Map<String, Double>> qps) {
    Objects.requireNonNull(hostname, "hostname");
    StringBuilder csv = new StringBuilder();
    for (Map.Entry<String, Map<String, Double>> svc : probabilities.entrySet()) {
      for (Map.Entry<String, Double> op : svc.getValue().entrySet()) {
        Double q = qps.getOrDefault(svc.getKey(), Map.of()).get(op.getKey());
        csv.append(Csv.field(svc.getKey())).append(',').append(Csv.field(op.getKey())).append(',')
            .append(number(op.getValue())).append(',').append(number(q == null ? 0d : q)).append('\n');
      }
    }
    session.execute(insertProbabilities.bind(1, Uuids.startOf(clock.millis()), hostname, csv.toString()));
  }

  @Override
  public Map<String, Map<String, Double>> getLatestProbabilities() {
    Row row = session.execute(selectProbabilities.bind(1)).one();
    Map<String, Map<String, Double>> out = new LinkedHashMap<>();
    if (row == null) {
      return out;
    }
    for (List<String> rec : Csv.parse(row.getString(0))) {
      if (rec.size() != 4) {
        continue;
      }
      try {
        out.computeIfAbsent(rec.get(0), k -> new LinkedHashMap<>()).put(rec.get(1), Double.parseDouble(rec.get(2)));
      } catch (NumberFormatException e) {
        // skipped as Jaeger does
      }
    }
    return out;
  }

  @Override
  public boolean acquireLeaderLock(String owner, long ttlMillis) {
    Objects.requireNonNull(owner, "owner");
    int ttl = (int) Math.max(1, (ttlMillis <= 0 ? 60_000 : ttlMillis) / 1000);
    Row r = session.execute(insertLease.bind(LOCK_NAME, owner, ttl)).one();
    if (r != null && r.getBoolean("[applied]")) {
      return true;
    }
    if (r != null && owner.equals(r.getString("owner"))) {
      Row u = session.execute(extendLease.bind(ttl, owner, LOCK_NAME, owner)).one();
      return u != null && u.getBoolean("[applied]");
    }
    return false;
  }

  private static String number(double d) {
    return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
  }

  /** The small CSV dialect of Go's encoding/csv: quote fields with comma, quote or newline; double inner quotes. */
  static final class Csv {
    private Csv() {}

    static String field(String s) {
      if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
        return s;
      }
      return '"' + s.replace("\"", "\"\"") + '"';
    }

    static List<List<String>> parse(String text) {
      List<List<String>> out = new ArrayList<>();
      if (text == null) {
        return out;
      }
      List<String> rec = new ArrayList<>();
      StringBuilder f = new StringBuilder();
      boolean quoted = false;
      boolean any = false;
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (quoted) {
          if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
            f.append('"');
            i++;
          } else if (c == '"') {
            quoted = false;
          } else {
            f.append(c);
          }
        } else if (c == '"') {
          quoted = true;
          any = true;
        } else if (c == ',') {
          rec.add(f.toString());
          f.setLength(0);
          any = true;
        } else if (c == '\n') {
          rec.add(f.toString());
          out.add(rec);
          rec = new ArrayList<>();
          f.setLength(0);
          any = false;
        } else if (c != '\r') {
          f.append(c);
          any = true;
        }
      }
      if (any) {
        rec.add(f.toString());
        out.add(rec);
      }
      return out;
    }
  }
}
