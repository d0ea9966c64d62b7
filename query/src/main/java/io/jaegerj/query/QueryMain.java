// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import io.jaegerj.server.BinarySpec;
import io.jaegerj.server.JaegerMain;
import java.util.List;

/** {@code jaeger-query}: the query APIs and UI; cassandra storage unless SPAN_STORAGE_TYPE says otherwise. */
public final class QueryMain {
  private QueryMain() {}

  public static BinarySpec spec() {
    return new BinarySpec(
        "jaeger-query",
        "Jaeger query service provides a Web UI and an API for accessing trace data.",
        "cassandra",
        ":16687",
        false,
        List.of(new QueryModule()));
  }

  public static void main(String[] args) {
    System.exit(JaegerMain.run(spec(), args, System.getenv()));
  }
}
