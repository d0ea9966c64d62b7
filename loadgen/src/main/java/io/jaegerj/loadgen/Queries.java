// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * The query phase: readability check of the latest accepted traces, then trace-by-ID and search latencies, one query
 * at a time (latency to the last byte of the answer; parsing is not timed).
 */
final class Queries {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Queries() {}

  /** Which HTTP query API the server speaks. */
  enum Api {
    /** Jaeger's {@code /api/traces}. */
    JAEGER,
    /** Zipkin's {@code /api/v2/trace} and {@code /api/v2/traces}. */
    ZIPKIN;

    static Api parse(String s) {
      return valueOf(s.toUpperCase(Locale.ROOT));
    }
  }

  /**
   * @param warmupQueries unmeasured queries of each kind before the measured ones; -1 for the default (50 by ID, 20
   *     searches), too few for the JIT to compile the query path, so a cold server's interpreted reads are measured
   * @param warmupTime the unmeasured queries of each kind go on until this much time has passed too
   */
  record Config(String baseUrl, Api api, Workload workload, int checkTraces, Duration checkDeadline,
      int traceQueries, int searchQueries, int searchLimit, long searchStartMicros, long seed, Path samplesFile,
      int warmupQueries, Duration warmupTime) {}

  /**
   * @param checked traces whose span count was checked
   * @param complete of those, traces with every span readable
   * @param missingSpans spans accepted but not readable at the deadline
   */
  record Stats(int checked, int complete, long missingSpans, int traceQueries, double traceP50Millis,
      double traceP99Millis, double traceMaxMillis, int searchQueries, double searchP50Millis, double searchP99Millis,
      double searchMaxMillis, double searchAvgResults, int queryErrors) {}

  static Stats run(Config c, Reservoir reservoir, PrintStream log) throws IOException, InterruptedException {
    try (QueryClient http = new QueryClient(c.baseUrl())) {
      return run(c, reservoir, log, http);
    }
  }

  private static Stats run(Config c, Reservoir reservoir, PrintStream log, QueryClient http) throws IOException,
      InterruptedException {
    String base = c.baseUrl().replaceAll("/+$", "");
    int expected = c.workload().spansPerTrace();
    int[] errors = {0};

    // 1. Readability: poll until every sampled trace has all its spans, or the deadline passes.
    List<String> sample = reservoir.latest(c.checkTraces());
    List<String> pending = new ArrayList<>(sample);
    long missing = 0;
    long deadline = System.nanoTime() + c.checkDeadline().toNanos();
    while (true) {
      List<String> still = new ArrayList<>();
      missing = 0;
      for (String id : pending) {
        int n = spanCount(http, base, c.api(), id, errors);
        if (n < expected) {
          still.add(id);
          missing += expected - Math.max(0, n);
        }
      }
      pending = still;
      if (pending.isEmpty() || System.nanoTime() > deadline) {
        break;
      }
      Thread.sleep(200);
    }
    int complete = sample.size() - pending.size();
    log.printf("check: %d/%d sampled traces complete (%d spans missing)%n", complete, sample.size(), missing);

    // 2. Trace by ID over the recent accepted traces.
    SplittableRandom rnd = new SplittableRandom(c.seed());
    List<String> ids = reservoir.latest(Integer.MAX_VALUE);
    Samples samples = new Samples();
    Latencies byId = new Latencies();
    if (!ids.isEmpty()) {
      warmUp(c, Math.min(50, c.traceQueries()), () -> traceUrl(base, c.api(), ids.get(rnd.nextInt(ids.size()))),
          http, errors);
    }
    for (int i = 0; i < c.traceQueries() && !ids.isEmpty(); i++) {
      String id = ids.get(rnd.nextInt(ids.size()));
      long t0 = System.nanoTime();
      QueryClient.Answer r = get(http, traceUrl(base, c.api(), id));
      long t1 = System.nanoTime();
      if (r == null || r.status() != 200) {
        errors[0]++;
      } else {
        byId.record(t1 - t0);
        samples.add("trace", t0, t1);
      }
    }

    // 3. Search: service + tag, limit 20.
    Latencies search = new Latencies();
    long results = 0;
    int counted = 0;
    warmUp(c, Math.min(20, c.searchQueries()), () -> searchUrl(base, c,
        Workload.serviceName(rnd.nextInt(c.workload().services())),
        c.workload().customer(rnd.nextInt(c.workload().customers()))), http, errors);
    for (int i = 0; i < c.searchQueries(); i++) {
      String svc = Workload.serviceName(rnd.nextInt(c.workload().services()));
      String customer = c.workload().customer(rnd.nextInt(c.workload().customers()));
      String url = searchUrl(base, c, svc, customer);
      long t0 = System.nanoTime();
      QueryClient.Answer r = get(http, url);
      long t1 = System.nanoTime();
      if (r == null || r.status() != 200) {
        errors[0]++;
        continue;
      }
      search.record(t1 - t0);
      samples.add("search", t0, t1);
      JsonNode root = JSON.readTree(r.body());
      JsonNode list = c.api() == Api.JAEGER ? root.path("data") : root;
      results += list.size();
      counted++;
    }
    if (c.samplesFile() != null) {
      samples.write(c.samplesFile());
    }
    return new Stats(sample.size(), complete, missing, byId.count(), byId.percentileMillis(50),
        byId.percentileMillis(99), byId.maxMillis(), search.count(), search.percentileMillis(50),
        search.percentileMillis(99), search.maxMillis(), counted == 0 ? 0 : (double) results / counted, errors[0]);
  }

