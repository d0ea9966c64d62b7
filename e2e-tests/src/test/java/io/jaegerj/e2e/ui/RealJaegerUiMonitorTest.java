// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.e2e.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.server.JaegerMain;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The real Jaeger UI's Monitor tab against our metrics API: a Jaeger UI bundle built elsewhere (its {@code build}
 * folder named by {@code JAEGERJ_REAL_UI}) is served by our all-in-one through {@code --query.static-files}, with
 * {@code METRICS_STORAGE_TYPE=in-process}, and must show the operations table with the rates and error rates of
 * the traffic an OpenTelemetry SDK sent. We neither ship nor build Jaeger's UI, so without that variable the test
 * is skipped (the reason is in e2e-tests/README.md).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealJaegerUiMonitorTest {
  static final String SERVICE = "realui-svc";
  static final int CALLS = 120;
  static final int ERRORS_OF_OP_A = 30;

  JaegerMain.Running running;
  final Map<String, Integer> ports = new HashMap<>();

  @BeforeAll
  void start() throws Exception {
    String bundle = System.getenv("JAEGERJ_REAL_UI");
    Assumptions.assumeTrue(bundle != null && Files.isRegularFile(Path.of(bundle, "index.html")),
        "JAEGERJ_REAL_UI does not name a built Jaeger UI (a folder with index.html); see e2e-tests/README.md");
    Map<String, String> env = new LinkedHashMap<>();
    env.put("SPAN_STORAGE_TYPE", "memory");
    env.put("METRICS_STORAGE_TYPE", "in-process");
    running = AllInOne.startInProcess(env, ports, "--query.static-files=" + bundle);
    sendTraffic();
  }

  /** 120 server spans, half op-a and half op-b; 30 of op-a's fail. */
  private void sendTraffic() {
    OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
        .setEndpoint("http://127.0.0.1:" + ports.get("collector.otlp.http.host-port") + "/v1/traces").build();
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), SERVICE)))
        .addSpanProcessor(BatchSpanProcessor.builder(exporter).build()).build();
    try {
      Tracer t = provider.get("real-ui-test");
      for (int i = 0; i < CALLS; i++) {
        long end = System.currentTimeMillis() * 1_000_000L;
        boolean opA = i % 2 == 0;
        Span s = t.spanBuilder(opA ? "op-a" : "op-b").setSpanKind(SpanKind.SERVER)
            .setStartTimestamp(end - 5_000_000L, TimeUnit.NANOSECONDS).startSpan();
        if (opA && i / 2 < ERRORS_OF_OP_A) {
          s.setStatus(StatusCode.ERROR);
        }
        s.end(end, TimeUnit.NANOSECONDS);
      }
      assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    } finally {
      provider.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  @AfterAll
  void stop() {
    if (running != null) {
      running.close();
    }
  }

  @Test
  void monitorTab_showsOperationsWithRatesAndErrors() throws Exception {
    String base = "http://127.0.0.1:" + ports.get("query.http-server.host-port");
    try (Browser b = Browser.open()) {
      b.get(base + "/monitor");
      // the counts reach the in-process store asynchronously: reload until both operations are listed
      Map<String, String> rows = Map.of();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline) {
        rows = operationRows(b);
        if (rows.containsKey("op-a") && rows.containsKey("op-b")) {
          break;
        }
        b.get(base + "/monitor");
        new WebDriverWait(b.driver, Duration.ofSeconds(2)).until(d -> true);
      }
      b.screenshot("real-jaeger-ui-monitor");
      assertThat(rows).as("operations table of the real Jaeger UI").containsKeys("op-a", "op-b");
      assertThat(rows.get("op-a")).contains("req/s").doesNotContain("No data").doesNotContain("0 req/s");
      assertThat(rows.get("op-b")).contains("req/s");
      // op-a: 30 of 60 calls failed; op-b: none
      assertThat(rows.get("op-a")).contains("50");
      assertThat(b.driver.findElements(By.cssSelector("svg path")).size()).as("chart lines").isPositive();
      assertThat(b.takeConsoleErrors()).isEmpty();
    }
  }

  /** The visible rows of the operations table, keyed by their first cell. */
  private static Map<String, String> operationRows(Browser b) {
    Map<String, String> out = new LinkedHashMap<>();
    try {
      b.awaitPresent(By.cssSelector("table tbody tr"));
    } catch (RuntimeException e) {
      return out;
    }
    for (WebElement row : b.driver.findElements(By.cssSelector("table tbody tr"))) {
      List<WebElement> cells = row.findElements(By.tagName("td"));
      if (!cells.isEmpty()) {
        out.put(cells.get(0).getText().trim(), row.getText());
      }
    }
    return out;
  }
}
