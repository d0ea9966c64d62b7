// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.jaegerj.collector.grpc.GrpcServers;
import io.jaegerj.collector.grpc.ParseFailures;
import io.jaegerj.collector.http.AckAnswer;
import io.jaegerj.collector.http.ReceiverErrors;
import io.jaegerj.collector.http.RefusedSpans;
import io.jaegerj.collector.pipeline.SpanConsumer;
import io.jaegerj.model.Span;
import io.jaegerj.server.tenancy.Tenancy;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code opentelemetry.proto.collector.trace.v1.TraceService/Export} on port 4317. The request marshaller is the
 * one OTLP protobuf decoding path the HTTP receiver (4318) uses too: it checks {@link SpanConsumer#saturated()}
 * before decoding (a saturated pipeline costs a framing scan, see {@link RefusedSpans}) and decodes the message
 * bytes with {@link OtlpProtoDecoder} straight into Jaeger spans. Undecodable protobuf fails with {@code INTERNAL}
 * as in grpc-go (see {@link ParseFailures}); IDs of a wrong length give {@code INVALID_ARGUMENT}; a full queue gives
 * {@code UNAVAILABLE} with a one-second {@code RetryInfo}, and so does a failed storage write with
 * {@code --collector.acknowledge=stored} (the answer then waits for the write; no thread blocks meanwhile).
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

  /**
   * What the request marshaller made of one message: the decoded spans, or why there are none ({@code refused}: the
   * pipeline was saturated and the request was counted as refused; {@code unparsable}: the status to fail with;
   * {@code invalid}: the message of an {@code INVALID_ARGUMENT} answer, given only after the tenant check, as when
   * the conversion ran in the handler).
   */
  record Request(List<Span> spans, boolean refused, Status unparsable, String invalid) {
    static final Request REFUSED = new Request(List.of(), true, null, null);
  }

  /** The service, its request marshaller decoding with {@link OtlpProtoDecoder}. */
  public ServerServiceDefinition definition() {
    MethodDescriptor<Request, ExportTraceServiceResponse> method = TraceServiceGrpc.getExportMethod()
        .toBuilder(new Decoding(), ProtoUtils.marshaller(ExportTraceServiceResponse.getDefaultInstance()))
        .build();
    return ServerServiceDefinition.builder(TraceServiceGrpc.SERVICE_NAME)
        .addMethod(method, ServerCalls.asyncUnaryCall(this::export))
        .build();
  }

  /** Decodes a request message on the call's executor; a server-side marshaller, it never encodes. */
  private final class Decoding implements MethodDescriptor.Marshaller<Request> {
    @Override
    public InputStream stream(Request value) {
      throw new UnsupportedOperationException("the OTLP gRPC receiver only decodes requests");
    }

    @Override
    public Request parse(InputStream stream) {
      byte[] message;
      try {
        message = stream.readAllBytes();
      } catch (IOException e) {
        return unparsable(e);
      }
      if (consumer.saturated()) {
        RefusedSpans.count(consumer, errors, RefusedSpans.otlpProto(message));
        return Request.REFUSED;
      }
      try {
        return new Request(OtlpProtoDecoder.decode(message), false, null, null);
      } catch (InvalidProtocolBufferException e) {
        return unparsable(e);
      } catch (IllegalArgumentException e) {
        LOG.debug("Malformed OTLP export", e);
        return new Request(List.of(), false, null, e.getMessage());
      }
    }

    private Request unparsable(IOException e) {
      errors.count("malformed");
      return new Request(List.of(), false, ParseFailures.unmarshalling(e.getMessage()), null);
    }
  }

  void export(Request request, StreamObserver<ExportTraceServiceResponse> response) {
    if (request.unparsable() != null) {
      response.onError(request.unparsable().asRuntimeException());
      return;
    }
    if (request.refused()) {
      response.onError(GrpcServers.unavailableRetryable("sending queue is full"));
      return;
    }
    if (request.invalid() == null && request.spans().isEmpty()) {
      response.onNext(OK);
      response.onCompleted();
      return;
    }
    Tenancy.Decision tenant = tenancy.current();
    if (!tenant.allowed()) {
      errors.count("tenancy");
      response.onError(Tenancy.grpcStatus(tenant.failure(), Status.Code.PERMISSION_DENIED).asRuntimeException());
      return;
    }
    if (request.invalid() != null) {
      errors.count("malformed");
      response.onError(Status.INVALID_ARGUMENT.withDescription(request.invalid()).asRuntimeException());
      return;
    }
    consumer.submitForAck(tenant.tenant(), request.spans(), SpanConsumer.Format.OTLP, SpanConsumer.Transport.GRPC)
        .whenComplete((result, failure) -> answer(response, result, failure));
  }

  /** Answers once the pipeline took or refused the batch, or (acknowledge=stored) once storage wrote it. */
  private void answer(StreamObserver<ExportTraceServiceResponse> response, SpanConsumer.Result result,
      Throwable failure) {
    GrpcServers.reply(response, OK, AckAnswer.of(result, failure, errors, () -> null,
        () -> GrpcServers.unavailableRetryable("sending queue is full"), GrpcServers::unavailableRetryable),
        "OTLP export");
  }
}
