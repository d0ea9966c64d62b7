// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es;

import io.jaegerj.storage.StorageFactory;
import io.jaegerj.storage.conformance.StorageConformanceSuite;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/** The conformance suite against one real server kind, started once per test class. */
abstract class EsConformanceBase extends StorageConformanceSuite {
  private EsTestServer server;

  abstract EsTestServer.Kind kind();

  @Override
  protected StorageFactory openFactory() throws Exception {
    server = EsTestServer.start(kind());
    return EsConformanceSupport.open(server.url(), Map.of());
  }

  @Override
  protected void flush() throws Exception {
    ((EsStorageFactory) factory()).primary().flush(30_000);
  }

  @Override
  protected void awaitIndexed() throws Exception {
    ((EsStorageFactory) factory()).primary().refresh();
  }

  @Override
  protected Map<String, String> skippedCases() {
    return EsConformanceSupport.SKIPPED;
  }

  @AfterAll
  void stopServer() {
    if (server != null) {
      server.stop();
    }
  }
}
