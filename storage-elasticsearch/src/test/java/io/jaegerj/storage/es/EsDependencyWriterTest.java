// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.jaegerj.config.Settings;
import io.jaegerj.model.DependencyLink;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Jaeger's dependencies document and index names, as spark-dependencies writes them. */
class EsDependencyWriterTest {
  private static EsDependencyWriter writer(Map<String, String> overrides) {
    EsConfig c = EsConfig.from(Settings.defaults(EsFlags.all(), new HashMap<>(overrides)), "es");
    return new EsDependencyWriter(null, c, new IndexNames(c), 7);
  }

  private static long micros(String instant) {
    Instant i = Instant.parse(instant);
    return i.getEpochSecond() * 1_000_000 + i.getNano() / 1000;
  }

  @Test
  void index_dailyByTimestampWithPrefixSeparatorOrAlias() {
    assertThat(writer(Map.of("es.index-prefix", "prod")).index(micros("2025-03-07T23:59:59Z")))
        .isEqualTo("prod-jaeger-dependencies-2025-03-07");
    // hourly span indices do not make dependencies hourly
    assertThat(writer(Map.of("es.index-date-separator", ".", "es.index-rollover-frequency-spans", "hour"))
        .index(micros("2025-03-07T13:00:00Z"))).isEqualTo("jaeger-dependencies-2025.03.07");
    assertThat(writer(Map.of("es.use-aliases", "true")).index(1)).isEqualTo("jaeger-dependencies-write");
  }

  @Test
  void document_timestampInGoRfc3339AndLinksWithoutSource() {
    JsonNode d = EsDependencyWriter.document(micros("2025-03-07T00:00:00Z"),
        List.of(new DependencyLink("a", "b", 3, "jaeger"), new DependencyLink("b", "c", 1)));
    assertThat(d.toString()).isEqualTo("{\"timestamp\":\"2025-03-07T00:00:00Z\",\"dependencies\":["
        + "{\"parent\":\"a\",\"child\":\"b\",\"callCount\":3},{\"parent\":\"b\",\"child\":\"c\",\"callCount\":1}]}");
    assertThat(EsDependencyWriter.document(micros("2025-03-07T10:11:12.345600Z"), List.of()).path("timestamp")
        .asText()).isEqualTo("2025-03-07T10:11:12.3456Z");
    assertThat(EsDependencyWriter.rfc3339Nano(micros("2025-03-07T10:11:12.100Z"))).isEqualTo("2025-03-07T10:11:12.1Z");
  }

  @Test
  void index_otherTenantsBehindTheirOwnPrefix_sameNamesTheReaderReads() {
    EsDependencyWriter w = writer(Map.of("es.index-prefix", "prod"));
    long ts = micros("2025-03-07T12:00:00Z");
    assertThat(w.index("acme", ts)).isEqualTo("tenant-acme-prod-jaeger-dependencies-2025-03-07");
    assertThat(w.index("Acme", ts)).isEqualTo("tenant-_41cme-prod-jaeger-dependencies-2025-03-07");
    assertThat(w.index("", ts)).isEqualTo("prod-jaeger-dependencies-2025-03-07");
    EsConfig c = EsConfig.from(Settings.defaults(EsFlags.all(), new HashMap<>(Map.of("es.index-prefix", "prod"))), "es");
    assertThat(new IndexNames(c).forTenant("acme").dependencyReadIndices(ts, ts)).containsExactly(w.index("acme", ts));
  }

  @Test
  void otherTenantsRefusedWithAliasesAndEmptyLinksWriteNothing() throws Exception {
    EsDependencyWriter aliases = writer(Map.of("es.use-aliases", "true"));
    assertThatThrownBy(() -> aliases.writeDependencies("acme", 1, List.of(new DependencyLink("a", "b", 1))))
        .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("\"acme\"")
        .hasMessageContaining("es.use-aliases");
    EsDependencyWriter w = writer(Map.of());
    w.writeDependencies("", 1, List.of()); // no client: would fail if it sent anything
    w.writeDependencies("acme", 1, List.of());
  }
}
