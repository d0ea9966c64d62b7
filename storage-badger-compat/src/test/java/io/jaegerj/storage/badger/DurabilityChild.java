// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.badger;

import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.TraceId;
import io.jaegerj.server.BinarySpec;
import io.jaegerj.server.JaegerMain;
import io.jaegerj.storage.SpanWriter;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The child process of {@link ITBadgerDurability}: starts the real runtime (storage chosen by
 * {@code SPAN_STORAGE_TYPE} and the {@code BADGER_*} environment), then writes one trace per batch forever, printing
 * {@code ACK <run> <batch>} after each acknowledged write, until it is killed.
 *
 * <p>Arguments: run number, spans per batch.
 */
final class DurabilityChild {
  static final long BASE_MICROS = 1_700_000_000_000_000L;

  private DurabilityChild() {}

  public static void main(String[] args) throws Exception {
    int run = Integer.parseInt(args[0]);
    int spansPerBatch = Integer.parseInt(args[1]);
    PrintStream out = System.out;
    BinarySpec spec = new BinarySpec("jaeger-all-in-one", "durability test child", "memory", ":14269", true,
        List.of());
    JaegerMain.Running running = JaegerMain.start(spec, new String[] {"--admin.http.host-port=127.0.0.1:0"},
        System.getenv());
    SpanWriter writer = running.storage().writer();
    out.println("READY " + running.adminPort());
    out.flush();
    for (long batch = 0; ; batch++) {
      writer.write("", batch(run, batch, spansPerBatch)).toCompletableFuture().get();
      out.println("ACK " + run + " " + batch);
      out.flush();
    }
  }

  static TraceId traceId(int run, long batch) {
    return new TraceId(run + 1, batch + 1);
  }

  /** One trace of {@code n} spans: a root and children over three services, with tags, logs and process tags. */
  static List<Span> batch(int run, long batch, int n) {
    TraceId tid = traceId(run, batch);
    long start = BASE_MICROS + run * 1_000_000_000L + batch * 1_000L;
    List<Span> spans = new ArrayList<>(n);
    for (int j = 1; j <= n; j++) {
      Span.Builder b = Span.builder()
          .traceId(tid)
          .spanId(((long) run << 48) | (batch << 16) | j)
          .operationName("op-" + (j % 5))
          .startTimeMicros(start + j)
          .durationMicros(j * 10L)
          .addTag(KeyValue.int64("batch", batch))
          .addTag(KeyValue.string("payload", "x".repeat(64)))
          .addLog(new Log(start + j + 1, List.of(KeyValue.string("event", "e" + j))))
          .process(Process.of("svc-" + (j % 3), KeyValue.string("host", "h" + run)));
      if (j > 1) {
        b.addReference(SpanRef.childOf(tid, ((long) run << 48) | (batch << 16) | 1));
      }
      spans.add(b.build());
    }
    return spans;
  }
}
