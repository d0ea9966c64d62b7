// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shared HTTP listener with a small echo application: slow headers, idle and excess connections, RFC 9112
 * framing, and a graceful close with requests in flight, on real sockets.
 */
class HttpListenerTest {
  private static final HostPort LOOPBACK = HostPort.parse("test.host-port", "127.0.0.1:0");

  private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final List<HttpListener> listeners = new ArrayList<>();
  /** Requests the application saw, by path. */
  private final List<String> seen = new CopyOnWriteArrayList<>();
  /** Completed by the test to let {@code /hold} requests be answered. */
  private final CompletableFuture<Void> release = new CompletableFuture<>();

  @BeforeAll
  static void transport() {
    NettyTransport.shared().retain();
  }

  @AfterAll
  static void releaseTransport() {
    NettyTransport.shared().release();
  }

  @AfterEach
  void closeAll() {
    release.complete(null);
    for (HttpListener l : listeners) {
      l.close();
    }
  }

  /** Answers 200 with the path, except {@code /hold}, answered once {@link #release} completes. */
  @ChannelHandler.Sharable
  private final class Echo extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      seen.add(req.uri());
      boolean keepAlive = HttpUtil.isKeepAlive(req);
      Runnable answer = () -> {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
            Unpooled.copiedBuffer("ok " + req.uri(), StandardCharsets.UTF_8));
        HttpUtil.setContentLength(r, r.content().readableBytes());
        HttpUtil.setKeepAlive(r, keepAlive);
        ctx.writeAndFlush(r).addListener(keepAlive ? ChannelFutureListener.CLOSE_ON_FAILURE
            : ChannelFutureListener.CLOSE);
      };
      if (req.uri().equals("/hold")) {
        release.thenRun(() -> ctx.executor().execute(answer));
      } else {
        answer.run();
      }
    }
  }

  private HttpListener start(HttpListener.Limits limits) {
    Echo echo = new Echo();
    HttpListener l = HttpListener.bind("test", "test.host-port", LOOPBACK, Optional.empty(), limits, meters, p -> {
      p.addLast(new HttpObjectAggregator(1 << 16));
      p.addLast(echo);
    });
    listeners.add(l);
    return l;
  }

  private static HttpListener.Limits fast() {
    return HttpListener.Limits.defaults().withTimeouts(Duration.ofMillis(300), Duration.ofSeconds(5),
        Duration.ofSeconds(5));
  }

  @Test
  void slowHeaders_disconnectedAfterReadHeaderTimeout_whileOthersAreServed() throws Exception {
    HttpListener l = start(fast());
    try (Socket slow = RawHttp.connect(l.port())) {
      long t0 = System.nanoTime();
      CompletableFuture<Long> closedAfter = RawHttp.trickleHeaders(slow, Duration.ofMillis(50));
      assertThat(RawHttp.exchange(l.port(), RawHttp.get("/other"))).startsWith("HTTP/1.1 200");
      long ms = closedAfter.get(10, TimeUnit.SECONDS);
      assertThat(Duration.ofNanos(ms)).isGreaterThanOrEqualTo(Duration.ofMillis(250))
          .isLessThan(Duration.ofSeconds(3));
      assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(5));
    }
    assertThat(seen).containsExactly("/other");
  }

  @Test
  void idleKeepAliveConnection_closedAfterIdleTimeout() throws Exception {
    HttpListener l = start(HttpListener.Limits.defaults().withTimeouts(Duration.ofSeconds(5), Duration.ZERO,
        Duration.ofMillis(300)));
    try (Socket s = RawHttp.connect(l.port())) {
      s.getOutputStream().write(RawHttp.get("/a"));
      assertThat(RawHttp.readResponse(s.getInputStream())).startsWith("HTTP/1.1 200");
      long t0 = System.nanoTime();
      assertThat(RawHttp.awaitClosed(s, Duration.ofSeconds(5))).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
    }
  }

  /**
   * Jaeger's receiver defaults (read-header 2s, read and idle 0s): Go starts the read-header timeout at the next
   * request's first bytes, so a keep-alive connection may stay idle for longer and is still served. Closing it after
   * the read-header timeout raced with clients reusing it (their request closed without an answer).
   */
  @Test
  void idleTimeoutZero_readHeaderTimeoutDoesNotCloseAnIdleKeepAliveConnection() throws Exception {
    HttpListener l = start(HttpListener.Limits.defaults().withTimeouts(Duration.ofMillis(200), Duration.ZERO,
        Duration.ZERO));
    try (Socket s = RawHttp.connect(l.port())) {
      s.getOutputStream().write(RawHttp.get("/first"));
      assertThat(RawHttp.readResponse(s.getInputStream())).startsWith("HTTP/1.1 200");
      // idle for five read-header timeouts: Go keeps the connection (the old derivation closed it after 200 ms)
      assertThat(RawHttp.awaitClosed(s, Duration.ofSeconds(1))).as("closed while idle").isFalse();
      s.setSoTimeout(10_000);
      s.getOutputStream().write(RawHttp.get("/second"));
      assertThat(RawHttp.readResponse(s.getInputStream())).startsWith("HTTP/1.1 200");
    }
    assertThat(seen).containsExactly("/first", "/second");
    // a new connection that sends nothing is still closed after the read-header timeout
    try (Socket silent = RawHttp.connect(l.port())) {
      assertThat(RawHttp.awaitClosed(silent, Duration.ofSeconds(10))).isTrue();
    }
  }

  @Test
  void manyIdleConnections_boundedByTheConnectionLimit_serverRecovers() throws Exception {
    HttpListener l = start(fast().withMaxConnections(10));
    List<Socket> idle = new ArrayList<>();
    try {
      for (int i = 0; i < 60; i++) {
        idle.add(RawHttp.connect(l.port()));
      }
      // The ones beyond the limit are closed at once; never more than the limit are open.
      int closed = 0;
      for (Socket s : idle.subList(10, idle.size())) {
        closed += RawHttp.awaitClosed(s, Duration.ofSeconds(5)) ? 1 : 0;
      }
      assertThat(closed).isEqualTo(50);
      assertThat(l.openConnections()).isLessThanOrEqualTo(10);
      assertThat(meters.scrape()).contains("jaeger_http_server_refused_total{reason=\"connection_limit\","
          + "server=\"test\"} 50.0");
    } finally {
      for (Socket s : idle) {
        s.close();
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (l.openConnections() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(RawHttp.exchange(l.port(), RawHttp.get("/after"))).startsWith("HTTP/1.1 200");
  }

  @Test
  void contentLengthAndTransferEncoding_400AndClose_smuggledRequestNotServed() throws Exception {
    HttpListener l = start(fast());
    String smuggle = "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
    RawHttp.assertRefusedAndClosed(l.port(), smuggle, "400");
    String xchunked = "POST /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n"
        + "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
    RawHttp.assertRefusedAndClosed(l.port(), xchunked, "400");
    RawHttp.assertRefusedAndClosed(l.port(), "GARBAGE\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n", "400");
    assertThat(seen).isEmpty();
    assertThat(RawHttp.exchange(l.port(), RawHttp.get("/fine"))).startsWith("HTTP/1.1 200");
  }

  @Test
  void close_requestInFlight_gets503ConnectionClose_notAReset() throws Exception {
    HttpListener l = start(fast().withShutdownGrace(Duration.ofMillis(300)));
    try (Socket held = RawHttp.connect(l.port()); Socket idle = RawHttp.connect(l.port())) {
      held.getOutputStream().write(RawHttp.get("/hold"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (!seen.contains("/hold") && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      idle.getOutputStream().write(RawHttp.get("/first"));
      assertThat(RawHttp.readResponse(idle.getInputStream())).startsWith("HTTP/1.1 200");

      l.close();

      String answer = RawHttp.readResponse(held.getInputStream());
      assertThat(answer).startsWith("HTTP/1.1 503").containsIgnoringCase("connection: close");
      assertThat(RawHttp.awaitClosed(held, Duration.ofSeconds(2))).isTrue();
      assertThat(RawHttp.awaitClosed(idle, Duration.ofSeconds(2))).isTrue();
    }
  }

  @Test
  void close_requestAnsweredWithinGrace_getsItsAnswerWithConnectionClose() throws Exception {
    HttpListener l = start(fast().withShutdownGrace(Duration.ofSeconds(5)));
    try (Socket held = RawHttp.connect(l.port())) {
      held.getOutputStream().write(RawHttp.get("/hold"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (!seen.contains("/hold") && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      CompletableFuture<Void> closing = CompletableFuture.runAsync(l::close);
      Thread.sleep(100);
      release.complete(null);
      String answer = RawHttp.readResponse(held.getInputStream());
      assertThat(answer).startsWith("HTTP/1.1 200").containsIgnoringCase("connection: close").endsWith("ok /hold");
      closing.get(10, TimeUnit.SECONDS);
    }
  }

  /** A raw HTTP/1.1 client: what real clients cannot do (slow headers, bad framing). */
  static final class RawHttp {
    private RawHttp() {}

    static Socket connect(int port) throws IOException {
      Socket s = new Socket("127.0.0.1", port);
      s.setSoTimeout(10_000);
      return s;
    }

    static byte[] get(String path) {
      return ("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Sends one request on a new connection and reads one response. */
    static String exchange(int port, byte[] request) throws IOException {
      try (Socket s = connect(port)) {
        s.getOutputStream().write(request);
        return readResponse(s.getInputStream());
      }
    }

    /** Reads one response framed by Content-Length (or until the connection closes). */
    static String readResponse(InputStream in) throws IOException {
      StringBuilder head = new StringBuilder();
      int c;
      while ((c = in.read()) >= 0) {
        head.append((char) c);
        if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
          break;
        }
      }
      int length = -1;
      for (String line : head.toString().split("\r\n")) {
        if (line.toLowerCase().startsWith("content-length:")) {
          length = Integer.parseInt(line.substring(15).trim());
        }
      }
      StringBuilder body = new StringBuilder();
      for (int i = 0; length < 0 || i < length; i++) {
        if ((c = in.read()) < 0) {
          break;
        }
        body.append((char) c);
      }
      return head.append(body).toString();
    }

    /** True once the peer closed the connection (EOF or reset) within {@code timeout}. */
    static boolean awaitClosed(Socket s, Duration timeout) throws IOException {
      s.setSoTimeout((int) timeout.toMillis());
      try {
        InputStream in = s.getInputStream();
        while (in.read() >= 0) {
          // drain what is left of a response
        }
        return true;
      } catch (SocketException e) {
        return true; // reset
      } catch (SocketTimeoutException e) {
        return false;
      }
    }

    /** Sends a request whose headers never end, one byte per {@code every}; completes with when it was cut off. */
    static CompletableFuture<Long> trickleHeaders(Socket s, Duration every) {
      long t0 = System.nanoTime();
      return CompletableFuture.supplyAsync(() -> {
        try {
          OutputStream out = s.getOutputStream();
          out.write("GET /slow HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
          long deadline = t0 + TimeUnit.SECONDS.toNanos(20);
          s.setSoTimeout((int) every.toMillis());
          while (System.nanoTime() < deadline) {
            out.write('a');
            out.flush();
            try {
              if (s.getInputStream().read() < 0) {
                return System.nanoTime() - t0;
              }
            } catch (SocketTimeoutException e) {
              // still open
            }
          }
          throw new AssertionError("slow client never disconnected");
        } catch (IOException e) {
          return System.nanoTime() - t0; // reset or broken pipe: disconnected
        }
      });
    }

    /** Sends {@code raw}; expects the status then the connection closed, with nothing after the first answer. */
    static void assertRefusedAndClosed(int port, String raw, String status) throws IOException {
      try (Socket s = connect(port)) {
        s.getOutputStream().write(raw.getBytes(StandardCharsets.US_ASCII));
        String answer = readResponse(s.getInputStream());
        assertThat(answer).startsWith("HTTP/1.1 " + status).containsIgnoringCase("connection: close");
        s.setSoTimeout(5000);
        assertThat(s.getInputStream().read()).as("nothing after the refusal; connection closed").isEqualTo(-1);
      }
    }
  }
}
