// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.memory;

/**
 * Validated memory storage settings.
 *
 * @param maxTraces {@code memory.max-traces}: traces kept before the oldest (by first arrival) is evicted; 0 or less
 *     means unbounded, as in Jaeger
 */
record MemoryConfig(int maxTraces) {}
