// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jaegerj.model.Span;
import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import io.jaegerj.storage.GetTraceQuery;
import io.jaegerj.storage.Operation;
import io.jaegerj.storage.OperationQuery;
import io.jaegerj.storage.SpanReader;
import io.jaegerj.storage.Tenants;
import io.jaegerj.storage.TraceQuery;
import io.jaegerj.storage.es.dbmodel.SpanDocuments;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Jaeger's ES read path: trace IDs from a {@code terms} aggregation ordered by the latest matching span start,
 * traces by {@code _msearch} pages sorted by {@code startTime} with {@code search_after}, services and operations
 * from the service indices. Searches cover the dated indices of the window (or the read alias) with
 * {@code ignore_unavailable=true}. Tag values are Lucene regular expressions, as in Jaeger. Spans that are
 * identical in every stored field are returned once (ES cannot deduplicate re-written spans). Operations have
 * no stored kind: every operation is reported with kind "" whatever kind is asked for.
 */
final class EsSpanReader implements SpanReader {
  private static final long HOUR_MICROS = TimeUnit.HOURS.toMicros(1);
  private static final long DAY_MICROS = TimeUnit.DAYS.toMicros(1);
  private static final long MAX_DURATION_MICROS = 86_400_000_000L;

  private final EsClient client;
  private final EsConfig config;
  private final IndexNames names;
  private final Clock clock;
  private final String searchParams;

  EsSpanReader(EsClient client, EsConfig config, IndexNames names, Clock clock, int version) {
    this.client = client;
    this.config = config;
    this.names = names;
    this.clock = clock;
    this.searchParams = version >= 7 ? "ignore_unavailable=true&rest_total_hits_as_int=true" : "ignore_unavailable=true";
  }

  private long nowMicros() {
    return TimeUnit.MILLISECONDS.toMicros(clock.millis());
  }

  @Override
  public Optional<Trace> getTrace(GetTraceQuery query) {
    IndexNames names = this.names.forTenant(Tenants.require(query.tenant()));
    long end = query.endTimeMicros() != 0 ? query.endTimeMicros() : nowMicros();
    long start = query.startTimeMicros() != 0 ? query.startTimeMicros()
        : nowMicros() - TimeUnit.MILLISECONDS.toMicros(config.effectiveMaxSpanAge().toMillis());
    List<Trace> traces = multiRead(names, List.of(query.traceId()), start, end);
    return traces.isEmpty() ? Optional.empty() : Optional.of(traces.get(0));
  }

  @Override
  public List<String> getServices(String tenant) {
    JsonNode aggs = search(serviceIndicesNow(names.forTenant(Tenants.require(tenant))),
        aggregationOnly(null, "distinct_services", "serviceName"));
    List<String> out = new ArrayList<>();
    for (JsonNode b : aggs.path("aggregations").path("distinct_services").path("buckets")) {
      out.add(b.path("key").asText());
    }
    return out;
  }

  @Override
  public List<Operation> getOperations(OperationQuery query) {
    IndexNames names = this.names.forTenant(Tenants.require(query.tenant()));
    ObjectNode term = EsClient.JSON.createObjectNode();
    term.putObject("term").put("serviceName", query.serviceName());
    JsonNode aggs = search(serviceIndicesNow(names), aggregationOnly(term, "distinct_operations", "operationName"));
    List<Operation> out = new ArrayList<>();
    for (JsonNode b : aggs.path("aggregations").path("distinct_operations").path("buckets")) {
      out.add(new Operation(b.path("key").asText(), ""));
    }
    return out;
  }

  private List<String> serviceIndicesNow(IndexNames names) {
    long now = nowMicros();
    return names.serviceReadIndices(now - TimeUnit.MILLISECONDS.toMicros(config.effectiveMaxSpanAge().toMillis()),
        now);
  }

