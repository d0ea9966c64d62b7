// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** api_v3 over HTTP (/api/v3/*): OTLP JSON in {"result": …}, errors in the gateway's shape. */
class ApiV3HttpTest {
  static QueryServerFixture server;

  @BeforeAll
  static void start() throws Exception {
    server = new QueryServerFixture(false, Map.of(), Clock.systemUTC());
    server.write(Fixtures.traceA());
    server.write(Fixtures.traceB());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void getTrace_otlpJson_golden() throws Exception {
    HttpResponse<String> r = server.get("/api/v3/traces/5af7183fb1d4cf5f");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    Golden.assertMatches("v3-trace-a.json", r.body());
  }

  @Test
  void getTrace_rawAndTimeWindow() throws Exception {
    HttpResponse<String> r = server.get("/api/v3/traces/5af7183fb1d4cf5f?raw_traces=true"
        + "&start_time=2023-11-14T22:00:00Z&end_time=2023-11-14T23:59:59.999999999%2B01:00");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).startsWith("{\"result\":{\"resourceSpans\":[").doesNotContain("@jaeger@warnings");
  }

  @Test
  void findTraces_concatenatesResourceSpans() throws Exception {
    HttpResponse<String> r = server.get("/api/v3/traces?query.service_name=frontend"
        + "&query.start_time_min=2023-11-14T00:00:00Z&query.start_time_max=2023-11-16T00:00:00Z"
        + "&query.num_traces=5&query.duration_min=1ms&query.duration_max=1h");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).contains("\"traceId\":\"00000000000000005af7183fb1d4cf5f\"")
        .doesNotContain("0af7651916cd43dd8448eb211c80319c");
  }

  @Test
  void servicesAndOperations() throws Exception {
    assertThat(server.get("/api/v3/services").body()).startsWith("{\"services\":[").contains("\"backend\"");
    assertThat(server.get("/api/v3/operations?service=frontend&span_kind=server").body())
        .isEqualTo("{\"operations\":[{\"name\":\"GET /api\",\"spanKind\":\"server\"}]}");
    assertThat(server.get("/api/v3/operations?service=nobody").body()).isEqualTo("{}");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/api/v3/traces/xyz|400|malformed parameter trace_id: strconv.ParseUint: parsing \\\"xyz\\\": invalid syntax",
      "/api/v3/traces/1|404|No traces found",
      "/api/v3/traces/1?raw_traces=maybe|400|malformed parameter raw_traces: strconv.ParseBool: parsing "
          + "\\\"maybe\\\": invalid syntax",
      "/api/v3/traces?query.service_name=a|400|query.start_time_min and query.start_time_max are required",
      "/api/v3/traces?query.start_time_min=2023-11-14T00:00:00Z&query.start_time_max=2023-11-16T00:00:00Z"
          + "&query.service_name=nobody|404|No traces found",
      "/api/v3/traces?query.start_time_min=2023-11-14T00:00:00Z&query.start_time_max=2023-11-16T00:00:00Z"
          + "&query.num_traces=x|400|malformed parameter query.num_traces: strconv.Atoi: parsing \\\"x\\\": "
          + "invalid syntax",
      "/api/v3/traces?query.start_time_min=2023-11-14T00:00:00Z&query.start_time_max=2023-11-16T00:00:00Z"
          + "&query.duration_min=1d|400|malformed parameter query.duration_min: time: unknown unit \\\"d\\\" in "
          + "duration \\\"1d\\\"",
  })
  void errors_gatewayShape(String path, int status, String message) throws Exception {
    HttpResponse<String> r = server.get(path);
    assertThat(r.statusCode()).isEqualTo(status);
    assertThat(r.body()).isEqualTo("{\"error\":{\"httpCode\":" + status + ",\"message\":\"" + message + "\"}}\n");
  }

  @Test
  void errors_badStartTime() throws Exception {
    HttpResponse<String> r = server.get("/api/v3/traces?query.start_time_min=yesterday"
        + "&query.start_time_max=2023-11-16T00:00:00Z");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).startsWith("{\"error\":{\"httpCode\":400,\"message\":\"malformed parameter "
        + "query.start_time_min: parsing time \\\"yesterday\\\"");
  }
}
