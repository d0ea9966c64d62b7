// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.loadgen;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar loadgen.jar}: sends realistic traces at full speed over one protocol, then measures queries. Prints
 * a human report and one {@code RESULT key=value ...} line for scripts.
 */
@Command(name = "loadgen", mixinStandardHelpOptions = true,
    description = "End-to-end load generator for jaegerj (and Zipkin, for comparison).")
public final class LoadGen implements Callable<Integer> {
  @Option(names = "--protocol", defaultValue = "otlp-http",
      description = "otlp-grpc, otlp-http, jaeger-thrift or zipkin-json (default: ${DEFAULT-VALUE})")
  String protocol;

  @Option(names = "--endpoint", description = "ingest URL (host:port for gRPC); default: Jaeger's port for the protocol")
  String endpoint;

  @Option(names = "--query-endpoint", defaultValue = "http://127.0.0.1:16686",
      description = "query base URL (default: ${DEFAULT-VALUE})")
  String queryEndpoint;

  @Option(names = "--query-api", defaultValue = "jaeger", description = "jaeger or zipkin (default: ${DEFAULT-VALUE})")
  String queryApi;

  @Option(names = "--duration", defaultValue = "30", description = "measured seconds of ingest (default: ${DEFAULT-VALUE})")
  int durationSeconds;

  @Option(names = "--warmup", defaultValue = "5", description = "seconds sent before measuring (default: ${DEFAULT-VALUE})")
  int warmupSeconds;

  @Option(names = "--spans", defaultValue = "0",
      description = "stop after sending this many spans instead of after --duration (0: off)")
  long maxSpans;

  @Option(names = "--inflight", defaultValue = "16", description = "maximum outstanding requests (default: ${DEFAULT-VALUE})")
  int inflight;

  @Option(names = "--reject-backoff-ms", defaultValue = "10",
      description = "after a 429/503 answer, wait this long before reusing the slot, doubled for each refusal in a "
          + "row up to 16 times (default: ${DEFAULT-VALUE})")
  int rejectBackoffMillis;

  @Option(names = "--rate", defaultValue = "0",
      description = "offered spans/s at a fixed rate (refused requests are not re-sent); 0 = as fast as the "
          + "in-flight limit allows (default: ${DEFAULT-VALUE})")
  double rate;

  @Option(names = "--connections", defaultValue = "2", description = "gRPC channels (default: ${DEFAULT-VALUE})")
  int connections;

  @Option(names = "--services", defaultValue = "10")
  int services;

  @Option(names = "--operations", defaultValue = "20", description = "operations per service")
  int operations;

  @Option(names = "--spans-per-trace", defaultValue = "10")
  int spansPerTrace;

  @Option(names = "--attributes", defaultValue = "10", description = "attributes per span")
  int attributes;

  @Option(names = "--events", defaultValue = "1", description = "events per span")
  int events;

  @Option(names = "--traces-per-request", defaultValue = "20")
  int tracesPerRequest;

  @Option(names = "--customers", defaultValue = "100", description = "cardinality of the searched tag")
  int customers;

  @Option(names = "--templates", defaultValue = "16", description = "distinct pre-encoded request shapes")
  int templates;

  @Option(names = "--seed", defaultValue = "42")
  long seed;

  @Option(names = "--check-traces", defaultValue = "500", description = "latest accepted traces whose spans are counted")
  int checkTraces;

  @Option(names = "--check-deadline", defaultValue = "20", description = "seconds to wait for sampled traces")
  int checkDeadlineSeconds;

  @Option(names = "--trace-queries", defaultValue = "1000")
  int traceQueries;

  @Option(names = "--search-queries", defaultValue = "200")
  int searchQueries;

  @Option(names = "--query-warmup", defaultValue = "-1", description = "unmeasured queries of each kind before "
      + "the measured ones (default: 50 by ID, 20 searches)")
  int queryWarmup;

  @Option(names = "--query-warmup-seconds", defaultValue = "0", description = "keep each kind's unmeasured queries "
      + "going for at least this long (a count alone can end while the JIT is still compiling the read path)")
  int queryWarmupSeconds;

  @Option(names = "--search-limit", defaultValue = "20")
  int searchLimit;

  @Option(names = "--query-samples", description = "file to write every measured query to (kind, start epoch "
      + "microseconds, latency microseconds), to match slow samples with a GC log")
  java.nio.file.Path querySamples;

  @Option(names = "--reservoir", defaultValue = "10000", description = "recent accepted trace IDs kept for queries")
  int reservoirSize;

