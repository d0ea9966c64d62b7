// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es;

import io.jaegerj.config.Flag;
import io.jaegerj.config.Settings;
import io.jaegerj.storage.StorageContext;
import io.jaegerj.storage.StorageFactory;
import io.jaegerj.storage.StorageProvider;
import java.util.List;

/**
 * {@code SPAN_STORAGE_TYPE=elasticsearch} or {@code opensearch}: Jaeger's Elasticsearch layout on Elasticsearch 6-9 or
 * OpenSearch 1-3 (version from {@code GET /} unless {@code es.version} is set). Flags {@code es.*} and
 * {@code es-archive.*}; the archive store opens when {@code es-archive.enabled=true}.
 */
public final class EsStorageProvider implements StorageProvider {
  @Override
  public List<String> types() {
    return List.of("elasticsearch", "opensearch");
  }

  @Override
  public List<Flag> flags() {
    return EsFlags.all();
  }

  @Override
  public StorageFactory open(String type, Settings settings, StorageContext context) throws Exception {
    if (!types().contains(type)) {
      throw new IllegalArgumentException("type: " + type + " (expected: elasticsearch or opensearch)");
    }
    EsConfig primaryConfig = EsConfig.from(settings, EsFlags.PRIMARY);
    EsConfig archiveConfig = settings.has(EsFlags.ARCHIVE + ".enabled") && settings.getBool(EsFlags.ARCHIVE + ".enabled")
        ? EsConfig.from(settings, EsFlags.ARCHIVE) : null;
    EsStorageFactory.Store primary = new EsStorageFactory.Store(primaryConfig, context, "primary", EsFlags.PRIMARY + ".");
    EsStorageFactory.Store archive = null;
    try {
      if (archiveConfig != null) {
        archive = new EsStorageFactory.Store(archiveConfig, context, "archive", EsFlags.ARCHIVE + ".");
      }
    } catch (Exception e) {
      primary.close();
      throw e;
    }
    return new EsStorageFactory(primary, archive);
  }
}
