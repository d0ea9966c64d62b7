// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.jaeger;

import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.jaegerj.collector.grpc.GrpcServers;
import io.jaegerj.collector.grpc.ParseFailures;
import io.jaegerj.collector.http.AckAnswer;
import io.jaegerj.collector.http.ReceiverErrors;
import io.jaegerj.collector.pipeline.SpanConsumer;
import io.jaegerj.model.Span;
import io.jaegerj.model.proto.ProtoConverter;
import io.jaegerj.proto.api_v2.CollectorServiceGrpc;
import io.jaegerj.proto.api_v2.PostSpansRequest;
import io.jaegerj.proto.api_v2.PostSpansResponse;
import io.jaegerj.server.tenancy.Tenancy;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code jaeger.api_v2.CollectorService/PostSpans} on port 14250. Spans without a process take the batch's. A full
 * queue answers {@code RESOURCE_EXHAUSTED "server busy"} (Jaeger drops silently and answers OK); IDs of a wrong
 * length answer {@code INVALID_ARGUMENT}. With {@code --collector.acknowledge=stored} the answer waits for the storage
 * write (no thread blocks meanwhile), and a failed write answers {@code UNAVAILABLE} naming the failure.
 */
public final class JaegerGrpcService {
  private static final Logger LOG = LoggerFactory.getLogger(JaegerGrpcService.class);
  private static final PostSpansResponse OK = PostSpansResponse.getDefaultInstance();

  private final SpanConsumer consumer;
  private final ReceiverErrors errors;
  private final Tenancy tenancy;

  public JaegerGrpcService(SpanConsumer consumer, ReceiverErrors errors, Tenancy tenancy) {
    this.consumer = consumer;
    this.errors = errors;
    this.tenancy = tenancy;
  }

  /** The service, with undecodable requests answered {@code INTERNAL} as grpc-go does. */
  public ServerServiceDefinition definition() {
    MethodDescriptor<PostSpansRequest, PostSpansResponse> method = CollectorServiceGrpc.getPostSpansMethod()
        .toBuilder(ParseFailures.marshaller(PostSpansRequest.getDefaultInstance(), errors),
            ProtoUtils.marshaller(PostSpansResponse.getDefaultInstance()))
        .build();
    // Keep the schema descriptor so that server reflection still describes the service.
    ServiceDescriptor descriptor = ServiceDescriptor.newBuilder(CollectorServiceGrpc.SERVICE_NAME)
        .setSchemaDescriptor(CollectorServiceGrpc.getServiceDescriptor().getSchemaDescriptor())
        .addMethod(method).build();
    return ServerServiceDefinition.builder(descriptor)
        .addMethod(method, ServerCalls.asyncUnaryCall(this::postSpans))
        .build();
  }

  void postSpans(PostSpansRequest request, StreamObserver<PostSpansResponse> response) {
    Status unparsable = ParseFailures.failure(request);
    if (unparsable != null) {
      response.onError(unparsable.asRuntimeException());
      return;
    }
    Tenancy.Decision tenant = tenancy.current();
    if (!tenant.allowed()) {
      errors.count("tenancy");
      response.onError(Tenancy.grpcStatus(tenant.failure(), Status.Code.PERMISSION_DENIED).asRuntimeException());
      return;
    }
    List<Span> spans;
    try {
      spans = ProtoConverter.fromBatch(request.getBatch());
    } catch (IllegalArgumentException e) {
      errors.count("malformed");
      LOG.debug("Malformed PostSpans request", e);
      response.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    consumer.submitForAck(tenant.tenant(), spans, SpanConsumer.Format.PROTO, SpanConsumer.Transport.GRPC)
        .whenComplete((result, failure) -> answer(response, result, failure));
  }

  /** Answers once the pipeline took or refused the batch, or (acknowledge=stored) once storage wrote it. */
  private void answer(StreamObserver<PostSpansResponse> response, SpanConsumer.Result result, Throwable failure) {
    GrpcServers.reply(response, OK, AckAnswer.of(result, failure, errors, () -> null,
        () -> Status.RESOURCE_EXHAUSTED.withDescription("server busy").asRuntimeException(),
        message -> Status.UNAVAILABLE.withDescription(message).asRuntimeException()), "PostSpans");
  }
}
