// SPDX-License-Identifier: Apache-2.0
/**
 * The legacy jaeger-agent UDP ports (removed from Jaeger in 1.68), served inside the collector: spans go straight
 * into the collector pipeline instead of being forwarded over gRPC, so {@code reporter.*} and {@code agent.tags}
 * flags do not exist here; collector tags apply instead.
 */
package io.jaegerj.collector.agent;
