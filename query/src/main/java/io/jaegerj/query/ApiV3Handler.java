// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import io.jaegerj.model.GoDuration;
import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import io.jaegerj.model.otlp.ModelToOtlp;
import io.jaegerj.model.otlp.OtlpJsonWriter;
import io.jaegerj.storage.GetTraceQuery;
import io.jaegerj.storage.Operation;
import io.jaegerj.storage.OperationQuery;
import io.jaegerj.storage.TraceQuery;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * api_v3 over HTTP (spec query.md §3.3): the grpc-gateway JSON of QueryService, OTLP traces under
 * {@code "result"}, errors as {@code {"error":{"httpCode","message"}}}, parameters parsed as Go does.
 */
final class ApiV3Handler {
  private static final HttpErrors.Envelope ERRORS = HttpErrors.Envelope.API_V3;
  static final String NO_TRACES = "No traces found";

  private final QueryService service;

  ApiV3Handler(QueryService service) {
    this.service = service;
  }

  List<HttpRoute> routes() {
    return List.of(
        HttpRoute.get("/api/v3/traces", ERRORS, this::findTraces),
        HttpRoute.get("/api/v3/services", ERRORS, this::services),
        HttpRoute.get("/api/v3/operations", ERRORS, this::operations),
        HttpRoute.get("/api/v3/traces/{}", ERRORS, this::getTrace));
  }

  /** Parses one parameter; a failure is a 400 naming it. */
  private static <T> T param(String name, ApiParams.Parse<T> p) {
    try {
      return p.get();
    } catch (IllegalArgumentException e) {
      throw new BadRequestException("malformed parameter " + name + ": " + e.getMessage());
    }
  }

  private void getTrace(HttpRoute.Request req, HttpReply r) throws IOException {
    String id = QueryStringDecoder.decodeComponent(req.pathParam(0));
    ApiParams params = req.params();
    TraceId traceId = param("trace_id", () -> TraceId.parse(id));
    String st = params.first("start_time");
    String et = params.first("end_time");
    long start = st.isEmpty() ? 0 : param("start_time", () -> GoParse.parseRfc3339Nanos(st)) / 1000;
    long end = et.isEmpty() ? 0 : param("end_time", () -> GoParse.parseRfc3339Nanos(et)) / 1000;
    String rt = params.first("raw_traces");
    boolean raw = !rt.isEmpty() && param("raw_traces", () -> GoParse.parseBool(rt));
    Optional<Trace> t = service.getTrace(new GetTraceQuery(req.tenant(), traceId, start, end), view(raw));
    traces(r, t.map(List::of).orElse(List.of()), raw);
  }

  private void findTraces(HttpRoute.Request req, HttpReply r) throws IOException {
    ApiParams params = req.params();
    String min = params.first("query.start_time_min");
    String max = params.first("query.start_time_max");
    if (min.isEmpty() || max.isEmpty()) {
      throw new BadRequestException("query.start_time_min and query.start_time_max are required");
    }
    long minNanos = param("query.start_time_min", () -> GoParse.parseRfc3339Nanos(min));
    long maxNanos = param("query.start_time_max", () -> GoParse.parseRfc3339Nanos(max));
    int limit = 0;
    String n = firstOf(params, "query.num_traces", "query.search_depth");
    if (!n.isEmpty()) {
      limit = (int) Math.min(ApiParams.MAX_LIMIT, param("query.num_traces", () -> GoParse.atoi(n)));
    }
    String dmin = params.first("query.duration_min");
    String dmax = params.first("query.duration_max");
    long durMin = dmin.isEmpty() ? 0 : param("query.duration_min", () -> GoDuration.parse(dmin).toNanos());
    long durMax = dmax.isEmpty() ? 0 : param("query.duration_max", () -> GoDuration.parse(dmax).toNanos());
    String rt = params.first("query.raw_traces");
    boolean raw = !rt.isEmpty() && param("query.raw_traces", () -> GoParse.parseBool(rt));
    TraceQuery q = new TraceQuery(req.tenant(), params.first("query.service_name"),
        params.first("query.operation_name"), Map.of(), minNanos / 1000, maxNanos / 1000, durMin / 1000,
        durMax / 1000, limit);
    traces(r, service.findTraces(q, view(raw)), raw);
  }

  private static QueryService.View view(boolean raw) {
    return raw ? QueryService.View.RAW : QueryService.View.OTLP;
  }

  private static String firstOf(ApiParams p, String a, String b) {
    String v = p.first(a);
    return v.isEmpty() ? p.first(b) : v;
  }

  /** {@code {"result":<TracesData>}}, attributes sorted unless raw; none found is a 404 as in Jaeger. */
  private static void traces(HttpReply r, List<Trace> traces, boolean raw) throws IOException {
    if (traces.isEmpty()) {
      throw new HttpErrors.StatusException(HttpResponseStatus.NOT_FOUND, NO_TRACES);
    }
    TracesData td = ModelToOtlp.toTracesData(traces);
    TracesData out = raw ? td : ModelToOtlp.sortAttributes(td);
    r.json(false, g -> {
      g.writeStartObject();
      g.writeFieldName("result");
      OtlpJsonWriter.write(g, out);
      g.writeEndObject();
    });
  }

  /** {@code {"services":[…]}}, the field left out when empty (proto3 JSON). */
  private void services(HttpRoute.Request req, HttpReply r) throws IOException {
    List<String> services = service.services(req.tenant());
    r.json(false, g -> {
      g.writeStartObject();
      if (!services.isEmpty()) {
        g.writeArrayFieldStart("services");
        for (String s : services) {
          g.writeString(s);
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    });
  }

  /** {@code {"operations":[{"name","spanKind"}…]}}, empty fields left out (proto3 JSON). */
  private void operations(HttpRoute.Request req, HttpReply r) throws IOException {
    ApiParams params = req.params();
    List<Operation> ops =
        service.operations(new OperationQuery(req.tenant(), params.first("service"), params.first("span_kind")));
    r.json(false, g -> {
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
    });
  }
}