  /** Everything measured in one run. */
  public record Report(Protocol protocol, Ingest.Stats ingest, Queries.Stats queries) {
    /** One line of {@code key=value} pairs. */
    public String resultLine() {
      StringBuilder b = new StringBuilder("RESULT");
      add(b, "protocol", protocol.cliName());
      add(b, "seconds", ingest.seconds());
      add(b, "spans_per_sec", ingest.spansPerSecond());
      add(b, "min_1s_spans", ingest.minSecondRate());
      add(b, "max_1s_spans", ingest.maxSecondRate());
      add(b, "accepted_spans_total", ingest.totalAcceptedSpans());
      add(b, "accepted_requests", ingest.acceptedRequests());
      add(b, "rejected_requests", ingest.rejectedRequests());
      add(b, "rejected_spans", ingest.rejectedSpans());
      add(b, "error_requests", ingest.errorRequests());
      add(b, "req_p50_ms", ingest.p50Millis());
      add(b, "req_p99_ms", ingest.p99Millis());
      add(b, "generator_cpu_s", ingest.generatorCpuSeconds());
      if (queries != null) {
        add(b, "checked_traces", queries.checked());
        add(b, "complete_traces", queries.complete());
        add(b, "missing_spans", queries.missingSpans());
        add(b, "trace_p50_ms", queries.traceP50Millis());
        add(b, "trace_p99_ms", queries.traceP99Millis());
        add(b, "search_p50_ms", queries.searchP50Millis());
        add(b, "search_p99_ms", queries.searchP99Millis());
        add(b, "search_avg_results", queries.searchAvgResults());
        add(b, "query_errors", queries.queryErrors());
      }
      return b.toString();
    }

    private static void add(StringBuilder b, String k, Object v) {
      b.append(' ').append(k).append('=');
      if (v instanceof Double) {
        b.append(String.format(Locale.ROOT, "%.3f", (Double) v));
      } else {
        b.append(v);
      }
    }
  }

  @Override
  public Integer call() throws Exception {
    Report r = run(System.out);
    System.out.println(r.resultLine());
    return r.ingest().errorRequests() == 0 && (r.queries() == null || r.queries().missingSpans() == 0) ? 0 : 2;
  }

  /** Runs both phases, printing progress to {@code log}. */
  public Report run(PrintStream log) throws Exception {
    Protocol p = Protocol.parse(protocol);
    Workload w = new Workload(services, operations, spansPerTrace, attributes, events, tracesPerRequest, customers);
    Reservoir reservoir = new Reservoir(reservoirSize);
    long startMicros = System.currentTimeMillis() * 1000;
    Ingest.Stats in = Ingest.run(new Ingest.Config(p, endpoint == null ? p.defaultEndpoint() : endpoint, w, inflight,
        connections, Duration.ofSeconds(warmupSeconds), Duration.ofSeconds(durationSeconds), maxSpans, templates,
        seed, Duration.ofMillis(rejectBackoffMillis), rate), reservoir, log);
    log.printf(Locale.ROOT, "ingest: %.0f spans/s over %.1fs (1s min %d, max %d); accepted %d spans in %d requests, "
            + "rejected %d requests (%d spans), errors %d; request p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
        in.spansPerSecond(), in.seconds(), in.minSecondRate(), in.maxSecondRate(), in.totalAcceptedSpans(),
        in.acceptedRequests(), in.rejectedRequests(), in.rejectedSpans(), in.errorRequests(), in.p50Millis(),
        in.p99Millis(), in.maxMillis());
    log.printf(Locale.ROOT, "ingest: the generator itself used %.1f s of CPU%n", in.generatorCpuSeconds());
    if (!in.errorSamples().isEmpty()) {
      log.println("ingest: first errors: " + in.errorSamples());
    }
    Queries.Stats q = null;
    if (checkTraces > 0 || traceQueries > 0 || searchQueries > 0) {
      q = Queries.run(new Queries.Config(queryEndpoint, Queries.Api.parse(queryApi), w, checkTraces,
          Duration.ofSeconds(checkDeadlineSeconds), traceQueries, searchQueries, searchLimit,
          startMicros - 60_000_000L, seed, querySamples, queryWarmup,
          Duration.ofSeconds(queryWarmupSeconds)), reservoir, log);
      log.printf(Locale.ROOT, "query: trace by ID p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d); search p50 %.2f ms, "
              + "p99 %.2f ms, max %.2f ms (%d, %.1f traces each); errors %d%n",
          q.traceP50Millis(), q.traceP99Millis(), q.traceMaxMillis(), q.traceQueries(), q.searchP50Millis(),
          q.searchP99Millis(), q.searchMaxMillis(), q.searchQueries(), q.searchAvgResults(), q.queryErrors());
    }
    return new Report(p, in, q);
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new LoadGen()).execute(args));
  }
}
