// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.allinone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.jaegerj.config.Flag;
import io.jaegerj.server.BinarySpec;
import io.jaegerj.server.JaegerMain;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compares each binary's flags (with memory storage) with Jaeger 1.74's CLI reference: every flag we declare exists
 * there with the same default, and every reference flag we do not declare yet is listed in
 * {@code server-common/src/test/resources/golden/not-yet-implemented-<binary>.txt}. A listed flag that is now
 * declared fails the test too, so the lists only shrink.
 *
 * <p>Regenerate the lists with {@code -Djaegerj.golden.regenerate=true} (see README); mismatching defaults and
 * unknown flags still fail.
 */
class GoldenFlagsTest {
  static final boolean REGENERATE = Boolean.getBoolean("jaegerj.golden.regenerate");

  /**
   * Variants whose reference is one of Jaeger's storage-specific files ({@code jaeger-<variant>.yaml}): variant →
   * binary and the {@code SPAN_STORAGE_TYPE} it runs with.
   */
  static final Map<String, String[]> STORAGE_VARIANTS = Map.of("collector-kafka", new String[] {"collector", "kafka"},
      "ingester-elasticsearch", new String[] {"ingester", "elasticsearch"});

  @ParameterizedTest
  @ValueSource(strings = {"all-in-one", "collector", "query", "ingester", "collector-kafka", "ingester-elasticsearch"})
  void flags_matchJaegerReference(String binary) throws IOException {
    String[] variant = STORAGE_VARIANTS.get(binary);
    Map<String, String> reference = variant == null ? reference(binary)
        : read(Binaries.cliReference().resolve("jaeger-" + binary + ".yaml"));
    checkFlags(binary, variant == null ? binary : variant[0],
        Map.of("SPAN_STORAGE_TYPE", variant == null ? "memory" : variant[1]), reference,
        Binaries.goldenDir().resolve("not-yet-implemented-" + binary + ".txt"));
  }

  /** The cassandra variants (jaeger-&lt;binary&gt;-cassandra.yaml): every cassandra flag is declared. */
  @ParameterizedTest
  @ValueSource(strings = {"all-in-one", "collector", "query"})
  void cassandraFlags_matchJaegerReference(String binary) throws IOException {
    checkFlags(binary + "-cassandra", binary, Map.of("SPAN_STORAGE_TYPE", "cassandra"),
        read(Binaries.cliReference().resolve("jaeger-" + binary + "-cassandra.yaml")),
        Binaries.goldenDir().resolve("not-yet-implemented-" + binary + "-cassandra.txt"));
  }

  /**
   * The prometheus variants: the binary with {@code METRICS_STORAGE_TYPE=prometheus}; the reference is the memory
   * variant plus the {@code prometheus.*} flags of Jaeger's {@code jaeger-<binary>-prometheus.yaml}.
   */
  @ParameterizedTest
  @ValueSource(strings = {"all-in-one", "query"})
  void prometheusFlags_matchJaegerReference(String binary) throws IOException {
    Map<String, String> reference = new TreeMap<>(reference(binary));
    read(Binaries.cliReference().resolve("jaeger-" + binary + "-prometheus.yaml")).forEach((k, v) -> {
      if (k.startsWith("prometheus.")) {
        reference.put(k, v);
      }
    });
    assertThat(reference).containsKey("prometheus.server-url");
    checkFlags(binary + "-prometheus", binary, Map.of("SPAN_STORAGE_TYPE", "memory", "METRICS_STORAGE_TYPE", "prometheus"),
        reference, Binaries.goldenDir().resolve("not-yet-implemented-" + binary + "-prometheus.txt"));
  }

