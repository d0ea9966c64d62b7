// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.cassandra;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Jaeger's schema v004 rendered from {@code v004.cql.tmpl} (the template {@code schema/create.sh} also uses) with
 * the parameters of Jaeger's {@code create.sh}. Every statement is {@code IF NOT EXISTS}, so applying it twice is
 * harmless.
 *
 * @param keyspace keyspace name, {@code [a-zA-Z0-9_]+}
 * @param replication CQL replication map literal
 * @param traceTtlSeconds default TTL of span, name and index tables
 * @param dependenciesTtlSeconds default TTL of {@code dependencies_v2} (0 = none)
 * @param compactionWindowSize TWCS window size of {@code traces}
 * @param compactionWindowUnit {@code MINUTES}, {@code HOURS} or {@code DAYS}
 */
record Schema(String keyspace, String replication, long traceTtlSeconds, long dependenciesTtlSeconds,
    long compactionWindowSize, String compactionWindowUnit) {
  private static final Pattern KEYSPACE = Pattern.compile("[a-zA-Z0-9_]+");
  private static final Pattern WINDOW = Pattern.compile("([0-9]+)([mhd])");

  Schema {
    Objects.requireNonNull(replication, "replication");
    if (keyspace == null || !KEYSPACE.matcher(keyspace).matches()) {
      throw new IllegalArgumentException("invalid characters in KEYSPACE=" + keyspace
          + " parameter, please use letters, digits or underscores");
    }
    if (traceTtlSeconds < 0 || dependenciesTtlSeconds < 0) {
      throw new IllegalArgumentException("TRACE_TTL and DEPENDENCIES_TTL must be >= 0 seconds");
    }
    if (compactionWindowSize < 1) {
      throw new IllegalArgumentException("compaction window: " + compactionWindowSize + " (expected: >= 1)");
    }
  }

  /** What {@code schema.create} uses: test-mode replication (SimpleStrategy, one replica), Jaeger's default TTLs. */
  static Schema forTests(String keyspace) {
    return fromEnv(Map.of("MODE", "test", "KEYSPACE", keyspace));
  }

  /**
   * The parameters from create.sh's environment variables: {@code MODE} (required, prod|test), {@code DATACENTER},
   * {@code KEYSPACE}, {@code REPLICATION_FACTOR}, {@code REPLICATION}, {@code TRACE_TTL}, {@code DEPENDENCIES_TTL},
   * {@code COMPACTION_WINDOW}, {@code VERSION}.
   *
   * @throws IllegalArgumentException with create.sh's message for a missing or invalid value
   */
  static Schema fromEnv(Map<String, String> env) {
    String mode = env.getOrDefault("MODE", "");
    String replication = env.getOrDefault("REPLICATION", "");
    String datacenter;
    String factor;
    switch (mode) {
      case "prod":
        datacenter = env.getOrDefault("DATACENTER", "");
        if (replication.isEmpty() && datacenter.isEmpty()) {
          throw new IllegalArgumentException("missing DATACENTER parameter for prod mode");
        }
        factor = env.getOrDefault("REPLICATION_FACTOR", "2");
        if (replication.isEmpty()) {
          replication = "{'class': 'NetworkTopologyStrategy', '" + datacenter + "': '" + number("REPLICATION_FACTOR",
              factor) + "' }";
        }
        break;
      case "test":
        datacenter = env.getOrDefault("DATACENTER", "test");
        factor = env.getOrDefault("REPLICATION_FACTOR", "1");
        if (replication.isEmpty()) {
          replication = "{'class': 'SimpleStrategy', 'replication_factor': '" + number("REPLICATION_FACTOR", factor)
              + "'}";
        }
        break;
      default:
        throw new IllegalArgumentException("missing MODE parameter (prod or test), got \"" + mode + "\"");
    }
    long traceTtl = number("TRACE_TTL", env.getOrDefault("TRACE_TTL", "172800"));
    long depTtl = number("DEPENDENCIES_TTL", env.getOrDefault("DEPENDENCIES_TTL", "0"));
    String keyspace = env.getOrDefault("KEYSPACE", "jaeger_v1_" + datacenter);
    String version = env.getOrDefault("VERSION", "4").replaceAll("[^0-9]", "");
    if (!version.equals("4") && !version.equals("5")) {
      throw new IllegalArgumentException("unsupported VERSION=" + env.get("VERSION")
          + ": this tool provides schema v004 (Cassandra 4.x and 5.x)");
    }
    String window = env.getOrDefault("COMPACTION_WINDOW", "");
    long size;
    String unit;
    if (window.isEmpty()) {
      size = (traceTtl + 1799) / 1800;
      unit = "MINUTES";
    } else {
      Matcher m = WINDOW.matcher(window);
      if (!m.matches()) {
        throw new IllegalArgumentException("invalid COMPACTION_WINDOW=" + window
            + ", expected a number followed by m, h or d");
      }
      size = Long.parseLong(m.group(1));
      unit = switch (m.group(2)) {
        case "m" -> "MINUTES";
        case "h" -> "HOURS";
        default -> "DAYS";
      };
    }
    return new Schema(keyspace, replication, traceTtl, depTtl, Math.max(1, size), unit);
  }

  private static long number(String name, String value) {
    try {
      long v = Long.parseLong(value.trim());
      if (v < 0) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + "=" + value + " (expected: a whole number >= 0)");
    }
  }

  /** The CQL text, comments removed. */
  String render() {
    String t = template();
    StringBuilder out = new StringBuilder(t.length());
    for (String line : t.split("\n", -1)) {
      int c = line.indexOf("--");
      out.append(c >= 0 ? line.substring(0, c) : line).append('\n');
    }
    return out.toString()
        .replace("${keyspace}", keyspace)
        .replace("${replication}", replication)
        .replace("${trace_ttl}", Long.toString(traceTtlSeconds))
        .replace("${dependencies_ttl}", Long.toString(dependenciesTtlSeconds))
        .replace("${compaction_window_size}", Long.toString(compactionWindowSize))
        .replace("${compaction_window_unit}", compactionWindowUnit)
        .replaceAll("\n{3,}", "\n\n");
  }

  /** The statements of {@link #render()}, without the terminating semicolons. */
  List<String> statements() {
    List<String> out = new ArrayList<>();
    for (String s : render().split(";")) {
      String t = s.strip();
      if (!t.isEmpty()) {
        out.add(t);
      }
    }
    return out;
  }

  private static String template() {
    try (InputStream in = Schema.class.getResourceAsStream("v004.cql.tmpl")) {
      if (in == null) {
        throw new IllegalStateException("v004.cql.tmpl missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
