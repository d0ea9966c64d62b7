// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.badger;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.config.Settings;
import io.jaegerj.model.Span;
import io.jaegerj.model.TraceId;
import io.jaegerj.storage.GetTraceQuery;
import io.jaegerj.storage.StorageContext;
import io.jaegerj.storage.TraceQuery;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.FlushOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TTL in real time with the real maintenance thread: a 10 s TTL (long enough that, on a loaded CI machine, no
 * batch expires while the 300 are still being written) and a 300 ms maintenance interval. Expired traces
 * must vanish from reads, and after the purge and compaction the table files must give their space back.
 */
class ITBadgerTtl {
  private static final Logger log = LoggerFactory.getLogger(ITBadgerTtl.class);

  @TempDir Path dir;

  @Test
  void shortTtl_expiredTracesVanishFromReadsThenFromDisk() throws Exception {
    BadgerStorageProvider provider = new BadgerStorageProvider();
    Settings settings = Settings.defaults(provider.flags(), Map.of(
        "badger.ephemeral", "false",
        "badger.directory-key", dir.resolve("keys").toString(),
        "badger.directory-value", dir.resolve("values").toString(),
        "badger.span-store-ttl", "10s",
        "badger.maintenance-interval", "300ms"));
    try (BadgerStorageFactory s = (BadgerStorageFactory) provider.open("badger", settings,
        new StorageContext(new SimpleMeterRegistry(), Clock.systemUTC()))) {
      int batches = 300;
      long t0 = System.nanoTime();
      for (int b = 0; b < batches; b++) {
        List<Span> spans = DurabilityChild.batch(7, b, 20);
        s.spanWriter().write("", spans).toCompletableFuture().get();
      }
      try (FlushOptions fo = new FlushOptions().setWaitForFlush(true)) {
        s.db().db.flush(fo, s.db().columnFamilies());
      }
      long before = sstBytes();
      long writeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      TraceId last = DurabilityChild.traceId(7, batches - 1);
      assertThat(s.spanReader().getTrace(GetTraceQuery.of(last))).as("written %d ms ago", writeMillis).isPresent();
      assertThat(before).isGreaterThan(200_000);

      await(() -> s.spanReader().getTrace(GetTraceQuery.of(last)).isEmpty(), 30);
      long start = DurabilityChild.BASE_MICROS + 7 * 1_000_000_000L;
      assertThat(s.spanReader().findTraceIds(TraceQuery.builder("svc-0").startTimeMinMicros(start)
          .startTimeMaxMicros(start + 1_000_000_000L).build())).isEmpty();
      assertThat(s.spanReader().getServices("")).isEmpty();

      await(() -> sstBytes() < before / 20, 30);
      long after = sstBytes();
      log.info("table files: {} bytes with {} spans, {} bytes after expiry", before, batches * 20, after);
      assertThat(s.spanReader().getTrace(GetTraceQuery.of(DurabilityChild.traceId(7, 0)))).isEmpty();
      assertThat(s.maintenance().runMaintenance()).as("nothing left to purge").isZero();
    }
  }

  private long sstBytes() {
    long total = 0;
    for (Path sub : List.of(dir.resolve("keys"), dir.resolve("values"))) {
      List<Path> files = new ArrayList<>();
      try (Stream<Path> s = Files.list(sub)) {
        s.filter(p -> p.getFileName().toString().endsWith(".sst")).forEach(files::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      for (Path p : files) {
        try {
          total += Files.size(p);
        } catch (IOException e) {
          // deleted by a concurrent compaction
        }
      }
    }
    return total;
  }

  private static void await(BooleanSupplier condition, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within %d s", seconds).isLessThan(deadline);
      Thread.sleep(50);
    }
  }
}