  /**
   * The adaptive variant: the collector with {@code SAMPLING_CONFIG_TYPE=adaptive} against Jaeger's
   * {@code jaeger-collector-adaptive.yaml} (storage flags swapped for memory's, as in {@link #reference}): the
   * adaptive {@code sampling.*} flags with Jaeger's defaults replace the file provider's.
   */
  @org.junit.jupiter.api.Test
  void adaptiveFlags_matchJaegerReference() throws IOException {
    Map<String, String> reference = read(Binaries.cliReference().resolve("jaeger-collector-adaptive.yaml"));
    reference.keySet().removeIf(n -> n.startsWith("cassandra.") || n.startsWith("cassandra-archive."));
    read(Binaries.cliReference().resolve("jaeger-all-in-one-memory.yaml")).forEach((k, v) -> {
      if (k.startsWith("memory.")) {
        reference.put(k, v);
      }
    });
    assertThat(reference).containsEntry("sampling.target-samples-per-second", "1")
        .doesNotContainKey("sampling.strategies-file");
    checkFlags("collector-adaptive", "collector", Map.of("SPAN_STORAGE_TYPE", "memory",
        "SAMPLING_CONFIG_TYPE", "adaptive"), reference,
        Binaries.goldenDir().resolve("not-yet-implemented-collector-adaptive.txt"));
  }

  /**
   * The adaptive {@code sampling.*} flags carry Jaeger's help texts, and {@code help} with
   * {@code SAMPLING_CONFIG_TYPE=adaptive} lists them (and not the file provider's) in both binaries that sample.
   */
  @ParameterizedTest
  @ValueSource(strings = {"collector", "all-in-one"})
  void adaptiveFlags_usageAndHelp(String binary) throws IOException {
    Map<String, String> usage = usages("collector-adaptive");
    Map<String, String> env = Map.of("SPAN_STORAGE_TYPE", "memory", "SAMPLING_CONFIG_TYPE", "adaptive");
    List<String> problems = new ArrayList<>();
    int seen = 0;
    for (Flag f : JaegerMain.flags(Binaries.all().get(binary), env)) {
      if (f.name().startsWith("sampling.")) {
        seen++;
        if (!f.usage().trim().equals(usage.get(f.name()))) {
          problems.add("--" + f.name() + " usage \"" + f.usage() + "\", Jaeger has \"" + usage.get(f.name()) + "\"");
        }
      }
    }
    assertThat(seen).isEqualTo(11);
    assertThat(problems).isEmpty();

    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(sink, true, StandardCharsets.UTF_8);
    assertThat(JaegerMain.run(Binaries.all().get(binary), new String[] {"help"}, env, ps, ps)).isZero();
    assertThat(sink.toString(StandardCharsets.UTF_8))
        .contains("--sampling.target-samples-per-second", "--sampling.leader-lease-refresh-interval",
            "--sampling.min-samples-per-second", "0.016666666666666666")
        .doesNotContain("--sampling.strategies-file");
  }

