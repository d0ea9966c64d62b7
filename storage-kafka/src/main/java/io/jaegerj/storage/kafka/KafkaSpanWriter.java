// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.kafka;

import io.jaegerj.model.Span;
import io.jaegerj.storage.SpanWriter;
import io.jaegerj.storage.Tenants;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each span as one Kafka message keyed by its trace ID; a non-default tenant travels in the
 * {@link #TENANT_HEADER} record header. The returned stage completes once the broker
 * acknowledged every message of the batch (as {@code required-acks} asks), or exceptionally with the first failure.
 *
 * <p>Backpressure (the {@link SpanWriter} contract): the caller's thread only encodes the spans; one sender thread
 * hands the records to the producer. When the producer's buffer ({@code buffer.memory}) is full, or topic metadata is
 * not known yet, that thread waits inside {@code send} for up to {@code max.block.ms} and then simply tries again:
 * a full buffer never fails a batch and never blocks the caller, whose stage just completes later (the collector
 * bounds how many stages are outstanding and refuses clients meanwhile). A batch fails only when Kafka did not take
 * a record of it within {@code delivery.timeout.ms} of the write, the same bound the producer applies to records it
 * already holds.
 *
 * <p>Completion: the producer's network thread only counts a batch's acknowledged records down; the last one hands the
 * batch to the {@code kafka-span-acks} thread, which counts its spans and completes its stage (running the caller's
 * dependent work, e.g. the collector acknowledging its clients) off the network thread, once per batch.
 */
public final class KafkaSpanWriter implements SpanWriter, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaSpanWriter.class);
  /**
   * Record header naming the tenant of a span written for a non-default tenant (Jaeger's messages have no tenant;
   * default-tenant messages carry no header and are byte for byte Jaeger's).
   */
  public static final String TENANT_HEADER = "jaeger-tenant";
  /** kafka-clients' default {@code delivery.timeout.ms}. */
  static final long DEFAULT_DELIVERY_TIMEOUT_MS = 120_000;

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final SpanEncoding encoding;
  private final Counter written;
  private final Counter failed;
  private final Counter bufferFull;
  private final long giveUpNanos;
  private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final Thread sender;
  /** Completes the batches whose every record is acknowledged or failed, off the producer's network thread. */
  private final ExecutorService acks = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "kafka-span-acks");
    t.setDaemon(true);
    return t;
  });
  private volatile boolean closed;
  /**
   * Set by the sender thread around {@code send}: the producer reports a refusal inside {@code send} (no buffer room
   * within {@code max.block.ms}, no metadata, record too large) through the callback, on the sender thread.
   */
  private boolean sending;
  private Exception sendError;

  KafkaSpanWriter(Producer<byte[], byte[]> producer, String topic, SpanEncoding encoding, MeterRegistry meters) {
    this(producer, topic, encoding, meters, Duration.ofMillis(DEFAULT_DELIVERY_TIMEOUT_MS));
  }

  /**
   * @param giveUp how long after a write the sender keeps offering its records to a producer whose buffer stays
   *     full (the producer's {@code delivery.timeout.ms})
   */
  KafkaSpanWriter(Producer<byte[], byte[]> producer, String topic, SpanEncoding encoding, MeterRegistry meters,
      Duration giveUp) {
    this.producer = producer;
    this.giveUpNanos = giveUp.toNanos();
    this.topic = topic;
    this.encoding = encoding;
    this.written = Counter.builder("jaeger_storage_kafka_spans_written").tag("status", "success")
        .description("Spans acknowledged by Kafka").register(meters);
    this.failed = Counter.builder("jaeger_storage_kafka_spans_written").tag("status", "failure")
        .description("Spans Kafka did not acknowledge or that could not be encoded").register(meters);
    this.bufferFull = Counter.builder("jaegerj_storage_kafka_producer_buffer_full")
        .description("Times the sender waited max.block.ms for room in the producer's buffer (or for metadata)"
            + " and offered the record again")
        .register(meters);
    Gauge.builder("jaeger_storage_kafka_batches_waiting", queued, AtomicInteger::get)
        .description("Batches encoded and waiting for the producer to take them").register(meters);
    this.sender = new Thread(this::run, "kafka-span-sender");
    this.sender.setDaemon(true);
    this.sender.start();
  }

  @Override
  public CompletionStage<Void> write(String tenant, List<Span> spans) {
    Tenants.require(tenant);
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("kafka span writer is closed"));
    }
    if (spans.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    Iterable<Header> headers = Tenants.isDefault(tenant) ? null
        : List.of(new RecordHeader(TENANT_HEADER, tenant.getBytes(StandardCharsets.UTF_8)));
    ProducerRecord<byte[], byte[]>[] records = newArray(spans.size());
    for (int i = 0; i < records.length; i++) {
      Span s = spans.get(i);
      try {
        records[i] = new ProducerRecord<>(topic, null, SpanEncoding.key(s), encoding.encode(s), headers);
      } catch (RuntimeException e) {
        failed.increment(spans.size());
        LOG.error("cannot encode span {} of trace {}: {}", Long.toHexString(s.spanId()), s.traceId(), e.toString());
        return CompletableFuture.failedFuture(e);
      }
    }
    Pending p = new Pending(records);
    queue.add(p);
    queued.incrementAndGet();
    LockSupport.unpark(sender);
    return p.done;
  }

  @SuppressWarnings("unchecked")
  private static ProducerRecord<byte[], byte[]>[] newArray(int n) {
    return (ProducerRecord<byte[], byte[]>[]) new ProducerRecord<?, ?>[n];
  }

  private void run() {
    while (true) {
      Pending p = queue.poll();
      if (p == null) {
        if (closed) {
          return;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        continue;
      }
      queued.decrementAndGet();
      ProducerRecord<byte[], byte[]>[] records = p.records;
      for (int i = 0; i < records.length; i++) {
        while (!offer(p, records[i])) {
          bufferFull.increment();
        }
      }
    }
  }

  /**
   * Hands one record to the producer. False when the producer had no room (or no metadata) for {@code max.block.ms}
   * and the record should be offered again; true when it was taken or its failure was reported to the batch.
   */
  private boolean offer(Pending p, ProducerRecord<byte[], byte[]> r) {
    Exception refused;
    sending = true;
    try {
      producer.send(r, p);
      refused = sendError;
    } catch (RuntimeException e) {
      refused = e;
    } finally {
      sending = false;
      sendError = null;
    }
    if (refused == null) {
      return true;
    }
    if (refused instanceof TimeoutException
        && !closed && System.nanoTime() - p.writtenNanos < giveUpNanos) {
      return false;
    }
    // record too large, producer closed, no room for the whole delivery timeout: fail this message
    p.record(refused);
    return true;
  }

  /** Waits up to {@code timeout} for queued batches to reach the producer, then flushes and closes it. */
  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }

  void close(Duration timeout) {
    closed = true;
    LockSupport.unpark(sender);
    try {
      sender.join(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(timeout);
    // no callback runs after the producer's close: the acks thread finishes what was handed to it, and stops
    acks.shutdown();
    try {
      acks.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    acks.shutdownNow().forEach(Runnable::run);
    Pending p;
    while ((p = queue.poll()) != null) {
      p.done.completeExceptionally(new IllegalStateException("kafka span writer closed before the batch was sent"));
    }
  }

  /** One batch: completes when the last of its records is acknowledged. */
  private final class Pending implements Callback {
    final ProducerRecord<byte[], byte[]>[] records;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    final long writtenNanos = System.nanoTime();
    final AtomicInteger remaining;
    final AtomicInteger failures = new AtomicInteger();
    final AtomicReference<Exception> firstError = new AtomicReference<>();

    Pending(ProducerRecord<byte[], byte[]>[] records) {
      this.records = records;
      this.remaining = new AtomicInteger(records.length);
    }

    @Override
    public void onCompletion(RecordMetadata metadata, Exception e) {
      if (e != null && Thread.currentThread() == sender && sending) {
        sendError = e; // refused inside send: the sender decides whether to offer the record again
        return;
      }
      record(e);
    }

    void record(Exception e) {
      if (e != null) {
        failures.incrementAndGet();
        failed.increment();
        if (firstError.compareAndSet(null, e)) {
          LOG.error("kafka did not take a span: {}", e.toString());
        }
      }
      if (remaining.decrementAndGet() == 0) {
        acks.execute(this::finish);
      }
    }

    /** On the acks thread (or in {@link #close}): counts the batch's acknowledged spans, completes its stage. */
    void finish() {
      int ok = records.length - failures.get();
      if (ok > 0) {
        written.increment(ok);
      }
      Exception err = firstError.get();
      if (err == null) {
        done.complete(null);
      } else {
        done.completeExceptionally(err);
      }
    }
  }
}
