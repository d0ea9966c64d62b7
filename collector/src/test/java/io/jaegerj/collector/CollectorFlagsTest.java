// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.config.Flag;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Our flags against the recorded jaeger-collector 1.74 reference (../shared beside the repository). */
class CollectorFlagsTest {
  /**
   * Ours only: the legacy agent's sampling port, which 1.74 no longer has, the acknowledgement mode and span metrics
   * (all in server-common's golden extensions.txt).
   */
  static final List<String> NOT_IN_JAEGER_174 = List.of("agent.http-server.host-port", "collector.acknowledge",
      "collector.span-metrics.enabled");

  @Test
  void flags_matchJaegerReferenceNamesAndDefaults() throws Exception {
    Path ref = locate("reference/jaeger-cli-1.74/jaeger-collector.yaml");
    Assumptions.assumeTrue(ref != null, "shared/reference not found beside the repository");
    Map<String, String> defaults = parse(Files.readString(ref));
    List<Flag> ours = CollectorFlags.all();
    assertThat(ours).extracting(Flag::name).doesNotHaveDuplicates();
    for (Flag f : ours) {
      if (NOT_IN_JAEGER_174.contains(f.name())) {
        continue;
      }
      assertThat(defaults).as(f.name()).containsKey(f.name());
      assertThat(f.defaultValue()).as(f.name()).isEqualTo(defaults.get(f.name()));
    }
    for (String name : defaults.keySet()) {
      boolean core = name.startsWith("collector.") && !name.startsWith("collector.zipkin.")
          || name.startsWith("sampling.");
      if (core) {
        assertThat(ours).extracting(Flag::name).as("missing " + name).contains(name);
      }
    }
  }

  private static Map<String, String> parse(String yaml) {
    Map<String, String> out = new HashMap<>();
    Matcher m = Pattern.compile("- name: (\\S+)\\n(?:\\s+shorthand: \\S+\\n)?(?:\\s+default_value: (.*)\\n)?")
        .matcher(yaml);
    while (m.find()) {
      String d = m.group(2) == null ? "" : m.group(2).trim();
      if (d.startsWith("\"") && d.endsWith("\"")) {
        d = d.substring(1, d.length() - 1);
      }
      out.put(m.group(1), d);
    }
    return out;
  }

  static Path locate(String rel) {
    Path p = Path.of("").toAbsolutePath();
    for (int i = 0; i < 5 && p != null; i++, p = p.getParent()) {
      Path c = p.resolveSibling("shared").resolve(rel);
      if (Files.exists(c)) {
        return c;
      }
      c = p.resolve("shared").resolve(rel);
      if (Files.exists(c)) {
        return c;
      }
    }
    return null;
  }
}
