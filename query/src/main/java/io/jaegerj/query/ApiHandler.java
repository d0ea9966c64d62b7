// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import com.fasterxml.jackson.core.JsonGenerator;
import io.jaegerj.model.DependencyLink;
import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import io.jaegerj.model.json.UiJsonWriter;
import io.jaegerj.storage.GetTraceQuery;
import io.jaegerj.storage.Operation;
import io.jaegerj.storage.OperationQuery;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The internal /api endpoints the UI calls (spec query.md §2): services, operations, trace search and get, archive,
 * dependencies, OTLP transform and the sample endpoints. Every answer is Jaeger's envelope
 * {@code {"data":…,"total":n,"limit":0,"offset":0,"errors":…}}.
 */
final class ApiHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
  private static final HttpErrors.Envelope ERRORS = HttpErrors.Envelope.API;

  /** Converts an OTLP/JSON body into traces for /api/transform. */
  interface OtlpTransform {
    List<Trace> toTraces(byte[] otlpJson) throws IOException;
  }

  private final QueryService service;
  private final Clock clock;
  private final OtlpTransform transform;

  /** @param transform null when this build cannot transform OTLP (501) */
  ApiHandler(QueryService service, Clock clock, OtlpTransform transform) {
    this.service = service;
    this.clock = clock;
    this.transform = transform;
  }

  List<HttpRoute> routes() {
    return List.of(
        HttpRoute.get("/api/services", ERRORS, this::services),
        HttpRoute.get("/api/operations", ERRORS, this::operations),
        HttpRoute.get("/api/traces", ERRORS, this::searchTraces),
        HttpRoute.get("/api/dependencies", ERRORS, this::dependencies),
        HttpRoute.post("/api/transform", ERRORS, this::transform),
        HttpRoute.get("/api/deep-dependencies", ERRORS,
            (req, r) -> r.bytes(HttpReply.JSON, SampleData.deepDependencies(req.params().first("service"))
                .getBytes(StandardCharsets.UTF_8))),
        HttpRoute.get("/api/quality-metrics", ERRORS,
            (req, r) -> r.bytes(HttpReply.JSON, SampleData.QUALITY_METRICS.getBytes(StandardCharsets.UTF_8))),
        HttpRoute.get("/api/traces/{}", ERRORS, this::getTrace),
        HttpRoute.post("/api/archive/{}", ERRORS, this::archive),
        HttpRoute.get("/api/services/{}/operations", ERRORS, this::serviceOperations));
  }

  /** Writes the envelope around {@code data}; {@code errors} null writes {@code "errors":null}. */
  static void envelope(JsonGenerator g, HttpReply.Json data, int total, HttpReply.Json errors) throws IOException {
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

  /** The envelope as a 200 reply, pretty-printed when {@code prettyPrint} is set and not "false". */
  static void reply(HttpReply r, ApiParams params, HttpReply.Json data, int total, HttpReply.Json errors)
      throws IOException {
    String pp = params.first("prettyPrint");
    boolean pretty = !pp.isEmpty() && !pp.equals("false");
    r.json(pretty, g -> envelope(g, data, total, errors));
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

  private static void emptyArray(JsonGenerator g) throws IOException {
    g.writeStartArray();
    g.writeEndArray();
  }

  private void services(HttpRoute.Request req, HttpReply r) throws IOException {
    List<String> services = service.services(req.tenant());
    reply(r, req.params(), g -> stringArrayOrNull(g, services), services.size(), null);
  }

  /** The legacy {@code /api/services/{service}/operations}: unique names only; ignores prettyPrint like Jaeger. */
  private void serviceOperations(HttpRoute.Request req, HttpReply r) throws IOException {
    String serviceName = QueryStringDecoder.decodeComponent(req.pathParam(0));
    Set<String> names = new LinkedHashSet<>();
    for (Operation op : service.operations(new OperationQuery(req.tenant(), serviceName, ""))) {
      names.add(op.name());
    }
    List<String> list = new ArrayList<>(names);
    reply(r, new ApiParams(Map.of()), g -> stringArrayOrNull(g, list), list.size(), null);
  }

  private void operations(HttpRoute.Request req, HttpReply r) throws IOException {
    ApiParams params = req.params();
    String svc = params.first("service");
    if (svc.isEmpty()) {
      throw new BadRequestException("parameter 'service' is required");
    }
    List<Operation> ops = service.operations(new OperationQuery(req.tenant(), svc, params.first("spanKind")));
    reply(r, params, g -> {
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

  private void searchTraces(HttpRoute.Request req, HttpReply r) throws IOException {
    ApiParams params = req.params();
    String tenant = req.tenant();
    ApiParams.Search s = params.search(tenant, nowMicros());
    if (s.traceIds().isEmpty()) {
      List<Trace> traces = service.findTraces(s.query(), s.raw());
      reply(r, params, g -> UiJsonWriter.writeTraces(g, traces), 0, null);
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
    reply(r, params, g -> UiJsonWriter.writeTraces(g, found), 0, missing.isEmpty() ? null : g -> {
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

  /** The trace of the path with the optional {@code start}/{@code end} window; validates {@code raw} too. */
  private static GetTraceQuery traceQuery(HttpRoute.Request req) {
    String id = QueryStringDecoder.decodeComponent(req.pathParam(0));
    TraceId traceId;
    try {
      traceId = TraceId.parse(id);
    } catch (IllegalArgumentException e) {
      throw new BadRequestException(e.getMessage());
    }
    ApiParams params = req.params();
    long start = params.time("start", 0);
    long end = params.time("end", 0);
    params.bool("raw");
    return new GetTraceQuery(req.tenant(), traceId, start, end);
  }

  private void getTrace(HttpRoute.Request req, HttpReply r) throws IOException {
    GetTraceQuery q = traceQuery(req);
    Trace t = service.getTrace(q, req.params().bool("raw")).orElseThrow(QueryService.TraceNotFoundException::new);
    reply(r, req.params(), g -> UiJsonWriter.writeTraces(g, List.of(t)), 0, null);
  }

  private void archive(HttpRoute.Request req, HttpReply r) throws IOException {
    service.archiveTrace(traceQuery(req));
    reply(r, req.params(), ApiHandler::emptyArray, 0, ApiHandler::emptyArray);
  }

  private void dependencies(HttpRoute.Request req, HttpReply r) throws IOException {
    ApiParams.Dependencies d = req.params().dependencies(clock.millis());
    List<DependencyLink> links =
        QueryService.merge(service.dependencies(req.tenant(), d.endTsMicros(), d.lookbackMicros()));
    String svc = d.service();
    reply(r, req.params(), g -> {
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

  private void transform(HttpRoute.Request req, HttpReply r) throws IOException {
    if (transform == null) {
      throw new HttpErrors.StatusException(HttpResponseStatus.NOT_IMPLEMENTED,
          "OTLP transformation is not available in this build");
    }
    ByteBuf content = req.http().content();
    byte[] body = new byte[content.readableBytes()];
    content.getBytes(content.readerIndex(), body);
    List<Trace> traces;
    try {
      traces = transform.toTraces(body);
    } catch (IOException | RuntimeException e) {
      LOG.debug("Cannot transform OTLP body", e);
      throw new BadRequestException("cannot unmarshal OTLP : " + e.getMessage());
    }
    reply(r, req.params(), g -> UiJsonWriter.writeTraces(g, traces), 0, null);
  }

  private long nowMicros() {
    Instant i = clock.instant();
    return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
  }
}
