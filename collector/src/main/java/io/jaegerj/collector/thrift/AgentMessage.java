// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.thrift;

import io.jaegerj.model.Span;
import java.util.List;

/**
 * One decoded legacy agent datagram: a oneway call of service {@code Agent}.
 *
 * @param method {@code emitBatch}, {@code emitZipkinBatch}, or another name whose arguments were skipped
 * @param jaegerSpans the converted {@code emitBatch} spans (empty otherwise)
 * @param zipkinSpans the raw {@code emitZipkinBatch} spans (empty otherwise)
 */
public record AgentMessage(String method, List<Span> jaegerSpans, List<ZipkinCore.Span> zipkinSpans) {
  public static final String EMIT_BATCH = "emitBatch";
  public static final String EMIT_ZIPKIN_BATCH = "emitZipkinBatch";

  public AgentMessage {
    jaegerSpans = List.copyOf(jaegerSpans);
    zipkinSpans = List.copyOf(zipkinSpans);
  }
}
