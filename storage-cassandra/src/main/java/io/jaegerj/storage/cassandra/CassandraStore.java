// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import io.jaegerj.model.DependencyLink;
import io.jaegerj.model.Span;
import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import io.jaegerj.storage.ArchiveStorage;
import io.jaegerj.storage.DependencyReader;
import io.jaegerj.storage.GetTraceQuery;
import io.jaegerj.storage.Operation;
import io.jaegerj.storage.OperationQuery;
import io.jaegerj.storage.SpanReader;
import io.jaegerj.storage.SpanWriter;
import io.jaegerj.storage.StorageContext;
import io.jaegerj.storage.Tenants;
import io.jaegerj.storage.TraceQuery;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One keyspace family (primary or archive) on its own session. The default tenant's data lives in the configured
 * keyspace (Jaeger's layout); every other tenant's in its own keyspace next to it ({@link TenantKeyspace}), with the
 * same schema, opened on first use: a write for a tenant whose keyspace is missing creates it when
 * {@code schema.create} is set and fails with a message naming the keyspace otherwise; a read for a tenant without
 * a keyspace is empty. Opening a tenant's keyspace (schema check, prepared statements, perhaps the schema) runs on
 * one background thread, so {@link SpanWriter#write} never blocks. The sampling store lives in the configured
 * keyspace only (sampling is not per tenant, see {@code SamplingStore}).
 */
final class CassandraStore implements ArchiveStorage, AutoCloseable {
  /** Statements in flight per store; the driver allows 1024 per connection. */
  static final int MAX_IN_FLIGHT = 1024;

  private final CqlSession session;
  private final CassandraConfig config;
  private final StorageContext context;
  private final String role;
  private final String keyspace;
  private final Set<String> reserved;
  private final InFlightLimiter limiter;
  private final KeyspaceStore primary;
  private final CassandraSamplingStore sampling;
  private final ConcurrentHashMap<String, CompletableFuture<KeyspaceStore>> tenants = new ConcurrentHashMap<>();
  private final ExecutorService opener;
  private final SpanWriter writer = this::write;
  private final SpanReader reader = new TenantReader();
  private final DependencyReader dependencies = this::getDependencies;

  /**
   * @param reserved keyspaces no tenant keyspace may take (the other family's configured keyspace)
   */
  CassandraStore(CassandraConfig config, StorageContext context, String role, Set<String> reserved) {
    this.config = config;
    this.context = context;
    this.role = role;
    this.keyspace = config.keyspace();
    this.reserved = Set.copyOf(reserved);
    this.session = Sessions.open(config, "jaegerj-" + role);
    try {
      this.limiter = new InFlightLimiter(MAX_IN_FLIGHT);
      this.primary = new KeyspaceStore(session, keyspace, config.createSchema(), createHint(keyspace, ""), config,
          limiter, context, role);
      this.sampling = new CassandraSamplingStore(session, keyspace, context.clock());
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
    this.opener = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "cassandra-" + role + "-tenant-keyspaces");
      t.setDaemon(true);
      return t;
    });
  }

  private String createHint(String ks, String tenant) {
    String prefix = role.equals("archive") ? "cassandra-archive" : "cassandra";
    return "create it with the schema tool (KEYSPACE=" + ks + ", storage-cassandra README)"
        + (tenant.isEmpty() ? "" : " for tenant \"" + tenant + "\"") + " or start with --" + prefix
        + ".schema.create=true";
  }

  /** The keyspace of a tenant; throws {@link IllegalArgumentException} when it cannot have one. */
  String keyspaceOf(String tenant) {
    String ks = TenantKeyspace.of(keyspace, tenant);
    if (!Tenants.isDefault(tenant) && reserved.contains(ks)) {
      throw new IllegalArgumentException("tenant \"" + tenant + "\" would share keyspace " + ks
          + " with another configured keyspace; rename one of them");
    }
    return ks;
  }

  /** The store of {@code tenant}, opened (and its keyspace created when allowed) in the background. */
  private CompletableFuture<KeyspaceStore> forWrite(String tenant) {
    if (Tenants.isDefault(tenant)) {
      return CompletableFuture.completedFuture(primary);
    }
    String ks;
    try {
      ks = keyspaceOf(tenant);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    return open(ks, tenant, config.createSchema());
  }

  private CompletableFuture<KeyspaceStore> open(String ks, String tenant, boolean create) {
    // a failed open is tried again on the next call (the keyspace may have been created meanwhile): a failed future
    // is replaced here, not only removed once it failed (its removal may run after the caller saw the failure)
    CompletableFuture<KeyspaceStore> f = tenants.compute(ks, (k, old) -> old != null
        && !old.isCompletedExceptionally() ? old : CompletableFuture.supplyAsync(
            () -> new KeyspaceStore(session, k, create, createHint(k, tenant), config, limiter, context, role),
            opener));
    f.whenComplete((v, e) -> {
      if (e != null) {
        tenants.remove(ks, f);
      }
    });
    return f;
  }

  /** The store of {@code tenant} for a read; empty when the tenant has no keyspace (it never wrote anything). */
  private Optional<KeyspaceStore> forRead(String tenant) {
    if (Tenants.isDefault(Tenants.require(tenant))) {
      return Optional.of(primary);
    }
    String ks;
    try {
      ks = keyspaceOf(tenant);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    CompletableFuture<KeyspaceStore> f = tenants.get(ks);
    if (f != null && f.isCompletedExceptionally()) {
      f = null; // a failed open (no keyspace yet): look again below
    }
    if (f == null && session.getMetadata().getKeyspace(ks).isEmpty()) {
      return Optional.empty();
    }
    if (f == null) {
      f = open(ks, tenant, false);
    }
    try {
      return Optional.of(f.join());
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  private CompletionStage<Void> write(String tenant, List<Span> spans) {
    Tenants.require(tenant);
    if (spans.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<KeyspaceStore> store = forWrite(tenant);
    if (store.isDone() && !store.isCompletedExceptionally()) {
      return store.join().writer().write(tenant, spans);
    }
    return store.thenCompose(k -> k.writer().write(tenant, spans));
  }

  private List<DependencyLink> getDependencies(String tenant, long endTsMicros, long lookbackMicros) {
    return forRead(tenant).map(k -> k.dependencies().getDependencies(tenant, endTsMicros, lookbackMicros))
        .orElse(List.of());
  }

  /** Reads of each tenant from its own keyspace. */
  private final class TenantReader implements SpanReader {
    @Override
    public Optional<Trace> getTrace(GetTraceQuery query) {
      return forRead(query.tenant()).flatMap(k -> k.reader().getTrace(query));
    }

    @Override
    public List<String> getServices(String tenant) {
      return forRead(tenant).map(k -> k.reader().getServices(tenant)).orElse(List.of());
    }

    @Override
    public List<Operation> getOperations(OperationQuery query) {
      return forRead(query.tenant()).map(k -> k.reader().getOperations(query)).orElse(List.of());
    }

    @Override
    public List<Trace> findTraces(TraceQuery query) {
      query.validate();
      return forRead(query.tenant()).map(k -> k.reader().findTraces(query)).orElse(List.of());
    }

    @Override
    public List<TraceId> findTraceIds(TraceQuery query) {
      query.validate();
      return forRead(query.tenant()).map(k -> k.reader().findTraceIds(query)).orElse(List.of());
    }
  }

  CqlSession session() {
    return session;
  }

  String keyspace() {
    return keyspace;
  }

  @Override
  public SpanWriter writer() {
    return writer;
  }

  @Override
  public SpanReader reader() {
    return reader;
  }

  DependencyReader dependencies() {
    return dependencies;
  }

  /** The configured keyspace's store (the default tenant's). */
  KeyspaceStore defaultKeyspace() {
    return primary;
  }

  CassandraSamplingStore sampling() {
    return sampling;
  }

  InFlightLimiter limiter() {
    return limiter;
  }

  void check() {
    session.execute("SELECT release_version FROM system.local");
  }

  @Override
  public void close() {
    opener.shutdownNow();
    session.close();
  }
}
