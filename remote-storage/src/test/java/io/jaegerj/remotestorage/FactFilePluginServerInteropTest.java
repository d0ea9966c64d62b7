// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.remotestorage;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.jaegerj.factfile.model.FactModel;
import io.jaegerj.factfile.storage.ArchiveSpanReaderPluginGrpc;
import io.jaegerj.factfile.storage.ArchiveSpanWriterPluginGrpc;
import io.jaegerj.factfile.storage.DependenciesReaderPluginGrpc;
import io.jaegerj.factfile.storage.FactStorage;
import io.jaegerj.factfile.storage.PluginCapabilitiesGrpc;
import io.jaegerj.factfile.storage.SpanReaderPluginGrpc;
import io.jaegerj.factfile.storage.SpanWriterPluginGrpc;
import io.jaegerj.factfile.storage.StreamingSpanWriterPluginGrpc;
import io.jaegerj.model.DependencyLink;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import io.jaegerj.storage.ArchiveStorage;
import io.jaegerj.storage.GetTraceQuery;
import io.jaegerj.storage.Operation;
import io.jaegerj.storage.OperationQuery;
import io.jaegerj.storage.StorageFactory;
import io.jaegerj.storage.TraceQuery;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our {@code grpc} client against a storage plugin built only from the fact-file stubs: a third-party plugin that
 * offers streaming writes and archive services, sends traces in small chunks and answers operations the old way
 * (names only).
 */
class FactFilePluginServerInteropTest {
  /** The plugin's store: spans as it received them on the wire. */
  static final List<FactModel.Span> primary = new CopyOnWriteArrayList<>();
  static final List<FactModel.Span> archive = new CopyOnWriteArrayList<>();
  static final AtomicInteger unaryWrites = new AtomicInteger();
  static final AtomicInteger streams = new AtomicInteger();
  static final Map<String, String> lastQuery = new ConcurrentHashMap<>();
  static Server server;
  static StorageFactory client;

