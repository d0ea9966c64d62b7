// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Objects;

/**
 * What a backend may use from its host process: the meter registry, a clock (injected so tests control time) and
 * the host's tenancy header. A backend reads only its own flags; what it needs of the host's comes through here.
 *
 * @param tenantHeader the header the host reads tenants from ({@code multi-tenancy.header}) when the host has
 *     multi-tenancy on, else "" (a backend that forwards calls, like {@code grpc}, sends the tenant under it)
 */
public record StorageContext(MeterRegistry meters, Clock clock, String tenantHeader) {
  public StorageContext {
    Objects.requireNonNull(meters, "meters");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(tenantHeader, "tenantHeader");
  }

  /** A host without multi-tenancy. */
  public StorageContext(MeterRegistry meters, Clock clock) {
    this(meters, clock, "");
  }
}
