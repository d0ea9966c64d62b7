// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.dependencies;

import io.jaegerj.config.Settings;
import io.jaegerj.model.DependencyLink;
import io.jaegerj.storage.DependencyWriter;
import io.jaegerj.storage.SpanScanner;
import io.jaegerj.storage.StorageContext;
import io.jaegerj.storage.StorageFactory;
import io.jaegerj.storage.StorageProvider;
import io.jaegerj.storage.StorageRegistry;
import io.jaegerj.storage.Tenants;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The batch job for backfill, a drop-in for Jaeger's spark-dependencies: reads the spans of one UTC day from
 * Elasticsearch/OpenSearch and writes that day's links as one dependencies record stamped with the day's start, as
 * the Spark job does. Same environment variables: {@code STORAGE}, {@code ES_NODES}, {@code ES_INDEX_PREFIX}, ...,
 * {@code CASSANDRA_CONTACT_POINTS}, {@code CASSANDRA_KEYSPACE}, and the day as first argument or {@code DATE}
 * (yyyy-MM-dd, default today in UTC).
 *
 * <p>The day is read in slices of {@link #SLICE} by span start time, page by page; the same aggregator as the
 * collector's remembers the spans of at most the current and the previous slice, capped at {@code maxEntries}
 * (64 MiB by default), so memory does not grow with the day's volume. Children whose parent is further away are
 * resolved by reading their trace.
 */
public final class DependenciesJob {
  static final Duration SLICE = Duration.ofHours(1);
  static final int PAGE_SIZE = 1000;

  private final Function<String, String> env;

  DependenciesJob(Function<String, String> env) {
    this.env = env;
  }

  public static void main(String[] args) {
    try {
      Result r = new DependenciesJob(System::getenv).run(args);
      System.out.println("Wrote " + r.links().size() + " dependency links (" + r.spans() + " spans read) for "
          + r.day());
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(2);
    } catch (Exception e) {
      System.err.println("error: " + e);
      System.exit(1);
    }
  }

  /** What a run found and wrote. */
  public record Result(LocalDate day, long spans, List<DependencyLink> links) {}

  /** Runs the job as {@link #main} does, with {@code env} standing for the environment. */
  public static Result run(Function<String, String> env, String... args) throws Exception {
    return new DependenciesJob(env).run(args);
  }

  Result run(String[] args) throws Exception {
    LocalDate day = day(args);
    String storage = get("STORAGE", "cassandra").trim().toLowerCase(Locale.ROOT);
    Map<String, String> flags = new HashMap<>();
    switch (storage) {
      case "elasticsearch", "opensearch" -> {
        String nodes = get("ES_NODES", "http://localhost:9200");
        flags.put("es.server-urls", withScheme(nodes));
        put(flags, "es.index-prefix", "ES_INDEX_PREFIX");
        put(flags, "es.username", "ES_USERNAME");
        put(flags, "es.password", "ES_PASSWORD");
        put(flags, "es.use-aliases", "ES_USE_ALIASES");
        put(flags, "es.index-date-separator", "ES_INDEX_DATE_SEPARATOR");
      }
      case "cassandra" -> {
        flags.putAll(contactPoints(get("CASSANDRA_CONTACT_POINTS", "localhost")));
        flags.put("cassandra.keyspace", get("CASSANDRA_KEYSPACE", "jaeger_v1_dc1"));
        put(flags, "cassandra.local-dc", "CASSANDRA_LOCAL_DC");
        put(flags, "cassandra.username", "CASSANDRA_USERNAME");
        put(flags, "cassandra.password", "CASSANDRA_PASSWORD");
        put(flags, "cassandra.tls.enabled", "CASSANDRA_USE_SSL");
      }
      default -> throw new IllegalArgumentException("STORAGE=" + storage
          + " (expected: elasticsearch, opensearch or cassandra)");
    }
    StorageRegistry registry = StorageRegistry.load(DependenciesJob.class.getClassLoader());
    StorageProvider provider = registry.provider(storage);
    Settings settings = Settings.defaults(provider.flags(), flags);
    try (StorageFactory f = provider.open(storage, settings,
        new StorageContext(new SimpleMeterRegistry(), Clock.systemUTC()))) {
      SpanScanner scanner = f.spanScanner().orElseThrow(() -> new IllegalArgumentException(
          "STORAGE=" + storage + ": reading spans in bulk is not supported for this backend yet"));
      DependencyWriter writer = f.dependencyWriter().orElseThrow(() -> new IllegalArgumentException(
          "STORAGE=" + storage + ": writing dependencies is not supported for this backend yet"));
      return run(day, scanner, writer, DependencyAggregation.readerLookup(f.spanReader()),
          AggregatorOptions.DEFAULT_MAX_ENTRIES);
    }
  }

  /** Reads the day slice by slice and writes its links under the day's start. */
  static Result run(LocalDate day, SpanScanner scanner, DependencyWriter writer,
      DependencyAggregator.ParentLookup lookup, int maxEntries) throws Exception {
    long sliceMillis = SLICE.toMillis();
    // entries are stamped with the end of their slice and live two slices: those of the previous slice are there
    // while the current one is read, older ones leave on the first offer of the next slice
    DependencyAggregator aggregator = new DependencyAggregator(2 * sliceMillis, maxEntries,
        AggregatorOptions.DEFAULT_MAX_LOOKUPS);
    long startMillis = day.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    long endMillis = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    long[] spans = {0};
    for (long from = startMillis; from < endMillis; from += sliceMillis) {
      long to = Math.min(from + sliceMillis, endMillis);
      long now = to;
      scanner.scan(Tenants.DEFAULT, TimeUnit.MILLISECONDS.toMicros(from), TimeUnit.MILLISECONDS.toMicros(to),
          PAGE_SIZE, page -> {
            spans[0] += page.size();
            aggregator.offer(Tenants.DEFAULT, page, now);
          });
      aggregator.tick(now, lookup); // the slice before the previous one leaves memory
    }
    aggregator.expireAll(lookup);
    List<DependencyLink> links = aggregator.drain().getOrDefault(Tenants.DEFAULT, List.of());
    writer.writeDependencies(Tenants.DEFAULT, TimeUnit.MILLISECONDS.toMicros(startMillis), links);
    return new Result(day, spans[0], links);
  }

  private LocalDate day(String[] args) {
    String raw = args.length > 0 ? args[0] : get("DATE", "");
    if (raw.isBlank()) {
      return LocalDate.now(ZoneOffset.UTC);
    }
    try {
      return LocalDate.parse(raw.trim());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("date \"" + raw + "\" (expected: YYYY-MM-DD)");
    }
  }

  private String get(String name, String def) {
    String v = env.apply(name);
    return v == null || v.isEmpty() ? def : v;
  }

  private void put(Map<String, String> flags, String flag, String var) {
    String v = env.apply(var);
    if (v != null && !v.isEmpty()) {
      flags.put(flag, v);
    }
  }

  /**
   * Spark's CASSANDRA_CONTACT_POINTS: {@code host[:port],...}; the hosts become {@code cassandra.servers} and the
   * first port given becomes {@code cassandra.port} (one port for all, as the Spark connector has).
   */
  static Map<String, String> contactPoints(String points) {
    Map<String, String> out = new HashMap<>();
    StringBuilder hosts = new StringBuilder();
    for (String p : points.split(",")) {
      p = p.trim();
      if (p.isEmpty()) {
        continue;
      }
      int colon = p.lastIndexOf(':');
      if (colon > 0 && p.indexOf(':') == colon) { // host:port (a bare IPv6 address has several colons)
        String port = p.substring(colon + 1);
        if (!port.chars().allMatch(Character::isDigit) || port.isEmpty()) {
          throw new IllegalArgumentException("CASSANDRA_CONTACT_POINTS: bad port in \"" + p + "\"");
        }
        out.putIfAbsent("cassandra.port", port);
        p = p.substring(0, colon);
      }
      hosts.append(hosts.length() > 0 ? "," : "").append(p);
    }
    out.put("cassandra.servers", hosts.toString());
    return out;
  }

  /** Spark's ES_NODES names hosts with or without a scheme; our client needs one. */
  static String withScheme(String nodes) {
    StringBuilder b = new StringBuilder();
    for (String n : nodes.split(",")) {
      n = n.trim();
      if (n.isEmpty()) {
        continue;
      }
      if (b.length() > 0) {
        b.append(',');
      }
      b.append(n.contains("://") ? n : "http://" + n);
    }
    return b.toString();
  }
}
