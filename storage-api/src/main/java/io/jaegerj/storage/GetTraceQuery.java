// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage;

import io.jaegerj.model.TraceId;
import java.util.Objects;

/**
 * A trace lookup by ID. {@code startTimeMicros}/{@code endTimeMicros} are optional hints (0 = unset), in
 * microseconds since the epoch.
 */
public record GetTraceQuery(TraceId traceId, long startTimeMicros, long endTimeMicros) {
  public GetTraceQuery {
    Objects.requireNonNull(traceId, "traceId");
  }

  public static GetTraceQuery of(TraceId traceId) {
    return new GetTraceQuery(traceId, 0, 0);
  }
}
