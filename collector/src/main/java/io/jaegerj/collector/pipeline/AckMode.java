// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.pipeline;

import java.util.Locale;

/**
 * When a receiver answers its client ({@code --collector.acknowledge}, our extension). Jaeger answers as soon as a
 * batch is queued; {@link #STORED} waits for the storage writer so that an answered batch survives a crash of the
 * collector when the storage is durable.
 */
public enum AckMode {
  /** Answer once the batch is in the in-memory queue (Jaeger's behaviour). */
  QUEUED,
  /** Answer once the storage writer's stage for the batch completed; a failed write answers a retryable error. */
  STORED;

  /** The flag's value for this mode. */
  public String flagValue() {
    return name().toLowerCase(Locale.ROOT);
  }
}
