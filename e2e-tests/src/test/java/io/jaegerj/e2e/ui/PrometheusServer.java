// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.e2e.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jaegerj.testing.Poll;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Prometheus (Debian's {@code /usr/bin/prometheus}) on a free loopback port with a throw-away TSDB, scraping
 * one target every second. Killed with the test JVM.
 */
final class PrometheusServer implements AutoCloseable {
  static final String BINARY = "/usr/bin/prometheus";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final Path dir;
  final String url;

  private PrometheusServer(Process process, Path dir, String url) {
    this.process = process;
    this.dir = dir;
    this.url = url;
  }

  /** Skips on a developer machine without Prometheus; on CI (CI=true) a missing binary fails. */
  static void requireOrSkip() {
    boolean present = new File(BINARY).canExecute();
    String message = "Prometheus is not installed (apt-get install -y prometheus; scripts/test.sh does it)";
    if ("true".equals(System.getenv("CI"))) {
      Assertions.assertTrue(present, message);
    } else {
      Assumptions.assumeTrue(present, message);
    }
  }

  /** Starts Prometheus scraping {@code 127.0.0.1:<targetPort>/metrics} (job {@code jaegerj}) and waits for ready. */
  static PrometheusServer start(int port, int targetPort) throws Exception {
    Path dir = Files.createTempDirectory("spm-prometheus");
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
        + "scrape_configs:\n"
        + "  - job_name: jaegerj\n"
        + "    static_configs: [{targets: ['127.0.0.1:" + targetPort + "']}]\n");
    Process p = new ProcessBuilder(BINARY, "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
        "--web.listen-address=127.0.0.1:" + port)
        .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
    Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
    PrometheusServer server = new PrometheusServer(p, dir, "http://127.0.0.1:" + port);
    try {
      server.awaitReady();
    } catch (Exception | AssertionError e) {
      server.close();
      throw e;
    }
    return server;
  }

  private void awaitReady() throws Exception {
    Poll.until("prometheus ready on " + url, Duration.ofSeconds(30), () -> {
      if (!process.isAlive()) {
        throw new AssertionError("prometheus exited: " + Files.readString(dir.resolve("prometheus.log")));
      }
      try {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url + "/-/ready")).build(),
            HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
      } catch (IOException e) {
        return false; // not listening yet
      }
    });
  }

  /** The value of an instant query returning one sample, or NaN when it returns none. */
  double scalar(String promQl) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/query?query="
        + URLEncoder.encode(promQl, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
    JsonNode result = JSON.readTree(r.body()).path("data").path("result");
    return result.isEmpty() ? Double.NaN : Double.parseDouble(result.get(0).path("value").get(1).asText());
  }

  /** Polls until the instant query's single value equals {@code expected}. */
  void awaitValue(String promQl, double expected, Duration timeout) throws Exception {
    Poll.until(promQl + " = " + expected, timeout, () -> scalar(promQl), v -> v == expected);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a left-over temp directory is harmless
    }
  }
}
