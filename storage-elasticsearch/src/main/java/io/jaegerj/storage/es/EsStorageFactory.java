// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es;

import io.jaegerj.storage.ArchiveStorage;
import io.jaegerj.storage.DependencyReader;
import io.jaegerj.storage.DependencyWriter;
import io.jaegerj.storage.Purgeable;
import io.jaegerj.storage.SamplingStore;
import io.jaegerj.storage.SpanReader;
import io.jaegerj.storage.SpanScanner;
import io.jaegerj.storage.SpanWriter;
import io.jaegerj.storage.StorageContext;
import io.jaegerj.storage.StorageFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** An opened Elasticsearch / OpenSearch backend: primary store plus optional archive store. */
final class EsStorageFactory implements StorageFactory, Purgeable {
  private static final Logger log = LoggerFactory.getLogger(EsStorageFactory.class);

  /** One store (primary or archive): its client, writer and reader. */
  static final class Store implements ArchiveStorage, AutoCloseable {
    final EsConfig config;
    final EsClient client;
    final int version;
    final IndexNames names;
    final BulkProcessor bulk;
    final EsSpanWriter writer;
    final EsSpanReader reader;
    final EsDependencyReader dependencies;
    final EsDependencyWriter dependencyWriter;
    final EsSpanScanner scanner;
    final EsSamplingStore sampling;

    final boolean healthCheck;

    Store(EsConfig config, StorageContext context, String name, String flagPrefix) throws Exception {
      this.config = config;
      this.client = new EsClient(config, flagPrefix);
      try {
        // as Jaeger: no start-up health check when disabled or when a token can only come from a caller
        this.healthCheck = !config.disableHealthCheck() && !client.authContextOnly();
        if (healthCheck) {
          client.healthCheck();
        }
        this.version = config.version() > 0 ? config.version() : client.detectVersion();
        this.names = new IndexNames(config);
        if (config.createTemplates()) {
          createTemplates();
        }
      } catch (Exception e) {
        client.close();
        throw e;
      }
      this.bulk = new BulkProcessor(client, config, context.meters(), name);
      this.writer = new EsSpanWriter(config, names, bulk, version);
      this.reader = new EsSpanReader(client, config, names, context.clock(), version);
      this.dependencies = new EsDependencyReader(client, config, names, version);
      this.dependencyWriter = new EsDependencyWriter(client, config, names, version);
      this.scanner = new EsSpanScanner(client, config, names);
      this.sampling = config.archive() ? null : new EsSamplingStore(client, config, names, context.clock(), version,
          config.hourlySampling(), TimeUnit.MILLISECONDS.toMicros(config.samplingLookback().toMillis()));
      if (sampling != null && config.createTemplates()) {
        Templates.Params p = new Templates.Params(version, config.indexPrefix(), config.shards(), config.replicas(),
            0);
        client.json("PUT", Templates.path(Templates.Kind.SAMPLING, p), Templates.body(Templates.Kind.SAMPLING, p));
      }
    }

    private void createTemplates() throws IOException {
      for (Templates.Kind kind : new Templates.Kind[] {Templates.Kind.SPAN, Templates.Kind.SERVICE}) {
        int priority = kind == Templates.Kind.SPAN ? config.prioritySpan() : config.priorityService();
        Templates.Params p = new Templates.Params(version, config.indexPrefix(), config.shards(), config.replicas(),
            priority);
        client.json("PUT", Templates.path(kind, p), Templates.body(kind, p));
        if (version >= 8) {
          // Composable templates have no leading '*': the tenants' indices (tenant-*-<prefix>jaeger-…) need their own.
          client.json("PUT", Templates.tenantsPath(kind, p), Templates.tenantsBody(kind, p));
        }
      }
    }

    @Override
    public SpanWriter writer() {
      return writer;
    }

    @Override
    public SpanReader reader() {
      return reader;
    }

    void flush(long timeoutMillis) throws InterruptedException {
      bulk.flush(timeoutMillis);
    }

    void refresh() throws IOException {
      client.json("POST", "/" + names.allPattern() + "/_refresh?ignore_unavailable=true&allow_no_indices=true", null);
    }

    void purge() throws IOException, InterruptedException {
      flush(30_000);
      client.json("DELETE", "/" + names.allPattern() + "?ignore_unavailable=true&allow_no_indices=true", null);
      writer.clearServiceCache();
    }

    @Override
    public void close() {
      bulk.close();
      client.close();
    }
  }

  private final Store primary;
  private final Store archive;

  EsStorageFactory(Store primary, Store archive) {
    this.primary = primary;
    this.archive = archive;
  }

  Store primary() {
    return primary;
  }

  /** The archive store, or null when {@code es-archive.enabled} is false. */
  Store archiveStore() {
    return archive;
  }

  @Override
  public SpanWriter spanWriter() {
    return primary.writer;
  }

  @Override
  public SpanReader spanReader() {
    return primary.reader;
  }

  @Override
  public DependencyReader dependencyReader() {
    return primary.dependencies;
  }

  @Override
  public Optional<DependencyWriter> dependencyWriter() {
    return Optional.of(primary.dependencyWriter);
  }

  @Override
  public Optional<SpanScanner> spanScanner() {
    return Optional.of(primary.scanner);
  }

  @Override
  public Optional<ArchiveStorage> archive() {
    return Optional.ofNullable(archive);
  }

  @Override
  public Optional<SamplingStore> samplingStore() {
    return Optional.ofNullable(primary.sampling);
  }

  @Override
  public void check() throws Exception {
    if (primary.healthCheck) {
      primary.client.json("GET", "/", null);
    }
  }

  /** Test hook: deletes every index of the primary (and archive) prefix. */
  @Override
  public void purge() {
    try {
      primary.purge();
      if (archive != null) {
        archive.purge();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    primary.close();
    if (archive != null) {
      archive.close();
    }
    log.debug("es storage closed");
  }
}
