// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server;

import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import io.jaegerj.storage.GetTraceQuery;
import io.jaegerj.storage.Operation;
import io.jaegerj.storage.OperationQuery;
import io.jaegerj.storage.SpanReader;
import io.jaegerj.storage.TraceQuery;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * Jaeger's storage reader metrics, added once here instead of in each backend: for every operation
 * {@code jaeger_storage_requests_total{kind,role,operation,result}}, {@code jaeger_storage_latency{...}} (seconds)
 * and {@code jaeger_storage_responses{kind,role,operation}}, which Jaeger records as a timer whose "duration" is the
 * number of results in nanoseconds; we keep that shape so dashboards see the same series. A trace that is not found
 * counts as an error, as Jaeger's not-found error does.
 */
final class MeteredSpanReader implements SpanReader {
  private final SpanReader delegate;
  private final Op findTraces;
  private final Op findTraceIds;
  private final Op getTrace;
  private final Op getServices;
  private final Op getOperations;

  MeteredSpanReader(SpanReader delegate, MeterRegistry meters, String kind, String role) {
    this.delegate = delegate;
    findTraces = new Op(meters, kind, role, "find_traces");
    findTraceIds = new Op(meters, kind, role, "find_trace_ids");
    getTrace = new Op(meters, kind, role, "get_trace");
    getServices = new Op(meters, kind, role, "get_services");
    getOperations = new Op(meters, kind, role, "get_operations");
  }

  private static final class Op {
    final Counter ok;
    final Counter err;
    final Timer okLatency;
    final Timer errLatency;
    final Timer responses;

    Op(MeterRegistry m, String kind, String role, String operation) {
      ok = Counter.builder("jaeger_storage_requests").tags("kind", kind, "role", role, "operation", operation,
          "result", "ok").register(m);
      err = Counter.builder("jaeger_storage_requests").tags("kind", kind, "role", role, "operation", operation,
          "result", "err").register(m);
      okLatency = Timer.builder("jaeger_storage_latency").tags("kind", kind, "role", role, "operation", operation,
          "result", "ok").register(m);
      errLatency = Timer.builder("jaeger_storage_latency").tags("kind", kind, "role", role, "operation", operation,
          "result", "err").register(m);
      responses = Timer.builder("jaeger_storage_responses").tags("kind", kind, "role", role, "operation", operation)
          .register(m);
    }

    <T> T call(Supplier<T> call, ToIntFunction<T> size) {
      long t0 = System.nanoTime();
      T result;
      try {
        result = call.get();
      } catch (RuntimeException | Error e) {
        err.increment();
        errLatency.record(Duration.ofNanos(System.nanoTime() - t0));
        throw e;
      }
      int n = size.applyAsInt(result);
      if (n < 0) {
        err.increment();
        errLatency.record(Duration.ofNanos(System.nanoTime() - t0));
      } else {
        ok.increment();
        okLatency.record(Duration.ofNanos(System.nanoTime() - t0));
        responses.record(Duration.ofNanos(n));
      }
      return result;
    }
  }

  @Override
  public Optional<Trace> getTrace(GetTraceQuery query) {
    return getTrace.call(() -> delegate.getTrace(query), t -> t.isPresent() ? 1 : -1);
  }

  @Override
  public List<String> getServices(String tenant) {
    return getServices.call(() -> delegate.getServices(tenant), List::size);
  }

  @Override
  public List<Operation> getOperations(OperationQuery query) {
    return getOperations.call(() -> delegate.getOperations(query), List::size);
  }

  @Override
  public List<Trace> findTraces(TraceQuery query) {
    return findTraces.call(() -> delegate.findTraces(query), List::size);
  }

  @Override
  public List<TraceId> findTraceIds(TraceQuery query) {
    return findTraceIds.call(() -> delegate.findTraceIds(query), List::size);
  }
}
