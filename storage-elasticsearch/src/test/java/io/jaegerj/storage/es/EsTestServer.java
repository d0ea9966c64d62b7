// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es;

import io.jaegerj.testing.Poll;
import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A real single-node OpenSearch / Elasticsearch started as a child JVM on 127.0.0.1 with free ports. The server's
 * classpath is resolved from Maven Central through a throw-away pom ({@code src/test/servers/<name>/pom.xml}) and
 * cached under {@code target/servers}; its launcher source runs as a single-file program. Tests are skipped (not
 * failed) when the classpath cannot be resolved or the needed JDK is missing. Stopped by {@link #stop()} and by a
 * shutdown hook. Public (and in this module's test-jar) so that end-to-end tests of other modules start the same servers.
 */
public final class EsTestServer {
  /** The servers this module knows how to start. */
  public enum Kind {
    OPENSEARCH_2("opensearch-2", null),
    OPENSEARCH_3("opensearch-3", "/usr/lib/jvm/temurin-25-jdk-amd64"),
    ELASTICSEARCH_7("elasticsearch-7", null);

    final String dir;
    final String javaHome;

    Kind(String dir, String javaHome) {
      this.dir = dir;
      this.javaHome = javaHome;
    }
  }

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();
  private static final Pattern COUNT = Pattern.compile("\"count\"\\s*:\\s*(\\d+)");

  private final Kind kind;
  private final Path home;
  private final int httpPort;
  private final int transportPort;
  private final Path logFile;
  private final List<String> command;
  private Process process;
  private final Thread hook;

  private EsTestServer(Kind kind) throws IOException {
    this.kind = kind;
    Path module = moduleDir();
    Path servers = module.resolve("target/servers");
    Files.createDirectories(servers);
    Path cpFile = servers.resolve(kind.dir + ".classpath");
    if (!Files.exists(cpFile)) {
      resolveClasspath(module.resolve("src/test/servers/" + kind.dir + "/pom.xml"), cpFile);
    }
    requireOrSkip(Files.exists(cpFile), "could not resolve the classpath of " + kind.dir);
    String java = (kind.javaHome != null ? kind.javaHome : System.getProperty("java.home")) + "/bin/java";
    requireOrSkip(new File(java).canExecute(), "JDK needed for " + kind.dir + " is missing: " + java);
    this.home = Files.createTempDirectory("jaegerj-" + kind.dir);
    this.httpPort = freePort();
    this.transportPort = freePort();
    this.logFile = servers.resolve(kind.dir + "-" + httpPort + ".log");
    this.command = List.of(java, "-Xms256m", "-Xmx256m", "-XX:+UseSerialGC", "-Dlog4j2.disable.jmx=true",
        "-cp", Files.readString(cpFile).trim(),
        module.resolve("src/test/servers/" + kind.dir + "/Launcher.java").toString(),
        home.toString(), Integer.toString(httpPort), Integer.toString(transportPort));
    this.hook = new Thread(this::kill, "stop-" + kind.dir);
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Starts the server and waits (up to 120 s) until {@code GET /} answers. */
  public static EsTestServer start(Kind kind) throws Exception {
    EsTestServer s = new EsTestServer(kind);
    s.startProcess();
    return s;
  }

  void startProcess() throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    process = pb.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(kind.dir + " exited with " + process.exitValue() + ", see " + logFile);
      }
      if (answers()) {
        return;
      }
      Thread.sleep(250);
    }
    kill();
    throw new IllegalStateException(kind.dir + " not ready within 120 s, see " + logFile);
  }

  private boolean answers() {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create(url() + "/").toURL().openConnection();
      c.setConnectTimeout(1000);
      c.setReadTimeout(2000);
      try {
        return c.getResponseCode() == 200;
      } finally {
        c.disconnect();
      }
    } catch (IOException e) {
      return false;
    }
  }

  public String url() {
    return "http://127.0.0.1:" + httpPort;
  }

  /** One HTTP request to the server with a JSON body (or none); the answer whatever its status. */
  public HttpResponse<String> request(String method, String path, String json) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path))
        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json");
    b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Refreshes and counts the documents of the indices matching {@code indexPattern} until the count is
   * {@code expected} or {@code timeout} passes; returns the last answer: the count, or the status and body of a
   * count that failed. Right after a writer creates a daily index its shard may not have started, and the server
   * answers the count with 503 "all shards failed": that means "not yet", so it is polled again, not failed.
   */
  public String awaitCount(String indexPattern, long expected, Duration timeout) throws Exception {
    return Poll.read(timeout, () -> {
      request("POST", "/" + indexPattern + "/_refresh?ignore_unavailable=true&allow_no_indices=true", null);
      HttpResponse<String> r = request("GET", "/" + indexPattern + "/_count", null);
      Matcher m = COUNT.matcher(r.body());
      return r.statusCode() == 200 && m.find() ? m.group(1) : r.statusCode() + " " + r.body();
    }, answer -> answer.equals(Long.toString(expected)));
  }

  /** Freezes the server's JVM (SIGSTOP): connections stay open, nothing is answered until {@link #resume()}. */
  public void pause() throws Exception {
    signal("STOP");
  }

  /** Lets a {@linkplain #pause() paused} server run again (SIGCONT). */
  public void resume() throws Exception {
    signal("CONT");
  }

  private void signal(String name) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
    }
  }

  Kind kind() {
    return kind;
  }

  /** Stops the process, keeping the data directory so that {@link #startProcess()} can bring it back. */
  void kill() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  public void stop() {
    kill(); // SIGKILL also ends a paused JVM
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down
    }
    try (Stream<Path> walk = Files.walk(home)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // temp dir; best effort
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static Path moduleDir() {
    Path p = Path.of("").toAbsolutePath();
    if (Files.exists(p.resolve("src/test/servers"))) {
      return p;
    }
    if (Files.exists(p.resolve("storage-elasticsearch/src/test/servers"))) {
      return p.resolve("storage-elasticsearch");
    }
    return p.resolveSibling("storage-elasticsearch"); // a sibling module of the reactor (e2e-tests)
  }

  private static void resolveClasspath(Path pom, Path out) {
    List<String> cmd = new ArrayList<>(List.of("mvn", "-q", "-B", "-f", pom.toString(),
        "dependency:build-classpath", "-Dmdep.outputFile=" + out.toAbsolutePath()));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(out.resolveSibling(out.getFileName() + ".log").toFile()))
          .start();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
      }
    } catch (IOException e) {
      // no mvn on the PATH: the caller skips the test
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
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
