// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.grpc;

import io.jaegerj.model.Span;
import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import io.jaegerj.proto.storage.v1.CapabilitiesResponse;
import io.jaegerj.storage.ArchiveStorage;
import io.jaegerj.storage.DependencyReader;
import io.jaegerj.storage.GetTraceQuery;
import io.jaegerj.storage.Operation;
import io.jaegerj.storage.OperationQuery;
import io.jaegerj.storage.SpanReader;
import io.jaegerj.storage.SpanWriter;
import io.jaegerj.storage.StorageContext;
import io.jaegerj.storage.StorageFactory;
import io.jaegerj.storage.TraceQuery;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code grpc} backend: a client of a remote storage server. Opening does not require the server to be up (a
 * split deployment may start its collector first): it waits up to {@code grpc-storage.connection-timeout} for the
 * server's capabilities, logs a warning when they do not come, and writes then retry until the server answers.
 *
 * <p>Archive ({@code grpc-storage-archive.enabled}): with {@code grpc-storage-archive.server} set, a second
 * connection to that server's ordinary reader and writer (Jaeger 1.74); without it, the primary server's archive
 * services when its capabilities announce both {@code archiveSpanReader} and {@code archiveSpanWriter}.
 */
final class GrpcStorageFactory implements StorageFactory {
  private static final Logger LOG = LoggerFactory.getLogger(GrpcStorageFactory.class);

  private final ScheduledExecutorService scheduler;
  private final RemoteStorageClient primary;
  private final Optional<RemoteStorageClient> archiveClient;
  private final Optional<ArchiveStorage> archive;
  private final SpanWriter writer;
  private final SpanReader reader;
  private final DependencyReader dependencies;

  private GrpcStorageFactory(ScheduledExecutorService scheduler, RemoteStorageClient primary,
      Optional<RemoteStorageClient> archiveClient, Optional<ArchiveStorage> archive) {
    this.scheduler = scheduler;
    this.primary = primary;
    this.archiveClient = archiveClient;
    this.archive = archive;
    this.writer = new Writer(primary, false);
    this.reader = new Reader(primary, false);
    this.dependencies = primary::getDependencies;
  }

  static GrpcStorageFactory open(GrpcStorageConfig config, Optional<GrpcStorageConfig> archiveConfig,
      StorageContext context) {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "grpc-storage-retry");
      t.setDaemon(true);
      return t;
    });
    RemoteStorageClient primary = null;
    RemoteStorageClient archiveClient = null;
    try {
      primary = new RemoteStorageClient(config, scheduler);
      Optional<CapabilitiesResponse> caps = primary.awaitCapabilities().map(c -> {
        LOG.info("Remote storage {} capabilities: streamingSpanWriter={}, archiveSpanReader={}, archiveSpanWriter={},"
            + " jaegerj batch writer={}", config.server(), c.response().getStreamingSpanWriter(),
            c.response().getArchiveSpanReader(), c.response().getArchiveSpanWriter(), c.batchWriter());
        return c.response();
      });
      Optional<ArchiveStorage> archive = Optional.empty();
      if (archiveConfig.isPresent()) {
        GrpcStorageConfig a = archiveConfig.get();
        if (!a.server().isEmpty()) {
          archiveClient = new RemoteStorageClient(a, scheduler);
          archive = Optional.of(archiveOf(new Writer(archiveClient, false), new Reader(archiveClient, false)));
        } else if (caps.isPresent() && caps.get().getArchiveSpanReader() && caps.get().getArchiveSpanWriter()) {
          archive = Optional.of(archiveOf(new Writer(primary, true), new Reader(primary, true)));
        } else {
          throw new IllegalArgumentException("--grpc-storage-archive.enabled is true but --grpc-storage-archive.server"
              + " is empty and remote storage " + config.server() + " offers no archive services");
        }
      }
      return new GrpcStorageFactory(scheduler, primary, Optional.ofNullable(archiveClient), archive);
    } catch (RuntimeException | Error e) {
      if (archiveClient != null) {
        archiveClient.close();
      }
      if (primary != null) {
        primary.close();
      }
      scheduler.shutdownNow();
      throw e;
    }
  }

  private static ArchiveStorage archiveOf(SpanWriter w, SpanReader r) {
    return new ArchiveStorage() {
      @Override
      public SpanWriter writer() {
        return w;
      }

      @Override
      public SpanReader reader() {
        return r;
      }
    };
  }

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
    return dependencies;
  }

  @Override
  public Optional<ArchiveStorage> archive() {
    return archive;
  }

  @Override
  public void check() {
    primary.check();
  }

  @Override
  public void close() {
    archiveClient.ifPresent(RemoteStorageClient::close);
    primary.close();
    scheduler.shutdownNow();
  }

  private record Writer(RemoteStorageClient client, boolean archive) implements SpanWriter {
    @Override
    public CompletionStage<Void> write(String tenant, List<Span> spans) {
      return client.write(tenant, spans, archive);
    }
  }

  /** An archive reader reads by trace ID only (Jaeger's archive services have nothing else). */
  private record Reader(RemoteStorageClient client, boolean archive) implements SpanReader {
    @Override
    public Optional<Trace> getTrace(GetTraceQuery query) {
      return client.getTrace(query.tenant(), query, archive);
    }

    @Override
    public List<String> getServices(String tenant) {
      return archive ? List.of() : client.getServices(tenant);
    }

    @Override
    public List<Operation> getOperations(OperationQuery query) {
      return archive ? List.of() : client.getOperations(query.tenant(), query);
    }

    @Override
    public List<Trace> findTraces(TraceQuery query) {
      query.validate();
      return archive ? List.of() : client.findTraces(query.tenant(), query);
    }

    @Override
    public List<TraceId> findTraceIds(TraceQuery query) {
      query.validate();
      return archive ? List.of() : client.findTraceIds(query.tenant(), query);
    }
  }

}
