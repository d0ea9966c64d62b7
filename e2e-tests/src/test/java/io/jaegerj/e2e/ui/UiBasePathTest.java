// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.e2e.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.model.SpanId;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** The UI served by an all-in-one started with --query.base-path=/jaeger: every route and API call stays under it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class UiBasePathTest {
  private UiServer server;
  private Browser browser;
  private UiTraces traces;

  @BeforeAll
  void start() throws Exception {
    server = AllInOne.start("/jaeger");
    traces = new UiTraces(7, System.currentTimeMillis() * 1000);
    server.ingest(traces.spansA);
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

  @Test
  void basePath_searchAndTracePagesWork() {
    assertThat(server.baseUrl()).endsWith("/jaeger/");
    browser.get(server.baseUrl());
    browser.awaitPresent(By.id("search-form"));
    assertThat(browser.driver.getCurrentUrl()).endsWith("/jaeger/search");

    browser.get(server.baseUrl() + "search?service=frontend&lookback=1h&limit=20");
    WebElement link = browser.await(By.cssSelector(".result-item[data-trace-id='" + traces.traceA + "'] .result-link"));
    browser.screenshot("base-path-search");
    link.click();
    browser.awaitPresent(By.cssSelector("#trace-page[data-complete='true']"));
    assertThat(browser.driver.getCurrentUrl()).endsWith("/jaeger/trace/" + traces.traceA);
    Set<String> rows = new HashSet<>();
    for (WebElement r : browser.driver.findElements(By.cssSelector("#tl-viewport .tl-row"))) {
      rows.add(r.getAttribute("data-span-id"));
    }
    Set<String> expected = new HashSet<>();
    traces.spansA.forEach(s -> expected.add(SpanId.toString(s.spanId())));
    assertThat(rows).isEqualTo(expected);
    browser.screenshot("base-path-trace");

    @SuppressWarnings("unchecked")
    List<String> requests = (List<String>) browser.js(
        "return performance.getEntriesByType('resource').map(e => new URL(e.name).pathname)");
    assertThat(requests).isNotEmpty().allSatisfy(p -> assertThat(p).startsWith("/jaeger/"));
    assertThat(requests).contains("/jaeger/api/trace-pages/" + traces.traceA, "/jaeger/static/js/main.js");
  }
}
