// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.ingester;

import io.jaegerj.server.BinarySpec;
import io.jaegerj.server.JaegerMain;
import java.util.List;

/** {@code jaeger-ingester}: Kafka to span storage; cassandra storage unless SPAN_STORAGE_TYPE says otherwise. */
public final class IngesterMain {
  private IngesterMain() {}

  public static BinarySpec spec() {
    return new BinarySpec(
        "jaeger-ingester",
        "Jaeger ingester consumes spans from a particular Kafka topic and writes them to a configured storage.",
        "cassandra",
        ":14270",
        true,
        List.of(new IngesterModule()));
  }

  public static void main(String[] args) {
    System.exit(JaegerMain.run(spec(), args, System.getenv()));
  }
}
