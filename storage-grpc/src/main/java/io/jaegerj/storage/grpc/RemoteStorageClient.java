// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.jaegerj.model.DependencyLink;
import io.jaegerj.model.Span;
import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import io.jaegerj.model.proto.ProtoConverter;
import io.jaegerj.model.proto.SpanProtoDecoder;
import io.jaegerj.model.proto.SpanProtoEncoder;
import io.jaegerj.proto.storage.ext.v1.BatchSpanWriterPluginGrpc;
import io.jaegerj.proto.storage.v1.ArchiveSpanReaderPluginGrpc;
import io.jaegerj.proto.storage.v1.ArchiveSpanWriterPluginGrpc;
import io.jaegerj.proto.storage.v1.CapabilitiesRequest;
import io.jaegerj.proto.storage.v1.CapabilitiesResponse;
import io.jaegerj.proto.storage.v1.CloseWriterRequest;
import io.jaegerj.proto.storage.v1.DependenciesReaderPluginGrpc;
import io.jaegerj.proto.storage.v1.FindTraceIDsRequest;
import io.jaegerj.proto.storage.v1.FindTracesRequest;
import io.jaegerj.proto.storage.v1.GetDependenciesRequest;
import io.jaegerj.proto.storage.v1.GetOperationsRequest;
import io.jaegerj.proto.storage.v1.GetOperationsResponse;
import io.jaegerj.proto.storage.v1.GetServicesRequest;
import io.jaegerj.proto.storage.v1.GetTraceRequest;
import io.jaegerj.proto.storage.v1.PluginCapabilitiesGrpc;
import io.jaegerj.proto.storage.v1.SpanReaderPluginGrpc;
import io.jaegerj.proto.storage.v1.SpanWriterPluginGrpc;
import io.jaegerj.proto.storage.v1.StreamingSpanWriterPluginGrpc;
import io.jaegerj.proto.storage.v1.WriteSpanRequest;
import io.jaegerj.proto.storage.v1.WriteSpanResponse;
import io.jaegerj.storage.CallerCredentials;
import io.jaegerj.storage.GetTraceQuery;
import io.jaegerj.storage.Operation;
import io.jaegerj.storage.OperationQuery;
import io.jaegerj.storage.Tenants;
import io.jaegerj.storage.TraceQuery;
import io.jaegerj.tls.ClientTlsConfig;
import io.jaegerj.tls.Pem;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection to a remote storage server and the v1 calls over it.
 *
 * <p>Writes never block the caller. A write the server cannot take now ({@code UNAVAILABLE}: not reachable or
 * restarting; {@code RESOURCE_EXHAUSTED}: pushing back) is retried after a backoff (50 ms doubling to 2 s) for up to
 * {@link #WRITE_RETRY_BUDGET}; the returned stage completes when the server has acknowledged every span, or
 * exceptionally with a {@link RemoteStorageException} naming the server. Writes are idempotent, so a retried span
 * that the server had stored already is harmless. How a batch travels depends on the server:
 * <ul>
 *   <li>our remote-storage (its capabilities answer carries {@link StorageServices#CAPABILITIES_HEADER}): as
 *       {@code jaegerj.storage.v1.BatchSpanWriterPlugin/WriteSpans} calls of at most {@link #MAX_BATCH_BYTES}
 *       each, one for a usual batch, each answered after the backend stored it;
 *   <li>a plugin with the {@code streamingSpanWriter} capability: as one client stream, acknowledged as a whole;
 *   <li>otherwise (Jaeger's remote-storage): one unary {@code WriteSpan} per span, the only write Jaeger's own
 *       remote-storage acknowledges after storing.
 * </ul>
 *
 * <p>Reads are blocking with a {@link #READ_TIMEOUT} deadline. The caller's tenant travels under the
 * {@code multi-tenancy.header} metadata key, the caller's bearer token under {@code bearer.token}.
 */
final class RemoteStorageClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RemoteStorageClient.class);
  static final Duration WRITE_RETRY_BUDGET = Duration.ofSeconds(60);
  static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);
  static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
  static final long INITIAL_BACKOFF_MILLIS = 50;
  static final long MAX_BACKOFF_MILLIS = 2000;
  /** Responses carry up to 1000 spans per chunk; large spans need more than gRPC's 4 MiB default. */
  static final int MAX_INBOUND_MESSAGE_BYTES = 64 * 1024 * 1024;
  /**
   * Bound of one batch-writer call: half of gRPC's default 4 MiB inbound limit, which our remote-storage keeps, so
   * that framing and a few large spans never push a call over it.
   */
  static final int MAX_BATCH_BYTES = 2 * 1024 * 1024;
  /**
   * HTTP/2 flow-control window of our channel: gRPC's 1 MiB default stalls a streamed search or trace answer (chunks
   * of up to 1000 spans) on window updates; 8 MiB lets the server send ahead.
   */
  static final int FLOW_CONTROL_WINDOW_BYTES = 8 * 1024 * 1024;
  static final Metadata.Key<String> BEARER_TOKEN = Metadata.Key.of("bearer.token", Metadata.ASCII_STRING_MARSHALLER);

  private final GrpcStorageConfig config;
  private final ManagedChannel channel;
  private final ScheduledExecutorService scheduler;
  private final Metadata.Key<String> tenantKey;
  private volatile CompletableFuture<ServerCapabilities> capabilities;

  RemoteStorageClient(GrpcStorageConfig config, ScheduledExecutorService scheduler) {
    this.config = config;
    this.scheduler = scheduler;
    // a non-default tenant always travels (under Jaeger's default header when tenancy flags are absent), so the
    // server never stores one tenant's spans as the default tenant's
    String header = config.tenancyHeader().isEmpty() ? StorageServices.DEFAULT_TENANT_HEADER : config.tenancyHeader();
    this.tenantKey = Metadata.Key.of(header.toLowerCase(Locale.ROOT), Metadata.ASCII_STRING_MARSHALLER);
    NettyChannelBuilder b = NettyChannelBuilder.forTarget(config.server())
        .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
        .flowControlWindow(FLOW_CONTROL_WINDOW_BYTES)
        .keepAliveTime(30, TimeUnit.SECONDS)
        .keepAliveWithoutCalls(false)
        // Answers only complete futures (and schedule retries on the scheduler): they run on the event loop that
        // read them instead of being handed to a pool thread per call. Reads use blocking stubs, which run their
        // callbacks on the calling thread whatever this executor is.
        .directExecutor();
    if (config.tls().isPresent()) {
      ClientTlsConfig tls = config.tls().get();
      b.sslContext(nettyContext(tls));
      if (!tls.serverName().isEmpty()) {
        b.overrideAuthority(tls.serverName());
      }
    } else {
      b.usePlaintext();
    }
    this.channel = b.build();
  }

  static SslContext nettyContext(ClientTlsConfig tls) {
    try {
      SslContextBuilder b = GrpcSslContexts.forClient();
      if (tls.skipHostVerify()) {
        b.trustManager(InsecureTrustManagerFactory.INSTANCE);
      } else if (!tls.ca().isEmpty()) {
        b.trustManager(Pem.certificates(Path.of(tls.ca())).toArray(new X509Certificate[0]));
      }
      if (!tls.cert().isEmpty()) {
        b.keyManager(Pem.privateKey(Path.of(tls.key())),
            Pem.certificates(Path.of(tls.cert())).toArray(new X509Certificate[0]));
      }
      if (!tls.skipHostVerify()) {
        b.endpointIdentificationAlgorithm("HTTPS");
      }
      return b.build();
    } catch (Exception e) {
      throw new IllegalArgumentException("cannot build the client TLS context: " + e.getMessage(), e);
    }
  }

  String server() {
    return config.server();
  }

  // ---------------------------------------------------------------------------------------------- metadata

  private <S extends AbstractStub<S>> S withMetadata(S stub, String tenant) {
    Metadata md = new Metadata();
    boolean any = false;
    if (!tenant.isEmpty()) {
      md.put(tenantKey, tenant);
      any = true;
    }
    Optional<CallerCredentials.Credentials> c = CallerCredentials.current();
    if (c.isPresent() && !c.get().bearerToken().isEmpty()) {
      md.put(BEARER_TOKEN, c.get().bearerToken());
      any = true;
    }
    return any ? stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md)) : stub;
  }

  // ---------------------------------------------------------------------------------------------- capabilities

  /**
   * What the server offers: Jaeger's capabilities, and whether it offers our batch writer extension (it said so with
   * {@link StorageServices#CAPABILITIES_HEADER}, as our remote-storage does).
   */
  record ServerCapabilities(CapabilitiesResponse response, boolean batchWriter) {
    static final ServerCapabilities NONE = new ServerCapabilities(CapabilitiesResponse.getDefaultInstance(), false);

    static boolean offersBatchWriter(Metadata headers) {
      String v = headers == null ? null : headers.get(StorageServices.CAPABILITIES_HEADER);
      if (v == null) {
        return false;
      }
      for (String token : v.split(",")) {
        if (token.trim().equals(StorageServices.BATCH_SPAN_WRITER)) {
          return true;
        }
      }
      return false;
    }
  }

  /**
   * The server's capabilities, asked once and remembered; {@code UNIMPLEMENTED} means none. A failed ask (server
   * unreachable, or a server with tenancy on asked without a tenant) is not remembered, so the next caller asks
   * again. The ask carries {@code tenant} like every other call, as a server with tenancy on refuses calls without.
   */
  CompletableFuture<ServerCapabilities> capabilities(String tenant) {
    CompletableFuture<ServerCapabilities> c = capabilities;
    if (c != null) {
      return c;
    }
    CompletableFuture<ServerCapabilities> f = new CompletableFuture<>();
    AtomicReference<Metadata> headers = new AtomicReference<>();
    withMetadata(PluginCapabilitiesGrpc.newStub(channel), tenant)
        .withInterceptors(MetadataUtils.newCaptureMetadataInterceptor(headers, new AtomicReference<>()))
        .withDeadlineAfter(Math.max(1, config.connectionTimeout().toMillis()), TimeUnit.MILLISECONDS)
        .capabilities(CapabilitiesRequest.getDefaultInstance(), new StreamObserver<>() {
          @Override
          public void onNext(CapabilitiesResponse value) {
            ServerCapabilities caps =
                new ServerCapabilities(value, ServerCapabilities.offersBatchWriter(headers.get()));
            capabilities = CompletableFuture.completedFuture(caps);
            f.complete(caps);
          }

          @Override
          public void onError(Throwable t) {
            if (Status.fromThrowable(t).getCode() == Status.Code.UNIMPLEMENTED) {
              capabilities = CompletableFuture.completedFuture(ServerCapabilities.NONE);
              f.complete(ServerCapabilities.NONE);
            } else {
              f.completeExceptionally(t);
            }
          }

          @Override
          public void onCompleted() {}
        });
    return f;
  }

  /**
   * Waits up to {@code grpc-storage.connection-timeout} for the capabilities.
   *
   * @return empty when the server did not answer in time
   */
  Optional<ServerCapabilities> awaitCapabilities() {
    try {
      return Optional.of(capabilities(Tenants.DEFAULT)
          .get(config.connectionTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (Exception e) {
      LOG.warn("Remote storage {} did not answer the capabilities call: {}; writes retry until it does",
          config.server(), e.getCause() == null ? e.toString() : e.getCause().toString());
      return Optional.empty();
    }
  }

  // ---------------------------------------------------------------------------------------------- writes

  /** Writes every span (to the archive services when {@code archive}); see the class comment for retries. */
  CompletionStage<Void> write(String tenant, List<Span> spans, boolean archive) {
    CompletableFuture<Void> result = new CompletableFuture<>();
    if (spans.isEmpty()) {
      result.complete(null);
      return result;
    }
    new WriteAttempts(tenant, spans, archive, result).run();
    return result;
  }

  static boolean retryable(Throwable t) {
    Status.Code c = Status.fromThrowable(t).getCode();
    return c == Status.Code.UNAVAILABLE || c == Status.Code.RESOURCE_EXHAUSTED;
  }

  /** Spans {@code from} to {@code to} of an encoded batch, sent as one batch-writer call. */
  private record Chunk(SpanProtoEncoder encoder, int from, int to, List<Span> spans) {}

  /**
   * One batch's attempts: send what is left, keep what the server pushed back on, try again after a pause. Each
   * attempt encodes what it sends, so a span stays a model span until it goes out.
   */
  private final class WriteAttempts implements Runnable {
    private final String tenant;
    private final boolean archive;
    private final CompletableFuture<Void> result;
    private final long deadlineNanos = System.nanoTime() + WRITE_RETRY_BUDGET.toNanos();
    private List<Span> remaining;
    private long backoffMillis = INITIAL_BACKOFF_MILLIS;
    private int attempts;
    private volatile Throwable lastSoft;

    WriteAttempts(String tenant, List<Span> spans, boolean archive, CompletableFuture<Void> result) {
      this.tenant = tenant;
      this.remaining = spans;
      this.archive = archive;
      this.result = result;
    }

    @Override
    public void run() {
      attempts++;
      if (archive) {
        sendUnary(remaining).whenComplete(this::afterAttempt);
        return;
      }
      capabilities(tenant).whenComplete((caps, capsError) -> {
        if (capsError != null) {
          // The server could not even be asked: the whole batch waits for it. A server too busy to answer within
          // the connection timeout is as good as unreachable for now: that is retried too.
          afterAttempt(remaining, Status.fromThrowable(capsError).getCode() == Status.Code.DEADLINE_EXCEEDED
              ? Status.UNAVAILABLE.withDescription("no capabilities answer within "
                  + config.connectionTimeout().toMillis() + " ms").withCause(capsError).asRuntimeException()
              : capsError);
        } else if (caps.batchWriter()) {
          sendBatches(remaining).whenComplete(this::afterAttempt);
        } else if (caps.response().getStreamingSpanWriter()) {
          sendStream(remaining).whenComplete(this::afterAttempt);
        } else {
          sendUnary(remaining).whenComplete(this::afterAttempt);
        }
      });
    }

    /**
     * @param leftOver spans to send again (pushed back on), or null with {@code error} for a final failure
     */
    private void afterAttempt(List<Span> leftOver, Throwable error) {
      if (error != null && !retryable(error)) {
        result.completeExceptionally(new RemoteStorageException("plugin error: " + describe(error), error));
        return;
      }
      if (error == null && leftOver.isEmpty()) {
        result.complete(null);
        return;
      }
      if (leftOver != null) {
        remaining = leftOver;
      }
      Throwable cause = error != null ? error : lastSoft;
      if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMillis) > deadlineNanos) {
        String why = cause == null ? "the server kept refusing spans" : describe(cause);
        result.completeExceptionally(new RemoteStorageException("plugin error: remote storage " + config.server()
            + " did not take the spans after " + attempts + " attempts in " + WRITE_RETRY_BUDGET.toSeconds()
            + "s: " + why, cause));
        return;
      }
      LOG.debug("Remote storage {} pushed back ({}); retrying {} spans in {} ms", config.server(),
          cause == null ? "no reason given" : describe(cause), remaining.size(), backoffMillis);
      scheduler.schedule(this, backoffMillis, TimeUnit.MILLISECONDS);
      backoffMillis = Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
    }

    /**
     * Makes one call per element of {@code calls} and completes, once every call is answered, with the spans of the
     * calls the server pushed back on ({@link #retryable}), or exceptionally with the first hard failure.
     */
    private <C, R> CompletableFuture<List<Span>> acknowledgeEach(List<C> calls, Function<C, List<Span>> spansOf,
        BiConsumer<C, StreamObserver<R>> send) {
      CompletableFuture<List<Span>> done = new CompletableFuture<>();
      List<Span> pushedBack = Collections.synchronizedList(new ArrayList<>());
      AtomicInteger pending = new AtomicInteger(calls.size());
      AtomicReference<Throwable> hard = new AtomicReference<>();
      AtomicReference<Throwable> soft = new AtomicReference<>();
      for (C call : calls) {
        send.accept(call, new StreamObserver<>() {
          @Override
          public void onNext(R value) {}

          @Override
          public void onError(Throwable t) {
            if (retryable(t)) {
              pushedBack.addAll(spansOf.apply(call));
              soft.compareAndSet(null, t);
            } else {
              hard.compareAndSet(null, t);
            }
            finish();
          }

          @Override
          public void onCompleted() {
            finish();
          }

          private void finish() {
            if (pending.decrementAndGet() == 0) {
              if (hard.get() != null) {
                done.completeExceptionally(hard.get());
              } else if (!pushedBack.isEmpty()) {
                // Pass the cause on with the left-overs: complete normally, remember it for the log line.
                lastSoft = soft.get();
                done.complete(List.copyOf(pushedBack));
              } else {
                done.complete(List.of());
              }
            }
          }
        });
      }
      return done;
    }

    /** One unary call per span (Jaeger's API, through the generated messages). */
    private CompletableFuture<List<Span>> sendUnary(List<Span> spans) {
      return acknowledgeEach(spans, List::of, (Span span, StreamObserver<WriteSpanResponse> observer) -> {
        WriteSpanRequest r = WriteSpanRequest.newBuilder().setSpan(ProtoConverter.toProto(span, true)).build();
        if (archive) {
          withMetadata(ArchiveSpanWriterPluginGrpc.newStub(channel), tenant)
              .withDeadlineAfter(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
              .writeArchiveSpan(r, observer);
        } else {
          withMetadata(SpanWriterPluginGrpc.newStub(channel), tenant)
              .withDeadlineAfter(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
              .writeSpan(r, observer);
        }
      });
    }

    /**
     * The batch in calls of at most {@link #MAX_BATCH_BYTES} (a span larger than that goes alone), each request
     * written by {@link SpanProtoEncoder} into one array.
     */
    private CompletableFuture<List<Span>> sendBatches(List<Span> spans) {
      SpanProtoEncoder encoder = new SpanProtoEncoder(spans);
      List<Chunk> chunks = new ArrayList<>(1);
      int from = 0;
      long bytes = 0;
      for (int i = 0, n = spans.size(); i < n; i++) {
        int size = encoder.fieldSize(DirectCalls.SPANS_FIELD, i);
        if (i > from && bytes + size > MAX_BATCH_BYTES) {
          chunks.add(new Chunk(encoder, from, i, spans.subList(from, i)));
          from = i;
          bytes = 0;
        }
        bytes += size;
      }
      chunks.add(new Chunk(encoder, from, spans.size(), spans.subList(from, spans.size())));
      BatchSpanWriterPluginGrpc.BatchSpanWriterPluginStub stub = withMetadata(
          BatchSpanWriterPluginGrpc.newStub(channel), tenant)
          .withDeadlineAfter(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return acknowledgeEach(chunks, Chunk::spans, (Chunk chunk, StreamObserver<byte[]> observer) ->
          ClientCalls.asyncUnaryCall(stub.getChannel().newCall(DirectCalls.WRITE_SPANS, stub.getCallOptions()),
              chunk.encoder().encodeRepeated(DirectCalls.SPANS_FIELD, chunk.from(), chunk.to()), observer));
    }

    /** The batch as one client stream; the single response acknowledges all of it. */
    private CompletableFuture<List<Span>> sendStream(List<Span> spans) {
      return acknowledgeEach(List.of(spans), Function.identity(),
          (List<Span> all, StreamObserver<WriteSpanResponse> observer) -> {
            StreamObserver<WriteSpanRequest> stream = withMetadata(StreamingSpanWriterPluginGrpc.newStub(channel),
                tenant)
                .withDeadlineAfter(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .writeSpanStream(observer);
            for (Span span : all) {
              stream.onNext(WriteSpanRequest.newBuilder().setSpan(ProtoConverter.toProto(span, true)).build());
            }
            stream.onCompleted();
          });
    }
  }

  static String describe(Throwable t) {
    if (t instanceof StatusRuntimeException s) {
      Status st = s.getStatus();
      return st.getCode() + (st.getDescription() == null ? "" : ": " + st.getDescription());
    }
    return t.toString();
  }

  // ---------------------------------------------------------------------------------------------- reads

  private RemoteStorageException readFailure(String call, StatusRuntimeException e) {
    if (e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT) {
      throw new IllegalArgumentException("plugin error: " + describe(e), e);
    }
    return new RemoteStorageException("plugin error: " + call + " on remote storage " + config.server() + ": "
        + describe(e), e);
  }

  private SpanReaderPluginGrpc.SpanReaderPluginBlockingStub reader(String tenant) {
    return withMetadata(SpanReaderPluginGrpc.newBlockingStub(channel), tenant)
        .withDeadlineAfter(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  Optional<Trace> getTrace(String tenant, GetTraceQuery q, boolean archive) {
    GetTraceRequest.Builder b = GetTraceRequest.newBuilder().setTraceId(Wire.traceId(q.traceId()));
    if (q.startTimeMicros() != 0) {
      b.setStartTime(ProtoConverter.toTimestamp(q.startTimeMicros()));
    }
    if (q.endTimeMicros() != 0) {
      b.setEndTime(ProtoConverter.toTimestamp(q.endTimeMicros()));
    }
    AbstractStub<?> stub = archive
        ? withMetadata(ArchiveSpanReaderPluginGrpc.newBlockingStub(channel), tenant)
            .withDeadlineAfter(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        : reader(tenant);
    List<Span> spans = new ArrayList<>();
    try {
      Iterator<byte[]> chunks = ClientCalls.blockingServerStreamingCall(stub.getChannel(),
          archive ? DirectCalls.GET_ARCHIVE_TRACE : DirectCalls.GET_TRACE, stub.getCallOptions(), b.build());
      while (chunks.hasNext()) {
        spans.addAll(decodeChunk("GetTrace", chunks.next()));
      }
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND || "trace not found".equals(
          e.getStatus().getDescription())) {
        return Optional.empty();
      }
      throw readFailure("GetTrace", e);
    }
    return spans.isEmpty() ? Optional.empty() : Optional.of(Trace.of(spans));
  }

  /** The spans of one {@code SpansResponseChunk}, read by {@link SpanProtoDecoder}. */
  private List<Span> decodeChunk(String call, byte[] chunk) {
    try {
      return SpanProtoDecoder.decodeRepeated(chunk, 0, chunk.length, DirectCalls.SPANS_FIELD);
    } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
      throw new RemoteStorageException("plugin error: " + call + " on remote storage " + config.server()
          + " answered a chunk that is not a SpansResponseChunk: " + e.getMessage(), e);
    }
  }

  List<String> getServices(String tenant) {
    try {
      return List.copyOf(reader(tenant).getServices(GetServicesRequest.getDefaultInstance()).getServicesList());
    } catch (StatusRuntimeException e) {
      throw readFailure("GetServices", e);
    }
  }

  List<Operation> getOperations(String tenant, OperationQuery q) {
    GetOperationsResponse r;
    try {
      r = reader(tenant).getOperations(GetOperationsRequest.newBuilder()
          .setService(q.serviceName()).setSpanKind(q.spanKind()).build());
    } catch (StatusRuntimeException e) {
      throw readFailure("GetOperations", e);
    }
    List<Operation> out = new ArrayList<>();
    if (r.getOperationsCount() > 0) {
      for (io.jaegerj.proto.storage.v1.Operation op : r.getOperationsList()) {
        out.add(new Operation(op.getName(), op.getSpanKind()));
      }
    } else {
      for (String name : r.getOperationNamesList()) {
        out.add(new Operation(name, ""));
      }
    }
    return out;
  }

  /** Chunks are grouped by trace ID (a well-behaved server sends each trace's chunks one after another). */
  List<Trace> findTraces(String tenant, TraceQuery q) {
    q.validate();
    Map<TraceId, List<Span>> byTrace = new LinkedHashMap<>();
    try {
      SpanReaderPluginGrpc.SpanReaderPluginBlockingStub stub = reader(tenant);
      Iterator<byte[]> it = ClientCalls.blockingServerStreamingCall(stub.getChannel(), DirectCalls.FIND_TRACES,
          stub.getCallOptions(), FindTracesRequest.newBuilder().setQuery(Wire.toProto(q)).build());
      while (it.hasNext()) {
        for (Span span : decodeChunk("FindTraces", it.next())) {
          byTrace.computeIfAbsent(span.traceId(), k -> new ArrayList<>()).add(span);
        }
      }
    } catch (StatusRuntimeException e) {
      throw readFailure("FindTraces", e);
    }
    List<Trace> out = new ArrayList<>(byTrace.size());
    for (List<Span> spans : byTrace.values()) {
      out.add(Trace.of(spans));
    }
    return out;
  }

  List<TraceId> findTraceIds(String tenant, TraceQuery q) {
    q.validate();
    try {
      List<TraceId> out = new ArrayList<>();
      for (ByteString b : reader(tenant).findTraceIDs(
          FindTraceIDsRequest.newBuilder().setQuery(Wire.toProto(q)).build()).getTraceIdsList()) {
        out.add(Wire.traceId(b));
      }
      return out;
    } catch (StatusRuntimeException e) {
      throw readFailure("FindTraceIDs", e);
    }
  }

  List<DependencyLink> getDependencies(String tenant, long endTsMicros, long lookbackMicros) {
    try {
      List<DependencyLink> out = new ArrayList<>();
      for (io.jaegerj.proto.api_v2.DependencyLink l : withMetadata(
          DependenciesReaderPluginGrpc.newBlockingStub(channel), tenant)
          .withDeadlineAfter(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .getDependencies(GetDependenciesRequest.newBuilder()
              .setStartTime(ProtoConverter.toTimestamp(endTsMicros - lookbackMicros))
              .setEndTime(ProtoConverter.toTimestamp(endTsMicros))
              .build())
          .getDependenciesList()) {
        out.add(ProtoConverter.fromProto(l));
      }
      return out;
    } catch (StatusRuntimeException e) {
      throw readFailure("GetDependencies", e);
    }
  }

  /** Health: asks the capabilities with the connection timeout; throws when the server does not answer. */
  void check() {
    try {
      PluginCapabilitiesGrpc.newBlockingStub(channel)
          .withDeadlineAfter(Math.max(1, config.connectionTimeout().toMillis()), TimeUnit.MILLISECONDS)
          .capabilities(CapabilitiesRequest.getDefaultInstance());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
        throw new RemoteStorageException("remote storage " + config.server() + " is not available: "
            + describe(e), e);
      }
    }
  }

  /** Tells the server this writer is done ({@code UNIMPLEMENTED} is fine), then closes the connection. */
  @Override
  public void close() {
    try {
      SpanWriterPluginGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.SECONDS)
          .close(CloseWriterRequest.getDefaultInstance());
    } catch (StatusRuntimeException e) {
      LOG.debug("Close on remote storage {}: {}", config.server(), describe(e));
    }
    channel.shutdown();
    try {
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
        channel.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
