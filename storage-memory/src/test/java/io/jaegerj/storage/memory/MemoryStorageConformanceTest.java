// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.memory;

import io.jaegerj.config.Settings;
import io.jaegerj.storage.StorageContext;
import io.jaegerj.storage.StorageFactory;
import io.jaegerj.storage.conformance.StorageConformanceSuite;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.Map;

/** Memory storage passes the whole conformance suite, with no skipped cases. */
class MemoryStorageConformanceTest extends StorageConformanceSuite {
  @Override
  protected StorageFactory openFactory() {
    MemoryStorageProvider provider = new MemoryStorageProvider();
    return provider.open("memory", Settings.defaults(provider.flags(), Map.of()),
        new StorageContext(new SimpleMeterRegistry(), Clock.systemUTC()));
  }
}
