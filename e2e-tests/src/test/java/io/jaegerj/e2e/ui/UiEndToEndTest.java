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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
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
    browser.awaitPresent(By.cssSelector("#trace-page[data-complete='true']"));
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
    browser.awaitPresent(By.cssSelector("#trace-page[data-complete='true']"));
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
  void spansTable_sortsFiltersAndShowsSelfTime() {
    openTrace("trace/" + traces.traceA + "?view=table");
    browser.await(By.id("spans-table"));
    assertThat(tableSpanIds()).hasSize(4);
    assertThat(browser.driver.findElement(By.id("spans-count")).getText()).isEqualTo("4 of 4 spans");
    // Longest first after one click on Duration: the 90 ms root, then the 40 ms customer call.
    browser.driver.findElement(By.cssSelector("#spans-table th[data-col='duration'] button")).click();
    List<String> ids = tableSpanIds();
    assertThat(ids.get(0)).isEqualTo(SpanId.toString(traces.rootOfA));
    assertThat(ids.get(1)).isEqualTo(SpanId.toString(traces.customerOfA));
    WebElement root = browser.driver.findElement(By.cssSelector("#spans-table tr[data-span-id='" + SpanId.toString(traces.rootOfA) + "']"));
    // Root: 90 ms minus its children's 40 ms and 10 ms.
    assertThat(root.getText()).contains("frontend").contains("HTTP GET /dispatch").contains("90ms").contains("40ms");
    browser.driver.findElement(By.cssSelector("#spans-table th[data-col='duration'] button")).click();
    assertThat(tableSpanIds().get(3)).isEqualTo(SpanId.toString(traces.rootOfA));
    browser.driver.findElement(By.id("spans-filter")).sendKeys("mysql");
    new WebDriverWait(browser.driver, Duration.ofSeconds(10)).until(d -> tableSpanIds().size() == 1);
    assertThat(tableSpanIds()).containsExactly(SpanId.toString(traces.dbSpanOfA));
    assertThat(browser.driver.findElement(By.id("spans-count")).getText()).isEqualTo("1 of 4 spans");
    assertThat(browser.driver.findElement(By.id("spans-table")).getText()).contains("mysql").contains("SQL SELECT");
    browser.screenshot("trace-spans-table");
    browser.driver.findElement(By.cssSelector("#spans-table a.span-open")).click();
    assertThat(browser.await(By.id("detail-operation")).getText()).isEqualTo("SQL SELECT");
  }

  private List<String> tableSpanIds() {
    List<String> ids = new ArrayList<>();
    for (WebElement tr : browser.driver.findElements(By.cssSelector("#spans-table tbody tr"))) {
      ids.add(tr.getAttribute("data-span-id"));
    }
    return ids;
  }

  @Test
  void flamegraph_drawsEverySpanAndZoomsIntoOne() {
    openTrace("trace/" + traces.traceA + "?view=flamegraph");
    browser.awaitPresent(By.cssSelector("#flamegraph g.flame-node"));
    assertThat(browser.driver.findElements(By.cssSelector("#flamegraph g.flame-node"))).hasSize(4);
    Number rootWidth = (Number) browser.js("return +document.querySelector(\"#flamegraph g[data-span-id='"
        + SpanId.toString(traces.rootOfA) + "'] rect\").getAttribute('width')");
    Number customerWidth = (Number) browser.js("return +document.querySelector(\"#flamegraph g[data-span-id='"
        + SpanId.toString(traces.customerOfA) + "'] rect\").getAttribute('width')");
    // 40 ms of a 90 ms trace: 4/9 of the root's width.
    assertThat(customerWidth.doubleValue() / rootWidth.doubleValue()).isBetween(0.43, 0.46);
    browser.screenshot("trace-flamegraph");
    browser.driver.findElement(By.cssSelector("#flamegraph g[data-span-id='" + SpanId.toString(traces.customerOfA) + "'] rect")).click();
    List<String> zoomed = new ArrayList<>();
    for (WebElement g : browser.driver.findElements(By.cssSelector("#flamegraph g.flame-node"))) {
      zoomed.add(g.getAttribute("data-span-id"));
    }
    assertThat(zoomed).containsExactlyInAnyOrder(SpanId.toString(traces.customerOfA), SpanId.toString(traces.dbSpanOfA));
    browser.driver.findElement(By.id("flame-reset")).click();
    assertThat(browser.driver.findElements(By.cssSelector("#flamegraph g.flame-node"))).hasSize(4);
  }

  @Test
  void statistics_selfTimeAndSecondGroupBy() {
    openTrace("trace/" + traces.traceA + "?view=statistics");
    WebElement frontend = browser.await(By.cssSelector("#stats-table tr[data-key='frontend']"));
    // Self time of frontend 40 ms out of 90 ms of self time in the whole trace.
    assertThat(frontend.getText()).contains("90ms").contains("40ms").contains("44.44%");
    new Select(browser.driver.findElement(By.id("stats-subgroup"))).selectByValue("operation");
    List<WebElement> sub = browser.driver.findElements(By.cssSelector("#stats-table tr.stats-sub-row"));
    assertThat(sub).hasSize(4);
    WebElement apiOp = browser.driver.findElement(By.cssSelector("#stats-table tr.stats-sub-row[data-parent='api']"));
    assertThat(apiOp.getAttribute("data-key")).isEqualTo("HTTP GET /customer");
    // api's call lasts 40 ms, 30 ms of it in mysql.
    assertThat(apiOp.getText()).contains("40ms").contains("10ms").contains("11.11%");
    new Select(browser.driver.findElement(By.id("stats-subgroup"))).selectByValue("tag:span.kind");
    assertThat(browser.driver.findElement(By.cssSelector("#stats-table tr.stats-sub-row[data-parent='redis']")).getAttribute("data-key"))
        .isEqualTo("client");
    browser.screenshot("trace-statistics-grouped");
  }

  @Test
  void timeline_showsPeerServiceArrows() {
    openTrace("trace/" + traces.traceA);
    List<String> arrows = new ArrayList<>();
    for (WebElement e : browser.driver.findElements(By.cssSelector("#tl-viewport .tl-peer"))) {
      arrows.add(e.getText());
    }
    assertThat(arrows).containsExactlyInAnyOrder("→ mysql", "→ cache-1");
    WebElement dbRow = browser.driver.findElement(By.cssSelector(".tl-row[data-span-id='" + SpanId.toString(traces.dbSpanOfA) + "']"));
    assertThat(dbRow.findElement(By.cssSelector(".tl-peer")).getText()).isEqualTo("→ mysql");
  }

  @Test
  void timeline_durationLabelsNeverCoverBarsOrMarks() {
    for (TraceId id : List.of(traces.traceA, traces.traceB)) {
      openTrace("trace/" + id);
      Number overlaps = (Number) browser.js(
          "let n = 0; for (const row of document.querySelectorAll('#tl-viewport .tl-row')) {"
              + " const l = row.querySelector('.tl-bar-label').getBoundingClientRect();"
              + " for (const m of row.querySelectorAll('.tl-bar, .tl-critical, .tl-log')) { const r = m.getBoundingClientRect();"
              + "  if (l.left < r.right && r.left < l.right && l.top < r.bottom && r.top < l.bottom) n++; } } return n;");
      assertThat(overlaps.intValue()).as("duration labels drawn over a bar or mark in trace %s", id).isZero();
    }
    // The root bar fills the whole row: its label sits at the end of the name column.
    assertThat(browser.driver.findElements(By.cssSelector("#tl-viewport .tl-name-label"))).isNotEmpty();
  }

  @Test
  void spanDetail_opensInlineUnderItsRow() {
    openTrace("trace/" + traces.traceA);
    browser.driver.findElement(By.id("detail-mode")).click();
    assertThat(browser.driver.getCurrentUrl()).contains("detail=inline");
    String customer = SpanId.toString(traces.customerOfA);
    browser.driver.findElement(By.cssSelector(".tl-row[data-span-id='" + customer + "'] .op-name")).click();
    assertThat(browser.await(By.id("detail-operation")).getText()).isEqualTo("HTTP GET /customer");
    assertThat(browser.js("return document.getElementById('span-detail').parentElement.classList.contains('tl-spacer')")).isEqualTo(true);
    Number detailTop = (Number) browser.js("return document.getElementById('span-detail').getBoundingClientRect().top");
    Number rowBottom = (Number) browser.js("return document.querySelector(\".tl-row[data-span-id='" + customer + "']\").getBoundingClientRect().bottom");
    assertThat(detailTop.doubleValue()).isBetween(rowBottom.doubleValue() - 1.5, rowBottom.doubleValue() + 1.5);
    // The next row moves down below the detail.
    Number nextTop = (Number) browser.js("return document.querySelector(\".tl-row[data-span-id='" + SpanId.toString(traces.dbSpanOfA)
        + "']\").getBoundingClientRect().top");
    Number detailBottom = (Number) browser.js("return document.getElementById('span-detail').getBoundingClientRect().bottom");
    assertThat(nextTop.doubleValue()).isGreaterThanOrEqualTo(detailBottom.doubleValue() - 1.5);
    browser.screenshot("trace-span-detail-inline");
    browser.driver.findElement(By.cssSelector(".tl-row[data-span-id='" + customer + "'] .op-name")).click();
    assertThat(browser.driver.findElements(By.cssSelector("#tl-viewport #span-detail"))).isEmpty();
  }

  @Test
  void search_durationBarsAndPerServiceErrorMarkers() {
    browser.get(url("search?service=frontend&lookback=1h&limit=20"));
    browser.awaitPresent(By.cssSelector(".result-item[data-trace-id='" + traces.traceA + "']"));
    browser.awaitPresent(By.cssSelector(".result-item[data-trace-id='" + traces.traceB + "']"));
    String a = ".result-item[data-trace-id='" + traces.traceA + "'] ";
    String b = ".result-item[data-trace-id='" + traces.traceB + "'] ";
    // Only redis has an error span, only in trace A.
    List<String> withErrors = new ArrayList<>();
    for (WebElement e : browser.driver.findElements(By.cssSelector(a + ".service-tag.has-error"))) {
      withErrors.add(e.getAttribute("data-service"));
    }
    assertThat(withErrors).containsExactly("redis");
    assertThat(browser.driver.findElements(By.cssSelector(b + ".service-tag.has-error"))).isEmpty();
    // A lasts 90 ms, B 120 ms: A's bar is three quarters of B's.
    Number wa = (Number) browser.js("return document.querySelector(arguments[0]).getBoundingClientRect().width", a + ".result-bar-fill");
    Number wb = (Number) browser.js("return document.querySelector(arguments[0]).getBoundingClientRect().width", b + ".result-bar-fill");
    assertThat(wa.doubleValue() / wb.doubleValue()).isBetween(0.73, 0.77);
    browser.screenshot("search-results-bars");
  }

  @Test
  void aboutMenu_showsTheBuildVersion() throws Exception {
    String index = HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(URI.create(url("search"))).build(), HttpResponse.BodyHandlers.ofString()).body();
    Matcher m = Pattern.compile("\"gitVersion\":\"([^\"]+)\"").matcher(index);
    assertThat(m.find()).as("the served index.html carries the version").isTrue();
    browser.get(url("search"));
    browser.await(By.cssSelector("#about-menu summary")).click();
    assertThat(browser.await(By.id("about-version")).getText()).isEqualTo(m.group(1)).startsWith("v1.74.0");
    assertThat(browser.driver.findElement(By.id("about-commit")).getText()).isNotEmpty();
    browser.screenshot("about-menu");
  }

  @Test
  void liveTail_addsANewTraceToTheOpenSearchPage() throws Exception {
    browser.get(url("search?service=live-svc&lookback=1h&limit=20"));
    browser.await(By.id("live-tail")).click();
    browser.awaitPresent(By.cssSelector("#live-status[data-state='open']"));
    assertThat(browser.driver.findElements(By.cssSelector(".result-item"))).isEmpty();
    TraceId id = new TraceId(0x7a11L, 0x5eedL);
    long now = System.currentTimeMillis() * 1000;
    server.ingest(List.of(Span.builder().traceId(id).spanId(0x77).operationName("tail-op").startTimeMicros(now - 2_000)
        .durationMicros(1_500).flags(Span.FLAG_SAMPLED).process(io.jaegerj.model.Process.of("live-svc")).build()));
    WebElement item = new WebDriverWait(browser.driver, Duration.ofSeconds(30)).until(
        d -> d.findElements(By.cssSelector(".result-item.live-new[data-trace-id='" + id + "']")).stream().findFirst().orElse(null));
    assertThat(item.getText()).contains("live-svc: tail-op").contains("1 Span");
    assertThat(browser.driver.findElement(By.id("results-count")).getText()).isEqualTo("1 Trace");
    assertThat(browser.driver.findElement(By.id("live-status")).getText()).contains("1 new");
    browser.screenshot("search-live-tail");
    browser.driver.findElement(By.id("live-tail")).click();
    assertThat(browser.driver.findElement(By.id("live-tail")).getAttribute("aria-pressed")).isEqualTo("false");
  }

  @Test
  void graphs_zoomPanAndFitWithoutPageScrolling() {
    for (String page : List.of("dependencies", "trace/" + traces.traceA + "?view=graph")) {
      browser.get(url(page));
      browser.awaitPresent(By.cssSelector(".graph-wrap.zoomable g.node"));
      WebElement wrap = browser.driver.findElement(By.cssSelector(".graph-wrap.zoomable"));
      assertThat(wrap.getAttribute("data-scale")).as(page).isEqualTo("1");
      String fitted = (String) browser.js("return document.querySelector('.graph-wrap.zoomable svg').getAttribute('viewBox')");
      wrap.findElement(By.cssSelector(".graph-zoom-in")).click();
      assertThat(wrap.getAttribute("data-scale")).as(page).isEqualTo("1.25");
      // Drag the background: the view moves, the zoom stays.
      WebElement svg = wrap.findElement(By.cssSelector("svg"));
      Dimension size = svg.getSize();
      new Actions(browser.driver)
          .moveToElement(svg, -size.getWidth() / 2 + 3, -size.getHeight() / 2 + 3).clickAndHold().moveByOffset(40, 20).release().perform();
      String panned = (String) browser.js("return document.querySelector('.graph-wrap.zoomable svg').getAttribute('viewBox')");
      assertThat(panned).as(page).isNotEqualTo(fitted);
      assertThat(wrap.getAttribute("data-scale")).as(page).isEqualTo("1.25");
      wrap.findElement(By.cssSelector(".graph-fit")).click();
      assertThat((String) browser.js("return document.querySelector('.graph-wrap.zoomable svg').getAttribute('viewBox')")).isEqualTo(fitted);
      assertThat((Boolean) browser.js("return document.documentElement.scrollWidth <= document.documentElement.clientWidth"))
          .as("no horizontal page scrolling on %s", page).isTrue();
    }
  }

  @Test
  void dependencies_forceDirectedLayoutKeepsNodesApartAndLabelsOnEdges() {
    browser.get(url("dependencies"));
    browser.awaitPresent(By.cssSelector(".dep-graph g.node"));
    assertThat(labelDistanceFromItsEdge()).as("layered layout").isLessThan(6);
    new Select(browser.driver.findElement(By.id("dep-layout"))).selectByValue("force");
    assertThat(browser.driver.getCurrentUrl()).contains("layout=force");
    browser.awaitPresent(By.cssSelector(".dep-graph path.edge[data-from='api'][data-to='mysql']"));
    assertThat(browser.driver.findElement(By.cssSelector(".dep-graph path.edge[data-from='api'][data-to='mysql']")).getAttribute("d"))
        .as("straight edges").contains(" L");
    Number overlaps = (Number) browser.js(
        "const r = [...document.querySelectorAll('.dep-graph g.node rect:first-child')].map(e => e.getBoundingClientRect());"
            + "let n = 0; for (let i = 0; i < r.length; i++) for (let j = i + 1; j < r.length; j++) {"
            + " const a = r[i], b = r[j]; if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) n++; } return n;");
    assertThat(overlaps.intValue()).isZero();
    assertThat(labelDistanceFromItsEdge()).as("force-directed layout").isLessThan(6);
    browser.screenshot("dependencies-force");
  }

  /** The largest distance between a call-count label's anchor and its own edge's curve (svg units). */
  private double labelDistanceFromItsEdge() {
    Number farthest = (Number) browser.js(
        "let worst = 0; const edges = [...document.querySelectorAll('.dep-graph path.edge')];"
            + "const labels = [...document.querySelectorAll('.dep-graph text.edge-label')];"
            + "if (!labels.length || edges.length !== labels.length) return 1e9;"
            + "labels.forEach(l => { const e = edges.find(p => p.dataset.from === l.dataset.from && p.dataset.to === l.dataset.to);"
            + " if (!e) { worst = 1e9; return; } const x = +l.getAttribute('x'), y = +l.getAttribute('y');"
            + " const len = e.getTotalLength(); let best = 1e9;"
            + " for (let i = 0; i <= 200; i++) { const q = e.getPointAtLength(len * i / 200); best = Math.min(best, Math.hypot(x - q.x, y - q.y)); }"
            + " worst = Math.max(worst, best); }); return worst;");
    return farthest.doubleValue();
  }

  @Test
  void deepDependencyGraph_urlKeepsTheFocalService() {
    browser.get(url("deep-dependencies?service=frontend"));
    browser.awaitPresent(By.cssSelector(".ddg-graph g.node"));
    new Select(browser.driver.findElement(By.id("ddg-focus"))).selectByValue("mysql");
    assertThat(browser.driver.getCurrentUrl()).contains("focus=mysql");
    List<String> focal = new ArrayList<>();
    for (WebElement n : browser.driver.findElements(By.cssSelector(".ddg-graph g.node.node-focal"))) {
      focal.add(n.getAttribute("data-id"));
    }
    assertThat(focal).containsExactly("mysql::SQL SELECT");
    browser.get(browser.driver.getCurrentUrl());
    browser.awaitPresent(By.cssSelector(".ddg-graph g.node"));
    assertThat(new Select(browser.driver.findElement(By.id("ddg-focus"))).getFirstSelectedOption().getAttribute("value")).isEqualTo("mysql");
    assertThat(browser.driver.findElements(By.cssSelector(".ddg-graph g.node.node-focal"))).hasSize(1);
  }

  @Test
  void navLookup_opensTheTrace() {
    browser.get(url("search"));
    WebElement box = browser.await(By.name("idLookup"));
    box.sendKeys(traces.traceA.toString(), Keys.ENTER);
    browser.awaitPresent(By.cssSelector("#trace-page[data-complete='true']"));
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
    // The same diff as a graph: 5 path nodes, redis's call removed, the route calls added.
    assertThat(browser.driver.findElements(By.cssSelector("#diff-graph g.node"))).hasSize(5);
    assertThat(browser.driver.findElements(By.cssSelector("#diff-graph g.diff-node-only-a")))
        .singleElement().satisfies(g -> assertThat(g.getAttribute("data-id")).endsWith("redis::GetDriver"));
    assertThat(browser.driver.findElements(By.cssSelector("#diff-graph g.diff-node-only-b")))
        .singleElement().satisfies(g -> assertThat(g.getText()).contains("HTTP GET /route").contains("A 0 · B 2"));
    assertThat(browser.driver.findElements(By.cssSelector("#diff-graph g.diff-node-same"))).hasSize(3);
    assertThat(browser.driver.findElements(By.cssSelector("#diff-graph path.edge"))).hasSize(4);
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
      browser.awaitPresent(By.cssSelector("#trace-page[data-complete='true']"));
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
