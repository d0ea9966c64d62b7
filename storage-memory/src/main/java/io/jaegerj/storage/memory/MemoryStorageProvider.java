// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.memory;

import io.jaegerj.config.Flag;
import io.jaegerj.config.Settings;
import io.jaegerj.storage.StorageContext;
import io.jaegerj.storage.StorageFactory;
import io.jaegerj.storage.StorageProvider;
import java.util.List;

/** {@code SPAN_STORAGE_TYPE=memory}: in-process storage, lost on exit. Discovered through {@link java.util.ServiceLoader}. */
public final class MemoryStorageProvider implements StorageProvider {
  static final Flag MAX_TRACES = Flag.integer("memory.max-traces", 0,
      "The maximum amount of traces to store in memory. The default number of traces is unbounded.");

  @Override
  public List<String> types() {
    return List.of("memory");
  }

  @Override
  public List<Flag> flags() {
    return List.of(MAX_TRACES);
  }

  @Override
  public StorageFactory open(String type, Settings settings, StorageContext context) {
    if (!"memory".equals(type)) {
      throw new IllegalArgumentException("type: " + type + " (expected: memory)");
    }
    return new MemoryStorageFactory(new MemoryConfig(settings.getInt(MAX_TRACES.name())), context);
  }
}
