// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.server.JaegerMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A bad metrics store setting stops jaeger-query before anything listens, with one {@code Error:} line. */
class MetricsStartupTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "prometheus|--prometheus.query.duration-unit=us|Error: --prometheus.query.duration-unit: duration-unit must be "
          + "one of \"ms\" or \"s\", not \"us\"",
      "prometheus|--prometheus.server-url=localhost:9090|Error: --prometheus.server-url: \"localhost:9090\" "
          + "(expected: an http or https URL with the scheme, e.g. http://localhost:9090)",
      "prometheus|--prometheus.query.extra-query-params=a|Error: --prometheus.query.extra-query-params: failed to "
          + "parse extra query params: \"a\" is not a param=value pair",
      "prometheus|--prometheus.connect-timeout=soon|Error: invalid argument \"soon\" for \"--prometheus.connect-timeout\"",
      "prometheus|--prometheus.token-file=/nonexistent/token|Error: --prometheus.token-file: failed to get token from "
          + "file",
      "graphite|--log-level=info|Error: unknown metrics type \"graphite\". Valid types are [prometheus in-process]",
      "''|--prometheus.server-url=http://x|Error: unknown flag: --prometheus.server-url"})
  void badSetting_oneErrorLine(String type, String arg, String expected) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = JaegerMain.run(QueryMain.spec(), new String[] {arg, "--query.http-server.host-port=127.0.0.1:0",
            "--query.grpc-server.host-port=127.0.0.1:0", "--admin.http.host-port=127.0.0.1:0"},
        type.isEmpty() ? Map.of("SPAN_STORAGE_TYPE", "memory")
            : Map.of("SPAN_STORAGE_TYPE", "memory", "METRICS_STORAGE_TYPE", type),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    String[] lines = err.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("Error:"))
        .toArray(String[]::new);
    assertThat(code).isEqualTo(1);
    assertThat(lines).hasSize(1);
    assertThat(lines[0]).startsWith(expected);
  }
}
