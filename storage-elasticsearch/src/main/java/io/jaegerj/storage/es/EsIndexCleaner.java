// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code es-index-cleaner NUM_OF_DAYS http://HOST:PORT}: deletes Jaeger indices whose {@code index.creation_date} is
 * older than tomorrow 00:00 UTC minus the given days, never an index holding a write alias.
 */
public final class EsIndexCleaner {
  static final Map<String, String> FLAGS = new LinkedHashMap<>();

  static {
    FLAGS.put("index-prefix", "");
    FLAGS.put("archive", "false");
    FLAGS.put("rollover", "false");
    FLAGS.put("timeout", "120");
    FLAGS.put("index-date-separator", "-");
    FLAGS.put("es.username", "");
    FLAGS.put("es.password", "");
    ToolArgs.addTlsFlags(FLAGS);
  }

  private static final int MAX_URL_LIST = 4000;

  public static void main(String[] argv) {
    try {
      List<String> deleted = run(argv, System.getenv(), Instant.now());
      System.out.println("Deleted " + deleted.size() + " indices");
    } catch (IllegalArgumentException | IllegalStateException | IOException e) {
      // connection failures carry no message; name the exception then
      System.err.println("Error: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
      System.exit(1);
    }
  }

  /** Runs the cleaner and returns the deleted index names. */
  static List<String> run(String[] argv, Map<String, String> env, Instant now) throws IOException {
    ToolArgs a = new ToolArgs(argv, env, FLAGS);
    if (a.positional.size() != 2) {
      throw new IllegalArgumentException("usage: es-index-cleaner NUM_OF_DAYS http://HOSTNAME:PORT");
    }
    int days;
    try {
      days = Integer.parseInt(a.positional.get(0));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("could not parse NUM_OF_DAYS argument: " + a.positional.get(0), e);
    }
    String url = a.positional.get(1);
    url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    int timeout = a.integer("timeout");
    try (EsClient client = new EsClient(List.of(url), a.get("es.username"), a.get("es.password"),
        Duration.ofSeconds(timeout), a.tls())) {
      return clean(client, a, days, now, timeout);
    }
  }

  private static List<String> clean(EsClient client, ToolArgs a, int days, Instant now, int timeout)
      throws IOException {
    String prefix = ToolArgs.prefix(a.get("index-prefix"));
    long cutoff = LocalDate.ofInstant(now, ZoneOffset.UTC).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()
        .minus(Duration.ofDays(days)).toEpochMilli();
    Pattern pattern = pattern(prefix, a.bool("archive"), a.bool("rollover"), a.get("index-date-separator"));
    List<String> writeAliases = new ArrayList<>();
    for (String w : List.of("jaeger-span-write", "jaeger-service-write", "jaeger-span-archive-write",
        "jaeger-dependencies-write", "jaeger-sampling-write")) {
      writeAliases.add(prefix + w);
    }
    List<String> doomed = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : EsRollover.listIndices(client, prefix).entrySet()) {
      if (!pattern.matcher(e.getKey()).lookingAt()) {
        continue;
      }
      boolean writing = false;
      for (String w : writeAliases) {
        writing |= e.getValue().path("aliases").has(w);
      }
      long created = e.getValue().path("settings").path("index.creation_date").asLong(Long.MAX_VALUE);
      if (!writing && created < cutoff) {
        doomed.add(e.getKey());
      }
    }
    List<String> batch = new ArrayList<>();
    int length = 0;
    for (String index : doomed) {
      if (!batch.isEmpty() && length + index.length() + 1 > MAX_URL_LIST) {
        delete(client, batch, timeout);
        batch.clear();
        length = 0;
      }
      batch.add(index);
      length += index.length() + 1;
    }
    if (!batch.isEmpty()) {
      delete(client, batch, timeout);
    }
    return doomed;
  }

  static Pattern pattern(String prefix, boolean archive, boolean rollover, String sep) {
    String p = Pattern.quote(prefix);
    if (archive) {
      return Pattern.compile("^" + p + "jaeger-span-archive-\\d{6}");
    }
    if (rollover) {
      return Pattern.compile("^" + p + "jaeger-(span|service|dependencies|sampling)-\\d{6}");
    }
    // the separator goes into the expression unescaped, as in Jaeger
    return Pattern.compile("^" + p + "jaeger-(span|service|dependencies|sampling)-\\d{4}" + sep + "\\d{2}" + sep
        + "\\d{2}");
  }

  private static void delete(EsClient client, List<String> indices, int timeout) throws IOException {
    client.json("DELETE", "/" + String.join(",", indices) + "?master_timeout=" + timeout
        + "s&ignore_unavailable=true", null);
  }
}
