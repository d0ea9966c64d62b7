// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.pipeline;

import io.jaegerj.model.KeyValue;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Parses {@code collector.tags}: {@code k=v,k2=${ENV_VAR:default}}. */
public final class CollectorTags {
  private CollectorTags() {}

  /**
   * Parses the flag value. A {@code ${VAR}} reference without a default whose variable is unset or empty drops the
   * entry, as Jaeger does.
   *
   * @param env looks up environment variables (null when unset)
   * @throws IllegalArgumentException for an entry without {@code =}
   */
  public static List<KeyValue> parse(String raw, Function<String, String> env) {
    List<KeyValue> out = new ArrayList<>();
    if (raw == null || raw.isBlank()) {
      return out;
    }
    for (String entry : raw.split(",")) {
      String e = entry.trim();
      if (e.isEmpty()) {
        continue;
      }
      int eq = e.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("collector.tags: invalid tag \"" + e + "\" (expected: key=value)");
      }
      String key = e.substring(0, eq).trim();
      String value = e.substring(eq + 1).trim();
      if (value.startsWith("${") && value.endsWith("}")) {
        String ref = value.substring(2, value.length() - 1);
        int colon = ref.indexOf(':');
        String var = colon < 0 ? ref : ref.substring(0, colon);
        String fromEnv = env.apply(var.trim());
        if (fromEnv != null && !fromEnv.isEmpty()) {
          value = fromEnv;
        } else if (colon >= 0) {
          value = ref.substring(colon + 1);
        } else {
          continue;
        }
      }
      out.add(KeyValue.string(key, value));
    }
    return out;
  }
}
