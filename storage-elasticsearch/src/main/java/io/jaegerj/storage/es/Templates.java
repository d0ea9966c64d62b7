// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Index templates for the span, service, dependencies and sampling families. Version 7 (and OpenSearch) use the
 * legacy {@code _template} API with a {@code *}-led pattern; version 8+ the composable {@code _index_template} API
 * with {@code priority}.
 */
final class Templates {
  private static final ObjectMapper JSON = new ObjectMapper();

  enum Kind {
    SPAN("jaeger-span"),
    SERVICE("jaeger-service"),
    DEPENDENCIES("jaeger-dependencies"),
    SAMPLING("jaeger-sampling");

    final String base;

    Kind(String base) {
      this.base = base;
    }
  }

  /** Parameters a template depends on. */
  record Params(int version, String prefix, int shards, int replicas, int priority) {}

  private Templates() {}

  /** {@code _template/<name>} or {@code _index_template/<name>} path for the version. */
  static String path(Kind kind, Params p) {
    return (p.version() >= 8 ? "/_index_template/" : "/_template/") + p.prefix() + kind.base;
  }

  /** The version 8+ template of the non-default tenants' indices of a family. */
  static String tenantsPath(Kind kind, Params p) {
    return path(kind, p) + "-tenants";
  }

  /**
   * {@link #body} with the patterns of the non-default tenants' indices ({@code tenant-*-<prefix><family>-*} and
   * {@code tenanth-*-<prefix><family>-*}, see {@link IndexNames#tenantPrefix}); version 8+ only.
   */
  static ObjectNode tenantsBody(Kind kind, Params p) {
    ObjectNode root = body(kind, p);
    ArrayNode patterns = root.putArray("index_patterns");
    patterns.add("tenant-*-" + p.prefix() + kind.base + "-*");
    patterns.add("tenanth-*-" + p.prefix() + kind.base + "-*");
    return root;
  }

  static ObjectNode body(Kind kind, Params p) {
    ObjectNode settings = JSON.createObjectNode();
    settings.put("index.number_of_shards", p.shards());
    settings.put("index.number_of_replicas", p.replicas());
    settings.put("index.mapping.nested_fields.limit", 50);
    settings.put("index.requests.cache.enable", kind != Kind.SAMPLING);
    ObjectNode mappings = mappings(kind);
    ObjectNode root = JSON.createObjectNode();
    boolean unprefixedPattern = p.version() < 8 && (kind == Kind.DEPENDENCIES || kind == Kind.SAMPLING);
    String pattern = (p.version() < 8 ? "*" : "") + (unprefixedPattern ? "" : p.prefix()) + kind.base + "-*";
    if (p.version() >= 8) {
      root.put("priority", p.priority());
      root.put("index_patterns", pattern);
      ObjectNode template = root.putObject("template");
      template.putObject("aliases");
      template.set("settings", settings);
      template.set("mappings", mappings);
    } else {
      root.put("index_patterns", pattern);
      root.set("settings", settings);
      root.set("mappings", mappings);
    }
    return root;
  }

  private static ObjectNode mappings(Kind kind) {
    ObjectNode m = JSON.createObjectNode();
    if (kind == Kind.DEPENDENCIES || kind == Kind.SAMPLING) {
      return m;
    }
    ArrayNode dyn = m.putArray("dynamic_templates");
    dyn.addObject().set("span_tags_map", dynamicKeyword("tag.*"));
    dyn.addObject().set("process_tags_map", dynamicKeyword("process.tag.*"));
    ObjectNode props = m.putObject("properties");
    if (kind == Kind.SERVICE) {
      props.set("serviceName", keyword());
      props.set("operationName", keyword());
      return m;
    }
    props.set("traceID", keyword());
    props.set("parentSpanID", keyword());
    props.set("spanID", keyword());
    props.set("operationName", keyword());
    props.set("startTime", type("long"));
    props.set("startTimeMillis", type("date").put("format", "epoch_millis"));
    props.set("duration", type("long"));
    props.set("flags", type("integer"));
    ObjectNode refs = nested();
    ObjectNode refProps = refs.putObject("properties");
    refProps.set("refType", keyword());
    refProps.set("traceID", keyword());
    refProps.set("spanID", keyword());
    props.set("references", refs);
    props.set("tags", keyValues());
    ObjectNode process = props.putObject("process");
    ObjectNode processProps = process.putObject("properties");
    processProps.set("serviceName", keyword());
    processProps.set("tag", type("object"));
    processProps.set("tags", keyValues());
    ObjectNode logs = nested();
    ObjectNode logProps = logs.putObject("properties");
    logProps.set("timestamp", type("long"));
    logProps.set("fields", keyValues());
    props.set("logs", logs);
    props.set("tag", type("object"));
    return m;
  }

  private static ObjectNode dynamicKeyword(String pathMatch) {
    ObjectNode t = JSON.createObjectNode();
    t.set("mapping", keyword());
    t.put("path_match", pathMatch);
    return t;
  }

  private static ObjectNode keyValues() {
    ObjectNode n = nested();
    ObjectNode p = n.putObject("properties");
    p.set("key", keyword());
    p.set("value", keyword());
    p.set("type", keyword());
    return n;
  }

  private static ObjectNode nested() {
    ObjectNode n = type("nested");
    n.put("dynamic", false);
    return n;
  }

  private static ObjectNode keyword() {
    return type("keyword").put("ignore_above", 256);
  }

  private static ObjectNode type(String t) {
    return JSON.createObjectNode().put("type", t);
  }
}
