// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import com.fasterxml.jackson.core.JsonGenerator;
import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import io.jaegerj.model.json.UiJsonWriter;
import io.jaegerj.server.tenancy.Tenancy;
import io.jaegerj.storage.GetTraceQuery;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One page of a trace for the UI's big-trace view (not in Jaeger): {@code GET <base>/api/trace-pages/{id}?offset=O
 * &limit=L} answers {@code {"data":[trace with spans O..O+L-1],"total":<span count>,"offset":O,"limit":L,
 * "summary":{"startTime","endTime","depth","services"}}}. Spans come in the timeline's order (depth first, children
 * by start time), so the first page is the top of the timeline and the UI can draw it before the whole trace has
 * arrived; only the spans up to the page's end are put in order ({@link TimelinePage}). The trace is read and adjusted as {@code /api/traces/{id}} does; limit is 1..{@link #MAX_LIMIT}. Other
 * requests pass through.
 */
@ChannelHandler.Sharable
final class TracePageHandler extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(TracePageHandler.class);
  static final String PREFIX = "/api/trace-pages/";
  static final int MAX_LIMIT = 20_000;

  private final QueryService service;
  private final Tenancy tenancy;
  private final String basePath;

  TracePageHandler(QueryService service, Tenancy tenancy, String basePath) {
    this.service = service;
    this.tenancy = tenancy;
    this.basePath = basePath;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest req) || !req.uri().startsWith(basePath + PREFIX)) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      reply(ctx, req);
    } finally {
      ReferenceCountUtil.release(req);
    }
  }

  private void reply(ChannelHandlerContext ctx, FullHttpRequest req) {
    QueryStringDecoder qs = new QueryStringDecoder(req.uri(), StandardCharsets.UTF_8);
    String idText = qs.path().substring((basePath + PREFIX).length());
    if (!req.method().equals(HttpMethod.GET)) {
      send(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, error(405, "trace pages take GET"));
      return;
    }
    Tenancy.Decision decision = tenancy.resolve(req.headers());
    if (!decision.allowed()) {
      send(ctx, req, HttpResponseStatus.UNAUTHORIZED, error(401, decision.failure().message()));
      return;
    }
    TraceId id;
    int offset;
    int limit;
    try {
      id = TraceId.parse(idText);
      offset = intParam(qs, "offset", 0, 0, Integer.MAX_VALUE);
      limit = intParam(qs, "limit", 2000, 1, MAX_LIMIT);
    } catch (IllegalArgumentException e) {
      send(ctx, req, HttpResponseStatus.BAD_REQUEST, error(400, e.getMessage()));
      return;
    }
    try {
      var trace = service.getTrace(GetTraceQuery.of(decision.tenant(), id), false);
      if (trace.isEmpty()) {
        send(ctx, req, HttpResponseStatus.NOT_FOUND, error(404, "trace not found"));
        return;
      }
      send(ctx, req, HttpResponseStatus.OK, page(trace.get(), offset, limit));
    } catch (RuntimeException | IOException e) {
      LOG.warn("Trace page {} failed: {}", idText, e.toString());
      send(ctx, req, HttpResponseStatus.INTERNAL_SERVER_ERROR, error(500, String.valueOf(e.getMessage())));
    }
  }

  private static int intParam(QueryStringDecoder qs, String name, int dflt, int min, int max) {
    List<String> v = qs.parameters().get(name);
    if (v == null || v.isEmpty() || v.get(0).isEmpty()) {
      return dflt;
    }
    int n;
    try {
      n = Integer.parseInt(v.get(0));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("unable to parse param '" + name + "': " + v.get(0));
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException("param '" + name + "' must be between " + min + " and " + max);
    }
    return n;
  }

  /** The page as JSON; the spans are chosen by {@link TimelinePage}, which orders only those up to the page's end. */
  static ByteBuf page(Trace trace, int offset, int limit) throws IOException {
    TimelinePage page = TimelinePage.of(trace.spans(), offset, limit);
    int from = Math.min(offset, page.total);
    Trace part = new Trace(page.spans, from == 0 ? trace.warnings() : List.of());
    ByteBuf buf = Unpooled.buffer(Math.max(256, page.spans.size() * 600));
    try (JsonGenerator g = UiJsonWriter.newGenerator(new ByteBufOutputStream(buf), false)) {
      g.writeStartObject();
      g.writeFieldName("data");
      if (part.spans().isEmpty()) {
        g.writeStartArray();
        g.writeEndArray();
      } else {
        UiJsonWriter.writeTraces(g, List.of(part));
      }
      g.writeNumberField("total", page.total);
      g.writeNumberField("offset", from);
      g.writeNumberField("limit", limit);
      g.writeObjectFieldStart("summary");
      g.writeNumberField("startTime", page.startTime);
      g.writeNumberField("endTime", page.endTime);
      g.writeNumberField("depth", page.depth);
      g.writeNumberField("services", page.services);
      g.writeEndObject();
      g.writeNullField("errors");
      g.writeEndObject();
    } catch (IOException | RuntimeException e) {
      buf.release();
      throw e;
    }
    return buf;
  }

  private static ByteBuf error(int code, String msg) {
    ByteBuf buf = Unpooled.buffer(128);
    try (JsonGenerator g = UiJsonWriter.newGenerator(new ByteBufOutputStream(buf), false)) {
      g.writeStartObject();
      g.writeNullField("data");
      g.writeNumberField("total", 0);
      g.writeNumberField("limit", 0);
      g.writeNumberField("offset", 0);
      g.writeArrayFieldStart("errors");
      g.writeStartObject();
      g.writeNumberField("code", code);
      g.writeStringField("msg", msg);
      g.writeEndObject();
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return buf;
  }

  /** A JSON answer, sent like every other answer of port 16686 ({@link HttpReply#send}). */
  private static void send(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status, ByteBuf body) {
    HttpReply r = new HttpReply();
    r.status = status;
    r.contentType = HttpReply.JSON;
    r.body = body;
    r.send(ctx, req, List.of());
  }
}
