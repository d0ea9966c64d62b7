// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * CORS as the OTel collector's HTTP servers apply it: origins may be {@code *} or contain one {@code *} wildcard
 * ({@code https://*.example.com}); credentials are allowed; no max-age. Preflight requests are answered here with
 * 204. Sits after the aggregator, so it sees whole requests. One instance per connection.
 */
final class CorsHandler extends ChannelDuplexHandler {
  /** Headers a preflight may always ask for (the rs/cors defaults). */
  private static final List<String> DEFAULT_HEADERS = List.of("origin", "accept", "content-type", "x-requested-with");

  private final List<String> origins;
  private final List<String> headers;
  private String allowedOrigin;

  CorsHandler(List<String> origins, List<String> allowedHeaders) {
    this.origins = origins;
    List<String> h = new ArrayList<>(DEFAULT_HEADERS);
    for (String a : allowedHeaders) {
      h.add(a.toLowerCase(Locale.ROOT));
    }
    this.headers = h;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (!(msg instanceof FullHttpRequest)) {
      super.channelRead(ctx, msg);
      return;
    }
    FullHttpRequest req = (FullHttpRequest) msg;
    String origin = req.headers().get(HttpHeaderNames.ORIGIN);
    allowedOrigin = origin != null && allowed(origin) ? origin : null;
    String requestedMethod = req.headers().get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
    if (req.method().equals(HttpMethod.OPTIONS) && origin != null && requestedMethod != null) {
      try {
        HttpResponse r = HttpResponses.empty(HttpResponseStatus.NO_CONTENT);
        r.headers().add(HttpHeaderNames.VARY, "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
        if (allowedOrigin != null && preflightHeadersAllowed(req.headers().get(
            HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS))) {
          r.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
          r.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, requestedMethod.toUpperCase(Locale.ROOT));
          String rh = req.headers().get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS);
          if (rh != null && !rh.isBlank()) {
            r.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, rh);
          }
          r.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        }
        allowedOrigin = null;
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
      } finally {
        ReferenceCountUtil.release(msg);
      }
      return;
    }
    super.channelRead(ctx, msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
    if (msg instanceof HttpResponse && allowedOrigin != null) {
      HttpResponse r = (HttpResponse) msg;
      r.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, allowedOrigin);
      r.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
      r.headers().add(HttpHeaderNames.VARY, "Origin");
      allowedOrigin = null;
    }
    super.write(ctx, msg, promise);
  }

  private boolean preflightHeadersAllowed(String requested) {
    if (requested == null || requested.isBlank()) {
      return true;
    }
    if (headers.contains("*")) {
      return true;
    }
    for (String h : requested.split(",")) {
      String t = h.trim().toLowerCase(Locale.ROOT);
      if (!t.isEmpty() && !headers.contains(t)) {
        return false;
      }
    }
    return true;
  }

  boolean allowed(String origin) {
    String o = origin.toLowerCase(Locale.ROOT);
    for (String pattern : origins) {
      String p = pattern.toLowerCase(Locale.ROOT);
      if (p.equals("*") || p.equals(o)) {
        return true;
      }
      int star = p.indexOf('*');
      if (star >= 0) {
        String prefix = p.substring(0, star);
        String suffix = p.substring(star + 1);
        if (o.length() >= prefix.length() + suffix.length() && o.startsWith(prefix) && o.endsWith(suffix)) {
          return true;
        }
      }
    }
    return false;
  }
}
