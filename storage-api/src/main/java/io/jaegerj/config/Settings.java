// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.config;

import io.jaegerj.model.GoDuration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Resolved flag values (command line, then environment, then config file, then default), already checked against
 * each flag's {@link Flag.Type}. Typed getters throw {@link IllegalArgumentException} naming the flag when a name is
 * unknown or a value does not parse. Immutable.
 */
public final class Settings {
  private final Map<String, String> values;

  public Settings(Map<String, String> values) {
    this.values = Map.copyOf(values);
  }

  /** Settings that hold only the flags' defaults, overridden by {@code overrides}; handy in tests. */
  public static Settings defaults(List<Flag> flags, Map<String, String> overrides) {
    Map<String, String> m = new HashMap<>();
    for (Flag f : flags) {
      m.put(f.name(), f.defaultValue());
    }
    m.putAll(overrides);
    return new Settings(m);
  }

  public boolean has(String name) {
    return values.containsKey(name);
  }

  public String getString(String name) {
    String v = values.get(name);
    if (v == null) {
      throw new IllegalArgumentException("unknown flag: --" + name);
    }
    return v;
  }

  public boolean getBool(String name) {
    return parse(name, Settings::parseBool);
  }

  public int getInt(String name) {
    return parse(name, s -> Math.toIntExact(Long.parseLong(s.trim())));
  }

  public long getLong(String name) {
    return parse(name, s -> Long.parseLong(s.trim()));
  }

  public double getDouble(String name) {
    return parse(name, s -> Double.parseDouble(s.trim()));
  }

  public Duration getDuration(String name) {
    return parse(name, GoDuration::parse);
  }

  /** A comma list; {@code []} and "" are empty; surrounding brackets are accepted as Jaeger prints them. */
  public List<String> getList(String name) {
    return parseList(getString(name));
  }

  public static List<String> parseList(String raw) {
    String s = raw.trim();
    if (s.startsWith("[") && s.endsWith("]")) {
      s = s.substring(1, s.length() - 1);
    }
    List<String> out = new ArrayList<>();
    for (String part : s.split(",")) {
      String p = part.trim();
      if (!p.isEmpty()) {
        out.add(p);
      }
    }
    return out;
  }

  /** Go's strconv.ParseBool set. */
  public static boolean parseBool(String s) {
    switch (s.trim()) {
      case "1": case "t": case "T": case "true": case "TRUE": case "True":
        return true;
      case "0": case "f": case "F": case "false": case "FALSE": case "False":
        return false;
      default:
        throw new IllegalArgumentException("invalid syntax for a boolean: \"" + s + "\"");
    }
  }

  private <T> T parse(String name, Function<String, T> parser) {
    String v = getString(name);
    try {
      return parser.apply(v);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("invalid value \"" + v + "\" for flag --" + name + ": " + e.getMessage(), e);
    }
  }

  /** All values, for print-config. */
  public Map<String, String> asMap() {
    return values;
  }
}
