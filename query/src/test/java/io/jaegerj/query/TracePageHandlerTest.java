// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.TraceId;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Pages of a trace in timeline order from the real query module over the memory backend. */
class TracePageHandlerTest {
  private static final long START = 1_700_000_000_000_000L;
  private static final TraceId ID = new TraceId(0, 0xabcL);
  private static QueryServerFixture server;

  @BeforeAll
  static void start() throws Exception {
    server = new QueryServerFixture(false, Map.of(), Clock.systemUTC());
    // root(1) -> a(2) -> c(4); root -> b(3), b starts before a; written out of order
    server.write(List.of(
        span(4, 2, 30, 5, "c"),
        span(3, 1, 10, 50, "b"),
        span(1, 0, 0, 100, "root"),
        span(2, 1, 20, 40, "a")));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static Span span(long id, long parent, long offset, long duration, String op) {
    return Span.builder().traceId(ID).spanId(id).operationName(op).startTimeMicros(START + offset)
        .durationMicros(duration).process(Process.of(op.equals("c") ? "db" : "web"))
        .references(parent == 0 ? List.of() : List.of(SpanRef.childOf(ID, parent))).build();
  }

  private static JsonNode get(String q) throws Exception {
    HttpResponse<String> r = server.get("/api/trace-pages/" + ID + q);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new ObjectMapper().readTree(r.body());
  }

  private static List<String> ops(JsonNode page) {
    List<String> out = new ArrayList<>();
    page.get("data").get(0).get("spans").forEach(s -> out.add(s.get("operationName").asText()));
    return out;
  }

  @Test
  void pagesComeInTimelineOrderWithTheWholeTracesSummary() throws Exception {
    JsonNode first = get("?offset=0&limit=2");
    assertThat(ops(first)).containsExactly("root", "b");
    assertThat(first.get("total").asInt()).isEqualTo(4);
    JsonNode sum = first.get("summary");
    assertThat(sum.get("startTime").asLong()).isEqualTo(START);
    assertThat(sum.get("endTime").asLong()).isEqualTo(START + 100);
    assertThat(sum.get("depth").asInt()).isEqualTo(3);
    assertThat(sum.get("services").asInt()).isEqualTo(2);
    assertThat(first.get("data").get(0).get("processes").size()).isGreaterThanOrEqualTo(1);
    assertThat(ops(get("?offset=2&limit=10"))).containsExactly("a", "c");
    assertThat(ops(get(""))).containsExactly("root", "b", "a", "c");
    assertThat(get("?offset=9").get("data").size()).isZero();
  }

  @Test
  void badParametersAndUnknownTraces_getClearErrors() throws Exception {
    HttpResponse<String> zero = server.get("/api/trace-pages/" + ID + "?limit=0");
    assertThat(zero.statusCode()).isEqualTo(400);
    assertThat(zero.body()).contains("param 'limit' must be between 1 and " + TracePageHandler.MAX_LIMIT);
    assertThat(server.get("/api/trace-pages/" + ID + "?offset=x").statusCode()).isEqualTo(400);
    assertThat(server.get("/api/trace-pages/not-hex").statusCode()).isEqualTo(400);
    HttpResponse<String> missing = server.get("/api/trace-pages/" + new TraceId(0, 0xdeadL));
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).contains("trace not found");
    assertThat(server.get("/api/traces/" + ID).statusCode()).isEqualTo(200);
  }
}
