// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.bench;

import com.sun.management.OperatingSystemMXBean;
import io.jaegerj.config.Settings;
import io.jaegerj.model.Span;
import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import io.jaegerj.storage.GetTraceQuery;
import io.jaegerj.storage.SpanReader;
import io.jaegerj.storage.StorageContext;
import io.jaegerj.storage.StorageFactory;
import io.jaegerj.storage.StorageProvider;
import io.jaegerj.storage.StorageRegistry;
import io.jaegerj.storage.TraceQuery;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;

/**
 * Write throughput, trace-by-ID latency, search latency and footprint (disk bytes per span for badger, heap bytes per
 * span for memory) of span storage backends, as a plain timed main.
 *
 * <p>Usage: {@code StorageBenchmark [--spans=1000000] [--backends=memory,badger] [--dir=<tmp>] [--batch=100]
 * [--concurrency=1] [--server-pid=PID] [--<storage flag>=<value> ...]}. Prints one Markdown table row per backend.
 * Single writer thread, batches of whole traces, at most {@code concurrency} batches outstanding (the collector keeps
 * up to {@code collector.num-workers}); reads run after all writes on a quiet store. Options whose name contains a dot
 * are storage flags (e.g. {@code --cassandra.port=9042}); {@code --server-pid} names a storage server process whose
 * CPU time during the writes is reported per span too.
 */
public final class StorageBenchmark {
  private static final int GET_TRACE_SAMPLES = 2_000;
  private static final int SEARCH_SAMPLES = 100;

