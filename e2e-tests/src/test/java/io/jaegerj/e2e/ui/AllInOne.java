// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.e2e.ui;

import io.jaegerj.allinone.AllInOneMain;
import io.jaegerj.config.Flag;
import io.jaegerj.model.Span;
import io.jaegerj.model.TraceId;
import io.jaegerj.server.JaegerMain;
import io.jaegerj.testing.Poll;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * An all-in-one (collector + query, memory storage) started in this JVM on free 127.0.0.1 ports. Test data goes in
 * through the collector's OTLP HTTP receiver; if that receiver does not accept it, through the binary's storage.
 */
final class AllInOne implements UiServer {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final JaegerMain.Running running;
  private final String baseUrl;
  private final int otlpHttpPort;
  private String route = "none yet";

  private AllInOne(JaegerMain.Running running, String baseUrl, int otlpHttpPort) {
    this.running = running;
    this.baseUrl = baseUrl;
    this.otlpHttpPort = otlpHttpPort;
  }

  /**
   * Starts on fresh ports. A port probed free can be taken by another process before the binary binds it, so a
   * bind failure is retried with new ports a few times.
   */
  static AllInOne start(String basePath, String... extraArgs) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return startOnce(basePath, extraArgs);
      } catch (IllegalArgumentException e) {
        if (attempt >= 3 || e.getMessage() == null || !e.getMessage().contains("address already in use")) {
          throw e;
        }
      }
    }
  }

  private static AllInOne startOnce(String basePath, String... extraArgs) throws Exception {
    int http = freePort();
    int otlpHttp = freePort();
    Map<String, String> env = new LinkedHashMap<>();
    env.put("SPAN_STORAGE_TYPE", "memory");
    // Every listener the binary declares goes to a free loopback port, so parallel builds cannot collide.
    List<String> args = new ArrayList<>();
    for (Flag f : JaegerMain.flags(AllInOneMain.spec(), env)) {
      if (f.type() != Flag.Type.HOST_PORT || f.defaultValue().isEmpty()) {
        continue;
      }
      int port = f.name().equals("query.http-server.host-port") ? http
          : f.name().equals("collector.otlp.http.host-port") ? otlpHttp
          : freePort();
      args.add("--" + f.name() + "=127.0.0.1:" + port);
    }
    if (!basePath.equals("/")) {
      args.add("--query.base-path=" + basePath);
    }
    args.addAll(List.of(extraArgs));
    JaegerMain.Running running = JaegerMain.start(AllInOneMain.spec(), args.toArray(String[]::new), env);
    String base = "http://127.0.0.1:" + http + (basePath.equals("/") ? "/" : basePath + "/");
    AllInOne server = new AllInOne(running, base, otlpHttp);
    try {
      server.awaitUi();
    } catch (Exception | AssertionError e) {
      server.close();
      throw e;
    }
    return server;
  }

  @Override
  public String baseUrl() {
    return baseUrl;
  }

  @Override
  public String ingestRoute() {
    return route;
  }

  @Override
  public void ingest(List<Span> spans) throws Exception {
    if (!postOtlp(spans)) {
      running.storage().writer().write("", spans).toCompletableFuture().get(30, TimeUnit.SECONDS);
      route = "storage writer of the running binary";
    }
    Map<TraceId, Integer> expected = new LinkedHashMap<>();
    for (Span s : spans) {
      expected.merge(s.traceId(), 1, Integer::sum);
    }
    for (Map.Entry<TraceId, Integer> e : expected.entrySet()) {
      awaitTrace(e.getKey(), e.getValue());
    }
  }

  private boolean postOtlp(List<Span> spans) {
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + otlpHttpPort + "/v1/traces"))
          .timeout(Duration.ofSeconds(30))
          .header("Content-Type", "application/x-protobuf")
          .POST(HttpRequest.BodyPublishers.ofByteArray(OtlpEncoder.encode(spans).toByteArray()))
          .build();
      int status = HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
      if (status == 200) {
        route = "collector OTLP HTTP receiver (/v1/traces, protobuf)";
        return true;
      }
      return false;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void awaitTrace(TraceId id, int spanCount) throws Exception {
    HttpResponse<String> r = Poll.read(Duration.ofSeconds(30), () -> get("api/traces/" + id),
        a -> a.statusCode() == 200 && countOccurrences(a.body(), "\"spanID\"") >= spanCount);
    if (r.statusCode() != 200 || countOccurrences(r.body(), "\"spanID\"") < spanCount) {
      String body = r.body();
      throw new AssertionError("trace " + id + " not readable with " + spanCount + " spans; last answer starts: "
          + body.substring(0, Math.min(300, body.length())));
    }
  }

  private void awaitUi() throws Exception {
    Poll.until("the query service answering on " + baseUrl, Duration.ofSeconds(30), () -> {
      try {
        return get("search").statusCode() == 200 && get("api/services").statusCode() == 200;
      } catch (IOException e) {
        return false; // not listening yet
      }
    });
  }

  HttpResponse<String> get(String rel) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + rel)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int countOccurrences(String s, String needle) {
    int n = 0;
    for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + needle.length())) {
      n++;
    }
    return n;
  }

  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  /** A loopback port that is free now and was not handed out before in this JVM. */
  /**
   * Starts an all-in-one in this JVM with {@code env}, every listener on a free loopback port (recorded in
   * {@code ports} by flag name), plus {@code extraArgs}.
   */
  static JaegerMain.Running startInProcess(Map<String, String> env, Map<String, Integer> ports, String... extraArgs)
      throws Exception {
    List<String> args = new ArrayList<>();
    for (Flag f : JaegerMain.flags(AllInOneMain.spec(), env)) {
      if (f.type() == Flag.Type.HOST_PORT && !f.defaultValue().isEmpty()) {
        int port = freePort();
        ports.put(f.name(), port);
        args.add("--" + f.name() + "=127.0.0.1:" + port);
      }
    }
    args.addAll(List.of(extraArgs));
    return JaegerMain.start(AllInOneMain.spec(), args.toArray(String[]::new), env);
  }

  static int freePort() throws IOException {
    while (true) {
      try (ServerSocket s = new ServerSocket(0)) {
        if (HANDED_OUT.add(s.getLocalPort())) {
          return s.getLocalPort();
        }
      }
    }
  }

  @Override
  public void close() {
    running.close();
  }
}