  @BeforeAll
  static void start() throws Exception {
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new Capabilities())
        .addService(new Writer())
        .addService(new StreamingWriter())
        .addService(new Reader())
        .addService(new ArchiveWriter())
        .addService(new ArchiveReader())
        .addService(new Dependencies())
        .build().start();
    client = RemoteStorageFixture.client("127.0.0.1:" + server.getPort(),
        Map.of("grpc-storage-archive.enabled", "true"));
  }

  @AfterAll
  static void stop() throws InterruptedException {
    client.close();
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  static Span span(TraceId id, long spanId, String service, String op) {
    return Span.builder().traceId(id).spanId(spanId).operationName(op)
        .startTimeMicros(TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis())).durationMicros(42)
        .addTag(KeyValue.int64("answer", 42))
        .process(new Process(service, List.of(KeyValue.string("ip", "10.0.0.1")))).build();
  }

  @Test
  void writes_goThroughTheStreamingWriter_andReadBackByIdAndSearch() throws Exception {
    TraceId a = RemoteStorageTest.newTraceId();
    TraceId b = RemoteStorageTest.newTraceId();
    List<Span> batch = List.of(span(a, 1, "plugin-svc", "op-a"), span(a, 2, "plugin-svc", "op-a"),
        span(a, 3, "plugin-svc", "op-a"), span(b, 4, "plugin-svc", "op-b"));
    client.spanWriter().write("", batch).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(streams.get()).as("streams").isGreaterThanOrEqualTo(1);
    assertThat(unaryWrites.get()).as("unary writes while streaming is offered").isZero();

    Optional<Trace> t = client.spanReader().getTrace(GetTraceQuery.of(a));
    assertThat(t).isPresent();
    assertThat(t.get().spans()).hasSize(3);
    assertThat(t.get().spans().get(0).process().serviceName()).isEqualTo("plugin-svc");
    assertThat(t.get().spans().get(0).tags()).contains(KeyValue.int64("answer", 42));
    assertThat(client.spanReader().getTrace(GetTraceQuery.of(RemoteStorageTest.newTraceId()))).isEmpty();

    long now = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
    TraceQuery q = TraceQuery.builder("plugin-svc").tag("answer", "42")
        .startTimeMinMicros(now - 3_600_000_000L).startTimeMaxMicros(now + 60_000_000L).numTraces(7).build();
    List<Trace> found = client.spanReader().findTraces(q);
    assertThat(found).extracting(Trace::traceId).containsExactlyInAnyOrder(a, b);
    assertThat(found).filteredOn(x -> x.traceId().equals(a)).singleElement()
        .satisfies(x -> assertThat(x.spans()).as("chunks of one trace are joined").hasSize(3));
    assertThat(lastQuery).containsEntry("service", "plugin-svc").containsEntry("tags", "{answer=42}")
        .containsEntry("num_traces", "7");
    assertThat(client.spanReader().findTraceIds(q)).containsExactlyInAnyOrder(a, b);
  }

  @Test
  void operations_fromNamesOnly_comeBackWithEmptyKind_andServicesAndDependencies() {
    assertThat(client.spanReader().getOperations(new OperationQuery("svc", "")))
        .containsExactly(new Operation("legacy-op", ""));
    assertThat(client.spanReader().getServices("")).contains("plugin-svc-fixed");
    assertThat(client.dependencyReader().getDependencies("",
        TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis()), 3_600_000_000L))
        .containsExactly(new DependencyLink("p", "c", 3, "plugin"));
  }

  @Test
  void archive_usesThePluginsArchiveServices_whenItsCapabilitiesSaySo() throws Exception {
    assertThat(client.archive()).isPresent();
    ArchiveStorage arch = client.archive().get();
    TraceId id = RemoteStorageTest.newTraceId();
    arch.writer().write("", List.of(span(id, 9, "archived", "op"))).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(archive).extracting(FactModel.Span::getOperationName).contains("op");
    assertThat(arch.reader().getTrace(GetTraceQuery.of(id))).isPresent();
    assertThat(client.spanReader().getTrace(GetTraceQuery.of(id))).as("not in the primary store").isEmpty();
  }

  // ------------------------------------------------------------------------------------ the third-party plugin

  static final class Capabilities extends PluginCapabilitiesGrpc.PluginCapabilitiesImplBase {
    @Override
    public void capabilities(FactStorage.CapabilitiesRequest r, StreamObserver<FactStorage.CapabilitiesResponse> o) {
      o.onNext(FactStorage.CapabilitiesResponse.newBuilder().setStreamingSpanWriter(true)
          .setArchiveSpanReader(true).setArchiveSpanWriter(true).build());
      o.onCompleted();
    }
  }

  static final class Writer extends SpanWriterPluginGrpc.SpanWriterPluginImplBase {
    @Override
    public void writeSpan(FactStorage.WriteSpanRequest r, StreamObserver<FactStorage.WriteSpanResponse> o) {
      unaryWrites.incrementAndGet();
      primary.add(r.getSpan());
      o.onNext(FactStorage.WriteSpanResponse.getDefaultInstance());
      o.onCompleted();
    }
  }

  static final class StreamingWriter extends StreamingSpanWriterPluginGrpc.StreamingSpanWriterPluginImplBase {
    @Override
    public StreamObserver<FactStorage.WriteSpanRequest> writeSpanStream(
        StreamObserver<FactStorage.WriteSpanResponse> o) {
      streams.incrementAndGet();
      return new StreamObserver<>() {
        @Override
        public void onNext(FactStorage.WriteSpanRequest r) {
          primary.add(r.getSpan());
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          o.onNext(FactStorage.WriteSpanResponse.getDefaultInstance());
          o.onCompleted();
        }
      };
    }
  }

  /** Sends each trace in chunks of two spans. */
  static void sendTrace(List<FactModel.Span> spans, StreamObserver<FactStorage.SpansResponseChunk> o) {
    for (int i = 0; i < spans.size(); i += 2) {
      o.onNext(FactStorage.SpansResponseChunk.newBuilder()
          .addAllSpans(spans.subList(i, Math.min(spans.size(), i + 2))).build());
    }
  }

  static void getTrace(List<FactModel.Span> store, FactStorage.GetTraceRequest r,
      StreamObserver<FactStorage.SpansResponseChunk> o) {
    List<FactModel.Span> spans = new ArrayList<>();
    for (FactModel.Span s : store) {
      if (s.getTraceId().equals(r.getTraceId())) {
        spans.add(s);
      }
    }
    if (spans.isEmpty()) {
      o.onError(Status.NOT_FOUND.withDescription("trace not found").asRuntimeException());
      return;
    }
    sendTrace(spans, o);
    o.onCompleted();
  }

  static final class Reader extends SpanReaderPluginGrpc.SpanReaderPluginImplBase {
    @Override
    public void getTrace(FactStorage.GetTraceRequest r, StreamObserver<FactStorage.SpansResponseChunk> o) {
      FactFilePluginServerInteropTest.getTrace(primary, r, o);
    }

    @Override
    public void getServices(FactStorage.GetServicesRequest r, StreamObserver<FactStorage.GetServicesResponse> o) {
      o.onNext(FactStorage.GetServicesResponse.newBuilder().addServices("plugin-svc-fixed").build());
      o.onCompleted();
    }

    @Override
    public void getOperations(FactStorage.GetOperationsRequest r,
        StreamObserver<FactStorage.GetOperationsResponse> o) {
      o.onNext(FactStorage.GetOperationsResponse.newBuilder().addOperationNames("legacy-op").build());
      o.onCompleted();
    }

    private Map<ByteString, List<FactModel.Span>> matching(FactStorage.TraceQueryParameters q) {
      lastQuery.put("service", q.getServiceName());
      lastQuery.put("tags", q.getTagsMap().toString());
      lastQuery.put("num_traces", Integer.toString(q.getNumTraces()));
      Map<ByteString, List<FactModel.Span>> byTrace = new LinkedHashMap<>();
      for (FactModel.Span s : primary) {
        if (s.getProcess().getServiceName().equals(q.getServiceName())) {
          byTrace.computeIfAbsent(s.getTraceId(), k -> new ArrayList<>()).add(s);
        }
      }
      return byTrace;
    }

    @Override
    public void findTraces(FactStorage.FindTracesRequest r, StreamObserver<FactStorage.SpansResponseChunk> o) {
      for (List<FactModel.Span> spans : matching(r.getQuery()).values()) {
        sendTrace(spans, o);
      }
      o.onCompleted();
    }

    @Override
    public void findTraceIDs(FactStorage.FindTraceIDsRequest r, StreamObserver<FactStorage.FindTraceIDsResponse> o) {
      o.onNext(FactStorage.FindTraceIDsResponse.newBuilder().addAllTraceIds(matching(r.getQuery()).keySet()).build());
      o.onCompleted();
    }
  }

  static final class ArchiveWriter extends ArchiveSpanWriterPluginGrpc.ArchiveSpanWriterPluginImplBase {
    @Override
    public void writeArchiveSpan(FactStorage.WriteSpanRequest r, StreamObserver<FactStorage.WriteSpanResponse> o) {
      archive.add(r.getSpan());
      o.onNext(FactStorage.WriteSpanResponse.getDefaultInstance());
      o.onCompleted();
    }
  }

  static final class ArchiveReader extends ArchiveSpanReaderPluginGrpc.ArchiveSpanReaderPluginImplBase {
    @Override
    public void getArchiveTrace(FactStorage.GetTraceRequest r, StreamObserver<FactStorage.SpansResponseChunk> o) {
      FactFilePluginServerInteropTest.getTrace(archive, r, o);
    }
  }

  static final class Dependencies extends DependenciesReaderPluginGrpc.DependenciesReaderPluginImplBase {
    @Override
    public void getDependencies(FactStorage.GetDependenciesRequest r,
        StreamObserver<FactStorage.GetDependenciesResponse> o) {
      o.onNext(FactStorage.GetDependenciesResponse.newBuilder().addDependencies(FactModel.DependencyLink.newBuilder()
          .setParent("p").setChild("c").setCallCount(3).setSource("plugin")).build());
      o.onCompleted();
    }
  }
}
