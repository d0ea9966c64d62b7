// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.memory;

import io.jaegerj.model.DependencyLink;
import io.jaegerj.model.Span;
import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import io.jaegerj.storage.DependencyReader;
import io.jaegerj.storage.GetTraceQuery;
import io.jaegerj.storage.Operation;
import io.jaegerj.storage.OperationQuery;
import io.jaegerj.storage.Purgeable;
import io.jaegerj.storage.SpanReader;
import io.jaegerj.storage.SpanWriter;
import io.jaegerj.storage.Tenants;
import io.jaegerj.storage.TraceQuery;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Memory storage as Jaeger keeps it: one {@link MemorySpanStore} per tenant, created by the tenant's first write,
 * each with its own {@code memory.max-traces} bound. Reads for a tenant that never wrote answer empty without creating
 * a store. Thread-safe.
 */
final class MemoryTenants implements SpanWriter, SpanReader, DependencyReader, Purgeable, HeapGuard.Evictable {
  private final int maxTracesPerTenant;
  private final ConcurrentHashMap<String, MemorySpanStore> stores = new ConcurrentHashMap<>();

  MemoryTenants(int maxTracesPerTenant) {
    this.maxTracesPerTenant = maxTracesPerTenant;
  }

  /** The store of {@code tenant}, created on first use. */
  MemorySpanStore forWriting(String tenant) {
    MemorySpanStore s = stores.get(Tenants.require(tenant));
    return s != null ? s : stores.computeIfAbsent(tenant, t -> new MemorySpanStore(maxTracesPerTenant));
  }

  /** The store of {@code tenant}, or null when it never wrote. */
  MemorySpanStore forReading(String tenant) {
    return stores.get(Tenants.require(tenant));
  }

  @Override
  public CompletionStage<Void> write(String tenant, List<Span> spans) {
    Objects.requireNonNull(spans, "spans");
    return forWriting(tenant).write(spans);
  }

  @Override
  public Optional<Trace> getTrace(GetTraceQuery query) {
    MemorySpanStore s = forReading(Objects.requireNonNull(query, "query").tenant());
    return s == null ? Optional.empty() : s.getTrace(query);
  }

  @Override
  public List<String> getServices(String tenant) {
    MemorySpanStore s = forReading(tenant);
    return s == null ? List.of() : s.getServices();
  }

  @Override
  public List<Operation> getOperations(OperationQuery query) {
    MemorySpanStore s = forReading(Objects.requireNonNull(query, "query").tenant());
    return s == null ? List.of() : s.getOperations(query);
  }

  /** {@inheritDoc} A {@code numTraces} of 0 or less returns every match, as Jaeger's memory storage does. */
  @Override
  public List<Trace> findTraces(TraceQuery query) {
    Objects.requireNonNull(query, "query").validate();
    MemorySpanStore s = forReading(query.tenant());
    return s == null ? List.of() : s.findTraces(query);
  }

  @Override
  public List<TraceId> findTraceIds(TraceQuery query) {
    Objects.requireNonNull(query, "query").validate();
    MemorySpanStore s = forReading(query.tenant());
    return s == null ? List.of() : s.findTraceIds(query);
  }

  /**
   * {@inheritDoc} Computed from the tenant's stored traces that have a span starting within the window: for every
   * span whose parent (first same-trace CHILD_OF reference, else first FOLLOWS_FROM) is stored and belongs to another
   * service, the (parent service, child service) pair counts one call. One link per pair, sorted by parent then child.
   */
  @Override
  public List<DependencyLink> getDependencies(String tenant, long endTsMicros, long lookbackMicros) {
    MemorySpanStore s = forReading(tenant);
    return s == null ? List.of() : s.getDependencies(endTsMicros, lookbackMicros);
  }

  /** Encoded bytes of every tenant's spans. */
  @Override
  public long storedBytes() {
    long n = 0;
    for (MemorySpanStore s : stores.values()) {
      n += s.storedBytes();
    }
    return n;
  }

  /** Evicts every tenant's oldest traces, each tenant in proportion to what it holds. */
  @Override
  public int evictOldest(long bytes) {
    long held = storedBytes();
    if (held <= 0) {
      return 0;
    }
    double share = Math.min(1.0, (double) bytes / held);
    int evicted = 0;
    for (MemorySpanStore s : stores.values()) {
      evicted += s.evictOldest((long) (s.storedBytes() * share));
    }
    return evicted;
  }

  /** Empties every tenant's store and forgets the tenants. */
  @Override
  public void purge() {
    for (MemorySpanStore s : stores.values()) {
      s.purge();
    }
    stores.clear();
  }
}
