// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.e2e.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.model.Span;
import io.jaegerj.model.SpanId;
import io.jaegerj.model.TraceId;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web UI in real headless Chromium against a running all-in-one holding traces that came in through the
 * collector: search, timeline, span detail, compare, dependencies, monitor empty state, 404, big-trace rendering.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class UiEndToEndTest {
  private UiServer server;
  private Browser browser;
  private UiTraces traces;

  @BeforeAll
  void start() throws Exception {
    server = AllInOne.start("/");
    traces = new UiTraces(42, System.currentTimeMillis() * 1000);
    List<Span> all = new ArrayList<>(traces.spansA);
    all.addAll(traces.spansB);
    server.ingest(all);
    server.ingest(traces.bigSpans);
    System.out.println("UI e2e: test traces ingested through the " + server.ingestRoute());
    browser = Browser.open();
  }

  @AfterEach
  void noConsoleErrors() {
    if (browser != null) {
      assertThat(browser.takeConsoleErrors()).as("errors in the browser console").isEmpty();
    }
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private String url(String rel) {
    return server.baseUrl() + rel;
  }

  private void openTrace(String rel) {
    browser.get(url(rel));
    browser.awaitPresent(By.cssSelector("#trace-page[data-ready='true']"));
  }

  private Set<String> renderedSpanIds() {
    Set<String> ids = new HashSet<>();
    for (WebElement row : browser.driver.findElements(By.cssSelector("#tl-viewport .tl-row"))) {
      ids.add(row.getAttribute("data-span-id"));
    }
    return ids;
  }

  private static Set<String> spanIds(List<Span> spans) {
    Set<String> ids = new HashSet<>();
    for (Span s : spans) {
      ids.add(SpanId.toString(s.spanId()));
    }
    return ids;
  }

  @Test
  void search_findsTheTracesOfAService() {
    browser.get(url("search"));
    WebElement service = browser.await(By.id("search-service"));
    new WebDriverWait(browser.driver, Duration.ofSeconds(20))
        .until(d -> !d.findElements(By.cssSelector("#search-service option[value='frontend']")).isEmpty());
    new Select(service).selectByValue("frontend");
    browser.await(By.id("search-submit")).click();
    browser.awaitPresent(By.cssSelector(".result-item[data-trace-id='" + traces.traceA + "']"));
    browser.awaitPresent(By.cssSelector(".result-item[data-trace-id='" + traces.traceB + "']"));
    assertThat(browser.driver.getCurrentUrl()).contains("service=frontend").contains("start=").contains("end=").contains("limit=20");
    assertThat(browser.driver.findElements(By.cssSelector("#scatter-plot circle.dot"))).hasSize(2);
    WebElement itemA = browser.driver.findElement(By.cssSelector(".result-item[data-trace-id='" + traces.traceA + "']"));
    assertThat(itemA.getText()).contains("frontend: HTTP GET /dispatch").contains("4 Spans").contains("1 Error")
        .contains("frontend (1)").contains("api (1)").contains("mysql (1)").contains("redis (1)");
    browser.screenshot("search-results");

    new Select(browser.driver.findElement(By.id("search-sort"))).selectByValue("MOST_SPANS");
    List<WebElement> items = browser.driver.findElements(By.cssSelector(".result-item"));
    assertThat(items.get(0).getAttribute("data-trace-id")).isEqualTo(traces.traceB.toString());

    itemA = browser.driver.findElement(By.cssSelector(".result-item[data-trace-id='" + traces.traceA + "'] .result-link"));
    itemA.click();
    browser.awaitPresent(By.cssSelector("#trace-page[data-ready='true']"));
    assertThat(browser.driver.getCurrentUrl()).endsWith("/trace/" + traces.traceA);
  }

  @Test
  void searchUrl_isDeepLinkable() {
    browser.get(url("search?service=api&operation=HTTP%20GET%20%2Froute&lookback=1h&limit=20"));
    browser.awaitPresent(By.cssSelector(".result-item[data-trace-id='" + traces.traceB + "']"));
    assertThat(browser.driver.findElements(By.cssSelector(".result-item"))).hasSize(1);
  }

  @Test
  void timeline_rendersEverySpanWithHeader() {
    openTrace("trace/" + traces.traceB);
    assertThat(renderedSpanIds()).isEqualTo(spanIds(traces.spansB));
    assertThat(browser.driver.findElement(By.id("summary-spans")).getText()).isEqualTo("5");
    assertThat(browser.driver.findElement(By.id("summary-services")).getText()).isEqualTo("3");
    assertThat(browser.driver.findElement(By.id("summary-depth")).getText()).isEqualTo("3");
    assertThat(browser.driver.findElement(By.id("trace-title")).getText()).contains("frontend: HTTP GET /dispatch");
    assertThat(browser.driver.findElements(By.cssSelector(".tl-critical"))).isNotEmpty();
    browser.screenshot("trace-timeline");
  }

  @Test
  void spanDetail_showsTagsProcessAndLogs() {
    openTrace("trace/" + traces.traceA + "?uiFind=" + SpanId.toString(traces.dbSpanOfA));
    WebElement detail = browser.await(By.id("span-detail"));
    assertThat(browser.driver.findElement(By.id("detail-operation")).getText()).isEqualTo("SQL SELECT");
    assertThat(browser.driver.findElement(By.id("detail-service")).getText()).isEqualTo("mysql");
    assertThat(detail.findElement(By.cssSelector("#detail-tags")).getText())
        .contains("db.statement").contains("SELECT * FROM customer WHERE id=123");
    WebElement logs = detail.findElement(By.cssSelector("#detail-logs"));
    assertThat(logs.getText()).contains("cache-miss");
    browser.js("document.querySelectorAll('#detail-logs details, #detail-process').forEach(d => d.open = true)");
    assertThat(logs.getText()).contains("customer:123");
    assertThat(detail.findElement(By.cssSelector("#detail-process")).getText()).contains("hostname").contains("db-1");
    assertThat(browser.driver.findElement(By.cssSelector(".tl-row.selected")).getAttribute("data-span-id"))
        .isEqualTo(SpanId.toString(traces.dbSpanOfA));
    browser.screenshot("trace-span-detail");
  }

  @Test
  void keyboard_collapsesAndExpandsTheTree() {
    openTrace("trace/" + traces.traceA);
    WebElement viewport = browser.driver.findElement(By.id("tl-viewport"));
    viewport.click();
    viewport.sendKeys("]");
    assertThat(renderedSpanIds()).hasSize(1);
    viewport.sendKeys("[");
    assertThat(renderedSpanIds()).hasSize(traces.spansA.size());
    viewport.sendKeys(Keys.ARROW_DOWN, Keys.ENTER);
    assertThat(browser.await(By.id("detail-operation")).getText()).isEqualTo("HTTP GET /customer");
  }

  @Test
  void alternateViews_graphStatisticsAndJson() {
    openTrace("trace/" + traces.traceA + "?view=graph");
    assertThat(browser.driver.findElements(By.cssSelector("#trace-graph g.node"))).hasSize(4);
    browser.screenshot("trace-graph");
    new Select(browser.driver.findElement(By.id("trace-view"))).selectByValue("statistics");
    String stats = browser.await(By.id("stats-table")).getText();
    assertThat(stats).contains("frontend").contains("api").contains("mysql").contains("redis");
    browser.screenshot("trace-statistics");
    assertThat(browser.driver.findElement(By.id("link-json")).getAttribute("href"))
        .endsWith("api/traces/" + traces.traceA + "?prettyPrint=true");
    assertThat(browser.driver.findElement(By.id("link-json-raw")).getAttribute("href"))
        .endsWith("api/traces/" + traces.traceA + "?raw=true&prettyPrint=true");
  }

  @Test
  void navLookup_opensTheTrace() {
    browser.get(url("search"));
    WebElement box = browser.await(By.name("idLookup"));
    box.sendKeys(traces.traceA.toString(), Keys.ENTER);
    browser.awaitPresent(By.cssSelector("#trace-page[data-ready='true']"));
    assertThat(browser.driver.getCurrentUrl()).endsWith("/trace/" + traces.traceA);
  }

  @Test
  void compare_showsStructuralDiff() {
    browser.get(url("trace/" + traces.traceA + "..." + traces.traceB));
    WebElement table = browser.await(By.id("diff-table"));
    assertThat(browser.driver.findElements(By.cssSelector("#diff-table .diff-only-a")))
        .extracting(WebElement::getText).anySatisfy(t -> assertThat(t).contains("redis").contains("GetDriver"));
    assertThat(browser.driver.findElements(By.cssSelector("#diff-table .diff-only-b")))
        .extracting(WebElement::getText).anySatisfy(t -> assertThat(t).contains("HTTP GET /route").contains("2"));
    assertThat(browser.driver.findElements(By.cssSelector("#diff-table .diff-same"))).hasSize(3);
    assertThat(browser.driver.findElement(By.id("diff-summary")).getText())
        .contains("1 only in A").contains("1 only in B").contains("3 identical");
    assertThat(table.isDisplayed()).isTrue();
    browser.screenshot("compare");
  }

  @Test
  void dependencies_drawsServiceNodesAndEdges() {
    browser.get(url("dependencies"));
    browser.awaitPresent(By.cssSelector(".dep-graph g.node"));
    List<String> nodes = new ArrayList<>();
    for (WebElement n : browser.driver.findElements(By.cssSelector(".dep-graph g.node"))) {
      nodes.add(n.getAttribute("data-id"));
    }
    assertThat(nodes).contains("frontend", "api", "mysql", "redis");
    assertThat(browser.driver.findElements(By.cssSelector(".dep-graph path.edge[data-from='api'][data-to='mysql']"))).hasSize(1);
    browser.screenshot("dependencies");
  }

  @Test
  void monitor_showsEmptyStateWhenMetricsAreDisabled() {
    browser.get(url("monitor"));
    WebElement empty = browser.await(By.id("monitor-empty"));
    assertThat(empty.getText()).contains("Get started with Service Performance Monitoring");
    browser.screenshot("monitor-empty");
  }

  @Test
  void unknownTrace_showsClearNotFoundMessage() {
    String missing = new TraceId(0x0123456789abcdefL, 0x0fedcba987654321L).toString();
    browser.get(url("trace/" + missing));
    WebElement error = browser.await(By.id("trace-error"));
    assertThat(error.getText()).contains("Trace not found").contains(missing);
    browser.screenshot("trace-not-found");
  }

  @Test
  void upload_showsTracesFromAJaegerJsonFile() throws Exception {
    String json = HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(URI.create(url("api/traces/" + traces.traceA))).build(), HttpResponse.BodyHandlers.ofString())
        .body();
    Path file = Files.createTempFile("ui-upload", ".json");
    Files.writeString(file, json, StandardCharsets.UTF_8);
    try {
      browser.get(url("search"));
      browser.await(By.id("tab-upload")).click();
      browser.awaitPresent(By.id("upload-input"));
      browser.driver.findElement(By.id("upload-input")).sendKeys(file.toAbsolutePath().toString());
      browser.awaitPresent(By.cssSelector(".result-item[data-trace-id='" + traces.traceA + "']"));
      assertThat(browser.driver.findElement(By.id("results-count")).getText()).isEqualTo("1 Trace");
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Test
  void upload_convertsOtlpJsonThroughTheServerAndOpensTheTrace() throws Exception {
    String traceId = "5b8efff798038103d269b633813fc60c";
    long start = System.currentTimeMillis() * 1_000_000L;
    String otlp = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"uploaded-svc\"}}]},"
        + "\"scopeSpans\":[{\"spans\":[{\"traceId\":\"" + traceId + "\",\"spanId\":\"eee19b7ec3c1b174\",\"name\":\"uploaded-op\","
        + "\"kind\":2,\"startTimeUnixNano\":\"" + start + "\",\"endTimeUnixNano\":\"" + (start + 5_000_000L) + "\","
        + "\"attributes\":[{\"key\":\"upload.check\",\"value\":{\"stringValue\":\"yes\"}}]}]}]}]}";
    Path file = Files.createTempFile("ui-upload-otlp", ".json");
    Files.writeString(file, otlp, StandardCharsets.UTF_8);
    try {
      browser.get(url("search"));
      browser.await(By.id("tab-upload")).click();
      browser.awaitPresent(By.id("upload-input"));
      browser.driver.findElement(By.id("upload-input")).sendKeys(file.toAbsolutePath().toString());
      WebElement link = browser.await(By.cssSelector(".result-item[data-trace-id='" + traceId + "'] .result-link"));
      assertThat(link.getText()).contains("uploaded-svc: uploaded-op");
      link.click();
      browser.awaitPresent(By.cssSelector("#trace-page[data-ready='true']"));
      assertThat(browser.driver.findElement(By.id("trace-title")).getText()).contains("uploaded-svc: uploaded-op");
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Test
  void themeToggle_switchesToDark() {
    openTrace("trace/" + traces.traceA);
    browser.driver.findElement(By.id("theme-toggle")).click();
    assertThat(browser.js("return document.documentElement.getAttribute('data-theme')")).isEqualTo("dark");
    String bg = (String) browser.js("return getComputedStyle(document.body).backgroundColor");
    assertThat(bg).isEqualTo("rgb(22, 25, 30)");
    browser.screenshot("trace-timeline-dark");
    browser.driver.findElement(By.id("theme-toggle")).click();
    assertThat(browser.js("return document.documentElement.getAttribute('data-theme')")).isEqualTo("light");
  }

  @Test
  void bigTrace_firstRenderIsMeasuredAndEverySpanScrollsIntoView() {
    openTrace("trace/" + traces.big);
    @SuppressWarnings("unchecked")
    Map<String, Object> timing = (Map<String, Object>) browser.js("return window.__jaegerjTraceTiming");
    double t0 = ((Number) timing.get("t0")).doubleValue();
    double fetched = ((Number) timing.get("fetched")).doubleValue() - t0;
    double transformed = ((Number) timing.get("transformed")).doubleValue() - t0;
    double rendered = ((Number) timing.get("rendered")).doubleValue() - t0;
    double painted = ((Number) timing.get("painted")).doubleValue() - t0;
    long domRows = browser.driver.findElements(By.cssSelector("#tl-viewport .tl-row")).size();
    System.out.printf("UI e2e: 10,000-span trace: fetched %.0f ms, model built %.0f ms, first render %.0f ms,"
        + " first paint %.0f ms after navigation start of the trace page; %d rows in the DOM%n",
        fetched, transformed, rendered, painted, domRows);
    assertThat(((Number) timing.get("spans")).intValue()).isEqualTo(10_000);
    assertThat(domRows).isBetween(10L, 200L);
    assertThat(browser.driver.findElement(By.id("summary-spans")).getText()).isEqualTo("10000");
    browser.screenshot("big-trace");

    @SuppressWarnings("unchecked")
    Map<String, Object> scroll = (Map<String, Object>) browser.asyncJs(
        "const done = arguments[arguments.length - 1];"
            + "const vp = document.getElementById('tl-viewport');"
            + "const seen = new Set(); let maxRows = 0; let frames = 0; let worst = 0;"
            + "const t0 = performance.now(); let last = t0;"
            + "const frame = () => new Promise(r => requestAnimationFrame(() => { const n = performance.now();"
            + "  worst = Math.max(worst, n - last); last = n; frames++; r(); }));"
            + "(async () => {"
            + "  for (;;) {"
            + "    const rows = vp.querySelectorAll('.tl-row');"
            + "    maxRows = Math.max(maxRows, rows.length);"
            + "    rows.forEach(r => seen.add(r.dataset.spanId));"
            + "    if (vp.scrollTop + vp.clientHeight >= vp.scrollHeight - 1) break;"
            + "    vp.scrollTop += vp.clientHeight;"
            + "    await frame(); await frame();"
            + "  }"
            + "  done({ seen: seen.size, maxRows, ms: performance.now() - t0, frames, worst });"
            + "})();");
    System.out.printf("UI e2e: scrolled the 10,000-span timeline end to end in %.0f ms (%d frames, slowest frame %.0f ms,"
        + " at most %d rows in the DOM); spans seen: %d%n",
        ((Number) scroll.get("ms")).doubleValue(), ((Number) scroll.get("frames")).longValue(),
        ((Number) scroll.get("worst")).doubleValue(), ((Number) scroll.get("maxRows")).longValue(),
        ((Number) scroll.get("seen")).longValue());
    assertThat(((Number) scroll.get("seen")).intValue()).isEqualTo(10_000);
    assertThat(((Number) scroll.get("maxRows")).intValue()).isLessThan(200);
    browser.screenshot("big-trace-scrolled-to-end");
  }
}
