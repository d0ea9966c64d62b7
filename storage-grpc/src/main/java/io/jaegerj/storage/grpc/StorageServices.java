// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.BindableService;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.jaegerj.model.DependencyLink;
import io.jaegerj.model.Span;
import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import io.jaegerj.model.proto.ProtoConverter;
import io.jaegerj.model.proto.SpanProtoDecoder;
import io.jaegerj.model.proto.SpanProtoEncoder;
import io.jaegerj.proto.storage.ext.v1.BatchSpanWriterPluginGrpc;
import io.jaegerj.proto.storage.v1.CapabilitiesRequest;
import io.jaegerj.proto.storage.v1.CapabilitiesResponse;
import io.jaegerj.proto.storage.v1.CloseWriterRequest;
import io.jaegerj.proto.storage.v1.CloseWriterResponse;
import io.jaegerj.proto.storage.v1.DependenciesReaderPluginGrpc;
import io.jaegerj.proto.storage.v1.FindTraceIDsRequest;
import io.jaegerj.proto.storage.v1.FindTraceIDsResponse;
import io.jaegerj.proto.storage.v1.FindTracesRequest;
import io.jaegerj.proto.storage.v1.GetDependenciesRequest;
import io.jaegerj.proto.storage.v1.GetDependenciesResponse;
import io.jaegerj.proto.storage.v1.GetOperationsRequest;
import io.jaegerj.proto.storage.v1.GetOperationsResponse;
import io.jaegerj.proto.storage.v1.GetServicesRequest;
import io.jaegerj.proto.storage.v1.GetServicesResponse;
import io.jaegerj.proto.storage.v1.GetTraceRequest;
import io.jaegerj.proto.storage.v1.PluginCapabilitiesGrpc;
import io.jaegerj.proto.storage.v1.SpanReaderPluginGrpc;
import io.jaegerj.proto.storage.v1.SpanWriterPluginGrpc;
import io.jaegerj.proto.storage.v1.StreamingSpanWriterPluginGrpc;
import io.jaegerj.proto.storage.v1.WriteSpanRequest;
import io.jaegerj.proto.storage.v1.WriteSpanResponse;
import io.jaegerj.storage.DependencyReader;
import io.jaegerj.storage.GetTraceQuery;
import io.jaegerj.storage.Operation;
import io.jaegerj.storage.OperationQuery;
import io.jaegerj.storage.SpanReader;
import io.jaegerj.storage.SpanWriter;
import io.jaegerj.storage.TraceQuery;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC services that put a storage backend behind Jaeger's remote storage API: v1 span reader, writer,
 * streaming writer, dependencies reader and capabilities, and (see {@link StorageServicesV2}) v2 trace and
 * dependency readers and the OTLP trace writer. Used by {@code jaeger-remote-storage} and by tests.
 *
 * <p>The tenant of a call is read from {@link #TENANT} in the gRPC context (set by the binary's tenancy
 * interceptor); "" when tenancy is off.
 *
 * <p>Writes are asynchronous: a call is answered when the backend acknowledges it. At most {@code maxSpansInFlight}
 * spans may wait for the backend at once; beyond that a write is refused with {@code RESOURCE_EXHAUSTED}, which the
 * client retries after a backoff, so a slow backend pushes back to the collectors instead of filling this heap.
 */
public final class StorageServices {
  private static final Logger LOG = LoggerFactory.getLogger(StorageServices.class);

  /** The tenant of the current call ("" without tenancy). */
  public static final Context.Key<String> TENANT = Context.keyWithDefault("jaeger-storage-tenant", "");

  /**
   * Response header of our {@code Capabilities} call: the jaegerj extensions this server offers, comma-separated.
   * Jaeger's clients ignore it. The capabilities message itself stays as Jaeger's remote-storage answers it (no
   * streaming writer: Jaeger's client acknowledges a streamed span before the server stored it).
   */
  public static final Metadata.Key<String> CAPABILITIES_HEADER =
      Metadata.Key.of("jaegerj-capabilities", Metadata.ASCII_STRING_MARSHALLER);

  /**
   * In {@link #CAPABILITIES_HEADER}: the server offers {@code jaegerj.storage.v1.BatchSpanWriterPlugin}, a whole
   * batch in one call answered after the backend stored all of it.
   */
  public static final String BATCH_SPAN_WRITER = "batch-span-writer";

