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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each span as one Kafka message keyed by its trace ID; a non-default tenant travels in the
 * {@link #TENANT_HEADER} record header. The returned stage completes once the broker
 * acknowledged every message of the batch (as {@code required-acks} asks), or exceptionally with the first failure.
 *
 * <p>The caller's thread only encodes the spans; one sender thread hands the records to the producer, so when the
 * producer's buffer is full (or topic metadata is not known yet) that thread waits inside {@code send} and the
 * caller is never blocked: its stage simply completes later (the collector bounds how many stages are outstanding).
 * The sender gives up on a record after {@code max.block.ms} and fails its batch.
 */
public final class KafkaSpanWriter implements SpanWriter, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaSpanWriter.class);
  /**
   * Record header naming the tenant of a span written for a non-default tenant (Jaeger's messages have no tenant;
   * default-tenant messages carry no header and are byte for byte Jaeger's).
   */
  public static final String TENANT_HEADER = "jaeger-tenant";

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final SpanEncoding encoding;
  private final Counter written;
  private final Counter failed;
  private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final Thread sender;
  private volatile boolean closed;

  KafkaSpanWriter(Producer<byte[], byte[]> producer, String topic, SpanEncoding encoding, MeterRegistry meters) {
    this.producer = producer;
    this.topic = topic;
    this.encoding = encoding;
    this.written = Counter.builder("jaeger_storage_kafka_spans_written").tag("status", "success")
        .description("Spans acknowledged by Kafka").register(meters);
    this.failed = Counter.builder("jaeger_storage_kafka_spans_written").tag("status", "failure")
        .description("Spans Kafka did not acknowledge or that could not be encoded").register(meters);
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
      for (ProducerRecord<byte[], byte[]> r : p.records) {
        try {
          producer.send(r, p);
        } catch (RuntimeException e) {
          // buffer still full after max.block.ms, record too large, producer closed: fail this message
          p.onCompletion(null, e);
        }
      }
    }
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
    Pending p;
    while ((p = queue.poll()) != null) {
      p.done.completeExceptionally(new IllegalStateException("kafka span writer closed before the batch was sent"));
    }
  }

  /** One batch: completes when the last of its records is acknowledged. */
  private final class Pending implements Callback {
    final ProducerRecord<byte[], byte[]>[] records;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    final AtomicInteger remaining;
    final AtomicReference<Exception> firstError = new AtomicReference<>();

    Pending(ProducerRecord<byte[], byte[]>[] records) {
      this.records = records;
      this.remaining = new AtomicInteger(records.length);
    }

    @Override
    public void onCompletion(RecordMetadata metadata, Exception e) {
      if (e == null) {
        written.increment();
      } else {
        failed.increment();
        if (firstError.compareAndSet(null, e)) {
          LOG.error("kafka did not take a span: {}", e.toString());
        }
      }
      if (remaining.decrementAndGet() == 0) {
        Exception err = firstError.get();
        if (err == null) {
          done.complete(null);
        } else {
          done.completeExceptionally(err);
        }
      }
    }
  }
}
