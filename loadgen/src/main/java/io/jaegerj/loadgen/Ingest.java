// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.loadgen;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The ingest phase: request units at full speed, or paced at a fixed offered rate ({@code rate} spans/s, 0 = full
 * speed), at most {@code inflight} requests outstanding.
 */
final class Ingest {
  private Ingest() {}

  record Config(Protocol protocol, String endpoint, Workload workload, int inflight, int connections,
      Duration warmup, Duration duration, long maxSpans, int templates, long seed, Duration rejectBackoff,
      double rate) {
    Config(Protocol protocol, String endpoint, Workload workload, int inflight, int connections, Duration warmup,
        Duration duration, long maxSpans, int templates, long seed, Duration rejectBackoff) {
      this(protocol, endpoint, workload, inflight, connections, warmup, duration, maxSpans, templates, seed,
          rejectBackoff, 0);
    }
  }

  /**
   * Figures over the measurement window (after warm-up).
   *
   * @param seconds length of the measurement window
   * @param acceptedSpans spans accepted in the window
   * @param minSecondRate lowest accepted spans in any full second of the window
   */
  record Stats(double seconds, long acceptedSpans, double spansPerSecond, long minSecondRate, long maxSecondRate,
      long totalAcceptedSpans, long acceptedRequests, long rejectedRequests, long rejectedSpans, long errorRequests,
      double p50Millis, double p99Millis, double maxMillis, Set<String> errorSamples, double generatorCpuSeconds) {}

