// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import com.fasterxml.jackson.core.JsonGenerator;
import io.jaegerj.model.DependencyLink;
import io.jaegerj.model.GoDuration;
import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import io.jaegerj.model.json.UiJsonWriter;
import io.jaegerj.model.otlp.ModelToOtlp;
import io.jaegerj.model.otlp.OtlpJsonWriter;
import io.jaegerj.server.tenancy.Tenancy;
import io.jaegerj.spm.MetricFamily;
import io.jaegerj.spm.MetricsJson;
import io.jaegerj.spm.MetricsQuery;
import io.jaegerj.spm.MetricsReader;
import io.jaegerj.storage.GetTraceQuery;
import io.jaegerj.storage.Operation;
import io.jaegerj.storage.OperationQuery;
import io.jaegerj.storage.TraceQuery;
import io.opentelemetry.proto.trace.v1.TracesData;
import io.jaegerj.server.RateLimitedLog;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves port 16686: the internal /api JSON endpoints, api_v3 over HTTP, the UI's static files and the SPA
 * fallback, all under the base path (spec query.md §1.4, §2, §3.3, §5). Runs on an executor group off the event
 * loop because storage calls block. Stateless apart from its collaborators; shared by all connections.
 */
@ChannelHandler.Sharable
final class HttpApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger log = LoggerFactory.getLogger(HttpApiHandler.class);
  static final String METRICS_DISABLED = "metrics querying is currently disabled";

  private final QueryService service;
  private final QueryOptions options;
  private final UiAssets assets;
  private final Clock clock;
  private final OtlpTransform transform;
  private final MetricsReader metrics;

  /** @param metrics the metrics store, null when {@code METRICS_STORAGE_TYPE} is unset (501) */
  HttpApiHandler(QueryService service, QueryOptions options, UiAssets assets, Clock clock, OtlpTransform transform,
      MetricsReader metrics) {
    super(true);
    this.metrics = metrics;
    this.service = service;
    this.options = options;
    this.assets = assets;
    this.clock = clock;
    this.transform = transform;
  }

  /** Converts an OTLP/JSON body into traces for /api/transform. */
  interface OtlpTransform {
    List<Trace> toTraces(byte[] otlpJson) throws IOException;
  }

  /** A response under construction. */
  private static final class Reply {
    HttpResponseStatus status = HttpResponseStatus.OK;
    String contentType;
    ByteBuf body = Unpooled.EMPTY_BUFFER;
    String location;
    String cacheControl;
    boolean nosniff;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    Reply r = new Reply();
    try {
      if (req.decoderResult().isFailure()) {
        text(r, HttpResponseStatus.BAD_REQUEST, "400 Bad Request");
      } else {
        route(ctx, req, r);
      }
    } catch (BadRequestException e) {
      log.debug("Bad request {}: {}", req.uri(), e.getMessage());
      release(r);
      apiError(r, HttpResponseStatus.BAD_REQUEST, e.getMessage());
    } catch (QueryService.TraceNotFoundException e) {
      release(r);
      apiError(r, HttpResponseStatus.NOT_FOUND, e.getMessage());
    } catch (Exception e) {
      release(r);
      logFailure(req, e);
      apiError(r, HttpResponseStatus.INTERNAL_SERVER_ERROR, String.valueOf(e.getMessage()));
    } finally {
      BearerToken.set("");
    }
    send(ctx, req, r);
  }

  /** Storage failures: one line every 10 s at most (with the number suppressed since), else DEBUG. */
  private final RateLimitedLog failures = new RateLimitedLog(log, RateLimitedLog.Level.ERROR);

  private void logFailure(FullHttpRequest req, Exception e) {
    failures.log("HTTP request {} {} failed", req.method(), req.uri(), e);
  }

  private static void release(Reply r) {
    if (r.body.refCnt() > 0 && r.body != Unpooled.EMPTY_BUFFER) {
      r.body.release();
    }
    r.body = Unpooled.EMPTY_BUFFER;
  }

  private void send(ChannelHandlerContext ctx, FullHttpRequest req, Reply r) {
    FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, r.status, r.body);
    if (r.contentType != null) {
      resp.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType);
    }
    if (r.nosniff) {
      resp.headers().set("X-Content-Type-Options", "nosniff");
    }
    if (r.location != null) {
      resp.headers().set(HttpHeaderNames.LOCATION, r.location);
    }
    if (r.cacheControl != null) {
      resp.headers().set(HttpHeaderNames.CACHE_CONTROL, r.cacheControl);
    }
    for (Map.Entry<String, String> h : options.additionalHeaders()) {
      resp.headers().add(h.getKey(), h.getValue());
    }
    HttpUtil.setContentLength(resp, r.body.readableBytes());
    // A request whose framing failed (RFC 9112): the rest of the connection cannot be trusted.
    boolean keepAlive = HttpUtil.isKeepAlive(req) && !req.decoderResult().isFailure();
    if (req.method().equals(HttpMethod.HEAD)) {
      resp.content().clear();
    }
    if (keepAlive) {
      if (!req.protocolVersion().isKeepAliveDefault()) {
        resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      }
      ctx.writeAndFlush(resp);
    } else {
      resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
    }
  }

  // ---------------------------------------------------------------------------------------------- routing

  private void route(ChannelHandlerContext ctx, FullHttpRequest req, Reply r) throws Exception {
    String uri = req.uri();
    int q = uri.indexOf('?');
    String rawPath = q < 0 ? uri : uri.substring(0, q);
    String rawQuery = q < 0 ? "" : uri.substring(q + 1);
    if (!rawPath.startsWith("/")) {
      text(r, HttpResponseStatus.NOT_FOUND, "404 page not found");
      return;
    }
    String cleaned = cleanPath(rawPath);
    if (!cleaned.equals(rawPath)) {
      r.status = HttpResponseStatus.MOVED_PERMANENTLY;
      r.location = cleaned + (q < 0 ? "" : "?" + rawQuery);
      return;
    }
    Tenancy.Decision decision = options.tenancy().resolve(req.headers());
    if (!decision.allowed()) {
      text(r, HttpResponseStatus.UNAUTHORIZED, decision.failure().message());
      return;
    }
    String tenant = decision.tenant();
    if (options.bearerTokenPropagation()) {
      BearerToken.set(BearerToken.fromHttp(req.headers().get(HttpHeaderNames.AUTHORIZATION),
          req.headers().get("X-Forwarded-Access-Token")));
    }
    String rel;
    String base = options.basePath();
    if (base.isEmpty()) {
      rel = rawPath;
    } else if (rawPath.equals(base)) {
      rel = "/";
    } else if (rawPath.startsWith(base + "/")) {
      rel = rawPath.substring(base.length());
    } else {
      text(r, HttpResponseStatus.NOT_FOUND, "404 page not found");
      return;
    }
    ApiParams params = new ApiParams(new QueryStringDecoder(rawQuery, StandardCharsets.UTF_8, false).parameters());
    HttpMethod m = req.method();
    String[] seg = rel.substring(1).split("/", -1);

    if (rel.startsWith("/static/")) {
      serveStatic(rel.substring("/static/".length()), r);
      return;
    }
    if (seg.length < 2 || !seg[0].equals("api")) {
      serveIndex(r);
      return;
    }
    String what = seg[1];
    if (what.equals("v3") && seg.length >= 3) {
      routeV3(tenant, m, seg, params, r);
      return;
    }
    switch (seg.length) {
      case 2:
        switch (what) {
          case "services":
            if (method(m, HttpMethod.GET, r)) {
              services(tenant, params, r);
            }
            return;
          case "operations":
            if (method(m, HttpMethod.GET, r)) {
              operations(tenant, params, r);
            }
            return;
          case "traces":
            if (method(m, HttpMethod.GET, r)) {
              searchTraces(tenant, params, r);
            }
            return;
          case "dependencies":
            if (method(m, HttpMethod.GET, r)) {
              dependencies(tenant, params, r);
            }
            return;
          case "transform":
            if (method(m, HttpMethod.POST, r)) {
              transform(req, params, r);
            }
            return;
          case "deep-dependencies":
            if (method(m, HttpMethod.GET, r)) {
              raw(r, SampleData.deepDependencies(params.first("service")));
            }
            return;
          case "quality-metrics":
            if (method(m, HttpMethod.GET, r)) {
              raw(r, SampleData.QUALITY_METRICS);
            }
            return;
          default:
            break;
        }
        break;
      case 3:
        if (seg[2].isEmpty()) {
          break;
        }
        switch (what) {
          case "traces":
            if (method(m, HttpMethod.GET, r)) {
              getTrace(tenant, seg[2], params, r);
            }
            return;
          case "archive":
            if (method(m, HttpMethod.POST, r)) {
              archive(tenant, seg[2], params, r);
            }
            return;
          case "metrics":
            switch (seg[2]) {
              case "latencies":
              case "calls":
              case "errors":
                if (method(m, HttpMethod.GET, r)) {
                  metrics(seg[2], params.metrics(seg[2].equals("latencies"), clock.millis(), BearerToken.current())
                      .withTenant(tenant), r);
                }
                return;
              case "minstep":
                if (method(m, HttpMethod.GET, r)) {
                  if (metrics == null) {
                    apiError(r, HttpResponseStatus.NOT_IMPLEMENTED, METRICS_DISABLED);
                  } else {
                    long step = metrics.minStepMillis();
                    envelope(r, params, g -> g.writeNumber(step), 0, null);
                  }
                }
                return;
              default:
                break;
            }
            break;
          default:
            break;
        }
        break;
      case 4:
        if (what.equals("services") && !seg[2].isEmpty() && seg[3].equals("operations")) {
          if (method(m, HttpMethod.GET, r)) {
            serviceOperations(tenant, QueryStringDecoder.decodeComponent(seg[2]), r);
          }
          return;
        }
        break;
      default:
        break;
    }
    serveIndex(r);
  }

  private void routeV3(String tenant, HttpMethod m, String[] seg, ApiParams params, Reply r) throws IOException {
    if (seg.length == 3) {
      switch (seg[2]) {
        case "traces":
          if (method(m, HttpMethod.GET, r)) {
            v3FindTraces(tenant, params, r);
          }
          return;
        case "services":
          if (method(m, HttpMethod.GET, r)) {
            v3Services(tenant, r);
          }
          return;
        case "operations":
          if (method(m, HttpMethod.GET, r)) {
            v3Operations(tenant, params, r);
          }
          return;
        default:
          break;
      }
    } else if (seg.length == 4 && seg[2].equals("traces") && !seg[3].isEmpty()) {
      if (method(m, HttpMethod.GET, r)) {
        v3GetTrace(tenant, QueryStringDecoder.decodeComponent(seg[3]), params, r);
      }
      return;
    }
    serveIndex(r);
  }

  /** True when the method is allowed; otherwise sets a 405 with an empty body. */
  private static boolean method(HttpMethod actual, HttpMethod allowed, Reply r) {
    if (actual.equals(allowed)) {
      return true;
    }
    r.status = HttpResponseStatus.METHOD_NOT_ALLOWED;
    return false;
  }

  /** Go's path.Clean, keeping a trailing slash (gorilla/mux redirects to it when it differs). */
  static String cleanPath(String p) {
    if (p.isEmpty()) {
      return "/";
    }
    java.util.ArrayDeque<String> out = new java.util.ArrayDeque<>();
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

  // ---------------------------------------------------------------------------------------------- /api

  private interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  /** The envelope {@code {"data":…,"total":n,"limit":0,"offset":0,"errors":…}} as compact or pretty JSON. */
  private void envelope(Reply r, ApiParams params, Body data, int total, Body errors) throws IOException {
    String pp = params.first("prettyPrint");
    boolean pretty = !pp.isEmpty() && !pp.equals("false");
    ByteBuf buf = Unpooled.buffer(256);
    r.body = buf;
    try (JsonGenerator g = UiJsonWriter.newGenerator(new ByteBufOutputStream(buf), pretty)) {
      g.writeStartObject();
      g.writeFieldName("data");
      data.write(g);
      g.writeNumberField("total", total);
      g.writeNumberField("limit", 0);
      g.writeNumberField("offset", 0);
      g.writeFieldName("errors");
      if (errors == null) {
        g.writeNull();
      } else {
        errors.write(g);
      }
      g.writeEndObject();
    }
    r.status = HttpResponseStatus.OK;
    r.contentType = "application/json";
  }

  /** Jaeger's error envelope, sent as text/plain with a trailing newline like Go's http.Error. */
  static void apiError(Reply r, HttpResponseStatus status, String msg) {
    ByteBuf buf = Unpooled.buffer(128);
    try (JsonGenerator g = UiJsonWriter.newGenerator(new ByteBufOutputStream(buf), false)) {
      g.writeStartObject();
      g.writeNullField("data");
      g.writeNumberField("total", 0);
      g.writeNumberField("limit", 0);
      g.writeNumberField("offset", 0);
      g.writeArrayFieldStart("errors");
      g.writeStartObject();
      g.writeNumberField("code", status.code());
      g.writeStringField("msg", msg);
      g.writeEndObject();
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    buf.writeByte('\n');
    r.body = buf;
    r.status = status;
    r.contentType = "text/plain; charset=utf-8";
    r.nosniff = true;
  }

  private static void text(Reply r, HttpResponseStatus status, String msg) {
    r.status = status;
    r.body = Unpooled.copiedBuffer(msg + "\n", StandardCharsets.UTF_8);
    r.contentType = "text/plain; charset=utf-8";
    r.nosniff = true;
  }

  /** {@code /api/metrics/{latencies,calls,errors}}: a bare MetricFamily in proto3 JSON, 501 when disabled. */
  private void metrics(String what, MetricsQuery q, Reply r) throws IOException {
    if (metrics == null) {
      apiError(r, HttpResponseStatus.NOT_IMPLEMENTED, METRICS_DISABLED);
      return;
    }
    MetricFamily family;
    switch (what) {
      case "latencies":
        family = metrics.latencies(q);
        break;
      case "calls":
        family = metrics.callRates(q);
        break;
      default:
        family = metrics.errorRates(q);
        break;
    }
    r.body = Unpooled.wrappedBuffer(MetricsJson.write(family));
    r.contentType = "application/json";
  }

  private static void raw(Reply r, String json) {
    r.body = Unpooled.copiedBuffer(json, StandardCharsets.UTF_8);
    r.contentType = "application/json";
  }

  private void services(String tenant, ApiParams params, Reply r) throws IOException {
    List<String> services = service.services(tenant);
    envelope(r, params, g -> stringArrayOrNull(g, services), services.size(), null);
  }

  private static void stringArrayOrNull(JsonGenerator g, List<String> values) throws IOException {
    if (values.isEmpty()) {
      g.writeNull();
      return;
    }
    g.writeStartArray();
    for (String s : values) {
      g.writeString(s);
    }
    g.writeEndArray();
  }

  private void serviceOperations(String tenant, String serviceName, Reply r) throws IOException {
    Set<String> names = new LinkedHashSet<>();
    for (Operation op : service.operations(new OperationQuery(tenant, serviceName, ""))) {
      names.add(op.name());
    }
    List<String> list = new ArrayList<>(names);
    envelope(r, new ApiParams(Map.of()), g -> stringArrayOrNull(g, list), list.size(), null);
  }

  private void operations(String tenant, ApiParams params, Reply r) throws IOException {
    String svc = params.first("service");
    if (svc.isEmpty()) {
      throw new BadRequestException("parameter 'service' is required");
    }
    List<Operation> ops = service.operations(new OperationQuery(tenant, svc, params.first("spanKind")));
    envelope(r, params, g -> {
      g.writeStartArray();
      for (Operation op : ops) {
        g.writeStartObject();
        g.writeStringField("name", op.name());
        g.writeStringField("spanKind", op.spanKind());
        g.writeEndObject();
      }
      g.writeEndArray();
    }, ops.size(), null);
  }

  private void searchTraces(String tenant, ApiParams params, Reply r) throws IOException {
    long nowMicros = nowMicros();
    ApiParams.Search s = params.search(tenant, nowMicros);
    if (s.traceIds().isEmpty()) {
      List<Trace> traces = service.findTraces(s.query(), s.raw());
      envelope(r, params, g -> UiJsonWriter.writeTraces(g, traces), 0, null);
      return;
    }
    List<Trace> found = new ArrayList<>();
    List<TraceId> missing = new ArrayList<>();
    for (TraceId id : s.traceIds()) {
      Optional<Trace> t = service.getTrace(new GetTraceQuery(tenant, id, s.startMicros(), s.endMicros()), s.raw());
      if (t.isPresent()) {
        found.add(t.get());
      } else {
        missing.add(id);
      }
    }
    envelope(r, params, g -> UiJsonWriter.writeTraces(g, found), 0, missing.isEmpty() ? null : g -> {
      g.writeStartArray();
      for (TraceId id : missing) {
        g.writeStartObject();
        g.writeStringField("msg", QueryService.TRACE_NOT_FOUND);
        g.writeStringField("traceID", id.toString());
        g.writeEndObject();
      }
      g.writeEndArray();
    });
  }

  private static TraceId pathTraceId(String encoded) {
    String id = QueryStringDecoder.decodeComponent(encoded);
    try {
      return TraceId.parse(id);
    } catch (IllegalArgumentException e) {
      throw new BadRequestException(e.getMessage());
    }
  }

  private GetTraceQuery traceQuery(String tenant, String encodedId, ApiParams params) {
    TraceId id = pathTraceId(encodedId);
    long start = params.time("start", 0);
    long end = params.time("end", 0);
    params.bool("raw");
    return new GetTraceQuery(tenant, id, start, end);
  }

  private void getTrace(String tenant, String encodedId, ApiParams params, Reply r) throws IOException {
    GetTraceQuery q = traceQuery(tenant, encodedId, params);
    Trace t = service.getTrace(q, params.bool("raw")).orElseThrow(QueryService.TraceNotFoundException::new);
    envelope(r, params, g -> UiJsonWriter.writeTraces(g, List.of(t)), 0, null);
  }

  private void archive(String tenant, String encodedId, ApiParams params, Reply r) throws IOException {
    GetTraceQuery q = traceQuery(tenant, encodedId, params);
    service.archiveTrace(q);
    envelope(r, params, g -> {
      g.writeStartArray();
      g.writeEndArray();
    }, 0, g -> {
      g.writeStartArray();
      g.writeEndArray();
    });
  }

  private void dependencies(String tenant, ApiParams params, Reply r) throws IOException {
    ApiParams.Dependencies d = params.dependencies(clock.millis());
    List<DependencyLink> links =
        QueryService.merge(service.dependencies(tenant, d.endTsMicros(), d.lookbackMicros()));
    String svc = d.service();
    envelope(r, params, g -> {
      g.writeStartArray();
      for (DependencyLink l : links) {
        if (!svc.isEmpty() && !l.parent().equals(svc) && !l.child().equals(svc)) {
          continue;
        }
        g.writeStartObject();
        g.writeStringField("parent", l.parent());
        g.writeStringField("child", l.child());
        g.writeNumberField("callCount", l.callCount());
        g.writeEndObject();
      }
      g.writeEndArray();
    }, 0, null);
  }

  private void transform(FullHttpRequest req, ApiParams params, Reply r) throws IOException {
    if (transform == null) {
      apiError(r, HttpResponseStatus.NOT_IMPLEMENTED, "OTLP transformation is not available in this build");
      return;
    }
    byte[] body = new byte[req.content().readableBytes()];
    req.content().getBytes(req.content().readerIndex(), body);
    List<Trace> traces;
    try {
      traces = transform.toTraces(body);
    } catch (IOException | RuntimeException e) {
      log.debug("Cannot transform OTLP body", e);
      throw new BadRequestException("cannot unmarshal OTLP : " + e.getMessage());
    }
    envelope(r, params, g -> UiJsonWriter.writeTraces(g, traces), 0, null);
  }

  // ---------------------------------------------------------------------------------------------- api_v3

  private static void v3Error(Reply r, HttpResponseStatus status, String msg) {
    ByteBuf buf = Unpooled.buffer(128);
    try (JsonGenerator g = UiJsonWriter.newGenerator(new ByteBufOutputStream(buf), false)) {
      g.writeStartObject();
      g.writeObjectFieldStart("error");
      g.writeNumberField("httpCode", status.code());
      g.writeStringField("message", msg);
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    buf.writeByte('\n');
    r.body = buf;
    r.status = status;
    r.contentType = "text/plain; charset=utf-8";
    r.nosniff = true;
  }

  private static <T> T v3Param(String name, ApiParams.Parse<T> p) {
    try {
      return p.get();
    } catch (IllegalArgumentException e) {
      throw new V3BadRequest("malformed parameter " + name + ": " + e.getMessage());
    }
  }

  private static final class V3BadRequest extends RuntimeException {
    V3BadRequest(String msg) {
      super(msg, null, false, false);
    }
  }

  private void v3GetTrace(String tenant, String id, ApiParams params, Reply r) throws IOException {
    try {
      TraceId traceId = v3Param("trace_id", () -> TraceId.parse(id));
      String st = params.first("start_time");
      String et = params.first("end_time");
      long start = st.isEmpty() ? 0 : v3Param("start_time", () -> GoParse.parseRfc3339Nanos(st)) / 1000;
      long end = et.isEmpty() ? 0 : v3Param("end_time", () -> GoParse.parseRfc3339Nanos(et)) / 1000;
      String rt = params.first("raw_traces");
      boolean raw = !rt.isEmpty() && v3Param("raw_traces", () -> GoParse.parseBool(rt));
      Optional<Trace> t = service.getTrace(new GetTraceQuery(tenant, traceId, start, end), v3View(raw));
      v3Traces(r, t.map(List::of).orElse(List.of()), raw);
    } catch (V3BadRequest e) {
      v3Error(r, HttpResponseStatus.BAD_REQUEST, e.getMessage());
    } catch (RuntimeException e) {
      log.error("api_v3 GetTrace failed", e);
      v3Error(r, HttpResponseStatus.INTERNAL_SERVER_ERROR, String.valueOf(e.getMessage()));
    }
  }

  private void v3FindTraces(String tenant, ApiParams params, Reply r) throws IOException {
    try {
      String min = params.first("query.start_time_min");
      String max = params.first("query.start_time_max");
      if (min.isEmpty() || max.isEmpty()) {
        throw new V3BadRequest("query.start_time_min and query.start_time_max are required");
      }
      long minNanos = v3Param("query.start_time_min", () -> GoParse.parseRfc3339Nanos(min));
      long maxNanos = v3Param("query.start_time_max", () -> GoParse.parseRfc3339Nanos(max));
      int limit = 0;
      String n = firstOf(params, "query.num_traces", "query.search_depth");
      if (!n.isEmpty()) {
        limit = (int) Math.min(ApiParams.MAX_LIMIT, v3Param("query.num_traces", () -> GoParse.atoi(n)));
      }
      String dmin = params.first("query.duration_min");
      String dmax = params.first("query.duration_max");
      long durMin = dmin.isEmpty() ? 0 : v3Param("query.duration_min", () -> GoDuration.parse(dmin).toNanos());
      long durMax = dmax.isEmpty() ? 0 : v3Param("query.duration_max", () -> GoDuration.parse(dmax).toNanos());
      String rt = params.first("query.raw_traces");
      boolean raw = !rt.isEmpty() && v3Param("query.raw_traces", () -> GoParse.parseBool(rt));
      TraceQuery q = new TraceQuery(tenant, params.first("query.service_name"), params.first("query.operation_name"),
          Map.of(), minNanos / 1000, maxNanos / 1000, durMin / 1000, durMax / 1000, limit);
      v3Traces(r, service.findTraces(q, v3View(raw)), raw);
    } catch (V3BadRequest e) {
      v3Error(r, HttpResponseStatus.BAD_REQUEST, e.getMessage());
    } catch (RuntimeException e) {
      log.error("api_v3 FindTraces failed", e);
      v3Error(r, HttpResponseStatus.INTERNAL_SERVER_ERROR, String.valueOf(e.getMessage()));
    }
  }

  private static QueryService.View v3View(boolean raw) {
    return raw ? QueryService.View.RAW : QueryService.View.OTLP;
  }

  private static String firstOf(ApiParams p, String a, String b) {
    String v = p.first(a);
    return v.isEmpty() ? p.first(b) : v;
  }

  private static void v3Traces(Reply r, List<Trace> traces, boolean raw) throws IOException {
    if (traces.isEmpty()) {
      v3Error(r, HttpResponseStatus.NOT_FOUND, "No traces found");
      return;
    }
    ByteBuf buf = Unpooled.buffer(1024);
    r.body = buf;
    try (JsonGenerator g = UiJsonWriter.newGenerator(new ByteBufOutputStream(buf), false)) {
      g.writeStartObject();
      g.writeFieldName("result");
      TracesData td = ModelToOtlp.toTracesData(traces);
      OtlpJsonWriter.write(g, raw ? td : ModelToOtlp.sortAttributes(td));
      g.writeEndObject();
    }
    r.contentType = "application/json";
  }

  private void v3Services(String tenant, Reply r) throws IOException {
    try {
      List<String> services = service.services(tenant);
      ByteBuf buf = Unpooled.buffer(128);
      r.body = buf;
      try (JsonGenerator g = UiJsonWriter.newGenerator(new ByteBufOutputStream(buf), false)) {
        g.writeStartObject();
        if (!services.isEmpty()) {
          g.writeArrayFieldStart("services");
          for (String s : services) {
            g.writeString(s);
          }
          g.writeEndArray();
        }
        g.writeEndObject();
      }
      r.contentType = "application/json";
    } catch (RuntimeException e) {
      release(r);
      v3Error(r, HttpResponseStatus.INTERNAL_SERVER_ERROR, String.valueOf(e.getMessage()));
    }
  }

  private void v3Operations(String tenant, ApiParams params, Reply r) throws IOException {
    try {
      List<Operation> ops =
          service.operations(new OperationQuery(tenant, params.first("service"), params.first("span_kind")));
      ByteBuf buf = Unpooled.buffer(128);
      r.body = buf;
      try (JsonGenerator g = UiJsonWriter.newGenerator(new ByteBufOutputStream(buf), false)) {
        g.writeStartObject();
        if (!ops.isEmpty()) {
          g.writeArrayFieldStart("operations");
          for (Operation op : ops) {
            g.writeStartObject();
            if (!op.name().isEmpty()) {
              g.writeStringField("name", op.name());
            }
            if (!op.spanKind().isEmpty()) {
              g.writeStringField("spanKind", op.spanKind());
            }
            g.writeEndObject();
          }
          g.writeEndArray();
        }
        g.writeEndObject();
      }
      r.contentType = "application/json";
    } catch (RuntimeException e) {
      release(r);
      v3Error(r, HttpResponseStatus.INTERNAL_SERVER_ERROR, String.valueOf(e.getMessage()));
    }
  }

  // ---------------------------------------------------------------------------------------------- UI

  private void serveIndex(Reply r) {
    r.status = HttpResponseStatus.OK;
    r.body = Unpooled.wrappedBuffer(assets.index());
    r.contentType = "text/html; charset=utf-8";
    r.cacheControl = "no-cache";
  }

  private void serveStatic(String encodedRest, Reply r) throws IOException {
    UiAssets.Asset a = assets.staticAsset(encodedRest);
    if (options.logStaticAssetsAccess()) {
      log.info("static asset {} {}", encodedRest, a == null ? "not found" : "served");
    }
    if (a == null) {
      text(r, HttpResponseStatus.NOT_FOUND, "404 page not found");
      return;
    }
    r.body = Unpooled.wrappedBuffer(a.content());
    r.contentType = a.contentType();
    r.cacheControl = UiAssets.isHashed(encodedRest) ? "public, max-age=31536000, immutable" : "no-cache";
  }

  private long nowMicros() {
    java.time.Instant i = clock.instant();
    return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
  }
}
