// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server;

import io.jaegerj.config.Settings;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;

/**
 * What a {@link ServerModule} gets from the runtime.
 *
 * @param settings resolved flag values of the whole binary
 * @param meters the registry exposed on the admin port's /metrics. Name meters as Jaeger does
 *     ({@code jaeger_collector_spans_received}); timers named {@code jaeger_*} are exported under that exact name
 *     as histograms in seconds with Prometheus' default buckets (no Micrometer {@code _seconds} suffix), counters
 *     get {@code _total}
 * @param storage the opened span storage (writer fan-out, reader, dependencies, archive, sampling)
 * @param lifecycle where modules register shutdown steps
 * @param clock wall clock (injectable for tests)
 * @param binaryName e.g. {@code jaeger-collector}; used in logs and metric names
 */
public record ServerContext(
    Settings settings,
    MeterRegistry meters,
    Storage storage,
    Lifecycle lifecycle,
    Clock clock,
    String binaryName) {}
