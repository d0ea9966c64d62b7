// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.TraceId;
import io.jaegerj.storage.SamplingStore;
import io.jaegerj.storage.StorageFactory;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What the backend sends on the wire per detected version, checked on a recording HTTP server. */
class EsRequestsTest {
  private static final long START = 1741340000123456L; // 2025-03-07T09:33:20Z

  private static Span span() {
    return Span.builder().traceId(new TraceId(0, 0x6a1c0e2f5d3b4a19L)).spanId(5).operationName("GET /cart")
        .startTimeMicros(START).durationMicros(10).addTag(KeyValue.string("span.kind", "server"))
        .process(Process.of("cart")).build();
  }

  @Test
  void elasticsearch8_usesComposableTemplatesWithPriority() throws Exception {
    try (RecordingServer es = new RecordingServer(RecordingServer.esRoot("8.17.4"));
         StorageFactory f = EsConformanceSupport.open(es.url(), Map.of(
             "es.index-prefix", "prod", "es.prioirity-span-template", "7", "es.prioirity-service-template", "3"))) {
      JsonNode span = EsClient.JSON.readTree(es.find("PUT", "/_index_template/prod-jaeger-span").body());
      assertThat(span.path("priority").asInt()).isEqualTo(7);
      assertThat(span.path("index_patterns").asText()).isEqualTo("prod-jaeger-span-*");
      JsonNode settings = span.path("template").path("settings");
      assertThat(settings.path("index.number_of_shards").asInt()).isEqualTo(1);
      assertThat(settings.path("index.mapping.nested_fields.limit").asInt()).isEqualTo(50);
      JsonNode props = span.path("template").path("mappings").path("properties");
      assertThat(props.path("tags").path("type").asText()).isEqualTo("nested");
      assertThat(props.path("startTimeMillis").path("format").asText()).isEqualTo("epoch_millis");
      assertThat(props.path("process").path("properties").path("tags").path("type").asText()).isEqualTo("nested");
      assertThat(span.path("template").path("mappings").path("dynamic_templates").toString())
          .contains("\"path_match\":\"tag.*\"").contains("\"path_match\":\"process.tag.*\"");
      JsonNode service = EsClient.JSON.readTree(es.find("PUT", "/_index_template/prod-jaeger-service").body());
      assertThat(service.path("priority").asInt()).isEqualTo(3);
      assertThat(service.path("template").path("mappings").path("properties").path("serviceName").path("type")
          .asText()).isEqualTo("keyword");
      JsonNode tenants = EsClient.JSON.readTree(es.find("PUT", "/_index_template/prod-jaeger-span-tenants").body());
      assertThat(tenants.path("index_patterns").toString())
          .isEqualTo("[\"tenant-*-prod-jaeger-span-*\",\"tenanth-*-prod-jaeger-span-*\"]");
      assertThat(tenants.path("priority").asInt()).isEqualTo(7);
      assertThat(tenants.path("template").path("mappings")).isEqualTo(span.path("template").path("mappings"));

      JsonNode sampling = EsClient.JSON.readTree(es.find("PUT", "/_index_template/prod-jaeger-sampling").body());
      assertThat(sampling.path("index_patterns").asText()).isEqualTo("prod-jaeger-sampling-*");
      assertThat(sampling.path("priority").asInt()).isZero();
      assertThat(sampling.path("template").path("settings").path("index.requests.cache.enable").asBoolean())
          .isFalse();

      f.spanWriter().write("", List.of(span())).toCompletableFuture().get(10, TimeUnit.SECONDS);
      String bulk = es.find("POST", "/_bulk").body();
      assertThat(bulk.split("\n")).hasSize(4);
      assertThat(bulk).startsWith("{\"index\":{\"_index\":\"prod-jaeger-service-2025-03-07\",\"_id\":\"")
          .contains("{\"index\":{\"_index\":\"prod-jaeger-span-2025-03-07\"}}\n")
          .contains("{\"serviceName\":\"cart\",\"operationName\":\"GET /cart\"}")
          .doesNotContain("_type");
    }
  }

  @Test
  void elasticsearch7_usesLegacyTemplatesWithLeadingWildcard() throws Exception {
    try (RecordingServer es = new RecordingServer(RecordingServer.esRoot("7.17.28"));
         StorageFactory f = EsConformanceSupport.open(es.url(), Map.of("es.index-prefix", "prod-"))) {
      JsonNode span = EsClient.JSON.readTree(es.find("PUT", "/_template/prod-jaeger-span").body());
      assertThat(span.path("index_patterns").asText()).isEqualTo("*prod-jaeger-span-*");
      assertThat(span.has("priority")).isFalse();
      // Jaeger's v7 sampling and dependencies templates ignore the prefix
      assertThat(EsClient.JSON.readTree(es.find("PUT", "/_template/prod-jaeger-sampling").body())
          .path("index_patterns").asText()).isEqualTo("*jaeger-sampling-*");
      assertThat(span.path("mappings").path("properties").path("logs").path("properties").path("fields")
          .path("type").asText()).isEqualTo("nested");
    }
  }

  @Test
  void elasticsearch6_bulkActionsCarryTypes() throws Exception {
    try (RecordingServer es = new RecordingServer(RecordingServer.esRoot("6.8.23"));
         StorageFactory f = EsConformanceSupport.open(es.url(), Map.of("es.create-index-templates", "false"))) {
      f.spanWriter().write("", List.of(span())).toCompletableFuture().get(10, TimeUnit.SECONDS);
      String bulk = es.find("POST", "/_bulk").body();
      assertThat(bulk).contains("\"_type\":\"service\"").contains("\"_type\":\"span\"");
      assertThat(es.requests).noneMatch(r -> r.uri().contains("template"));
    }
  }

