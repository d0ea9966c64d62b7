// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server;

import io.jaegerj.config.Settings;
import io.jaegerj.storage.ArchiveStorage;
import io.jaegerj.storage.DependencyReader;
import io.jaegerj.storage.DependencyWriter;
import io.jaegerj.storage.FanOutSpanWriter;
import io.jaegerj.storage.SamplingStore;
import io.jaegerj.storage.SpanReader;
import io.jaegerj.storage.SpanWriter;
import io.jaegerj.storage.StorageContext;
import io.jaegerj.storage.StorageFactory;
import io.jaegerj.storage.StorageRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The backends named by a {@link StorageSelection}, each opened once whatever roles it plays. */
final class OpenedStorage implements Storage {
  private static final Logger LOG = LoggerFactory.getLogger(OpenedStorage.class);

  private final StorageSelection selection;
  private final Map<String, StorageFactory> factories;
  /** Backends whose readers Jaeger wraps in the storage metrics (the others publish their own). */
  static final Set<String> METERED_KINDS = Set.of("memory", "badger", "grpc");

  private final SpanWriter writer;
  private final MeterRegistry meters;
  private volatile SpanReader reader;

  private OpenedStorage(StorageSelection selection, Map<String, StorageFactory> factories, MeterRegistry meters) {
    this.selection = selection;
    this.meters = meters;
    this.factories = factories;
    List<SpanWriter> writers = new ArrayList<>();
    for (String t : selection.spanTypes()) {
      writers.add(factories.get(t).spanWriter());
    }
    this.writer = new FanOutSpanWriter(writers);
  }

  /** Opens every selected backend; on failure closes those already open and rethrows. */
  static OpenedStorage open(StorageSelection selection, StorageRegistry registry, Settings settings,
      StorageContext context) throws Exception {
    Map<String, StorageFactory> opened = new LinkedHashMap<>();
    try {
      for (String type : selection.allTypes()) {
        LOG.info("Opening span storage {}", type);
        opened.put(type, registry.provider(type).open(type, settings, context));
      }
      return new OpenedStorage(selection, opened, context.meters());
    } catch (Exception | Error e) {
      closeAll(opened);
      throw e;
    }
  }

  private StorageFactory primary() {
    return factories.get(selection.spanTypes().get(0));
  }

  @Override
  public List<String> spanTypes() {
    return selection.spanTypes();
  }

  @Override
  public boolean localDurable() {
    return selection.spanTypes().size() == 1 && primary().localDurable();
  }

  @Override
  public SpanWriter writer() {
    return writer;
  }

  @Override
  public SpanReader reader() {
    SpanReader r = reader;
    if (r == null) {
      synchronized (this) {
        if (reader == null) {
          String type = selection.spanTypes().get(0);
          SpanReader raw = primary().spanReader();
          reader = METERED_KINDS.contains(type) ? new MeteredSpanReader(raw, meters, type, "primary") : raw;
        }
        r = reader;
      }
    }
    return r;
  }

  @Override
  public DependencyReader dependencyReader() {
    return factories.get(selection.dependencyType()).dependencyReader();
  }

  @Override
  public Optional<DependencyWriter> dependencyWriter() {
    return factories.get(selection.dependencyType()).dependencyWriter();
  }

  @Override
  public Optional<ArchiveStorage> archive() {
    return primary().archive();
  }

  @Override
  public Optional<SamplingStore> samplingStore() {
    return samplingStore(StorageFactory::samplingStore);
  }

  @Override
  public Optional<SamplingStore> samplingStore(int aggregationBuckets) {
    return samplingStore(f -> f.samplingStore(aggregationBuckets));
  }

  /** The {@code SAMPLING_STORAGE_TYPE} backend's store, else the first backend that has one. */
  private Optional<SamplingStore> samplingStore(Function<StorageFactory, Optional<SamplingStore>> open) {
    if (!selection.samplingType().isEmpty()) {
      return open.apply(factories.get(selection.samplingType()));
    }
    for (StorageFactory f : factories.values()) {
      Optional<SamplingStore> s = open.apply(f);
      if (s.isPresent()) {
        return s;
      }
    }
    return Optional.empty();
  }

  @Override
  public void close() {
    closeAll(factories);
  }

  private static void closeAll(Map<String, StorageFactory> factories) {
    List<StorageFactory> l = new ArrayList<>(factories.values());
    for (int i = l.size() - 1; i >= 0; i--) {
      try {
        l.get(i).close();
      } catch (RuntimeException e) {
        LOG.warn("Closing storage failed", e);
      }
    }
  }
}
