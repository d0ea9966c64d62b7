// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.pipeline;

import io.jaegerj.model.TraceId;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/**
 * Keeps a fixed fraction of traces: FNV-1a 64 over the salt followed by the 16-byte big-endian trace ID, kept when
 * the hash is at most {@code ratio * 2^64} (unsigned). All spans of a trace share the decision. Thread-safe.
 */
final class Downsampler {
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private final boolean enabled;
  private final long saltHash;
  private final long threshold;

  Downsampler(double ratio, String salt) {
    this.enabled = ratio < 1;
    long h = FNV_OFFSET;
    for (byte b : salt.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xff)) * FNV_PRIME;
    }
    this.saltHash = h;
    // Go converts float64(ratio * MaxUint64) to uint64; the float product of MaxUint64 is exactly 2^64.
    this.threshold = new BigDecimal(ratio * 18446744073709551616.0).toBigInteger().longValue();
  }

  boolean enabled() {
    return enabled;
  }

  boolean keep(TraceId id) {
    if (!enabled) {
      return true;
    }
    long h = mix(mix(saltHash, id.high()), id.low());
    return Long.compareUnsigned(h, threshold) <= 0;
  }

  private static long mix(long h, long v) {
    for (int shift = 56; shift >= 0; shift -= 8) {
      h = (h ^ ((v >>> shift) & 0xff)) * FNV_PRIME;
    }
    return h;
  }
}
