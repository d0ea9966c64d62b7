// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.bench;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.jaegerj.collector.http.ReceiverErrors;
import io.jaegerj.collector.otlp.OtlpGrpcService;
import io.jaegerj.collector.pipeline.SpanConsumer;
import io.jaegerj.loadgen.Protocol;
import io.jaegerj.model.Span;
import io.jaegerj.server.tenancy.Tenancy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The OTLP gRPC receiver (port 4317's service) on a real Netty gRPC server on a loopback ephemeral port: 4 client
 * threads send pre-encoded 200-span {@code ExportTraceServiceRequest} bodies (raw bytes, so the client spends no
 * encoding work) and await each answer. The consumer behind the service takes every batch at once
 * ({@code accept}) or is saturated and refuses everything ({@code saturated}), so the score is what the receiver
 * itself costs: transport, request decoding and answering. Score: requests per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Threads(4)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class OtlpGrpcBenchmark {
  private static final MethodDescriptor.Marshaller<byte[]> RAW = new MethodDescriptor.Marshaller<>() {
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
  private static final MethodDescriptor<byte[], byte[]> EXPORT = MethodDescriptor.<byte[], byte[]>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY)
      .setFullMethodName("opentelemetry.proto.collector.trace.v1.TraceService/Export")
      .setRequestMarshaller(RAW)
      .setResponseMarshaller(RAW)
      .build();

  @Param({"accept", "saturated"})
  public String consumer;

  Server server;
  ManagedChannel channel;
  byte[][] bodies;
  final AtomicLong next = new AtomicLong();
  final AtomicLong spans = new AtomicLong();

  @Setup(Level.Trial)
  public void setup() throws IOException {
    boolean saturated = consumer.equals("saturated");
    SpanConsumer sink = new SpanConsumer() {
      @Override
      public Result submit(String tenant, List<Span> batch, Format format, Transport transport) {
        spans.addAndGet(batch.size());
        return saturated ? Result.REJECTED_QUEUE_FULL : Result.ACCEPTED;
      }

      @Override
      public boolean saturated() {
        return saturated;
      }
    };
    OtlpGrpcService service = new OtlpGrpcService(sink,
        new ReceiverErrors(new SimpleMeterRegistry(), "otlp-grpc"), Tenancy.disabled());
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .maxInboundMessageSize(16 << 20)
        .addService(service.definition())
        .build()
        .start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    bodies = new byte[16][];
    for (int i = 0; i < bodies.length; i++) {
      bodies[i] = Fixtures.body(Protocol.OTLP_GRPC, 31 + i);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Benchmark
  public int export() {
    byte[] body = bodies[(int) (next.getAndIncrement() & 15)];
    try {
      return ClientCalls.blockingUnaryCall(channel, EXPORT, CallOptions.DEFAULT, body).length;
    } catch (StatusRuntimeException e) {
      return -e.getStatus().getCode().value(); // the saturated case: UNAVAILABLE, as expected
    }
  }
}