  private ObjectNode aggregationOnly(ObjectNode query, String aggName, String field) {
    ObjectNode body = EsClient.JSON.createObjectNode();
    body.put("size", 0);
    if (query != null) {
      body.set("query", query);
    }
    ObjectNode terms = body.putObject("aggregations").putObject(aggName).putObject("terms");
    terms.put("field", field);
    terms.put("size", config.maxDocCount());
    return body;
  }

  @Override
  public List<Trace> findTraces(TraceQuery query) {
    query.validate();
    List<TraceId> ids = findTraceIds(query);
    if (ids.isEmpty()) {
      return List.of();
    }
    return multiRead(names.forTenant(Tenants.require(query.tenant())), ids, query.startTimeMinMicros(),
        query.startTimeMaxMicros());
  }

  @Override
  public List<TraceId> findTraceIds(TraceQuery query) {
    query.validate();
    IndexNames names = this.names.forTenant(Tenants.require(query.tenant()));
    int numTraces = query.numTraces() <= 0 ? 100 : query.numTraces();
    ArrayNode must = EsClient.JSON.createArrayNode();
    ObjectNode range = must.addObject().putObject("range").putObject("startTimeMillis");
    range.put("gte", query.startTimeMinMicros() / 1000);
    range.put("lte", query.startTimeMaxMicros() / 1000);
    // startTimeMillis selects the coarse range as Jaeger does; the exact microsecond bounds are applied on startTime
    ObjectNode exact = must.addObject().putObject("range").putObject("startTime");
    exact.put("gte", query.startTimeMinMicros());
    exact.put("lte", query.startTimeMaxMicros());
    if (query.durationMinMicros() != 0 || query.durationMaxMicros() != 0) {
      ObjectNode d = must.addObject().putObject("range").putObject("duration");
      d.put("gte", query.durationMinMicros());
      d.put("lte", query.durationMaxMicros() != 0 ? query.durationMaxMicros() : MAX_DURATION_MICROS);
    }
    must.addObject().putObject("match").put("process.serviceName", query.serviceName());
    if (!query.operationName().isEmpty()) {
      must.addObject().putObject("match").put("operationName", query.operationName());
    }
    String repl = config.tagsAsFields().dotReplacement();
    for (Map.Entry<String, String> tag : query.tags().entrySet()) {
      ArrayNode should = must.addObject().putObject("bool").putArray("should");
      String field = tag.getKey().replace(".", repl);
      should.addObject().putObject("regexp").put("tag." + field, tag.getValue());
      should.addObject().putObject("regexp").put("process.tag." + field, tag.getValue());
      for (String path : List.of("tags", "process.tags", "logs.fields")) {
        ObjectNode nested = should.addObject().putObject("nested");
        nested.put("path", path);
        ArrayNode inner = nested.putObject("query").putObject("bool").putArray("must");
        inner.addObject().putObject("match").put(path + ".key", tag.getKey());
        inner.addObject().putObject("regexp").put(path + ".value", tag.getValue());
      }
    }
    ObjectNode body = EsClient.JSON.createObjectNode();
    body.put("size", 0);
    body.putObject("query").putObject("bool").set("must", must);
    ObjectNode agg = body.putObject("aggregations").putObject("traceIDs");
    ObjectNode terms = agg.putObject("terms");
    terms.put("field", "traceID");
    terms.put("size", numTraces);
    terms.putObject("order").put("startTime", "desc");
    agg.putObject("aggregations").putObject("startTime").putObject("max").put("field", "startTime");
    JsonNode r = search(names.spanReadIndices(query.startTimeMinMicros(), query.startTimeMaxMicros()), body);
    Set<TraceId> ids = new LinkedHashSet<>();
    for (JsonNode b : r.path("aggregations").path("traceIDs").path("buckets")) {
      ids.add(TraceId.parse(b.path("key").asText()));
    }
    return new ArrayList<>(ids);
  }

