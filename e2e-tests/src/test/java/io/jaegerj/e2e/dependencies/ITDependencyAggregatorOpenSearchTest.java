// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.e2e.dependencies;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jaegerj.collector.CollectorMain;
import io.jaegerj.config.Flag;
import io.jaegerj.e2e.ui.Browser;
import io.jaegerj.query.QueryMain;
import io.jaegerj.server.BinarySpec;
import io.jaegerj.server.JaegerMain;
import io.jaegerj.storage.es.EsTestServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The dependency aggregator end to end on a real OpenSearch (child JVM, started once): two collectors with
 * {@code --dependencies.aggregator.enabled} receive OTLP traffic with known edges - whole traces, parents that arrive
 * after their child, and traces split between the two collectors in both directions, plus a retried request - and a
 * query service reads exactly the expected links and call counts from {@code /api/dependencies}. The batch job then
 * reads the same day's spans and finds the same links. Our UI's System Architecture page, in headless Chromium, draws
 * exactly those links with their call counts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ITDependencyAggregatorOpenSearchTest {
  private static final ObjectMapper JSON = AggregatorTraffic.JSON;
  private static final String PREFIX = "deps";

  private EsTestServer opensearch;

  @BeforeAll
  void startOpenSearch() throws Exception {
    opensearch = EsTestServer.start(EsTestServer.Kind.OPENSEARCH_2);
  }

  @AfterAll
  void stopOpenSearch() {
    if (opensearch != null) {
      opensearch.stop();
    }
  }

  @Test
  void twoCollectorsWithLateAndSplitParents_queryShowsExactCounts_andBatchJobAgrees() throws Exception {
    Map<String, String> env = Map.of("SPAN_STORAGE_TYPE", "opensearch");
    int otlp1 = AggregatorTraffic.freePort();
    int otlp2 = AggregatorTraffic.freePort();
    int queryHttp = AggregatorTraffic.freePort();
    long now = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis()) - TimeUnit.MINUTES.toNanos(1);
    int spans = 0;
    Map<String, Double> counters = new LinkedHashMap<>();
    try (JaegerMain.Running query = start(QueryMain.spec(), env, Map.of("query.http-server.host-port", queryHttp))) {
      JaegerMain.Running c1 = null;
      JaegerMain.Running c2 = null;
      try {
        c1 = start(CollectorMain.spec(), env, Map.of("collector.otlp.http.host-port", otlp1),
            "--dependencies.aggregator.enabled=true");
        c2 = start(CollectorMain.spec(), env, Map.of("collector.otlp.http.host-port", otlp2),
            "--dependencies.aggregator.enabled=true");
        spans = AggregatorTraffic.send(otlp1, otlp2);
        awaitSpanDocuments(spans, Duration.ofSeconds(60));
        // closing the collectors ends the windows: children whose parent went to the other collector are looked up
        // in OpenSearch, and each writes its record
        JaegerMain.Running first = c1;
        JaegerMain.Running second = c2;
        c1 = null;
        c2 = null;
        first.close();
        second.close();
        counters.putAll(AggregatorTraffic.counters(List.of(first.meters(), second.meters())));
      } finally {
        if (c1 != null) {
          c1.close();
        }
        if (c2 != null) {
          c2.close();
        }
      }
      Map<String, Long> expected = AggregatorTraffic.EXPECTED;
      assertThat(awaitDependencies(queryHttp, expected)).isEqualTo(expected);
      assertThat(systemArchitecturePage(queryHttp)).as("System Architecture page in Chromium").isEqualTo(expected);
      assertThat(counters).containsEntry("jaegerj_dependencies_calls", AggregatorTraffic.CALLS)
          .containsEntry("jaegerj_dependencies_duplicate_spans", AggregatorTraffic.DUPLICATE_SPANS)
          .containsEntry("jaegerj_dependencies_unresolved", 0.0)
          .containsEntry("jaegerj_dependencies_parents_looked_up", AggregatorTraffic.PARENTS_LOOKED_UP);
      assertThat(counters.get("jaegerj_dependencies_late_parents")).isGreaterThanOrEqualTo(2.0);
      assertThat(counters.get("jaegerj_dependencies_records_written")).isEqualTo(2.0);

      // Jaeger's document layout: daily index, timestamp string, links without source
      String index = PREFIX + "-jaeger-dependencies-" + LocalDate.now(ZoneOffset.UTC);
      JsonNode docs = es("POST", "/" + index + "/_search", "{\"size\":100}").path("hits").path("hits");
      assertThat(docs).hasSize(2);
      for (JsonNode d : docs) {
        JsonNode src = d.path("_source");
        assertThat(src.path("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
        for (JsonNode l : src.path("dependencies")) {
          assertThat(l.fieldNames()).toIterable().containsExactlyInAnyOrder("parent", "child", "callCount");
        }
      }

      // the batch job on the same day's spans, configured as spark-dependencies is
      LocalDate day = Instant.ofEpochMilli(TimeUnit.NANOSECONDS.toMillis(now)).atZone(ZoneOffset.UTC).toLocalDate();
      Map<String, String> jobEnv = Map.of("STORAGE", "opensearch",
          "ES_NODES", opensearch.url().replace("http://", ""), "ES_INDEX_PREFIX", PREFIX);
      AggregatorTraffic.assertBatchJobAgrees(jobEnv, day, spans, queryHttp, () -> es("POST",
          "/" + PREFIX + "-jaeger-dependencies-*/_refresh?ignore_unavailable=true&allow_no_indices=true", null));
    }
  }

  /**
   * Opens our UI's System Architecture page in headless Chromium and reads the drawn graph back: each edge path with
   * its call-count label, as "parent->child" to count. The page must draw exactly one node per service of those edges
   * and log no console error.
   */
  private static Map<String, Long> systemArchitecturePage(int queryPort) throws Exception {
    try (Browser browser = Browser.open()) {
      browser.get("http://127.0.0.1:" + queryPort + "/dependencies");
      browser.awaitPresent(By.cssSelector(".dep-graph path.edge"));
      @SuppressWarnings("unchecked")
      List<List<String>> edges = (List<List<String>>) browser.js(
          "return [...document.querySelectorAll('.dep-graph path.edge')].map(e => {"
              + " const l = e.nextElementSibling;"
              + " return [e.dataset.from, e.dataset.to,"
              + "  l && l.classList.contains('edge-label') ? l.textContent : ''];"
              + "});");
      Set<String> nodes = new HashSet<>();
      for (WebElement n : browser.driver.findElements(By.cssSelector(".dep-graph g.node"))) {
        nodes.add(n.getAttribute("data-id"));
      }
      Map<String, Long> drawn = new TreeMap<>();
      Set<String> services = new HashSet<>();
      for (List<String> e : edges) {
        assertThat(e.get(2)).as("call-count label of %s->%s", e.get(0), e.get(1)).matches("\\d+");
        drawn.merge(e.get(0) + "->" + e.get(1), Long.parseLong(e.get(2)), Long::sum);
        services.add(e.get(0));
        services.add(e.get(1));
      }
      assertThat(nodes).as("service nodes").isEqualTo(services);
      browser.screenshot("dependencies-aggregator-opensearch");
      assertThat(browser.takeConsoleErrors()).as("console errors").isEmpty();
      return drawn;
    }
  }

  private JaegerMain.Running start(BinarySpec spec, Map<String, String> env, Map<String, Integer> ports,
      String... extra) throws Exception {
    List<String> args = new ArrayList<>();
    for (Flag f : JaegerMain.flags(spec, env)) {
      if (f.type() == Flag.Type.HOST_PORT && !f.defaultValue().isEmpty()) {
        Integer port = ports.get(f.name());
        args.add("--" + f.name() + "=127.0.0.1:" + (port != null ? port : AggregatorTraffic.freePort()));
      }
    }
    args.add("--es.server-urls=" + opensearch.url());
    args.add("--es.index-prefix=" + PREFIX);
    args.add("--es.num-shards=1");
    args.add("--es.num-replicas=0");
    args.addAll(List.of(extra));
    return JaegerMain.start(spec, args.toArray(String[]::new), env);
  }

  private void awaitSpanDocuments(long expected, Duration timeout) throws Exception {
    assertThat(opensearch.awaitCount(PREFIX + "-jaeger-span-*", expected, timeout))
        .as("span documents stored (or the last answer of _count)").isEqualTo(Long.toString(expected));
  }

  private Map<String, Long> awaitDependencies(int port, Map<String, Long> expected) throws Exception {
    return AggregatorTraffic.awaitDependencies(port, expected, Duration.ofSeconds(30), () -> es("POST",
        "/" + PREFIX + "-jaeger-dependencies-*/_refresh?ignore_unavailable=true&allow_no_indices=true", null));
  }

  private JsonNode es(String method, String path, String body) throws Exception {
    HttpResponse<String> r = opensearch.request(method, path, body);
    assertThat(r.statusCode()).as("%s %s: %s", method, path, r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }
}
