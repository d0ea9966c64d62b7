// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.storage.Purgeable;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The /api endpoints over real HTTP against the memory backend, compared with golden files. */
class HttpApiTest {
  /** "Now" for defaults: one hour after the fixtures. */
  static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_003_600L), ZoneOffset.UTC);
  static QueryServerFixture server;

  @BeforeAll
  static void start() throws Exception {
    server = new QueryServerFixture(true, Map.of(), CLOCK);
    server.write(Fixtures.traceA());
    server.write(Fixtures.traceB());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static void assertJson(HttpResponse<String> r, String golden) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    Golden.assertMatches(golden, r.body());
  }

  private static void assertError(HttpResponse<String> r, int status, String msg) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
    assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    String escaped = msg.replace("\\", "\\\\").replace("\"", "\\\"");
    assertThat(r.body()).isEqualTo("{\"data\":null,\"total\":0,\"limit\":0,\"offset\":0,\"errors\":[{\"code\":" + status
        + ",\"msg\":\"" + escaped + "\"}]}\n");
  }

  @Test
  void services_listsServicesWithTotal() throws Exception {
    HttpResponse<String> r = server.get("/api/services");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).startsWith("{\"data\":[").endsWith("],\"total\":3,\"limit\":0,\"offset\":0,\"errors\":null}")
        .contains("\"frontend\"", "\"mysql\"", "\"backend\"");
  }

  @Test
  void serviceOperations_legacyPath_uniqueNames() throws Exception {
    HttpResponse<String> r = server.get("/api/services/frontend/operations");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"GET /api\"", "\"render\"").contains("\"total\":2");
    assertThat(server.get("/api/services/nobody/operations").body())
        .isEqualTo("{\"data\":null,\"total\":0,\"limit\":0,\"offset\":0,\"errors\":null}");
  }

  @Test
  void operations_withSpanKind_filters() throws Exception {
    assertThat(server.get("/api/operations?service=frontend&spanKind=server").body())
        .isEqualTo("{\"data\":[{\"name\":\"GET /api\",\"spanKind\":\"server\"}],\"total\":1,\"limit\":0,\"offset\":0,"
            + "\"errors\":null}");
    assertThat(server.get("/api/operations?service=nobody").body())
        .isEqualTo("{\"data\":[],\"total\":0,\"limit\":0,\"offset\":0,\"errors\":null}");
  }

  @Test
  void getTrace_adjusted_golden() throws Exception {
    assertJson(server.get("/api/traces/5af7183fb1d4cf5f"), "trace-a.json");
  }

  @Test
  void getTrace_raw_golden() throws Exception {
    assertJson(server.get("/api/traces/5af7183fb1d4cf5f?raw=true"), "trace-a-raw.json");
  }

  @Test
  void getTrace_prettyPrint_golden() throws Exception {
    assertJson(server.get("/api/traces/0af7651916cd43dd8448eb211c80319c?prettyPrint=true"), "trace-b-pretty.json");
  }

  @Test
  void getTrace_uppercaseAndLeadingZeros_found() throws Exception {
    assertThat(server.get("/api/traces/00000000000000005AF7183FB1D4CF5F").statusCode()).isEqualTo(200);
  }

  @Test
  void search_byServiceAndTag_golden() throws Exception {
    assertJson(server.get("/api/traces?service=frontend&tag=http.status_code:200&limit=20&lookback=1h&"
        + Fixtures.window()), "search-frontend.json");
  }

  @Test
  void search_defaultWindow_isLast48Hours() throws Exception {
    HttpResponse<String> r = server.get("/api/traces?service=backend");
    assertThat(r.body()).contains("\"traceID\":\"0af7651916cd43dd8448eb211c80319c\"");
  }

  @Test
  void search_noMatch_emptyArray() throws Exception {
    assertThat(server.get("/api/traces?service=frontend&operation=nothing&" + Fixtures.window()).body())
        .isEqualTo("{\"data\":[],\"total\":0,\"limit\":0,\"offset\":0,\"errors\":null}");
  }

  @Test
  void search_byTraceIds_keepsOrderAndReportsMissing() throws Exception {
    HttpResponse<String> r = server.get("/api/traces?traceID=0af7651916cd43dd8448eb211c80319c&traceID=ABC"
        + "&traceID=5af7183fb1d4cf5f&service=ignored");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body().indexOf("0af7651916cd43dd8448eb211c80319c"))
        .isLessThan(r.body().indexOf("\"traceID\":\"5af7183fb1d4cf5f\""));
    assertThat(r.body()).endsWith("\"errors\":[{\"msg\":\"trace not found\",\"traceID\":\"0000000000000abc\"}]}");
  }

  @Test
  void dependencies_mergedLinks() throws Exception {
    HttpResponse<String> r = server.get("/api/dependencies?endTs=" + (Fixtures.T0 / 1000 + 3_600_000)
        + "&lookback=7200000");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"data\":[{\"parent\":\"frontend\",\"child\":\"mysql\",\"callCount\":1}],"
        + "\"total\":0,\"limit\":0,\"offset\":0,\"errors\":null}");
    assertThat(server.get("/api/dependencies?endTs=" + (Fixtures.T0 / 1000 + 3_600_000)
        + "&lookback=7200000&service=backend").body()).startsWith("{\"data\":[],");
  }

  @Test
  void archive_thenReadFromArchiveWhenPrimaryLosesIt() throws Exception {
    try (QueryServerFixture s = new QueryServerFixture(true, Map.of(), CLOCK)) {
      s.write(Fixtures.traceB());
      HttpResponse<String> r = s.post("/api/archive/0af7651916cd43dd8448eb211c80319c", "");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("{\"data\":[],\"total\":0,\"limit\":0,\"offset\":0,\"errors\":[]}");
      ((Purgeable) s.primary).purge();
      HttpResponse<String> again = s.get("/api/traces/0af7651916cd43dd8448eb211c80319c");
      assertThat(again.statusCode()).isEqualTo(200);
      assertThat(again.body()).contains("\"operationName\":\"work\"");
      assertError(s.post("/api/archive/1234", ""), 404, "trace not found");
    }
  }

  @Test
  void archive_withoutArchiveStorage_500() throws Exception {
    try (QueryServerFixture s = new QueryServerFixture(false, Map.of(), CLOCK)) {
      assertError(s.post("/api/archive/5af7183fb1d4cf5f", ""), 500, "archive span storage was not configured");
      assertThat(s.get("/").body()).doesNotContain("= DEFAULT_STORAGE_CAPABILITIES;")
          .contains("JAEGER_STORAGE_CAPABILITIES = {\"archiveStorage\":false};");
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/api/traces/xyz|400|strconv.ParseUint: parsing \"xyz\": invalid syntax",
      "/api/traces/123456789012345678901234567890123|400|TraceID cannot be longer than 32 hex characters: "
          + "123456789012345678901234567890123",
      "/api/traces/1|404|trace not found",
      "/api/traces?traceID=nothex|400|cannot parse traceID param: strconv.ParseUint: parsing \"nothex\": invalid "
          + "syntax",
      "/api/traces|400|parameter 'service' is required",
      "/api/traces?service=a&minDuration=abc|400|unable to parse param 'minDuration': time: invalid duration \"abc\"",
      "/api/traces?service=a&maxDuration=1d|400|unable to parse param 'maxDuration': time: unknown unit \"d\" in "
          + "duration \"1d\"",
      "/api/traces?service=a&minDuration=2s&maxDuration=1s|400|'maxDuration' should be greater than 'minDuration'",
      "/api/traces?service=a&start=2000000&end=1000000|400|'start' (2000000) should not be after 'end' (1000000)",
      "/api/traces?service=a&start=abc|400|unable to parse param 'start': strconv.ParseInt: parsing \"abc\": "
          + "invalid syntax",
      "/api/traces?service=a&end=abc|400|unable to parse param 'end': strconv.ParseInt: parsing \"abc\": "
          + "invalid syntax",
      "/api/traces?service=a&limit=abc|400|strconv.ParseInt: parsing \"abc\": invalid syntax",
      "/api/traces?service=a&tag=novalue|400|malformed 'tag' parameter, expecting key:value, received: novalue",
      "/api/traces?service=a&raw=maybe|400|unable to parse param 'raw': strconv.ParseBool: parsing \"maybe\": "
          + "invalid syntax",
      "/api/operations|400|parameter 'service' is required",
      "/api/dependencies?endTs=x|400|unable to parse param 'endTs': strconv.ParseInt: parsing \"x\": invalid syntax",
      "/api/dependencies?lookback=1h|400|unable to parse param 'lookback': strconv.ParseInt: parsing \"1h\": "
          + "invalid syntax",
      "/api/metrics/latencies?service=a|400|unable to parse param 'quantile': strconv.ParseFloat: parsing \"\": "
          + "invalid syntax",
      "/api/metrics/calls|400|unable to parse param 'service': please provide at least one service name",
      "/api/metrics/calls?service=a&spanKind=bogus|400|unable to parse param 'spanKind': unsupported span kind: "
          + "'bogus'",
      "/api/metrics/calls?service=a|501|metrics querying is currently disabled",
      "/api/metrics/latencies?service=a&quantile=0.95|501|metrics querying is currently disabled",
      "/api/metrics/errors?service=a&spanKind=server&groupByOperation=true|501|metrics querying is currently disabled",
      "/api/metrics/minstep|501|metrics querying is currently disabled",
  })
  void badInput_exactErrorEnvelope(String path, int status, String msg) throws Exception {
    assertError(server.get(path), status, msg);
  }

  @Test
  void badInput_tagsNotJson_400WithPrefix() throws Exception {
    HttpResponse<String> r = server.get("/api/traces?service=a&tags=notjson");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("\"msg\":\"malformed 'tags' parameter, cannot unmarshal JSON: ");
    HttpResponse<String> nonString = server.get("/api/traces?service=a&tags=%7B%22a%22%3A1%7D");
    assertThat(nonString.body()).contains("cannot unmarshal JSON: json: cannot unmarshal number into Go value of "
        + "type string");
  }

  @Test
  void search_tagsJsonMergedAfterTag() throws Exception {
    HttpResponse<String> r = server.get("/api/traces?service=frontend&tag=http.status_code:500"
        + "&tags=%7B%22http.status_code%22%3A%22200%22%7D&" + Fixtures.window());
    assertThat(r.body()).contains("\"traceID\":\"5af7183fb1d4cf5f\"");
  }

  @Test
  void limit_passedThroughAndCapped() throws Exception {
    assertThat(server.get("/api/traces?service=frontend&limit=-5&" + Fixtures.window()).statusCode()).isEqualTo(200);
    assertThat(server.get("/api/traces?service=frontend&limit=0&" + Fixtures.window()).body())
        .contains("5af7183fb1d4cf5f");
    assertThat(server.get("/api/traces?service=frontend&limit=100000&" + Fixtures.window()).statusCode())
        .isEqualTo(200);
  }

  @ParameterizedTest
  @CsvSource({
      "GET,/api/archive/5af7183fb1d4cf5f",
      "POST,/api/traces",
      "HEAD,/api/services",
      "DELETE,/api/traces/5af7183fb1d4cf5f",
      "GET,/api/transform",
      "POST,/api/v3/services",
  })
  void wrongMethod_405EmptyBody(String method, String path) throws Exception {
    HttpResponse<String> r = server.send(HttpRequest.newBuilder(URI.create(server.base() + path))
        .method(method, HttpRequest.BodyPublishers.noBody()).build());
    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.body()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"/", "/search", "/trace/abc", "/api/unknown", "/api/traces/", "/api", "/dependencies"})
  void unknownPaths_serveIndexHtml(String path) throws Exception {
    HttpResponse<String> r = server.get(path);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-cache");
    assertThat(r.body()).containsIgnoringCase("<html");
  }

  @Test
  void index_hasStorageCapabilities() throws Exception {
    String body = server.get("/").body();
    if (body.contains("JAEGER_STORAGE_CAPABILITIES")) {
      assertThat(body).contains("JAEGER_STORAGE_CAPABILITIES = {\"archiveStorage\":true};");
    }
    assertThat(body).doesNotContain("= DEFAULT_STORAGE_CAPABILITIES;");
  }

  @Test
  void nonCanonicalPath_redirects() throws Exception {
    HttpResponse<String> r = server.get("/api//services?x=1");
    assertThat(r.statusCode()).isEqualTo(301);
    assertThat(r.headers().firstValue("Location")).hasValue("/api/services?x=1");
  }

  @Test
  void transform_otlpJson_toUiTraces() throws Exception {
    String otlp = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\","
        + "\"value\":{\"stringValue\":\"uploaded\"}}]},\"scopeSpans\":[{\"scope\":{},\"spans\":[{"
        + "\"traceId\":\"0102030405060708090a0b0c0d0e0f10\",\"spanId\":\"0102030405060708\",\"name\":\"op\","
        + "\"kind\":2,\"startTimeUnixNano\":\"1700000000000000000\",\"endTimeUnixNano\":\"1700000000001000000\"}]}]}]}";
    HttpResponse<String> r = server.post("/api/transform", otlp);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).startsWith("{\"data\":[{\"traceID\":\"0102030405060708090a0b0c0d0e0f10\"")
        .contains("\"serviceName\":\"uploaded\"", "\"operationName\":\"op\"", "\"duration\":1000")
        .endsWith("\"errors\":null}");
    HttpResponse<String> bad = server.post("/api/transform", "{not json");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("\"msg\":\"cannot unmarshal OTLP : ");
  }

  @Test
  void deepDependenciesAndQualityMetrics_sampleShapes() throws Exception {
    HttpResponse<String> dd = server.get("/api/deep-dependencies?service=x");
    assertThat(dd.statusCode()).isEqualTo(200);
    assertThat(dd.body()).startsWith("{\"dependencies\":[{\"path\":[").contains("\"service\":\"x\"");
    assertThat(server.get("/api/quality-metrics").body()).contains("\"traceQualityDocumentationLink\"",
        "\"scores\":[", "\"metrics\":[");
  }

  @Test
  void requestBody_overLimit_413() throws Exception {
    String big = "x".repeat(QueryHttpServer.MAX_BODY_BYTES + 10);
    HttpResponse<String> r = server.post("/api/transform", big);
    assertThat(r.statusCode()).isEqualTo(413);
  }
}
