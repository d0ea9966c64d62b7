// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.jaegerj.collector.pipeline.AckMode;
import io.jaegerj.config.Flag;
import io.jaegerj.model.TraceId;
import io.jaegerj.proto.api_v2.Batch;
import io.jaegerj.proto.api_v2.CollectorServiceGrpc;
import io.jaegerj.proto.api_v2.PostSpansRequest;
import io.jaegerj.proto.api_v2.PostSpansResponse;
import io.jaegerj.testing.Poll;
import io.jaegertracing.thriftjava.Process;
import io.jaegertracing.thriftjava.Span;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.thrift.TSerializer;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code --collector.acknowledge}: in {@code stored} mode every receiver answers only after the storage writer's
 * stage completed (the test completes it by hand), a failed write is answered with a retryable error naming the
 * failure, and a full queue is still refused at once; in {@code queued} mode the answer does not wait for storage.
 */
class AcknowledgeTest {
  /** How long a response must stay unanswered to count as "waiting for storage". */
  private static final long WAIT_MILLIS = 300;

  private final HttpClient http = HttpClient.newHttpClient();
  private TestCollector collector;
  private ManagedChannel otlpChannel;
  private ManagedChannel jaegerChannel;
  private int zipkinPort;

  private void start(String mode, Map<String, String> more) throws Exception {
    Map<String, String> o = new HashMap<>(more);
    o.put("collector.acknowledge", mode);
    try (ServerSocket s = new ServerSocket(0)) {
      zipkinPort = s.getLocalPort();
    }
    o.put("collector.zipkin.host-port", "127.0.0.1:" + zipkinPort);
    collector = new TestCollector(o);
    collector.storage.hold = true;
    otlpChannel = NettyChannelBuilder.forAddress("127.0.0.1", collector.otlpGrpcPort()).usePlaintext().build();
    jaegerChannel = NettyChannelBuilder.forAddress("127.0.0.1", collector.jaegerGrpcPort()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws Exception {
    if (collector == null) {
      return;
    }
    collector.storage.hold = false;
    for (TestCollector.HeldWrite w; (w = collector.storage.held.poll()) != null; ) {
      w.stage().complete(null);
    }
    otlpChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    jaegerChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    collector.close();
  }

  @Test
  void stored_everyReceiverAnswersOnlyAfterTheWriteCompleted() throws Exception {
    start("stored", Map.of());
    assertThat(collector.module.started().pipeline().ackMode()).isEqualTo(AckMode.STORED);
    for (Receiver r : Receiver.values()) {
      Future<String> answer = send(r, 10 + r.ordinal());
      TestCollector.HeldWrite write = collector.storage.nextHeld();
      assertThat(write.spans()).hasSize(1);
      assertThat(write.spans().get(0).traceId()).isEqualTo(new TraceId(7, 10 + r.ordinal()));
      assertThat(notYet(answer)).as("%s answered before the storage write completed", r).isTrue();

      write.stage().complete(null);
      assertThat(answer.get(10, TimeUnit.SECONDS)).as(r.name()).isEqualTo(r.ok);
      assertThat(collector.storage.traces).containsKey(new TraceId(7, 10 + r.ordinal()));
    }
  }

  @Test
  void stored_failedWrite_answersRetryableErrorNamingTheFailure() throws Exception {
    start("stored", Map.of());
    for (Receiver r : Receiver.values()) {
      Future<String> answer = send(r, 20 + r.ordinal());
      TestCollector.HeldWrite write = collector.storage.nextHeld();
      assertThat(notYet(answer)).as(r.name()).isTrue();

      write.stage().completeExceptionally(new IOException("disk full on /data"));
      assertThat(answer.get(10, TimeUnit.SECONDS)).as(r.name())
          .isEqualTo(r.unavailable + " failed to write spans to storage: disk full on /data");
    }
    assertThat(collector.storage.traces).isEmpty();
    assertThat(collector.scrape())
        .contains("jaeger_collector_receiver_errors_total{reason=\"storage\",receiver=\"otlp-http\"} 1.0")
        .contains("jaeger_collector_receiver_errors_total{reason=\"storage\",receiver=\"jaeger-grpc\"} 1.0")
        .contains("jaeger_collector_spans_saved_by_svc_total{debug=\"false\",result=\"err\"");
  }

  /**
   * A write that storage never confirms (e.g. Cassandra's writer retrying while the node is down): every receiver
   * still answers its retryable status once the acknowledgement deadline passed, instead of holding the request until
   * the client closes it without an answer; the batch was not acknowledged, so a late write loses nothing.
   */
  @Test
  void stored_writeNeverConfirmed_everyReceiverAnswersRetryableAfterTheAckDeadline() throws Exception {
    start("stored", Map.of());
    collector.module.started().pipeline().ackDeadline(Duration.ofMillis(400));
    for (Receiver r : Receiver.values()) {
      Future<String> answer = send(r, 90 + r.ordinal());
      TestCollector.HeldWrite write = collector.storage.nextHeld(); // its stage is never completed here
      assertThat(answer.get(10, TimeUnit.SECONDS)).as(r.name()).isEqualTo(r.unavailable
          + " failed to write spans to storage: storage did not confirm the write within 400 ms; retry later");
      assertThat(write.stage()).isNotDone();
    }
    // the deadline timer counts right after it failed the stage, so possibly a moment after the last answer
    Pattern allFive = Pattern.compile("jaegerj_collector_spans_ack_deadline_passed_total\\{[^}]*} 5.0");
    assertThat(Poll.read(Duration.ofSeconds(5), collector::scrape, m -> allFive.matcher(m).find()))
        .contains("jaeger_collector_receiver_errors_total{reason=\"storage\",receiver=\"otlp-http\"} 1.0")
        .containsPattern(allFive)
        .containsPattern("jaegerj_collector_spans_dropped_after_ack_total\\{[^}]*} 0.0");
  }

  @Test
  void stored_fullQueue_isStillRefusedAtOnce() throws Exception {
    start("stored", Map.of("collector.queue-size", "1", "collector.num-workers", "1"));
    Future<String> first = send(Receiver.OTLP_HTTP, 30); // the only worker holds it in storage
    TestCollector.HeldWrite write = collector.storage.nextHeld();
    Future<String> second = send(Receiver.OTLP_GRPC, 31); // fills the queue
    Poll.until("second batch queued", Duration.ofSeconds(10), () -> collector.module.started().pipeline()
        .queuedSpans() == 1);
    for (Receiver r : Receiver.values()) {
      assertThat(send(r, 40 + r.ordinal()).get(10, TimeUnit.SECONDS)).as(r.name()).isEqualTo(r.full);
    }
    assertThat(notYet(first)).isTrue();
    assertThat(second.isDone()).isFalse();

    write.stage().complete(null);
    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(Receiver.OTLP_HTTP.ok);
    collector.storage.nextHeld().stage().complete(null);
    assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(Receiver.OTLP_GRPC.ok);
    assertThat(collector.storage.traces.keySet()).containsExactlyInAnyOrder(new TraceId(7, 30), new TraceId(7, 31));
  }

  /** A full queue is refused before the body is decoded: a malformed body gets the 503, not a 400. */
  @Test
  void fullQueue_httpReceiversRefuseBeforeDecoding() throws Exception {
    start("stored", Map.of("collector.queue-size", "1", "collector.num-workers", "1"));
    Future<String> first = send(Receiver.OTLP_HTTP, 80);
    TestCollector.HeldWrite write = collector.storage.nextHeld();
    Future<String> second = send(Receiver.OTLP_GRPC, 81);
    Poll.until("queue saturated", Duration.ofSeconds(10), () -> collector.module.started().pipeline().saturated());
    byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff};
    assertThat(post(collector.otlpHttpPort(), "/v1/traces", "application/x-protobuf", garbage).statusCode())
        .isEqualTo(503);
    assertThat(post(collector.jaegerHttpPort(), "/api/traces", "application/x-thrift", garbage).statusCode())
        .isEqualTo(503);
    assertThat(post(zipkinPort, "/api/v2/spans", "application/json", garbage).statusCode()).isEqualTo(503);

    write.stage().complete(null);
    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(Receiver.OTLP_HTTP.ok);
    collector.storage.nextHeld().stage().complete(null);
    assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(Receiver.OTLP_GRPC.ok);
    assertThat(collector.module.started().pipeline().saturated()).isFalse();
    assertThat(post(collector.otlpHttpPort(), "/v1/traces", "application/x-protobuf", garbage).statusCode())
        .as("with room again the body is decoded and refused as malformed").isEqualTo(400);
    assertThat(post(zipkinPort, "/api/v2/spans", "application/json", garbage).statusCode()).isEqualTo(400);
  }

  private HttpResponse<String> post(int port, String path, String contentType, byte[] body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void queued_everyReceiverAnswersBeforeTheWrite() throws Exception {
    start("queued", Map.of());
    assertThat(collector.module.started().pipeline().ackMode()).isEqualTo(AckMode.QUEUED);
    for (Receiver r : Receiver.values()) {
      Future<String> answer = send(r, 50 + r.ordinal());
      assertThat(answer.get(10, TimeUnit.SECONDS)).as(r.name()).isEqualTo(r.ok);
      TestCollector.HeldWrite write = collector.storage.nextHeld();
      assertThat(write.stage()).isNotDone();
      write.stage().completeExceptionally(new IOException("lost after the answer, as in Jaeger"));
    }
  }

  /** Two pipelined requests on one connection are answered in order although the second is stored first. */
  @Test
  void stored_pipelinedHttpRequests_areAnsweredInRequestOrder() throws Exception {
    start("stored", Map.of("collector.num-workers", "2"));
    byte[] a = BadInputTest.request("p", 60, 1).toByteArray();
    byte[] b = BadInputTest.request("p", 61, 1).toByteArray();
    try (Socket socket = new Socket("127.0.0.1", collector.otlpHttpPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(rawPost(a));
      out.write(rawPost(b));
      out.flush();
      TestCollector.HeldWrite w1 = collector.storage.nextHeld();
      TestCollector.HeldWrite w2 = collector.storage.nextHeld();
      TestCollector.HeldWrite second = w1.spans().get(0).traceId().equals(new TraceId(7, 61)) ? w1 : w2;
      TestCollector.HeldWrite first = second == w1 ? w2 : w1;
      second.stage().complete(null);
      InputStream in = socket.getInputStream();
      Thread.sleep(WAIT_MILLIS);
      assertThat(in.available()).as("no answer before the first request is stored").isZero();
      first.stage().completeExceptionally(new IOException("first failed"));
      String answers = readAnswers(in, 2);
      assertThat(answers.indexOf("HTTP/1.1 503")).isNotNegative()
          .isLessThan(answers.indexOf("HTTP/1.1 200"));
      assertThat(answers).contains("first failed");
    }
  }

  @Test
  void stored_closingTheHttpServer_waitsForPendingAnswers() throws Exception {
    start("stored", Map.of());
    Future<String> answer = send(Receiver.OTLP_HTTP, 70);
    TestCollector.HeldWrite write = collector.storage.nextHeld();
    CompletableFuture<Void> closed = CompletableFuture.runAsync(
        () -> collector.module.started().httpServers().get(0).close());
    Thread.sleep(WAIT_MILLIS);
    assertThat(closed).as("close waits for the answer").isNotDone();
    write.stage().complete(null);
    assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo("200");
    closed.get(10, TimeUnit.SECONDS);
  }

  @Test
  void ackMode_autoIsStoredOnlyForLocallyDurableStorage() {
    // Which storage is locally durable (one persistent badger, nothing else) is the storage's answer:
    // BadgerStorageProviderTest and OpenedStorageTest.
    assertThat(CollectorModule.ackMode("auto", true)).isEqualTo(AckMode.STORED);
    assertThat(CollectorModule.ackMode("auto", false)).isEqualTo(AckMode.QUEUED);
    assertThat(CollectorModule.ackMode("", false)).isEqualTo(AckMode.QUEUED);
    assertThat(CollectorModule.ackMode("Stored", false)).isEqualTo(AckMode.STORED);
    assertThat(CollectorModule.ackMode("queued", true)).isEqualTo(AckMode.QUEUED);
    assertThatThrownBy(() -> CollectorModule.ackMode("sometimes", false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("collector.acknowledge: \"sometimes\" (expected: queued, stored or auto)");
  }

  @Test
  void flag_isDeclaredWithDefaultAuto() {
    Flag f = new CollectorModule().flags().stream().filter(x -> x.name().equals("collector.acknowledge"))
        .findFirst().orElseThrow();
    assertThat(f.defaultValue()).isEqualTo("auto");
    assertThat(f.envName()).isEqualTo("COLLECTOR_ACKNOWLEDGE");
  }

  /** Each span receiver, with what its client sees: "200", "202", "OK" or the status and message of an error. */
  private enum Receiver {
    OTLP_HTTP("200", "503 14", "503 14 sending queue is full"),
    OTLP_GRPC("OK", "UNAVAILABLE", "UNAVAILABLE sending queue is full"),
    JAEGER_GRPC("OK", "UNAVAILABLE", "RESOURCE_EXHAUSTED server busy"),
    JAEGER_HTTP("202", "503", "503 Cannot submit Jaeger batch: server busy"),
    ZIPKIN_HTTP("202", "503", "503 sending queue is full");

    final String ok;
    final String unavailable;
    final String full;

    Receiver(String ok, String unavailable, String full) {
      this.ok = ok;
      this.unavailable = unavailable;
      this.full = full;
    }
  }

  /** Sends one span of trace {@code 7:low} and returns the client's view of the answer. */
  private Future<String> send(Receiver r, long low) throws Exception {
    switch (r) {
      case OTLP_HTTP:
        return http.sendAsync(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + collector.otlpHttpPort() + "/v1/traces"))
            .header("Content-Type", "application/x-protobuf")
            .POST(HttpRequest.BodyPublishers.ofByteArray(BadInputTest.request("o", low, 1).toByteArray())).build(),
            HttpResponse.BodyHandlers.ofByteArray()).thenApply(resp -> {
              if (resp.statusCode() == 200) {
                return "200";
              }
              try {
                com.google.rpc.Status s = com.google.rpc.Status.parseFrom(resp.body());
                assertThat(resp.headers().firstValue("retry-after")).hasValue("1");
                return resp.statusCode() + " " + s.getCode() + " " + s.getMessage();
              } catch (IOException e) {
                throw new AssertionError(e);
              }
            });
      case OTLP_GRPC:
        return grpc(TraceServiceGrpc.newFutureStub(otlpChannel).export(BadInputTest.request("o", low, 1)));
      case JAEGER_GRPC:
        io.jaegerj.proto.api_v2.Span span = io.jaegerj.proto.api_v2.Span.newBuilder()
            .setTraceId(ByteString.copyFrom(new TraceId(7, low).toBytes()))
            .setSpanId(ByteString.copyFrom(new byte[] {0, 0, 0, 0, 0, 0, 0, 1})).setOperationName("op").build();
        ListenableFuture<PostSpansResponse> f = CollectorServiceGrpc.newFutureStub(jaegerChannel).postSpans(
            PostSpansRequest.newBuilder().setBatch(Batch.newBuilder().addSpans(span)
                .setProcess(io.jaegerj.proto.api_v2.Process.newBuilder().setServiceName("j"))).build());
        return grpc(f);
      case JAEGER_HTTP:
        Span thrift = new Span(low, 7, 1, 0, "op", 0, 1_700_000_000_000_000L, 1_000);
        byte[] body = new TSerializer(new TBinaryProtocol.Factory())
            .serialize(new io.jaegertracing.thriftjava.Batch(new Process("t"), List.of(thrift)));
        return text(collector.jaegerHttpPort(), "/api/traces", "application/x-thrift", body);
      default:
        String json = String.format("[{\"traceId\":\"%016x%016x\",\"id\":\"0000000000000001\",\"name\":\"op\","
            + "\"timestamp\":1700000000000000,\"duration\":1000,\"localEndpoint\":{\"serviceName\":\"z\"}}]", 7, low);
        return text(zipkinPort, "/api/v2/spans", "application/json", json.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** "202" for success, else the status and the body without its trailing newline. */
  private CompletableFuture<String> text(int port, String path, String contentType, byte[] body) {
    return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString()).thenApply(resp -> {
          if (resp.statusCode() == 202) {
            return "202";
          }
          assertThat(resp.headers().firstValue("retry-after")).hasValue("1");
          return resp.statusCode() + " " + resp.body().strip();
        });
  }

  private static <T> Future<String> grpc(ListenableFuture<T> call) {
    CompletableFuture<String> out = new CompletableFuture<>();
    call.addListener(() -> {
      try {
        call.get();
        out.complete("OK");
      } catch (ExecutionException e) {
        if (e.getCause() instanceof StatusRuntimeException sre) {
          Status s = sre.getStatus();
          if (s.getCode() == Status.Code.UNAVAILABLE && StatusProto.fromThrowable(sre) != null
              && StatusProto.fromThrowable(sre).getDetailsCount() > 0) {
            assertThat(StatusProto.fromThrowable(sre).getDetails(0).getTypeUrl()).endsWith("google.rpc.RetryInfo");
          }
          out.complete(s.getCode() + " " + s.getDescription());
        } else {
          out.completeExceptionally(e.getCause());
        }
      } catch (InterruptedException e) {
        out.completeExceptionally(e);
      }
    }, Runnable::run);
    return out;
  }

  /** True when the answer is still missing after {@link #WAIT_MILLIS}. */
  private static boolean notYet(Future<String> answer) throws InterruptedException {
    Thread.sleep(WAIT_MILLIS);
    return !answer.isDone();
  }

  private static byte[] rawPost(byte[] body) {
    byte[] head = ("POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-protobuf\r\n"
        + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[head.length + body.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(body, 0, all, head.length, body.length);
    return all;
  }

  /** Reads until {@code count} status lines and their bodies (Content-Length) have arrived. */
  private static String readAnswers(InputStream in, int count) throws IOException {
    StringBuilder b = new StringBuilder();
    byte[] buf = new byte[4096];
    while (complete(b.toString()) < count) {
      int n = in.read(buf);
      if (n < 0) {
        break;
      }
      b.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
    }
    return b.toString();
  }

  private static int complete(String s) {
    int done = 0;
    int at = 0;
    while (true) {
      int end = s.indexOf("\r\n\r\n", at);
      if (end < 0) {
        return done;
      }
      String head = s.substring(at, end).toLowerCase(Locale.ROOT);
      int cl = head.indexOf("content-length:");
      int len = cl < 0 ? 0 : Integer.parseInt(head.substring(cl + 15, head.indexOf("\r\n", cl) < 0
          ? head.length() : head.indexOf("\r\n", cl)).trim());
      if (s.length() < end + 4 + len) {
        return done;
      }
      done++;
      at = end + 4 + len;
    }
  }
}