  /** Jaeger's default {@code multi-tenancy.header}. */
  public static final String DEFAULT_TENANT_HEADER = "x-tenant";

  /**
   * For servers without {@code multi-tenancy.enabled}: a call that names exactly one tenant under {@code header}
   * runs as that tenant, any other call as the default tenant "". A client that forwards tenants therefore never
   * mixes them into the default tenant's data, even when the server does not check tenants.
   */
  public static ServerInterceptor tenantFromHeader(String header) {
    Metadata.Key<String> key = Metadata.Key.of(header.toLowerCase(Locale.ROOT),
        Metadata.ASCII_STRING_MARSHALLER);
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        Iterable<String> values = headers.getAll(key);
        if (values == null) {
          return next.startCall(call, headers);
        }
        Iterator<String> it = values.iterator();
        String tenant = it.next();
        if (it.hasNext() || tenant.isEmpty()) {
          call.close(Status.PERMISSION_DENIED.withDescription("extra or empty tenant header"), new Metadata());
          return new ServerCall.Listener<>() {};
        }
        return Contexts.interceptCall(Context.current().withValue(TENANT, tenant), call, headers, next);
      }
    };
  }

  /** Spans per response chunk, as Jaeger's plugin server sends them. */
  static final int CHUNK_SIZE = 1000;

  private final SpanReader reader;
  private final SpanWriter writer;
  private final DependencyReader dependencies;
  private final Semaphore inFlight;
  private final int maxSpansInFlight;

  /**
   * @param maxSpansInFlight spans that may wait for the backend's acknowledgement at once (> 0)
   */
  public StorageServices(SpanReader reader, SpanWriter writer, DependencyReader dependencies, int maxSpansInFlight) {
    this.reader = Objects.requireNonNull(reader, "reader");
    this.writer = Objects.requireNonNull(writer, "writer");
    this.dependencies = Objects.requireNonNull(dependencies, "dependencies");
    if (maxSpansInFlight <= 0) {
      throw new IllegalArgumentException("maxSpansInFlight: " + maxSpansInFlight + " (expected: > 0)");
    }
    this.inFlight = new Semaphore(maxSpansInFlight);
    this.maxSpansInFlight = maxSpansInFlight;
  }

  /**
   * The v1 services with the names health is reported under, in Jaeger's order, then our batch writer extension;
   * the capabilities answer carries {@link #CAPABILITIES_HEADER}.
   */
  public List<BindableService> v1() {
    ServerServiceDefinition capabilities = ServerInterceptors.intercept(new Capabilities(), new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
          @Override
          public void sendHeaders(Metadata responseHeaders) {
            responseHeaders.put(CAPABILITIES_HEADER, BATCH_SPAN_WRITER);
            super.sendHeaders(responseHeaders);
          }
        }, headers);
      }
    });
    ServerServiceDefinition batch = batchWriter();
    ServerServiceDefinition reader = readerService();
    return List.of(() -> reader, new Writer(), () -> capabilities, new Dependencies(), new StreamingWriter(),
        () -> batch);
  }

  /** The v2 trace and dependency readers and the OTLP trace writer. */
  public List<BindableService> v2() {
    return new StorageServicesV2(this).services();
  }

  /** Names of the services registered for gRPC health, as Jaeger's remote-storage lists them. */
  public static List<String> healthServiceNames() {
    return List.of(
        SpanReaderPluginGrpc.SERVICE_NAME,
        SpanWriterPluginGrpc.SERVICE_NAME,
        PluginCapabilitiesGrpc.SERVICE_NAME,
        DependenciesReaderPluginGrpc.SERVICE_NAME,
        StreamingSpanWriterPluginGrpc.SERVICE_NAME,
        "jaeger.storage.v2.TraceReader",
        "jaeger.storage.v2.DependencyReader",
        "jaeger.storage.v2.TraceWriter");
  }

  SpanReader reader() {
    return reader;
  }

  DependencyReader dependencies() {
    return dependencies;
  }

  /**
   * Writes spans for the current tenant and answers {@code done} once the backend acknowledged them; refuses with
   * {@code RESOURCE_EXHAUSTED} when too many spans already wait.
   */
  void write(List<Span> spans, Runnable onStored, Consumer<Throwable> onFailed) {
    // a batch larger than the whole allowance waits for all of it rather than being refused forever
    int n = Math.min(maxSpansInFlight, Math.max(1, spans.size()));
    if (!inFlight.tryAcquire(n)) {
      onFailed.accept(Status.RESOURCE_EXHAUSTED
          .withDescription("remote storage is busy: too many spans waiting for the backend").asRuntimeException());
      return;
    }
    try {
      writer.write(TENANT.get(), spans).whenComplete((v, e) -> {
        inFlight.release(n);
        if (e == null) {
          onStored.run();
        } else {
          onFailed.accept(unwrap(e));
        }
      });
    } catch (RuntimeException e) {
      inFlight.release(n);
      onFailed.accept(e);
    }
  }

  static Throwable unwrap(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }

  /** The status a backend failure is answered with: bad arguments are the caller's, the rest is ours. */
  static StatusRuntimeException status(Throwable e) {
    Throwable t = unwrap(e);
    if (t instanceof StatusRuntimeException s) {
      return s;
    }
    if (t instanceof IllegalArgumentException) {
      return Status.INVALID_ARGUMENT.withDescription(t.getMessage()).asRuntimeException();
    }
    if (t instanceof Error err && !(t instanceof AssertionError)) {
      throw err;
    }
    LOG.warn("Storage call failed: {}", t.toString());
    return Status.INTERNAL.withDescription(String.valueOf(t.getMessage())).withCause(t).asRuntimeException();
  }

  private static <T> void fail(StreamObserver<T> out, Throwable e) {
    out.onError(status(e));
  }

  // ------------------------------------------------------------------------------------------------ v1 services

  private final class Writer extends SpanWriterPluginGrpc.SpanWriterPluginImplBase {
    @Override
    public void writeSpan(WriteSpanRequest request, StreamObserver<WriteSpanResponse> out) {
      Span span;
      try {
        span = ProtoConverter.fromProto(request.getSpan());
      } catch (RuntimeException e) {
        fail(out, new IllegalArgumentException("invalid span: " + e.getMessage(), e));
        return;
      }
      write(List.of(span), () -> {
        out.onNext(WriteSpanResponse.getDefaultInstance());
        out.onCompleted();
      }, e -> fail(out, e));
    }

    /**
     * Jaeger closes its writer here when the backend has one to close; a shared backend must outlive any one
     * client, so this answers OK and keeps it open.
     */
    @Override
    public void close(CloseWriterRequest request, StreamObserver<CloseWriterResponse> out) {
      out.onNext(CloseWriterResponse.getDefaultInstance());
      out.onCompleted();
    }
  }

  /**
   * Spans of one stream are stored in batches of {@link #CHUNK_SIZE} as they arrive; the single response is sent
   * once every span of the stream is acknowledged, so a client that waits for it knows the whole stream is stored.
   */
  private final class StreamingWriter extends StreamingSpanWriterPluginGrpc.StreamingSpanWriterPluginImplBase {
    @Override
    public StreamObserver<WriteSpanRequest> writeSpanStream(StreamObserver<WriteSpanResponse> out) {
      return new StreamObserver<>() {
        private final List<Span> pending = new ArrayList<>();
        /** Batches written and not yet acknowledged, plus one for the open stream. */
        private final AtomicInteger outstanding =
            new AtomicInteger(1);
        private final AtomicBoolean failed =
            new AtomicBoolean();

        @Override
        public void onNext(WriteSpanRequest request) {
          if (failed.get()) {
            return;
          }
          try {
            pending.add(ProtoConverter.fromProto(request.getSpan()));
          } catch (RuntimeException e) {
            failWith(new IllegalArgumentException("invalid span: " + e.getMessage(), e));
            return;
          }
          if (pending.size() == CHUNK_SIZE) {
            flush();
          }
        }

        private void flush() {
          List<Span> batch = List.copyOf(pending);
          pending.clear();
          outstanding.incrementAndGet();
          write(batch, this::done, this::failWith);
        }

        private void done() {
          if (outstanding.decrementAndGet() == 0 && !failed.get()) {
            out.onNext(WriteSpanResponse.getDefaultInstance());
            out.onCompleted();
          }
        }

        private void failWith(Throwable e) {
          if (failed.compareAndSet(false, true)) {
            fail(out, e);
          }
        }

        @Override
        public void onError(Throwable t) {
          failed.set(true);
        }

        @Override
        public void onCompleted() {
          if (failed.get()) {
            return;
          }
          if (!pending.isEmpty()) {
            flush();
          }
          done();
        }
      };
    }
  }

  /**
   * Our extension: a batch in one call, answered once the backend acknowledged every span of it. The request is
   * read by {@link SpanProtoDecoder} from its bytes; the service descriptor is the generated one's (same name,
   * method and schema, so reflection lists it as before).
   */
  private ServerServiceDefinition batchWriter() {
    ServiceDescriptor generated = BatchSpanWriterPluginGrpc.getServiceDescriptor();
    return ServerServiceDefinition.builder(ServiceDescriptor.newBuilder(generated.getName())
            .setSchemaDescriptor(generated.getSchemaDescriptor())
            .addMethod(DirectCalls.WRITE_SPANS)
            .build())
        .addMethod(DirectCalls.WRITE_SPANS, ServerCalls.asyncUnaryCall(this::writeSpans))
        .build();
  }

  private void writeSpans(byte[] request, StreamObserver<byte[]> out) {
    List<Span> spans;
    try {
      spans = SpanProtoDecoder.decodeRepeated(request, 0, request.length, DirectCalls.SPANS_FIELD);
    } catch (InvalidProtocolBufferException e) {
      fail(out, new IllegalArgumentException("invalid WriteSpansRequest: " + e.getMessage(), e));
      return;
    } catch (IllegalArgumentException e) {
      fail(out, e);
      return;
    }
    if (spans.isEmpty()) {
      out.onNext(DirectCalls.EMPTY);
      out.onCompleted();
      return;
    }
    write(spans, () -> {
      out.onNext(DirectCalls.EMPTY);
      out.onCompleted();
    }, e -> fail(out, e));
  }

  /**
   * Jaeger's span reader, with {@code GetTrace} and {@code FindTraces} answering chunks that
   * {@link SpanProtoEncoder} writes (the same bytes as the generated {@code SpansResponseChunk}); the other methods
   * and the schema are the generated service's.
   */
  private ServerServiceDefinition readerService() {
    ServerServiceDefinition generated = new Reader().bindService();
    ServiceDescriptor g = generated.getServiceDescriptor();
    ServiceDescriptor.Builder d =
        ServiceDescriptor.newBuilder(g.getName()).setSchemaDescriptor(g.getSchemaDescriptor());
    List<ServerMethodDefinition<?, ?>> kept = new ArrayList<>();
    for (ServerMethodDefinition<?, ?> m : generated.getMethods()) {
      String name = m.getMethodDescriptor().getFullMethodName();
      if (name.equals(DirectCalls.GET_TRACE.getFullMethodName())) {
        d.addMethod(DirectCalls.GET_TRACE);
      } else if (name.equals(DirectCalls.FIND_TRACES.getFullMethodName())) {
        d.addMethod(DirectCalls.FIND_TRACES);
      } else {
        d.addMethod(m.getMethodDescriptor());
        kept.add(m);
      }
    }
    ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(d.build())
        .addMethod(DirectCalls.GET_TRACE, ServerCalls.asyncServerStreamingCall(this::getTrace))
        .addMethod(DirectCalls.FIND_TRACES, ServerCalls.asyncServerStreamingCall(this::findTraces));
    for (ServerMethodDefinition<?, ?> m : kept) {
      b.addMethod(m);
    }
    return b.build();
  }

  private void getTrace(GetTraceRequest request, StreamObserver<byte[]> out) {
    Optional<Trace> trace;
    try {
      TraceId id = Wire.traceId(request.getTraceId());
      trace = reader.getTrace(new GetTraceQuery(TENANT.get(), id,
          Wire.micros(request.hasStartTime(), request.getStartTime()),
          Wire.micros(request.hasEndTime(), request.getEndTime())));
    } catch (RuntimeException e) {
      fail(out, e);
      return;
    }
    if (trace.isEmpty() || trace.get().spans().isEmpty()) {
      out.onError(Status.NOT_FOUND.withDescription("trace not found").asRuntimeException());
      return;
    }
    sendChunks(trace.get().spans(), out);
    out.onCompleted();
  }

  private void findTraces(FindTracesRequest request, StreamObserver<byte[]> out) {
    List<Trace> traces;
    try {
      TraceQuery q = Wire.fromProto(request.getQuery());
      q.validate();
      traces = reader.findTraces(q);
    } catch (RuntimeException e) {
      fail(out, e);
      return;
    }
    for (Trace t : traces) {
      if (isCancelled(out)) {
        return;
      }
      sendChunks(t.spans(), out);
    }
    out.onCompleted();
  }

  private final class Reader extends SpanReaderPluginGrpc.SpanReaderPluginImplBase {
    @Override
    public void getServices(GetServicesRequest request, StreamObserver<GetServicesResponse> out) {
      try {
        out.onNext(GetServicesResponse.newBuilder().addAllServices(reader.getServices(TENANT.get())).build());
        out.onCompleted();
      } catch (RuntimeException e) {
        fail(out, e);
      }
    }

    @Override
    public void getOperations(GetOperationsRequest request, StreamObserver<GetOperationsResponse> out) {
      try {
        List<Operation> ops = reader.getOperations(new OperationQuery(TENANT.get(), request.getService(), request.getSpanKind()));
        GetOperationsResponse.Builder b = GetOperationsResponse.newBuilder();
        for (Operation op : ops) {
          b.addOperationNames(op.name());
          b.addOperations(io.jaegerj.proto.storage.v1.Operation.newBuilder()
              .setName(op.name()).setSpanKind(op.spanKind()));
        }
        out.onNext(b.build());
        out.onCompleted();
      } catch (RuntimeException e) {
        fail(out, e);
      }
    }

    @Override
    public void findTraceIDs(FindTraceIDsRequest request, StreamObserver<FindTraceIDsResponse> out) {
      try {
        TraceQuery q = Wire.fromProto(request.getQuery());
        q.validate();
        FindTraceIDsResponse.Builder b = FindTraceIDsResponse.newBuilder();
        for (TraceId id : reader.findTraceIds(q)) {
          b.addTraceIds(Wire.traceId(id));
        }
        out.onNext(b.build());
        out.onCompleted();
      } catch (RuntimeException e) {
        fail(out, e);
      }
    }
  }

  private static boolean isCancelled(StreamObserver<?> out) {
    return out instanceof ServerCallStreamObserver<?> s && s.isCancelled();
  }

  /** A trace's spans in chunks of at most {@link #CHUNK_SIZE}, each span with its process embedded. */
  private static void sendChunks(List<Span> spans, StreamObserver<byte[]> out) {
    SpanProtoEncoder encoder = new SpanProtoEncoder(spans);
    for (int from = 0, n = spans.size(); from < n; from += CHUNK_SIZE) {
      out.onNext(encoder.encodeRepeated(DirectCalls.SPANS_FIELD, from, Math.min(n, from + CHUNK_SIZE)));
    }
  }

  private final class Dependencies extends DependenciesReaderPluginGrpc.DependenciesReaderPluginImplBase {
    @Override
    public void getDependencies(GetDependenciesRequest request, StreamObserver<GetDependenciesResponse> out) {
      try {
        long start = Wire.micros(request.hasStartTime(), request.getStartTime());
        long end = Wire.micros(request.hasEndTime(), request.getEndTime());
        if (end < start) {
          throw new IllegalArgumentException("end_time is before start_time");
        }
        GetDependenciesResponse.Builder b = GetDependenciesResponse.newBuilder();
        for (DependencyLink l : dependencies.getDependencies(TENANT.get(), end, end - start)) {
          b.addDependencies(ProtoConverter.toProto(l));
        }
        out.onNext(b.build());
        out.onCompleted();
      } catch (RuntimeException e) {
        fail(out, e);
      }
    }
  }

  /**
   * Jaeger's remote-storage advertises neither archive nor streaming: Jaeger's own client acknowledges a streamed
   * span before the server stored it, so unary writes are the safe default for it. Our client learns from
   * {@link #CAPABILITIES_HEADER} (added in {@link #v1()}) that it may send whole batches to {@link #batchWriter()}.
   */
  private static final class Capabilities extends PluginCapabilitiesGrpc.PluginCapabilitiesImplBase {
    @Override
    public void capabilities(CapabilitiesRequest request, StreamObserver<CapabilitiesResponse> out) {
      out.onNext(CapabilitiesResponse.getDefaultInstance());
      out.onCompleted();
    }
  }
}
