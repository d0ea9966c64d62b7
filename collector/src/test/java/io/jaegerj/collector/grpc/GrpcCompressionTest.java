// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Codec;
import io.grpc.CompressorRegistry;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.jaegerj.config.Flag;
import io.jaegerj.config.Settings;
import io.jaegerj.proto.api_v2.ProbabilisticSamplingStrategy;
import io.jaegerj.proto.api_v2.SamplingManagerGrpc;
import io.jaegerj.proto.api_v2.SamplingStrategyParameters;
import io.jaegerj.proto.api_v2.SamplingStrategyResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Requests compressed with zstd, snappy and gzip are accepted; the max-size rule follows Jaeger's MiB rounding. */
class GrpcCompressionTest {
  @Test
  void compressedRequests_everyEncoding() throws Exception {
    Settings s = Settings.defaults(List.of(
        Flag.hostPort("p.host-port", "127.0.0.1:0", ""), Flag.integer("p.max-message-size", 4194304, ""),
        Flag.duration("p.max-connection-age", "0s", ""), Flag.duration("p.max-connection-age-grace", "0s", ""),
        Flag.bool("t.tls.enabled", false, "")), Map.of());
    Server server = GrpcServers.start(s, "p", "t", List.of(new SamplingManagerGrpc.SamplingManagerImplBase() {
      @Override
      public void getSamplingStrategy(SamplingStrategyParameters request,
          StreamObserver<SamplingStrategyResponse> response) {
        response.onNext(SamplingStrategyResponse.newBuilder().setProbabilisticSampling(
            ProbabilisticSamplingStrategy.newBuilder().setSamplingRate(
                request.getServiceName().length())).build());
        response.onCompleted();
      }
    }.bindService()));
    CompressorRegistry compressors = CompressorRegistry.newEmptyInstance();
    compressors.register(new ExtraCodecs.Zstd());
    compressors.register(new ExtraCodecs.Snappy());
    compressors.register(new Codec.Gzip());
    ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext()
        .compressorRegistry(compressors).build();
    try {
      for (String enc : List.of("zstd", "snappy", "gzip")) {
        SamplingStrategyResponse r = SamplingManagerGrpc.newBlockingStub(ch).withCompression(enc)
            .getSamplingStrategy(SamplingStrategyParameters.newBuilder().setServiceName("x".repeat(5000)).build());
        assertThat(r.getProbabilisticSampling().getSamplingRate()).as(enc).isEqualTo(5000);
      }
    } finally {
      ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      GrpcServers.stop(server);
    }
    assertThat(GrpcServers.maxMessageBytes(4194304)).isEqualTo(4 << 20);
    assertThat(GrpcServers.maxMessageBytes(1000)).isEqualTo(4 << 20);
    assertThat(GrpcServers.maxMessageBytes((3 << 20) + 5)).isEqualTo(3 << 20);
  }
}
