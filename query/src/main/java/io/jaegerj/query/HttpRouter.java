// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import io.jaegerj.server.tenancy.Tenancy;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Port 16686 after the UI's own handlers (live tail, trace pages): cleans the path as gorilla/mux does, resolves the
 * tenant and bearer token, strips the base path, then hands the request to the first route whose pattern matches
 * (/api, /api/v3, /api/metrics), to the UI's static files, or else to index.html (spec query.md §1.4, §2, §3.3, §5).
 * Failures are answered by {@link HttpErrors} in the envelope of the matched route's API family. Runs on an
 * executor group off the event loop because storage calls block; shared by all connections.
 */
@ChannelHandler.Sharable
final class HttpRouter extends SimpleChannelInboundHandler<FullHttpRequest> {
  private final QueryOptions options;
  private final UiAssetHandler ui;
  private final List<HttpRoute> routes;
  private final HttpErrors errors = new HttpErrors();

  HttpRouter(QueryOptions options, UiAssetHandler ui, List<List<HttpRoute>> families) {
    super(true);
    this.options = options;
    this.ui = ui;
    List<HttpRoute> all = new ArrayList<>();
    families.forEach(all::addAll);
    this.routes = List.copyOf(all);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    HttpReply r = new HttpReply();
    try {
      if (req.decoderResult().isFailure()) {
        r.text(HttpResponseStatus.BAD_REQUEST, "400 Bad Request");
      } else {
        route(req, r);
      }
    } finally {
      BearerToken.set("");
    }
    r.send(ctx, req, options.additionalHeaders());
  }

  private void route(FullHttpRequest req, HttpReply r) {
    String uri = req.uri();
    int q = uri.indexOf('?');
    String rawPath = q < 0 ? uri : uri.substring(0, q);
    String rawQuery = q < 0 ? "" : uri.substring(q + 1);
    if (!rawPath.startsWith("/")) {
      r.text(HttpResponseStatus.NOT_FOUND, "404 page not found");
      return;
    }
    String cleaned = cleanPath(rawPath);
    if (!cleaned.equals(rawPath)) {
      r.redirect(cleaned + (q < 0 ? "" : "?" + rawQuery));
      return;
    }
    Tenancy.Decision decision = options.tenancy().resolve(req.headers());
    if (!decision.allowed()) {
      r.text(HttpResponseStatus.UNAUTHORIZED, decision.failure().message());
      return;
    }
    if (options.bearerTokenPropagation()) {
      BearerToken.set(BearerToken.fromHttp(req.headers().get(HttpHeaderNames.AUTHORIZATION),
          req.headers().get("X-Forwarded-Access-Token")));
    }
    String rel = relativeToBase(rawPath);
    if (rel == null) {
      r.text(HttpResponseStatus.NOT_FOUND, "404 page not found");
      return;
    }
    HttpErrors.Envelope envelope = HttpErrors.Envelope.API;
    try {
      // Decoded before routing, so a malformed query string fails the same way on every path.
      ApiParams params =
          new ApiParams(new QueryStringDecoder(rawQuery, StandardCharsets.UTF_8, false).parameters());
      if (rel.startsWith(UiAssetHandler.STATIC)) {
        ui.staticFile(rel.substring(UiAssetHandler.STATIC.length()), r);
        return;
      }
      String[] segments = rel.substring(1).split("/", -1);
      for (HttpRoute route : routes) {
        List<String> pathParams = route.match(segments);
        if (pathParams == null) {
          continue;
        }
        if (!req.method().equals(route.method())) {
          r.status(HttpResponseStatus.METHOD_NOT_ALLOWED);
          return;
        }
        envelope = route.envelope();
        route.endpoint().serve(new HttpRoute.Request(req, decision.tenant(), params, pathParams), r);
        return;
      }
      ui.index(r);
    } catch (Exception e) {
      errors.reply(r, envelope, req.method().name(), uri, e);
    }
  }

  /** The path below the base path, "/" for the base path itself, null when outside it. */
  private String relativeToBase(String rawPath) {
    String base = options.basePath();
    if (base.isEmpty()) {
      return rawPath;
    } else if (rawPath.equals(base)) {
      return "/";
    } else if (rawPath.startsWith(base + "/")) {
      return rawPath.substring(base.length());
    }
    return null;
  }

  /** Go's path.Clean, keeping a trailing slash (gorilla/mux redirects to it when it differs). */
  static String cleanPath(String p) {
    if (p.isEmpty()) {
      return "/";
    }
    ArrayDeque<String> out = new ArrayDeque<>();
    for (String s : p.split("/")) {
      if (s.isEmpty() || s.equals(".")) {
        continue;
      }
      if (s.equals("..")) {
        out.pollLast();
      } else {
        out.addLast(s);
      }
    }
    String c = "/" + String.join("/", out);
    if (p.endsWith("/") && !c.equals("/")) {
      c += "/";
    }
    return c;
  }
}