  /**
   * Compares the flags {@code binary} declares in environment {@code env} against {@code reference};
   * {@code variant} names the reference in messages.
   */
  private static void checkFlags(String variant, String binary, Map<String, String> env,
      Map<String, String> reference, Path listFile) throws IOException {
    String storage = String.join(", ", new TreeMap<>(env).values());
    Map<String, String> ours = new TreeMap<>();
    for (Flag f : JaegerMain.flags(Binaries.all().get(binary), env)) {
      ours.put(f.name(), f.defaultValue());
    }

    List<String> problems = new ArrayList<>();
    TreeSet<String> extensions = readList(Binaries.goldenDir().resolve("extensions.txt"));
    for (Map.Entry<String, String> e : ours.entrySet()) {
      String ref = reference.get(e.getKey());
      if (ref == null && extensions.contains(e.getKey())) {
        continue;
      }
      if (ref == null) {
        problems.add("--" + e.getKey() + " is not a Jaeger 1.74 flag of jaeger-" + binary
            + " (list deliberate additions in extensions.txt)");
      } else if (!ref.equals(e.getValue())) {
        problems.add("--" + e.getKey() + " default \"" + e.getValue() + "\", Jaeger has \"" + ref + "\"");
      }
    }
    TreeSet<String> missing = new TreeSet<>(reference.keySet());
    missing.removeAll(ours.keySet());

    if (REGENERATE) {
      Files.createDirectories(listFile.getParent());
      StringBuilder b = new StringBuilder("# Jaeger 1.74 flags of jaeger-" + binary
          + " (" + storage + " storage) that jaegerj does not declare yet. Only ever shrink this list;\n"
          + "# regenerate with -Djaegerj.golden.regenerate=true (see README).\n");
      missing.forEach(n -> b.append(n).append('\n'));
      Files.writeString(listFile, b.toString(), StandardCharsets.UTF_8);
    } else {
      TreeSet<String> listed = readList(listFile);
      for (String n : missing) {
        if (!listed.contains(n)) {
          problems.add("--" + n + " is missing and not listed in " + listFile.getFileName());
        }
      }
      for (String n : listed) {
        if (ours.containsKey(n)) {
          problems.add("--" + n + " is implemented now: remove it from " + listFile.getFileName());
        } else if (!reference.containsKey(n)) {
          problems.add("--" + n + " is listed in " + listFile.getFileName() + " but is not a Jaeger flag");
        }
      }
    }
    assertThat(problems).as("flag differences for jaeger-" + binary + " with " + storage + " storage").isEmpty();
  }

  /**
   * With {@code SPAN_STORAGE_TYPE=grpc} the binary registers Jaeger 1.74's {@code grpc-storage.*} and
   * {@code grpc-storage-archive.*} flags with Jaeger's defaults in place of the memory ones, and nothing else
   * changes. The reference has no grpc variant, so the grpc flag table comes from the storage spec (§5.1).
   */
  @ParameterizedTest
  @ValueSource(strings = {"all-in-one", "collector", "query"})
  void grpcStorage_flagsMatchJaegerReference(String binary) {
    Map<String, String> memory = new TreeMap<>();
    for (Flag f : JaegerMain.flags(Binaries.all().get(binary), Map.of("SPAN_STORAGE_TYPE", "memory"))) {
      memory.put(f.name(), f.defaultValue());
    }
    Map<String, String> grpc = new TreeMap<>();
    for (Flag f : JaegerMain.flags(Binaries.all().get(binary), Map.of("SPAN_STORAGE_TYPE", "grpc"))) {
      grpc.put(f.name(), f.defaultValue());
    }
    Map<String, String> expected = new TreeMap<>(memory);
    expected.keySet().removeIf(n -> n.startsWith("memory."));
    expected.putAll(grpcStorageReference());
    assertThat(grpc).isEqualTo(expected);

    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(sink, true, StandardCharsets.UTF_8);
    assertThat(JaegerMain.run(Binaries.all().get(binary), new String[] {"help"},
        Map.of("SPAN_STORAGE_TYPE", "grpc"), ps, ps)).isZero();
    assertThat(sink.toString(StandardCharsets.UTF_8))
        .contains("--grpc-storage.server", "--grpc-storage.connection-timeout", "--grpc-storage-archive.enabled",
            "--grpc-storage.tls.skip-host-verify")
        .doesNotContain("--memory.max-traces");
  }

  /** Jaeger 1.74's grpc storage flags and defaults (storage-other.md §5.1). */
  static Map<String, String> grpcStorageReference() {
    Map<String, String> m = new TreeMap<>();
    for (String p : List.of("grpc-storage", "grpc-storage-archive")) {
      m.put(p + ".server", "");
      m.put(p + ".connection-timeout", "5s");
      m.put(p + ".tls.enabled", "false");
      m.put(p + ".tls.ca", "");
      m.put(p + ".tls.cert", "");
      m.put(p + ".tls.key", "");
      m.put(p + ".tls.server-name", "");
      m.put(p + ".tls.skip-host-verify", "false");
    }
    m.put("grpc-storage-archive.enabled", "false");
    return m;
  }