  private StorageBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      opts.put(a.substring(2, eq < 0 ? a.length() : eq), eq < 0 ? "true" : a.substring(eq + 1));
    }
    long spans = Long.parseLong(opts.getOrDefault("spans", "1000000"));
    int batch = Integer.parseInt(opts.getOrDefault("batch", "100"));
    int concurrency = Integer.parseInt(opts.getOrDefault("concurrency", "1"));
    long serverPid = Long.parseLong(opts.getOrDefault("server-pid", "0"));
    Map<String, String> flags = new HashMap<>();
    opts.forEach((k, v) -> {
      if (k.contains(".")) {
        flags.put(k, v);
      }
    });
    List<String> backends = List.of(opts.getOrDefault("backends", "memory,badger").split(","));
    boolean ownDir = !opts.containsKey("dir");
    Path dir = ownDir ? Files.createTempDirectory("storage-bench") : Paths.get(opts.get("dir"));
    long traces = spans / SyntheticTraces.SPANS_PER_TRACE;
    long end = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
    SyntheticTraces gen = new SyntheticTraces(end, 42);

    System.out.printf(Locale.ROOT, "# %d spans (%d traces), batch %d spans, %d outstanding, JVM %s, %d CPUs%n",
        traces * SyntheticTraces.SPANS_PER_TRACE, traces, batch, concurrency, Runtime.version(),
        Runtime.getRuntime().availableProcessors());
    System.out.println("| backend | write spans/s | write CPU µs/span (writer thread / process) | getTrace p50 / p99 ms | search p50 / p99 ms (service; +op; +tag;"
        + " +duration) | dependencies 1h / 10min ms | footprint bytes/span | reopen s |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    try {
      for (String backend : backends) {
        System.out.println(run(backend, gen, traces, batch, concurrency, serverPid, flags, dir.resolve(backend),
            end));
      }
    } finally {
      if (ownDir) {
        deleteRecursively(dir);
      }
    }
  }

  private static void deleteRecursively(Path root) throws IOException {
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
        Files.delete(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private static String run(String backend, SyntheticTraces gen, long traces, int batch, int concurrency,
      long serverPid, Map<String, String> flags, Path dir, long end) throws Exception {
    StorageProvider provider = StorageRegistry.load(StorageBenchmark.class.getClassLoader()).provider(backend);
    Map<String, String> overrides = new HashMap<>(flags);
    if (backend.equals("badger")) {
      overrides.put("badger.ephemeral", "false");
      overrides.put("badger.directory-key", dir.resolve("keys").toString());
      overrides.put("badger.directory-value", dir.resolve("values").toString());
    }
    Settings settings = Settings.defaults(provider.flags(), overrides);
    StorageContext context = new StorageContext(new SimpleMeterRegistry(), Clock.systemUTC());
    long heapBefore = usedHeapAfterGc();

    StorageFactory f = provider.open(backend, settings, context);
    int tracesPerBatch = Math.max(1, batch / SyntheticTraces.SPANS_PER_TRACE);
    long t0 = System.nanoTime();
    long cpu0 = processCpuNanos();
    long threadCpu0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    long serverCpu0 = serverCpuNanos(serverPid);
    List<Span> pending = new ArrayList<>(batch);
    Semaphore outstanding = new Semaphore(concurrency);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    for (long i = 0; i < traces && failure.get() == null; i++) {
      pending.addAll(gen.trace(i));
      if ((i + 1) % tracesPerBatch == 0 || i == traces - 1) {
        outstanding.acquire();
        f.spanWriter().write("", pending).whenComplete((v, e) -> {
          if (e != null) {
            failure.compareAndSet(null, e);
          }
          outstanding.release();
        });
        pending = new ArrayList<>(batch);
      }
    }
    outstanding.acquire(concurrency);
    if (failure.get() != null) {
      throw new IllegalStateException("write failed", failure.get());
    }
    double serverCpuMicros = (serverCpuNanos(serverPid) - serverCpu0) / 1e3
        / (traces * SyntheticTraces.SPANS_PER_TRACE);
    double writeSeconds = (System.nanoTime() - t0) / 1e9;
    long spanCount = traces * SyntheticTraces.SPANS_PER_TRACE;
    double writeCpuMicros = (processCpuNanos() - cpu0) / 1e3 / spanCount;
    double writerThreadCpuMicros =
        (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - threadCpu0) / 1e3 / spanCount;

    String footprint;
    double reopenSeconds = Double.NaN;
    if (backend.equals("badger")) {
      f.close();
      long r0 = System.nanoTime();
      f = provider.open(backend, settings, context);
      reopenSeconds = (System.nanoTime() - r0) / 1e9;
      footprint = String.format(Locale.ROOT, "%.0f (disk)", (double) directorySize(dir) / spanCount);
    } else if (backend.equals("cassandra")) {
      footprint = "-";
    } else {
      long heapAfter = usedHeapAfterGc();
      footprint = String.format(Locale.ROOT, "%.0f (heap)", (double) (heapAfter - heapBefore) / spanCount);
    }

    SpanReader reader = f.spanReader();
    SplittableRandom r = new SplittableRandom(7);
    double[] getTrace = latencies(GET_TRACE_SAMPLES, k -> {
      TraceId id = gen.traceId(r.nextLong(traces));
      Trace t = reader.getTrace(GetTraceQuery.of(id)).orElseThrow();
      return t.spans().size();
    });
    long min = end - SyntheticTraces.WINDOW_MICROS;
    List<LongFunction<TraceQuery>> shapes = List.of(
        k -> base(r.nextInt(SyntheticTraces.SERVICES), min, end).build(),
        k -> {
          int s = r.nextInt(SyntheticTraces.SERVICES);
          return base(s, min, end).operationName(SyntheticTraces.operation(s, r.nextInt(SyntheticTraces.OPERATIONS)))
              .build();
        },
        k -> base(r.nextInt(SyntheticTraces.SERVICES), min, end).tag("http.status_code", "500").build(),
        k -> base(r.nextInt(SyntheticTraces.SERVICES), min, end).durationMinMicros(1_000_000).build());
    StringBuilder search = new StringBuilder();
    for (LongFunction<TraceQuery> shape : shapes) {
      double[] l = latencies(SEARCH_SAMPLES, k -> reader.findTraces(shape.apply(k)).size());
      search.append(search.length() == 0 ? "" : "; ").append(String.format(Locale.ROOT, "%.1f / %.1f", l[0], l[1]));
    }
    long d0 = System.nanoTime();
    int hourLinks = f.dependencyReader().getDependencies("", end, SyntheticTraces.WINDOW_MICROS).size();
    double depsHour = (System.nanoTime() - d0) / 1e6;
    d0 = System.nanoTime();
    int tenMinuteLinks = f.dependencyReader().getDependencies("", end, SyntheticTraces.WINDOW_MICROS / 6).size();
    double depsTenMinutes = (System.nanoTime() - d0) / 1e6;
    // Cassandra's dependencies_v2 rows come from the spark-dependencies job, not from spans
    if ((hourLinks == 0 || tenMinuteLinks == 0) && !backend.equals("cassandra")) {
      throw new IllegalStateException("no dependency links found");
    }
    f.close();
    return String.format(Locale.ROOT, "| %s | %,.0f | %.1f / %.1f%s | %.2f / %.2f | %s | %.0f / %.0f | %s | %s |",
        backend,
        spanCount / writeSeconds, writerThreadCpuMicros, writeCpuMicros,
        serverPid == 0 ? "" : String.format(Locale.ROOT, " (server %.1f)", serverCpuMicros),
        getTrace[0], getTrace[1], search,
        depsHour, depsTenMinutes, footprint,
        Double.isNaN(reopenSeconds) ? "-" : String.format(Locale.ROOT, "%.1f", reopenSeconds));
  }

  private static TraceQuery.Builder base(int service, long min, long max) {
    return TraceQuery.builder(SyntheticTraces.service(service)).startTimeMinMicros(min).startTimeMaxMicros(max)
        .numTraces(20);
  }

  /** p50 and p99 in milliseconds of {@code n} calls, after {@code n / 10} warm-up calls. */
  private static double[] latencies(int n, LongFunction<Integer> call) {
    long sink = 0;
    for (int i = 0; i < n / 10; i++) {
      sink += call.apply(i);
    }
    long[] nanos = new long[n];
    for (int i = 0; i < n; i++) {
      long s = System.nanoTime();
      sink += call.apply(i);
      nanos[i] = System.nanoTime() - s;
    }
    if (sink == Long.MIN_VALUE) {
      System.out.println(sink);
    }
    Arrays.sort(nanos);
    return new double[] {nanos[n / 2] / 1e6, nanos[Math.min(n - 1, (int) (n * 0.99))] / 1e6};
  }

  /** CPU time of the whole process (all threads, including storage background threads and GC). */
  private static long processCpuNanos() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** User + system CPU of another process from /proc (Linux), 0 when {@code pid} is 0. */
  private static long serverCpuNanos(long pid) throws IOException {
    if (pid == 0) {
      return 0;
    }
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // fields 14 and 15 of stat (utime, stime) are 11 and 12 after the command name, in clock ticks (100 Hz)
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  static long directorySize(Path root) throws IOException {
    long[] total = {0};
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        total[0] += attrs.size();
        return FileVisitResult.CONTINUE;
      }
    });
    return total[0];
  }
}
