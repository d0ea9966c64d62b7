// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.e2e.ui;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** Headless Chromium through chromedriver, with a fresh profile, no background networking, and screenshots. */
public final class Browser implements AutoCloseable {
  public static final Path SCREENSHOTS = Path.of("target", "screenshots");
  private static final String CHROMIUM = "/usr/bin/chromium";
  private static final String CHROMEDRIVER = "/usr/bin/chromedriver";

  public final ChromeDriver driver;
  private final Path profile;

  private Browser(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  public static Browser open() throws IOException {
    requireOrSkip(new File(CHROMEDRIVER).canExecute() && new File(CHROMIUM).canExecute(),
        "Chromium and chromedriver are not installed (apt-get install -y chromium chromium-driver)");
    Path profile = Files.createTempDirectory("ui-e2e-chromium");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
        "--window-size=1280,900", "--user-data-dir=" + profile.toAbsolutePath());
    options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER))
        .usingAnyFreePort()
        .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(90));
    return new Browser(driver, profile);
  }

  public void get(String url) {
    driver.get(url);
  }

  public WebElement await(By by) {
    return new WebDriverWait(driver, Duration.ofSeconds(20)).until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  public void awaitPresent(By by) {
    new WebDriverWait(driver, Duration.ofSeconds(20)).until(ExpectedConditions.presenceOfElementLocated(by));
  }

  public Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  public Object asyncJs(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeAsyncScript(script, args);
  }

  /**
   * Console errors and uncaught exceptions since the last call, without failed resource loads (the not-found test
   * loads a missing trace on purpose).
   */
  public List<String> takeConsoleErrors() {
    List<String> out = new ArrayList<>();
    for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
      if (e.getLevel().intValue() >= Level.SEVERE.intValue() && !e.getMessage().contains("Failed to load resource")) {
        out.add(e.getMessage());
      }
    }
    return out;
  }

  /** Saves a PNG of the page under target/screenshots/. */
  public Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path out = SCREENSHOTS.resolve(name + ".png");
      Files.write(out, driver.getScreenshotAs(OutputType.BYTES));
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a left-over temp profile is harmless
      }
    }
  }

  /** Skips on a developer machine without the prerequisite; on CI (CI=true) a missing prerequisite fails. */
  private static void requireOrSkip(boolean present, String message) {
    if ("true".equals(System.getenv("CI"))) {
      Assertions.assertTrue(present, message);
    } else {
      Assumptions.assumeTrue(present, message);
    }
  }
}
