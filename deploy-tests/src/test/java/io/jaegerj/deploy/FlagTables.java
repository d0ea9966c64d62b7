// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.jaegerj.allinone.AllInOneMain;
import io.jaegerj.collector.CollectorMain;
import io.jaegerj.config.Flag;
import io.jaegerj.ingester.IngesterMain;
import io.jaegerj.query.QueryMain;
import io.jaegerj.remotestorage.RemoteStorageMain;
import io.jaegerj.server.BinarySpec;
import io.jaegerj.server.JaegerMain;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The flags (name to default) each image's binary accepts for a given {@code SPAN_STORAGE_TYPE}, read from the
 * binary itself ({@code help}): all-in-one, collector, query, ingester and remote-storage. Where a binary is not a
 * Java main of this tree (the Cassandra schema tool) or a storage type's module has not landed, the table comes from
 * Jaeger 1.74's reference flag lists ({@code shared/reference/jaeger-cli-1.74}, found as the golden flag tests find
 * it); {@link #source} says which.
 */
final class FlagTables {
  static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  private static final Path GOLDEN = cliReference();
  private static final Pattern HELP_LINE = Pattern.compile("^\\s+(?:-\\w, )?--([a-z0-9][a-z0-9._-]*)\\b(.*)$");
  private static final Pattern DEFAULT = Pattern.compile("\\(default \"?([^\")]*)\"?\\)\\s*$");

  /** Variables the binaries read that are not flags. */
  static final Set<String> NON_FLAG_ENV = Set.of("SPAN_STORAGE_TYPE", "METRICS_STORAGE_TYPE", "SAMPLING_CONFIG_TYPE",
      "JAVA_OPTS", "JAVA_DEBUG_OPTS");

  /**
   * The variables of Jaeger's jaegertracing/jaeger-cassandra-schema image (its docker.sh and create.sh), which our
   * schema tool image must accept; the tool's module (storage-cassandra) is not in this tree yet.
   */
  static final Set<String> CASSANDRA_SCHEMA_ENV = Set.of("CQLSH_HOST", "CQLSH_PORT", "CQLSH_SSL", "MODE",
      "DATACENTER", "KEYSPACE", "REPLICATION_FACTOR", "REPLICATION", "TRACE_TTL", "DEPENDENCIES_TTL",
      "COMPACTION_WINDOW", "VERSION", "CASSANDRA_USERNAME", "CASSANDRA_PASSWORD");

  private final Map<String, Map<String, String>> cache = new HashMap<>();
  final Map<String, String> source = new LinkedHashMap<>();

  /** {@code $JAEGERJ_SHARED/reference/jaeger-cli-1.74}, else the first {@code shared/} beside the repository. */
  private static Path cliReference() {
    String env = System.getenv("JAEGERJ_SHARED");
    if (env != null && !env.isEmpty()) {
      return Path.of(env, "reference", "jaeger-cli-1.74");
    }
    for (Path p = ROOT.getParent(); p != null; p = p.getParent()) {
      Path candidate = p.resolve("shared").resolve("reference").resolve("jaeger-cli-1.74");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("cannot find shared/reference/jaeger-cli-1.74 beside " + ROOT
        + " or its parents; set JAEGERJ_SHARED");
  }

  /** Flag name to default ("" when none) of {@code image} started with {@code SPAN_STORAGE_TYPE=storage}. */
  Map<String, String> flags(String image, String storage) {
    return cache.computeIfAbsent(image + "|" + storage, k -> load(image, storage));
  }

  private Map<String, String> load(String image, String storage) {
    switch (image) {
      case "all-in-one":
        return fromBinary(image, AllInOneMain.spec(), storage, "all-in-one");
      case "jaeger-collector":
        return fromBinary(image, CollectorMain.spec(), storage, "collector");
      case "jaeger-query":
        return fromBinary(image, QueryMain.spec(), storage, "query");
      case "jaeger-ingester":
        return fromBinary(image, IngesterMain.spec(), storage, "ingester");
      case "jaeger-remote-storage":
        return fromBinary(image, RemoteStorageMain.spec(), storage, "remote-storage");
      case "jaeger-es-index-cleaner":
        return toolFlags(image, "io.jaegerj.storage.es.EsIndexCleaner");
      case "jaeger-es-rollover":
        return toolFlags(image, "io.jaegerj.storage.es.EsRollover");
      case "jaeger-cassandra-schema": {
        source.put(image, "Jaeger's jaeger-cassandra-schema variables");
        return Map.of();
      }
      default:
        throw new IllegalArgumentException("no binary behind image " + image);
    }
  }

  private Map<String, String> fromBinary(String image, BinarySpec spec, String storage, String referenceName) {
    Map<String, String> env = storage.isEmpty() ? Map.of() : Map.of("SPAN_STORAGE_TYPE", storage);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc = JaegerMain.run(spec, new String[] {"help"}, env, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    String errText = err.toString(StandardCharsets.UTF_8);
    if (rc != 0 && errText.contains("unknown storage type")) {
      // The backend's module has not landed in this tree: use Jaeger's reference list for that binary and storage.
      return fromReference(image, "jaeger-" + referenceName, storage);
    }
    if (rc != 0) {
      throw new IllegalStateException(spec.name() + " help failed: " + errText);
    }
    Map<String, String> flags = new LinkedHashMap<>();
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      Matcher m = HELP_LINE.matcher(line);
      if (m.matches() && !m.group(1).equals("help")) {
        Matcher d = DEFAULT.matcher(m.group(2));
        flags.put(m.group(1), d.find() ? d.group(1) : "");
      }
    }
    if (flags.size() < 20) {
      throw new IllegalStateException(spec.name() + " help listed only " + flags.keySet());
    }
    source.put(image + "|" + storage, "our binary (" + spec.name() + " help)");
    return flags;
  }

  private Map<String, String> fromReference(String image, String binary, String storage) {
    Path p = GOLDEN.resolve(binary + (storage.isEmpty() ? "" : "-" + storage) + ".yaml");
    if (!Files.exists(p)) {
      p = GOLDEN.resolve(binary + ".yaml");
    }
    try {
      JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(p.toFile());
      Map<String, String> flags = new LinkedHashMap<>();
      for (JsonNode o : doc.path("options")) {
        flags.put(o.path("name").asText(), o.path("default_value").asText(""));
      }
      source.put(image + "|" + storage, "Jaeger reference " + p.getFileName());
      return flags;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private Map<String, String> toolFlags(String image, String className) {
    try {
      Field f = Class.forName(className).getDeclaredField("FLAGS");
      f.setAccessible(true);
      source.put(image, "our tool (" + className + ".FLAGS)");
      return new LinkedHashMap<>((Map<String, String>) f.get(null));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The environment variable names that set flags of the table. */
  static Set<String> envNames(Map<String, String> flags) {
    Set<String> names = new HashSet<>();
    for (String f : flags.keySet()) {
      names.add(Flag.envName(f));
    }
    return names;
  }

  /** Ports the table opens by default: every {@code *host-port} flag with a default {@code [host]:port}. */
  static Map<Integer, String> defaultPorts(Map<String, String> flags) {
    Map<Integer, String> ports = new LinkedHashMap<>();
    flags.forEach((name, def) -> {
      if (name.endsWith("host-port") && def.matches(".*:\\d+")) {
        ports.put(Integer.parseInt(def.substring(def.lastIndexOf(':') + 1)), name);
      }
    });
    return ports;
  }

  static List<String> storages(String spanStorageType) {
    return List.of(spanStorageType.split(","));
  }
}
