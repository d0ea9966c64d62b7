// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Objects;

/** What a backend may use from its host process: the meter registry and a clock (injected so tests control time). */
public record StorageContext(MeterRegistry meters, Clock clock) {
  public StorageContext {
    Objects.requireNonNull(meters, "meters");
    Objects.requireNonNull(clock, "clock");
  }
}
