// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.e2e.ui;

import static org.assertj.core.api.Assertions.assertThat;

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

/** A .js UI configuration (function UIConfig) replaces the JAEGER_CONFIG_JS marker and is used by the page. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class UiJsConfigTest {
  private static final String CONFIG = "function UIConfig() {\n"
      + "  return {\n"
      + "    menu: [{ label: 'From JS ' + (1 + 1), url: 'https://js.example.invalid/' }],\n"
      + "    deepDependencies: { menuEnabled: true },\n"
      + "    disableFileUploadControl: true\n"
      + "  };\n"
      + "}\n";

  private Path configFile;
  private UiServer server;
  private Browser browser;

  @BeforeAll
  void start() throws Exception {
    configFile = Files.createTempFile("ui-config", ".js");
    Files.writeString(configFile, CONFIG);
    server = AllInOne.start("/", "--query.ui-config=" + configFile.toAbsolutePath());
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
  void jsConfig_isCalledAndMergedOverTheDefaults() {
    browser.get(server.baseUrl() + "search");
    browser.awaitPresent(By.id("search-form"));
    List<String> nav = new ArrayList<>();
    for (WebElement a : browser.driver.findElements(By.cssSelector(".topnav .nav-link"))) {
      nav.add(a.getText());
    }
    assertThat(nav).contains("From JS 2", "Deep Dependency Graph", "System Architecture", "Monitor")
        .doesNotContain("About Jaeger");
    assertThat(browser.driver.findElements(By.id("tab-upload"))).isEmpty();
  }
}
