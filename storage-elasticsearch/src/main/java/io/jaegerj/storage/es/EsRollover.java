// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code es-rollover {init|rollover|lookback} http://HOST:PORT}: manages Jaeger's rollover indices
 * ({@code <P>jaeger-span-000001}) and their {@code -read} / {@code -write} aliases, with Jaeger's flags and
 * environment variables.
 */
public final class EsRollover {
  static final Map<String, String> FLAGS = new LinkedHashMap<>();

  static {
    FLAGS.put("index-prefix", "");
    FLAGS.put("archive", "false");
    FLAGS.put("es.username", "");
    FLAGS.put("es.password", "");
    ToolArgs.addTlsFlags(FLAGS);
    FLAGS.put("es.use-ilm", "false");
    FLAGS.put("es.ilm-policy-name", "jaeger-ilm-policy");
    FLAGS.put("timeout", "120");
    FLAGS.put("skip-dependencies", "false");
    FLAGS.put("adaptive-sampling", "false");
    FLAGS.put("shards", "5");
    FLAGS.put("replicas", "1");
    FLAGS.put("priority-span-template", "0");
    FLAGS.put("priority-service-template", "0");
    FLAGS.put("priority-dependencies-template", "0");
    FLAGS.put("priority-sampling-template", "0");
    FLAGS.put("conditions", "{\"max_age\": \"2d\"}");
    FLAGS.put("unit", "days");
    FLAGS.put("unit-count", "1");
  }

  /** One rollover family, e.g. {@code jaeger-span}, with the template it uses. */
  record IndexSet(String name, Templates.Kind kind, String priorityFlag) {}

  private final ToolArgs args;
  private final EsClient client;
  private final String prefix;
  private final ZoneId zone;

  EsRollover(ToolArgs args, ZoneId zone) {
    this.args = args;
    this.zone = zone;
    this.prefix = ToolArgs.prefix(args.get("index-prefix"));
    this.client = new EsClient(List.of(trimSlash(args.positional.get(1))), args.get("es.username"),
        args.get("es.password"), Duration.ofSeconds(args.integer("timeout")), args.tls());
  }

