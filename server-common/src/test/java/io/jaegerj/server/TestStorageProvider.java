// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server;

import io.jaegerj.config.Flag;
import io.jaegerj.config.Settings;
import io.jaegerj.model.DependencyLink;
import io.jaegerj.model.Span;
import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import io.jaegerj.storage.DependencyReader;
import io.jaegerj.storage.GetTraceQuery;
import io.jaegerj.storage.Operation;
import io.jaegerj.storage.OperationQuery;
import io.jaegerj.storage.SpanReader;
import io.jaegerj.storage.SpanWriter;
import io.jaegerj.storage.StorageContext;
import io.jaegerj.storage.StorageFactory;
import io.jaegerj.storage.StorageProvider;
import io.jaegerj.storage.TraceQuery;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two tiny backends for the runtime's tests ({@code test-a}, {@code test-b}): they count written spans and record
 * that they were opened and closed. The real backends live in other modules that server-common cannot depend on.
 */
public final class TestStorageProvider implements StorageProvider {
  static final List<Opened> OPENED = new CopyOnWriteArrayList<>();

  @Override
  public List<String> types() {
    return List.of("test-a", "test-b");
  }

  @Override
  public List<Flag> flags() {
    return List.of(
        Flag.integer("test-a.max-traces", 0, "The maximum amount of traces to store"),
        Flag.duration("test-a.timeout", "5s", "Timeout of an operation"),
        Flag.list("test-a.servers", "Servers to connect to"),
        Flag.bool("test-a.create-schema", false, "Create the schema"));
  }

  @Override
  public StorageFactory open(String type, Settings settings, StorageContext context) {
    if (settings.getLong("test-a.max-traces") < 0) {
      throw new IllegalArgumentException("test-a.max-traces: " + settings.getLong("test-a.max-traces")
          + " (expected: >= 0)");
    }
    Opened o = new Opened(type, settings);
    OPENED.add(o);
    return o;
  }

  static class Opened implements StorageFactory, SpanWriter, SpanReader, DependencyReader {
    final String type;
    final Settings settings;
    final AtomicInteger written = new AtomicInteger();
    volatile boolean closed;

    Opened(String type, Settings settings) {
      this.type = type;
      this.settings = settings;
    }

    @Override
    public SpanWriter spanWriter() {
      return this;
    }

    @Override
    public SpanReader spanReader() {
      return this;
    }

    @Override
    public DependencyReader dependencyReader() {
      return this;
    }

    @Override
    public void close() {
      closed = true;
    }

    @Override
    public CompletionStage<Void> write(String tenant, List<Span> spans) {
      written.addAndGet(spans.size());
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public Optional<Trace> getTrace(GetTraceQuery query) {
      return Optional.empty();
    }

    @Override
    public List<String> getServices(String tenant) {
      return List.of(type);
    }

    @Override
    public List<Operation> getOperations(OperationQuery query) {
      return List.of();
    }

    @Override
    public List<Trace> findTraces(TraceQuery query) {
      return List.of();
    }

    @Override
    public List<TraceId> findTraceIds(TraceQuery query) {
      return List.of();
    }

    @Override
    public List<DependencyLink> getDependencies(String tenant, long endTsMicros, long lookbackMicros) {
      return List.of();
    }
  }
}
