// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.e2e.badger;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.allinone.AllInOneMain;
import io.jaegerj.e2e.badger.Kill9Harness.Child;
import io.jaegerj.e2e.badger.Kill9Harness.Load;
import io.jaegerj.e2e.badger.Kill9Harness.Readback;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Zero loss of acknowledged spans on kill -9: the all-in-one runs as a child JVM with default flags and a persistent
 * badger store ({@code SPAN_STORAGE_TYPE=badger}, {@code BADGER_EPHEMERAL=false}), so {@code --collector.acknowledge}
 * resolves to {@code stored} and HTTP 200 means "written to the store's WAL". Several threads post OTLP/HTTP
 * protobuf requests (5 spans, one new trace each); the child is killed with SIGKILL in the middle of the load and
 * restarted on the same directories. Asserted: every span of every request answered 200 is readable over
 * {@code /api/traces}, and every trace (one request, one storage batch) is whole or absent.
 */
final class ITAllInOneBadgerKill9Test {
  private static final Logger LOG = LoggerFactory.getLogger(ITAllInOneBadgerKill9Test.class);
  private static final int THREADS = 4;

  @TempDir
  Path dir;

  @Test
  void kill9_underOtlpHttpLoad_everyAcknowledgedSpanIsReadableAfterRestart() throws Exception {
    Kill9Harness harness = Kill9Harness.create();
    Child first = Child.start(AllInOneMain.class, AllInOneMain.spec(), dir, "first", Map.of(), List.of());
    Load load;
    try {
      assertThat(first.output()).as("auto resolves to stored for persistent badger")
          .contains(Kill9Harness.STORED_LOG_LINE);
      load = harness.runAndKill(first, r -> Kill9Harness.postOtlpHttp(first, r), THREADS, Duration.ofSeconds(4));
    } finally {
      first.process.destroyForcibly();
    }
    assertThat(load.acknowledged()).as("acknowledged during the load").hasSizeGreaterThan(100);

    Child second = Child.start(AllInOneMain.class, AllInOneMain.spec(), dir, "second", Map.of(), List.of());
    try {
      Readback rb = Kill9Harness.readBack(second, load);
      Kill9Harness.reportAndAssertNoAcknowledgedLoss(LOG, "all-in-one, OTLP/HTTP, acknowledge=auto->stored", load, rb);

      // the restarted binary still takes writes on the recovered store, and answers only once they are stored
      Kill9Harness next = Kill9Harness.create();
      Kill9Harness.postOtlpHttp(second, next.request(1));
      String id = next.traceIdHex(1);
      assertThat(second.spansOf(id)).as("readable as soon as acknowledged").isEqualTo(Kill9Harness.SPANS_PER_REQUEST);
    } finally {
      second.stop();
    }
    assertThat(second.process.waitFor(0, TimeUnit.SECONDS)).isTrue();
  }
}
