// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.jaegerj.proto.api_v2.RateLimitingSamplingStrategy;
import io.jaegerj.proto.api_v2.SamplingStrategyResponse;
import io.jaegerj.proto.api_v2.SamplingStrategyType;
import io.jaegerj.testing.Poll;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStrategyProviderTest {
  @TempDir
  Path dir;

  private Path write(String json) throws Exception {
    Path p = dir.resolve("s-" + System.nanoTime() + ".json");
    Files.writeString(p, json);
    return p;
  }

  @Test
  void noFile_everyServiceGetsDefaultProbability() {
    try (FileStrategyProvider p = FileStrategyProvider.create("", Duration.ZERO, 0.25)) {
      assertThat(SamplingJson.write(p.strategy("x")))
          .isEqualTo("{\"strategyType\":\"PROBABILISTIC\",\"probabilisticSampling\":{\"samplingRate\":0.25}}");
    }
  }

  @Test
  void defaultOperations_inheritedCopiedAndMerged() throws Exception {
    Path f = write("""
        {"default_strategy":{"type":"probabilistic","param":0.5,"operation_strategies":[
            {"operation":"/health","type":"probabilistic","param":0.0},
            {"operation":"/login","type":"probabilistic","param":0.9}]},
         "service_strategies":[
            {"service":"plain","type":"probabilistic","param":0.3},
            {"service":"limited","type":"ratelimiting","param":7.9},
            {"service":"own","type":"probabilistic","param":0.6,"operation_strategies":[
                {"operation":"/login","type":"probabilistic","param":0.1},
                {"operation":"/rl","type":"ratelimiting","param":3},
                {"operation":"/weird","type":"sideways","param":3}]}]}
        """);
    try (FileStrategyProvider p = FileStrategyProvider.create(f.toString(), Duration.ZERO, 0.001)) {
      SamplingStrategyResponse plain = p.strategy("plain");
      assertThat(plain.getOperationSampling().getDefaultSamplingProbability()).isEqualTo(0.3);
      assertThat(plain.getOperationSampling().getPerOperationStrategiesList()).extracting(o -> o.getOperation())
          .containsExactly("/health", "/login");

      SamplingStrategyResponse limited = p.strategy("limited");
      assertThat(limited.getStrategyType()).isEqualTo(SamplingStrategyType.RATE_LIMITING);
      assertThat(limited.getRateLimitingSampling().getMaxTracesPerSecond()).isEqualTo(7);
      assertThat(limited.getOperationSampling().getDefaultSamplingProbability()).isEqualTo(0.5);

      SamplingStrategyResponse own = p.strategy("own");
      assertThat(SamplingJson.write(own)).isEqualTo("{\"strategyType\":\"PROBABILISTIC\",\"probabilisticSampling\":"
          + "{\"samplingRate\":0.6},\"operationSampling\":{\"defaultSamplingProbability\":0.6,"
          + "\"defaultLowerBoundTracesPerSecond\":0,\"perOperationStrategies\":["
          + "{\"operation\":\"/login\",\"probabilisticSampling\":{\"samplingRate\":0.1}},"
          + "{\"operation\":\"/weird\",\"probabilisticSampling\":{\"samplingRate\":0.001}},"
          + "{\"operation\":\"/health\",\"probabilisticSampling\":{\"samplingRate\":0}}],"
          + "\"defaultUpperBoundTracesPerSecond\":0}}");

      assertThat(p.strategy("unknown").getOperationSampling().getPerOperationStrategiesCount()).isEqualTo(2);
    }
  }

  @Test
  void invalidOrMissingFile_failsAtStart_nullDocumentMeansDefaults() throws Exception {
    assertThatThrownBy(() -> FileStrategyProvider.create(dir.resolve("none.json").toString(), Duration.ZERO, 0.1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sampling.strategies-file");
    Path bad = write("{\"default_strategy\":");
    assertThatThrownBy(() -> FileStrategyProvider.create(bad.toString(), Duration.ZERO, 0.1))
        .isInstanceOf(IllegalArgumentException.class);
    try (FileStrategyProvider p = FileStrategyProvider.create(write("null").toString(), Duration.ZERO, 0.1)) {
      assertThat(p.strategy("a").getProbabilisticSampling().getSamplingRate()).isEqualTo(0.1);
    }
    assertThatThrownBy(() -> FileStrategyProvider.create("", Duration.ZERO, 1.5))
        .hasMessageContaining("sampling.default-sampling-probability");
  }

  @Test
  void reload_changedValidDocumentReplaces_invalidKeepsOld() throws Exception {
    Path f = write("{\"default_strategy\":{\"type\":\"probabilistic\",\"param\":0.1}}");
    try (FileStrategyProvider p = FileStrategyProvider.create(f.toString(), Duration.ofMillis(20), 0.001)) {
      Files.writeString(f, "{\"default_strategy\":{\"type\":\"probabilistic\",\"param\":0.2}}");
      awaitRate(p, 0.2);
      Files.writeString(f, "{broken");
      Thread.sleep(100);
      assertThat(p.strategy("x").getProbabilisticSampling().getSamplingRate()).isEqualTo(0.2);
      Files.writeString(f, "{\"default_strategy\":{\"type\":\"probabilistic\",\"param\":0.3}}");
      awaitRate(p, 0.3);
    }
  }

  @Test
  void url_servedOver_http_503MeansDefaults() throws Exception {
    AtomicInteger status = new AtomicInteger(200);
    AtomicReference<String> body = new AtomicReference<>(
        "{\"service_strategies\":[{\"service\":\"s\",\"type\":\"ratelimiting\",\"param\":2}]}");
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/strategies", ex -> {
      byte[] b = body.get().getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(status.get(), b.length);
      ex.getResponseBody().write(b);
      ex.close();
    });
    server.start();
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/strategies";
      try (FileStrategyProvider p = FileStrategyProvider.create(url, Duration.ZERO, 0.001)) {
        assertThat(p.strategy("s").getRateLimitingSampling().getMaxTracesPerSecond()).isEqualTo(2);
      }
      status.set(503);
      try (FileStrategyProvider p = FileStrategyProvider.create(url, Duration.ZERO, 0.004)) {
        assertThat(p.strategy("s").getProbabilisticSampling().getSamplingRate()).isEqualTo(0.004);
      }
      status.set(500);
      assertThatThrownBy(() -> FileStrategyProvider.create(url, Duration.ZERO, 0.001))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("500");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void legacyJson_rateLimitAboveInt16_refused() {
    SamplingStrategyResponse big = SamplingStrategyResponse.newBuilder()
        .setStrategyType(SamplingStrategyType.RATE_LIMITING)
        .setRateLimitingSampling(RateLimitingSamplingStrategy.newBuilder()
            .setMaxTracesPerSecond(40000)).build();
    assertThat(SamplingJson.write(big)).contains("40000");
    assertThatThrownBy(() -> SamplingJson.writeLegacy(big)).isInstanceOf(IllegalArgumentException.class);
  }

  private static void awaitRate(FileStrategyProvider p, double rate) throws Exception {
    assertThat(Poll.read(Duration.ofSeconds(5), () -> p.strategy("x").getProbabilisticSampling().getSamplingRate(),
        r -> r == rate)).isEqualTo(rate);
  }
}
