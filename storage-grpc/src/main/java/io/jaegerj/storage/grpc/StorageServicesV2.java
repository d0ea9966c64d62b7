// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.grpc;

import com.google.protobuf.ByteString;
import io.grpc.BindableService;
import io.grpc.stub.StreamObserver;
import io.jaegerj.model.DependencyLink;
import io.jaegerj.model.GoFloat;
import io.jaegerj.model.Hex;
import io.jaegerj.model.Span;
import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import io.jaegerj.model.otlp.ModelToOtlp;
import io.jaegerj.model.otlp.OtlpToModel;
import io.jaegerj.model.proto.ProtoConverter;
import io.jaegerj.proto.storage.v2.AnyValue;
import io.jaegerj.proto.storage.v2.Dependency;
import io.jaegerj.proto.storage.v2.DependencyReaderGrpc;
import io.jaegerj.proto.storage.v2.FindTraceIDsResponse;
import io.jaegerj.proto.storage.v2.FindTracesRequest;
import io.jaegerj.proto.storage.v2.FoundTraceID;
import io.jaegerj.proto.storage.v2.GetDependenciesRequest;
import io.jaegerj.proto.storage.v2.GetDependenciesResponse;
import io.jaegerj.proto.storage.v2.GetOperationsRequest;
import io.jaegerj.proto.storage.v2.GetOperationsResponse;
import io.jaegerj.proto.storage.v2.GetServicesRequest;
import io.jaegerj.proto.storage.v2.GetServicesResponse;
import io.jaegerj.proto.storage.v2.GetTraceParams;
import io.jaegerj.proto.storage.v2.GetTracesRequest;
import io.jaegerj.proto.storage.v2.KeyValue;
import io.jaegerj.proto.storage.v2.TraceQueryParameters;
import io.jaegerj.proto.storage.v2.TraceReaderGrpc;
import io.jaegerj.storage.GetTraceQuery;
import io.jaegerj.storage.Operation;
import io.jaegerj.storage.OperationQuery;
import io.jaegerj.storage.TraceQuery;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Storage API v2 over a v1-shaped backend: {@code jaeger.storage.v2.TraceReader} and {@code DependencyReader}
 * answer in OTLP (one {@code TracesData} chunk per trace, unknown IDs skipped), writes arrive through OTLP's
 * {@code TraceService/Export}.
 */
final class StorageServicesV2 {
  private final StorageServices base;

  StorageServicesV2(StorageServices base) {
    this.base = base;
  }

  List<BindableService> services() {
    return List.of(new Reader(), new Dependencies(), new OtlpWriter());
  }

  private static <T> void fail(StreamObserver<T> out, Throwable e) {
    out.onError(StorageServices.status(e));
  }

  private final class Reader extends TraceReaderGrpc.TraceReaderImplBase {
    @Override
    public void getTraces(GetTracesRequest request, StreamObserver<TracesData> out) {
      try {
        for (GetTraceParams p : request.getQueryList()) {
          TraceId id = Wire.traceId(p.getTraceId());
          Optional<Trace> t = base.reader().getTrace(new GetTraceQuery(StorageServices.TENANT.get(), id,
              Wire.micros(p.hasStartTime(), p.getStartTime()), Wire.micros(p.hasEndTime(), p.getEndTime())));
          if (t.isPresent() && !t.get().spans().isEmpty()) {
            out.onNext(ModelToOtlp.toTracesData(t.get()));
          }
        }
        out.onCompleted();
      } catch (RuntimeException e) {
        fail(out, e);
      }
    }

    @Override
    public void getServices(GetServicesRequest request, StreamObserver<GetServicesResponse> out) {
      try {
        out.onNext(GetServicesResponse.newBuilder().addAllServices(base.reader().getServices(StorageServices.TENANT.get())).build());
        out.onCompleted();
      } catch (RuntimeException e) {
        fail(out, e);
      }
    }

    @Override
    public void getOperations(GetOperationsRequest request, StreamObserver<GetOperationsResponse> out) {
      try {
        GetOperationsResponse.Builder b = GetOperationsResponse.newBuilder();
        for (Operation op : base.reader().getOperations(
            new OperationQuery(StorageServices.TENANT.get(), request.getService(), request.getSpanKind()))) {
          b.addOperations(io.jaegerj.proto.storage.v2.Operation.newBuilder()
              .setName(op.name()).setSpanKind(op.spanKind()));
        }
        out.onNext(b.build());
        out.onCompleted();
      } catch (RuntimeException e) {
        fail(out, e);
      }
    }

