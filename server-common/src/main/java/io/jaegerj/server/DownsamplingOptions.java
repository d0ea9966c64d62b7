// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server;

import io.jaegerj.config.Flag;
import io.jaegerj.config.Settings;
import java.util.List;

/**
 * The {@code downsampling.*} flags that the binaries with a span pipeline (collector, ingester, all-in-one) declare
 * (Jaeger registers them with the storage flags), read once. Validation and Jaeger's fallbacks for out-of-range
 * values stay with the pipeline that applies them.
 *
 * @param ratio {@code downsampling.ratio}: fraction of traces passed to storage
 * @param hashSalt {@code downsampling.hashsalt}: salt of the trace-ID hash, "" for the pipeline's default
 */
public record DownsamplingOptions(double ratio, String hashSalt) {
  static final String RATIO = "downsampling.ratio";
  static final String HASH_SALT = "downsampling.hashsalt";

  static List<Flag> flags() {
    return List.of(
        Flag.floating(RATIO, "1",
            "Ratio of spans passed to storage after downsampling (between 0 and 1), e.g ratio = 0.3 means we are"
                + " keeping 30% of spans and dropping 70% of spans; ratio = 1.0 disables downsampling."),
        Flag.string(HASH_SALT, "", "Salt used when hashing trace id for downsampling."));
  }

  /** @throws IllegalArgumentException naming the flag when the binary does not declare it or a value is malformed */
  public static DownsamplingOptions from(Settings s) {
    return new DownsamplingOptions(s.getDouble(RATIO), s.getString(HASH_SALT));
  }
}
