// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.pipeline;

import io.jaegerj.model.Span;
import io.jaegerj.server.RateLimitedLog;
import io.jaegerj.spm.SpanMetrics;
import io.jaegerj.storage.SpanWriter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collector's write path: a bounded queue (by span count and optionally by bytes) in front of a pool of storage
 * workers that sanitize, downsample and write. {@link #submit} never blocks: when the batch does not fit it is
 * refused as a whole, for every protocol, so clients can retry (Jaeger drops silently on its own protocols).
 * {@link #submitForAck} in {@link AckMode#STORED} mode carries a future with the batch that its worker completes
 * after the storage write, so that receivers answer only for stored spans.
 *
 * <p>Backpressure: at most {@code num-workers} write stages are outstanding at once. A worker takes a batch from the
 * queue only after it got a write slot; the slot is returned when the writer's stage completes. While storage is busy
 * (every slot taken) the workers wait for a slot without holding a batch, the queue fills, and the receivers refuse
 * with their retryable status before acknowledging anything. No thread waits on a write stage itself.
 *
 * <p>Thread-safe. Start with {@link #start}; {@link #drain} on shutdown, then {@link #close}.
 */
public final class SpanPipeline implements SpanConsumer, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SpanPipeline.class);

  private static final CompletableFuture<Result> ACCEPTED_NOW = CompletableFuture.completedFuture(Result.ACCEPTED);
  private static final CompletableFuture<Result> REJECTED_NOW =
      CompletableFuture.completedFuture(Result.REJECTED_QUEUE_FULL);
  /**
   * How long a receiver waits for the storage write of a batch ({@link AckMode#STORED}) before it answers with its
   * retryable status: shorter than the 10 s default timeout of the OpenTelemetry exporters, so that a client gets a
   * 503/UNAVAILABLE from us rather than closing the request itself while storage is out (a write that keeps retrying,
   * e.g. Cassandra's while the node is down, would otherwise hold the request until the client gives up).
   */
  public static final Duration DEFAULT_ACK_DEADLINE = Duration.ofSeconds(8);
  /** Fails the acknowledgements that passed their deadline; one daemon thread for every pipeline. */
  private static final ScheduledThreadPoolExecutor DEADLINES = deadlineTimer();

  /** A queued batch; {@code ack} is null unless a receiver waits for its storage write. */
  private record Item(String tenant, List<Span> spans, Format format, Transport transport, long bytes, long enqueuedNanos,
      CompletableFuture<Result> ack) {}

  private final PipelineOptions options;
  private final SpanWriter writer;
  private final PipelineMetrics metrics;
  private final Downsampler downsampler;
  /** Null when span metrics are off: the per-span cost is then one null check. */
  private final SpanMetrics spanMetrics;
  private final boolean measureBytes;
  private final LinkedBlockingQueue<Item> queue = new LinkedBlockingQueue<>();
  private final AtomicLong queuedSpans = new AtomicLong();
  private final AtomicLong queuedBytes = new AtomicLong();
  private final AtomicLong totalBytes = new AtomicLong();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Semaphore writeSlots;
  private final AtomicLong lastBatchSize = new AtomicLong();
  /** Storage failures: one line every 5 s at most, with at most three trace ids. */
  private final RateLimitedLog failureLog = new RateLimitedLog(LOG, RateLimitedLog.Level.ERROR, Duration.ofSeconds(5));
  private final List<Thread> workers;
  private volatile boolean accepting = true;
  /** Adaptive sampling's aggregator, when on: sees every sanitized span of Jaeger's own protocols. */
  private volatile Consumer<Span> jaegerPathObserver;
  private volatile boolean running = true;
  private volatile long ackDeadlineNanos = DEFAULT_ACK_DEADLINE.toNanos();

  private SpanPipeline(PipelineOptions options, SpanWriter writer, MeterRegistry registry, SpanMetrics spanMetrics) {
    this.options = options;
    this.spanMetrics = spanMetrics;
    this.writer = writer;
    this.metrics = new PipelineMetrics(registry);
    this.downsampler = new Downsampler(options.downsamplingRatio(), options.downsamplingSalt());
    this.measureBytes = options.queueSizeMemoryBytes() > 0 || options.spanSizeMetrics();
    this.workers = new ArrayList<>(options.numWorkers());
    this.writeSlots = new Semaphore(options.numWorkers());
    Tags host = Tags.of("host", metrics.host);
    Gauge.builder("jaeger_collector_queue_length", queuedSpans, AtomicLong::get).tags(host).register(registry);
    Gauge.builder("jaeger_collector_queue_capacity", options, o -> o.queueSize()).tags(host).register(registry);
    Gauge.builder("jaeger_collector_batch_size", lastBatchSize, AtomicLong::get).tags(host).register(registry);
    if (measureBytes) {
      Gauge.builder("jaeger_collector_spans_bytes", totalBytes, AtomicLong::get).tags(host).register(registry);
    }
  }

  /**
   * Hands every sanitized span of Jaeger's own protocols (Thrift over HTTP, gRPC, agent UDP; not OTLP or Zipkin over
   * HTTP, as in Jaeger 1.74) to {@code observer} on the worker threads, before downsampling; null stops it.
   */
  public void observeJaegerPathSpans(Consumer<Span> observer) {
    jaegerPathObserver = observer;
  }

  /** Creates the pipeline and starts its workers. */
  public static SpanPipeline start(PipelineOptions options, SpanWriter writer, MeterRegistry registry) {
    return start(options, writer, registry, null);
  }

  /**
   * Creates the pipeline and starts its workers; {@code spanMetrics}, when not null, counts every sanitized span
   * (before downsampling, so that the rates are the clients' rates).
   */
  public static SpanPipeline start(PipelineOptions options, SpanWriter writer, MeterRegistry registry,
      SpanMetrics spanMetrics) {
    SpanPipeline p = new SpanPipeline(
        Objects.requireNonNull(options, "options"), Objects.requireNonNull(writer, "writer"),
        Objects.requireNonNull(registry, "registry"), spanMetrics);
    for (int i = 0; i < options.numWorkers(); i++) {
      Thread t = new Thread(p::work, "jaeger-collector-worker-" + i);
      t.setDaemon(true);
      p.workers.add(t);
      t.start();
    }
    return p;
  }

  @Override
  public Result submit(String tenant, List<Span> spans, Format format, Transport transport) {
    return offer(tenant, spans, format, transport, null);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The stage of an accepted batch in {@link AckMode#STORED} mode completes on the worker thread that wrote it;
   * batches still queued when the pipeline is {@linkplain #close closed} fail.
   */
  @Override
  public CompletionStage<Result> submitForAck(String tenant, List<Span> spans, Format format, Transport transport) {
    if (options.ackMode() == AckMode.QUEUED || spans.isEmpty()) {
      return offer(tenant, spans, format, transport, null) == Result.ACCEPTED ? ACCEPTED_NOW : REJECTED_NOW;
    }
    CompletableFuture<Result> ack = new CompletableFuture<>();
    if (offer(tenant, spans, format, transport, ack) != Result.ACCEPTED) {
      return REJECTED_NOW;
    }
    long deadline = ackDeadlineNanos;
    ScheduledFuture<?> timer = DEADLINES.schedule(() -> {
      if (ack.completeExceptionally(new AckDeadlineException(Duration.ofNanos(deadline)))) {
        metrics.ackDeadlinesPassed.increment(spans.size());
      }
    }, deadline, TimeUnit.NANOSECONDS);
    ack.whenComplete((r, e) -> timer.cancel(false));
    return ack;
  }

  /**
   * Sets how long {@link #submitForAck} in {@link AckMode#STORED} mode waits for the storage write before its stage
   * fails with an {@link AckDeadlineException} (receivers then answer their retryable status; the write may still
   * complete later, and a client that retries writes the same spans again). Default {@link #DEFAULT_ACK_DEADLINE}.
   */
  public SpanPipeline ackDeadline(Duration deadline) {
    if (deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("ack deadline: " + deadline + " (expected: > 0)");
    }
    this.ackDeadlineNanos = deadline.toNanos();
    return this;
  }

  /** The storage write was not confirmed within the acknowledgement deadline: not acknowledged, retry. */
  public static final class AckDeadlineException extends TimeoutException {
    AckDeadlineException(Duration deadline) {
      super("storage did not confirm the write within " + deadline.toMillis() + " ms; retry later");
    }
  }

  private static ScheduledThreadPoolExecutor deadlineTimer() {
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "jaeger-collector-ack-deadlines");
      t.setDaemon(true);
      return t;
    });
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }

  /** The acknowledgement mode of this pipeline. */
  public AckMode ackMode() {
    return options.ackMode();
  }

  private Result offer(String tenant, List<Span> spans, Format format, Transport transport,
      CompletableFuture<Result> ack) {
    Objects.requireNonNull(tenant, "tenant");
    int n = spans.size();
    if (n == 0) {
      return Result.ACCEPTED;
    }
    if (countsReceived(format, transport)) {
      int f = formatIndex(format);
      int t = transportIndex(transport);
      for (int i = 0; i < n; i++) {
        metrics.received(spans.get(i), f, t);
      }
    }
    long bytes = measureBytes ? SpanSizes.estimate(spans) : 0;
    if (!accepting || !reserve(n, bytes)) {
      metrics.spansDropped.increment(n);
      metrics.spansRefused.increment(n);
      return Result.REJECTED_QUEUE_FULL;
    }
    if (options.spanSizeMetrics()) {
      totalBytes.addAndGet(bytes);
    }
    queue.add(new Item(tenant, spans, format, transport, bytes, System.nanoTime(), ack));
    return Result.ACCEPTED;
  }

  /**
   * Claims room for a batch. An empty queue always takes one batch, however large, so that a batch above the
   * capacity is not refused forever.
   */
  private boolean reserve(int n, long bytes) {
    long cap = options.queueSize();
    long byteCap = options.queueSizeMemoryBytes();
    while (true) {
      long cur = queuedSpans.get();
      if (cur > 0 && cur + n > cap) {
        return false;
      }
      if (byteCap > 0 && cur > 0 && queuedBytes.get() + bytes > byteCap) {
        return false;
      }
      if (queuedSpans.compareAndSet(cur, cur + n)) {
        queuedBytes.addAndGet(bytes);
        return true;
      }
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>A true answer is counted in {@code jaegerj_collector_requests_refused_total}: receivers refuse the request.
   */
  @Override
  public void refusedBeforeDecoding(int spans) {
    if (spans > 0) {
      metrics.spansDropped.increment(spans);
    }
  }

  @Override
  public boolean saturated() {
    boolean full;
    if (!accepting) {
      full = true;
    } else {
      long cur = queuedSpans.get();
      long byteCap = options.queueSizeMemoryBytes();
      full = cur > 0 && (cur >= options.queueSize() || (byteCap > 0 && queuedBytes.get() >= byteCap));
    }
    if (full) {
      metrics.requestsRefused.increment();
    }
    return full;
  }

  /** Write stages now outstanding (taken from the queue, not yet completed by the writer). */
  public int outstandingWrites() {
    return inFlight.get();
  }

  /** Spans waiting in the queue (not yet taken by a worker). */
  public long queuedSpans() {
    return queuedSpans.get();
  }

  /**
   * Stops accepting, then waits until every queued batch is written or the timeout passes.
   *
   * @return true when everything was written
   */
  public boolean drain(Duration timeout) throws InterruptedException {
    accepting = false;
    long deadline = System.nanoTime() + timeout.toNanos();
    while (queuedSpans.get() > 0 || inFlight.get() > 0 || !queue.isEmpty()) {
      if (System.nanoTime() > deadline) {
        LOG.warn("Span queue not drained in {}: {} spans left", timeout, queuedSpans.get());
        return false;
      }
      Thread.sleep(5);
    }
    return true;
  }

  /**
   * Stops the workers; spans still queued are lost (call {@link #drain} first), and receivers waiting for them are
   * answered with a storage failure.
   */
  @Override
  public void close() {
    accepting = false;
    running = false;
    for (Thread t : workers) {
      t.interrupt();
    }
    try {
      for (Thread t : workers) {
        t.join(TimeUnit.SECONDS.toMillis(5));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      failQueued();
    }
  }

  private void failQueued() {
    IllegalStateException closed = new IllegalStateException("collector is shutting down");
    for (Item item; (item = queue.poll()) != null; ) {
      queuedSpans.addAndGet(-item.spans().size());
      queuedBytes.addAndGet(-item.bytes());
      fail(item, closed);
    }
  }

  private void work() {
    Sanitizer sanitizer = new Sanitizer(options.collectorTags());
    while (running) {
      if (!takeWriteSlot()) {
        continue;
      }
      Item item;
      try {
        item = queue.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        writeSlots.release();
        if (!running) {
          return;
        }
        continue;
      }
      if (item == null) {
        writeSlots.release();
        continue;
      }
      inFlight.incrementAndGet();
      queuedSpans.addAndGet(-item.spans().size());
      queuedBytes.addAndGet(-item.bytes());
      process(item, sanitizer);
    }
  }

  /**
   * Waits for one of the {@code num-workers} write slots; the time spent waiting because every slot is held by an
   * outstanding write is counted as time blocked on storage.
   *
   * @return false when interrupted (the pipeline is closing)
   */
  private boolean takeWriteSlot() {
    if (writeSlots.tryAcquire()) {
      return true;
    }
    long t0 = System.nanoTime();
    try {
      writeSlots.acquire();
      return true;
    } catch (InterruptedException e) {
      return false;
    } finally {
      metrics.storageWaitNanos.add(System.nanoTime() - t0);
    }
  }

  /** Sanitizes, downsamples and hands the batch to the writer; the write slot is returned when that completes. */
  private void process(Item item, Sanitizer sanitizer) {
    long start = System.nanoTime();
    List<Span> out;
    boolean jaegerPath = isJaegerPath(item.format(), item.transport());
    try {
      metrics.inQueueLatency.record(start - item.enqueuedNanos(), TimeUnit.NANOSECONDS);
      out = prepare(item, sanitizer, jaegerPath);
    } catch (Throwable t) {
      logFailure(item.spans(), t);
      fail(item, t);
      finished();
      if (t instanceof VirtualMachineError e) {
        throw e;
      }
      return;
    }
    if (out.isEmpty()) {
      acknowledge(item); // downsampled away: nothing left to store
      finished();
      return;
    }
    CompletionStage<Void> stage;
    try {
      stage = writer.write(item.tenant(), out);
    } catch (Throwable t) {
      written(item, out, start, !jaegerPath, t);
      if (t instanceof VirtualMachineError e) {
        throw e;
      }
      return;
    }
    stage.whenComplete((ok, failure) -> written(item, out, start, !jaegerPath, failure));
  }

  private List<Span> prepare(Item item, Sanitizer sanitizer, boolean jaegerPath) {
    List<Span> in = item.spans();
    String formatTag = formatTag(item.format(), item.transport());
    List<Span> out = new ArrayList<>(in.size());
    Consumer<Span> observer = jaegerPath ? jaegerPathObserver : null;
    for (int i = 0, n = in.size(); i < n; i++) {
      Span s = sanitizer.sanitize(in.get(i), jaegerPath, formatTag);
      if (observer != null) {
        observer.accept(s);
      }
      if (spanMetrics != null) {
        spanMetrics.record(item.tenant(), s);
      }
      if (downsampler.enabled()) {
        if (!downsampler.keep(s.traceId())) {
          metrics.downsamplingDropped.increment();
          continue;
        }
        metrics.downsamplingAccepted.increment();
      }
      out.add(s);
    }
    lastBatchSize.set(out.size());
    return out;
  }

  /** Completion of a write stage, on whatever thread the writer completes it. */
  private void written(Item item, List<Span> out, long start, boolean otlp, Throwable failure) {
    try {
      metrics.saveLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      boolean ok = failure == null;
      for (int i = 0, n = out.size(); i < n; i++) {
        metrics.saved(out.get(i), ok, otlp);
      }
      if (failure != null) {
        logFailure(out, failure);
        fail(item, failure, out.size());
      } else {
        acknowledge(item);
      }
    } finally {
      finished();
    }
  }

  private void finished() {
    inFlight.decrementAndGet();
    writeSlots.release();
  }

  private static void acknowledge(Item item) {
    if (item.ack() != null) {
      item.ack().complete(Result.ACCEPTED);
    }
  }

  /**
   * Fails a batch: a receiver waiting for it answers a retryable error; a batch acknowledged when it was queued is
   * lost, and counted as dropped after acknowledgement.
   */
  private void fail(Item item, Throwable failure) {
    fail(item, failure, item.spans().size());
  }

  private void fail(Item item, Throwable failure, int spans) {
    if (item.ack() != null) {
      item.ack().completeExceptionally(
          failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure);
    } else {
      metrics.droppedAfterAck.increment(spans);
    }
  }

  private void logFailure(List<Span> spans, Throwable t) {
    StringBuilder ids = new StringBuilder();
    for (int i = 0; i < spans.size() && i < 3; i++) {
      ids.append(i == 0 ? "" : ",").append(spans.get(i).traceId());
    }
    failureLog.log("Failed to save {} spans (trace ids {})", spans.size(), ids, t);
  }

  /** Jaeger's own protocols follow the "v1 path": received metrics, duration sanitizer, sorted collector tags. */
  private static boolean isJaegerPath(Format format, Transport transport) {
    return format == Format.JAEGER || format == Format.PROTO
        || (format == Format.ZIPKIN && transport == Transport.UDP);
  }

  /**
   * The {@code @jaeger@format} tag of Jaeger's own protocols: {@code jaeger} on 14268, {@code proto} on 14250 and for
   * the legacy agent's UDP ports (the agent forwarded to 14250); none for OTLP and Zipkin over HTTP.
   */
  private static String formatTag(Format format, Transport transport) {
    if (transport == Transport.UDP || format == Format.PROTO) {
      return "proto";
    }
    return format == Format.JAEGER ? "jaeger" : null;
  }

  private static boolean countsReceived(Format format, Transport transport) {
    return isJaegerPath(format, transport);
  }

  private static int formatIndex(Format f) {
    switch (f) {
      case JAEGER:
        return 0;
      case PROTO:
        return 1;
      case ZIPKIN:
        return 2;
      default:
        return 3;
    }
  }

  private static int transportIndex(Transport t) {
    switch (t) {
      case HTTP:
        return 0;
      case GRPC:
        return 1;
      default:
        return 2;
    }
  }
}