    @Override
    public void findTraces(FindTracesRequest request, StreamObserver<TracesData> out) {
      try {
        TraceQuery q = fromProto(request.getQuery());
        q.validate();
        for (Trace t : base.reader().findTraces(q)) {
          if (!t.spans().isEmpty()) {
            out.onNext(ModelToOtlp.toTracesData(t));
          }
        }
        out.onCompleted();
      } catch (RuntimeException e) {
        fail(out, e);
      }
    }

    @Override
    public void findTraceIDs(FindTracesRequest request, StreamObserver<FindTraceIDsResponse> out) {
      try {
        TraceQuery q = fromProto(request.getQuery());
        q.validate();
        FindTraceIDsResponse.Builder b = FindTraceIDsResponse.newBuilder();
        for (TraceId id : base.reader().findTraceIds(q)) {
          b.addTraceIds(FoundTraceID.newBuilder().setTraceId(Wire.traceId(id)));
        }
        out.onNext(b.build());
        out.onCompleted();
      } catch (RuntimeException e) {
        fail(out, e);
      }
    }
  }

  /** v2 query → SPI query: attributes match as strings (the SPI compares {@code asString()}), depth caps traces. */
  static TraceQuery fromProto(TraceQueryParameters p) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (KeyValue kv : p.getAttributesList()) {
      tags.put(kv.getKey(), asString(kv.getValue()));
    }
    return new TraceQuery(StorageServices.TENANT.get(), p.getServiceName(), p.getOperationName(), tags,
        Wire.micros(p.hasStartTimeMin(), p.getStartTimeMin()),
        Wire.micros(p.hasStartTimeMax(), p.getStartTimeMax()),
        Wire.micros(p.hasDurationMin(), p.getDurationMin()),
        Wire.micros(p.hasDurationMax(), p.getDurationMax()),
        p.getSearchDepth());
  }

  static String asString(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
      case INT_VALUE -> Long.toString(v.getIntValue());
      case DOUBLE_VALUE -> GoFloat.format(v.getDoubleValue());
      case BYTES_VALUE -> hex(v.getBytesValue());
      case ARRAY_VALUE, KVLIST_VALUE -> throw new IllegalArgumentException(
          "attribute values of type " + v.getValueCase() + " cannot be searched");
      case VALUE_NOT_SET -> "";
    };
  }

  private static String hex(ByteString b) {
    StringBuilder s = new StringBuilder(b.size() * 2);
    for (int i = 0; i < b.size(); i++) {
      s.append(Character.forDigit((b.byteAt(i) >> 4) & 0xf, 16)).append(Character.forDigit(b.byteAt(i) & 0xf, 16));
    }
    return s.toString();
  }

  private final class Dependencies extends DependencyReaderGrpc.DependencyReaderImplBase {
    @Override
    public void getDependencies(GetDependenciesRequest request, StreamObserver<GetDependenciesResponse> out) {
      try {
        long start = Wire.micros(request.hasStartTime(), request.getStartTime());
        long end = Wire.micros(request.hasEndTime(), request.getEndTime());
        if (end < start) {
          throw new IllegalArgumentException("end_time is before start_time");
        }
        GetDependenciesResponse.Builder b = GetDependenciesResponse.newBuilder();
        for (DependencyLink l : base.dependencies().getDependencies(StorageServices.TENANT.get(), end, end - start)) {
          b.addDependencies(Dependency.newBuilder().setParent(l.parent()).setChild(l.child())
              .setCallCount(l.callCount()).setSource(l.source()));
        }
        out.onNext(b.build());
        out.onCompleted();
      } catch (RuntimeException e) {
        fail(out, e);
      }
    }
  }

  /** {@code opentelemetry.proto.collector.trace.v1.TraceService/Export}: answered once the backend stored it. */
  private final class OtlpWriter extends TraceServiceGrpc.TraceServiceImplBase {
    @Override
    public void export(ExportTraceServiceRequest request, StreamObserver<ExportTraceServiceResponse> out) {
      List<Span> spans;
      try {
        spans = OtlpToModel.toModel(request);
      } catch (RuntimeException e) {
        fail(out, new IllegalArgumentException(e.getMessage(), e));
        return;
      }
      if (spans.isEmpty()) {
        out.onNext(ExportTraceServiceResponse.getDefaultInstance());
        out.onCompleted();
        return;
      }
      base.write(spans, () -> {
        out.onNext(ExportTraceServiceResponse.getDefaultInstance());
        out.onCompleted();
      }, e -> fail(out, e));
    }
  }
}
