// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jaegerj.model.DependencyLink;
import io.jaegerj.storage.DependencyWriter;
import io.jaegerj.storage.Tenants;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * Writes dependency links as Jaeger's spark-dependencies job does: one document
 * {@code {"timestamp": "<RFC 3339>", "dependencies": [{"parent", "child", "callCount"}]}} per call, in the daily
 * index {@code <prefix>jaeger-dependencies-<yyyy-MM-dd of the timestamp>} (or the {@code -write} alias with
 * {@code es.use-aliases}), with an ID chosen by the server, so records of several writers add up on read. A
 * non-default tenant's records go to the same names behind the tenant's own prefix ({@link IndexNames#tenantPrefix}),
 * where {@link EsDependencyReader} reads them for that tenant only; with {@code es.use-aliases} only the default
 * tenant is stored, as for spans (the rollover tool makes aliases for one prefix).
 */
final class EsDependencyWriter implements DependencyWriter {
  private final EsClient client;
  private final EsConfig config;
  private final IndexNames names;
  private final int version;

  EsDependencyWriter(EsClient client, EsConfig config, IndexNames names, int version) {
    this.client = client;
    this.config = config;
    this.names = names;
    this.version = version;
  }

  @Override
  public void writeDependencies(String tenant, long timestampMicros, List<DependencyLink> links)
      throws IOException {
    if (!Tenants.isDefault(Tenants.require(tenant)) && config.useAliases()) {
      throw new UnsupportedOperationException("elasticsearch storage with es.use-aliases=true stores dependencies "
          + "of the default tenant only, not of tenant \"" + tenant + "\"");
    }
    if (links.isEmpty()) {
      return;
    }
    client.json("POST", "/" + index(tenant, timestampMicros) + (version < 7 ? "/dependencies" : "/_doc"),
        document(timestampMicros, links));
  }

  String index(long timestampMicros) {
    return index(Tenants.DEFAULT, timestampMicros);
  }

  /** The index (or write alias) for one tenant's record: Jaeger's name, behind the tenant's prefix if not default. */
  String index(String tenant, long timestampMicros) {
    String t = Tenants.isDefault(tenant) ? "" : IndexNames.tenantPrefix(tenant);
    String p = t + config.indexPrefix() + IndexNames.DEPENDENCIES;
    return config.useAliases() ? p + "write" : p + names.date(Math.floorDiv(timestampMicros, 1000), false);
  }

  static ObjectNode document(long timestampMicros, List<DependencyLink> links) {
    ObjectNode doc = EsClient.JSON.createObjectNode();
    doc.put("timestamp", rfc3339Nano(timestampMicros));
    ArrayNode deps = doc.putArray("dependencies");
    for (DependencyLink l : links) {
      ObjectNode d = deps.addObject();
      d.put("parent", l.parent());
      d.put("child", l.child());
      d.put("callCount", l.callCount());
    }
    return doc;
  }

  /** Go's {@code time.RFC3339Nano} in UTC: the fraction without trailing zeros, none for whole seconds. */
  static String rfc3339Nano(long micros) {
    String s = Instant.EPOCH.plusNanos(micros * 1000).toString(); // fraction in groups of 3 digits
    int dot = s.indexOf('.');
    if (dot < 0) {
      return s;
    }
    int end = s.length() - 1; // the 'Z'
    int last = end;
    while (last > dot + 1 && s.charAt(last - 1) == '0') {
      last--;
    }
    return s.substring(0, last) + "Z";
  }
}
