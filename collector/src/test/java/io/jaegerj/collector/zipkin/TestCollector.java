// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.zipkin;

import io.jaegerj.collector.pipeline.SpanConsumer;
import io.jaegerj.config.Flag;
import io.jaegerj.config.Settings;
import io.jaegerj.model.Span;
import io.jaegerj.server.Lifecycle;
import io.jaegerj.server.ServerContext;
import io.jaegerj.testing.Poll;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * A receiver test harness: a {@link ServerContext} over default flag values, a meter registry, a lifecycle that runs
 * its steps on {@link #close()}, and a consumer that records what the pipeline would get (or refuses when full).
 */
public final class TestCollector implements SpanConsumer, AutoCloseable {
  public final MeterRegistry meters = new SimpleMeterRegistry();
  public final List<Span> received = new CopyOnWriteArrayList<>();
  public final List<Format> formats = new CopyOnWriteArrayList<>();
  public final List<Transport> transports = new CopyOnWriteArrayList<>();
  public final List<String> tenants = new CopyOnWriteArrayList<>();
  public volatile boolean full;
  private final List<Lifecycle.Step> steps = new ArrayList<>();
  public final ServerContext context;

  public TestCollector(List<Flag> flags, Map<String, String> overrides) {
    Lifecycle lifecycle = (phase, name, step) -> steps.add(step);
    context = new ServerContext(Settings.defaults(flags, overrides), meters, null, lifecycle, Clock.systemUTC(),
        "jaeger-collector");
  }

  @Override
  public Result submit(String tenant, List<Span> spans, Format format, Transport transport) {
    if (full) {
      return Result.REJECTED_QUEUE_FULL;
    }
    tenants.add(tenant);
    received.addAll(spans);
    formats.add(format);
    transports.add(transport);
    return Result.ACCEPTED;
  }

  /** Runs {@code step} on {@link #close()}, before the steps registered earlier. */
  public void onClose(Lifecycle.Step step) {
    steps.add(step);
  }

  /** The receiver's error counter for a reason, 0 when never counted. */
  public double errors(String receiver, String reason) {
    var c = meters.find("jaeger_collector_receiver_errors").tags("receiver", receiver, "reason", reason).counter();
    return c == null ? 0 : c.count();
  }

  /** Polls until the condition holds or the deadline passes. */
  public static void await(BooleanSupplier condition, Duration timeout) throws Exception {
    Poll.until("condition", timeout, condition::getAsBoolean);
  }

  @Override
  public void close() throws Exception {
    for (int i = steps.size() - 1; i >= 0; i--) {
      steps.get(i).run();
    }
  }
}
