// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.jaegerj.model.DependencyLink;
import io.jaegerj.model.Span;
import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import io.jaegerj.model.proto.ProtoConverter;
import io.jaegerj.proto.api_v2.ArchiveTraceRequest;
import io.jaegerj.proto.api_v2.ArchiveTraceResponse;
import io.jaegerj.proto.api_v2.FindTracesRequest;
import io.jaegerj.proto.api_v2.GetDependenciesRequest;
import io.jaegerj.proto.api_v2.GetDependenciesResponse;
import io.jaegerj.proto.api_v2.GetOperationsRequest;
import io.jaegerj.proto.api_v2.GetOperationsResponse;
import io.jaegerj.proto.api_v2.GetServicesRequest;
import io.jaegerj.proto.api_v2.GetServicesResponse;
import io.jaegerj.proto.api_v2.GetTraceRequest;
import io.jaegerj.proto.api_v2.QueryServiceGrpc;
import io.jaegerj.proto.api_v2.SpansResponseChunk;
import io.jaegerj.proto.api_v2.TraceQueryParameters;
import io.jaegerj.server.tenancy.Tenancy;
import io.jaegerj.storage.GetTraceQuery;
import io.jaegerj.storage.Operation;
import io.jaegerj.storage.OperationQuery;
import io.jaegerj.storage.TraceQuery;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code jaeger.api_v2.QueryService} with Jaeger's status codes and messages (spec query.md §3.1). */
final class GrpcQueryV2 extends QueryServiceGrpc.QueryServiceImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(GrpcQueryV2.class);
  /** Spans per streamed chunk, as Jaeger sends them. */
  static final int CHUNK_SIZE = 10;

  private final QueryService service;
  private final Tenancy tenancy;

  GrpcQueryV2(QueryService service, Tenancy tenancy) {
    this.tenancy = tenancy;
    this.service = service;
  }

  private static TraceId traceId(ByteString b) {
    TraceId id;
    if (b.isEmpty()) {
      id = TraceId.ZERO;
    } else {
      try {
        id = ProtoConverter.traceIdFromBytes(b);
      } catch (IllegalArgumentException e) {
        throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
      }
    }
    if (id.isZero()) {
      throw Status.INVALID_ARGUMENT.withDescription("uninitialized TraceID is not allowed").asRuntimeException();
    }
    return id;
  }

  private static long micros(boolean has, Timestamp t) {
    return has ? ProtoConverter.toMicros(t) : 0;
  }

  /** The tenant the tenancy interceptor authorized for this call; fails the call when there is none. */
  private String tenant() {
    return tenancy.currentTenant(Status.Code.UNAUTHENTICATED);
  }

  @Override
  public void getTrace(GetTraceRequest req, StreamObserver<SpansResponseChunk> out) {
    try {
      TraceId id = traceId(req.getTraceId());
      GetTraceQuery q = new GetTraceQuery(tenant(), id, micros(req.hasStartTime(), req.getStartTime()),
          micros(req.hasEndTime(), req.getEndTime()));
      Optional<Trace> t;
      try {
        t = service.getTrace(q, req.getRawTraces());
      } catch (RuntimeException e) {
        LOG.error("Failed to fetch spans from the backend", e);
        throw Status.INTERNAL.withDescription("failed to fetch spans from the backend: " + e.getMessage())
            .asRuntimeException();
      }
      if (t.isEmpty()) {
        throw Status.NOT_FOUND.withDescription("trace not found: trace not found").asRuntimeException();
      }
      sendChunks(t.get(), out);
      out.onCompleted();
    } catch (StatusRuntimeException e) {
      out.onError(e);
    }
  }

  static void sendChunks(Trace t, StreamObserver<SpansResponseChunk> out) {
    List<Span> spans = t.spans();
    for (int from = 0; from < spans.size(); from += CHUNK_SIZE) {
      SpansResponseChunk.Builder chunk = SpansResponseChunk.newBuilder();
      for (int i = from; i < Math.min(spans.size(), from + CHUNK_SIZE); i++) {
        chunk.addSpans(ProtoConverter.toProto(spans.get(i), true));
      }
      out.onNext(chunk.build());
    }
  }

  @Override
  public void archiveTrace(ArchiveTraceRequest req, StreamObserver<ArchiveTraceResponse> out) {
    try {
      TraceId id = traceId(req.getTraceId());
      GetTraceQuery q = new GetTraceQuery(tenant(), id, micros(req.hasStartTime(), req.getStartTime()),
          micros(req.hasEndTime(), req.getEndTime()));
      try {
        service.archiveTrace(q);
      } catch (QueryService.TraceNotFoundException e) {
        throw Status.NOT_FOUND.withDescription("trace not found: trace not found").asRuntimeException();
      } catch (RuntimeException e) {
        throw Status.INTERNAL.withDescription("failed to archive trace: " + e.getMessage()).asRuntimeException();
      }
      out.onNext(ArchiveTraceResponse.getDefaultInstance());
      out.onCompleted();
    } catch (StatusRuntimeException e) {
      out.onError(e);
    }
  }

  @Override
  public void findTraces(FindTracesRequest req, StreamObserver<SpansResponseChunk> out) {
    if (!req.hasQuery()) {
      out.onError(Status.INVALID_ARGUMENT.withDescription("missing query").asRuntimeException());
      return;
    }
    TraceQueryParameters p = req.getQuery();
    int limit = Math.min(p.getSearchDepth(), ApiParams.MAX_LIMIT);
    TraceQuery q = new TraceQuery(tenant(), p.getServiceName(), p.getOperationName(), p.getTagsMap(),
        micros(p.hasStartTimeMin(), p.getStartTimeMin()), micros(p.hasStartTimeMax(), p.getStartTimeMax()),
        p.hasDurationMin() ? ProtoConverter.toMicros(p.getDurationMin()) : 0,
        p.hasDurationMax() ? ProtoConverter.toMicros(p.getDurationMax()) : 0, limit);
    List<Trace> traces;
    try {
      traces = service.findTraces(q, p.getRawTraces());
    } catch (RuntimeException e) {
      out.onError(Status.INTERNAL.withDescription("failed when searching for traces: " + e.getMessage())
          .asRuntimeException());
      return;
    }
    for (Trace t : traces) {
      sendChunks(t, out);
    }
    out.onCompleted();
  }

  @Override
  public void getServices(GetServicesRequest req, StreamObserver<GetServicesResponse> out) {
    List<String> services;
    try {
      services = service.services(tenant());
    } catch (RuntimeException e) {
      out.onError(Status.INTERNAL.withDescription("failed to fetch services: " + e.getMessage()).asRuntimeException());
      return;
    }
    out.onNext(GetServicesResponse.newBuilder().addAllServices(services).build());
    out.onCompleted();
  }

  @Override
  public void getOperations(GetOperationsRequest req, StreamObserver<GetOperationsResponse> out) {
    List<Operation> ops;
    try {
      ops = service.operations(new OperationQuery(tenant(), req.getService(), req.getSpanKind()));
    } catch (RuntimeException e) {
      out.onError(Status.INTERNAL.withDescription("failed to fetch operations: " + e.getMessage())
          .asRuntimeException());
      return;
    }
    GetOperationsResponse.Builder b = GetOperationsResponse.newBuilder();
    Set<String> names = new LinkedHashSet<>();
    for (Operation op : ops) {
      b.addOperations(io.jaegerj.proto.api_v2.Operation.newBuilder().setName(op.name()).setSpanKind(op.spanKind()));
      names.add(op.name());
    }
    b.addAllOperationNames(names);
    out.onNext(b.build());
    out.onCompleted();
  }

  @Override
  public void getDependencies(GetDependenciesRequest req, StreamObserver<GetDependenciesResponse> out) {
    if (!req.hasStartTime() || !req.hasEndTime()) {
      out.onError(Status.INVALID_ARGUMENT.withDescription("StartTime and EndTime must be initialized.")
          .asRuntimeException());
      return;
    }
    long end = ProtoConverter.toMicros(req.getEndTime());
    long start = ProtoConverter.toMicros(req.getStartTime());
    List<DependencyLink> links;
    try {
      links = service.dependencies(tenant(), end, end - start);
    } catch (RuntimeException e) {
      out.onError(Status.INTERNAL.withDescription("failed to fetch dependencies: " + e.getMessage())
          .asRuntimeException());
      return;
    }
    GetDependenciesResponse.Builder b = GetDependenciesResponse.newBuilder();
    for (DependencyLink l : links) {
      b.addDependencies(ProtoConverter.toProto(l));
    }
    out.onNext(b.build());
    out.onCompleted();
  }
}