  private static String traceUrl(String base, Api api, String id) {
    return api == Api.JAEGER ? base + "/api/traces/" + id : base + "/api/v2/trace/" + id;
  }

  private static String searchUrl(String base, Config c, String svc, String customer) {
    long endMicros = System.currentTimeMillis() * 1000 + 60_000_000L;
    if (c.api() == Api.JAEGER) {
      String tags = "{\"" + Workload.SEARCH_TAG + "\":\"" + customer + "\"}";
      return base + "/api/traces?service=" + enc(svc) + "&tags=" + enc(tags) + "&limit=" + c.searchLimit()
          + "&start=" + c.searchStartMicros() + "&end=" + endMicros;
    }
    long endMs = endMicros / 1000;
    long lookback = endMs - c.searchStartMicros() / 1000;
    return base + "/api/v2/traces?serviceName=" + enc(svc) + "&annotationQuery="
        + enc(Workload.SEARCH_TAG + "=" + customer) + "&limit=" + c.searchLimit() + "&endTs=" + endMs
        + "&lookback=" + lookback;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** Spans of the trace as the server returns them; 0 when not found, -1 on error. */
  private static int spanCount(QueryClient http, String base, Api api, String id, int[] errors) throws IOException,
      InterruptedException {
    QueryClient.Answer r = get(http, traceUrl(base, api, id));
    if (r == null) {
      errors[0]++;
      return -1;
    }
    if (r.status() == 404) {
      return 0;
    }
    if (r.status() != 200) {
      errors[0]++;
      return -1;
    }
    JsonNode root = JSON.readTree(r.body());
    if (api == Api.JAEGER) {
      JsonNode data = root.path("data");
      return data.size() == 0 ? 0 : data.get(0).path("spans").size();
    }
    return root.size();
  }

  /**
   * Unmeasured queries of one kind: {@code warmupQueries} of them ({@code defaultCount} when -1), and then more until
   * {@code warmupTime} has passed since the first.
   */
  private static void warmUp(Config c, int defaultCount, Supplier<String> nextUrl,
      QueryClient http, int[] errors) {
    int count = c.warmupQueries() >= 0 ? c.warmupQueries() : defaultCount;
    long until = System.nanoTime() + c.warmupTime().toNanos();
    for (int i = 0; i < count || System.nanoTime() < until; i++) {
      QueryClient.Answer r = get(http, nextUrl.get());
      if (r == null || r.status() != 200) {
        errors[0]++;
      }
    }
  }

  private static QueryClient.Answer get(QueryClient http, String url) {
    return http.get(url);
  }

  /**
   * Every measured query with its wall-clock start, so that slow samples can be matched with the server's GC log:
   * one line {@code kind start_epoch_micros latency_micros} each.
   */
  private static final class Samples {
    private final long epochMicrosAtNanoZero = System.currentTimeMillis() * 1000 - System.nanoTime() / 1000;
    private final StringBuilder lines = new StringBuilder();

    void add(String kind, long startNanos, long endNanos) {
      lines.append(kind).append(' ').append(epochMicrosAtNanoZero + startNanos / 1000).append(' ')
          .append((endNanos - startNanos) / 1000).append('\n');
    }

    void write(Path file) throws IOException {
      Files.writeString(file, lines);
    }
  }
}
