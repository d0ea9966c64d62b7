// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server;

import io.jaegerj.storage.StorageRegistry;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which backends a binary opens, read from the selector environment variables before any flag is parsed (their
 * flags only exist once the backends are known).
 *
 * @param spanTypes {@code SPAN_STORAGE_TYPE} entries; all are written, the first is read and archived
 * @param dependencyType {@code DEPENDENCY_STORAGE_TYPE}, default the first span type
 * @param samplingType {@code SAMPLING_STORAGE_TYPE}, or "" for the first opened backend with a sampling store
 * @param warnings lines for stderr (deprecated flag, several span types)
 */
record StorageSelection(List<String> spanTypes, String dependencyType, String samplingType, List<String> warnings) {
  static final String SPAN_STORAGE_TYPE = "SPAN_STORAGE_TYPE";
  static final String DEPENDENCY_STORAGE_TYPE = "DEPENDENCY_STORAGE_TYPE";
  static final String SAMPLING_STORAGE_TYPE = "SAMPLING_STORAGE_TYPE";

  /** Every distinct type to open, span types first. */
  Set<String> allTypes() {
    Set<String> s = new LinkedHashSet<>(spanTypes);
    s.add(dependencyType);
    if (!samplingType.isEmpty()) {
      s.add(samplingType);
    }
    return s;
  }

  /**
   * @throws IllegalArgumentException for an unknown type, in Jaeger's wording
   */
  static StorageSelection resolve(BinarySpec spec, String[] args, Map<String, String> env, StorageRegistry registry) {
    List<String> warnings = new ArrayList<>();
    String span = env.getOrDefault(SPAN_STORAGE_TYPE, "");
    if (span.isEmpty()) {
      String legacy = legacyFlag(args);
      if (legacy != null) {
        warnings.add("WARNING: found deprecated command line option --span-storage.type=" + legacy
            + ", please use environment variable SPAN_STORAGE_TYPE instead");
        span = legacy;
      }
    }
    if (span.isEmpty()) {
      span = spec.defaultSpanStorageType();
    }
    List<String> types = new ArrayList<>();
    for (String t : span.split(",", -1)) {
      check(registry, t);
      if (!types.contains(t)) {
        types.add(t);
      }
    }
    if (types.size() > 1) {
      warnings.add("WARNING: multiple span storage types have been specified. Only the first type (" + types.get(0)
          + ") will be used for reading and archiving.");
    }
    String dep = env.getOrDefault(DEPENDENCY_STORAGE_TYPE, "");
    if (dep.isEmpty()) {
      dep = types.get(0);
    }
    check(registry, dep);
    String sampling = env.getOrDefault(SAMPLING_STORAGE_TYPE, "");
    if (!sampling.isEmpty()) {
      check(registry, sampling);
    }
    return new StorageSelection(List.copyOf(types), dep, sampling, List.copyOf(warnings));
  }

  private static void check(StorageRegistry registry, String type) {
    if (!registry.types().contains(type)) {
      throw new IllegalArgumentException("Cannot initialize storage factory: unknown storage type " + type
          + ". Valid types are [" + String.join(" ", registry.types()) + "]");
    }
  }

  /** {@code --span-storage.type=X} or {@code --span-storage.type X} (one or two dashes), as Jaeger scans argv. */
  private static String legacyFlag(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String bare = a.startsWith("--") ? a.substring(2) : a.startsWith("-") ? a.substring(1) : null;
      if (bare == null) {
        continue;
      }
      if (bare.startsWith("span-storage.type=")) {
        return bare.substring("span-storage.type=".length());
      }
      if (bare.equals("span-storage.type") && i + 1 < args.length) {
        return args[i + 1];
      }
    }
    return null;
  }
}
