// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/** Finds storage providers on the class path by type name. */
public final class StorageRegistry {
  private final Map<String, StorageProvider> byType = new LinkedHashMap<>();

  private StorageRegistry(Iterable<StorageProvider> providers) {
    for (StorageProvider p : providers) {
      for (String t : p.types()) {
        byType.putIfAbsent(t, p);
      }
    }
  }

  /** Every provider visible to the given class loader. */
  public static StorageRegistry load(ClassLoader loader) {
    return new StorageRegistry(ServiceLoader.load(StorageProvider.class, loader));
  }

  public static StorageRegistry of(List<StorageProvider> providers) {
    return new StorageRegistry(providers);
  }

  /** The type names that can be selected here. */
  public List<String> types() {
    return new ArrayList<>(byType.keySet());
  }

  /**
   * The provider for a type name.
   *
   * @throws IllegalArgumentException with Jaeger's wording when no provider has that type
   */
  public StorageProvider provider(String type) {
    StorageProvider p = byType.get(type);
    if (p == null) {
      throw new IllegalArgumentException("unknown storage type " + type + ". Valid types are " + types());
    }
    return p;
  }

  /**
   * Parses a {@code SPAN_STORAGE_TYPE} value: a comma list, entries not trimmed (as Jaeger does), duplicates removed.
   *
   * @throws IllegalArgumentException for an empty list or an unknown type
   */
  public List<String> parseTypes(String spanStorageType) {
    List<String> out = new ArrayList<>();
    for (String t : spanStorageType.split(",", -1)) {
      provider(t);
      if (!out.contains(t)) {
        out.add(t);
      }
    }
    return out;
  }
}
