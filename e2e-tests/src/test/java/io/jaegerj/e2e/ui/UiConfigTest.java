// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.e2e.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.model.SpanId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** A UI configuration file given with --query.ui-config reaches the page and changes it; embedded mode hides chrome. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class UiConfigTest {
  private static final String CONFIG = "{"
      + "\"menu\":[{\"label\":\"Runbooks\",\"items\":[{\"label\":\"Runbook\",\"url\":\"https://runbooks.example.invalid/\"}]}],"
      + "\"dependencies\":{\"menuEnabled\":false},"
      + "\"monitor\":{\"menuEnabled\":false},"
      + "\"search\":{\"maxLimit\":50,\"maxLookback\":{\"label\":\"6 Hours\",\"value\":\"6h\"}},"
      + "\"traceIdDisplayLength\":12,"
      + "\"archiveEnabled\":true,"
      + "\"linkPatterns\":[{\"type\":\"tags\",\"key\":\"db.statement\","
      + "\"url\":\"https://logs.example.invalid/?q=#{db.statement}&trace=#{trace.traceID}\",\"text\":\"Search logs\"}]"
      + "}";

  private Path configFile;
  private UiServer server;
  private Browser browser;
  private UiTraces traces;

  @BeforeAll
  void start() throws Exception {
    configFile = Files.createTempFile("ui-config", ".json");
    Files.writeString(configFile, CONFIG);
    server = AllInOne.start("/", "--query.ui-config=" + configFile.toAbsolutePath());
    traces = new UiTraces(11, System.currentTimeMillis() * 1000);
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
  void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (server != null) {
      server.close();
    }
    Files.deleteIfExists(configFile);
  }

  @Test
  void config_changesMenuSearchLimitsAndTraceIdLength() {
    browser.get(server.baseUrl() + "search?service=frontend");
    browser.awaitPresent(By.cssSelector(".result-item[data-trace-id='" + traces.traceA + "']"));
    List<String> nav = new ArrayList<>();
    for (WebElement a : browser.driver.findElements(By.cssSelector(".topnav .nav-link"))) {
      nav.add(a.getText());
    }
    assertThat(nav).contains("Search", "Compare", "Runbooks").doesNotContain("System Architecture", "Monitor", "About Jaeger");
    assertThat(browser.driver.findElement(By.id("search-limit")).getAttribute("max")).isEqualTo("50");
    List<String> lookbacks = new ArrayList<>();
    for (WebElement o : browser.driver.findElements(By.cssSelector("#search-lookback option"))) {
      lookbacks.add(o.getAttribute("value"));
    }
    assertThat(lookbacks).contains("1h", "6h", "custom").doesNotContain("12h", "2d");
    String shown = browser.driver.findElement(By.cssSelector(".result-item[data-trace-id='" + traces.traceA + "'] .trace-id")).getText();
    assertThat(shown).isEqualTo(traces.traceA.toString().substring(0, 12));
    browser.screenshot("config-search");
  }

  @Test
  void linkPatterns_turnTagValuesIntoLinks() {
    browser.get(server.baseUrl() + "trace/" + traces.traceA + "?uiFind=" + SpanId.toString(traces.dbSpanOfA));
    WebElement link = browser.await(By.cssSelector("#detail-tags .kv-link"));
    assertThat(link.getAttribute("href"))
        .startsWith("https://logs.example.invalid/?q=SELECT%20*%20FROM%20customer%20WHERE%20id%3D123")
        .endsWith("&trace=" + traces.traceA);
    assertThat(link.getAttribute("title")).isEqualTo("Search logs");
  }

  @Test
  void archiveButton_followsTheStorageCapability() {
    browser.get(server.baseUrl() + "trace/" + traces.traceA);
    browser.awaitPresent(By.cssSelector("#trace-page[data-complete='true']"));
    Object archive = browser.js("return window.JAEGER_STORAGE_CAPABILITIES && window.JAEGER_STORAGE_CAPABILITIES.archiveStorage");
    List<WebElement> buttons = browser.driver.findElements(By.id("archive-trace"));
    if (Boolean.TRUE.equals(archive)) {
      assertThat(buttons).hasSize(1);
      buttons.get(0).click();
      browser.awaitPresent(By.cssSelector("#archive-msg.ok"));
      assertThat(browser.driver.findElement(By.id("archive-msg")).getText()).isEqualTo("Archived successfully.");
    } else {
      assertThat(buttons).isEmpty();
    }
  }

  @Test
  void embeddedMode_hidesNavigationMinimapAndSummary() {
    browser.get(server.baseUrl() + "trace/" + traces.traceA + "?uiEmbed=v0&uiTimelineHideMinimap=1&uiTimelineHideSummary=1");
    browser.awaitPresent(By.cssSelector("#trace-page[data-complete='true']"));
    assertThat(browser.driver.findElements(By.cssSelector(".topnav"))).isEmpty();
    assertThat(browser.driver.findElements(By.id("minimap"))).isEmpty();
    assertThat(browser.driver.findElements(By.id("trace-summary"))).isEmpty();
    assertThat(browser.driver.findElements(By.cssSelector("#tl-viewport .tl-row"))).hasSize(traces.spansA.size());
    browser.screenshot("embedded-trace");

    browser.get(server.baseUrl() + "search?service=frontend&uiEmbed=v0&uiSearchHideGraph=1");
    browser.awaitPresent(By.cssSelector(".result-item[data-trace-id='" + traces.traceA + "']"));
    assertThat(browser.driver.findElements(By.id("scatter-plot"))).isEmpty();
    assertThat(browser.driver.findElements(By.id("search-form"))).isEmpty();
  }
}
