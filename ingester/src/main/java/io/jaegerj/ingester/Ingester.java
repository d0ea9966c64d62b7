// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.ingester;

import io.jaegerj.model.Span;
import io.jaegerj.storage.SpanWriter;
import io.jaegerj.storage.Tenants;
import io.jaegerj.storage.kafka.KafkaSpanWriter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the span topic and writes to storage, at least once.
 *
 * <p>One thread polls. Each partition's messages are decoded and written in chunks of up to {@link #CHUNK} spans;
 * a chunk's write is retried with backoff (100 ms doubling to 5 s) until the storage takes it, never dropped. The
 * committed offset of a partition is the end of its longest prefix of written chunks, so a crash redelivers only
 * messages whose write was not known to be complete (duplicates, never gaps). While more than {@code maxInFlight}
 * spans are waiting for the storage (an outage, or a slow backend) every partition is paused: the consumer keeps
 * its group membership but fetches nothing, and resumes once the storage caught up. A message that cannot be
 * decoded is counted, logged with its partition and offset, and skipped.
 */
final class Ingester implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Ingester.class);
  static final int CHUNK = 500;
  static final long COMMIT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
  static final long MAX_BACKOFF_MS = 5000;

  private final Consumer<byte[], byte[]> consumer;
  private final String topic;
  private final MessageDecoder decoder;
  private final SpanWriter writer;
  private final int maxInFlight;
  private final MeterRegistry meters;
  private final Duration deadlockInterval;
  private final ScheduledExecutorService retries;
  private final Thread thread;
  private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
  /** Every partition ever held, so that its meters are reused when it comes back after a rebalance. */
  private final Map<TopicPartition, PartitionState> known = new HashMap<>();
  private final AtomicLong inFlightSpans = new AtomicLong();
  private final AtomicInteger paused = new AtomicInteger();
  private final AtomicInteger held = new AtomicInteger();
  private final AtomicLong lastMessageNanos = new AtomicLong(System.nanoTime());
  private final Counter errors;
  private final Counter retryAttempts;
  private final Counter decodeFailures;
  private final Counter consumerErrors;
  private final Timer latency;
  private volatile boolean running = true;
  private volatile boolean assigned;
  private long lastCommitNanos = System.nanoTime();
  private long lastRetryLogNanos;

  Ingester(Consumer<byte[], byte[]> consumer, String topic, MessageDecoder decoder, SpanWriter writer, int maxInFlight,
      Duration deadlockInterval, MeterRegistry meters) {
    this.consumer = consumer;
    this.topic = topic;
    this.decoder = decoder;
    this.writer = writer;
    this.maxInFlight = Math.max(1, maxInFlight);
    this.meters = meters;
    this.deadlockInterval = deadlockInterval;
    this.errors = Counter.builder("jaeger_ingester_span_processor_errors")
        .description("Messages that could not be decoded (skipped) or written").register(meters);
    this.decodeFailures = Counter.builder("jaeger_ingester_span_processor_decode_failures")
        .description("Messages skipped because they could not be decoded (poison messages)").register(meters);
    this.consumerErrors = Counter.builder("jaeger_ingester_sarama_consumer_errors")
        .description("Errors of the Kafka consumer: failed offset commits, a consumer that stopped").register(meters);
    this.retryAttempts = Counter.builder("jaeger_ingester_span_processor_retry_attempts")
        .description("Storage writes retried").register(meters);
    Counter.builder("jaeger_ingester_span_processor_retry_exhausted")
        .description("Always 0: writes are retried until the storage takes them").register(meters);
    this.latency = Timer.builder("jaeger_ingester_span_processor_latency")
        .description("Time from decoding a chunk of messages until the storage took it").register(meters);
    Gauge.builder("jaeger_ingester_sarama_consumer_partitions_held", held, AtomicInteger::get).register(meters);
    Gauge.builder("jaeger_ingester_in_flight_spans", inFlightSpans, AtomicLong::get)
        .description("Spans decoded and not yet taken by the storage").register(meters);
    Gauge.builder("jaeger_ingester_paused", paused, AtomicInteger::get)
        .description("1 while consumption is paused because the storage is behind").register(meters);
    this.retries = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ingester-retry");
      t.setDaemon(true);
      return t;
    });
    this.thread = new Thread(this::run, "ingester-consumer");
  }

  void start() {
    thread.start();
    if (!deadlockInterval.isZero() && !deadlockInterval.isNegative()) {
      Counter panics = Counter.builder("jaeger_ingester_deadlockdetector_panic_issued").tag("partition", "-1")
          .register(meters);
      long interval = deadlockInterval.toNanos();
      retries.scheduleAtFixedRate(() -> {
        if (running && System.nanoTime() - lastMessageNanos.get() > interval) {
          panics.increment();
          LOG.error("no message processed within ingester.deadlockInterval={}; exiting", deadlockInterval);
          new Thread(() -> System.exit(1), "deadlock-exit").start();
        }
      }, interval, interval, TimeUnit.NANOSECONDS);
    }
  }

  /** True once the group assigned partitions to this consumer (tests wait for it). */
  boolean assigned() {
    return assigned;
  }

  private void run() {
    try {
      consumer.subscribe(List.of(topic), new Rebalance());
      while (running) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
        for (TopicPartition tp : records.partitions()) {
          handle(tp, records.records(tp));
        }
        flowControl();
        if (System.nanoTime() - lastCommitNanos >= COMMIT_INTERVAL_NANOS) {
          commit(partitions.keySet(), false);
          updateLag();
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      consumerErrors.increment();
      LOG.error("kafka consumer stopped: {}", e.toString(), e);
    } finally {
      drain(partitions.keySet(), TimeUnit.SECONDS.toNanos(10));
      try {
        commit(partitions.keySet(), true);
      } catch (RuntimeException e) {
        LOG.warn("final offset commit failed: {}", e.toString());
      }
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void handle(TopicPartition tp, List<ConsumerRecord<byte[], byte[]>> records) {
    PartitionState st = state(tp);
    lastMessageNanos.set(System.nanoTime());
    st.messages.increment(records.size());
    List<Span> spans = new ArrayList<>(Math.min(records.size(), CHUNK));
    long last = -1;
    String tenant = Tenants.DEFAULT;
    for (ConsumerRecord<byte[], byte[]> r : records) {
      String t = tenant(r);
      if (!t.equals(tenant) && !spans.isEmpty()) {
        submit(st, new Chunk(tenant, spans, last));
        spans = new ArrayList<>(CHUNK);
      }
      tenant = t;
      last = r.offset();
      st.currentOffset = r.offset();
      try {
        spans.add(decoder.decode(r.value()));
      } catch (RuntimeException e) {
        errors.increment();
        decodeFailures.increment();
        LOG.warn("skipping undecodable message topic={} partition={} offset={}: {}", tp.topic(), tp.partition(),
            r.offset(), e.getMessage());
      }
      if (spans.size() == CHUNK) {
        submit(st, new Chunk(tenant, spans, last));
        spans = new ArrayList<>(CHUNK);
      }
    }
    if (last >= 0 && (!spans.isEmpty() || st.pending.isEmpty() || st.pending.peekLast().lastOffset < last)) {
      submit(st, new Chunk(tenant, spans, last));
    }
  }

  /** The tenant the collector wrote the message for: its {@code jaeger-tenant} header, else the default. */
  static String tenant(ConsumerRecord<byte[], byte[]> r) {
    Header h = r.headers().lastHeader(KafkaSpanWriter.TENANT_HEADER);
    return h == null || h.value() == null ? Tenants.DEFAULT : new String(h.value(), StandardCharsets.UTF_8);
  }

  private PartitionState state(TopicPartition tp) {
    return partitions.computeIfAbsent(tp, k -> {
      PartitionState st = known.computeIfAbsent(k, PartitionState::new);
      st.pending.clear();
      return st;
    });
  }

  private void submit(PartitionState st, Chunk c) {
    st.pending.add(c);
    if (c.spans.isEmpty()) {
      c.done = true;
      return;
    }
    inFlightSpans.addAndGet(c.spans.size());
    write(c, 0);
  }

  private void write(Chunk c, int attempt) {
    long start = System.nanoTime();
    writer.write(c.tenant, c.spans).whenComplete((v, e) -> {
      if (e == null) {
        latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        inFlightSpans.addAndGet(-c.spans.size());
        c.done = true;
        return;
      }
      retryAttempts.increment();
      long now = System.nanoTime();
      if (now - lastRetryLogNanos > TimeUnit.SECONDS.toNanos(5)) {
        lastRetryLogNanos = now;
        LOG.warn("storage write failed, retrying (consumption pauses while {} spans wait): {}",
            inFlightSpans.get(), e.toString());
      }
      if (!running && retries.isShutdown()) {
        return;
      }
      long backoff = Math.min(MAX_BACKOFF_MS, 100L << Math.min(attempt, 6));
      try {
        retries.schedule(() -> write(c, attempt + 1), backoff, TimeUnit.MILLISECONDS);
      } catch (RuntimeException rejected) {
        // shutting down: the chunk stays uncommitted and is redelivered after restart
      }
    });
  }

  private void flowControl() {
    Set<TopicPartition> assignment = consumer.assignment();
    if (inFlightSpans.get() > maxInFlight) {
      if (paused.get() == 0) {
        LOG.info("storage is behind ({} spans waiting): pausing consumption", inFlightSpans.get());
      }
      consumer.pause(assignment);
      paused.set(1);
    } else if (paused.get() == 1) {
      consumer.resume(consumer.paused());
      paused.set(0);
      LOG.info("storage caught up: resuming consumption");
    }
  }

  /** Commits, per partition, the offset after the longest prefix of written chunks. */
  private void commit(Collection<TopicPartition> tps, boolean sync) {
    lastCommitNanos = System.nanoTime();
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition tp : tps) {
      PartitionState st = partitions.get(tp);
      if (st == null) {
        continue;
      }
      long next = -1;
      while (!st.pending.isEmpty() && st.pending.peekFirst().done) {
        next = st.pending.pollFirst().lastOffset + 1;
      }
      if (next > st.committed) {
        offsets.put(tp, new OffsetAndMetadata(next));
      }
    }
    if (offsets.isEmpty()) {
      return;
    }
    if (sync) {
      consumer.commitSync(offsets, Duration.ofSeconds(10));
      committed(offsets);
    } else {
      consumer.commitAsync(offsets, (o, e) -> {
        if (e == null) {
          committed(o);
        } else {
          consumerErrors.increment();
          LOG.warn("offset commit failed (retried with the next one): {}", e.toString());
        }
      });
    }
  }

  private void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
    offsets.forEach((tp, o) -> {
      PartitionState st = partitions.get(tp);
      if (st != null) {
        st.committed = Math.max(st.committed, o.offset());
        st.commits.increment();
      }
    });
  }

  private void updateLag() {
    for (PartitionState st : partitions.values()) {
      try {
        OptionalLong lag = consumer.currentLag(st.tp);
        if (lag.isPresent()) {
          st.lag = lag.getAsLong();
        }
      } catch (IllegalStateException e) {
        // no longer assigned
      }
    }
  }

  /** Waits (bounded) until the chunks of these partitions are written. */
  private void drain(Collection<TopicPartition> tps, long timeoutNanos) {
    long deadline = System.nanoTime() + timeoutNanos;
    for (TopicPartition tp : tps) {
      PartitionState st = partitions.get(tp);
      while (st != null && System.nanoTime() < deadline && st.pending.stream().anyMatch(c -> !c.done)) {
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    retries.shutdownNow();
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
      drain(revoked, TimeUnit.SECONDS.toNanos(10));
      try {
        commit(revoked, true);
      } catch (RuntimeException e) {
        LOG.warn("offset commit on revocation failed: {}", e.toString());
      }
      for (TopicPartition tp : revoked) {
        PartitionState st = partitions.remove(tp);
        if (st != null) {
          st.closes.increment();
          held.decrementAndGet();
        }
      }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> tps) {
      for (TopicPartition tp : new HashSet<>(tps)) {
        PartitionState st = state(tp);
        st.starts.increment();
        held.incrementAndGet();
      }
      assigned = true;
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> lost) {
      for (TopicPartition tp : lost) {
        if (partitions.remove(tp) != null) {
          held.decrementAndGet();
        }
      }
    }
  }

  /** Messages decoded from one poll of one partition, written together. */
  private static final class Chunk {
    final String tenant;
    final List<Span> spans;
    final long lastOffset;
    volatile boolean done;

    Chunk(String tenant, List<Span> spans, long lastOffset) {
      this.tenant = tenant;
      this.spans = spans;
      this.lastOffset = lastOffset;
    }
  }

  /** A held partition's chunks waiting for storage, and its meters with Jaeger's names. */
  private final class PartitionState {
    final TopicPartition tp;
    final ArrayDeque<Chunk> pending = new ArrayDeque<>();
    final Counter messages;
    final Counter commits;
    final Counter starts;
    final Counter closes;
    volatile long currentOffset = -1;
    volatile long committed = -1;
    volatile long lag;

    PartitionState(TopicPartition tp) {
      this.tp = tp;
      String[] tags = {"topic", tp.topic(), "partition", Integer.toString(tp.partition())};
      messages = Counter.builder("jaeger_ingester_sarama_consumer_messages").tags(tags).register(meters);
      commits = Counter.builder("jaeger_ingester_offset_commits").tags(tags).register(meters);
      starts = Counter.builder("jaeger_ingester_sarama_consumer_partition_start").tags(tags).register(meters);
      closes = Counter.builder("jaeger_ingester_sarama_consumer_partition_close").tags(tags).register(meters);
      Gauge.builder("jaeger_ingester_sarama_consumer_current_offset", this, s -> s.currentOffset).tags(tags)
          .strongReference(true).register(meters);
      Gauge.builder("jaeger_ingester_sarama_consumer_offset_lag", this, s -> s.lag).tags(tags)
          .strongReference(true).register(meters);
      Gauge.builder("jaeger_ingester_last_committed_offset", this, s -> s.committed).tags(tags)
          .strongReference(true).register(meters);
    }
  }
}
