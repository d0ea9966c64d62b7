// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es;

/** The conformance suite against a real OpenSearch 2.19.1 child JVM. */
class ITOpenSearch2Conformance extends EsConformanceBase {
  @Override
  EsTestServer.Kind kind() {
    return EsTestServer.Kind.OPENSEARCH_2;
  }
}
