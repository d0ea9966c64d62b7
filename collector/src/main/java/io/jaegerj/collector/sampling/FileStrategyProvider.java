// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.sampling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jaegerj.proto.api_v2.OperationSamplingStrategy;
import io.jaegerj.proto.api_v2.PerOperationSamplingStrategies;
import io.jaegerj.proto.api_v2.ProbabilisticSamplingStrategy;
import io.jaegerj.proto.api_v2.RateLimitingSamplingStrategy;
import io.jaegerj.proto.api_v2.SamplingStrategyResponse;
import io.jaegerj.proto.api_v2.SamplingStrategyType;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Static strategies from {@code --sampling.strategies-file} (a path or an http(s) URL), optionally re-read every
 * {@code --sampling.strategies-reload-interval}. Without a file every service gets the default probability.
 * Lookups read an immutable snapshot; reloads swap it. Thread-safe.
 */
public final class FileStrategyProvider implements StrategyProvider, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FileStrategyProvider.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Duration URL_TIMEOUT = Duration.ofSeconds(1);

  private record Snapshot(SamplingStrategyResponse defaultStrategy, Map<String, SamplingStrategyResponse> services) {}

  private final String source;
  private final double defaultProbability;
  private final HttpClient http;
  private volatile Snapshot snapshot;
  private volatile byte[] lastDocument;
  private ScheduledExecutorService reloader;

  private FileStrategyProvider(String source, double defaultProbability) {
    this.source = source;
    this.defaultProbability = defaultProbability;
    this.http = isUrl(source) ? HttpClient.newBuilder().connectTimeout(URL_TIMEOUT).build() : null;
  }

  /**
   * Loads the strategies (failing on an unreadable or invalid document) and schedules reloads.
   *
   * @param source path or URL; empty for "no file"
   * @param reloadInterval zero for no reloading
   * @throws IllegalArgumentException naming the flag when the document cannot be loaded
   */
  public static FileStrategyProvider create(String source, Duration reloadInterval, double defaultProbability) {
    if (!(defaultProbability >= 0 && defaultProbability <= 1)) {
      throw new IllegalArgumentException("sampling.default-sampling-probability: " + defaultProbability
          + " (expected: between 0 and 1)");
    }
    FileStrategyProvider p = new FileStrategyProvider(source, defaultProbability);
    if (source.isEmpty()) {
      p.snapshot = new Snapshot(probabilistic(defaultProbability), Map.of());
      return p;
    }
    try {
      byte[] doc = p.read();
      p.snapshot = p.parse(doc);
      p.lastDocument = doc;
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("--sampling.strategies-file: failed to load sampling strategies from "
          + source + ": " + e.getMessage(), e);
    }
    if (!reloadInterval.isZero() && !reloadInterval.isNegative()) {
      p.reloader = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jaeger-sampling-reload");
        t.setDaemon(true);
        return t;
      });
      long ms = Math.max(1, reloadInterval.toMillis());
      p.reloader.scheduleWithFixedDelay(p::reload, ms, ms, TimeUnit.MILLISECONDS);
    }
    return p;
  }

  @Override
  public SamplingStrategyResponse strategy(String serviceName) {
    Snapshot s = snapshot;
    SamplingStrategyResponse r = s.services().get(serviceName);
    return r != null ? r : s.defaultStrategy();
  }

  @Override
  public void close() {
    if (reloader != null) {
      reloader.shutdownNow();
    }
  }

  /** Re-reads the document; a changed valid one replaces the strategies, errors keep the old ones. */
  void reload() {
    try {
      byte[] doc = read();
      if (Arrays.equals(doc, lastDocument)) {
        return;
      }
      snapshot = parse(doc);
      lastDocument = doc;
      LOG.info("Updated sampling strategies from {}", source);
    } catch (Exception e) {
      LOG.warn("Failed to reload sampling strategies from {}; keeping the previous ones", source, e);
    }
  }

  private static boolean isUrl(String s) {
    return s.startsWith("http://") || s.startsWith("https://");
  }

  private byte[] read() throws IOException {
    if (http == null) {
      return Files.readAllBytes(Path.of(source));
    }
    HttpRequest req = HttpRequest.newBuilder(URI.create(source)).timeout(URL_TIMEOUT).GET().build();
    HttpResponse<byte[]> resp;
    try {
      resp = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (resp.statusCode() == 503) {
      // Jaeger reads "service unavailable" as "no strategies yet": the defaults apply.
      return "null".getBytes(StandardCharsets.UTF_8);
    }
    if (resp.statusCode() != 200) {
      throw new IOException("status code " + resp.statusCode() + " from " + source);
    }
    return resp.body();
  }

  Snapshot parse(byte[] doc) throws IOException {
    JsonNode root = MAPPER.readTree(doc);
    SamplingStrategyResponse def = probabilistic(defaultProbability);
    Map<String, SamplingStrategyResponse> services = new HashMap<>();
    if (root == null || root.isNull() || root.isMissingNode()) {
      return new Snapshot(def, Map.of());
    }
    if (!root.isObject()) {
      throw new IOException("strategies document must be a JSON object");
    }
    JsonNode d = root.get("default_strategy");
    if (d != null && !d.isNull()) {
      def = serviceStrategy(d);
    }
    JsonNode list = root.get("service_strategies");
    if (list != null && !list.isNull()) {
      if (!list.isArray()) {
        throw new IOException("service_strategies must be an array");
      }
      for (JsonNode s : list) {
        SamplingStrategyResponse r = serviceStrategy(s);
        if (def.hasOperationSampling()) {
          r = inheritDefaultOperations(r, def.getOperationSampling());
        }
        services.put(text(s.get("service")), r);
      }
    }
    return new Snapshot(def, Map.copyOf(services));
  }

  private static SamplingStrategyResponse inheritDefaultOperations(SamplingStrategyResponse r,
      PerOperationSamplingStrategies defaults) {
    if (!r.hasOperationSampling()) {
      PerOperationSamplingStrategies.Builder copy = defaults.toBuilder();
      if (r.hasProbabilisticSampling()) {
        copy.setDefaultSamplingProbability(r.getProbabilisticSampling().getSamplingRate());
      }
      return r.toBuilder().setOperationSampling(copy).build();
    }
    Set<String> own = new HashSet<>();
    for (OperationSamplingStrategy o : r.getOperationSampling().getPerOperationStrategiesList()) {
      own.add(o.getOperation());
    }
    PerOperationSamplingStrategies.Builder merged = r.getOperationSampling().toBuilder();
    for (OperationSamplingStrategy o : defaults.getPerOperationStrategiesList()) {
      if (!own.contains(o.getOperation())) {
        merged.addPerOperationStrategies(o);
      }
    }
    return r.toBuilder().setOperationSampling(merged).build();
  }

  private SamplingStrategyResponse serviceStrategy(JsonNode n) throws IOException {
    if (!n.isObject()) {
      throw new IOException("a strategy must be a JSON object");
    }
    SamplingStrategyResponse r = strategy(n);
    JsonNode ops = n.get("operation_strategies");
    if (ops == null || ops.isNull() || ops.size() == 0) {
      return r;
    }
    if (!ops.isArray()) {
      throw new IOException("operation_strategies must be an array");
    }
    PerOperationSamplingStrategies.Builder os = PerOperationSamplingStrategies.newBuilder()
        .setDefaultSamplingProbability(r.getStrategyType() == SamplingStrategyType.PROBABILISTIC
            ? r.getProbabilisticSampling().getSamplingRate() : defaultProbability);
    for (JsonNode o : ops) {
      SamplingStrategyResponse s = strategy(o);
      if (s.getStrategyType() == SamplingStrategyType.RATE_LIMITING) {
        LOG.warn("Ignoring rate-limiting strategy of operation {}: only probabilistic is supported per operation",
            text(o.get("operation")));
        continue;
      }
      os.addPerOperationStrategies(OperationSamplingStrategy.newBuilder().setOperation(text(o.get("operation")))
          .setProbabilisticSampling(s.getProbabilisticSampling()));
    }
    return r.toBuilder().setOperationSampling(os).build();
  }

  private SamplingStrategyResponse strategy(JsonNode n) throws IOException {
    String type = text(n.get("type"));
    double param = number(n.get("param"));
    switch (type) {
      case "probabilistic":
        return probabilistic(param);
      case "ratelimiting":
        return SamplingStrategyResponse.newBuilder().setStrategyType(SamplingStrategyType.RATE_LIMITING)
            .setRateLimitingSampling(RateLimitingSamplingStrategy.newBuilder().setMaxTracesPerSecond((int) (long) param))
            .build();
      default:
        LOG.warn("Unknown sampling strategy type \"{}\"; using the default probability", type);
        return probabilistic(defaultProbability);
    }
  }

  static SamplingStrategyResponse probabilistic(double rate) {
    return SamplingStrategyResponse.newBuilder().setStrategyType(SamplingStrategyType.PROBABILISTIC)
        .setProbabilisticSampling(ProbabilisticSamplingStrategy.newBuilder().setSamplingRate(rate)).build();
  }

  private static String text(JsonNode n) throws IOException {
    if (n == null || n.isNull()) {
      return "";
    }
    if (!n.isTextual()) {
      throw new IOException("expected a string, got " + n);
    }
    return n.textValue();
  }

  private static double number(JsonNode n) throws IOException {
    if (n == null || n.isNull()) {
      return 0;
    }
    if (!n.isNumber()) {
      throw new IOException("param must be a number, got " + n);
    }
    return n.doubleValue();
  }
}
