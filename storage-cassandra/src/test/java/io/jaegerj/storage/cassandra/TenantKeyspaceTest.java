// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TenantKeyspaceTest {
  @Test
  void defaultTenant_keepsTheConfiguredKeyspace() {
    assertThat(TenantKeyspace.of("jaeger_v1_test", "")).isEqualTo("jaeger_v1_test");
  }

  @Test
  void lowerCaseLettersAndDigits_stayReadable() {
    assertThat(TenantKeyspace.of("jaeger_v1_test", "acme42")).isEqualTo("jaeger_v1_test__acme42");
  }

  @Test
  void everyOtherByte_isEscaped() {
    assertThat(TenantKeyspace.of("jaeger_v1_test", "Acme-EU")).isEqualTo("jaeger_v1_test___41cme_2d_45_55");
    assertThat(TenantKeyspace.of("ks", "a_b")).isEqualTo("ks__a_5fb");
    assertThat(TenantKeyspace.of("ks", "é")).isEqualTo("ks___c3_a9");
    assertThat(TenantKeyspace.of("ks", " ")).isEqualTo("ks___20");
  }

  /** Names that a lossy sanitizer (lower-casing, '-' to '_', trimming) would merge stay apart. */
  @Test
  void lookAlikeTenants_getDistinctKeyspaces() {
    List<String> tenants = List.of("tenant-a", "tenant_a", "TENANT-A", "Tenant-a", "tenant-a ", "tenanta", "tenant",
        "tenant_2da", "tenant__2da", "t", "_74");
    Map<String, String> seen = new HashMap<>();
    for (String t : tenants) {
      String ks = TenantKeyspace.of("ks", t);
      assertThat(ks).matches("[a-z0-9_]+");
      assertThat(seen.put(ks, t)).as("keyspace %s of '%s'", ks, t).isNull();
    }
  }

  @Test
  void tooLongForCassandra_isRefusedNotShortened() {
    String fits = "a".repeat(TenantKeyspace.MAX_NAME_LENGTH - "ks__".length());
    assertThat(TenantKeyspace.of("ks", fits)).hasSize(TenantKeyspace.MAX_NAME_LENGTH);
    assertThatThrownBy(() -> TenantKeyspace.of("ks", fits + "a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tenant \"" + fits + "a\"").hasMessageContaining("48");
  }
}
