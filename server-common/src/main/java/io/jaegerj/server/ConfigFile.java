// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server;

import com.bertramlabs.plugins.hcl4j.HCLParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Reads {@code --config-file}: JSON, YAML, TOML, HCL or Java properties, chosen by extension as viper does. Nested
 * maps and flat dotted keys both yield flag names ({@code admin: {http: {host-port: ":1"}}} and
 * {@code "admin.http.host-port": ":1"}); keys are matched case-insensitively; lists become comma lists.
 */
final class ConfigFile {
  private ConfigFile() {}

  /** Flattened values keyed by lower-case dotted name. */
  static Map<String, String> load(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    Map<String, String> out = new TreeMap<>();
    try {
      switch (ext) {
        case "json":
          flatten("", new ObjectMapper().readTree(file.toFile()), out);
          break;
        case "yaml":
        case "yml":
          flatten("", new YAMLMapper().readTree(file.toFile()), out);
          break;
        case "toml":
          flatten("", new TomlMapper().readTree(file.toFile()), out);
          break;
        case "hcl":
        case "tfvars":
          flattenObject("", new HCLParser().parse(file.toFile(), StandardCharsets.UTF_8), out);
          break;
        case "properties":
        case "props":
        case "prop":
          Properties p = new Properties();
          try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
          }
          for (String k : p.stringPropertyNames()) {
            out.put(k.toLowerCase(Locale.ROOT), p.getProperty(k).trim());
          }
          break;
        default:
          throw new IllegalArgumentException("Unsupported Config Type \"" + ext + "\"");
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot load config file " + file + ": " + e.getMessage(), e);
    } catch (Exception e) {
      String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
      throw new IllegalArgumentException("cannot load config file " + file + ": " + msg, e);
    }
    return out;
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return;
    }
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> it = node.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        flatten(join(prefix, e.getKey()), e.getValue(), out);
      }
    } else if (node.isArray()) {
      StringBuilder b = new StringBuilder();
      for (JsonNode el : node) {
        if (b.length() > 0) {
          b.append(',');
        }
        b.append(el.isValueNode() ? el.asText() : el.toString());
      }
      out.put(prefix, b.toString());
    } else {
      out.put(prefix, node.asText());
    }
  }

  private static void flattenObject(String prefix, Object value, Map<String, String> out) {
    if (value == null) {
      return;
    }
    if (value instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        flattenObject(join(prefix, String.valueOf(e.getKey())), e.getValue(), out);
      }
    } else if (value instanceof List<?> l) {
      // HCL repeats a block as a list of maps; a list of scalars is a flag list.
      boolean maps = !l.isEmpty() && l.stream().allMatch(x -> x instanceof Map);
      if (maps) {
        for (Object x : l) {
          flattenObject(prefix, x, out);
        }
      } else {
        StringBuilder b = new StringBuilder();
        for (Object x : l) {
          if (b.length() > 0) {
            b.append(',');
          }
          b.append(scalar(x));
        }
        out.put(prefix, b.toString());
      }
    } else {
      out.put(prefix, scalar(value));
    }
  }

  private static String scalar(Object x) {
    if (x instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) {
      return Long.toString(d.longValue());
    }
    return String.valueOf(x);
  }

  private static String join(String prefix, String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return prefix.isEmpty() ? k : prefix + "." + k;
  }
}
