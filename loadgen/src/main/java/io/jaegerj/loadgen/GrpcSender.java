// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.loadgen;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Calls {@code opentelemetry.proto.collector.trace.v1.TraceService/Export} with grpc-java, passing the pre-encoded
 * request bytes through an identity marshaller (the bytes are a valid {@code ExportTraceServiceRequest}).
 */
final class GrpcSender implements Sender {
  private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  static final MethodDescriptor<byte[], byte[]> EXPORT = MethodDescriptor.<byte[], byte[]>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY)
      .setFullMethodName("opentelemetry.proto.collector.trace.v1.TraceService/Export")
      .setRequestMarshaller(BYTES)
      .setResponseMarshaller(BYTES)
      .build();

  private final ManagedChannel[] channels;
  private final AtomicInteger next = new AtomicInteger();

  GrpcSender(String endpoint, int connections) {
    String target = endpoint.replaceFirst("^[a-z]+://", "");
    int colon = target.lastIndexOf(':');
    String host = target.substring(0, colon);
    int port = Integer.parseInt(target.substring(colon + 1).replaceAll("/.*$", ""));
    channels = new ManagedChannel[Math.max(1, connections)];
    for (int i = 0; i < channels.length; i++) {
      channels[i] = NettyChannelBuilder.forAddress(host, port).usePlaintext()
          .maxInboundMessageSize(16 << 20).build();
    }
  }

  @Override
  public CompletableFuture<Result> send(byte[] body) {
    CompletableFuture<Result> f = new CompletableFuture<>();
    ManagedChannel ch = channels[Math.floorMod(next.getAndIncrement(), channels.length)];
    ClientCalls.asyncUnaryCall(ch.newCall(EXPORT, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS)),
        body, new StreamObserver<>() {
          @Override
          public void onNext(byte[] value) {}

          @Override
          public void onError(Throwable t) {
            Status s = Status.fromThrowable(t);
            Outcome o = s.getCode() == Status.Code.UNAVAILABLE || s.getCode() == Status.Code.RESOURCE_EXHAUSTED
                ? Outcome.REJECTED : Outcome.ERROR;
            f.complete(new Result(o, "gRPC " + s.getCode() + (s.getDescription() == null ? ""
                : ": " + s.getDescription())));
          }

          @Override
          public void onCompleted() {
            f.complete(Result.OK);
          }
        });
    return f;
  }

  @Override
  public void close() {
    for (ManagedChannel c : channels) {
      c.shutdownNow();
    }
    for (ManagedChannel c : channels) {
      try {
        c.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
