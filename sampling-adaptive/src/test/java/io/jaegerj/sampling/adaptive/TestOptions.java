// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.sampling.adaptive;

import io.jaegerj.config.Settings;
import java.util.Map;

/** Options as the collector builds them from its flags: Jaeger's defaults with {@code overrides} applied. */
final class TestOptions {
  private TestOptions() {}

  static AdaptiveOptions adaptive(Map<String, String> overrides) {
    return AdaptiveOptions.from(Settings.defaults(AdaptiveFlags.all(), overrides));
  }
}
