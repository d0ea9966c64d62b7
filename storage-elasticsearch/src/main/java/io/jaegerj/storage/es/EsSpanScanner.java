// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jaegerj.model.Span;
import io.jaegerj.storage.SpanScanner;
import io.jaegerj.storage.Tenants;
import io.jaegerj.storage.es.dbmodel.SpanDocuments;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Scans the span indices of a time range with the scroll API in index order ({@code _doc}), the cheapest order for
 * the server; one scroll context is open at a time and cleared at the end, also on failure.
 */
final class EsSpanScanner implements SpanScanner {
  static final String KEEP_ALIVE = "2m";

  private final EsClient client;
  private final EsConfig config;
  private final IndexNames names;

  EsSpanScanner(EsClient client, EsConfig config, IndexNames names) {
    this.client = client;
    this.config = config;
    this.names = names;
  }

  @Override
  public void scan(String tenant, long startMicros, long endMicros, int pageSize, Consumer<List<Span>> pages)
      throws IOException {
    if (!Tenants.isDefault(Tenants.require(tenant))) {
      return; // no other tenant has spans in Jaeger's layout
    }
    if (pageSize <= 0) {
      throw new IllegalArgumentException("pageSize: " + pageSize + " (expected: > 0)");
    }
    ObjectNode body = EsClient.JSON.createObjectNode();
    body.put("size", pageSize);
    body.putArray("sort").add("_doc");
    ObjectNode range = body.putObject("query").putObject("range").putObject("startTime");
    range.put("gte", startMicros);
    range.put("lt", endMicros);
    String indices = String.join(",", names.spanReadIndices(startMicros, endMicros - 1));
    JsonNode r = client.json("POST", "/" + indices + "/_search?scroll=" + KEEP_ALIVE + "&ignore_unavailable=true",
        body);
    String scrollId = r.path("_scroll_id").asText("");
    try {
      while (true) {
        JsonNode hits = r.path("hits").path("hits");
        if (hits.isEmpty()) {
          return;
        }
        List<Span> page = new ArrayList<>(hits.size());
        for (JsonNode hit : hits) {
          page.add(SpanDocuments.read(hit.path("_source"), config.tagsAsFields().dotReplacement()));
        }
        pages.accept(page);
        if (scrollId.isEmpty()) {
          return;
        }
        ObjectNode next = EsClient.JSON.createObjectNode();
        next.put("scroll", KEEP_ALIVE);
        next.put("scroll_id", scrollId);
        r = client.json("POST", "/_search/scroll", next);
        scrollId = r.path("_scroll_id").asText(scrollId);
      }
    } finally {
      if (!scrollId.isEmpty()) {
        ObjectNode clear = EsClient.JSON.createObjectNode();
        clear.putArray("scroll_id").add(scrollId);
        try {
          client.json("DELETE", "/_search/scroll", clear);
        } catch (IOException e) {
          // the context expires after KEEP_ALIVE anyway
        }
      }
    }
  }
}
