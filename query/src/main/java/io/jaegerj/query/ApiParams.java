// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.jaegerj.model.GoDuration;
import io.jaegerj.model.TraceId;
import io.jaegerj.spm.MetricsQuery;
import io.jaegerj.storage.TraceQuery;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the query parameters of the internal /api endpoints with Jaeger's defaults, validation order and error
 * texts (spec query.md §2.3, §7). Every failure is a {@link BadRequestException}.
 */
final class ApiParams {
  /** Default number of traces of a search (Jaeger's defaultQueryLimit). */
  static final int DEFAULT_LIMIT = 100;
  /**
   * Upper bound applied to {@code limit} (and api_v3 {@code query.num_traces}) so that one request cannot make
   * storage load an unbounded number of traces into memory. Jaeger passes any value through; larger values are
   * clamped silently (the UI's own maximum is 1500).
   */
  static final int MAX_LIMIT = 10_000;
  /** Search window when {@code start} is absent. */
  static final long DEFAULT_LOOKBACK_MICROS = Duration.ofHours(48).toNanos() / 1000;
  static final long DEFAULT_DEPENDENCIES_LOOKBACK_MILLIS = Duration.ofHours(24).toMillis();

  private final Map<String, List<String>> params;

  ApiParams(Map<String, List<String>> params) {
    this.params = params;
  }

  /** First value, or "" when absent (Go's FormValue). */
  String first(String name) {
    List<String> v = params.get(name);
    return v == null || v.isEmpty() ? "" : v.get(0);
  }

  List<String> all(String name) {
    List<String> v = params.get(name);
    return v == null ? List.of() : v;
  }

  boolean has(String name) {
    return params.containsKey(name);
  }

  /** A parsed {@code GET /api/traces}: search mode when {@code traceIds} is empty, multi-get otherwise. */
  record Search(TraceQuery query, List<TraceId> traceIds, long startMicros, long endMicros, boolean raw) {}

  /** The search of {@code tenant} the parameters describe. */
  Search search(String tenant, long nowMicros) {
    String service = first("service");
    String operation = first("operation");
    long start = time("start", nowMicros - DEFAULT_LOOKBACK_MICROS);
    long end = time("end", nowMicros);
    Map<String, String> tags = tags();
    int limit = DEFAULT_LIMIT;
    String limitText = first("limit");
    if (!limitText.isEmpty()) {
      limit = wrap(() -> GoParse.parseInt(limitText, 32)).intValue();
      limit = Math.min(limit, MAX_LIMIT);
    }
    long minDuration = goDuration("minDuration");
    long maxDuration = goDuration("maxDuration");
    List<TraceId> ids = new ArrayList<>();
    for (String id : all("traceID")) {
      try {
        ids.add(TraceId.parse(id));
      } catch (IllegalArgumentException e) {
        throw new BadRequestException("cannot parse traceID param: " + e.getMessage());
      }
    }
    boolean raw = bool("raw");
    if (ids.isEmpty() && service.isEmpty()) {
      throw new BadRequestException("parameter 'service' is required");
    }
    if (minDuration != 0 && maxDuration != 0 && maxDuration < minDuration) {
      throw new BadRequestException("'maxDuration' should be greater than 'minDuration'");
    }
    if (start > end) {
      // Jaeger answers 500 (the storage refuses the query); the caller's mistake is a 400.
      throw new BadRequestException("'start' (" + start + ") should not be after 'end' (" + end + ")");
    }
    TraceQuery q = new TraceQuery(tenant, service, operation, tags, start, end, minDuration / 1000, maxDuration / 1000, limit);
    return new Search(q, List.copyOf(ids), start, end, raw);
  }

  /** An int64 µs parameter, {@code def} when absent. */
  long time(String name, long def) {
    String v = first(name);
    if (v.isEmpty()) {
      return def;
    }
    return named(name, () -> GoParse.parseInt(v, 64));
  }

  /** A Go duration parameter in nanoseconds, 0 when absent. */
  private long goDuration(String name) {
    String v = first(name);
    if (v.isEmpty()) {
      return 0;
    }
    return named(name, () -> GoDuration.parse(v).toNanos());
  }

  /** An int64 parameter in milliseconds (dependencies, metrics), {@code def} when absent. */
  long millis(String name, long def) {
    return time(name, def);
  }

  boolean bool(String name) {
    String v = first(name);
    if (v.isEmpty()) {
      return false;
    }
    return named(name, () -> GoParse.parseBool(v));
  }

  private Map<String, String> tags() {
    Map<String, String> out = new LinkedHashMap<>();
    for (String t : all("tag")) {
      int colon = t.indexOf(':');
      if (colon < 0) {
        throw new BadRequestException("malformed 'tag' parameter, expecting key:value, received: " + t);
      }
      out.put(t.substring(0, colon), t.substring(colon + 1));
    }
    for (String json : all("tags")) {
      try {
        out.putAll(stringMap(json));
      } catch (IOException | IllegalArgumentException e) {
        String msg = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
        throw new BadRequestException("malformed 'tags' parameter, cannot unmarshal JSON: " + msg);
      }
    }
    return out;
  }

