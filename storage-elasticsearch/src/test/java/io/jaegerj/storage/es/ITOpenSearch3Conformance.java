// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es;

/** The conformance suite against a real OpenSearch 3.8.0 (on the Temurin 25 JDK) child JVM. */
class ITOpenSearch3Conformance extends EsConformanceBase {
  @Override
  EsTestServer.Kind kind() {
    return EsTestServer.Kind.OPENSEARCH_3;
  }
}
