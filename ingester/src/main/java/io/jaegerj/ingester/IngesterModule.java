// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.ingester;

import io.jaegerj.config.Flag;
import io.jaegerj.dependencies.AggregatorOptions;
import io.jaegerj.dependencies.DependencyAggregation;
import io.jaegerj.config.Settings;
import io.jaegerj.server.Lifecycle;
import io.jaegerj.server.ServerContext;
import io.jaegerj.server.ServerModule;
import io.jaegerj.storage.SpanWriter;
import io.jaegerj.storage.kafka.ConsumerOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/** The ingester's flags and its consumer, started once the storage is open and stopped before it closes. */
public final class IngesterModule implements ServerModule {
  static final String PARALLELISM = "ingester.parallelism";
  static final String DEADLOCK_INTERVAL = "ingester.deadlockInterval";

  private volatile Ingester ingester;

  @Override
  public List<Flag> flags() {
    List<Flag> f = new ArrayList<>(ConsumerOptions.flags());
    // Jaeger declares it as a string flag
    f.add(Flag.string(PARALLELISM, "1000", "The number of messages to process in parallel"));
    f.add(Flag.duration(DEADLOCK_INTERVAL, "0s",
        "Interval to check for deadlocks. If no messages gets processed in given time, ingester app will exit. Value"
            + " of 0 disables deadlock check."));
    f.addAll(AggregatorOptions.flags());
    return f;
  }

  @Override
  public void start(ServerContext ctx) {
    Settings s = ctx.settings();
    String encoding = ConsumerOptions.encoding(s);
    int parallelism;
    try {
      parallelism = Integer.parseInt(s.getString(PARALLELISM).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid argument \"" + s.getString(PARALLELISM) + "\" for \"--"
          + PARALLELISM + "\" flag: not an integer");
    }
    if (parallelism <= 0) {
      throw new IllegalArgumentException("--" + PARALLELISM + ": " + parallelism + " (expected: > 0)");
    }
    Duration deadlock = s.getDuration(DEADLOCK_INTERVAL);
    String topic = s.getString(ConsumerOptions.PREFIX + ".topic");
    Map<String, Object> props = ConsumerOptions.consumerProperties(s);
    SpanWriter writer = ctx.storage().writer();
    Optional<DependencyAggregation> deps = DependencyAggregation.start(AggregatorOptions.from(s),
        ctx.storage().dependencyWriter(), () -> ctx.storage().reader(), ctx.clock(), ctx.meters());
    if (deps.isPresent()) {
      writer = deps.get().wrap(writer);
      ctx.lifecycle().onShutdown(Lifecycle.Phase.CLOSE, "dependency aggregator", deps.get()::close);
    }
    Ingester in = new Ingester(new KafkaConsumer<>(props), topic, new MessageDecoder(encoding, ctx.clock()),
        writer, parallelism * 10, deadlock, ctx.meters());
    in.start();
    ingester = in;
    ctx.lifecycle().onShutdown(Lifecycle.Phase.DRAIN, "kafka consumer", in::close);
  }

  /** The running consumer (tests). */
  Ingester ingester() {
    return ingester;
  }
}
