// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.e2e.badger;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.jaegerj.allinone.AllInOneMain;
import io.jaegerj.collector.CollectorMain;
import io.jaegerj.e2e.badger.Kill9Harness.Child;
import io.jaegerj.e2e.badger.Kill9Harness.Load;
import io.jaegerj.e2e.badger.Kill9Harness.Readback;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Zero loss of acknowledged spans on kill -9 of the standalone collector binary ({@link CollectorMain}) on a
 * persistent badger store with {@code --badger.consistency=true} (fsync per write) and default
 * {@code --collector.acknowledge} (auto, so stored). Half of the requests go over OTLP gRPC, half over OTLP/HTTP.
 * After SIGKILL, an all-in-one started on the same directories reads every trace back: every span of every
 * acknowledged request is readable, and every trace is whole or absent.
 */
final class ITCollectorBadgerKill9Test {
  private static final Logger LOG = LoggerFactory.getLogger(ITCollectorBadgerKill9Test.class);
  /** fsync per write makes each request slow: more senders give more acknowledgements before the kill. */
  private static final int THREADS = 8;

  @TempDir
  Path dir;

  @Test
  void kill9_underOtlpGrpcAndHttpLoad_everyAcknowledgedSpanIsReadable() throws Exception {
    Kill9Harness harness = Kill9Harness.create();
    Child collector = Child.start(CollectorMain.class, CollectorMain.spec(), dir, "collector", Map.of(),
        List.of("--badger.consistency=true"));
    Load load;
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1",
        collector.port("collector.otlp.grpc.host-port")).usePlaintext().build();
    try {
      assertThat(collector.output()).as("auto resolves to stored for persistent badger")
          .contains(Kill9Harness.STORED_LOG_LINE);
      TraceServiceGrpc.TraceServiceBlockingStub stub = TraceServiceGrpc.newBlockingStub(channel);
      load = harness.runAndKill(collector, r -> {
        if ((r.getResourceSpans(0).getScopeSpans(0).getSpans(0).getTraceId().byteAt(15) & 1) == 0) {
          stub.withDeadlineAfter(30, TimeUnit.SECONDS).export(r);
        } else {
          Kill9Harness.postOtlpHttp(collector, r);
        }
      }, THREADS, Duration.ofSeconds(5));
    } finally {
      collector.process.destroyForcibly();
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
    assertThat(load.acknowledged()).as("acknowledged during the load").hasSizeGreaterThan(50);

    Child reader = Child.start(AllInOneMain.class, AllInOneMain.spec(), dir, "reader", Map.of(), List.of());
    try {
      Readback rb = Kill9Harness.readBack(reader, load);
      Kill9Harness.reportAndAssertNoAcknowledgedLoss(LOG, "collector, OTLP gRPC + HTTP, badger.consistency=true, acknowledge=auto->stored", load, rb);
    } finally {
      reader.stop();
    }
  }
}
