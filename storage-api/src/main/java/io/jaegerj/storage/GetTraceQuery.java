// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage;

import io.jaegerj.model.TraceId;
import java.util.Objects;

/**
 * A trace lookup by ID for {@code tenant} (see {@link Tenants}; a trace another tenant wrote is not found).
 * {@code startTimeMicros}/{@code endTimeMicros} are optional hints (0 = unset), in microseconds since the epoch.
 */
public record GetTraceQuery(String tenant, TraceId traceId, long startTimeMicros, long endTimeMicros) {
  public GetTraceQuery {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(traceId, "traceId");
  }

  /** A lookup for the default tenant without time hints. */
  public static GetTraceQuery of(TraceId traceId) {
    return new GetTraceQuery(Tenants.DEFAULT, traceId, 0, 0);
  }

  /** A lookup for {@code tenant} without time hints. */
  public static GetTraceQuery of(String tenant, TraceId traceId) {
    return new GetTraceQuery(tenant, traceId, 0, 0);
  }
}