  public static void main(String[] argv) {
    try {
      run(argv, System.getenv(), ZoneId.systemDefault());
    } catch (IllegalArgumentException | IllegalStateException | IOException e) {
      // connection failures carry no message; name the exception then
      System.err.println("Error: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
      System.exit(1);
    }
  }

  static void run(String[] argv, Map<String, String> env, ZoneId zone) throws IOException {
    ToolArgs a = new ToolArgs(argv, env, FLAGS);
    if (a.positional.size() != 2 || !List.of("init", "rollover", "lookback").contains(a.positional.get(0))) {
      throw new IllegalArgumentException("usage: es-rollover {init|rollover|lookback} http://HOSTNAME:PORT");
    }
    EsRollover r = new EsRollover(a, zone);
    try {
      switch (a.positional.get(0)) {
        case "init" -> r.init();
        case "rollover" -> r.rollover();
        default -> r.lookback();
      }
    } finally {
      r.client.close();
    }
  }

  private static String trimSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  List<IndexSet> indexSets() {
    if (args.bool("archive")) {
      return List.of(new IndexSet(prefix + "jaeger-span-archive", Templates.Kind.SPAN, "priority-span-template"));
    }
    List<IndexSet> sets = new ArrayList<>();
    sets.add(new IndexSet(prefix + "jaeger-span", Templates.Kind.SPAN, "priority-span-template"));
    sets.add(new IndexSet(prefix + "jaeger-service", Templates.Kind.SERVICE, "priority-service-template"));
    if (!args.bool("skip-dependencies")) {
      sets.add(new IndexSet(prefix + "jaeger-dependencies", Templates.Kind.DEPENDENCIES,
          "priority-dependencies-template"));
    }
    if (args.bool("adaptive-sampling")) {
      sets.add(new IndexSet(prefix + "jaeger-sampling", Templates.Kind.SAMPLING, "priority-sampling-template"));
    }
    return sets;
  }

  /** Major version from {@code version.number} up to the first dot; OpenSearch counts as 7. */
  int version() throws IOException {
    JsonNode root = client.json("GET", "/", null);
    String number = root.path("version").path("number").asText("");
    int dot = number.indexOf('.');
    int major = Integer.parseInt(dot < 0 ? number : number.substring(0, dot));
    if (root.path("tagline").asText("").contains("OpenSearch") && major >= 1 && major <= 3) {
      return 7;
    }
    return major;
  }

  void init() throws IOException {
    int version = version();
    boolean ilm = args.bool("es.use-ilm");
    String policy = args.get("es.ilm-policy-name");
    if (ilm) {
      if (version < 7) {
        throw new IllegalStateException("ILM is supported only for ES version 7+");
      }
      EsClient.Response r = client.send("GET", "/_ilm/policy/" + policy, null, "application/json");
      if (r.status() == 404) {
        throw new IllegalStateException("ILM policy " + policy
            + " doesn't exist in Elasticsearch. Please create it and re-run init");
      }
      if (r.status() >= 300) {
        throw new EsClient.EsException("GET", "/_ilm/policy/" + policy, r.status(), r.text());
      }
    }
    for (IndexSet set : indexSets()) {
      Templates.Params p = new Templates.Params(version, prefix, args.integer("shards"), args.integer("replicas"),
          args.integer(set.priorityFlag()));
      ObjectNode body = Templates.body(set.kind(), p);
      if (ilm) {
        ObjectNode holder = version >= 8 ? (ObjectNode) body.path("template") : body;
        ((ObjectNode) holder.path("settings")).put("index.lifecycle.name", policy)
            .put("index.lifecycle.rollover_alias", prefix + set.kind().base + "-write");
        ObjectNode aliases = holder.has("aliases") ? (ObjectNode) holder.get("aliases") : holder.putObject("aliases");
        aliases.putObject(prefix + set.kind().base + "-read");
      }
      client.json("PUT", (version >= 8 ? "/_index_template/" : "/_template/") + prefix + set.kind().base, body);
      String first = set.name() + "-000001";
      if (client.send("HEAD", "/" + first, null, "application/json").status() == 404) {
        client.json("PUT", "/" + first, null);
      }
      Map<String, JsonNode> indices = listIndices();
      ArrayNode actions = EsClient.JSON.createArrayNode();
      if (indicesWithAlias(indices, set.name() + "-read").isEmpty()) {
        ObjectNode add = actions.addObject().putObject("add");
        add.put("index", first).put("alias", set.name() + "-read");
      }
      if (indicesWithAlias(indices, set.name() + "-write").isEmpty()) {
        ObjectNode add = actions.addObject().putObject("add");
        add.put("index", first).put("alias", set.name() + "-write");
        if (ilm) {
          // only sent when true: an explicit false would leave the alias without a write index for _rollover
          add.put("is_write_index", true);
        }
      }
      if (!actions.isEmpty()) {
        ObjectNode body2 = EsClient.JSON.createObjectNode();
        body2.set("actions", actions);
        client.json("POST", "/_aliases", body2);
      }
    }
  }

  void rollover() throws IOException {
    String conditions = args.get("conditions");
    for (IndexSet set : indexSets()) {
      ObjectNode body = EsClient.JSON.createObjectNode();
      if (!conditions.isBlank()) {
        body.set("conditions", EsClient.JSON.readTree(conditions));
      }
      client.json("POST", "/" + set.name() + "-write/_rollover/", body);
      Map<String, JsonNode> indices = listIndices();
      ArrayNode actions = EsClient.JSON.createArrayNode();
      for (String index : indicesWithAlias(indices, set.name() + "-write")) {
        if (!indices.get(index).path("aliases").has(set.name() + "-read")) {
          actions.addObject().putObject("add").put("index", index).put("alias", set.name() + "-read");
        }
      }
      postAliases(actions);
    }
  }

  void lookback() throws IOException {
    long reference = referenceMillis(args.get("unit"), args.integer("unit-count"), ZonedDateTime.now(zone));
    for (IndexSet set : indexSets()) {
      Map<String, JsonNode> indices = listIndices();
      ArrayNode actions = EsClient.JSON.createArrayNode();
      for (String index : indicesWithAlias(indices, set.name() + "-read")) {
        JsonNode info = indices.get(index);
        if (info.path("aliases").has(set.name() + "-write")) {
          continue;
        }
        long created = info.path("settings").path("index.creation_date").asLong();
        if (created < reference) {
          actions.addObject().putObject("remove").put("index", index).put("alias", set.name() + "-read");
        }
      }
      postAliases(actions);
    }
  }

  /** Jaeger's lookback reference time for a unit and count, in the process's time zone. */
  static long referenceMillis(String unit, int count, ZonedDateTime now) {
    ZonedDateTime tomorrow = now.toLocalDate().plusDays(1).atStartOfDay(now.getZone());
    ZonedDateTime today = LocalDate.from(now).atStartOfDay(now.getZone());
    ZonedDateTime ref = switch (unit) {
      case "minutes" -> now.truncatedTo(ChronoUnit.MINUTES).minusMinutes(count);
      case "hours" -> now.truncatedTo(ChronoUnit.HOURS).minusHours(count);
      case "days" -> tomorrow.minusDays(count);
      case "weeks" -> tomorrow.minusDays(7L * count);
      case "months" -> today.minusMonths(count);
      case "years" -> today.minusYears(count);
      default -> now.truncatedTo(ChronoUnit.SECONDS).minusSeconds(count);
    };
    return ref.toInstant().toEpochMilli();
  }

  private void postAliases(ArrayNode actions) throws IOException {
    if (actions.isEmpty()) {
      return;
    }
    ObjectNode body = EsClient.JSON.createObjectNode();
    body.set("actions", actions);
    client.json("POST", "/_aliases", body);
  }

  Map<String, JsonNode> listIndices() throws IOException {
    return listIndices(client, prefix);
  }

  static Map<String, JsonNode> listIndices(EsClient client, String prefix) throws IOException {
    JsonNode r = client.json("GET", "/" + prefix + "jaeger-*?flat_settings=true&filter_path=*.aliases,*.settings",
        null);
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = r.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }

  static List<String> indicesWithAlias(Map<String, JsonNode> indices, String alias) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : indices.entrySet()) {
      if (e.getValue().path("aliases").has(alias)) {
        out.add(e.getKey());
      }
    }
    return out;
  }
}