  private JsonNode search(List<String> indices, ObjectNode body) {
    try {
      return withRetries(() -> client.json("POST", "/" + String.join(",", indices) + "/_search?" + searchParams,
          body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  interface Call {
    JsonNode run() throws IOException;
  }

  /**
   * Runs a search, repeating it up to three times when the cluster answers 503 (shards of a just-created index not
   * yet started) or 429.
   */
  static JsonNode withRetries(Call call) throws IOException {
    long backoff = 100;
    for (int attempt = 0; ; attempt++) {
      try {
        return call.run();
      } catch (EsClient.EsException e) {
        if (attempt >= 3 || (e.status != 503 && e.status != 429)) {
          throw e;
        }
      }
      try {
        Thread.sleep(backoff);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted");
      }
      backoff *= 2;
    }
  }

  /** Reads whole traces with {@code _msearch}, paging each trace by {@code startTime} until all hits are fetched. */
  List<Trace> multiRead(IndexNames names, List<TraceId> ids, long startMicros, long endMicros) {
    List<String> indices = names.spanReadIndices(startMicros - HOUR_MICROS, endMicros + HOUR_MICROS);
    Map<TraceId, Set<Span>> spans = new LinkedHashMap<>();
    Map<TraceId, Long> searchAfter = new LinkedHashMap<>();
    Map<TraceId, Long> fetched = new LinkedHashMap<>();
    for (TraceId id : ids) {
      searchAfter.put(id, startMicros - HOUR_MICROS);
    }
    while (!searchAfter.isEmpty()) {
      List<TraceId> round = new ArrayList<>(searchAfter.keySet());
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      try {
        for (TraceId id : round) {
          ObjectNode header = EsClient.JSON.createObjectNode();
          ArrayNode indexArray = header.putArray("index");
          for (String index : indices) {
            indexArray.add(index);
          }
          header.put("ignore_unavailable", true);
          body.write(EsClient.JSON.writeValueAsBytes(header));
          body.write('\n');
          body.write(EsClient.JSON.writeValueAsBytes(traceSearch(id, startMicros, endMicros, searchAfter.get(id))));
          body.write('\n');
        }
        JsonNode r = withRetries(() -> client.ndjson("GET", "/_msearch?" + searchParams, body.toByteArray()));
        JsonNode responses = r.path("responses");
        searchAfter.clear();
        for (int i = 0; i < round.size(); i++) {
          JsonNode resp = responses.get(i);
          if (resp.has("error")) {
            throw new IOException("trace search failed: " + resp.path("error"));
          }
          TraceId id = round.get(i);
          JsonNode hits = resp.path("hits").path("hits");
          long total = resp.path("hits").path("total").isObject()
              ? resp.path("hits").path("total").path("value").asLong()
              : resp.path("hits").path("total").asLong();
          Set<Span> got = spans.computeIfAbsent(id, k -> new LinkedHashSet<>());
          long last = Long.MIN_VALUE;
          for (JsonNode hit : hits) {
            got.add(SpanDocuments.read(hit.path("_source"), config.tagsAsFields().dotReplacement()));
            last = hit.path("_source").path("startTime").asLong();
          }
          fetched.merge(id, (long) hits.size(), Long::sum);
          if (hits.size() > 0 && fetched.get(id) < total) {
            searchAfter.put(id, last);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    List<Trace> out = new ArrayList<>();
    for (Set<Span> s : spans.values()) {
      if (!s.isEmpty()) {
        out.add(Trace.of(new ArrayList<>(s)));
      }
    }
    return out;
  }

  private ObjectNode traceSearch(TraceId id, long startMicros, long endMicros, long after) {
    ObjectNode body = EsClient.JSON.createObjectNode();
    ArrayNode must = body.putObject("query").putObject("bool").putArray("must");
    must.addObject().putObject("term").put("traceID", id.toString());
    if (config.useAliases()) {
      ObjectNode range = must.addObject().putObject("range").putObject("startTimeMillis");
      range.put("gte", (startMicros - DAY_MICROS) / 1000);
      range.put("lte", (endMicros + DAY_MICROS) / 1000);
    }
    body.put("size", config.maxDocCount());
    body.putArray("sort").addObject().putObject("startTime").put("order", "asc");
    body.putArray("search_after").add(after);
    body.put("track_total_hits", true);
    return body;
  }
}
