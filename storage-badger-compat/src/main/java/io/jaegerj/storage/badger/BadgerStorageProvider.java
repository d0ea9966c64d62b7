// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.badger;

import io.jaegerj.config.Flag;
import io.jaegerj.config.Settings;
import io.jaegerj.storage.StorageContext;
import io.jaegerj.storage.StorageFactory;
import io.jaegerj.storage.StorageProvider;
import java.util.List;

/**
 * {@code SPAN_STORAGE_TYPE=badger}: embedded persistent storage with Jaeger's {@code badger.*} flags, on RocksDB.
 * Registered through {@link java.util.ServiceLoader}.
 */
public final class BadgerStorageProvider implements StorageProvider {
  @Override
  public List<String> types() {
    return List.of("badger");
  }

  @Override
  public List<Flag> flags() {
    return BadgerOptions.flags();
  }

  @Override
  public StorageFactory open(String type, Settings settings, StorageContext context) throws Exception {
    if (!"badger".equals(type)) {
      throw new IllegalArgumentException("type: " + type + " (expected: badger)");
    }
    return BadgerStorageFactory.open(BadgerOptions.from(settings), context);
  }
}
