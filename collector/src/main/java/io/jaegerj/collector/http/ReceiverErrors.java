// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts refused requests per receiver and reason as {@code jaeger_collector_receiver_errors_total{receiver,reason}}
 * (our addition; Jaeger has no such counter). Reasons are a small fixed vocabulary such as {@code malformed},
 * {@code too_large}, {@code unsupported_media_type}, {@code method_not_allowed}, {@code not_found},
 * {@code queue_full}, {@code storage} (a failed write answered with {@code --collector.acknowledge=stored}). Thread-safe.
 */
public final class ReceiverErrors {
  private final MeterRegistry registry;
  private final String receiver;
  private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();

  public ReceiverErrors(MeterRegistry registry, String receiver) {
    this.registry = registry;
    this.receiver = receiver;
  }

  /** The registry the counters are in. */
  public MeterRegistry registry() {
    return registry;
  }

  public void count(String reason) {
    Counter c = counters.get(reason);
    if (c == null) {
      c = counters.computeIfAbsent(reason, r -> Counter.builder("jaeger_collector_receiver_errors")
          .description("requests refused by a receiver").tags("receiver", receiver, "reason", r).register(registry));
    }
    c.increment();
  }
}
