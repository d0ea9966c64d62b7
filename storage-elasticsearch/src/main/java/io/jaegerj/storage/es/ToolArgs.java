// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es;

import io.jaegerj.config.Flag;
import io.jaegerj.config.Settings;
import io.jaegerj.tls.ClientTlsConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Command-line parsing shared by es-rollover and es-index-cleaner: {@code --name=value} or {@code --name value}
 * (booleans may be bare), then the environment variable of the flag (upper case, {@code .}/{@code -} as
 * {@code _}), then the default. Positional arguments are kept in order.
 */
final class ToolArgs {
  final List<String> positional = new ArrayList<>();
  private final Map<String, String> values = new HashMap<>();
  private final Map<String, String> defaults = new HashMap<>();

  ToolArgs(String[] args, Map<String, String> env, Map<String, String> flagDefaults) {
    defaults.putAll(flagDefaults);
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.startsWith("--") || (a.startsWith("-") && a.length() > 1 && !Character.isDigit(a.charAt(1)))) {
        String body = a.substring(a.startsWith("--") ? 2 : 1);
        int eq = body.indexOf('=');
        String name = eq < 0 ? body : body.substring(0, eq);
        if (!defaults.containsKey(name)) {
          throw new IllegalArgumentException("unknown flag: --" + name);
        }
        String value;
        if (eq >= 0) {
          value = body.substring(eq + 1);
        } else if (isBool(defaults.get(name))) {
          value = "true";
        } else if (i + 1 < args.length) {
          value = args[++i];
        } else {
          throw new IllegalArgumentException("flag needs an argument: --" + name);
        }
        values.put(name, value);
      } else {
        positional.add(a);
      }
    }
    for (String name : defaults.keySet()) {
      if (!values.containsKey(name)) {
        String e = env.get(Flag.envName(name));
        if (e != null) {
          values.put(name, e);
        }
      }
    }
  }

  private static boolean isBool(String v) {
    return "true".equals(v) || "false".equals(v);
  }

  String get(String name) {
    String v = values.get(name);
    return v != null ? v : defaults.get(name);
  }

  boolean bool(String name) {
    return Settings.parseBool(get(name));
  }

  int integer(String name) {
    try {
      return Integer.parseInt(get(name).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid value \"" + get(name) + "\" for flag --" + name, e);
    }
  }

  /** The {@code es.tls.*} flags both tools take, with Jaeger's defaults. */
  static void addTlsFlags(Map<String, String> flags) {
    for (Flag f : ClientTlsConfig.flags("es")) {
      flags.put(f.name(), f.defaultValue());
    }
  }

  /** The client TLS settings of {@code es.tls.*}, or null when {@code es.tls.enabled} is false. */
  ClientTlsConfig tls() {
    Map<String, String> v = new HashMap<>();
    for (Flag f : ClientTlsConfig.flags("es")) {
      v.put(f.name(), get(f.name()));
    }
    return ClientTlsConfig.from(new Settings(v), "es").orElse(null);
  }

  /** Jaeger's tools append {@code -} to every non-empty prefix. */
  static String prefix(String p) {
    return p.isEmpty() ? p : p + "-";
  }
}
