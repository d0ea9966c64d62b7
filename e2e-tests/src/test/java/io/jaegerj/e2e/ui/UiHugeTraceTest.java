// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.e2e.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.model.Span;
import io.jaegerj.model.TraceId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A 50,000-span trace in real headless Chromium: the timeline opens with a bounded number of rows in the DOM and
 * scrolls end to end; the time to a usable timeline and the slowest frame while scrolling are printed (figures in
 * docs/benchmarks.md, "UI: 50,000-span trace"), never asserted. The spans table and the flamegraph stay bounded too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class UiHugeTraceTest {
  static final int SPANS = 50_000;
  private UiServer server;
  private Browser browser;
  private TraceId huge;

  @BeforeAll
  void start() throws Exception {
    server = AllInOne.start("/");
    huge = new TraceId(0x5000_0000_0000_0001L, 0x50_000L);
    List<Span> spans = UiTraces.bigTrace(huge, 0x0500_0000_0000L, System.currentTimeMillis() * 1000 - 60_000_000L, SPANS, 6);
    long t0 = System.nanoTime();
    server.ingest(spans);
    System.out.printf("UI e2e: %,d-span trace ingested through the %s in %d ms%n", SPANS, server.ingestRoute(),
        (System.nanoTime() - t0) / 1_000_000);
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

  private static double num(Object o) {
    return ((Number) o).doubleValue();
  }

  @Test
  void hugeTrace_opensToABoundedTimelineAndScrollsEndToEnd() {
    String load = System.getProperty("os.name").startsWith("Linux") ? readLoad() : "?";
    // Warm-up visit (module and font caches), as a user who has the UI open already.
    browser.get(server.baseUrl() + "search");
    browser.await(By.id("search-service"));
    long wall0 = System.nanoTime();
    browser.get(server.baseUrl() + "trace/" + huge);
    browser.awaitPresent(By.cssSelector("#trace-page[data-ready='true']"));
    long wallMs = (System.nanoTime() - wall0) / 1_000_000;
    // Read from the page's own record: on a slow machine the whole trace may already have replaced the first page
    // (and its note) between two WebDriver calls.
    String partial = String.valueOf(browser.js("return window.__jaegerjTraceTiming.partialNote || '';"));
    long firstRows = browser.driver.findElements(By.cssSelector("#tl-viewport .tl-row")).size();
    browser.screenshot("huge-trace-first-page");
    new WebDriverWait(browser.driver, Duration.ofSeconds(180))
        .until(d -> !d.findElements(By.cssSelector("#trace-page[data-complete='true']")).isEmpty());
    @SuppressWarnings("unchecked")
    Map<String, Object> timing = (Map<String, Object>) browser.js(
        "const t = window.__jaegerjTraceTiming; const nav = performance.getEntriesByType('navigation')[0];"
            + "return { t0: t.t0, fetched: t.fetched, transformed: t.transformed, rendered: t.rendered, painted: t.painted,"
            + " fullFetched: t.fullFetched, completed: t.completed,"
            + " spans: t.spans, navStart: 0, domContentLoaded: nav ? nav.domContentLoadedEventEnd : -1 };");
    long domRows = browser.driver.findElements(By.cssSelector("#tl-viewport .tl-row")).size();
    System.out.printf("UI e2e: %,d-span trace (load average %s): page script start %.0f ms, first page fetched %.0f ms,"
        + " its model built %.0f ms, timeline rendered %.0f ms, first paint %.0f ms after navigation start;"
        + " %d ms wall clock from the WebDriver call until the first page was on screen (%d rows in the DOM, \"%s\");"
        + " whole trace fetched %.0f ms, whole timeline painted %.0f ms after navigation start; %d rows in the DOM%n",
        SPANS, load, num(timing.get("t0")), num(timing.get("fetched")), num(timing.get("transformed")),
        num(timing.get("rendered")), num(timing.get("painted")), wallMs, firstRows, partial,
        num(timing.get("fullFetched")), num(timing.get("completed")), domRows);
    assertThat(partial).isEqualTo("Showing the first 2,000 of 50,000 spans; loading the rest…");
    assertThat(firstRows).isBetween(10L, 200L);
    assertThat(((Number) timing.get("spans")).intValue()).isEqualTo(SPANS);
    assertThat(browser.driver.findElement(By.id("summary-spans")).getText()).isEqualTo(String.valueOf(SPANS));
    assertThat(domRows).isBetween(10L, 200L);
    browser.screenshot("huge-trace");

    @SuppressWarnings("unchecked")
    Map<String, Object> scroll = (Map<String, Object>) browser.asyncJs(
        "const done = arguments[arguments.length - 1];"
            + "const vp = document.getElementById('tl-viewport');"
            + "const seen = new Set(); let maxRows = 0; let frames = 0; let worst = 0; const gaps = [];"
            + "const t0 = performance.now(); let last = t0;"
            + "const frame = () => new Promise(r => requestAnimationFrame(() => { const n = performance.now();"
            + "  gaps.push(n - last); worst = Math.max(worst, n - last); last = n; frames++; r(); }));"
            + "(async () => {"
            + "  await frame(); gaps.length = 0; worst = 0;"
            + "  for (;;) {"
            + "    const rows = vp.querySelectorAll('.tl-row');"
            + "    maxRows = Math.max(maxRows, rows.length);"
            + "    rows.forEach(r => seen.add(r.dataset.spanId));"
            + "    if (vp.scrollTop + vp.clientHeight >= vp.scrollHeight - 1) break;"
            + "    vp.scrollTop += vp.clientHeight * 7;"
            + "    await frame();"
            + "  }"
            + "  gaps.sort((a, b) => a - b);"
            + "  done({ seen: seen.size, maxRows, ms: performance.now() - t0, frames, worst,"
            + "    p50: gaps[Math.floor(gaps.length / 2)] || 0, p99: gaps[Math.floor(gaps.length * 0.99)] || 0 });"
            + "})();");
    System.out.printf("UI e2e: scrolled the %,d-span timeline end to end, seven screens per frame, in %.0f ms (%d frames,"
        + " frame time p50 %.1f ms, p99 %.1f ms, slowest %.1f ms, at most %d rows in the DOM); spans seen: %d%n",
        SPANS, num(scroll.get("ms")), ((Number) scroll.get("frames")).longValue(), num(scroll.get("p50")),
        num(scroll.get("p99")), num(scroll.get("worst")), ((Number) scroll.get("maxRows")).longValue(),
        ((Number) scroll.get("seen")).longValue());
    // Seven screens per frame: about a seventh of the spans pass through the DOM, the last one among them.
    assertThat(((Number) scroll.get("seen")).intValue()).isBetween(SPANS / 10, SPANS);
    assertThat(((Number) browser.js("return Math.max(...[...document.querySelectorAll('#tl-viewport .tl-row')]"
        + ".map(r => +r.dataset.index))")).intValue()).isEqualTo(SPANS - 1);
    assertThat(((Number) scroll.get("maxRows")).intValue()).isLessThan(200);
    browser.screenshot("huge-trace-scrolled-to-end");
  }

  @Test
  void hugeTrace_spansTableAndFlamegraphStayBounded() {
    browser.get(server.baseUrl() + "trace/" + huge + "?view=table");
    new WebDriverWait(browser.driver, Duration.ofSeconds(180))
        .until(d -> !d.findElements(By.cssSelector("#trace-page[data-complete='true']")).isEmpty());
    browser.awaitPresent(By.id("spans-table"));
    assertThat(browser.driver.findElement(By.id("spans-count")).getText()).isEqualTo(SPANS + " of " + SPANS + " spans");
    // Virtualised: a bounded number of rows in the page, spacers for the rest (the scroll box is as tall as all rows).
    assertThat(browser.driver.findElements(By.cssSelector("#spans-table tbody tr[data-span-id]")).size()).isBetween(10, 150);
    // Sorted by duration, longest first, over all 50,000 spans: the root (5 s) heads the table, and scrolling to the
    // end brings the last row (one of the shortest, 6.86 ms, on the seventh level) into the page.
    browser.driver.findElement(By.cssSelector("#spans-table th[data-col='duration'] button")).click();
    new WebDriverWait(browser.driver, Duration.ofSeconds(60)).until(d -> "descending".equals(
        d.findElement(By.cssSelector("#spans-table th[data-col='duration']")).getAttribute("aria-sort")));
    assertThat(browser.driver.findElement(By.cssSelector("#spans-table tbody tr[data-index='0']")).getText())
        .contains("big-root").contains("5s");
    browser.js("const w = document.getElementById('spans-table-wrap'); w.scrollTop = w.scrollHeight;");
    String last = new WebDriverWait(browser.driver, Duration.ofSeconds(60)).until(d -> {
      var found = d.findElements(By.cssSelector("#spans-table tbody tr[data-index='" + (SPANS - 1) + "']"));
      return found.isEmpty() ? null : found.get(0).getText();
    });
    assertThat(last).contains("6.86ms");
    assertThat(browser.driver.findElements(By.cssSelector("#spans-table tbody tr[data-span-id]")).size()).isBetween(10, 150);
    // The filter too runs over all spans: every tenth span belongs to svc-7.
    browser.driver.findElement(By.id("spans-filter")).sendKeys("svc-7");
    new WebDriverWait(browser.driver, Duration.ofSeconds(60)).until(d ->
        d.findElement(By.id("spans-count")).getText().equals("5000 of " + SPANS + " spans"));
    assertThat(browser.driver.findElements(By.cssSelector("#spans-table tbody tr[data-span-id]")).size()).isBetween(10, 150);
    browser.screenshot("huge-trace-spans-table");
    new Select(browser.driver.findElement(By.id("trace-view"))).selectByValue("flamegraph");
    browser.awaitPresent(By.cssSelector("#flamegraph g.flame-node"));
    int nodes = Integer.parseInt(browser.driver.findElement(By.id("flamegraph")).getAttribute("data-nodes"));
    // Whole levels up to 5,000 boxes: root (1) + 8 + 64 + 512 + 4,096 = 4,681 boxes on 5 levels.
    assertThat(nodes).isEqualTo(4_681);
    assertThat(browser.driver.findElement(By.id("flamegraph")).getAttribute("data-levels")).isEqualTo("5");
    browser.screenshot("huge-trace-flamegraph");
  }

  private static String readLoad() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException e) {
      return "?";
    }
  }
}
