// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import io.jaegerj.tls.TestPki;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A real single-node Cassandra 5.0 started as a child JVM on 127.0.0.1 with free ports, ONCE per test JVM
 * ({@link #shared()}); every test class uses its own keyspace. The server classpath is resolved from Maven Central
 * through {@code src/test/servers/cassandra-5/pom.xml} and cached under {@code target/servers}; the Java 17 JVM
 * options come from {@code cassandra-5/jvm-options.txt}. Stopped by a shutdown hook (and {@link #kill()} /
 * {@link #startProcess()}, {@link #pause()} / {@link #resume()} for e2e-tests' outage test). Skipped (not failed) when the classpath cannot be resolved,
 * except on CI.
 *
 * <p>One node covers plain and secured clients: {@code PasswordAuthenticator} (user {@link #USER}), and on the same
 * CQL port optional TLS with required client certificates (server and client certificates from
 * {@link TestPki}, files in {@link #pkiDir()}).
 */
public final class CassandraTestServer {
  public static final String USER = "cassandra";
  public static final String PASSWORD = "cassandra";
  private static CassandraTestServer shared;

  private TestPki serverPki;
  private TestPki clientPki;

  private final Path home;
  private final int cqlPort;
  private final int storagePort;
  private final Path logFile;
  private final List<String> command;
  private Process process;

  private CassandraTestServer() throws IOException {
    Path module = moduleDir();
    Path servers = module.resolve("target/servers");
    Files.createDirectories(servers);
    Path cpFile = servers.resolve("cassandra-5.classpath");
    if (!Files.exists(cpFile)) {
      resolveClasspath(module.resolve("src/test/servers/cassandra-5/pom.xml"), cpFile);
    }
    requireOrSkip(Files.exists(cpFile), "could not resolve the classpath of cassandra-5 (see " + cpFile + ".log)");
    this.home = Files.createTempDirectory("jaegerj-cassandra");
    this.cqlPort = freePort();
    int sp = freePort();
    while (sp == cqlPort) {
      sp = freePort();
    }
    this.storagePort = sp;
    this.logFile = servers.resolve("cassandra-5-" + cqlPort + ".log");
    try {
      // no IP in the certificate: connecting to 127.0.0.1 needs tls.server-name=localhost (or skip-host-verify)
      serverPki = TestPki.create(home, "server", "DNS:localhost");
      clientPki = TestPki.create(home, "client", "DNS:jaegerj-client");
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("client", clientPki.certificate());
      try (OutputStream out = Files.newOutputStream(home.resolve("trust.p12"))) {
        trust.store(out, TestPki.PASSWORD);
      }
    } catch (Exception e) {
      throw new IOException("cannot create the test certificates: " + e.getMessage(), e);
    }
    Path yaml = home.resolve("cassandra.yaml");
    Files.writeString(yaml, yaml(), StandardCharsets.UTF_8);
    Path logback = home.resolve("logback.xml");
    Files.writeString(logback, "<configuration><appender name=\"O\" class=\"ch.qos.logback.core.ConsoleAppender\">"
        + "<encoder><pattern>%d %-5level [%thread] %logger{0} - %msg%n</pattern></encoder></appender>"
        + "<root level=\"INFO\"><appender-ref ref=\"O\"/></root></configuration>", StandardCharsets.UTF_8);
    List<String> cmd = new ArrayList<>();
    cmd.add(System.getProperty("java.home") + "/bin/java");
    try (InputStream in = CassandraTestServer.class.getResourceAsStream("/cassandra-5/jvm-options.txt")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank()) {
          cmd.add(line.strip());
        }
      }
    }
    cmd.add("-Dcassandra.config=" + yaml.toUri());
    cmd.add("-Dcassandra.storagedir=" + home);
    cmd.add("-Dlogback.configurationFile=" + logback);
    cmd.add("-cp");
    cmd.add(Files.readString(cpFile).trim());
    cmd.add("org.apache.cassandra.service.CassandraDaemon");
    this.command = List.copyOf(cmd);
    Runtime.getRuntime().addShutdownHook(new Thread(this::destroy, "stop-cassandra"));
  }

  /** The node shared by every test of this JVM, started on first use. */
  public static synchronized CassandraTestServer shared() throws Exception {
    if (shared == null) {
      CassandraTestServer s = new CassandraTestServer();
      s.startProcess();
      shared = s;
    }
    if (!shared.process.isAlive()) {
      shared.startProcess();
    }
    return shared;
  }

  private String yaml() {
    String d = home.toString();
    return String.join("\n",
        "cluster_name: jaegerj-test",
        "num_tokens: 1",
        "initial_token: 0",
        "partitioner: org.apache.cassandra.dht.Murmur3Partitioner",
        "endpoint_snitch: SimpleSnitch",
        "seed_provider:",
        "  - class_name: org.apache.cassandra.locator.SimpleSeedProvider",
        "    parameters:",
        "      - seeds: \"127.0.0.1:" + storagePort + "\"",
        "listen_address: 127.0.0.1",
        "rpc_address: 127.0.0.1",
        "storage_port: " + storagePort,
        "native_transport_port: " + cqlPort,
        "start_native_transport: true",
        // acknowledged writes must survive SIGKILL (e2e-tests' outage test): in Cassandra's default periodic mode a
        // write is acknowledged before its commit log section is synced, and replay after a kill stops at the last
        // sync marker, so up to commitlog_sync_period of acknowledged writes are lost
        "commitlog_sync: group",
        "commitlog_sync_group_window: 10ms",
        "commitlog_segment_size: 8MiB",
        "data_file_directories: [" + d + "/data]",
        "commitlog_directory: " + d + "/commitlog",
        "saved_caches_directory: " + d + "/saved_caches",
        "hints_directory: " + d + "/hints",
        "cdc_raw_directory: " + d + "/cdc_raw",
        "memtable_heap_space: 64MiB",
        "memtable_offheap_space: 64MiB",
        "key_cache_size: 0MiB",
        "counter_cache_size: 0MiB",
        "concurrent_reads: 4",
        "concurrent_writes: 4",
        "concurrent_counter_writes: 4",
        "concurrent_compactors: 1",
        "auto_snapshot: false",
        "authenticator: PasswordAuthenticator",
        "authorizer: AllowAllAuthorizer",
        "dynamic_snitch: false",
        "client_encryption_options:",
        "  enabled: true",
        "  optional: true",
        "  keystore: " + d + "/server.p12",
        "  keystore_password: changeit",
        "  truststore: " + d + "/trust.p12",
        "  truststore_password: changeit",
        "  require_client_auth: true",
        "  store_type: PKCS12",
        "");
  }

  /** Starts the process (again, on the same data) and waits up to 120 s until the CQL port answers. */
  public synchronized void startProcess() throws Exception {
    process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("cassandra exited with " + process.exitValue() + ", see " + logFile);
      }
      if (listening() && canLogIn()) {
        return;
      }
      Thread.sleep(200);
    }
    destroy();
    throw new IllegalStateException("cassandra not ready within 120 s, see " + logFile);
  }

  private boolean listening() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", cqlPort), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The default superuser exists a moment after the port opens; a login proves the node serves. */
  private boolean canLogIn() {
    try (CqlSession s = CqlSession.builder().addContactPoint(new InetSocketAddress("127.0.0.1", cqlPort))
        .withLocalDatacenter("datacenter1").withAuthCredentials(USER, PASSWORD).build()) {
      return s.execute("SELECT release_version FROM system.local").one() != null;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Server certificate (CA for clients) and the client certificate/key the server trusts. */
  TestPki serverPki() {
    return serverPki;
  }

  TestPki clientPki() {
    return clientPki;
  }

  Path pkiDir() {
    return home;
  }

  public int cqlPort() {
    return cqlPort;
  }

  /** Freezes the node's JVM (SIGSTOP): connections stay open, nothing is answered until {@link #resume()}. */
  public void pause() throws Exception {
    signal("STOP");
  }

  /** Lets a {@linkplain #pause() paused} node run again (SIGCONT). */
  public void resume() throws Exception {
    signal("CONT");
  }

  private void signal(String name) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
    }
  }

  /**
   * Kills the node (SIGKILL, which also ends a paused JVM), keeping its data; {@link #startProcess()} brings it
   * back.
   */
  public synchronized void kill() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void destroy() {
    kill();
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

  static Path moduleDir() {
    Path p = Path.of("").toAbsolutePath();
    if (Files.exists(p.resolve("src/test/servers/cassandra-5"))) {
      return p;
    }
    if (Files.exists(p.resolve("storage-cassandra/src/test/servers"))) {
      return p.resolve("storage-cassandra");
    }
    return p.resolveSibling("storage-cassandra"); // a sibling module of the reactor (e2e-tests)
  }

  private static void resolveClasspath(Path pom, Path out) {
    List<String> cmd = List.of("mvn", "-q", "-B", "-f", pom.toString(), "dependency:build-classpath",
        "-Dmdep.outputFile=" + out.toAbsolutePath());
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(new File(out + ".log"))).start();
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