  @Test
  void versionFlag_skipsDetection() throws Exception {
    try (RecordingServer es = new RecordingServer(RecordingServer.esRoot("7.17.28"));
         StorageFactory f = EsConformanceSupport.open(es.url(), Map.of("es.version", "8"))) {
      assertThat(es.requests).noneMatch(r -> r.method().equals("GET") && r.uri().equals("/"));
      // the start-up health check is still made
      assertThat(es.requests).anyMatch(r -> r.method().equals("HEAD") && r.uri().equals("/"));
      es.find("PUT", "/_index_template/jaeger-span");
    }
  }

  @Test
  void disableHealthCheck_noRequestToRoot() throws Exception {
    try (RecordingServer es = new RecordingServer(RecordingServer.esRoot("7.17.28"));
         StorageFactory f = EsConformanceSupport.open(es.url(),
             Map.of("es.version", "7", "es.disable-health-check", "true"))) {
      f.check();
      assertThat(es.requests).noneMatch(r -> r.uri().equals("/"));
      es.find("PUT", "/_template/jaeger-span");
    }
  }

  @Test
  void healthCheck_noServer_failsToOpen() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    assertThatThrownBy(() -> EsConformanceSupport.open("http://127.0.0.1:" + port, Map.of("es.version", "7")))
        .hasMessageContaining("health check timeout: no Elasticsearch node available");
  }

  @Test
  void serviceDocs_areWrittenOncePerIndexWithinTtl() throws Exception {
    try (RecordingServer es = new RecordingServer(RecordingServer.esRoot("7.10.2"));
         StorageFactory f = EsConformanceSupport.open(es.url(), Map.of("es.create-index-templates", "false"))) {
      f.spanWriter().write("", List.of(span(), span())).toCompletableFuture().get(10, TimeUnit.SECONDS);
      f.spanWriter().write("", List.of(span())).toCompletableFuture().get(10, TimeUnit.SECONDS);
      long serviceActions = es.requests.stream().filter(r -> r.uri().startsWith("/_bulk"))
          .flatMap(r -> r.body().lines()).filter(l -> l.contains("jaeger-service-")).count();
      long spanActions = es.requests.stream().filter(r -> r.uri().startsWith("/_bulk"))
          .flatMap(r -> r.body().lines()).filter(l -> l.contains("jaeger-span-")).count();
      assertThat(serviceActions).isEqualTo(1);
      assertThat(spanActions).isEqualTo(3);
    }
  }

  @Test
  void samplingDocuments_useJaegersFieldNames() throws Exception {
    try (RecordingServer es = new RecordingServer(RecordingServer.esRoot("7.17.28"));
         StorageFactory f = EsConformanceSupport.open(es.url(), Map.of("es.create-index-templates", "false"))) {
      SamplingStore s = f.samplingStore().orElseThrow();
      s.insertThroughput(List.of(new SamplingStore.Throughput("svc", "GET", 12, List.of(0.5))));
      s.insertProbabilitiesAndQps("host-1", Map.of("svc", Map.of("GET", 0.25)), Map.of("svc", Map.of("GET", 4.0)));

      List<String> lines = es.requests.stream().filter(r -> r.uri().startsWith("/_bulk?refresh=wait_for"))
          .flatMap(r -> r.body().lines()).toList();
      assertThat(lines).hasSize(4);
      assertThat(lines.get(0)).matches("\\{\"index\":\\{\"_index\":\"jaeger-sampling-\\d{4}-\\d{2}-\\d{2}\"}}");
      JsonNode throughput = EsClient.JSON.readTree(lines.get(1));
      assertThat(throughput.path("throughputs").toString())
          .isEqualTo("{\"Service\":\"svc\",\"Operation\":\"GET\",\"Count\":12,\"Probabilities\":{\"0.5\":{}}}");
      assertThat(throughput.path("timestamp").asText()).endsWith("Z");
      assertThat(EsClient.JSON.readTree(lines.get(3)).path("probabilitiesandqps").toString())
          .isEqualTo("{\"Hostname\":\"host-1\",\"Probabilities\":{\"svc\":{\"GET\":0.25}},"
              + "\"QPS\":{\"svc\":{\"GET\":4}}}");
      assertThat(s.acquireLeaderLock("host-1", 1000)).isTrue();
    }
  }

  @Test
  void versionOf_treatsOpenSearchAsSeven() throws Exception {
    assertThat(EsClient.versionOf(EsClient.JSON.readTree(
        "{\"version\":{\"distribution\":\"opensearch\",\"number\":\"2.19.1\"},"
            + "\"tagline\":\"The OpenSearch Project: https://opensearch.org/\"}"))).isEqualTo(7);
    assertThat(EsClient.versionOf(EsClient.JSON.readTree(
        "{\"version\":{\"number\":\"3.8.0\"},\"tagline\":\"The OpenSearch Project\"}"))).isEqualTo(7);
    assertThat(EsClient.versionOf(EsClient.JSON.readTree(RecordingServer.esRoot("9.0.0")))).isEqualTo(9);
    assertThat(EsClient.versionOf(EsClient.JSON.readTree(RecordingServer.esRoot("8.1.0")))).isEqualTo(8);
  }
}
