// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {
  private final Settings settings = Settings.defaults(List.of(Flag.bool("a.enabled", true, "on"),
      Flag.integer("a.size", 3, "size")), Map.of());

  @Test
  void get_undeclaredFlag_failsNamingIt() {
    assertThatThrownBy(() -> settings.getString("b.size")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown flag: --b.size");
    assertThatThrownBy(() -> settings.getBool("b.enabled")).hasMessage("unknown flag: --b.enabled");
    assertThatThrownBy(() -> settings.getInt("b.size")).hasMessage("unknown flag: --b.size");
    assertThatThrownBy(() -> settings.getDuration("b.timeout")).hasMessage("unknown flag: --b.timeout");
    assertThatThrownBy(() -> settings.getList("b.list")).hasMessage("unknown flag: --b.list");
  }

  @Test
  void get_declaredFlag_typedValue() {
    assertThat(settings.getBool("a.enabled")).isTrue();
    assertThat(settings.getInt("a.size")).isEqualTo(3);
  }

  @Test
  void get_malformedValue_failsNamingFlagAndValue() {
    Settings s = new Settings(Map.of("a.size", "many"));
    assertThatThrownBy(() -> s.getInt("a.size")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid value \"many\" for flag --a.size");
  }
}
