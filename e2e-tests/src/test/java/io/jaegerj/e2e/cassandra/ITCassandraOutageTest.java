// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.e2e.cassandra;

import static io.jaegerj.e2e.backpressure.RefusalCountingSender.SPANS_PER_TRACE;
import static io.jaegerj.e2e.backpressure.RefusalCountingSender.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jaegerj.allinone.AllInOneMain;
import io.jaegerj.config.Flag;
import io.jaegerj.e2e.backpressure.RefusalCountingSender;
import io.jaegerj.server.JaegerMain;
import io.jaegerj.storage.cassandra.CassandraTestServer;
import io.micrometer.core.instrument.Counter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Cassandra frozen and then killed under load (issues 12 and 23): two all-in-ones in this JVM write into the real
 * Cassandra 5.0 node of storage-cassandra's tests (child JVM, started once), each into its own keyspace, one in the
 * default acknowledgement mode (queued) and one with {@code --collector.acknowledge=stored}, while an OTLP/HTTP
 * sender per all-in-one (the JDK HTTP client posting protobuf, as exporters do) keeps sending. The node is frozen
 * with SIGSTOP for a few seconds and resumed, then killed with SIGKILL and started again on its data. Every request
 * must be answered 200 or 503 + Retry-After (none closed without an answer); while the node is out the clients must
 * see those refusals; afterwards every trace answered 200 must be stored whole and readable through the query API,
 * and no span may have been dropped after acknowledgement.
 */
class ITCassandraOutageTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int IN_FLIGHT = 16;
  private static final int REFUSALS_WHILE_OUT = 20;
  private static final int ACKS_BETWEEN_OUTAGES = 100;

  /** One all-in-one on Cassandra with its sender. */
  private static final class Node implements AutoCloseable {
    final String mode;
    final String keyspace;
    final int queryPort;
    final int otlpPort;
    final JaegerMain.Running binary;
    final RefusalCountingSender load;

    Node(CassandraTestServer cassandra, String mode) throws Exception {
      this.mode = mode;
      this.keyspace = "outage_" + mode + "_" + ProcessHandle.current().pid();
      this.queryPort = freePort();
      this.otlpPort = freePort();
      Map<String, String> env = new LinkedHashMap<>();
      env.put("SPAN_STORAGE_TYPE", "cassandra");
      List<String> args = new ArrayList<>();
      for (Flag f : JaegerMain.flags(AllInOneMain.spec(), env)) {
        if (f.type() == Flag.Type.HOST_PORT && !f.defaultValue().isEmpty()) {
          int port = f.name().equals("query.http-server.host-port") ? queryPort
              : f.name().equals("collector.otlp.http.host-port") ? otlpPort : freePort();
          args.add("--" + f.name() + "=127.0.0.1:" + port);
        }
      }
      // a small pipeline, so that an outage of a few seconds fills it; reconnect quickly once the node is back
      args.addAll(List.of("--cassandra.servers=127.0.0.1", "--cassandra.port=" + cassandra.cqlPort(),
          "--cassandra.keyspace=" + keyspace, "--cassandra.schema.create=true",
          "--cassandra.username=" + CassandraTestServer.USER, "--cassandra.password=" + CassandraTestServer.PASSWORD,
          "--cassandra.reconnect-interval=500ms", "--cassandra.timeout=3s", "--collector.queue-size=500",
          "--collector.num-workers=8", "--collector.acknowledge=" + mode));
      this.binary = JaegerMain.start(AllInOneMain.spec(), args.toArray(String[]::new), env);
      this.load = RefusalCountingSender.start(otlpPort, IN_FLIGHT, "outage-" + mode);
    }

    double counter(String name) {
      return binary.meters().find(name).counters().stream().mapToDouble(Counter::count).sum();
    }

    /** Stops the load and waits until every request is answered. */
    void stopSending() throws InterruptedException {
      load.stop(Duration.ofSeconds(120));
    }

    @Override
    public void close() throws InterruptedException {
      load.close();
      binary.close();
    }
  }

  @Test
  void frozenThenKilledCassandra_clientsGetRetryableRefusals_andNothingAcknowledgedIsLost() throws Exception {
    CassandraTestServer cassandra = CassandraTestServer.shared();
    try (Node queued = new Node(cassandra, "queued"); Node stored = new Node(cassandra, "stored")) {
      List<Node> nodes = List.of(queued, stored);
      for (Node n : nodes) {
        n.load.awaitAcked(ACKS_BETWEEN_OUTAGES, Duration.ofSeconds(60));
      }

      // 1. frozen (SIGSTOP): connections stay open, nothing is answered
      cassandra.pause();
      try {
        outage(nodes, true);
      } finally {
        outage(nodes, false);
        cassandra.resume();
      }
      for (Node n : nodes) {
        n.load.awaitAcked(n.load.acked.size() + ACKS_BETWEEN_OUTAGES, Duration.ofSeconds(60));
      }
      Map<Node, Long> refusedWhileFrozen = new LinkedHashMap<>();
      for (Node n : nodes) {
        refusedWhileFrozen.put(n, n.load.refusedWhileStalled.get());
        assertThat(n.load.refusedWhileStalled.get()).as("%s: refusals while Cassandra was frozen", n.mode)
            .isGreaterThanOrEqualTo(REFUSALS_WHILE_OUT);
      }

      // 2. killed (SIGKILL) and started again on its data
      cassandra.kill();
      try {
        outage(nodes, true);
      } finally {
        outage(nodes, false);
        cassandra.startProcess();
      }
      for (Node n : nodes) {
        assertThat(n.load.refusedWhileStalled.get() - refusedWhileFrozen.get(n))
            .as("%s: refusals while Cassandra was down", n.mode).isGreaterThanOrEqualTo(REFUSALS_WHILE_OUT);
      }
      for (Node n : nodes) {
        n.load.awaitAcked(n.load.acked.size() + ACKS_BETWEEN_OUTAGES, Duration.ofSeconds(90));
      }
      for (Node n : nodes) {
        n.stopSending();
      }

      for (Node n : nodes) {
        RefusalCountingSender load = n.load;
        assertThat(load.errors).as("%s: answers other than 200 and 503", n.mode).isEmpty();
        assertThat(load.refusedWithoutRetryAfter.get()).as("%s: 503 without Retry-After", n.mode).isZero();
        // every acknowledged trace is stored whole (in queued mode the pipeline held what it took) ...
        awaitStoredWhole(cassandra, n.keyspace, load.acked, Duration.ofSeconds(120));
        // ... and readable through the query API (a sample: the stored set is checked above)
        int checked = 0;
        for (String id : load.acked) {
          if (checked++ == 50) {
            break;
          }
          HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + n.queryPort + "/api/traces/" + id)).build(),
              HttpResponse.BodyHandlers.ofString());
          assertThat(r.statusCode()).as("trace %s", id).isEqualTo(200);
          assertThat(JSON.readTree(r.body()).path("data").path(0).path("spans").size())
              .isEqualTo(SPANS_PER_TRACE);
        }
        System.out.printf(Locale.ROOT, "cassandra outage, acknowledge=%s: %d traces acknowledged, %d requests"
                + " refused (%d while frozen or down), %.0f write requests retried, %.0f spans past the ack"
                + " deadline%n", n.mode, load.acked.size(), load.refused.get(), load.refusedWhileStalled.get(),
            n.counter("jaegerj_cassandra_write_retries"), n.counter("jaegerj_collector_spans_ack_deadline_passed"));
        assertThat(n.counter("jaegerj_collector_spans_dropped_after_ack")).as(n.mode).isZero();
        assertThat(n.counter("jaegerj_cassandra_write_retries")).as("%s: writes held and retried", n.mode)
            .isPositive();
      }
    }
  }

  /**
   * Marks the node out (refusals seen from now on count) and waits until every sender saw enough of them, then a
   * moment longer; or marks it back.
   */
  private static void outage(List<Node> nodes, boolean out) throws InterruptedException {
    if (!out) {
      nodes.forEach(n -> n.load.stalled(false));
      return;
    }
    Map<Node, Long> before = new LinkedHashMap<>();
    for (Node n : nodes) {
      before.put(n, n.load.refusedWhileStalled.get());
      n.load.stalled(true);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    for (Node n : nodes) {
      while (n.load.refusedWhileStalled.get() - before.get(n) < REFUSALS_WHILE_OUT && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
    }
    Thread.sleep(1000);
  }

  /** Polls with plain CQL until every acknowledged trace has all its spans in the traces table. */
  private static void awaitStoredWhole(CassandraTestServer cassandra, String keyspace, Set<String> acked,
      Duration timeout) throws InterruptedException {
    try (CqlSession cql = CqlSession.builder()
        .addContactPoint(new InetSocketAddress("127.0.0.1", cassandra.cqlPort()))
        .withLocalDatacenter("datacenter1")
        .withAuthCredentials(CassandraTestServer.USER, CassandraTestServer.PASSWORD).build()) {
      PreparedStatement count = cql.prepare("SELECT count(*) FROM " + keyspace + ".traces WHERE trace_id = ?");
      Set<String> missing = new HashSet<>(acked);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        // 64 counts in flight at a time: one query after the other took minutes for a few thousand traces
        Set<String> whole = ConcurrentHashMap.newKeySet();
        Semaphore inFlight = new Semaphore(64);
        List<CompletableFuture<?>> counts = new ArrayList<>(missing.size());
        for (String id : missing) {
          inFlight.acquire();
          counts.add(cql.executeAsync(count.bind(ByteBuffer.wrap(RefusalCountingSender.hex(id)))).toCompletableFuture()
              .whenComplete((rs, e) -> {
                inFlight.release();
                if (e == null && rs.one().getLong(0) == SPANS_PER_TRACE) {
                  whole.add(id);
                }
              }));
        }
        CompletableFuture.allOf(counts.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        missing.removeAll(whole);
        if (missing.isEmpty()) {
          return;
        }
        assertThat(System.nanoTime()).as("%d of %d acknowledged traces still not stored whole, e.g. %s",
            missing.size(), acked.size(), missing.iterator().next()).isLessThan(deadline);
        Thread.sleep(500);
      }
    }
  }
}
