// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es;

import io.jaegerj.storage.StorageFactory;
import io.jaegerj.storage.conformance.StorageConformanceSuite;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/** The conformance suite against a real OpenSearch 2.19.1 child JVM. */
class ITOpenSearch2Conformance extends StorageConformanceSuite {
  private EsTestServer server;

  @Override
  protected StorageFactory openFactory() throws Exception {
    server = EsTestServer.start(EsTestServer.Kind.OPENSEARCH_2);
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
