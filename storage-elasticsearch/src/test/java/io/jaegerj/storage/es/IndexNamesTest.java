// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jaegerj.config.Settings;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IndexNamesTest {
  private static EsConfig config(String prefix, Map<String, String> overrides) {
    Map<String, String> o = new HashMap<>(overrides);
    return EsConfig.from(Settings.defaults(EsFlags.all(), o), prefix);
  }

  private static long micros(String instant) {
    return Instant.parse(instant).toEpochMilli() * 1000;
  }

  @Test
  void writeIndex_dailyHourlyPrefixAndSeparator() {
    IndexNames daily = new IndexNames(config("es", Map.of("es.index-prefix", "prod")));
    assertThat(daily.spanWriteIndex(micros("2025-03-07T13:10:00Z"))).isEqualTo("prod-jaeger-span-2025-03-07");
    IndexNames hourly = new IndexNames(config("es", Map.of("es.index-rollover-frequency-spans", "HOUR",
        "es.index-date-separator", ".")));
    assertThat(hourly.spanWriteIndex(micros("2025-03-07T13:10:00Z"))).isEqualTo("jaeger-span-2025.03.07.13");
    assertThat(hourly.serviceWriteIndex(micros("2025-03-07T13:10:00Z"))).isEqualTo("jaeger-service-2025.03.07");
  }

  @Test
  void aliasesAndArchive() {
    IndexNames aliases = new IndexNames(config("es", Map.of("es.use-aliases", "true")));
    assertThat(aliases.spanWriteIndex(1)).isEqualTo("jaeger-span-write");
    assertThat(aliases.spanReadIndices(1, 2)).containsExactly("jaeger-span-read");
    assertThat(aliases.dependencyReadIndices(1, 2)).containsExactly("jaeger-dependencies-read");
    IndexNames archive = new IndexNames(config("es-archive", Map.of("es-archive.index-prefix", "p")));
    assertThat(archive.spanWriteIndex(1)).isEqualTo("p-jaeger-span-archive");
    assertThat(archive.serviceWriteIndex(1)).isEqualTo("p-jaeger-service-archive");
    IndexNames archiveAliases = new IndexNames(config("es-archive", Map.of("es-archive.use-aliases", "true")));
    assertThat(archiveAliases.spanWriteIndex(1)).isEqualTo("jaeger-span-archive-write");
    assertThat(archiveAliases.spanReadIndices(1, 2)).containsExactly("jaeger-span-archive-read");
  }

  @Test
  void readIndices_newestFirstCoveringWindow() {
    IndexNames daily = new IndexNames(config("es", Map.of()));
    assertThat(daily.spanReadIndices(micros("2025-03-05T23:00:00Z"), micros("2025-03-07T01:00:00Z")))
        .containsExactly("jaeger-span-2025-03-07", "jaeger-span-2025-03-06", "jaeger-span-2025-03-05");
    assertThat(daily.spanReadIndices(micros("2025-03-07T00:00:00Z"), micros("2025-03-07T23:59:59Z")))
        .containsExactly("jaeger-span-2025-03-07");
    IndexNames hourly = new IndexNames(config("es", Map.of("es.index-rollover-frequency-spans", "hour",
        "es.remote-read-clusters", "east,west")));
    assertThat(hourly.spanReadIndices(micros("2025-03-07T11:30:00Z"), micros("2025-03-07T12:10:00Z")))
        .containsExactly("jaeger-span-2025-03-07-12", "jaeger-span-2025-03-07-11",
            "east:jaeger-span-2025-03-07-12", "west:jaeger-span-2025-03-07-12",
            "east:jaeger-span-2025-03-07-11", "west:jaeger-span-2025-03-07-11");
    assertThat(daily.dependencyReadIndices(micros("2025-03-06T10:00:00Z"), micros("2025-03-07T01:00:00Z")))
        .containsExactly("jaeger-dependencies-2025-03-07", "jaeger-dependencies-2025-03-06");
  }

  @Test
  void config_validatesLikeJaeger() {
    assertThatThrownBy(() -> config("es", Map.of("es.use-ilm", "true")))
        .hasMessageStartingWith("UseILM must always be used in conjunction with UseReadWriteAliases");
    assertThatThrownBy(() -> config("es", Map.of("es.use-ilm", "true", "es.use-aliases", "true")))
        .hasMessageStartingWith("when UseILM is set true, CreateIndexTemplates must be set to false");
    assertThatThrownBy(() -> config("es", Map.of("es.log-level", "warn"))).hasMessageContaining("log-level");
    assertThatThrownBy(() -> config("es", Map.of("es.password", "a", "es.password-file", "/x")))
        .hasMessage("both Password and PasswordFilePath are set");
    assertThatThrownBy(() -> config("es", Map.of("es.bulk.workers", "0"))).hasMessageContaining("es.bulk.workers");
    EsConfig ok = config("es", Map.of("es.use-ilm", "true", "es.use-aliases", "true",
        "es.create-index-templates", "false", "es.server-urls", "http://a:9200/, http://b:9200"));
    assertThat(ok.serverUrls()).containsExactly("http://a:9200", "http://b:9200");
    assertThat(ok.serviceCacheTtl().toHours()).isEqualTo(12);
  }

  @Test
  void flags_haveJaegersNamesAndDefaults() {
    Map<String, String> defaults = new HashMap<>();
    EsFlags.all().forEach(f -> defaults.put(f.name(), f.defaultValue()));
    assertThat(defaults).hasSize(51 + 51);
    assertThat(defaults).containsEntry("es.server-urls", "http://127.0.0.1:9200")
        .containsEntry("es.max-span-age", "72h0m0s")
        .containsEntry("es.bulk.flush-interval", "200ms")
        .containsEntry("es.prioirity-span-template", "0")
        .containsEntry("es.tags-as-fields.dot-replacement", "@")
        .containsEntry("es-archive.enabled", "false")
        .doesNotContainKey("es-archive.max-span-age")
        .doesNotContainKey("es.enabled");
    assertThat(EsFlags.all()).allSatisfy(f -> assertThat(f.envName()).matches("ES(_ARCHIVE)?_[A-Z0-9_]+"));
  }

  @Test
  void tenants_ownPrefixInFrontOfTheIndexPrefix_defaultUnchanged() {
    IndexNames names = new IndexNames(config("es", Map.of("es.index-prefix", "prod")));
    long t = micros("2025-03-07T13:10:00Z");
    assertThat(names.forTenant("")).isSameAs(names);
    assertThat(names.forTenant("acme").spanWriteIndex(t)).isEqualTo("tenant-acme-prod-jaeger-span-2025-03-07");
    assertThat(names.forTenant("Acme").serviceWriteIndex(t)).isEqualTo("tenant-_41cme-prod-jaeger-service-2025-03-07");
    assertThat(names.forTenant("a-b").dependencyReadIndices(t, t))
        .containsExactly("tenant-a_2db-prod-jaeger-dependencies-2025-03-07");
    IndexNames archive = new IndexNames(config("es-archive", Map.of()));
    assertThat(archive.forTenant("acme").spanWriteIndex(1)).isEqualTo("tenant-acme-jaeger-span-archive");
  }

  @Test
  void tenantPrefix_validLowercaseIndexNamesWithoutCollisions() {
    List<String> tenants = List.of("acme", "ACME", "Acme", "acme ", " acme", "a-cme", "a_cme",
        "a_2dcme", "ünï/cødé", "a:b", "a*b?\\\"<>|,#", "x".repeat(64), "x".repeat(65), "y".repeat(1000), "é", "e\u0301");
    Set<String> prefixes = new HashSet<>();
    for (String tenant : tenants) {
      String p = IndexNames.tenantPrefix(tenant);
      assertThat(prefixes.add(p)).as("unique prefix for [%s]: %s", tenant, p).isTrue();
      assertThat(p).as(tenant).matches("tenant-[a-z0-9_]{1,64}-|tenanth-[0-9a-f]{64}-");
      String index = p + "jaeger-dependencies-2025-03-07";
      assertThat(index.getBytes(StandardCharsets.UTF_8).length).isLessThan(255);
    }
    for (String a : prefixes) {
      for (String b : prefixes) {
        if (!a.equals(b)) {
          assertThat(b.startsWith(a)).as("%s is a prefix of %s", a, b).isFalse();
        }
      }
    }
    assertThat(IndexNames.tenantPrefix("x".repeat(65))).startsWith("tenanth-");
  }

  @Test
  void writeBuckets_equalExactlyWhenTheWriteIndexNamesAre() {
    long hour = 3_600_000_000L;
    long[] starts = {0, 1, 999, 1000, -1, -1000, -1001, micros("2025-03-07T00:00:00Z") - 1,
        micros("2025-03-07T00:00:00Z"), micros("2025-03-07T12:59:59.999999Z"), micros("2025-03-07T13:00:00Z"),
        micros("2025-03-07T23:59:59.999Z"), micros("2025-03-08T00:00:00Z"), micros("1969-12-31T23:00:00Z"),
        micros("2025-03-07T00:00:00Z") + 17 * hour + 5};
    for (Map<String, String> flags : List.of(Map.<String, String>of(),
        Map.of("es.index-rollover-frequency-spans", "hour"),
        Map.of("es.index-rollover-frequency-services", "hour"),
        Map.of("es.use-aliases", "true"))) {
      IndexNames names = new IndexNames(config("es", flags));
      for (long a : starts) {
        for (long b : starts) {
          assertThat(names.spanWriteBucket(a) == names.spanWriteBucket(b))
              .as("span %s / %s with %s", a, b, flags)
              .isEqualTo(names.spanWriteIndex(a).equals(names.spanWriteIndex(b)));
          assertThat(names.serviceWriteBucket(a) == names.serviceWriteBucket(b))
              .as("service %s / %s with %s", a, b, flags)
              .isEqualTo(names.serviceWriteIndex(a).equals(names.serviceWriteIndex(b)));
        }
      }
    }
  }
}
