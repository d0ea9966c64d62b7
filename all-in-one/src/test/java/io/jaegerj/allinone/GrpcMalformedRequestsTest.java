// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.allinone;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.jaegerj.collector.RawGrpc;
import io.jaegerj.server.JaegerMain;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests gRPC cannot read, on the OTLP gRPC port (frames cut short) and the query gRPC port (FindTraces bodies
 * that are not protobuf): each is counted, and the log gets at most one line per kind, not a stack trace per request.
 */
class GrpcMalformedRequestsTest {
  private static final int N = 20;

  @Test
  void truncatedFramesAndGarbageFindTraces_countedAndLoggedAtALimitedRate() throws Exception {
    int otlpGrpc = AllInOneMainTest.freePort();
    int queryGrpc = AllInOneMainTest.freePort();
    String[] args = {"--admin.http.host-port=127.0.0.1:0",
        "--collector.otlp.grpc.host-port=127.0.0.1:" + otlpGrpc,
        "--collector.otlp.http.host-port=127.0.0.1:0", "--collector.grpc-server.host-port=127.0.0.1:0",
        "--collector.http-server.host-port=127.0.0.1:0", "--agent.http-server.host-port=",
        "--query.grpc-server.host-port=127.0.0.1:" + queryGrpc, "--query.http-server.host-port=127.0.0.1:0",
        "--processor.jaeger-compact.server-host-port=", "--processor.jaeger-binary.server-host-port=",
        "--processor.zipkin-compact.server-host-port="};
    try (JaegerMain.Running running = JaegerMain.start(AllInOneMain.spec(), args, Map.of())) {
      ListAppender<ILoggingEvent> logs = new ListAppender<>();
      LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
      logs.setContext(ctx);
      logs.start();
      ctx.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(logs);

      sendTruncatedFrames(otlpGrpc, N);
      sendGarbageFindTraces(queryGrpc, N);

      String metrics = "";
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < deadline) {
        metrics = scrape(running.adminPort());
        if (metrics.contains("jaeger_grpc_server_malformed_requests_total{reason=\"truncated_frame\"} " + N + ".0")
            && metrics.contains("jaeger_grpc_server_malformed_requests_total{reason=\"unparsable\"} " + N + ".0")) {
          break;
        }
        Thread.sleep(20);
      }
      assertThat(metrics)
          .contains("jaeger_grpc_server_malformed_requests_total{reason=\"truncated_frame\"} " + N + ".0")
          .contains("jaeger_grpc_server_malformed_requests_total{reason=\"unparsable\"} " + N + ".0");
      List<ILoggingEvent> lines = logs.list.stream()
          .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).toList();
      assertThat(lines).as("WARN+ lines for %s bad requests", 2 * N).hasSizeLessThanOrEqualTo(2)
          .allSatisfy(e -> assertThat(e.getThrowableProxy()).as("no stack trace").isNull());
      assertThat(lines).extracting(ILoggingEvent::getFormattedMessage)
          .anySatisfy(m -> assertThat(m).contains("truncated frame"))
          .anySatisfy(m -> assertThat(m).contains("does not parse"));
    }
  }

  private static String scrape(int adminPort) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
        "http://127.0.0.1:" + adminPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  /** FindTraces calls (api_v2 and api_v3) whose request is a truncated varint, not a message. */
  private static void sendGarbageFindTraces(int port, int n) throws Exception {
    ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      for (int i = 0; i < n; i++) {
        String method = (i % 2 == 0 ? "jaeger.api_v2" : "jaeger.api_v3") + ".QueryService/FindTraces";
        MethodDescriptor<byte[], byte[]> md = RawGrpc.method(MethodDescriptor.MethodType.SERVER_STREAMING, method);
        try {
          ClientCalls.blockingServerStreamingCall(ch, md, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS),
              new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}).forEachRemaining(r -> { });
        } catch (StatusRuntimeException expected) {
          // refused, as it should be
        }
      }
    } finally {
      ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /**
   * Raw HTTP/2 (prior knowledge) on one connection: {@code n} Export calls whose DATA frame announces a 100-byte
   * message but ends the stream after 10 bytes. No gRPC client can send this; an attacker can.
   */
  private static void sendTruncatedFrames(int port, int n) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      frame(out, 4, 0, 0, new byte[0]); // SETTINGS
      ByteArrayOutputStream headers = new ByteArrayOutputStream();
      for (String[] h : new String[][] {{":method", "POST"}, {":scheme", "http"},
          {":path", "/opentelemetry.proto.collector.trace.v1.TraceService/Export"}, {":authority", "localhost"},
          {"content-type", "application/grpc"}, {"te", "trailers"}}) {
        headers.write(0); // literal header field without indexing, new name, no Huffman coding
        headers.write(h[0].length());
        headers.write(h[0].getBytes(StandardCharsets.US_ASCII));
        headers.write(h[1].length());
        headers.write(h[1].getBytes(StandardCharsets.US_ASCII));
      }
      byte[] data = new byte[5 + 10];
      data[4] = 100; // uncompressed, length 100, then only 10 bytes
      for (int i = 0; i < n; i++) {
        int stream = 2 * i + 1;
        frame(out, 1, 0x4, stream, headers.toByteArray()); // HEADERS, END_HEADERS
        frame(out, 0, 0x1, stream, data); // DATA, END_STREAM
      }
      out.flush();
      // Read until the server answered every stream (or closed): RST_STREAM or trailers per stream.
      InputStream in = s.getInputStream();
      int answered = 0;
      byte[] head = new byte[9];
      while (answered < n) {
        if (in.readNBytes(head, 0, 9) < 9) {
          break;
        }
        int length = (head[0] & 0xff) << 16 | (head[1] & 0xff) << 8 | (head[2] & 0xff);
        int type = head[3];
        int flags = head[4];
        in.readNBytes(length);
        if (type == 3 || (type == 1 && (flags & 0x1) != 0)) {
          answered++;
        }
        if (type == 4 && (flags & 0x1) == 0) {
          frame(out, 4, 0x1, 0, new byte[0]); // SETTINGS ACK
        }
      }
    }
  }

  private static void frame(OutputStream out, int type, int flags, int stream, byte[] payload) throws IOException {
    out.write(new byte[] {(byte) (payload.length >>> 16), (byte) (payload.length >>> 8), (byte) payload.length,
        (byte) type, (byte) flags, (byte) (stream >>> 24), (byte) (stream >>> 16), (byte) (stream >>> 8),
        (byte) stream});
    out.write(payload);
  }
}
