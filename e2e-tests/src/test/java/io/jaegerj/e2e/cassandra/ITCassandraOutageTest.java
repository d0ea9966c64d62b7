// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.e2e.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.jaegerj.allinone.AllInOneMain;
import io.jaegerj.config.Flag;
import io.jaegerj.server.JaegerMain;
import io.jaegerj.storage.cassandra.CassandraTestServer;
import io.micrometer.core.instrument.Counter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
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
  private static final int SPANS_PER_TRACE = 5;
  private static final int TRACES_PER_REQUEST = 10;
  private static final int IN_FLIGHT = 16;
  private static final int REFUSALS_WHILE_OUT = 20;
  private static final int ACKS_BETWEEN_OUTAGES = 100;

  /** What the senders saw. */
  private static final class Seen {
    final Set<String> acked = ConcurrentHashMap.newKeySet();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong refusedWhileOut = new AtomicLong();
    final AtomicLong refusedWithoutRetryAfter = new AtomicLong();
    final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    final AtomicBoolean out = new AtomicBoolean();
    final AtomicBoolean stop = new AtomicBoolean();
  }

  /** One all-in-one on Cassandra with its sender. */
  private static final class Node implements AutoCloseable {
    final String mode;
    final String keyspace;
    final int queryPort;
    final int otlpPort;
    final JaegerMain.Running binary;
    final Seen seen = new Seen();
    final Thread sender;

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
      this.sender = new Thread(() -> send(otlpPort, seen), "outage-sender-" + mode);
      sender.start();
    }

    double counter(String name) {
      return binary.meters().find(name).counters().stream().mapToDouble(Counter::count).sum();
    }

    /** Stops the load and waits until every request is answered. */
    void stopSending() throws InterruptedException {
      seen.stop.set(true);
      sender.join(TimeUnit.SECONDS.toMillis(120));
      assertThat(sender.isAlive()).as("%s sender finished", mode).isFalse();
    }

    @Override
    public void close() throws InterruptedException {
      seen.stop.set(true);
      sender.join(TimeUnit.SECONDS.toMillis(30));
      binary.close();
    }
  }

  @Test
  void frozenThenKilledCassandra_clientsGetRetryableRefusals_andNothingAcknowledgedIsLost() throws Exception {
    CassandraTestServer cassandra = CassandraTestServer.shared();
    try (Node queued = new Node(cassandra, "queued"); Node stored = new Node(cassandra, "stored")) {
      List<Node> nodes = List.of(queued, stored);
      for (Node n : nodes) {
        awaitAcked(n, ACKS_BETWEEN_OUTAGES, Duration.ofSeconds(60));
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
        awaitAcked(n, n.seen.acked.size() + ACKS_BETWEEN_OUTAGES, Duration.ofSeconds(60));
      }
      Map<Node, Long> refusedWhileFrozen = new LinkedHashMap<>();
      for (Node n : nodes) {
        refusedWhileFrozen.put(n, n.seen.refusedWhileOut.get());
        assertThat(n.seen.refusedWhileOut.get()).as("%s: refusals while Cassandra was frozen", n.mode)
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
        assertThat(n.seen.refusedWhileOut.get() - refusedWhileFrozen.get(n))
            .as("%s: refusals while Cassandra was down", n.mode).isGreaterThanOrEqualTo(REFUSALS_WHILE_OUT);
      }
      for (Node n : nodes) {
        awaitAcked(n, n.seen.acked.size() + ACKS_BETWEEN_OUTAGES, Duration.ofSeconds(90));
      }
      for (Node n : nodes) {
        n.stopSending();
      }

      for (Node n : nodes) {
        Seen seen = n.seen;
        assertThat(seen.errors).as("%s: answers other than 200 and 503", n.mode).isEmpty();
        assertThat(seen.refusedWithoutRetryAfter.get()).as("%s: 503 without Retry-After", n.mode).isZero();
        // every acknowledged trace is stored whole (in queued mode the pipeline held what it took) ...
        awaitStoredWhole(cassandra, n.keyspace, seen.acked, Duration.ofSeconds(120));
        // ... and readable through the query API (a sample: the stored set is checked above)
        int checked = 0;
        for (String id : seen.acked) {
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
                + " deadline%n", n.mode, seen.acked.size(), seen.refused.get(), seen.refusedWhileOut.get(),
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
      nodes.forEach(n -> n.seen.out.set(false));
      return;
    }
    Map<Node, Long> before = new LinkedHashMap<>();
    for (Node n : nodes) {
      before.put(n, n.seen.refusedWhileOut.get());
      n.seen.out.set(true);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    for (Node n : nodes) {
      while (n.seen.refusedWhileOut.get() - before.get(n) < REFUSALS_WHILE_OUT && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
    }
    Thread.sleep(1000);
  }

  /** Sends requests of fresh traces with up to {@link #IN_FLIGHT} outstanding, until told to stop. */
  private static void send(int port, Seen seen) {
    URI uri = URI.create("http://127.0.0.1:" + port + "/v1/traces");
    Semaphore slots = new Semaphore(IN_FLIGHT);
    AtomicLong refusedInARow = new AtomicLong();
    try {
      while (!seen.stop.get()) {
        slots.acquire();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < TRACES_PER_REQUEST; i++) {
          ids.add(newTraceId());
        }
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/x-protobuf")
            .POST(HttpRequest.BodyPublishers.ofByteArray(request(ids).toByteArray())).build();
        boolean outAtSend = seen.out.get();
        HTTP.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
          long backoff = 0;
          if (e != null) {
            seen.errors.add(e.toString());
          } else if (r.statusCode() == 200) {
            seen.acked.addAll(ids);
            refusedInARow.set(0);
          } else if (r.statusCode() == 503) {
            seen.refused.incrementAndGet();
            if (outAtSend && seen.out.get()) {
              seen.refusedWhileOut.incrementAndGet();
            }
            if (r.headers().firstValue("Retry-After").isEmpty()) {
              seen.refusedWithoutRetryAfter.incrementAndGet();
            }
            // back off as exporters do, but shorter than Retry-After so that the test stays short
            backoff = Math.min(200, 10L << Math.min(refusedInARow.getAndIncrement(), 4));
          } else {
            seen.errors.add("HTTP " + r.statusCode());
          }
          if (backoff > 0) {
            CompletableFuture.delayedExecutor(backoff, TimeUnit.MILLISECONDS).execute(slots::release);
          } else {
            slots.release();
          }
        });
      }
      if (!slots.tryAcquire(IN_FLIGHT, 90, TimeUnit.SECONDS)) {
        seen.errors.add("requests still outstanding 90 s after the load stopped");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void awaitAcked(Node n, long count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (n.seen.acked.size() < count) {
      assertThat(System.nanoTime()).as("%s: %d traces acknowledged within %s (have %d, errors %s)", n.mode, count,
          timeout, n.seen.acked.size(), n.seen.errors).isLessThan(deadline);
      Thread.sleep(20);
    }
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
          counts.add(cql.executeAsync(count.bind(ByteBuffer.wrap(hex(id)))).toCompletableFuture()
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

  /** 32 hex digits, the high half without a leading zero, as Jaeger prints 128-bit IDs. */
  private static String newTraceId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long high = r.nextLong() | 0x1000_0000_0000_0000L;
    high &= 0x7fff_ffff_ffff_ffffL;
    return String.format(Locale.ROOT, "%016x%016x", high, r.nextLong());
  }

  private static ExportTraceServiceRequest request(List<String> traceIds) {
    long now = System.currentTimeMillis() * 1_000_000L;
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (String traceIdHex : traceIds) {
      ByteString traceId = ByteString.copyFrom(hex(traceIdHex));
      for (int i = 0; i < SPANS_PER_TRACE; i++) {
        Span.Builder s = Span.newBuilder().setTraceId(traceId)
            .setSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(i + 1L).array()))
            .setName("op-" + i).setStartTimeUnixNano(now + i * 1000L).setEndTimeUnixNano(now + i * 1000L + 500_000)
            .addAttributes(KeyValue.newBuilder().setKey("i").setValue(AnyValue.newBuilder().setIntValue(i)));
        if (i > 0) {
          s.setParentSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(1L).array()));
        }
        scope.addSpans(s);
      }
    }
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("service.name")
            .setValue(AnyValue.newBuilder().setStringValue("outage-svc"))))
        .addScopeSpans(scope)).build();
  }

  private static byte[] hex(String s) {
    byte[] out = new byte[s.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    }
    return out;
  }

  private static final Set<Integer> HANDED_OUT = new HashSet<>();

  private static synchronized int freePort() throws IOException {
    while (true) {
      try (ServerSocket s = new ServerSocket(0)) {
        if (HANDED_OUT.add(s.getLocalPort())) {
          return s.getLocalPort();
        }
      }
    }
  }
}
