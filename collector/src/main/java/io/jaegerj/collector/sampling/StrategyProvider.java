// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.sampling;

import io.jaegerj.proto.api_v2.SamplingStrategyResponse;

/** Answers remote-sampling requests. Thread-safe and non-blocking (called on network threads). */
public interface StrategyProvider {
  /** The strategy for a service; the default strategy for unknown services. Never null. */
  SamplingStrategyResponse strategy(String serviceName);
}
