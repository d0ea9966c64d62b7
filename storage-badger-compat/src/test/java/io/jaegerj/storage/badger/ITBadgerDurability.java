// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.badger;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.config.Settings;
import io.jaegerj.model.Span;
import io.jaegerj.model.Trace;
import io.jaegerj.storage.GetTraceQuery;
import io.jaegerj.storage.StorageContext;
import io.jaegerj.storage.TraceQuery;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Crash durability: the runtime runs in a child JVM with {@code SPAN_STORAGE_TYPE=badger} on fixed directories and
 * writes batches while the test kills it with SIGKILL mid-load, twice (without and with
 * {@code BADGER_CONSISTENCY=true}). Reopened on the same directories, the store must open, pass a checksum-verifying
 * scan, hold every acknowledged batch exactly, and hold any unacknowledged in-flight batch either whole or not at all.
 */
class ITBadgerDurability {
  private static final Logger log = LoggerFactory.getLogger(ITBadgerDurability.class);
  private static final int SPANS_PER_BATCH = 20;
  private static final long ACKS_BEFORE_KILL = 300;

  @TempDir Path dir;

  @Test
  void killMinus9_everyAcknowledgedBatchSurvives() throws Exception {
    long[] lastAck = new long[2];
    lastAck[0] = runAndKill(0, false);
    lastAck[1] = runAndKill(1, true);

    BadgerStorageProvider provider = new BadgerStorageProvider();
    Settings settings = Settings.defaults(provider.flags(), Map.of(
        "badger.ephemeral", "false",
        "badger.directory-key", dir.resolve("keys").toString(),
        "badger.directory-value", dir.resolve("values").toString()));
    try (BadgerStorageFactory s = (BadgerStorageFactory) provider.open("badger", settings,
        new StorageContext(new SimpleMeterRegistry(), Clock.systemUTC()))) {
      assertThat(checksumScan(s)).isPositive();
      long verified = 0;
      long[] present = new long[2];
      for (int run = 0; run < 2; run++) {
        for (long batch = 0; batch <= lastAck[run]; batch++) {
          Optional<Trace> t = s.spanReader().getTrace(GetTraceQuery.of(DurabilityChild.traceId(run, batch)));
          assertThat(t).as("acknowledged run %d batch %d", run, batch).isPresent();
          assertThat(new HashSet<>(t.get().spans()))
              .isEqualTo(new HashSet<>(DurabilityChild.batch(run, batch, SPANS_PER_BATCH)));
          verified += SPANS_PER_BATCH;
        }
        // Killing the child closes our end of its stdout, so ACK lines still in the pipe may go unread: batches
        // after the last ACK we read may be stored too. The child writes one batch at a time, so what is stored
        // must be a prefix 0..n-1 of the batches, each one whole.
        long next = lastAck[run] + 1;
        for (Optional<Trace> t; (t = s.spanReader().getTrace(GetTraceQuery.of(DurabilityChild.traceId(run, next))))
            .isPresent(); next++) {
          assertThat(new HashSet<>(t.get().spans())).as("run %d batch %d after the last ACK read is whole", run, next)
              .isEqualTo(new HashSet<>(DurabilityChild.batch(run, next, SPANS_PER_BATCH)));
        }
        present[run] = next;
        for (long later = next + 1; later <= next + 3; later++) {
          assertThat(s.spanReader().getTrace(GetTraceQuery.of(DurabilityChild.traceId(run, later))))
              .as("run %d batch %d after the first missing one", run, later).isEmpty();
        }
      }
      log.info("verified {} acknowledged spans after two kill -9 cycles (last acks read {} and {}, batches stored"
          + " {} and {})", verified, lastAck[0], lastAck[1], present[0], present[1]);
      assertThat(s.spanReader().getServices("")).containsExactly("svc-0", "svc-1", "svc-2");
      long start = DurabilityChild.BASE_MICROS + 1_000_000_000L;
      List<?> found = s.spanReader().findTraceIds(TraceQuery.builder("svc-1").operationName("op-1")
          .startTimeMinMicros(start).startTimeMaxMicros(start + 1_000_000_000L).numTraces(1_000_000).build());
      assertThat(found).hasSize((int) present[1]);
    }
  }

  /** Starts a child, waits for enough acknowledgements, kills it with SIGKILL, returns the last acknowledged batch. */
  private long runAndKill(int run, boolean consistency) throws Exception {
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        DurabilityChild.class.getName(), Integer.toString(run), Integer.toString(SPANS_PER_BATCH));
    Map<String, String> env = pb.environment();
    env.put("SPAN_STORAGE_TYPE", "badger");
    env.put("BADGER_EPHEMERAL", "false");
    env.put("BADGER_DIRECTORY_KEY", dir.resolve("keys").toString());
    env.put("BADGER_DIRECTORY_VALUE", dir.resolve("values").toString());
    env.put("BADGER_CONSISTENCY", Boolean.toString(consistency));
    pb.redirectErrorStream(true);
    Process child = pb.start();
    AtomicLong lastAck = new AtomicLong(-1);
    AtomicReference<String> ready = new AtomicReference<>();
    List<String> tail = new ArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (line.startsWith("ACK ")) {
            String[] parts = line.split(" ");
            if (Integer.parseInt(parts[1]) == run) {
              lastAck.set(Long.parseLong(parts[2]));
            }
          } else {
            if (line.startsWith("READY ")) {
              ready.set(line);
            }
            synchronized (tail) {
              tail.add(line);
            }
          }
        }
      } catch (IOException e) {
        log.debug("child output closed", e);
      }
    }, "child-output");
    reader.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (lastAck.get() < ACKS_BEFORE_KILL && child.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      synchronized (tail) {
        assertThat(child.isAlive()).as("child died early: %s", tail).isTrue();
      }
      assertThat(lastAck.get()).as("acknowledgements before the deadline").isGreaterThanOrEqualTo(ACKS_BEFORE_KILL);
    } finally {
      child.destroyForcibly();
      child.waitFor(30, TimeUnit.SECONDS);
      reader.join(10_000);
    }
    assertThat(ready.get()).isNotNull();
    assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(137);
    log.info("run {} (consistency={}) killed after batch {} was acknowledged", run, consistency, lastAck.get());
    return lastAck.get();
  }

  /** Reads every entry of every column family with checksum verification; returns the entry count. */
  private static long checksumScan(BadgerStorageFactory s) throws Exception {
    long n = 0;
    try (ReadOptions ro = new ReadOptions().setVerifyChecksums(true)) {
      for (var h : s.db().columnFamilies()) {
        try (RocksIterator it = s.db().db.newIterator(h, ro)) {
          for (it.seekToFirst(); it.isValid(); it.next()) {
            n++;
          }
          it.status();
        }
      }
    }
    return n;
  }
}
