// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batches bulk actions and commits them with {@code es.bulk.workers} concurrent {@code _bulk} requests. A batch is
 * sealed when it reaches {@code es.bulk.actions} actions or {@code es.bulk.size} bytes, or every
 * {@code es.bulk.flush-interval}, or as soon as one of the {@code es.bulk.workers} committers is idle (group commit):
 * a write that finds a committer free is sent at once instead of waiting for the interval, and the writes that arrive
 * while every committer is busy are coalesced into the next bulk request. Under load the batches therefore grow
 * towards {@code es.bulk.actions} by themselves; at low load each write costs one round trip instead of up to a flush
 * interval plus a round trip, which is what a receiver waits for in {@code collector.acknowledge=stored} mode. A failed request (no connection, 5xx) is retried with exponential back-off
 * (100 ms doubling to 5 s) for up to {@link #RETRY_FOR_NANOS} before its writes fail; a 429 (of the request or of
 * items) is the server pushing back, so it is retried the same way for as long as it lasts.
 *
 * <p>The buffer is bounded: at most {@code (workers + 4) * bulk.actions} actions and {@code (workers + 4) * bulk.size}
 * bytes may be queued or in flight. A write that does not fit is neither refused nor blocks its caller: it waits in
 * arrival order (already serialized, not yet in a batch) and enters the buffer when committed batches free room, so
 * its stage simply completes later (the storage SPI's backpressure contract). The number of waiting writes is bounded
 * by the caller (the collector keeps at most {@code collector.num-workers} write stages outstanding). A write's stage
 * completes when all its actions are stored, or exceptionally with the first failure left after the retries.
 */
final class BulkProcessor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BulkProcessor.class);
  static final long RETRY_FOR_NANOS = TimeUnit.SECONDS.toNanos(30);

  /** One write call: completes when every batch holding its actions is done. */
  static final class Ticket {
    final CompletableFuture<Void> future = new CompletableFuture<>();
    private final AtomicInteger outstanding = new AtomicInteger(1);
    private volatile Throwable failure;

    void fail(Throwable t) {
      if (failure == null) {
        failure = t;
      }
    }

    void release() {
      if (outstanding.decrementAndGet() == 0) {
        if (failure != null) {
          future.completeExceptionally(failure);
        } else {
          future.complete(null);
        }
      }
    }
  }

  private record Waiting(List<byte[][]> actions, long bytes, Ticket ticket) {}

  private static final class Batch {
    final List<Ticket> itemTickets = new ArrayList<>();
    final List<byte[][]> items = new ArrayList<>();
    final List<Ticket> tickets = new ArrayList<>();
    long bytes;
  }

  private final EsClient client;
  private final String bulkPath;
  private final int maxActions;
  private final int workerCount;
  private final int maxBytes;
  private final long bufferActions;
  private final long bufferBytes;
  private final ExecutorService workers;
  private final ScheduledExecutorService timer;
  private final Counter waited;
  private final Counter failedItems;
  private final Counter storedItems;
  private final Counter bulkRequests;
  private final Counter bulkActions;
  private final Counter bulkBytes;

  private final Object lock = new Object();
  private Batch current = new Batch();
  private long pendingActions;
  private long pendingBytes;
  private int inFlight;
  private final ArrayDeque<Batch> sealed = new ArrayDeque<>();
  /** Writes that did not fit into the buffer yet, in arrival order. */
  private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
  private volatile boolean closed;

  BulkProcessor(EsClient client, EsConfig config, MeterRegistry meters, String name) {
    this.client = client;
    this.bulkPath = "/_bulk";
    this.maxActions = config.bulkActions();
    this.maxBytes = config.bulkSize();
    this.workerCount = config.bulkWorkers();
    this.bufferActions = (long) (config.bulkWorkers() + 4) * config.bulkActions();
    this.bufferBytes = (long) (config.bulkWorkers() + 4) * config.bulkSize();
    this.workers = Executors.newFixedThreadPool(config.bulkWorkers(), r -> {
      Thread t = new Thread(r, "es-bulk-" + name);
      t.setDaemon(true);
      return t;
    });
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "es-bulk-timer-" + name);
      t.setDaemon(true);
      return t;
    });
    long interval = config.bulkFlushInterval().toMillis();
    if (interval > 0) {
      timer.scheduleWithFixedDelay(this::sealCurrent, interval, interval, TimeUnit.MILLISECONDS);
    }
    this.waited = Counter.builder("jaeger.es.bulk.waited").tag("store", name)
        .description("writes that found the bulk buffer full and waited for room").register(meters);
    this.failedItems = Counter.builder("jaeger.es.bulk.failed.items").tag("store", name).register(meters);
    this.storedItems = Counter.builder("jaeger.es.bulk.stored.items").tag("store", name).register(meters);
    this.bulkRequests = Counter.builder("jaegerj.es.bulk.requests").tag("store", name)
        .description("_bulk requests sent, retries included").register(meters);
    this.bulkActions = Counter.builder("jaegerj.es.bulk.actions").tag("store", name)
        .description("actions (documents) in the _bulk requests sent, retries included").register(meters);
    this.bulkBytes = Counter.builder("jaegerj.es.bulk.bytes").tag("store", name)
        .description("uncompressed bytes of the _bulk request bodies sent, retries included").register(meters);
  }

  /**
   * Queues the actions (each an action line and a document line, both without newline) for one ticket. When the
   * buffer cannot hold them now they wait, without blocking the caller, until committed batches free room.
   */
  CompletableFuture<Void> submit(List<byte[][]> actions) {
    Ticket ticket = new Ticket();
    long bytes = 0;
    for (byte[][] a : actions) {
      bytes += a[0].length + a[1].length + 2;
    }
    synchronized (lock) {
      if (closed) {
        ticket.future.completeExceptionally(new IllegalStateException("es span writer is closed"));
        return ticket.future;
      }
      if (!waiting.isEmpty() || !fitsLocked(actions.size(), bytes)) {
        waited.increment();
        waiting.add(new Waiting(actions, bytes, ticket));
        return ticket.future;
      }
      admitLocked(actions, bytes, ticket);
    }
    ticket.release();
    return ticket.future;
  }

  /** An empty buffer takes any write, however large, so that no write waits forever. */
  private boolean fitsLocked(int actions, long bytes) {
    return pendingActions == 0 && pendingBytes == 0
        || pendingActions + actions <= bufferActions && pendingBytes + bytes <= bufferBytes;
  }

  /** Moves waiting writes into the buffer while they fit; returns their tickets to release outside the lock. */
  private List<Ticket> admitWaitingLocked() {
    List<Ticket> admitted = null;
    while (!waiting.isEmpty()) {
      Waiting w = waiting.peek();
      if (!fitsLocked(w.actions().size(), w.bytes())) {
        break;
      }
      waiting.poll();
      admitLocked(w.actions(), w.bytes(), w.ticket());
      if (admitted == null) {
        admitted = new ArrayList<>();
      }
      admitted.add(w.ticket());
    }
    return admitted == null ? List.of() : admitted;
  }

  private void admitLocked(List<byte[][]> actions, long bytes, Ticket ticket) {
    pendingActions += actions.size();
    pendingBytes += bytes;
    for (byte[][] a : actions) {
      Batch b = current;
      if (b.tickets.isEmpty() || b.tickets.get(b.tickets.size() - 1) != ticket) {
        b.tickets.add(ticket);
        ticket.outstanding.incrementAndGet();
      }
      b.items.add(a);
      b.itemTickets.add(ticket);
      b.bytes += a[0].length + a[1].length + 2;
      if (b.items.size() >= maxActions || b.bytes >= maxBytes) {
        sealLocked();
      }
    }
    sealIfCommitterIdleLocked();
  }

  /** Group commit: a committer with nothing to do takes the open batch now rather than at the next interval. */
  private void sealIfCommitterIdleLocked() {
    if (inFlight < workerCount) {
      sealLocked();
    }
  }

  private void sealCurrent() {
    synchronized (lock) {
      sealLocked();
    }
  }

  private void sealLocked() {
    if (current.items.isEmpty()) {
      return;
    }
    sealed.add(current);
    current = new Batch();
    inFlight++;
    workers.execute(this::commitNext);
  }

  private void commitNext() {
    Batch b;
    synchronized (lock) {
      b = sealed.poll();
    }
    if (b == null) {
      return;
    }
    try {
      commit(b);
    } catch (Throwable t) {
      if (t instanceof VirtualMachineError e) {
        throw e;
      }
      for (Ticket ticket : b.tickets) {
        ticket.fail(t);
      }
    } finally {
      List<Ticket> admitted;
      synchronized (lock) {
        pendingActions -= b.items.size();
        pendingBytes -= b.bytes;
        inFlight--;
        admitted = admitWaitingLocked();
        sealIfCommitterIdleLocked();
        lock.notifyAll();
      }
      for (Ticket ticket : b.tickets) {
        ticket.release();
      }
      for (Ticket ticket : admitted) {
        ticket.release();
      }
    }
  }

  private void commit(Batch b) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + RETRY_FOR_NANOS;
    long backoff = 100;
    byte[] body = body(b.items, null);
    List<Integer> positions = null;
    while (true) {
      IOException failure;
      try {
        bulkRequests.increment();
        bulkActions.increment(positions == null ? b.items.size() : positions.size());
        bulkBytes.increment(body.length);
        JsonNode r = client.ndjson("POST", bulkPath, body);
        if (!r.path("errors").asBoolean(false)) {
          storedItems.increment(positions == null ? b.items.size() : positions.size());
          return;
        }
        List<Integer> retry = new ArrayList<>();
        JsonNode items = r.path("items");
        for (int i = 0; i < items.size(); i++) {
          int pos = positions == null ? i : positions.get(i);
          JsonNode result = items.get(i).elements().next();
          int status = result.path("status").asInt(500);
          if (status == 429) {
            retry.add(pos);
          } else if (status >= 300) {
            failedItems.increment();
            b.itemTickets.get(pos).fail(new IOException("bulk item failed with status " + status + ": "
                + result.path("error")));
          } else {
            storedItems.increment();
          }
        }
        if (retry.isEmpty()) {
          log.error("bulk request had failed items; first: {}", firstError(items));
          return;
        }
        positions = retry;
        body = body(b.items, retry);
        failure = new IOException("bulk items rejected with 429");
        deadline = System.nanoTime() + RETRY_FOR_NANOS; // the server pushes back: wait, do not give up

      } catch (EsClient.EsException e) {
        if (e.status != 429 && e.status < 500) {
          throw e;
        }
        if (e.status == 429) {
          deadline = System.nanoTime() + RETRY_FOR_NANOS;
        }
        failure = e;
      } catch (IOException e) {
        failure = e;
      }
      if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoff) > deadline || closed) {
        log.error("giving up on a bulk request of {} actions", b.items.size(), failure);
        throw failure;
      }
      log.warn("bulk request failed, retrying in {} ms: {}", backoff, failure.toString());
      Thread.sleep(backoff);
      backoff = Math.min(backoff * 2, 5000);
    }
  }

  /**
   * The NDJSON body of the given items (all, or those at {@code positions}), built once at its exact size when the
   * request is sent rather than grown while the batch fills.
   */
  private static byte[] body(List<byte[][]> items, List<Integer> positions) {
    int n = positions == null ? items.size() : positions.size();
    long size = 0;
    for (int i = 0; i < n; i++) {
      byte[][] a = items.get(positions == null ? i : positions.get(i));
      size += a[0].length + a[1].length + 2;
    }
    byte[] out = new byte[Math.toIntExact(size)];
    int at = 0;
    for (int i = 0; i < n; i++) {
      byte[][] a = items.get(positions == null ? i : positions.get(i));
      System.arraycopy(a[0], 0, out, at, a[0].length);
      at += a[0].length;
      out[at++] = '\n';
      System.arraycopy(a[1], 0, out, at, a[1].length);
      at += a[1].length;
      out[at++] = '\n';
    }
    return out;
  }

  private static String firstError(JsonNode items) {
    for (JsonNode item : items) {
      JsonNode r = item.elements().next();
      if (r.has("error")) {
        return r.path("error").toString();
      }
    }
    return "";
  }

  /** Seals the open batch and waits until nothing is queued or in flight. */
  void flush(long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    synchronized (lock) {
      while (true) {
        sealLocked();
        if (inFlight == 0 && waiting.isEmpty()) {
          return;
        }
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          return;
        }
        lock.wait(left);
      }
    }
  }

  /** Writes waiting for room in the buffer. */
  int waitingWrites() {
    synchronized (lock) {
      return waiting.size();
    }
  }

  long pendingActions() {
    synchronized (lock) {
      return pendingActions;
    }
  }

  @Override
  public void close() {
    try {
      flush(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<Waiting> left;
    synchronized (lock) {
      closed = true;
      left = new ArrayList<>(waiting);
      waiting.clear();
    }
    for (Waiting w : left) {
      w.ticket().fail(new IllegalStateException("es span writer closed before the write had room in the bulk buffer"));
      w.ticket().release();
    }
    timer.shutdownNow();
    workers.shutdown();
    try {
      if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      workers.shutdownNow();
    }
  }
}
