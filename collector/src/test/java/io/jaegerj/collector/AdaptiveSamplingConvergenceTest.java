// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.jaegerj.config.Settings;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Span;
import io.jaegerj.proto.api_v2.SamplingManagerGrpc;
import io.jaegerj.proto.api_v2.SamplingStrategyParameters;
import io.jaegerj.proto.api_v2.SamplingStrategyResponse;
import io.jaegerj.storage.SamplingStore;
import io.jaegerj.storage.StorageContext;
import io.jaegerj.storage.memory.MemoryStorageProvider;
import io.jaegertracing.internal.JaegerTracer;
import io.jaegertracing.internal.reporters.RemoteReporter;
import io.jaegertracing.internal.samplers.HttpSamplingManager;
import io.jaegertracing.internal.samplers.ProbabilisticSampler;
import io.jaegertracing.internal.samplers.RemoteControlledSampler;
import io.jaegertracing.thrift.internal.senders.HttpSender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * {@code SAMPLING_CONFIG_TYPE=adaptive} end to end: a real jaeger-client-java tracer with the remote sampler (polling
 * the collector's agent sampling port) creates root spans of two operations far above the target rate and reports the
 * sampled ones over Thrift HTTP; the collector's aggregator counts them, the calculator (1 s intervals, no delay)
 * lowers the probabilities, the SDK picks them up, and the sampled rate per operation settles within 20% of the
 * target. The strategies are also read over 14268 {@code /api/sampling} and gRPC {@code SamplingManager}.
 */
class AdaptiveSamplingConvergenceTest {
  static final double TARGET = 50;
  static final int SPANS_PER_SECOND_PER_OPERATION = 2000;
  static final String SERVICE = "adaptive-svc";
  static final List<String> OPERATIONS = List.of("GET /fast", "GET /busy");
  /** The calculation runs every second: convergence must come within this many of them. */
  static final int MAX_INTERVALS = 25;
  static final Duration WINDOW = Duration.ofSeconds(4);

  @Test
  void jaegerClientTraffic_convergesOnTargetPerOperation() throws Exception {
    MemoryStorageProvider mp = new MemoryStorageProvider();
    SamplingStore store = mp.open("memory", Settings.defaults(mp.flags(), Map.of()),
        new StorageContext(new SimpleMeterRegistry(), Clock.systemUTC())).samplingStore().orElseThrow();
    Map<String, String> flags = Map.of(
        "sampling.target-samples-per-second", Double.toString(TARGET),
        "sampling.calculation-interval", "1s",
        "sampling.delay", "0s",
        "sampling.delta-tolerance", "0.1",
        "sampling.leader-lease-refresh-interval", "100ms",
        "sampling.follower-lease-refresh-interval", "1s");
    try (TestCollector collector = new TestCollector(flags, k -> null, Map.of("SAMPLING_CONFIG_TYPE", "adaptive"),
        store)) {
      HttpSender sender = new HttpSender.Builder(
          "http://127.0.0.1:" + collector.jaegerHttpPort() + "/api/traces").build();
      RemoteControlledSampler sampler = new RemoteControlledSampler.Builder(SERVICE)
          .withSamplingManager(new HttpSamplingManager("127.0.0.1:" + collector.agentHttpPort()))
          .withInitialSampler(new ProbabilisticSampler(0.001)).withPollingInterval(200).build();
      JaegerTracer tracer = new JaegerTracer.Builder(SERVICE)
          .withReporter(new RemoteReporter.Builder().withSender(sender).withFlushInterval(100)
              .withMaxQueueSize(100_000).build())
          .withSampler(sampler).build();
      AtomicBoolean running = new AtomicBoolean(true);
      Thread traffic = new Thread(() -> generate(tracer, running), "adaptive-test-traffic");
      traffic.start();
      long started = System.nanoTime();
      try {
        Map<String, Double> rates = null;
        boolean converged = false;
        long deadline = started + TimeUnit.SECONDS.toNanos(MAX_INTERVALS);
        while (System.nanoTime() < deadline) {
          Thread.sleep(500);
          if (System.nanoTime() - started < WINDOW.toNanos()) {
            continue;
          }
          Map<String, Double> now = sampledRates(collector, WINDOW);
          rates = now;
          converged = OPERATIONS.stream().allMatch(op -> Math.abs(rates(op, now) - TARGET) / TARGET <= 0.2);
          if (converged) {
            break;
          }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("adaptive sampling: %s samples/s per operation after %.1f s (target %.0f, traffic %d/s per"
            + " operation), probabilities %s%n", rates, seconds, TARGET, SPANS_PER_SECOND_PER_OPERATION,
            collector.module.adaptiveProbabilities());
        assertThat(converged).as("sampled rates %s within 20%% of %s within %s calculation intervals", rates, TARGET,
            MAX_INTERVALS).isTrue();
      } finally {
        running.set(false);
        traffic.join();
        tracer.close();
      }

      // the same strategies on 14268 /api/sampling and gRPC SamplingManager, in Jaeger's adaptive shape
      HttpResponse<String> http = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
          "http://127.0.0.1:" + collector.jaegerHttpPort() + "/api/sampling?service=" + SERVICE)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(http.statusCode()).isEqualTo(200);
      assertThat(http.body()).startsWith("{\"strategyType\":\"PROBABILISTIC\",\"operationSampling\":"
          + "{\"defaultSamplingProbability\":0.001,\"defaultLowerBoundTracesPerSecond\":0.016666666666666666,"
          + "\"perOperationStrategies\":[").contains("\"operation\":\"GET /busy\"", "\"operation\":\"GET /fast\"");
      HttpResponse<String> unknownHttp = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
          "http://127.0.0.1:" + collector.agentHttpPort() + "/sampling?service=nobody")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(unknownHttp.body()).isEqualTo("{\"strategyType\":\"PROBABILISTIC\",\"operationSampling\":"
          + "{\"defaultSamplingProbability\":0.001,\"defaultLowerBoundTracesPerSecond\":0.016666666666666666,"
          + "\"perOperationStrategies\":[],\"defaultUpperBoundTracesPerSecond\":0}}");
      ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", collector.jaegerGrpcPort())
          .usePlaintext().build();
      try {
        SamplingStrategyResponse grpc = SamplingManagerGrpc.newBlockingStub(channel).getSamplingStrategy(
            SamplingStrategyParameters.newBuilder().setServiceName(SERVICE).build());
        assertThat(grpc.getOperationSampling().getPerOperationStrategiesList()).hasSize(2);
        double expected = TARGET / SPANS_PER_SECOND_PER_OPERATION;
        grpc.getOperationSampling().getPerOperationStrategiesList().forEach(s ->
            assertThat(s.getProbabilisticSampling().getSamplingRate()).as(s.getOperation())
                .isBetween(expected * 0.6, expected * 1.6));
        SamplingStrategyResponse unknown = SamplingManagerGrpc.newBlockingStub(channel).getSamplingStrategy(
            SamplingStrategyParameters.newBuilder().setServiceName("nobody").build());
        assertThat(unknown.getOperationSampling().getPerOperationStrategiesList()).isEmpty();
        assertThat(unknown.getOperationSampling().getDefaultSamplingProbability()).isEqualTo(0.001);
      } finally {
        channel.shutdownNow();
      }
      assertThat(collector.scrape()).contains("jaeger_collector_adaptive_sampling_processor_operations_calculated 2.0",
          "jaeger_collector_adaptive_sampling_processor_calculate_probabilities_count",
          "jaeger_collector_sampling_operations_total", "jaeger_collector_sampling_services_total",
          "jaegerj_collector_adaptive_sampling_leader 1.0");
    }
  }

  private static double rates(String op, Map<String, Double> rates) {
    return rates.getOrDefault(op, 0.0);
  }

  /** Root spans of {@link #OPERATIONS} at a steady rate each, paced every 5 ms, until {@code running} clears. */
  private static void generate(JaegerTracer tracer, AtomicBoolean running) {
    long tickNanos = TimeUnit.MILLISECONDS.toNanos(5);
    int perTick = SPANS_PER_SECOND_PER_OPERATION / 200;
    long next = System.nanoTime();
    while (running.get()) {
      for (int i = 0; i < perTick; i++) {
        for (String op : OPERATIONS) {
          tracer.buildSpan(op).start().finish();
        }
      }
      next += tickNanos;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
    }
  }

  /** Sampled root spans per second and operation stored with a start time in the last {@code window}. */
  private static Map<String, Double> sampledRates(TestCollector collector, Duration window) {
    long nowMicros = System.currentTimeMillis() * 1000;
    // spans reach storage up to a reporter flush late: leave the newest half second out
    long end = nowMicros - 500_000;
    long start = end - window.toNanos() / 1000;
    Map<String, Double> counts = new HashMap<>();
    for (List<Span> spans : collector.storage.traces.values()) {
      for (Span s : spans) {
        KeyValue type = s.tag("sampler.type");
        if (s.parentSpanId() == 0 && type != null && s.startTimeMicros() >= start && s.startTimeMicros() < end) {
          counts.merge(s.operationName(), 1.0, Double::sum);
        }
      }
    }
    double seconds = window.toNanos() / 1e9;
    counts.replaceAll((k, v) -> v / seconds);
    return counts;
  }
}
