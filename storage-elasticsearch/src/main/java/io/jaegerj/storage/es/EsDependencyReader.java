// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jaegerj.model.DependencyLink;
import io.jaegerj.storage.DependencyReader;
import io.jaegerj.storage.Tenants;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the {@code jaeger-dependencies-*} documents that an external job (spark-dependencies) writes: one document
 * per run with {@code timestamp} and {@code dependencies}. Links are not derived from spans, as in Jaeger.
 */
final class EsDependencyReader implements DependencyReader {
  private final EsClient client;
  private final EsConfig config;
  private final IndexNames names;
  private final String searchParams;

  EsDependencyReader(EsClient client, EsConfig config, IndexNames names, int version) {
    this.client = client;
    this.config = config;
    this.names = names;
    this.searchParams = version >= 7 ? "ignore_unavailable=true&rest_total_hits_as_int=true" : "ignore_unavailable=true";
  }

  @Override
  public List<DependencyLink> getDependencies(String tenant, long endTsMicros, long lookbackMicros) {
    IndexNames names = this.names.forTenant(Tenants.require(tenant));
    long startMicros = endTsMicros - lookbackMicros;
    ObjectNode body = EsClient.JSON.createObjectNode();
    body.put("size", config.maxDocCount());
    ObjectNode range = body.putObject("query").putObject("range").putObject("timestamp");
    range.put("gte", Instant.EPOCH.plusNanos(startMicros * 1000).toString());
    range.put("lte", Instant.EPOCH.plusNanos(endTsMicros * 1000).toString());
    String indices = String.join(",", names.dependencyReadIndices(startMicros, endTsMicros));
    JsonNode r;
    try {
      r = client.json("POST", "/" + indices + "/_search?" + searchParams, body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<DependencyLink> out = new ArrayList<>();
    for (JsonNode hit : r.path("hits").path("hits")) {
      for (JsonNode d : hit.path("_source").path("dependencies")) {
        String source = d.path("source").asText("");
        out.add(new DependencyLink(d.path("parent").asText(), d.path("child").asText(),
            d.path("callCount").asLong(), source.isEmpty() ? "jaeger" : source));
      }
    }
    return out;
  }
}
