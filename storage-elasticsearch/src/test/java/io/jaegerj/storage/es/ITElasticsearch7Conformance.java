// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es;

/** The conformance suite against a real Elasticsearch 7.17.28 child JVM. */
class ITElasticsearch7Conformance extends EsConformanceBase {
  @Override
  EsTestServer.Kind kind() {
    return EsTestServer.Kind.ELASTICSEARCH_7;
  }
}
