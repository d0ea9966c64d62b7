// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.sampling;

import io.jaegerj.model.GoFloat;
import io.jaegerj.proto.api_v2.OperationSamplingStrategy;
import io.jaegerj.proto.api_v2.PerOperationSamplingStrategies;
import io.jaegerj.proto.api_v2.SamplingStrategyResponse;
import io.jaegerj.proto.api_v2.SamplingStrategyType;

/**
 * The JSON bodies of the sampling endpoints: Jaeger's protobuf-JSON form (field order of the proto, strategy type by
 * name, zero numbers and empty lists written, unset sub-messages left out) and the legacy agent form of
 * {@code GET /?service=} (strategy type as a number, rate limit limited to int16 as in sampling.thrift).
 */
public final class SamplingJson {
  private SamplingJson() {}

  public static String write(SamplingStrategyResponse r) {
    return write(r, false);
  }

  /**
   * The legacy Thrift-shaped form.
   *
   * @throws IllegalArgumentException when {@code maxTracesPerSecond} does not fit int16
   */
  public static String writeLegacy(SamplingStrategyResponse r) {
    int max = r.getRateLimitingSampling().getMaxTracesPerSecond();
    if (max > Short.MAX_VALUE || max < Short.MIN_VALUE) {
      throw new IllegalArgumentException("maxTracesPerSecond " + max + " does not fit int16");
    }
    return write(r, true);
  }

  private static String write(SamplingStrategyResponse r, boolean legacy) {
    StringBuilder b = new StringBuilder(128).append("{\"strategyType\":");
    if (legacy) {
      b.append(r.getStrategyTypeValue());
    } else {
      b.append('"').append(r.getStrategyType() == SamplingStrategyType.RATE_LIMITING ? "RATE_LIMITING"
          : r.getStrategyType() == SamplingStrategyType.PROBABILISTIC ? "PROBABILISTIC"
          : Integer.toString(r.getStrategyTypeValue())).append('"');
    }
    if (r.hasProbabilisticSampling()) {
      b.append(",\"probabilisticSampling\":{\"samplingRate\":")
          .append(GoFloat.formatJson(r.getProbabilisticSampling().getSamplingRate())).append('}');
    }
    if (r.hasRateLimitingSampling()) {
      b.append(",\"rateLimitingSampling\":{\"maxTracesPerSecond\":")
          .append(r.getRateLimitingSampling().getMaxTracesPerSecond()).append('}');
    }
    if (r.hasOperationSampling()) {
      PerOperationSamplingStrategies o = r.getOperationSampling();
      b.append(",\"operationSampling\":{\"defaultSamplingProbability\":")
          .append(GoFloat.formatJson(o.getDefaultSamplingProbability()))
          .append(",\"defaultLowerBoundTracesPerSecond\":")
          .append(GoFloat.formatJson(o.getDefaultLowerBoundTracesPerSecond()))
          .append(",\"perOperationStrategies\":[");
      for (int i = 0; i < o.getPerOperationStrategiesCount(); i++) {
        OperationSamplingStrategy op = o.getPerOperationStrategies(i);
        if (i > 0) {
          b.append(',');
        }
        b.append("{\"operation\":");
        appendString(b, op.getOperation());
        if (op.hasProbabilisticSampling()) {
          b.append(",\"probabilisticSampling\":{\"samplingRate\":")
              .append(GoFloat.formatJson(op.getProbabilisticSampling().getSamplingRate())).append('}');
        }
        b.append('}');
      }
      b.append("],\"defaultUpperBoundTracesPerSecond\":")
          .append(GoFloat.formatJson(o.getDefaultUpperBoundTracesPerSecond())).append('}');
    }
    return b.append('}').toString();
  }

  private static void appendString(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
        String hex = Integer.toHexString(c);
        b.append("\\u");
        for (int p = hex.length(); p < 4; p++) {
          b.append('0');
        }
        b.append(hex);
      } else {
        b.append(c);
      }
    }
    b.append('"');
  }
}
