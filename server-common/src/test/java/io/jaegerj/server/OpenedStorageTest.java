// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.config.Flag;
import io.jaegerj.config.Settings;
import io.jaegerj.storage.StorageContext;
import io.jaegerj.storage.StorageFactory;
import io.jaegerj.storage.StorageProvider;
import io.jaegerj.storage.StorageRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpenedStorageTest {
  /** {@code test-a} is locally durable (as persistent badger is), {@code test-b} is not. */
  private static final class DurabilityProvider implements StorageProvider {
    private final TestStorageProvider delegate = new TestStorageProvider();

    @Override
    public List<String> types() {
      return delegate.types();
    }

    @Override
    public List<Flag> flags() {
      return delegate.flags();
    }

    @Override
    public StorageFactory open(String type, Settings settings, StorageContext context) {
      return new TestStorageProvider.Opened(type, settings) {
        @Override
        public boolean localDurable() {
          return type.equals("test-a");
        }
      };
    }
  }

  private static boolean localDurable(List<String> spanTypes) throws Exception {
    DurabilityProvider p = new DurabilityProvider();
    StorageSelection selection = new StorageSelection(spanTypes, spanTypes.get(0), "", List.of());
    try (OpenedStorage s = OpenedStorage.open(selection, StorageRegistry.of(List.of(p)),
        Settings.defaults(p.flags(), Map.of()), new StorageContext(new SimpleMeterRegistry(), Clock.systemUTC()))) {
      return s.localDurable();
    }
  }

  @Test
  void localDurable_onlyWhenTheOneSpanStorageIs() throws Exception {
    assertThat(localDurable(List.of("test-a"))).isTrue();
    assertThat(localDurable(List.of("test-b"))).isFalse();
    assertThat(localDurable(List.of("test-a", "test-b"))).as("a second, remote copy").isFalse();
    assertThat(localDurable(List.of("test-b", "test-a"))).isFalse();
  }
}
