// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.kafka;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A real single-node Kafka (KRaft, broker and controller in one process) started as a child JVM on 127.0.0.1 with
 * free ports. Its classpath is resolved from Maven Central through the throw-away pom
 * {@code storage-kafka/src/test/servers/kafka/pom.xml} and cached in {@code storage-kafka/target/servers}; the data
 * directory is formatted with {@code StorageTool} first. Skipped (not failed) off CI when the classpath cannot be
 * resolved. Stopped by {@link #stop()} and by a shutdown hook.
 */
public final class KafkaTestServer {
  private final Path logDir;
  private final int port;
  private final Path logFile;
  private final List<String> command;
  private final Thread hook;
  private Process process;
  /** Ports of the secured listeners (0 when started by {@link #start()}). */
  private int saslPlaintextPort;
  private int sslPort;
  private int saslSslPort;
  private int kerberosPort;
  private Path certs;

  /**
   * What a broker needs to accept SASL/GSSAPI: the {@code krb5.conf} naming the KDC, the keytab of its service
   * principal and that principal ({@code kafka/localhost@REALM}).
   */
  public record Kerberos(Path krb5Conf, Path keytab, String principal) {}

  /** SASL user known to the secured broker, for PLAIN and both SCRAM mechanisms. */
  public static final String USER = "jaeger";
  public static final String PASSWORD = "jaeger-secret";

  private KafkaTestServer() throws Exception {
    this(false, null);
  }

  private KafkaTestServer(boolean secured, Kerberos kerberos) throws Exception {
    Path module = moduleDir();
    Path servers = module.resolve("target/servers");
    Files.createDirectories(servers);
    Path cpFile = servers.resolve("kafka.classpath");
    if (!Files.exists(cpFile)) {
      resolveClasspath(module.resolve("src/test/servers/kafka/pom.xml"), cpFile);
    }
    requireOrSkip(Files.exists(cpFile), "could not resolve the Kafka broker's classpath");
    String java = System.getProperty("java.home") + "/bin/java";
    String cp = Files.readString(cpFile).trim();
    this.logDir = Files.createTempDirectory("jaegerj-kafka");
    this.port = freePort();
    int controller = freePort();
    this.logFile = servers.resolve("kafka-" + port + ".log");
    Path props = logDir.resolve("server.properties");
    String listeners = "PLAINTEXT://127.0.0.1:" + port;
    List<String> security = new ArrayList<>();
    if (secured) {
      saslPlaintextPort = freePort();
      sslPort = freePort();
      saslSslPort = freePort();
      certs = Files.createDirectories(logDir.resolve("certs"));
      TestCerts.create(certs);
      listeners += ",SASL_PLAINTEXT://127.0.0.1:" + saslPlaintextPort + ",SSL://127.0.0.1:" + sslPort
          + ",SASL_SSL://127.0.0.1:" + saslSslPort;
      security.add("sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512");
      for (String l : List.of("sasl_plaintext", "sasl_ssl")) {
        security.add("listener.name." + l + ".plain.sasl.jaas.config="
            + "org.apache.kafka.common.security.plain.PlainLoginModule required user_" + USER + "=\"" + PASSWORD
            + "\";");
        for (String m : List.of("scram-sha-256", "scram-sha-512")) {
          security.add("listener.name." + l + "." + m + ".sasl.jaas.config="
              + "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        }
      }
      for (String l : List.of("ssl", "sasl_ssl")) {
        security.add("listener.name." + l + ".ssl.keystore.type=PEM");
        security.add("listener.name." + l + ".ssl.keystore.location=" + certs.resolve("server-keystore.pem"));
        security.add("listener.name." + l + ".ssl.truststore.type=PEM");
        security.add("listener.name." + l + ".ssl.truststore.location=" + certs.resolve("ca.pem"));
      }
      security.add("listener.name.ssl.ssl.client.auth=required");
    }
    List<String> jvmOptions = new ArrayList<>();
    if (kerberos != null) {
      // the service principal is kafka/localhost: clients must reach this listener by that name
      kerberosPort = freePort();
      listeners += ",KERBEROS://localhost:" + kerberosPort;
      security.add("listener.name.kerberos.sasl.enabled.mechanisms=GSSAPI");
      security.add("sasl.kerberos.service.name=kafka");
      security.add("listener.name.kerberos.gssapi.sasl.jaas.config="
          + "com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true storeKey=true keyTab=\""
          + kerberos.keytab() + "\" principal=\"" + kerberos.principal() + "\";");
      jvmOptions.add("-Djava.security.krb5.conf=" + kerberos.krb5Conf());
    }
    security.add("");
    Files.writeString(props, String.join("\n",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@127.0.0.1:" + controller,
        "listeners=" + listeners + ",CONTROLLER://127.0.0.1:" + controller,
        "advertised.listeners=" + listeners,
        "controller.listener.names=CONTROLLER",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,"
            + "SSL:SSL,SASL_SSL:SASL_SSL,KERBEROS:SASL_PLAINTEXT",
        "inter.broker.listener.name=PLAINTEXT",
        "log.dirs=" + logDir.resolve("data"),
        "num.partitions=1",
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        "log.cleaner.dedupe.buffer.size=8388608",
        "auto.create.topics.enable=true",
        String.join("\n", security)));
    List<String> jvm = new ArrayList<>(List.of(java, "-Xms128m", "-Xmx256m", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-Dslf4j.internal.verbosity=WARN"));
    jvm.addAll(jvmOptions);
    jvm.addAll(List.of("-cp", cp));
    List<String> format = new ArrayList<>(jvm);
    format.addAll(List.of("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(), "-c",
        props.toString()));
    if (secured) {
      for (String m : List.of("SCRAM-SHA-256", "SCRAM-SHA-512")) {
        format.addAll(List.of("--add-scram", m + "=[name=" + USER + ",password=" + PASSWORD + "]"));
      }
    }
    Process f = new ProcessBuilder(format).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
    if (!f.waitFor(120, TimeUnit.SECONDS) || f.exitValue() != 0) {
      f.destroyForcibly();
      throw new IllegalStateException("kafka StorageTool format failed, see " + logFile);
    }
    List<String> run = new ArrayList<>(jvm);
    run.addAll(List.of("kafka.Kafka", props.toString()));
    this.command = run;
    this.hook = new Thread(this::kill, "stop-kafka");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Formats, starts the broker and waits (up to 120 s) until it answers {@code describeCluster}. */
  public static KafkaTestServer start() throws Exception {
    KafkaTestServer s = new KafkaTestServer();
    s.startProcess();
    return s;
  }

  private void startProcess() throws Exception {
    process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    try (Admin admin = admin()) {
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException("kafka exited with " + process.exitValue() + ", see " + logFile);
        }
        try {
          if (!admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (Exception e) {
          Thread.sleep(200);
        }
      }
    }
    kill();
    throw new IllegalStateException("kafka not ready within 120 s, see " + logFile);
  }

  /**
   * A broker that also listens with SASL_PLAINTEXT, SSL (client certificate required) and SASL_SSL; SASL knows
   * {@link #USER}/{@link #PASSWORD} for PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512; certificates from {@link TestCerts}
   * (a test CA, the broker's certificate for 127.0.0.1, a client certificate) in {@link #certs()}.
   */
  public static KafkaTestServer startSecured() throws Exception {
    KafkaTestServer s = new KafkaTestServer(true, null);
    s.startProcess();
    return s;
  }

  /**
   * A broker that also listens with SASL_PLAINTEXT and the GSSAPI mechanism on {@code localhost} (the host part of
   * its service principal), logging in from {@code kerberos}'s keytab against the KDC its krb5.conf names.
   */
  public static KafkaTestServer startKerberos(Kerberos kerberos) throws Exception {
    KafkaTestServer s = new KafkaTestServer(false, kerberos);
    s.startProcess();
    return s;
  }

  /** The SASL/GSSAPI listener of a {@link #startKerberos} broker, by the host name of its service principal. */
  public String kerberosBrokers() {
    return "localhost:" + kerberosPort;
  }

  public String brokers() {
    return "127.0.0.1:" + port;
  }

  public String saslPlaintextBrokers() {
    return "127.0.0.1:" + saslPlaintextPort;
  }

  public String sslBrokers() {
    return "127.0.0.1:" + sslPort;
  }

  public String saslSslBrokers() {
    return "127.0.0.1:" + saslSslPort;
  }

  /** ca.pem, client.pem, client-key.pem of a secured broker. */
  public Path certs() {
    return certs;
  }

  public Admin admin() {
    Properties p = new Properties();
    p.put("bootstrap.servers", brokers());
    p.put("request.timeout.ms", "5000");
    p.put("default.api.timeout.ms", "10000");
    return Admin.create(p);
  }

  /** Creates a topic with {@code partitions} partitions and waits until it exists. */
  public void createTopic(String name, int partitions) throws Exception {
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        try {
          if (admin.describeTopics(List.of(name)).allTopicNames().get(5, TimeUnit.SECONDS).get(name)
              .partitions().stream().allMatch(pi -> pi.leader() != null)) {
            return;
          }
        } catch (Exception e) {
          // not there yet
        }
        Thread.sleep(100);
      }
      throw new IllegalStateException("topic " + name + " has no leaders after 30 s");
    }
  }

  /** Properties for a test producer or consumer on this broker. */
  public Map<String, Object> clientProps() {
    return Map.of("bootstrap.servers", brokers());
  }

  /** Freezes the broker's JVM (SIGSTOP): connections stay open, nothing is answered until {@link #resume()}. */
  public void pause() throws Exception {
    signal("STOP");
  }

  /** Lets a {@linkplain #pause() paused} broker run again (SIGCONT). */
  public void resume() throws Exception {
    signal("CONT");
  }

  private void signal(String name) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
    }
  }

  public void kill() {
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
    kill();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down
    }
    try (Stream<Path> walk = Files.walk(logDir)) {
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

  /** storage-kafka, whether the tests run in it or in another module of the reactor. */
  private static Path moduleDir() {
    Path p = Path.of("").toAbsolutePath();
    for (Path c : List.of(p, p.resolve("storage-kafka"), p.resolveSibling("storage-kafka"))) {
      if (Files.exists(c.resolve("src/test/servers/kafka/pom.xml"))) {
        return c;
      }
    }
    return p.resolveSibling("storage-kafka");
  }

  private static void resolveClasspath(Path pom, Path out) {
    List<String> cmd = List.of("mvn", "-q", "-B", "-f", pom.toString(), "dependency:build-classpath",
        "-Dmdep.outputFile=" + out.toAbsolutePath());
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

  private static void requireOrSkip(boolean present, String message) {
    if ("true".equals(System.getenv("CI"))) {
      Assertions.assertTrue(present, message);
    } else {
      Assumptions.assumeTrue(present, message);
    }
  }
}
