// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.sampling.adaptive;

import io.jaegerj.model.Span;
import io.jaegerj.proto.api_v2.OperationSamplingStrategy;
import io.jaegerj.proto.api_v2.PerOperationSamplingStrategies;
import io.jaegerj.proto.api_v2.ProbabilisticSamplingStrategy;
import io.jaegerj.proto.api_v2.SamplingStrategyResponse;
import io.jaegerj.proto.api_v2.SamplingStrategyType;
import io.jaegerj.server.RateLimitedLog;
import io.jaegerj.storage.SamplingStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adaptive sampling for one collector: counts root spans ({@link #observe}), flushes the counts to the sampling store
 * every calculation interval, takes part in the leader election, calculates probabilities when leader and stores
 * them, reloads the leader's probabilities when follower, and answers strategy requests ({@link #strategy}) from the
 * last probabilities it has, whatever the store does meanwhile. Thread-safe; {@link #strategy} and {@link #observe}
 * never touch the store.
 */
public final class AdaptiveSampling implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AdaptiveSampling.class);
  /** Jaeger's followers reload the leader's probabilities this often (not a flag in Jaeger). */
  static final Duration FOLLOWER_RELOAD = Duration.ofSeconds(20);
  /** Bound on the (service, operation) pairs one collector counts per calculation interval. */
  static final int MAX_PAIRS_PER_BUCKET = 100_000;

  private final AdaptiveOptions options;
  private final SamplingStore store;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final ThroughputAggregator aggregator = new ThroughputAggregator(MAX_PAIRS_PER_BUCKET);
  private final ProbabilityCalculator calculator;
  private final LeaderElection election;
  private final String hostname;
  private final RateLimitedLog storeFailures =
      new RateLimitedLog(LOG, RateLimitedLog.Level.WARN, Duration.ofSeconds(30));
  private final Counter operationsCounter;
  private final Counter servicesCounter;
  private final AtomicLong operationsCalculated = new AtomicLong();
  private final Timer calculationTimer;
  private final AtomicLong calculations = new AtomicLong();
  /** Strategies by service, replaced as a whole. */
  private volatile Map<String, SamplingStrategyResponse> strategies = Map.of();
  private volatile Map<String, Map<String, Double>> served = Map.of();
  private final SamplingStrategyResponse defaultStrategy;
  /** Start of the throughput range the next calculation reads, micros. */
  private long lastCheckedMicros;
  private volatile boolean closed;

  private AdaptiveSampling(AdaptiveOptions options, SamplingStore store, MeterRegistry meters, String owner,
      Clock clock) {
    this.options = Objects.requireNonNull(options, "options");
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.calculator = new ProbabilityCalculator(options);
    this.hostname = owner;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "jaeger-adaptive-sampling");
      t.setDaemon(true);
      return t;
    });
    this.election = new LeaderElection(store, owner, options, clock, scheduler);
    this.defaultStrategy = strategyFor(Map.of());
    operationsCounter = Counter.builder("jaeger_collector_sampling_operations").register(meters);
    servicesCounter = Counter.builder("jaeger_collector_sampling_services").register(meters);
    Gauge.builder("jaeger_collector_adaptive_sampling_processor_operations_calculated", operationsCalculated,
        AtomicLong::get).register(meters);
    calculationTimer = Timer.builder("jaeger_collector_adaptive_sampling_processor_calculate_probabilities")
        .register(meters);
    Gauge.builder("jaegerj_collector_adaptive_sampling_leader", this, a -> a.isLeader() ? 1 : 0)
        .description("1 while this collector holds the adaptive-sampling leader lease").register(meters);
  }

  /**
   * Starts adaptive sampling over {@code store}: loads the latest stored probabilities and the throughput history,
   * then runs the election, flush/calculation and follower-reload loops on one daemon thread.
   *
   * @param owner this collector's name in the lease; see {@link #ownerId()}
   */
  public static AdaptiveSampling start(AdaptiveOptions options, SamplingStore store, MeterRegistry meters,
      String owner, Clock clock) {
    AdaptiveSampling a = new AdaptiveSampling(options, store, meters, owner, clock);
    a.init();
    return a;
  }

  /** A lease owner unique to this process: {@code <hostname>-<16 hex>}, as Jaeger names it. */
  public static String ownerId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "localhost";
    }
    byte[] random = new byte[8];
    new SecureRandom().nextBytes(random);
    return host + "-" + HexFormat.of().formatHex(random);
  }

  private void init() {
    reloadProbabilities();
    lastCheckedMicros = nowMicros() - delayMicros();
    loadHistory(lastCheckedMicros);
    election.start();
    long interval = options.calculationInterval().toMillis();
    // fixed delay, like Go's ticker that drops missed ticks: a stalled thread must not fire catch-up ticks whose
    // tiny buckets would turn a few spans into a huge rate
    scheduler.scheduleWithFixedDelay(this::safeTick, interval, interval, TimeUnit.MILLISECONDS);
    long reload = Math.min(FOLLOWER_RELOAD.toMillis(), interval);
    scheduler.scheduleAtFixedRate(() -> {
      if (!isLeader()) {
        reloadProbabilities();
      }
    }, reload, reload, TimeUnit.MILLISECONDS);
    LOG.info("Adaptive sampling started (owner {}, target {} samples/s per operation, calculation every {})",
        hostname, options.targetSamplesPerSecond(), options.calculationInterval());
  }

  /** Reads up to {@code aggregation-buckets} intervals of throughput ending at {@code endMillis}, newest first. */
  private void loadHistory(long endMicros) {
    long interval = options.calculationInterval().toNanos() / 1000;
    long end = endMicros;
    try {
      for (int i = 0; i < options.aggregationBuckets(); i++) {
        List<SamplingStore.Throughput> rows = store.getThroughput(end - interval, end);
        if (rows.isEmpty()) {
          return;
        }
        calculator.append(ProbabilityCalculator.aggregate(rows, options.calculationInterval()));
        end -= interval;
      }
    } catch (RuntimeException e) {
      storeFailures.log("adaptive sampling: could not read the throughput history: {}", e.toString());
    }
  }

  /** Counts {@code span} if it is a root span carrying a Jaeger SDK's sampler tags. */
  public void observe(Span span) {
    aggregator.observe(span);
  }

  /** The strategy for {@code service}: its operations' probabilities, else the default strategy. Never null. */
  public SamplingStrategyResponse strategy(String service) {
    SamplingStrategyResponse r = strategies.get(service);
    return r != null ? r : defaultStrategy;
  }

  public boolean isLeader() {
    return election.isLeader();
  }

  /** How many times this host tried to take or renew the lease; for tests. */
  long electionAttempts() {
    return election.attempts();
  }

  /** How many calculations this host made as leader; for tests and metrics. */
  long calculations() {
    return calculations.get();
  }

  /** The probabilities served now, service → operation → probability. */
  public Map<String, Map<String, Double>> probabilities() {
    return served;
  }

  private void safeTick() {
    try {
      tick();
    } catch (RuntimeException e) {
      storeFailures.log("adaptive sampling: calculation failed: {}", e.toString());
    } catch (Error e) {
      LOG.error("adaptive sampling: calculation failed", e);
      throw e;
    }
  }

  /** Flushes the counts, reads every collector's throughput, and calculates when leader. On the scheduler. */
  void tick() {
    ThroughputAggregator.Bucket bucket = aggregator.drain();
    operationsCounter.increment(bucket.rows().size());
    servicesCounter.increment(bucket.services());
    if (!bucket.rows().isEmpty()) {
      try {
        store.insertThroughput(bucket.rows());
      } catch (RuntimeException e) {
        storeFailures.log("adaptive sampling: could not store throughput ({} operations lost): {}",
            bucket.rows().size(), e.toString());
      }
    }
    // in micros, read after the flush: a bucket flushed just now is in range when the delay is 0
    long end = nowMicros() - delayMicros();
    long start = lastCheckedMicros;
    List<SamplingStore.Throughput> rows;
    try {
      rows = store.getThroughput(start, end);
    } catch (RuntimeException e) {
      storeFailures.log("adaptive sampling: could not read throughput: {}", e.toString());
      return;
    }
    calculator.prepend(ProbabilityCalculator.aggregate(rows, Duration.ofNanos(Math.max(1, end - start) * 1000)));
    lastCheckedMicros = end;
    if (!isLeader()) {
      return;
    }
    long t0 = System.nanoTime();
    ProbabilityCalculator.Result result = calculator.calculate();
    calculationTimer.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
    operationsCalculated.set(result.operations());
    calculations.incrementAndGet();
    serve(result.probabilities());
    try {
      store.insertProbabilitiesAndQps(hostname, result.probabilities(), result.qps());
    } catch (RuntimeException e) {
      storeFailures.log("adaptive sampling: could not store probabilities: {}", e.toString());
    }
  }

  private long nowMicros() {
    Instant now = clock.instant();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  private long delayMicros() {
    return options.delay().toNanos() / 1000;
  }

  /** Loads the latest probabilities from the store; on failure the ones served stay. */
  void reloadProbabilities() {
    Map<String, Map<String, Double>> latest;
    try {
      latest = store.getLatestProbabilities();
    } catch (RuntimeException e) {
      storeFailures.log("adaptive sampling: could not load probabilities, serving the last ones: {}", e.toString());
      return;
    }
    calculator.setProbabilities(latest);
    serve(latest);
  }

  private void serve(Map<String, Map<String, Double>> probabilities) {
    Map<String, SamplingStrategyResponse> out = new HashMap<>();
    Map<String, Map<String, Double>> copy = new HashMap<>();
    for (Map.Entry<String, Map<String, Double>> svc : probabilities.entrySet()) {
      out.put(svc.getKey(), strategyFor(svc.getValue()));
      copy.put(svc.getKey(), Map.copyOf(svc.getValue()));
    }
    served = Map.copyOf(copy);
    strategies = Map.copyOf(out);
  }

  /** Jaeger's adaptive shape: probabilistic type, no top-level strategy, per-operation probabilities. */
  private SamplingStrategyResponse strategyFor(Map<String, Double> operations) {
    PerOperationSamplingStrategies.Builder ops = PerOperationSamplingStrategies.newBuilder()
        .setDefaultSamplingProbability(options.initialSamplingProbability())
        .setDefaultLowerBoundTracesPerSecond(options.minSamplesPerSecond());
    operations.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> ops.addPerOperationStrategies(
        OperationSamplingStrategy.newBuilder().setOperation(e.getKey()).setProbabilisticSampling(
            ProbabilisticSamplingStrategy.newBuilder().setSamplingRate(e.getValue()))));
    return SamplingStrategyResponse.newBuilder().setStrategyType(SamplingStrategyType.PROBABILISTIC)
        .setOperationSampling(ops).build();
  }

  /** Stops every loop at once without giving the lease up, as a killed process would; for failover tests. */
  void halt() {
    closed = true;
    scheduler.shutdownNow();
  }

  /** Stops the loops and gives the leader lease up; counts not flushed yet are dropped (as in Jaeger). */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    election.close();
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
