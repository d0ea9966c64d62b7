// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es.dbmodel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ServiceDocumentsTest {
  @Test
  void id_isFnv1a64OfServiceThenOperation_unpadded() {
    // published FNV-1a 64 test vectors: "" and "a"
    assertThat(ServiceDocuments.id("", "")).isEqualTo("cbf29ce484222325");
    assertThat(ServiceDocuments.id("a", "")).isEqualTo("af63dc4c8601ec8c");
    assertThat(ServiceDocuments.id("", "a")).isEqualTo("af63dc4c8601ec8c");
    assertThat(ServiceDocuments.id("foo", "bar")).isEqualTo(ServiceDocuments.id("foob", "ar"))
        .isEqualTo("85944171f73967e8");
  }

  @Test
  void write_escapesJson() {
    assertThat(new String(ServiceDocuments.write("s\"1", "op\n"), StandardCharsets.UTF_8))
        .isEqualTo("{\"serviceName\":\"s\\\"1\",\"operationName\":\"op\\n\"}");
  }
}
