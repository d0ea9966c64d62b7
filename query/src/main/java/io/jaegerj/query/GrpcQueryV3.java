// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import io.jaegerj.model.otlp.ModelToOtlp;
import io.jaegerj.model.proto.ProtoConverter;
import io.jaegerj.proto.api_v3.FindTracesRequest;
import io.jaegerj.proto.api_v3.GetOperationsRequest;
import io.jaegerj.proto.api_v3.GetOperationsResponse;
import io.jaegerj.proto.api_v3.GetServicesRequest;
import io.jaegerj.proto.api_v3.GetServicesResponse;
import io.jaegerj.proto.api_v3.GetTraceRequest;
import io.jaegerj.proto.api_v3.QueryServiceGrpc;
import io.jaegerj.proto.api_v3.TraceQueryParameters;
import io.jaegerj.storage.GetTraceQuery;
import io.jaegerj.storage.Operation;
import io.jaegerj.storage.OperationQuery;
import io.jaegerj.storage.TraceQuery;
import io.grpc.Status;
import io.opentelemetry.proto.trace.v1.TracesData;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Optional;

/**
 * {@code jaeger.api_v3.QueryService}: traces as OTLP {@link TracesData}, one message per trace (spec query.md §3.2).
 * Adjusters run on the Jaeger model before conversion; their warnings become the {@code @jaeger@warnings} attribute.
 */
final class GrpcQueryV3 extends QueryServiceGrpc.QueryServiceImplBase {
  private final QueryService service;

  GrpcQueryV3(QueryService service) {
    this.service = service;
  }

  @Override
  public void getTrace(GetTraceRequest req, StreamObserver<TracesData> out) {
    TraceId id;
    try {
      id = TraceId.parse(req.getTraceId());
    } catch (IllegalArgumentException e) {
      out.onError(Status.UNKNOWN.withDescription("malform trace ID: " + e.getMessage()).asRuntimeException());
      return;
    }
    long start = req.hasStartTime() ? ProtoConverter.toMicros(req.getStartTime()) : 0;
    long end = req.hasEndTime() ? ProtoConverter.toMicros(req.getEndTime()) : 0;
    Optional<Trace> t;
    try {
      t = service.getTrace(new GetTraceQuery(QueryGrpcServer.tenant(), id, start, end), view(req.getRawTraces()));
    } catch (RuntimeException e) {
      out.onError(Status.INTERNAL.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    t.ifPresent(trace -> out.onNext(convert(trace, req.getRawTraces())));
    out.onCompleted();
  }

  @Override
  public void findTraces(FindTracesRequest req, StreamObserver<TracesData> out) {
    if (!req.hasQuery()) {
      out.onError(Status.INVALID_ARGUMENT.withDescription("missing query").asRuntimeException());
      return;
    }
    TraceQueryParameters p = req.getQuery();
    if (!p.hasStartTimeMin() || !p.hasStartTimeMax()
        || (p.getStartTimeMin().getSeconds() == 0 && p.getStartTimeMin().getNanos() == 0)
        || (p.getStartTimeMax().getSeconds() == 0 && p.getStartTimeMax().getNanos() == 0)) {
      out.onError(Status.UNKNOWN.withDescription("start time min and max are required parameters")
          .asRuntimeException());
      return;
    }
    TraceQuery q = new TraceQuery(QueryGrpcServer.tenant(), p.getServiceName(), p.getOperationName(), p.getAttributesMap(),
        ProtoConverter.toMicros(p.getStartTimeMin()), ProtoConverter.toMicros(p.getStartTimeMax()),
        p.hasDurationMin() ? ProtoConverter.toMicros(p.getDurationMin()) : 0,
        p.hasDurationMax() ? ProtoConverter.toMicros(p.getDurationMax()) : 0,
        Math.min(p.getSearchDepth(), ApiParams.MAX_LIMIT));
    List<Trace> traces;
    try {
      traces = service.findTraces(q, view(p.getRawTraces()));
    } catch (RuntimeException e) {
      out.onError(Status.INTERNAL.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    for (Trace t : traces) {
      out.onNext(convert(t, p.getRawTraces()));
    }
    out.onCompleted();
  }

  private static QueryService.View view(boolean raw) {
    return raw ? QueryService.View.RAW : QueryService.View.OTLP;
  }

  private static TracesData convert(Trace t, boolean raw) {
    TracesData td = ModelToOtlp.toTracesData(t);
    return raw ? td : ModelToOtlp.sortAttributes(td);
  }

  @Override
  public void getServices(GetServicesRequest req, StreamObserver<GetServicesResponse> out) {
    try {
      out.onNext(GetServicesResponse.newBuilder().addAllServices(service.services(QueryGrpcServer.tenant())).build());
      out.onCompleted();
    } catch (RuntimeException e) {
      out.onError(Status.UNKNOWN.withDescription(e.getMessage()).asRuntimeException());
    }
  }

  @Override
  public void getOperations(GetOperationsRequest req, StreamObserver<GetOperationsResponse> out) {
    try {
      GetOperationsResponse.Builder b = GetOperationsResponse.newBuilder();
      for (Operation op : service.operations(new OperationQuery(QueryGrpcServer.tenant(), req.getService(), req.getSpanKind()))) {
        b.addOperations(io.jaegerj.proto.api_v3.Operation.newBuilder().setName(op.name())
            .setSpanKind(op.spanKind()));
      }
      out.onNext(b.build());
      out.onCompleted();
    } catch (RuntimeException e) {
      out.onError(Status.UNKNOWN.withDescription(e.getMessage()).asRuntimeException());
    }
  }
}
