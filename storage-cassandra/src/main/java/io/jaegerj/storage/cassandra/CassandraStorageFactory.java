// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.cassandra;

import io.jaegerj.storage.ArchiveStorage;
import io.jaegerj.storage.DependencyReader;
import io.jaegerj.storage.DependencyWriter;
import io.jaegerj.storage.SamplingStore;
import io.jaegerj.storage.SpanReader;
import io.jaegerj.storage.SpanScanner;
import io.jaegerj.storage.SpanWriter;
import io.jaegerj.storage.StorageFactory;
import java.util.Optional;

/** The primary keyspace, and the archive keyspace when {@code cassandra-archive.enabled} is set. */
final class CassandraStorageFactory implements StorageFactory {
  private final CassandraStore primary;
  private final CassandraStore archive;
  private final DependencyWriter dependencyWriter;

  CassandraStorageFactory(CassandraStore primary, CassandraStore archive) {
    this.primary = primary;
    this.archive = archive;
    this.dependencyWriter = new CassandraDependencyWriter(primary);
  }

  @Override
  public SpanWriter spanWriter() {
    return primary.writer();
  }

  @Override
  public SpanReader spanReader() {
    return primary.reader();
  }

  @Override
  public DependencyReader dependencyReader() {
    return primary.dependencies();
  }

  @Override
  public Optional<DependencyWriter> dependencyWriter() {
    return Optional.of(dependencyWriter);
  }

  @Override
  public Optional<SpanScanner> spanScanner() {
    return Optional.of(new CassandraSpanScanner(primary));
  }

  @Override
  public Optional<ArchiveStorage> archive() {
    return Optional.ofNullable(archive);
  }

  @Override
  public Optional<SamplingStore> samplingStore() {
    return Optional.of(primary.sampling());
  }

  CassandraStore primary() {
    return primary;
  }

  @Override
  public void check() {
    primary.check();
    if (archive != null) {
      archive.check();
    }
  }

  @Override
  public void close() {
    try {
      primary.close();
    } finally {
      if (archive != null) {
        archive.close();
      }
    }
  }
}
