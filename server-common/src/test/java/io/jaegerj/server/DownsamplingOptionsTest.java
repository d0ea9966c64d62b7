// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jaegerj.config.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DownsamplingOptionsTest {
  @Test
  void from_declaredFlags() {
    DownsamplingOptions o = DownsamplingOptions.from(Settings.defaults(DownsamplingOptions.flags(),
        Map.of("downsampling.ratio", "0.25", "downsampling.hashsalt", "pepper")));
    assertThat(o.ratio()).isEqualTo(0.25);
    assertThat(o.hashSalt()).isEqualTo("pepper");
    assertThat(DownsamplingOptions.from(Settings.defaults(DownsamplingOptions.flags(), Map.of())))
        .isEqualTo(new DownsamplingOptions(1, ""));
  }

  @Test
  void from_binaryWithoutTheFlags_failsAtStartNamingTheFlag() {
    assertThatThrownBy(() -> DownsamplingOptions.from(new Settings(Map.of())))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("unknown flag: --downsampling.ratio");
  }
}