  private static final JsonFactory JSON = new JsonFactory();

  /** A JSON object whose values are all strings (Go: json.Unmarshal into map[string]string). */
  static Map<String, String> stringMap(String json) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    try (JsonParser p = JSON.createParser(json)) {
      JsonToken t = p.nextToken();
      if (t == JsonToken.VALUE_NULL) {
        return out;
      }
      if (t != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("json: cannot unmarshal " + goType(t) + " into Go value of type map[string]string");
      }
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        JsonToken v = p.nextToken();
        if (v != JsonToken.VALUE_STRING) {
          throw new IllegalArgumentException("json: cannot unmarshal " + goType(v) + " into Go value of type string");
        }
        out.put(key, p.getText());
      }
      if (p.nextToken() != null) {
        throw new IllegalArgumentException("invalid character after top-level value");
      }
    }
    return out;
  }

  private static String goType(JsonToken t) {
    if (t == null) {
      return "nothing";
    }
    switch (t) {
      case START_ARRAY:
        return "array";
      case START_OBJECT:
        return "object";
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return "number";
      case VALUE_TRUE:
      case VALUE_FALSE:
        return "bool";
      case VALUE_STRING:
        return "string";
      default:
        return "null";
    }
  }

  /** {@code GET /api/dependencies}: [endTs − lookback, endTs] in µs plus the optional service filter. */
  record Dependencies(long endTsMicros, long lookbackMicros, String service) {}

  Dependencies dependencies(long nowMillis) {
    long endTs = millis("endTs", nowMillis);
    long lookback = millis("lookback", DEFAULT_DEPENDENCIES_LOOKBACK_MILLIS);
    return new Dependencies(endTs * 1000, lookback * 1000, first("service"));
  }

  /**
   * The SPM parameters, validated in Jaeger's order: {@code quantile} (latencies only), {@code service} (at least
   * one), {@code groupByOperation}, {@code spanKind} (default server), then {@code endTs} (default now),
   * {@code lookback}, {@code step}, {@code ratePer} in milliseconds.
   */
  MetricsQuery metrics(boolean latencies, long nowMillis, String bearerToken) {
    double quantile = 0;
    if (latencies) {
      String q = first("quantile");
      quantile = named("quantile", () -> GoParse.parseFloat(q));
    }
    if (!has("service")) {
      throw new BadRequestException("unable to parse param 'service': please provide at least one service name");
    }
    List<String> services = all("service");
    boolean byOperation = bool("groupByOperation");
    List<String> kinds = new ArrayList<>();
    for (String kind : all("spanKind")) {
      switch (kind) {
        case "unspecified": case "internal": case "server": case "client": case "producer": case "consumer":
          kinds.add(MetricsQuery.kindName(kind));
          break;
        default:
          throw new BadRequestException("unable to parse param 'spanKind': unsupported span kind: '" + kind + "'");
      }
    }
    long endTs = millis("endTs", nowMillis);
    long lookback = millis("lookback", MetricsQuery.DEFAULT_LOOKBACK_MILLIS);
    long step = millis("step", MetricsQuery.DEFAULT_STEP_MILLIS);
    long ratePer = millis("ratePer", MetricsQuery.DEFAULT_RATE_PER_MILLIS);
    if (step <= 0) {
      throw new BadRequestException("unable to parse param 'step': " + step + " (expected: > 0)");
    }
    if (ratePer <= 0) {
      throw new BadRequestException("unable to parse param 'ratePer': " + ratePer + " (expected: > 0)");
    }
    if (lookback < 0) {
      throw new BadRequestException("unable to parse param 'lookback': " + lookback + " (expected: >= 0)");
    }
    if (lookback / step > MAX_METRIC_POINTS) {
      throw new BadRequestException("lookback " + lookback + " ms / step " + step + " ms gives more than "
          + MAX_METRIC_POINTS + " points per series; use a larger step");
    }
    return new MetricsQuery(services, byOperation, endTs, lookback, step, ratePer, kinds, quantile, bearerToken);
  }

  /** Prometheus' own limit of points per series in a range query. */
  static final long MAX_METRIC_POINTS = 11_000;

  interface Parse<T> {
    T get();
  }

  /** Wraps a parse error as {@code unable to parse param '<name>': <detail>}. */
  static <T> T named(String name, Parse<T> p) {
    try {
      return p.get();
    } catch (IllegalArgumentException e) {
      throw new BadRequestException("unable to parse param '" + name + "': " + e.getMessage());
    }
  }

  /** A parse error reported without a parameter name (Jaeger does so for {@code limit}). */
  static <T> T wrap(Parse<T> p) {
    try {
      return p.get();
    } catch (IllegalArgumentException e) {
      throw new BadRequestException(e.getMessage());
    }
  }
}
