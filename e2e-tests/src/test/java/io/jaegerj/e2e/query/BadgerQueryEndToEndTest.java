// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.e2e.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same end-to-end checks (golden /api answers, api_v3 over HTTP, gRPC api_v2 and api_v3) with the all-in-one on
 * the embedded persistent store ({@code SPAN_STORAGE_TYPE=badger}, not ephemeral) instead of memory.
 */
final class BadgerQueryEndToEndTest extends QueryEndToEndTest {
  @TempDir
  static Path dir;

  @Override
  Map<String, String> storageEnv() {
    return Map.of(
        "SPAN_STORAGE_TYPE", "badger",
        "BADGER_EPHEMERAL", "false",
        "BADGER_DIRECTORY_KEY", dir.resolve("keys").toString(),
        "BADGER_DIRECTORY_VALUE", dir.resolve("values").toString());
  }

  @Test
  void storage_isTheOnDiskStoreInTheGivenDirectories() {
    // proves the answers above came from the persistent store, not a silent fallback to memory
    assertThat(dir.resolve("keys").resolve("CURRENT")).isRegularFile();
    assertThat(Files.isDirectory(dir.resolve("values"))).isTrue();
  }
}
