// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jaegerj.model.KeyValue;
import io.jaegerj.model.TraceId;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelinePartsTest {
  @Test
  void collectorTags_parse_expandsEnvAndDefaults() {
    Map<String, String> env = Map.of("ZONE", "eu-1", "EMPTY", "");
    assertThat(CollectorTags.parse("a=1, zone=${ZONE}, b=${MISSING:def}, c=${EMPTY}, d=${EMPTY:x}", env::get))
        .containsExactly(KeyValue.string("a", "1"), KeyValue.string("zone", "eu-1"), KeyValue.string("b", "def"),
            KeyValue.string("d", "x"));
    assertThat(CollectorTags.parse("", env::get)).isEmpty();
  }

  @Test
  void collectorTags_parse_pairWithoutEquals_fails() {
    assertThatThrownBy(() -> CollectorTags.parse("a=1,broken", k -> null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("collector.tags");
  }

  @Test
  void serviceLabels_normalizeAndCap() {
    assertThat(ServiceLabels.normalize("My Svc/1.0-b")).isEqualTo("my_svc_1.0-b");
    assertThat(ServiceLabels.normalize("")).isEqualTo("__unknown");
    ServiceLabels labels = new ServiceLabels();
    for (int i = 0; i < ServiceLabels.MAX_SERVICES; i++) {
      assertThat(labels.label("s" + i)).isEqualTo("s" + i);
    }
    assertThat(labels.label("one-too-many")).isEqualTo("other-services");
    assertThat(labels.label("s7")).isEqualTo("s7");
  }

  @Test
  void options_outOfRangeRatio_resetToOne_andBadQueueSizeRejected() {
    assertThat(new PipelineOptions(1, 1, 0, false, List.of(), 1.5, "").downsamplingRatio()).isEqualTo(1);
    assertThat(new PipelineOptions(1, 1, 0, false, List.of(), 0.2, "").downsamplingSalt())
        .isEqualTo("downsampling-default-salt");
    assertThatThrownBy(() -> new PipelineOptions(0, 1, 0, false, List.of(), 1, ""))
        .hasMessage("collector.queue-size: 0 (expected: > 0)");
  }

  @Test
  void downsampler_matchesFnv1aReference() {
    // Independent FNV-1a 64 of "salt" ‖ 16 zero bytes, computed byte by byte here.
    long h = 0xcbf29ce484222325L;
    byte[] data = new byte[4 + 16];
    System.arraycopy("salt".getBytes(StandardCharsets.UTF_8), 0, data, 0, 4);
    for (byte b : data) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    BigInteger hash = new BigInteger(Long.toUnsignedString(h));
    BigInteger two64 = BigInteger.ONE.shiftLeft(64);
    double exactRatio = new BigDecimal(hash).divide(new BigDecimal(two64),
        MathContext.DECIMAL64).doubleValue();
    TraceId zero = TraceId.ZERO;
    assertThat(new Downsampler(Math.min(1, exactRatio + 1e-9), "salt").keep(zero)).isTrue();
    assertThat(new Downsampler(Math.max(0, exactRatio - 1e-9), "salt").keep(zero)).isFalse();
  }
}
