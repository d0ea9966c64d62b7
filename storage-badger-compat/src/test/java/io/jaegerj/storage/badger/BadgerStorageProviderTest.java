// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.badger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jaegerj.config.Flag;
import io.jaegerj.config.Settings;
import io.jaegerj.storage.StorageContext;
import io.jaegerj.storage.StorageProvider;
import io.jaegerj.storage.StorageRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.File;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BadgerStorageProviderTest {
  /** badger.* flags and defaults printed by jaeger-all-in-one 1.74 (SPAN_STORAGE_TYPE=badger). */
  private static final Map<String, String> JAEGER_DEFAULTS = new LinkedHashMap<>();

  static {
    JAEGER_DEFAULTS.put("badger.consistency", "false");
    JAEGER_DEFAULTS.put("badger.directory-key", "/go/bin/data/keys");
    JAEGER_DEFAULTS.put("badger.directory-value", "/go/bin/data/values");
    JAEGER_DEFAULTS.put("badger.ephemeral", "true");
    JAEGER_DEFAULTS.put("badger.maintenance-interval", "5m0s");
    JAEGER_DEFAULTS.put("badger.metrics-update-interval", "10s");
    JAEGER_DEFAULTS.put("badger.read-only", "false");
    JAEGER_DEFAULTS.put("badger.span-store-ttl", "72h0m0s");
  }

  @Test
  void serviceLoader_findsBadgerType() {
    StorageProvider p = StorageRegistry.load(getClass().getClassLoader()).provider("badger");
    assertThat(p).isInstanceOf(BadgerStorageProvider.class);
    assertThat(p.types()).containsExactly("badger");
  }

  @Test
  void flags_matchJaegerNamesAndDefaults() {
    Map<String, String> ours = new LinkedHashMap<>();
    for (Flag f : new BadgerStorageProvider().flags()) {
      ours.put(f.name(), f.defaultValue());
      assertThat(f.usage()).isNotBlank();
    }
    assertThat(ours.keySet()).containsExactlyElementsOf(JAEGER_DEFAULTS.keySet());
    for (Map.Entry<String, String> e : JAEGER_DEFAULTS.entrySet()) {
      if (e.getKey().startsWith("badger.directory-")) {
        // Jaeger prints <directory of the executable>/data/...; /go/bin is where its image keeps the binary.
        String suffix = e.getValue().substring("/go/bin".length());
        assertThat(ours.get(e.getKey())).endsWith(suffix.replace('/', File.separatorChar));
        assertThat(Path.of(ours.get(e.getKey())).isAbsolute()).isTrue();
      } else {
        assertThat(ours.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
      }
    }
    assertThat(Flag.envName("badger.span-store-ttl")).isEqualTo("BADGER_SPAN_STORE_TTL");
  }

  @Test
  void open_otherType_rejected() {
    Settings s = Settings.defaults(BadgerOptions.flags(), Map.of());
    assertThatThrownBy(() -> new BadgerStorageProvider().open("memory", s,
        new StorageContext(new SimpleMeterRegistry(), Clock.systemUTC())))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void options_fromDefaults() {
    BadgerOptions o = BadgerOptions.from(Settings.defaults(BadgerOptions.flags(), Map.of()));
    assertThat(o.ephemeral()).isTrue();
    assertThat(o.spanStoreTtl()).hasHours(72);
    assertThat(o.maintenanceInterval()).hasMinutes(5);
    assertThat(o.metricsUpdateInterval()).hasSeconds(10);
    assertThat(o.consistency()).isFalse();
    assertThat(o.readOnly()).isFalse();
  }
}
