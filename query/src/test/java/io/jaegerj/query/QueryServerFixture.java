// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import io.jaegerj.config.Flag;
import io.jaegerj.config.Settings;
import io.jaegerj.model.Span;
import io.jaegerj.server.Lifecycle;
import io.jaegerj.server.ServerContext;
import io.jaegerj.server.Storage;
import io.jaegerj.server.net.NettyTransport;
import io.jaegerj.server.tenancy.Tenancy;
import io.jaegerj.storage.ArchiveStorage;
import io.jaegerj.storage.DependencyReader;
import io.jaegerj.storage.SamplingStore;
import io.jaegerj.storage.SpanReader;
import io.jaegerj.storage.SpanWriter;
import io.jaegerj.storage.StorageContext;
import io.jaegerj.storage.StorageFactory;
import io.jaegerj.storage.memory.MemoryStorageProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Starts the real {@link QueryModule} (HTTP and gRPC on free ports) over the real memory backend, optionally with a
 * second memory store as archive, for tests. Closing runs the registered shutdown steps in Jaeger's order.
 */
final class QueryServerFixture implements AutoCloseable {
  final StorageFactory primary;
  final StorageFactory archiveStore;
  final QueryModule module = new QueryModule();
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final List<Lifecycle.Step> steps = new ArrayList<>();
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  QueryServerFixture(boolean withArchive, Map<String, String> overrides, Clock clock) throws Exception {
    this(withArchive, overrides, clock, UnaryOperator.identity());
  }

  /** As above, with the primary reader wrapped (e.g. to inject storage failures). */
  QueryServerFixture(boolean withArchive, Map<String, String> overrides, Clock clock,
      UnaryOperator<SpanReader> readerWrapper) throws Exception {
    NettyTransport.shared().retain();
    MemoryStorageProvider provider = new MemoryStorageProvider();
    StorageContext sc = new StorageContext(new SimpleMeterRegistry(), clock);
    Settings memory = Settings.defaults(provider.flags(), Map.of());
    primary = provider.open("memory", memory, sc);
    archiveStore = withArchive ? provider.open("memory", memory, sc) : null;
    Map<String, String> values = new HashMap<>();
    values.put(QueryOptions.HTTP_HOST_PORT, "127.0.0.1:0");
    values.put(QueryOptions.GRPC_HOST_PORT, "127.0.0.1:0");
    values.putAll(overrides);
    List<Flag> flags = new ArrayList<>(module.flags());
    flags.addAll(Tenancy.flags()); // declared by the binary (CommonFlags), not by the query module
    Settings settings = Settings.defaults(flags, values);
    Storage storage = new Storage() {
      @Override
      public SpanWriter writer() {
        return primary.spanWriter();
      }

      @Override
      public SpanReader reader() {
        return readerWrapper.apply(primary.spanReader());
      }

      @Override
      public DependencyReader dependencyReader() {
        return primary.dependencyReader();
      }

      @Override
      public Optional<ArchiveStorage> archive() {
        if (archiveStore == null) {
          return Optional.empty();
        }
        return Optional.of(new ArchiveStorage() {
          @Override
          public SpanWriter writer() {
            return archiveStore.spanWriter();
          }

          @Override
          public SpanReader reader() {
            return archiveStore.spanReader();
          }
        });
      }

      @Override
      public Optional<SamplingStore> samplingStore() {
        return Optional.empty();
      }

      @Override
      public void close() {}
    };
    Lifecycle lifecycle = (phase, name, step) -> steps.add(step);
    try {
      module.start(new ServerContext(settings, meters, storage, lifecycle, clock, "jaeger-query"));
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  QueryServerFixture() throws Exception {
    this(false, Map.of(), Clock.systemUTC());
  }

  void write(List<Span> spans) {
    write("", spans);
  }

  void write(String tenant, List<Span> spans) {
    primary.spanWriter().write(tenant, spans).toCompletableFuture().join();
  }

  void writeArchive(List<Span> spans) {
    writeArchive("", spans);
  }

  void writeArchive(String tenant, List<Span> spans) {
    archiveStore.spanWriter().write(tenant, spans).toCompletableFuture().join();
  }

  String base() {
    return "http://127.0.0.1:" + module.httpPort();
  }

  HttpResponse<String> get(String pathAndQuery) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base() + pathAndQuery)).GET().build());
  }

  HttpResponse<String> post(String pathAndQuery, String body) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base() + pathAndQuery))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  HttpResponse<String> send(HttpRequest req) throws Exception {
    return http.send(req, HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    for (int i = steps.size() - 1; i >= 0; i--) {
      try {
        steps.get(i).run();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    steps.clear();
    primary.close();
    if (archiveStore != null) {
      archiveStore.close();
    }
    NettyTransport.shared().release();
  }
}
