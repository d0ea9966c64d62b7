// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.otlp;

import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.jaegerj.collector.grpc.GrpcServers;
import io.jaegerj.collector.grpc.ParseFailures;
import io.jaegerj.collector.grpc.Tenancy;
import io.jaegerj.collector.http.ReceiverErrors;
import io.jaegerj.collector.pipeline.SpanConsumer;
import io.jaegerj.model.Span;
import io.jaegerj.model.otlp.OtlpToModel;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code opentelemetry.proto.collector.trace.v1.TraceService/Export} on port 4317. Undecodable protobuf fails with
 * {@code INTERNAL} as in grpc-go (see {@link ParseFailures}); IDs of a wrong length give
 * {@code INVALID_ARGUMENT}; a full queue gives {@code UNAVAILABLE} with a one-second {@code RetryInfo}, and so does
 * a failed storage write with {@code --collector.acknowledge=stored} (the answer then waits for the write; no
 * thread blocks meanwhile).
 */
public final class OtlpGrpcService {
  private static final Logger LOG = LoggerFactory.getLogger(OtlpGrpcService.class);
  private static final ExportTraceServiceResponse OK = ExportTraceServiceResponse.getDefaultInstance();

  private final SpanConsumer consumer;
  private final ReceiverErrors errors;
  private final Tenancy tenancy;

  public OtlpGrpcService(SpanConsumer consumer, ReceiverErrors errors, Tenancy tenancy) {
    this.consumer = consumer;
    this.errors = errors;
    this.tenancy = tenancy;
  }

  /** The service with a request marshaller that counts undecodable messages. */
  public ServerServiceDefinition definition() {
    MethodDescriptor.Marshaller<ExportTraceServiceRequest> counting =
        ParseFailures.marshaller(ExportTraceServiceRequest.getDefaultInstance(), errors, OtlpUtf8::parse);
    MethodDescriptor<ExportTraceServiceRequest, ExportTraceServiceResponse> method =
        TraceServiceGrpc.getExportMethod().toBuilder(counting,
            ProtoUtils.marshaller(ExportTraceServiceResponse.getDefaultInstance())).build();
    return ServerServiceDefinition.builder(TraceServiceGrpc.SERVICE_NAME)
        .addMethod(method, ServerCalls.asyncUnaryCall(this::export))
        .build();
  }

  void export(ExportTraceServiceRequest request, StreamObserver<ExportTraceServiceResponse> response) {
    Status unparsable = ParseFailures.failure(request);
    if (unparsable != null) {
      response.onError(unparsable.asRuntimeException());
      return;
    }
    if (OtlpToModel.spanCount(request) == 0) {
      response.onNext(OK);
      response.onCompleted();
      return;
    }
    Status denied = tenancy.check();
    if (denied != null) {
      errors.count("tenancy");
      response.onError(denied.asRuntimeException());
      return;
    }
    List<Span> spans;
    try {
      spans = OtlpToModel.toModel(request);
    } catch (IllegalArgumentException e) {
      errors.count("malformed");
      LOG.debug("Malformed OTLP export", e);
      response.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    consumer.submitForAck(tenancy.tenant(), spans, SpanConsumer.Format.OTLP, SpanConsumer.Transport.GRPC)
        .whenComplete((result, failure) -> answer(response, result, failure));
  }

  /** Answers once the pipeline took or refused the batch, or (acknowledge=stored) once storage wrote it. */
  private void answer(StreamObserver<ExportTraceServiceResponse> response, SpanConsumer.Result result,
      Throwable failure) {
    try {
      if (failure != null) {
        errors.count("storage");
        response.onError(GrpcServers.unavailableRetryable(SpanConsumer.storageFailure(failure)));
      } else if (result == SpanConsumer.Result.REJECTED_QUEUE_FULL) {
        errors.count("queue_full");
        response.onError(GrpcServers.unavailableRetryable("sending queue is full"));
      } else {
        response.onNext(OK);
        response.onCompleted();
      }
    } catch (RuntimeException e) {
      LOG.debug("OTLP export answered after its call ended", e); // cancelled by the client meanwhile
    }
  }
}
