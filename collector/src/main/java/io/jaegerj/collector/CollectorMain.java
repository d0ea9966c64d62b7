// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector;

import io.jaegerj.server.BinarySpec;
import io.jaegerj.server.JaegerMain;
import java.util.List;

/** {@code jaeger-collector}: receivers and pipeline; cassandra storage unless SPAN_STORAGE_TYPE says otherwise. */
public final class CollectorMain {
  private CollectorMain() {}

  public static BinarySpec spec() {
    return new BinarySpec(
        "jaeger-collector",
        "Jaeger collector receives traces and runs them through a processing pipeline.",
        "cassandra",
        ":14269",
        true,
        List.of(new CollectorModule()));
  }

  public static void main(String[] args) {
    System.exit(JaegerMain.run(spec(), args, System.getenv()));
  }
}
