// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** es-rollover and es-index-cleaner against a real OpenSearch 2.19.1; each case uses its own index prefix. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ITEsTools {
  private EsTestServer server;
  private EsClient client;

  @BeforeAll
  void start() throws Exception {
    server = EsTestServer.start(EsTestServer.Kind.OPENSEARCH_2);
    client = new EsClient(List.of(server.url()), "", "", Duration.ofSeconds(30), null);
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.stop();
    }
  }

  private void rollover(String... args) throws Exception {
    String[] all = new String[args.length + 3];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--replicas=0";
    all[args.length + 1] = "--shards=1";
    all[args.length + 2] = server.url();
    EsRollover.run(all, Map.of(), ZoneOffset.UTC);
  }

  private Map<String, JsonNode> indices(String prefix) throws Exception {
    return EsRollover.listIndices(client, prefix);
  }

  private static boolean hasAlias(Map<String, JsonNode> indices, String index, String alias) {
    return indices.get(index).path("aliases").has(alias);
  }

  @Test
  void init_createsFirstIndicesAliasesAndTemplates() throws Exception {
    rollover("init", "--index-prefix=ti");
    rollover("init", "--index-prefix=ti");

    Map<String, JsonNode> idx = indices("ti-");
    assertThat(idx).containsOnlyKeys("ti-jaeger-span-000001", "ti-jaeger-service-000001",
        "ti-jaeger-dependencies-000001");
    for (String set : List.of("span", "service", "dependencies")) {
      String name = "ti-jaeger-" + set;
      assertThat(hasAlias(idx, name + "-000001", name + "-read")).isTrue();
      assertThat(hasAlias(idx, name + "-000001", name + "-write")).isTrue();
    }
    assertThat(client.send("GET", "/_template/ti-jaeger-span", null, "application/json").status()).isEqualTo(200);
    assertThat(client.json("GET", "/ti-jaeger-span-000001/_mapping", null)
        .path("ti-jaeger-span-000001").path("mappings").path("properties").path("tags").path("type").asText())
        .isEqualTo("nested");
  }

  @Test
  void init_withIlmOnOpenSearch_failsBecauseThePolicyApiIsMissing() {
    assertThatThrownBy(() -> rollover("init", "--index-prefix=tilm", "--es.use-ilm"))
        .hasMessageContaining("jaeger-ilm-policy");
  }

  @Test
  void rollover_movesWriteAlias_andLookbackDropsOldIndexFromReadAlias() throws Exception {
    rollover("init", "--index-prefix=tr", "--skip-dependencies", "--adaptive-sampling");
    client.json("POST", "/tr-jaeger-span-write/_doc?refresh=true", Map.of("traceID", "01"));

    rollover("rollover", "--index-prefix=tr", "--skip-dependencies", "--adaptive-sampling",
        "--conditions={\"max_docs\": 1}");

    Map<String, JsonNode> idx = indices("tr-");
    assertThat(idx).containsOnlyKeys("tr-jaeger-span-000001", "tr-jaeger-span-000002",
        "tr-jaeger-service-000001", "tr-jaeger-sampling-000001");
    assertThat(hasAlias(idx, "tr-jaeger-span-000001", "tr-jaeger-span-write")).isFalse();
    assertThat(hasAlias(idx, "tr-jaeger-span-000002", "tr-jaeger-span-write")).isTrue();
    assertThat(hasAlias(idx, "tr-jaeger-span-000001", "tr-jaeger-span-read")).isTrue();
    assertThat(hasAlias(idx, "tr-jaeger-span-000002", "tr-jaeger-span-read")).isTrue();
    assertThat(hasAlias(idx, "tr-jaeger-service-000001", "tr-jaeger-service-write")).isTrue();

    Thread.sleep(1100);
    rollover("lookback", "--index-prefix=tr", "--skip-dependencies", "--unit=seconds", "--unit-count=0");

    idx = indices("tr-");
    assertThat(hasAlias(idx, "tr-jaeger-span-000001", "tr-jaeger-span-read")).isFalse();
    assertThat(hasAlias(idx, "tr-jaeger-span-000002", "tr-jaeger-span-read")).isTrue();
    // an index that still takes writes keeps its read alias
    assertThat(hasAlias(idx, "tr-jaeger-service-000001", "tr-jaeger-service-read")).isTrue();
  }

  @Test
  void rollover_archive_handlesOnlyTheArchiveSet() throws Exception {
    rollover("init", "--index-prefix=ta", "--archive");
    assertThat(indices("ta-")).containsOnlyKeys("ta-jaeger-span-archive-000001");
  }

  @Test
  void cleaner_deletesExactlyExpiredIndicesOfTheSelectedKind() throws Exception {
    for (String index : List.of("tc-jaeger-span-2020-01-01", "tc-jaeger-service-2020-01-01",
        "tc-jaeger-span-2020.01.02", "tc-jaeger-span-000001", "tc-jaeger-span-000002", "tc-other-2020-01-01")) {
      client.json("PUT", "/" + index, Map.of("settings", Map.of("number_of_replicas", 0, "number_of_shards", 1)));
    }
    client.json("POST", "/_aliases", Map.of("actions", List.of(
        Map.of("add", Map.of("index", "tc-jaeger-span-000001", "alias", "tc-jaeger-span-write")))));
    Instant now = Instant.now();

    assertThat(EsIndexCleaner.run(new String[] {"--index-prefix=tc", "1", server.url()}, Map.of(), now)).isEmpty();
    assertThat(EsIndexCleaner.run(new String[] {"0", server.url()}, Map.of("INDEX_PREFIX", "tc"), now))
        .containsExactlyInAnyOrder("tc-jaeger-span-2020-01-01", "tc-jaeger-service-2020-01-01");
    assertThat(EsIndexCleaner.run(new String[] {"--index-prefix", "tc", "--index-date-separator=.", "0",
        server.url()}, Map.of(), now)).containsExactly("tc-jaeger-span-2020.01.02");
    assertThat(EsIndexCleaner.run(new String[] {"--index-prefix=tc", "--rollover", "0", server.url()}, Map.of(),
        now)).containsExactly("tc-jaeger-span-000002");

    assertThat(indices("tc-")).containsOnlyKeys("tc-jaeger-span-000001");
    assertThat(client.send("HEAD", "/tc-other-2020-01-01", null, "application/json").status()).isEqualTo(200);
  }
}
