// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.BindableService;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.jaegerj.config.Settings;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import io.jaegerj.proto.storage.ext.v1.BatchSpanWriterPluginGrpc;
import io.jaegerj.proto.storage.ext.v1.WriteSpansRequest;
import io.jaegerj.proto.storage.ext.v1.WriteSpansResponse;
import io.jaegerj.proto.storage.v1.CapabilitiesRequest;
import io.jaegerj.proto.storage.v1.CapabilitiesResponse;
import io.jaegerj.proto.storage.v1.PluginCapabilitiesGrpc;
import io.jaegerj.proto.storage.v1.SpanWriterPluginGrpc;
import io.jaegerj.proto.storage.v1.WriteSpanRequest;
import io.jaegerj.proto.storage.v1.WriteSpanResponse;
import io.jaegerj.storage.CallerCredentials;
import io.jaegerj.storage.GetTraceQuery;
import io.jaegerj.storage.StorageFactory;
import io.jaegerj.storage.TraceQuery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The grpc client's contract: push-back and outages are retried without blocking; hard errors are named. */
class GrpcStorageClientTest {
  static Span span(TraceId id, String service) {
    return Span.builder().traceId(id).spanId(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE))
        .operationName("op").startTimeMicros(TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis()))
        .durationMicros(10).process(new Process(service, List.of())).build();
  }

  static TraceId newId() {
    return new TraceId(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE), ThreadLocalRandom.current().nextLong());
  }

  /** A writer that refuses with {@code refusal} until {@code release} opens, then stores into {@code stored}. */
  static final class GatedWriter extends SpanWriterPluginGrpc.SpanWriterPluginImplBase {
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger refused = new AtomicInteger();
    final ConcurrentLinkedQueue<WriteSpanRequest> stored = new ConcurrentLinkedQueue<>();
    final Status refusal;

    GatedWriter(Status refusal) {
      this.refusal = refusal;
    }

    @Override
    public void writeSpan(WriteSpanRequest request, StreamObserver<WriteSpanResponse> out) {
      if (release.getCount() > 0) {
        refused.incrementAndGet();
        out.onError(refusal.asRuntimeException());
        return;
      }
      stored.add(request);
      out.onNext(WriteSpanResponse.getDefaultInstance());
      out.onCompleted();
    }
  }

  @Test
  void write_serverPushesBack_stageCompletesOnlyAfterRetriesSucceed() throws Exception {
    GatedWriter writer = new GatedWriter(Status.RESOURCE_EXHAUSTED.withDescription("busy"));
    try (TestServer server = new TestServer(0, List.of(writer));
        StorageFactory client = TestServer.client(server.address(), Map.of())) {
      TraceId id = newId();
      CompletableFuture<Void> stage = client.spanWriter().write("", List.of(span(id, "a"), span(id, "a"), span(id, "a")))
          .toCompletableFuture();
      // write() returned at once; the stage waits while the server refuses.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (writer.refused.get() < 6 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(writer.refused.get()).as("refused attempts").isGreaterThanOrEqualTo(6);
      assertThat(stage).isNotDone();
      writer.release.countDown();
      stage.get(10, TimeUnit.SECONDS);
      assertThat(writer.stored).hasSize(3);
    }
  }

  @Test
  void write_serverDownAtOpen_isStoredOnceItComesUp() throws Exception {
    int port = TestServer.freePort();
    StorageFactory memory = TestServer.memory();
    try (StorageFactory client = TestServer.client("127.0.0.1:" + port,
        Map.of("grpc-storage.connection-timeout", "200ms"))) {
      TraceId id = newId();
      CompletableFuture<Void> stage = client.spanWriter().write("", List.of(span(id, "late"))).toCompletableFuture();
      assertThatThrownBy(client::check).isInstanceOf(RemoteStorageException.class)
          .hasMessageContaining("127.0.0.1:" + port);
      assertThat(stage).isNotDone();
      try (TestServer server = TestServer.over(memory, port, 1000)) {
        stage.get(20, TimeUnit.SECONDS);
        Optional<Trace> t = client.spanReader().getTrace(GetTraceQuery.of(id));
        assertThat(t).isPresent();
        client.check();
      }
    } finally {
      memory.close();
    }
  }

  @Test
  void write_capabilitiesNotAnsweredInTime_isRetried_notFailed() throws Exception {
    StorageFactory memory = TestServer.memory();
    AtomicInteger asked = new AtomicInteger();
    List<BindableService> services = new ArrayList<>();
    for (BindableService s : new StorageServices(memory.spanReader(), memory.spanWriter(), memory.dependencyReader(),
        1000).v1()) {
      if (!PluginCapabilitiesGrpc.SERVICE_NAME.equals(s.bindService().getServiceDescriptor().getName())) {
        services.add(s);
      }
    }
    // a server too busy to answer the first two asks (the client's open and its first write) within the timeout
    services.add(new PluginCapabilitiesGrpc.PluginCapabilitiesImplBase() {
      @Override
      public void capabilities(CapabilitiesRequest r, StreamObserver<CapabilitiesResponse> o) {
        if (asked.incrementAndGet() > 2) {
          o.onNext(CapabilitiesResponse.getDefaultInstance());
          o.onCompleted();
        }
      }
    });
    try (TestServer server = new TestServer(0, services);
        StorageFactory client = TestServer.client(server.address(),
            Map.of("grpc-storage.connection-timeout", "200ms"))) {
      TraceId id = newId();
      client.spanWriter().write("", List.of(span(id, "patient"))).toCompletableFuture().get(20, TimeUnit.SECONDS);
      assertThat(asked.get()).isGreaterThanOrEqualTo(3);
      assertThat(client.spanReader().getTrace(GetTraceQuery.of(id))).isPresent();
    } finally {
      memory.close();
    }
  }

  @Test
  void write_hardError_failsWithPluginErrorAndNoRetry() throws Exception {
    GatedWriter writer = new GatedWriter(Status.INTERNAL.withDescription("disk on fire"));
    try (TestServer server = new TestServer(0, List.of(writer));
        StorageFactory client = TestServer.client(server.address(), Map.of())) {
      CompletableFuture<Void> stage = client.spanWriter().write("", List.of(span(newId(), "a"))).toCompletableFuture();
      assertThatThrownBy(() -> stage.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
          .cause().isInstanceOf(RemoteStorageException.class)
          .hasMessageStartingWith("plugin error: ")
          .hasMessageContaining("disk on fire");
      assertThat(writer.refused.get()).isEqualTo(1);
    }
  }

  @Test
  void reads_unreachableServer_failWithClearError_andInvalidQueriesFailBeforeIo() throws Exception {
    int port = TestServer.freePort();
    try (StorageFactory client = TestServer.client("127.0.0.1:" + port,
        Map.of("grpc-storage.connection-timeout", "100ms"))) {
      assertThatThrownBy(() -> client.spanReader().getServices("")).isInstanceOf(RemoteStorageException.class)
          .hasMessageStartingWith("plugin error: GetServices on remote storage 127.0.0.1:" + port)
          .hasMessageContaining("UNAVAILABLE");
      assertThatThrownBy(() -> client.spanReader().findTraces(TraceQuery.builder("").build()))
          .isInstanceOf(IllegalArgumentException.class).hasMessage("service Name must be set");
    }
  }

  @Test
  void tenant_isSentUnderTheConfiguredHeader_andBearerTokenToo() throws Exception {
    ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
    Metadata.Key<String> tenantKey = Metadata.Key.of("x-custom-tenant", Metadata.ASCII_STRING_MARSHALLER);
    ServerInterceptor capture = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        seen.add(headers.get(tenantKey) + "|" + headers.get(RemoteStorageClient.BEARER_TOKEN));
        return Contexts.interceptCall(Context.current(), call, headers, next);
      }
    };
    StorageFactory memory = TestServer.memory();
    StorageServices services = new StorageServices(memory.spanReader(), memory.spanWriter(),
        memory.dependencyReader(), 1000);
    List<BindableService> intercepted = new ArrayList<>();
    for (BindableService s : services.v1()) {
      ServerServiceDefinition d = ServerInterceptors.intercept(s, capture);
      intercepted.add(() -> d);
    }
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try (TestServer server = new TestServer(0, intercepted);
        RemoteStorageClient client = new RemoteStorageClient(new GrpcStorageConfig(server.address(),
            Duration.ofSeconds(5), Optional.empty(), "X-Custom-Tenant"), scheduler)) {
      client.write("acme", List.of(span(newId(), "t")), false).toCompletableFuture().get(10, TimeUnit.SECONDS);
      CallerCredentials.callWith(new CallerCredentials.Credentials("tok", ""),
          () -> client.getServices("acme"));
      client.getServices("");
      assertThat(seen).contains("acme|null", "acme|tok", "null|null");
    } finally {
      scheduler.shutdownNow();
      memory.close();
    }
  }

  /** Counts the calls of every method the server receives. */
  static final class CallCounter implements ServerInterceptor {
    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
        ServerCallHandler<Q, R> next) {
      calls.computeIfAbsent(call.getMethodDescriptor().getBareMethodName(), k -> new AtomicInteger()).incrementAndGet();
      return next.startCall(call, headers);
    }

    int count(String method) {
      AtomicInteger n = calls.get(method);
      return n == null ? 0 : n.get();
    }
  }

  /**
   * Our services over memory, each call counted; with {@code asJaeger} the capabilities service is one that answers
   * as Jaeger's remote-storage does (nothing offered, no jaegerj header), the rest stays ours.
   */
  static List<BindableService> countedServices(StorageFactory memory, CallCounter counter, boolean asJaeger) {
    StorageServices services = new StorageServices(memory.spanReader(), memory.spanWriter(),
        memory.dependencyReader(), 10_000);
    List<BindableService> out = new ArrayList<>();
    for (BindableService s : services.v1()) {
      BindableService svc = s;
      if (asJaeger && PluginCapabilitiesGrpc.SERVICE_NAME.equals(s.bindService().getServiceDescriptor().getName())) {
        svc = new PluginCapabilitiesGrpc.PluginCapabilitiesImplBase() {
          @Override
          public void capabilities(CapabilitiesRequest r, StreamObserver<CapabilitiesResponse> o) {
            o.onNext(CapabilitiesResponse.getDefaultInstance());
            o.onCompleted();
          }
        };
      }
      ServerServiceDefinition d = ServerInterceptors.intercept(svc, counter);
      out.add(() -> d);
    }
    return out;
  }

  static List<Span> batch(TraceId id, int n) {
    List<Span> spans = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      spans.add(span(id, "batch"));
    }
    return spans;
  }

  @Test
  void write_toOurRemoteStorage_sendsABatchAsOneBatchWriterCall() throws Exception {
    CallCounter counter = new CallCounter();
    StorageFactory memory = TestServer.memory();
    try (TestServer server = new TestServer(0, countedServices(memory, counter, false));
        StorageFactory client = TestServer.client(server.address(), Map.of())) {
      TraceId id = newId();
      client.spanWriter().write("", batch(id, 200)).toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(counter.count("WriteSpans")).as("batch calls for one 200-span batch").isEqualTo(1);
      assertThat(counter.count("WriteSpan")).as("unary writes").isZero();
      assertThat(counter.count("WriteSpanStream")).as("streams").isZero();
      // acknowledged means stored: the backend holds every span as soon as the stage completed
      assertThat(memory.spanReader().getTrace(GetTraceQuery.of(id)).orElseThrow().spans()).hasSize(200);
      TraceId second = newId();
      client.spanWriter().write("", batch(second, 200)).toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(counter.count("WriteSpans")).isEqualTo(2);
      assertThat(counter.count("Capabilities")).as("capabilities asked once").isEqualTo(1);
    } finally {
      memory.close();
    }
  }

  @Test
  void write_batchOverTheCallBound_isSplitIntoCallsUnderIt_allStored() throws Exception {
    CallCounter counter = new CallCounter();
    StorageFactory memory = TestServer.memory();
    try (TestServer server = new TestServer(0, countedServices(memory, counter, false));
        StorageFactory client = TestServer.client(server.address(), Map.of())) {
      TraceId id = newId();
      String big = "x".repeat(200 * 1024);
      List<Span> spans = new ArrayList<>();
      for (int i = 0; i < 30; i++) { // ~6 MiB: more than one call may carry, and more than the server takes at once
        spans.add(span(id, "big").toBuilder().tags(List.of(KeyValue.string("blob", big))).build());
      }
      client.spanWriter().write("", spans).toCompletableFuture().get(20, TimeUnit.SECONDS);
      assertThat(counter.count("WriteSpans")).as("calls of at most 2 MiB").isBetween(3, 4);
      assertThat(memory.spanReader().getTrace(GetTraceQuery.of(id)).orElseThrow().spans()).hasSize(30);
    } finally {
      memory.close();
    }
  }

  @Test
  void write_batchPushedBack_isRetriedWhole_andCompletesOnlyWhenStored() throws Exception {
    StorageFactory memory = TestServer.memory();
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger refused = new AtomicInteger();
    ConcurrentLinkedQueue<Integer> stored = new ConcurrentLinkedQueue<>();
    List<BindableService> services = new ArrayList<>();
    for (BindableService s : new StorageServices(memory.spanReader(), memory.spanWriter(), memory.dependencyReader(),
        1000).v1()) {
      if (!BatchSpanWriterPluginGrpc.SERVICE_NAME.equals(
          s.bindService().getServiceDescriptor().getName())) {
        services.add(s);
      }
    }
    services.add(new BatchSpanWriterPluginGrpc.BatchSpanWriterPluginImplBase() {
      @Override
      public void writeSpans(WriteSpansRequest r,
          StreamObserver<WriteSpansResponse> o) {
        if (release.getCount() > 0) {
          refused.incrementAndGet();
          o.onError(Status.RESOURCE_EXHAUSTED.withDescription("busy").asRuntimeException());
          return;
        }
        stored.add(r.getSpansCount());
        o.onNext(WriteSpansResponse.getDefaultInstance());
        o.onCompleted();
      }
    });
    try (TestServer server = new TestServer(0, services);
        StorageFactory client = TestServer.client(server.address(), Map.of())) {
      CompletableFuture<Void> stage = client.spanWriter().write("", batch(newId(), 50)).toCompletableFuture();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (refused.get() < 4 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(refused.get()).as("refused attempts").isGreaterThanOrEqualTo(4);
      assertThat(stage).isNotDone();
      release.countDown();
      stage.get(10, TimeUnit.SECONDS);
      assertThat(stored).containsExactly(50);
    } finally {
      memory.close();
    }
  }

  @Test
  void write_toAServerWithoutTheMarker_keepsOneUnaryCallPerSpan() throws Exception {
    CallCounter counter = new CallCounter();
    StorageFactory memory = TestServer.memory();
    try (TestServer server = new TestServer(0, countedServices(memory, counter, true));
        StorageFactory client = TestServer.client(server.address(), Map.of())) {
      TraceId id = newId();
      client.spanWriter().write("", batch(id, 200)).toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(counter.count("WriteSpan")).as("unary writes for one 200-span batch").isEqualTo(200);
      assertThat(counter.count("WriteSpanStream")).as("streams").isZero();
      assertThat(counter.count("WriteSpans")).as("batch calls").isZero();
      assertThat(memory.spanReader().getTrace(GetTraceQuery.of(id)).orElseThrow().spans()).hasSize(200);
    } finally {
      memory.close();
    }
  }

  @Test
  void capabilities_ofOurServer_offerTheBatchWriterInAHeader_andNothingJaegersClientWouldUse() throws Exception {
    StorageFactory memory = TestServer.memory();
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try (TestServer server = TestServer.over(memory, 0, 1000);
        RemoteStorageClient client = new RemoteStorageClient(new GrpcStorageConfig(server.address(),
            Duration.ofSeconds(5), Optional.empty(), ""), scheduler)) {
      RemoteStorageClient.ServerCapabilities caps = client.awaitCapabilities().orElseThrow();
      assertThat(caps.batchWriter()).isTrue();
      assertThat(caps.response().getStreamingSpanWriter()).as("Jaeger's client must keep unary writes").isFalse();
      assertThat(caps.response().getArchiveSpanReader()).isFalse();
      assertThat(caps.response().getArchiveSpanWriter()).isFalse();
    } finally {
      scheduler.shutdownNow();
      memory.close();
    }
  }

  @Test
  void flags_haveJaegersNamesAndDefaults() {
    Map<String, String> flags = new TreeMap<>();
    new GrpcStorageProvider().flags().forEach(f -> flags.put(f.name(), f.defaultValue()));
    Map<String, String> expected = new TreeMap<>();
    for (String p : List.of("grpc-storage", "grpc-storage-archive")) {
      expected.put(p + ".server", "");
      expected.put(p + ".connection-timeout", "5s");
      expected.put(p + ".tls.enabled", "false");
      expected.put(p + ".tls.ca", "");
      expected.put(p + ".tls.cert", "");
      expected.put(p + ".tls.key", "");
      expected.put(p + ".tls.server-name", "");
      expected.put(p + ".tls.skip-host-verify", "false");
    }
    expected.put("grpc-storage-archive.enabled", "false");
    assertThat(flags).isEqualTo(expected);
  }

  @Test
  void open_withoutServer_orWithTlsOptionsButTlsOff_isRefusedNamingTheFlag() {
    GrpcStorageProvider p = new GrpcStorageProvider();
    assertThatThrownBy(() -> p.open("grpc", Settings.defaults(p.flags(), Map.of()), TestServer.context()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--grpc-storage.server");
    assertThatThrownBy(() -> p.open("grpc", Settings.defaults(p.flags(), Map.of("grpc-storage.server", "h:1",
        "grpc-storage.tls.ca", "/ca.pem")), TestServer.context()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("grpc-storage.tls.* options cannot be used when grpc-storage.tls.enabled is false");
  }
}
