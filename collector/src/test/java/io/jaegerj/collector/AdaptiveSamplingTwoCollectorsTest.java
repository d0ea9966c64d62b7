// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.config.Settings;
import io.jaegerj.storage.SamplingStore;
import io.jaegerj.storage.StorageContext;
import io.jaegerj.storage.memory.MemoryStorageProvider;
import io.jaegerj.testing.Poll;
import io.jaegertracing.internal.JaegerTracer;
import io.jaegertracing.internal.reporters.RemoteReporter;
import io.jaegertracing.internal.samplers.ProbabilisticSampler;
import io.jaegertracing.thrift.internal.senders.HttpSender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Two collectors in one JVM with {@code SAMPLING_CONFIG_TYPE=adaptive} over one memory sampling store: one leads
 * (the {@code jaegerj_collector_adaptive_sampling_leader} gauge), spans sent to the follower are counted and the
 * leader's probabilities for them are served by both; when the leader shuts down the follower takes over.
 */
class AdaptiveSamplingTwoCollectorsTest {
  private static final Map<String, String> FLAGS = Map.of(
      "sampling.calculation-interval", "300ms",
      "sampling.delay", "0s",
      "sampling.leader-lease-refresh-interval", "50ms",
      "sampling.follower-lease-refresh-interval", "1s");
  private static final Map<String, String> ADAPTIVE = Map.of("SAMPLING_CONFIG_TYPE", "adaptive");

  private static void await(String what, BooleanSupplier condition) throws Exception {
    Poll.until(what, Duration.ofSeconds(20), condition::getAsBoolean);
  }

  private static boolean leads(TestCollector c) {
    return c.scrape().contains("jaegerj_collector_adaptive_sampling_leader 1.0");
  }

  private static double served(TestCollector c, String service, String op) {
    return c.module.adaptiveProbabilities().getOrDefault(service, Map.of()).getOrDefault(op, -1.0);
  }

  @Test
  void oneLeader_followerCountsAndServes_followerTakesOverOnShutdown() throws Exception {
    MemoryStorageProvider mp = new MemoryStorageProvider();
    SamplingStore store = mp.open("memory", Settings.defaults(mp.flags(), Map.of()),
        new StorageContext(new SimpleMeterRegistry(), Clock.systemUTC())).samplingStore().orElseThrow();
    TestCollector first = new TestCollector(FLAGS, k -> null, ADAPTIVE, store);
    try (TestCollector second = new TestCollector(FLAGS, k -> null, ADAPTIVE, store)) {
      await("one leader", () -> leads(first) || leads(second));
      TestCollector leader = leads(first) ? first : second;
      TestCollector follower = leader == first ? second : first;
      assertThat(leads(follower)).isFalse();

      // 1.0-probability root spans reach only the follower: far above the 1/s target
      HttpSender sender = new HttpSender.Builder(
          "http://127.0.0.1:" + follower.jaegerHttpPort() + "/api/traces").build();
      JaegerTracer tracer = new JaegerTracer.Builder("two-svc")
          .withReporter(new RemoteReporter.Builder().withSender(sender).withFlushInterval(50).build())
          .withSampler(new ProbabilisticSampler(1.0)).build();
      try {
        await("the leader calculated a probability for spans the follower received", () -> {
          for (int i = 0; i < 20; i++) {
            tracer.buildSpan("op").start().finish();
          }
          double p = served(leader, "two-svc", "op");
          return p > 0 && p < 1.0;
        });
      } finally {
        tracer.close();
      }
      await("the follower serves the leader's probability", () -> served(follower, "two-svc", "op") > 0);
      assertThat(follower.scrape()).contains("jaeger_collector_adaptive_sampling_processor_calculate_probabilities_count 0");

      leader.close(); // gives the lease up
      long closed = System.nanoTime();
      await("the follower leads", () -> leads(follower));
      System.out.println("adaptive sampling: follower led " + (System.nanoTime() - closed) / 1_000_000
          + " ms after the leader shut down (follower interval 1000 ms)");
    } finally {
      first.close();
    }
  }
}
