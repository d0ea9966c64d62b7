// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es;

import io.jaegerj.model.Span;
import io.jaegerj.storage.SpanWriter;
import io.jaegerj.storage.Tenants;
import io.jaegerj.storage.es.dbmodel.ServiceDocuments;
import io.jaegerj.storage.es.dbmodel.SpanDocuments;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Writes every span as one {@code index} action (ES generates the {@code _id}) to the span index of its start day
 * (or the write alias), preceded by its service document unless this process wrote the same one to the same index
 * within {@code es.service-cache-ttl}. Version 6 clusters get a {@code _type} in every action. A non-default tenant
 * writes to indices of its own ({@link IndexNames#forTenant}); with {@code es.use-aliases} (whose aliases the
 * rollover tool creates for one prefix) only the default tenant is stored.
 */
final class EsSpanWriter implements SpanWriter {
  private static final int SERVICE_CACHE_SIZE = 100_000;

  private final EsConfig config;
  private final IndexNames names;
  private final BulkProcessor bulk;
  private final boolean withTypes;
  private final long serviceTtlMillis;
  /** A service document written to one index; the document's {@code _id} is computed only when it is written. */
  private record ServiceKey(String index, String service, String operation) {}

  private final Map<ServiceKey, Long> serviceCache = new LinkedHashMap<>(1024, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<ServiceKey, Long> eldest) {
      return size() > SERVICE_CACHE_SIZE;
    }
  };

  EsSpanWriter(EsConfig config, IndexNames names, BulkProcessor bulk, int version) {
    this.config = config;
    this.names = names;
    this.bulk = bulk;
    this.withTypes = version < 7;
    this.serviceTtlMillis = config.serviceCacheTtl().toMillis();
  }

  @Override
  public CompletionStage<Void> write(String tenant, List<Span> spans) {
    if (!Tenants.isDefault(Tenants.require(tenant)) && config.useAliases()) {
      return CompletableFuture.failedFuture(new UnsupportedOperationException(
          "elasticsearch storage with es.use-aliases=true stores only the default tenant (tenant: " + tenant + ")"));
    }
    List<byte[][]> actions = actions(tenant, spans);
    if (actions.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return bulk.submit(actions);
  }

  /**
   * The bulk actions of a batch, each an action line and a document line (without newlines): the span documents,
   * each preceded by its service document unless that was written recently.
   */
  List<byte[][]> actions(String tenant, List<Span> spans) {
    IndexNames names = this.names.forTenant(tenant);
    List<byte[][]> actions = new ArrayList<>(spans.size() * 2);
    long now = System.currentTimeMillis();
    // the spans of one batch nearly always share their day (or hour): each index name and span action line is made
    // once per batch and bucket, not once per span
    long spanBucket = Long.MIN_VALUE;
    byte[] spanAction = null;
    long serviceBucket = Long.MIN_VALUE;
    String serviceIndex = null;
    ByteArrayOutputStream scratch = new ByteArrayOutputStream(4096);
    for (Span span : spans) {
      String service = span.process().serviceName();
      String op = span.operationName();
      long start = span.startTimeMicros();
      long sb = names.serviceWriteBucket(start);
      if (serviceIndex == null || sb != serviceBucket) {
        serviceBucket = sb;
        serviceIndex = names.serviceWriteIndex(start);
      }
      if (shouldWriteService(new ServiceKey(serviceIndex, service, op), now)) {
        actions.add(new byte[][] {action(serviceIndex, "service", ServiceDocuments.id(service, op)),
            ServiceDocuments.write(service, op)});
      }
      long b = names.spanWriteBucket(start);
      if (spanAction == null || b != spanBucket) {
        spanBucket = b;
        spanAction = action(names.spanWriteIndex(start), "span", null);
      }
      actions.add(new byte[][] {spanAction, SpanDocuments.write(span, config.tagsAsFields(), scratch)});
    }
    return actions;
  }

  private boolean shouldWriteService(ServiceKey key, long now) {
    synchronized (serviceCache) {
      Long expires = serviceCache.get(key);
      if (expires != null && expires > now) {
        return false;
      }
      serviceCache.put(key, now + serviceTtlMillis);
      return true;
    }
  }

  /** Forgets written service docs, so that they are written again (after a purge in tests). */
  void clearServiceCache() {
    synchronized (serviceCache) {
      serviceCache.clear();
    }
  }

  private byte[] action(String index, String type, String id) {
    StringBuilder b = new StringBuilder(96).append("{\"index\":{\"_index\":\"").append(index).append('"');
    if (withTypes) {
      b.append(",\"_type\":\"").append(type).append('"');
    }
    if (id != null) {
      b.append(",\"_id\":\"").append(id).append('"');
    }
    return b.append("}}").toString().getBytes(StandardCharsets.UTF_8);
  }
}
