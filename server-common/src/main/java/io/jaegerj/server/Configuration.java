// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server;

import io.jaegerj.config.Flag;
import io.jaegerj.config.Settings;
import io.jaegerj.model.GoDuration;
import io.jaegerj.server.net.HostPort;
import io.jaegerj.storage.StorageProvider;
import io.jaegerj.storage.StorageRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Resolves every flag of a binary: command line, then environment, then config file, then default (viper's order),
 * checking each value against its {@link Flag.Type} so that a bad value fails at start naming its flag.
 *
 * @param settings the resolved values
 * @param userAssigned names whose value did not come from the default
 * @param flags the registered flags, in registration order
 * @param selection the storage backends whose flags were registered
 */
record Configuration(Settings settings, Set<String> userAssigned, List<Flag> flags,
    StorageSelection selection) {

  /** Common flags, then each module's, then each selected backend's; duplicates must agree on the default. */
  static List<Flag> flags(BinarySpec spec, StorageSelection selection, StorageRegistry registry,
      Map<String, String> env) {
    Map<String, Flag> byName = new LinkedHashMap<>();
    for (Flag f : CommonFlags.of(spec)) {
      add(byName, f);
    }
    for (ServerModule m : spec.modules()) {
      for (Flag f : m.flags(env)) {
        add(byName, f);
      }
    }
    Map<StorageProvider, Boolean> seen = new IdentityHashMap<>();
    for (String type : selection.allTypes()) {
      StorageProvider p = registry.provider(type);
      if (seen.put(p, Boolean.TRUE) == null) {
        for (Flag f : p.flags()) {
          add(byName, f);
        }
      }
    }
    return List.copyOf(byName.values());
  }

  private static void add(Map<String, Flag> byName, Flag f) {
    Flag prev = byName.putIfAbsent(f.name(), f);
    if (prev != null && !prev.defaultValue().equals(f.defaultValue())) {
      throw new IllegalStateException("flag --" + f.name() + " declared twice with defaults \""
          + prev.defaultValue() + "\" and \"" + f.defaultValue() + "\"");
    }
  }

  /**
   * @param cli values given on the command line, by flag name
   * @param env the process environment
   * @param readFile whether to read {@code --config-file} (the main command does; sub-commands do not)
   */
  static Configuration resolve(List<Flag> flags, StorageSelection selection, Map<String, String> cli,
      Map<String, String> env, boolean readFile) {
    Map<String, String> file = Map.of();
    String fileName = "";
    if (readFile) {
      fileName = cli.getOrDefault(CommonFlags.CONFIG_FILE, env.getOrDefault(Flag.envName(CommonFlags.CONFIG_FILE), ""));
      if (!fileName.isEmpty()) {
        file = ConfigFile.load(Path.of(fileName));
      }
    }
    Map<String, String> values = new HashMap<>();
    Set<String> user = new TreeSet<>();
    for (Flag f : flags) {
      String v = cli.get(f.name());
      String where = "for \"--" + f.name() + "\" flag";
      if (v == null) {
        String e = env.get(f.envName());
        if (e != null && !e.isEmpty()) {
          v = e;
          where = "of environment variable " + f.envName() + " for flag --" + f.name();
        }
      }
      if (v == null) {
        String fv = file.get(f.name().toLowerCase(Locale.ROOT));
        if (fv != null) {
          v = fv;
          where = "for flag --" + f.name() + " in config file " + fileName;
        }
      }
      if (v == null) {
        values.put(f.name(), f.defaultValue());
        continue;
      }
      String why = problem(f, v);
      if (why != null) {
        throw new IllegalArgumentException("invalid argument \"" + v + "\" " + where + ": " + why);
      }
      values.put(f.name(), v);
      user.add(f.name());
    }
    Settings settings = new Settings(values);
    checkCommon(settings);
    return new Configuration(settings, Collections.unmodifiableSet(user), flags, selection);
  }

  /** Why a value does not fit the flag's type, or null. Messages follow Go's strconv and time packages. */
  static String problem(Flag f, String v) {
    switch (f.type()) {
      case BOOL:
        try {
          Settings.parseBool(v);
          return null;
        } catch (IllegalArgumentException e) {
          return "strconv.ParseBool: parsing \"" + v + "\": invalid syntax";
        }
      case INT:
        try {
          Long.parseLong(v.trim());
          return null;
        } catch (NumberFormatException e) {
          return "strconv.ParseInt: parsing \"" + v + "\": invalid syntax";
        }
      case FLOAT:
        try {
          Double.parseDouble(v.trim());
          return null;
        } catch (NumberFormatException e) {
          return "strconv.ParseFloat: parsing \"" + v + "\": invalid syntax";
        }
      case DURATION:
        try {
          GoDuration.parse(v.trim());
          return null;
        } catch (RuntimeException e) {
          return "time: invalid duration \"" + v + "\"";
        }
      case HOST_PORT:
        return v.isEmpty() ? null : HostPort.problem(v);
      default:
        return null;
    }
  }

  private static void checkCommon(Settings s) {
    if (!s.has(CommonFlags.LOG_LEVEL)) {
      return; // a sub-command with its own flags only
    }
    String level = s.getString(CommonFlags.LOG_LEVEL);
    if (!CommonFlags.LOG_LEVELS.contains(level.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException("invalid argument \"" + level + "\" for \"--log-level\" flag: unrecognized"
          + " level: \"" + level + "\" (expected one of " + CommonFlags.LOG_LEVELS + ")");
    }
    String enc = s.getString(CommonFlags.LOG_ENCODING);
    if (!enc.equals("json") && !enc.equals("console")) {
      throw new IllegalArgumentException("invalid argument \"" + enc + "\" for \"--log-encoding\" flag: no encoder"
          + " registered for name \"" + enc + "\" (expected json or console)");
    }
    String backend = s.getString(CommonFlags.METRICS_BACKEND);
    if (!backend.equals("prometheus") && !backend.equals("none")) {
      throw new IllegalArgumentException("invalid argument \"" + backend + "\" for \"--metrics-backend\" flag:"
          + " unsupported metrics backend (expected prometheus or none)");
    }
  }

  /** Sorted names and values for print-config. */
  List<String[]> table(boolean all) {
    List<String[]> rows = new ArrayList<>();
    new TreeMap<>(settings.asMap()).forEach((k, v) -> {
      if (all || !v.isEmpty()) {
        rows.add(new String[] {k, v, userAssigned.contains(k) ? "user-assigned" : "default"});
      }
    });
    return rows;
  }
}
