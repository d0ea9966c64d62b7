// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.badger;

import io.jaegerj.config.Settings;
import io.jaegerj.storage.StorageContext;
import io.jaegerj.storage.StorageFactory;
import io.jaegerj.storage.conformance.StorageConformanceSuite;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/**
 * The shared conformance suite against a persistent (non-ephemeral) store in a temporary directory, so the on-disk
 * configuration is the one exercised. Skipped: the archive tenant case (badger has no
 * archive; see the README).
 */
class BadgerStorageConformanceTest extends StorageConformanceSuite {
  private Path dir;

  @Override
  protected StorageFactory openFactory() throws Exception {
    dir = Files.createTempDirectory("badger-conformance");
    BadgerStorageProvider provider = new BadgerStorageProvider();
    Settings settings = Settings.defaults(provider.flags(), Map.of(
        "badger.ephemeral", "false",
        "badger.directory-key", dir.resolve("keys").toString(),
        "badger.directory-value", dir.resolve("values").toString()));
    return provider.open("badger", settings, new StorageContext(new SimpleMeterRegistry(), Clock.systemUTC()));
  }

  @Override
  protected Map<String, String> skippedCases() {
    return Map.of("tenants_archive_keepsTenantsApart", "badger has no archive storage (as in Jaeger)");
  }

  @AfterAll
  void removeDirectory() throws Exception {
    // Runs after the suite's own @AfterAll closed the factory (subclass callbacks run last).
    if (dir != null) {
      BadgerDb.deleteRecursively(dir);
    }
  }
}
