// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es;

import io.jaegerj.config.Settings;
import io.jaegerj.storage.es.dbmodel.TagsAsFields;
import io.jaegerj.tls.ClientTlsConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Validated settings of one {@code es} / {@code es-archive} family. */
record EsConfig(
    List<String> serverUrls,
    Auth auth,
    Duration timeout,
    int version,
    String indexPrefix,
    String dateSeparator,
    boolean hourlySpans,
    boolean hourlyServices,
    boolean hourlySampling,
    Duration samplingLookback,
    boolean useAliases,
    boolean useIlm,
    boolean createTemplates,
    int shards,
    int replicas,
    int prioritySpan,
    int priorityService,
    int priorityDependencies,
    Duration maxSpanAge,
    int maxDocCount,
    Duration serviceCacheTtl,
    int bulkSize,
    int bulkWorkers,
    int bulkActions,
    Duration bulkFlushInterval,
    TagsAsFields tagsAsFields,
    List<String> remoteReadClusters,
    boolean httpCompression,
    Optional<ClientTlsConfig> tls,
    boolean sniffer,
    boolean snifferTls,
    boolean disableHealthCheck,
    String sendGetBodyAs,
    boolean archive) {

  /**
   * Credentials: basic ({@code username} with {@code password} or {@code password-file}), bearer ({@code token-file}
   * and/or {@code bearer-token-propagation}), API key ({@code api-key-file} and/or {@code api-key-allow-from-context});
   * files are re-read at their reload interval (0: never).
   */
  record Auth(String username, String password, String passwordFile, Duration passwordReload,
      String tokenFile, boolean bearerFromContext, Duration bearerReload,
      String apiKeyFile, boolean apiKeyFromContext, Duration apiKeyReload) {
    static final Auth NONE = new Auth("", "", "", Duration.ZERO, "", false, Duration.ZERO, "", false, Duration.ZERO);
  }

  static EsConfig from(Settings s, String prefix) {
    boolean archive = prefix.equals(EsFlags.ARCHIVE);
    String p = prefix + ".";
    List<String> urls = new ArrayList<>();
    for (String u : s.getString(p + "server-urls").replace(" ", "").split(",")) {
      if (!u.isEmpty()) {
        urls.add(u.endsWith("/") ? u.substring(0, u.length() - 1) : u);
      }
    }
    if (urls.isEmpty()) {
      throw new IllegalArgumentException(p + "server-urls: empty (expected: at least one URL)");
    }
    String password = s.getString(p + "password");
    String passwordFile = s.getString(p + "password-file");
    if (!password.isEmpty() && !passwordFile.isEmpty()) {
      throw new IllegalArgumentException("both Password and PasswordFilePath are set");
    }
    Auth auth = new Auth(s.getString(p + "username"), password, passwordFile,
        s.getDuration(p + "password-reload-interval"),
        s.getString(p + "token-file"), s.getBool(p + "bearer-token-propagation"),
        s.getDuration(p + "bearer-token-reload-interval"),
        s.getString(p + "api-key-file"), s.getBool(p + "api-key-allow-from-context"),
        s.getDuration(p + "api-key-reload-interval"));
    String sendGetBodyAs = s.getString(p + "send-get-body-as").trim().toUpperCase(Locale.ROOT);
    boolean useAliases = s.getBool(p + "use-aliases");
    boolean useIlm = s.getBool(p + "use-ilm");
    boolean createTemplates = s.getBool(p + "create-index-templates");
    if (useIlm && !useAliases) {
      throw new IllegalArgumentException("UseILM must always be used in conjunction with UseReadWriteAliases to "
          + "ensure ES writers and readers refer to the single index mapping");
    }
    if (useIlm && createTemplates) {
      throw new IllegalArgumentException("when UseILM is set true, CreateIndexTemplates must be set to false and "
          + "index templates must be created by init process of es-rollover app");
    }
    String level = s.getString(p + "log-level");
    if (!List.of("debug", "info", "error").contains(level)) {
      throw new IllegalArgumentException("unrecognized log-level: \"" + level + "\"");
    }
    Set<String> include = new HashSet<>(Settings.parseList(s.getString(p + "tags-as-fields.include")));
    String tagFile = s.getString(p + "tags-as-fields.config-file");
    if (!tagFile.isEmpty()) {
      for (String line : readTrimmed(tagFile, p + "tags-as-fields.config-file").split("\n")) {
        if (!line.isBlank()) {
          include.add(line.trim());
        }
      }
    }
    TagsAsFields taf = new TagsAsFields(s.getBool(p + "tags-as-fields.all"), include,
        s.getString(p + "tags-as-fields.dot-replacement"));
    Duration ttl = s.getDuration(p + "service-cache-ttl");
    String indexPrefix = s.getString(p + "index-prefix");
    if (!indexPrefix.isEmpty() && !indexPrefix.endsWith("-")) {
      indexPrefix = indexPrefix + "-";
    }
    int bulkWorkers = positive(s.getInt(p + "bulk.workers"), p + "bulk.workers");
    int bulkActions = positive(s.getInt(p + "bulk.actions"), p + "bulk.actions");
    int bulkSize = positive(s.getInt(p + "bulk.size"), p + "bulk.size");
    return new EsConfig(urls,
        auth,
        s.getDuration(p + "timeout"),
        s.getInt(p + "version"),
        indexPrefix,
        s.getString(p + "index-date-separator"),
        "hour".equalsIgnoreCase(s.getString(p + "index-rollover-frequency-spans")),
        "hour".equalsIgnoreCase(s.getString(p + "index-rollover-frequency-services")),
        "hour".equalsIgnoreCase(s.getString(p + "index-rollover-frequency-adaptive-sampling")),
        s.getDuration(p + "adaptive-sampling.lookback"),
        useAliases, useIlm, createTemplates,
        s.getInt(p + "num-shards"), s.getInt(p + "num-replicas"),
        s.getInt(p + "prioirity-span-template"), s.getInt(p + "prioirity-service-template"),
        s.getInt(p + "prioirity-dependencies-template"),
        archive ? Duration.ofDays(365L * 50) : s.getDuration(p + "max-span-age"),
        positive(s.getInt(p + "max-doc-count"), p + "max-doc-count"),
        ttl.isZero() ? Duration.ofHours(12) : ttl,
        bulkSize, bulkWorkers, bulkActions,
        s.getDuration(p + "bulk.flush-interval"),
        taf,
        Settings.parseList(s.getString(p + "remote-read-clusters")),
        s.getBool(p + "http-compression"),
        ClientTlsConfig.from(s, prefix),
        s.getBool(p + "sniffer"), s.getBool(p + "sniffer-tls-enabled"),
        s.getBool(p + "disable-health-check"),
        sendGetBodyAs.isEmpty() ? "GET" : sendGetBodyAs,
        archive);
  }

  private static int positive(int v, String name) {
    if (v <= 0) {
      throw new IllegalArgumentException(name + ": " + v + " (expected: > 0)");
    }
    return v;
  }

  private static String readTrimmed(String file, String flag) {
    try {
      return Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new IllegalArgumentException(flag + ": cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Whether searches are bounded by the span age: never with aliases or for the archive. */
  Duration effectiveMaxSpanAge() {
    return useAliases || archive ? Duration.ofDays(365L * 50) : maxSpanAge;
  }
}