  /** CPU time this JVM has used so far, in seconds (NaN where the platform does not say). */
  static double processCpuSeconds() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean) {
      return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() / 1e9;
    }
    return Double.NaN;
  }

  static Stats run(Config c, Reservoir reservoir, PrintStream log) throws InterruptedException {
    SplittableRandom rnd = new SplittableRandom(c.seed());
    long baseMicros = System.currentTimeMillis() * 1000;
    Template[] templates = new Template[Math.max(1, c.templates())];
    for (int i = 0; i < templates.length; i++) {
      templates[i] = Encoders.template(c.protocol(), c.workload(), rnd, baseMicros);
    }
    log.printf("ingest: %s -> %s, %d spans/unit in %d request(s), in-flight %d, warm-up %ss, %s%n",
        c.protocol(), c.endpoint(), c.workload().spansPerRequest(), templates[0].bodyCount(), c.inflight(),
        c.warmup().toSeconds(), c.maxSpans() > 0 ? "until " + c.maxSpans() + " spans"
            : "for " + c.duration().toSeconds() + "s");
    double cpuStart = processCpuSeconds();
    long epochMillisAtNanoZero = System.currentTimeMillis() - System.nanoTime() / 1_000_000;
    long start = System.nanoTime();
    long measureStart = start + c.warmup().toNanos();
    long end = c.maxSpans() > 0 ? Long.MAX_VALUE : measureStart + c.duration().toNanos();
    int buckets = c.maxSpans() > 0 ? 3600 : (int) c.duration().toSeconds() + 2;
    AtomicLongArray perSecond = new AtomicLongArray(buckets);
    LongAdder accepted = new LongAdder();
    LongAdder acceptedTotal = new LongAdder();
    LongAdder acceptedReq = new LongAdder();
    LongAdder rejectedReq = new LongAdder();
    LongAdder rejectedSpans = new LongAdder();
    LongAdder errorReq = new LongAdder();
    long[] lastCompletion = {measureStart};
    Set<String> errors = new LinkedHashSet<>();
    Latencies latencies = new Latencies();
    Semaphore permits = new Semaphore(c.inflight());
    // After a 429/503 the slot waits, as exporters back off, instead of making the server decode a request it will
    // refuse again at once: the wait doubles with each refusal in a row (up to 16 times the base) and any accepted
    // request resets it.
    long backoffNanos = c.rejectBackoff().toNanos();
    AtomicInteger refusedInARow = new AtomicInteger();
    ScheduledExecutorService backoff = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "loadgen-backoff");
      t.setDaemon(true);
      return t;
    });
    long issued = 0;
    int next = 0;
    try (Sender sender = Sender.create(c.protocol(), c.endpoint(), c.connections())) {
      while (System.nanoTime() < end && (c.maxSpans() <= 0 || issued < c.maxSpans())) {
        if (c.rate() > 0) {
          // fixed offered rate: the next unit is due when the spans issued so far fit the rate
          long due = start + (long) (issued * 1e9 / c.rate());
          for (long wait; (wait = due - System.nanoTime()) > 0; ) {
            LockSupport.parkNanos(wait);
          }
        }
        Template.Unit u = templates[next++ % templates.length].instantiate(rnd, System.currentTimeMillis() * 1000);
        AtomicInteger remaining = new AtomicInteger(u.bodies().length);
        AtomicBoolean allOk = new AtomicBoolean(true);
        for (int b = 0; b < u.bodies().length; b++) {
          permits.acquire();
          int spans = u.spansPerBody()[b];
          long t0 = System.nanoTime();
          sender.send(u.bodies()[b]).thenAccept(res -> {
            long t1 = System.nanoTime();
            boolean inWindow = t1 >= measureStart && t1 < end;
            switch (res.outcome()) {
              case ACCEPTED:
                acceptedReq.increment();
                acceptedTotal.add(spans);
                if (inWindow) {
                  accepted.add(spans);
                  int sec = (int) ((t1 - measureStart) / 1_000_000_000L);
                  if (sec < buckets) {
                    perSecond.addAndGet(sec, spans);
                  }
                }
                break;
              case REJECTED:
                rejectedReq.increment();
                rejectedSpans.add(spans);
                allOk.set(false);
                break;
              default:
                errorReq.increment();
                allOk.set(false);
                synchronized (errors) {
                  if (errors.size() < 5) {
                    errors.add(res.detail());
                  }
                }
                break;
            }
            if (inWindow) {
              latencies.record(t1 - t0);
              synchronized (lastCompletion) {
                lastCompletion[0] = Math.max(lastCompletion[0], t1);
              }
            }
            if (remaining.decrementAndGet() == 0 && allOk.get()) {
              reservoir.add(u.traceIdHigh(), u.traceIdLow());
            }
            if (res.outcome() == Outcome.REJECTED && backoffNanos > 0) {
              int k = Math.min(4, refusedInARow.getAndIncrement());
              backoff.schedule((Runnable) permits::release, backoffNanos << k, TimeUnit.NANOSECONDS);
            } else {
              if (res.outcome() == Outcome.ACCEPTED) {
                refusedInARow.set(0);
              }
              permits.release();
            }
          });
        }
        issued += u.spans();
      }
      if (!permits.tryAcquire(c.inflight(), 60, TimeUnit.SECONDS)) {
        log.println("ingest: requests still outstanding after 60 s");
      }
    } finally {
      backoff.shutdownNow();
    }
    long windowEnd;
    synchronized (lastCompletion) {
      windowEnd = c.maxSpans() > 0 ? lastCompletion[0] : Math.min(end, Math.max(lastCompletion[0], measureStart));
    }
    double seconds = Math.max(1e-9, (windowEnd - measureStart) / 1e9);
    int fullSeconds = (int) Math.min(buckets, Math.floor(seconds));
    long min = Long.MAX_VALUE;
    long max = 0;
    for (int s = 0; s < fullSeconds; s++) {
      min = Math.min(min, perSecond.get(s));
      max = Math.max(max, perSecond.get(s));
    }
    if (fullSeconds == 0) {
      min = 0;
    }
    // Each measured second with its wall-clock start, so that a slow second can be matched with the server's GC log.
    StringBuilder perSecondText = new StringBuilder();
    for (int s = 0; s < fullSeconds; s++) {
      perSecondText.append(s == 0 ? "" : ",").append(perSecond.get(s));
    }
    log.printf("ingest: per second from epoch ms %d: %s%n",
        epochMillisAtNanoZero + measureStart / 1_000_000, perSecondText);
    long acc = accepted.sum();
    return new Stats(seconds, acc, acc / seconds, min, max, acceptedTotal.sum(), acceptedReq.sum(), rejectedReq.sum(),
        rejectedSpans.sum(), errorReq.sum(), latencies.percentileMillis(50), latencies.percentileMillis(99),
        latencies.maxMillis(), errors, processCpuSeconds() - cpuStart);
  }
}
