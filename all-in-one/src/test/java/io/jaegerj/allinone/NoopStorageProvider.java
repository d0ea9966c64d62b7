// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.allinone;

import io.jaegerj.config.Flag;
import io.jaegerj.config.Settings;
import io.jaegerj.model.DependencyLink;
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

/** A flagless backend ({@code test-noop}): lets a test list the runtime's own flags without any backend's. */
public final class NoopStorageProvider implements StorageProvider {
  static final String TYPE = "test-noop";

  @Override
  public List<String> types() {
    return List.of(TYPE);
  }

  @Override
  public List<Flag> flags() {
    return List.of();
  }

  @Override
  public StorageFactory open(String type, Settings settings, StorageContext context) {
    SpanReader reader = new SpanReader() {
      @Override
      public Optional<Trace> getTrace(GetTraceQuery query) {
        return Optional.empty();
      }

      @Override
      public List<String> getServices(String tenant) {
        return List.of();
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
    };
    SpanWriter writer = (tenant, spans) -> CompletableFuture.completedFuture(null);
    DependencyReader deps = (tenant, end, lookback) -> List.<DependencyLink>of();
    return new StorageFactory() {
      @Override
      public SpanWriter spanWriter() {
        return writer;
      }

      @Override
      public SpanReader spanReader() {
        return reader;
      }

      @Override
      public DependencyReader dependencyReader() {
        return deps;
      }

      @Override
      public void close() {}
    };
  }
}
