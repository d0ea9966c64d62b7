// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.zipkin;

import io.jaegerj.model.TraceId;
import java.util.List;
import java.util.Map;

/**
 * A Zipkin v2 span as decoded from JSON or proto3, before conversion. Strings keep their case (Zipkin's Java
 * library would lower-case names; Jaeger's Go decoder does not).
 *
 * @param parentId null when absent
 * @param kind "" when absent, otherwise the text sent (CLIENT, SERVER, PRODUCER, CONSUMER or anything else)
 * @param timestampMicros 0 when absent
 * @param tags in wire order
 */
record V2Span(
    TraceId traceId,
    long id,
    Long parentId,
    String name,
    String kind,
    long timestampMicros,
    long durationMicros,
    Endpoint localEndpoint,
    Endpoint remoteEndpoint,
    List<Annotation> annotations,
    Map<String, String> tags,
    boolean debug,
    boolean shared) {

  /**
   * An endpoint; addresses are already in Go's textual form, null when absent.
   */
  record Endpoint(String serviceName, String ipv4, String ipv6, int port) {
    boolean isEmpty() {
      return serviceName.isEmpty() && ipv4 == null && ipv6 == null && port == 0;
    }
  }

  record Annotation(long timestampMicros, String value) {}
}
