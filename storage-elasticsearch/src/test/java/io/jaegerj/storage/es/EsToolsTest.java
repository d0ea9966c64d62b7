// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EsToolsTest {
  private static final ZonedDateTime NOW = ZonedDateTime.of(2025, 3, 7, 13, 45, 30, 0, ZoneOffset.UTC);

  private static String ref(String unit, int count) {
    return Instant.ofEpochMilli(EsRollover.referenceMillis(unit, count, NOW)).toString();
  }

  @Test
  void referenceMillis_followsJaegersUnits() {
    assertThat(ref("minutes", 5)).isEqualTo("2025-03-07T13:40:00Z");
    assertThat(ref("hours", 2)).isEqualTo("2025-03-07T11:00:00Z");
    assertThat(ref("days", 1)).isEqualTo("2025-03-07T00:00:00Z");
    assertThat(ref("weeks", 1)).isEqualTo("2025-03-01T00:00:00Z");
    assertThat(ref("months", 2)).isEqualTo("2025-01-07T00:00:00Z");
    assertThat(ref("years", 1)).isEqualTo("2024-03-07T00:00:00Z");
    assertThat(ref("fortnights", 10)).isEqualTo("2025-03-07T13:45:20Z");
  }

  @Test
  void toolArgs_cliThenEnvThenDefault() {
    ToolArgs a = new ToolArgs(new String[] {"--archive", "--shards", "3", "init", "http://h:9200"},
        Map.of("SHARDS", "9", "REPLICAS", "0", "ES_ILM_POLICY_NAME", "p"), EsRollover.FLAGS);
    assertThat(a.positional).containsExactly("init", "http://h:9200");
    assertThat(a.bool("archive")).isTrue();
    assertThat(a.integer("shards")).isEqualTo(3);
    assertThat(a.integer("replicas")).isZero();
    assertThat(a.get("es.ilm-policy-name")).isEqualTo("p");
    assertThat(a.get("conditions")).isEqualTo("{\"max_age\": \"2d\"}");
    assertThatThrownBy(() -> new ToolArgs(new String[] {"--nope=1"}, Map.of(), EsRollover.FLAGS))
        .hasMessage("unknown flag: --nope");
  }

  @Test
  void cleanerPattern_matchesDatedRolloverOrArchiveNames() {
    assertThat(EsIndexCleaner.pattern("p-", false, false, "-").matcher("p-jaeger-span-2025-03-07-13").lookingAt())
        .isTrue();
    assertThat(EsIndexCleaner.pattern("p-", false, false, "-").matcher("jaeger-span-2025-03-07").lookingAt())
        .isFalse();
    assertThat(EsIndexCleaner.pattern("", false, true, "-").matcher("jaeger-dependencies-000003").lookingAt())
        .isTrue();
    assertThat(EsIndexCleaner.pattern("", true, false, "-").matcher("jaeger-span-000003").lookingAt()).isFalse();
    assertThat(EsIndexCleaner.pattern("", true, false, "-").matcher("jaeger-span-archive-000003").lookingAt())
        .isTrue();
  }

  @Test
  void cleaner_requiresBothArguments() {
    assertThatThrownBy(() -> EsIndexCleaner.run(new String[] {"3"}, Map.of(), Instant.now()))
        .hasMessageContaining("usage: es-index-cleaner");
    assertThatThrownBy(() -> EsRollover.run(new String[] {"grow", "http://h"}, Map.of(), ZoneOffset.UTC))
        .hasMessageContaining("usage: es-rollover");
  }
}
