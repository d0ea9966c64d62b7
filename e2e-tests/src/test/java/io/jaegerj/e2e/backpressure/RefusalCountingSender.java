// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.e2e.backpressure;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.jaegerj.testing.Poll;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load of the stall and outage tests (OpenSearch, Kafka, Cassandra): one thread posts OTLP/HTTP protobuf
 * requests of fresh traces, as exporters do, with a bounded number outstanding, and sorts every answer: 200 (its
 * trace IDs join {@link #acked}), 503 (counted, with or without Retry-After, and separately while the test has marked
 * the storage as stalled; the sender backs off briefly as exporters do) or anything else (an error, as is a request
 * that got no answer at all). Each trace has {@link #SPANS_PER_TRACE} spans under one root.
 */
public final class RefusalCountingSender implements AutoCloseable {
  public static final int SPANS_PER_TRACE = 5;
  static final int TRACES_PER_REQUEST = 10;
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private static final Set<Integer> HANDED_OUT = new HashSet<>();

  /** Trace IDs of every request answered 200. */
  public final Set<String> acked = ConcurrentHashMap.newKeySet();
  public final AtomicLong refused = new AtomicLong();
  /** Refusals of requests sent and answered while the storage was marked stalled. */
  public final AtomicLong refusedWhileStalled = new AtomicLong();
  public final AtomicLong refusedWithoutRetryAfter = new AtomicLong();
  /** Answers other than 200 and 503, and requests that got no answer. */
  public final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean stalled = new AtomicBoolean();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final URI uri;
  private final int inFlight;
  private final String service;
  private final Thread thread;

  private RefusalCountingSender(int port, int inFlight, String service) {
    this.uri = URI.create("http://127.0.0.1:" + port + "/v1/traces");
    this.inFlight = inFlight;
    this.service = service;
    this.thread = new Thread(this::send, "sender-" + service);
  }

  /** Starts sending to the OTLP/HTTP port {@code port} with up to {@code inFlight} requests outstanding. */
  public static RefusalCountingSender start(int port, int inFlight, String service) {
    RefusalCountingSender s = new RefusalCountingSender(port, inFlight, service);
    s.thread.start();
    return s;
  }

  /** Marks the storage stalled (refusals from now on also count in {@link #refusedWhileStalled}) or back. */
  public void stalled(boolean value) {
    stalled.set(value);
  }

  /** Waits until at least {@code count} traces were acknowledged. */
  public void awaitAcked(long count, Duration timeout) throws Exception {
    int n = Poll.read(timeout, acked::size, a -> a >= count);
    assertThat(n).as("%s: %d traces acknowledged within %s (errors %s)", service, count, timeout, errors)
        .isGreaterThanOrEqualTo((int) count);
  }

  /** Waits until {@code count} more refusals were seen while stalled than {@code before}. */
  public void awaitRefusedWhileStalled(long before, long count, Duration timeout) throws Exception {
    Poll.read(timeout, refusedWhileStalled::get, r -> r - before >= count);
  }

  /** Stops the load and waits until every outstanding request is answered. */
  public void stop(Duration timeout) throws InterruptedException {
    stop.set(true);
    thread.join(timeout.toMillis());
    assertThat(thread.isAlive()).as("%s sender finished", service).isFalse();
  }

  @Override
  public void close() throws InterruptedException {
    stop.set(true);
    thread.join(TimeUnit.SECONDS.toMillis(30));
  }

  private void send() {
    Semaphore slots = new Semaphore(inFlight);
    AtomicLong refusedInARow = new AtomicLong();
    try {
      while (!stop.get()) {
        slots.acquire();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < TRACES_PER_REQUEST; i++) {
          ids.add(newTraceId());
        }
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/x-protobuf")
            .POST(HttpRequest.BodyPublishers.ofByteArray(request(ids).toByteArray())).build();
        boolean stalledAtSend = stalled.get();
        HTTP.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
          long backoff = 0;
          if (e != null) {
            errors.add(e.toString());
          } else if (r.statusCode() == 200) {
            acked.addAll(ids);
            refusedInARow.set(0);
          } else if (r.statusCode() == 503) {
            refused.incrementAndGet();
            if (stalledAtSend && stalled.get()) {
              refusedWhileStalled.incrementAndGet();
            }
            if (r.headers().firstValue("Retry-After").isEmpty()) {
              refusedWithoutRetryAfter.incrementAndGet();
            }
            // back off as exporters do, but shorter than Retry-After so that the tests stay short
            backoff = Math.min(200, 10L << Math.min(refusedInARow.getAndIncrement(), 4));
          } else {
            errors.add("HTTP " + r.statusCode());
          }
          if (backoff > 0) {
            CompletableFuture.delayedExecutor(backoff, TimeUnit.MILLISECONDS).execute(slots::release);
          } else {
            slots.release();
          }
        });
      }
      if (!slots.tryAcquire(inFlight, 90, TimeUnit.SECONDS)) {
        errors.add("requests still outstanding 90 s after the load stopped");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** 32 hex digits, the high half without a leading zero, as Jaeger prints 128-bit IDs. */
  static String newTraceId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long high = (r.nextLong() | 0x1000_0000_0000_0000L) & 0x7fff_ffff_ffff_ffffL;
    return String.format(Locale.ROOT, "%016x%016x", high, r.nextLong());
  }

  private ExportTraceServiceRequest request(List<String> traceIds) {
    long now = System.currentTimeMillis() * 1_000_000L;
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    ByteString root = ByteString.copyFrom(ByteBuffer.allocate(8).putLong(1L).array());
    for (String id : traceIds) {
      ByteString traceId = ByteString.copyFrom(hex(id));
      for (int i = 0; i < SPANS_PER_TRACE; i++) {
        Span.Builder s = Span.newBuilder().setTraceId(traceId)
            .setSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(i + 1L).array()))
            .setName("op-" + i).setStartTimeUnixNano(now + i * 1000L).setEndTimeUnixNano(now + i * 1000L + 500_000)
            .addAttributes(KeyValue.newBuilder().setKey("i").setValue(AnyValue.newBuilder().setIntValue(i)));
        if (i > 0) {
          s.setParentSpanId(root);
        }
        scope.addSpans(s);
      }
    }
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("service.name")
            .setValue(AnyValue.newBuilder().setStringValue(service))))
        .addScopeSpans(scope)).build();
  }

  /** The bytes of a hex trace ID. */
  public static byte[] hex(String s) {
    byte[] out = new byte[s.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    }
    return out;
  }

  /** A free local port not handed out before in this JVM. */
  public static synchronized int freePort() throws IOException {
    while (true) {
      try (ServerSocket s = new ServerSocket(0)) {
        if (HANDED_OUT.add(s.getLocalPort())) {
          return s.getLocalPort();
        }
      }
    }
  }
}
