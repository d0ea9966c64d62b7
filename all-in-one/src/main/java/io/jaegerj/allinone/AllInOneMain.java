// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.allinone;

import io.jaegerj.collector.CollectorModule;
import io.jaegerj.query.QueryModule;
import io.jaegerj.server.BinarySpec;
import io.jaegerj.server.JaegerMain;
import java.util.List;

/** {@code jaeger-all-in-one}: the collector and query modules in one process, memory storage by default. */
public final class AllInOneMain {
  private AllInOneMain() {}

  public static BinarySpec spec() {
    return new BinarySpec(
        "jaeger-all-in-one",
        "Jaeger all-in-one distribution with collector and query. Use with caution: this version\n"
            + "by default uses only in-memory database.",
        "memory",
        ":14269",
        true,
        List.of(new CollectorModule(), new QueryModule()));
  }

  public static void main(String[] args) {
    System.exit(JaegerMain.run(spec(), args, System.getenv()));
  }
}
