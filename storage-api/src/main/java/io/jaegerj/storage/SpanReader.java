// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage;

import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import java.util.List;
import java.util.Optional;

/**
 * Reads spans. Thread-safe; every method returns empty results rather than null and throws
 * {@link IllegalArgumentException} on bad arguments before any I/O.
 *
 * <p>Every read is made for one tenant (the {@code tenant} argument or the query's {@code tenant} component; see
 * {@link Tenants}) and sees only what was written for that same tenant: another tenant's traces are "not found", and
 * its services and operations are not listed.
 */
public interface SpanReader {
  /**
   * Every stored span of the trace. The time window in the query is a hint a backend may use to narrow the lookup;
   * a backend that ignores it must still return the whole trace. Empty when no span of the trace is stored.
   */
  Optional<Trace> getTrace(GetTraceQuery query);

  /** All service names that wrote spans for {@code tenant}, in no particular order. */
  List<String> getServices(String tenant);

  /**
   * Operations of a service. With an empty {@code spanKind} every kind is returned; otherwise only operations whose
   * {@code span.kind} tag equals it exactly. Spans without a kind are reported with kind "".
   */
  List<Operation> getOperations(OperationQuery query);

  /**
   * Traces with at least one span matching every condition of the query (see {@link TraceQuery}). When more traces
   * match than {@code numTraces}, the most recent ones are kept. Order of the result is unspecified.
   */
  List<Trace> findTraces(TraceQuery query);

  /** IDs of the traces {@link #findTraces} would return, without loading them. */
  List<TraceId> findTraceIds(TraceQuery query);
}