  /** Every deliberate addition listed in extensions.txt is declared by some binary and is not a Jaeger flag. */
  @org.junit.jupiter.api.Test
  void extensions_areDeclaredAndNotJaegerFlags() throws IOException {
    TreeSet<String> declared = new TreeSet<>();
    TreeSet<String> jaeger = new TreeSet<>();
    for (String binary : List.of("all-in-one", "collector", "query", "ingester")) {
      for (String storage : List.of("memory", "cassandra")) {
        for (Flag f : JaegerMain.flags(Binaries.all().get(binary), Map.of("SPAN_STORAGE_TYPE", storage))) {
          declared.add(f.name());
        }
      }
      jaeger.addAll(reference(binary).keySet());
      jaeger.addAll(read(Binaries.cliReference().resolve("jaeger-" + binary + "-cassandra.yaml")).keySet());
    }
    TreeSet<String> extensions = readList(Binaries.goldenDir().resolve("extensions.txt"));
    assertThat(extensions).isNotEmpty();
    assertThat(declared).containsAll(extensions);
    assertThat(extensions).doesNotContainAnyElementsOf(jaeger);
  }

  /** The runtime's own flags (no module, a flagless backend) must also carry Jaeger's help texts. */
  @ParameterizedTest
  @ValueSource(strings = {"all-in-one", "collector", "query", "ingester"})
  void commonFlags_usageMatchesJaegerReference(String binary) throws IOException {
    BinarySpec full = Binaries.all().get(binary);
    BinarySpec bare = new BinarySpec(full.name(), full.description(), full.defaultSpanStorageType(),
        full.defaultAdminHostPort(), full.pipelineFlags(), List.of());
    Map<String, String> usage = usages(binary);
    List<String> problems = new ArrayList<>();
    for (Flag f : JaegerMain.flags(bare, Map.of("SPAN_STORAGE_TYPE", NoopStorageProvider.TYPE))) {
      String ref = usage.get(f.name());
      if (ref == null) {
        problems.add("--" + f.name() + " is not a Jaeger 1.74 flag");
      } else if (!ref.equals(f.usage())) {
        problems.add("--" + f.name() + " usage \"" + f.usage() + "\", Jaeger has \"" + ref + "\"");
      }
    }
    assertThat(problems).isEmpty();
  }

  /** Storage flags of the storage-specific variants carry Jaeger's help texts too. */
  @ParameterizedTest
  @ValueSource(strings = {"collector-kafka", "ingester-elasticsearch"})
  void storageFlags_usageMatchesJaegerReference(String binary) throws IOException {
    String[] variant = STORAGE_VARIANTS.get(binary);
    Map<String, String> usage = usages(binary);
    List<String> problems = new ArrayList<>();
    for (Flag f : JaegerMain.flags(Binaries.all().get(variant[0]), Map.of("SPAN_STORAGE_TYPE", variant[1]))) {
      if (f.name().startsWith(variant[1] + ".") && !f.usage().equals(usage.get(f.name()))) {
        problems.add("--" + f.name() + " usage \"" + f.usage() + "\", Jaeger has \"" + usage.get(f.name()) + "\"");
      }
    }
    assertThat(problems).isEmpty();
  }

  /** The {@code prometheus.*} flags carry Jaeger's help texts too. */
  @ParameterizedTest
  @ValueSource(strings = {"all-in-one", "query"})
  void prometheusFlags_usageMatchesJaegerReference(String binary) throws IOException {
    Map<String, String> usage = usages(binary + "-prometheus");
    List<String> problems = new ArrayList<>();
    int seen = 0;
    for (Flag f : JaegerMain.flags(Binaries.all().get(binary),
        Map.of("SPAN_STORAGE_TYPE", "memory", "METRICS_STORAGE_TYPE", "prometheus"))) {
      if (!f.name().startsWith("prometheus.")) {
        continue;
      }
      seen++;
      if (!f.usage().trim().equals(usage.get(f.name()))) {
        problems.add("--" + f.name() + " usage \"" + f.usage() + "\", Jaeger has \"" + usage.get(f.name()) + "\"");
      }
    }
    assertThat(seen).isEqualTo(15);
    assertThat(problems).isEmpty();
  }

