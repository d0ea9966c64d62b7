// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import io.jaegerj.model.TraceId;
import io.jaegerj.model.json.UiJsonWriter;
import io.jaegerj.server.tenancy.Tenancy;
import io.jaegerj.storage.SpanReader;
import io.jaegerj.storage.TraceQuery;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live tail for the UI (not in Jaeger): {@code GET <base>/api/live/traces?service=S[&operation=O]} answers with
 * server-sent events, one {@code event: trace} with {@code data: {"traceID":"..."}} per trace of the service that
 * appears in storage after the stream opened. Each stream polls the span reader once per {@link #POLL_MILLIS} for
 * the trace IDs of the last {@link #WINDOW_MICROS}; IDs already reported (or present when the stream opened) are
 * skipped. Bounds: at most {@link #MAX_CLIENTS} streams at once (503 beyond), at most {@link #MAX_PER_POLL} traces
 * per poll, at most {@link #MAX_REMEMBERED} remembered IDs per stream, and events are dropped (never queued) while a
 * client does not read. The tenant comes from the tenancy header as for every other endpoint. Other requests pass
 * through to the next handler.
 */
@ChannelHandler.Sharable
final class LiveTailHandler extends ChannelInboundHandlerAdapter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LiveTailHandler.class);
  static final String PATH = "/api/live/traces";
  static final int MAX_CLIENTS = 32;
  static final int MAX_PER_POLL = 50;
  static final int MAX_REMEMBERED = 10_000;
  static final long POLL_MILLIS = 1_000;
  static final long HEARTBEAT_MILLIS = 15_000;
  static final long WINDOW_MICROS = TimeUnit.MINUTES.toMicros(15);

  private final SpanReader reader;
  private final Tenancy tenancy;
  private final String basePath;
  private final Clock clock;
  private final AtomicInteger clients = new AtomicInteger();
  private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "jaeger-query-live-tail");
    t.setDaemon(true);
    return t;
  });

  private final Counter dropped;

  /** Registers jaegerj_query_live_tail_streams (open now) and jaegerj_query_live_tail_events_dropped_total. */
  LiveTailHandler(SpanReader reader, Tenancy tenancy, String basePath, Clock clock, MeterRegistry meters) {
    this.reader = reader;
    this.tenancy = tenancy;
    this.basePath = basePath;
    this.clock = clock;
    Gauge.builder("jaegerj_query_live_tail_streams", clients, AtomicInteger::get)
        .description("Live-tail event streams open").register(meters);
    dropped = Counter.builder("jaegerj_query_live_tail_events_dropped")
        .description("Live-tail events not sent because the client was not reading").register(meters);
  }

  /** Streams open now (for tests and metrics). */
  int clients() {
    return clients.get();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest req) || !isLiveTail(req.uri())) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      open(ctx, req);
    } finally {
      ReferenceCountUtil.release(req);
    }
  }

  private boolean isLiveTail(String uri) {
    int q = uri.indexOf('?');
    String path = q < 0 ? uri : uri.substring(0, q);
    return path.equals(basePath + PATH);
  }

  private void open(ChannelHandlerContext ctx, FullHttpRequest req) {
    if (!req.method().equals(HttpMethod.GET)) {
      error(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "live tail takes GET");
      return;
    }
    Tenancy.Decision decision = tenancy.resolve(req.headers());
    if (!decision.allowed()) {
      error(ctx, HttpResponseStatus.UNAUTHORIZED, decision.failure().message());
      return;
    }
    QueryStringDecoder qs = new QueryStringDecoder(req.uri(), StandardCharsets.UTF_8);
    String service = first(qs, "service");
    if (service.isEmpty()) {
      error(ctx, HttpResponseStatus.BAD_REQUEST, "parameter 'service' is required for live tail");
      return;
    }
    if (clients.incrementAndGet() > MAX_CLIENTS) {
      clients.decrementAndGet();
      error(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "too many live tail streams open (at most " + MAX_CLIENTS + ")");
      return;
    }
    Stream stream = new Stream(ctx.channel(), decision.tenant(), service, first(qs, "operation"));
    try {
      stream.seed();
    } catch (RuntimeException e) {
      clients.decrementAndGet();
      LOG.warn("Live tail for service {} could not read storage: {}", service, e.toString());
      error(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, "live tail could not read storage: " + e.getMessage());
      return;
    }
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
    head.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
    head.headers().set("X-Accel-Buffering", "no");
    HttpUtil.setTransferEncodingChunked(head, true);
    ctx.write(head);
    ctx.writeAndFlush(text("retry: 2000\n: live tail of " + service.replace('\n', ' ') + "\n\n"));
    stream.start();
  }

  private static String first(QueryStringDecoder qs, String name) {
    List<String> v = qs.parameters().get(name);
    return v == null || v.isEmpty() ? "" : v.get(0).trim();
  }

  private static DefaultHttpContent text(String s) {
    return new DefaultHttpContent(Unpooled.copiedBuffer(s, StandardCharsets.UTF_8));
  }

  private static void error(ChannelHandlerContext ctx, HttpResponseStatus status, String message) {
    ByteBuf body = Unpooled.copiedBuffer("{\"data\":null,\"total\":0,\"limit\":0,\"offset\":0,\"errors\":[{\"code\":"
        + status.code() + ",\"msg\":" + UiJsonWriter.goQuote(message) + "}]}\n", StandardCharsets.UTF_8);
    FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
    resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
    resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    HttpUtil.setContentLength(resp, body.readableBytes());
    ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
  }

  /** One open event stream. */
  private final class Stream {
    private final Channel channel;
    private final String tenant;
    private final String service;
    private final String operation;
    private final LinkedHashSet<TraceId> seen = new LinkedHashSet<>();
    private ScheduledFuture<?> task;
    private long lastWrite;

    Stream(Channel channel, String tenant, String service, String operation) {
      this.channel = channel;
      this.tenant = tenant;
      this.service = service;
      this.operation = operation;
    }

    private List<TraceId> recent() {
      long now = clock.millis() * 1000;
      TraceQuery q = TraceQuery.builder(service)
          .tenant(tenant)
          .operationName(operation)
          .startTimeMinMicros(now - WINDOW_MICROS)
          .startTimeMaxMicros(now + TimeUnit.MINUTES.toMicros(1))
          .numTraces(MAX_PER_POLL)
          .build();
      return reader.findTraceIds(q);
    }

    /** What exists when the stream opens is not news. */
    void seed() {
      remember(recent());
    }

    private void remember(List<TraceId> ids) {
      seen.addAll(ids);
      Iterator<TraceId> it = seen.iterator();
      while (seen.size() > MAX_REMEMBERED && it.hasNext()) {
        it.next();
        it.remove();
      }
    }

    void start() {
      lastWrite = clock.millis();
      task = poller.scheduleWithFixedDelay(this::poll, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
      channel.closeFuture().addListener(f -> stop());
    }

    private void stop() {
      if (task != null && task.cancel(false)) {
        clients.decrementAndGet();
      }
    }

    private void poll() {
      if (!channel.isActive()) {
        stop();
        return;
      }
      StringBuilder events = new StringBuilder();
      try {
        List<TraceId> ids = recent();
        for (TraceId id : ids) {
          if (!seen.contains(id)) {
            events.append("event: trace\ndata: {\"traceID\":\"").append(id).append("\"}\n\n");
          }
        }
        remember(ids);
      } catch (RuntimeException e) {
        events.append("event: failure\ndata: ").append(UiJsonWriter.goQuote(String.valueOf(e.getMessage())))
            .append("\n\n");
      }
      long now = clock.millis();
      if (events.length() == 0 && now - lastWrite >= HEARTBEAT_MILLIS) {
        events.append(": keep-alive\n\n");
      }
      // A client that does not read gets nothing more until it does: nothing queues up for it.
      if (events.length() > 0 && channel.isWritable()) {
        lastWrite = now;
        channel.writeAndFlush(text(events.toString()));
      } else if (events.length() > 0) {
        dropped.increment();
      }
    }
  }

  @Override
  public void close() {
    poller.shutdownNow();
  }
}