  /** The sub-commands documented by {@code docs --format=yaml} have exactly Jaeger's options. */
  @ParameterizedTest
  @ValueSource(strings = {"all-in-one", "collector", "query", "ingester"})
  void docs_subCommandOptionsMatchJaegerReference(String binary, @TempDir Path dir) throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(sink, true, StandardCharsets.UTF_8);
    int code = JaegerMain.run(Binaries.all().get(binary), new String[] {"docs", "--format=yaml", "--dir=" + dir},
        Map.of("SPAN_STORAGE_TYPE", "memory"), ps, ps);
    assertThat(code).as(sink.toString(StandardCharsets.UTF_8)).isZero();
    for (String sub : List.of("status", "print-config")) {
      String file = "jaeger-" + binary + "_" + sub + ".yaml";
      assertThat(options(dir.resolve(file))).as(file)
          .isEqualTo(options(Binaries.cliReference().resolve(file)));
    }
  }

  private static List<String> options(Path yaml) throws IOException {
    List<String> out = new ArrayList<>();
    for (JsonNode o : new YAMLMapper().readTree(yaml.toFile()).get("options")) {
      out.add(o.get("name").asText() + "|" + (o.has("shorthand") ? o.get("shorthand").asText() : "") + "|"
          + (o.has("default_value") ? o.get("default_value").asText().trim() : "") + "|"
          + o.get("usage").asText().trim());
    }
    return out;
  }

  static Map<String, String> usages(String binary) throws IOException {
    JsonNode doc = new YAMLMapper().readTree(Binaries.cliReference().resolve("jaeger-" + binary + ".yaml").toFile());
    Map<String, String> out = new TreeMap<>();
    for (JsonNode o : doc.get("options")) {
      JsonNode u = o.get("usage");
      out.put(o.get("name").asText(), u == null ? "" : u.asText().trim());
    }
    return out;
  }

  static TreeSet<String> readList(Path file) throws IOException {
    TreeSet<String> out = new TreeSet<>();
    if (!Files.exists(file)) {
      return out;
    }
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String l = line.trim();
      if (!l.isEmpty() && !l.startsWith("#")) {
        out.add(l);
      }
    }
    return out;
  }

  /** Flag name → default for the binary with memory storage; {@code help} is left out (it is not a setting). */
  static Map<String, String> reference(String binary) throws IOException {
    Path dir = Binaries.cliReference();
    Map<String, String> allInOneMemory = read(dir.resolve("jaeger-all-in-one-memory.yaml"));
    if (binary.equals("all-in-one")) {
      return allInOneMemory;
    }
    // The reference has collector and query with their default (cassandra) storage only: swap the storage flags.
    Map<String, String> m = read(dir.resolve("jaeger-" + binary + ".yaml"));
    m.keySet().removeIf(n -> n.startsWith("cassandra.") || n.startsWith("cassandra-archive."));
    allInOneMemory.forEach((k, v) -> {
      if (k.startsWith("memory.")) {
        m.put(k, v);
      }
    });
    return m;
  }

  static Map<String, String> read(Path yaml) throws IOException {
    JsonNode doc = new YAMLMapper().readTree(yaml.toFile());
    Map<String, String> out = new TreeMap<>();
    for (JsonNode o : doc.get("options")) {
      String name = o.get("name").asText();
      if (name.equals("help")) {
        continue;
      }
      JsonNode d = o.get("default_value");
      out.put(name, d == null ? "" : d.asText().trim());
    }
    return out;
  }
}
