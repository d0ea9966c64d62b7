// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jaegerj.collector.pipeline.SpanConsumer.Format;
import io.jaegerj.collector.pipeline.SpanConsumer.Result;
import io.jaegerj.collector.pipeline.SpanConsumer.Transport;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.TraceId;
import io.jaegerj.model.ValueType;
import io.jaegerj.storage.SpanWriter;
import io.jaegerj.testing.Poll;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SpanPipelineTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<Span> written = new CopyOnWriteArrayList<>();
  private final SpanWriter recording = (tenant, spans) -> {
    written.addAll(spans);
    return CompletableFuture.completedFuture(null);
  };
  private SpanPipeline pipeline;

  @AfterEach
  void close() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  static Span span(String service, long traceLow, long spanId, long duration) {
    return Span.builder().traceId(new TraceId(0, traceLow)).spanId(spanId).operationName("op")
        .startTimeMicros(1_700_000_000_000_000L).durationMicros(duration)
        .process(Process.of(service)).build();
  }

  private static PipelineOptions options(int queueSize, int workers, List<KeyValue> tags, double ratio) {
    return new PipelineOptions(queueSize, workers, 0, false, tags, ratio, "");
  }

  @Test
  void submit_writesSpansThroughWorkers() throws Exception {
    pipeline = SpanPipeline.start(PipelineOptions.defaults(), recording, registry);
    Result r = pipeline.submit("", List.of(span("svc", 1, 1, 10), span("svc", 1, 2, 20)), Format.PROTO, Transport.GRPC);
    assertThat(r).isEqualTo(Result.ACCEPTED);
    assertThat(pipeline.drain(Duration.ofSeconds(5))).isTrue();
    assertThat(written).extracting(Span::spanId).containsExactlyInAnyOrder(1L, 2L);
    assertThat(registry.get("jaeger_collector_spans_received")
        .tags("format", "proto", "transport", "grpc", "svc", "svc", "debug", "false").counter().count()).isEqualTo(2);
    assertThat(registry.get("jaeger_collector_traces_received").tags("sampler_type", "unrecognized")
        .counter().count()).isEqualTo(2);
    assertThat(registry.get("jaeger_collector_spans_saved_by_svc").tags("result", "ok", "svc", "svc")
        .counter().count()).isEqualTo(2);
  }

  @Test
  void submit_queueFull_rejectsAndCountsDrops() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    SpanWriter blocking = (tenant, spans) -> {
      entered.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      written.addAll(spans);
      return CompletableFuture.completedFuture(null);
    };
    pipeline = SpanPipeline.start(options(3, 1, List.of(), 1), blocking, registry);
    assertThat(pipeline.submit("", List.of(span("a", 1, 1, 1)), Format.OTLP, Transport.GRPC)).isEqualTo(Result.ACCEPTED);
    assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(pipeline.submit("", List.of(span("a", 1, 2, 1), span("a", 1, 3, 1)), Format.OTLP, Transport.GRPC))
        .isEqualTo(Result.ACCEPTED);
    assertThat(pipeline.submit("", List.of(span("a", 1, 4, 1), span("a", 1, 5, 1)), Format.OTLP, Transport.HTTP))
        .isEqualTo(Result.REJECTED_QUEUE_FULL);
    assertThat(pipeline.queuedSpans()).isEqualTo(2);
    assertThat(registry.get("jaeger_collector_spans_dropped").counter().count()).isEqualTo(2);
    assertThat(registry.get("jaeger_collector_queue_length").gauge().value()).isEqualTo(2);
    assertThat(registry.get("jaeger_collector_queue_capacity").gauge().value()).isEqualTo(3);
    release.countDown();
    assertThat(pipeline.drain(Duration.ofSeconds(5))).isTrue();
    assertThat(written).extracting(Span::spanId).containsExactlyInAnyOrder(1L, 2L, 3L);
  }

  @Test
  void submit_byteBound_rejectsWhenQueueHoldsTooManyBytes() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    SpanWriter blocking = (tenant, spans) -> {
      entered.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return CompletableFuture.completedFuture(null);
    };
    long oneSpan = SpanSizes.estimate(span("a", 1, 1, 1));
    pipeline = SpanPipeline.start(new PipelineOptions(1000, 1, oneSpan * 2, false, List.of(), 1, ""), blocking,
        registry);
    pipeline.submit("", List.of(span("a", 1, 1, 1)), Format.OTLP, Transport.GRPC);
    assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(pipeline.submit("", List.of(span("a", 1, 2, 1), span("a", 1, 3, 1)), Format.OTLP, Transport.GRPC))
        .isEqualTo(Result.ACCEPTED);
    assertThat(pipeline.submit("", List.of(span("a", 1, 4, 1)), Format.OTLP, Transport.GRPC))
        .isEqualTo(Result.REJECTED_QUEUE_FULL);
    release.countDown();
  }

  @Test
  void sanitize_jaegerPath_fixesEmptyServiceAndDuration() throws Exception {
    pipeline = SpanPipeline.start(PipelineOptions.defaults(), recording, registry);
    pipeline.submit("", List.of(span("", 1, 1, 0), span("x", 1, 2, -5)), Format.JAEGER, Transport.HTTP);
    pipeline.drain(Duration.ofSeconds(5));
    Span a = byId(1);
    assertThat(a.process().serviceName()).isEqualTo("empty-service-name");
    assertThat(a.durationMicros()).isZero();
    KeyValue tag = a.tag("InvalidNegativeDuration");
    assertThat(tag.type()).isEqualTo(ValueType.BINARY);
    assertThat(new String(tag.binaryValue(), StandardCharsets.UTF_8))
        .isEqualTo("Duration can't be negative, so it is changed to default value");
    assertThat(byId(2).durationMicros()).isZero();
    assertThat(a.tags()).extracting(KeyValue::key).containsExactly("@jaeger@format", "InvalidNegativeDuration");
    assertThat(a.tag("@jaeger@format").stringValue()).isEqualTo("jaeger");
    assertThat(registry.get("jaeger_collector_spans_received").tags("svc", "__unknown").counter().count())
        .isEqualTo(1);
  }

  @Test
  void sanitize_otlpPath_keepsZeroDuration() throws Exception {
    pipeline = SpanPipeline.start(PipelineOptions.defaults(), recording, registry);
    pipeline.submit("", List.of(span("x", 1, 1, 0)), Format.OTLP, Transport.GRPC);
    pipeline.drain(Duration.ofSeconds(5));
    assertThat(byId(1).tags()).isEmpty();
    assertThat(registry.find("jaeger_collector_spans_received").counters()).isEmpty();
  }

  @Test
  void collectorTags_jaegerPath_appendedAndSorted() throws Exception {
    List<KeyValue> tags = List.of(KeyValue.string("zone", "z1"), KeyValue.string("a", "1"));
    pipeline = SpanPipeline.start(options(100, 2, tags, 1), recording, registry);
    Span s = span("svc", 1, 1, 1).toBuilder()
        .process(Process.of("svc", KeyValue.string("zone", "z1"), KeyValue.int64("m", 3))).build();
    pipeline.submit("", List.of(s), Format.PROTO, Transport.GRPC);
    pipeline.drain(Duration.ofSeconds(5));
    assertThat(byId(1).process().tags()).extracting(KeyValue::key).containsExactly("a", "m", "zone");
  }

  @Test
  void collectorTags_otlpPath_addedOnlyWhenKeyAbsent() throws Exception {
    List<KeyValue> tags = List.of(KeyValue.string("zone", "z1"), KeyValue.string("a", "1"));
    pipeline = SpanPipeline.start(options(100, 2, tags, 1), recording, registry);
    Span s = span("svc", 1, 1, 1).toBuilder().process(Process.of("svc", KeyValue.string("zone", "other"))).build();
    pipeline.submit("", List.of(s), Format.OTLP, Transport.HTTP);
    pipeline.drain(Duration.ofSeconds(5));
    assertThat(byId(1).process().tags())
        .containsExactly(KeyValue.string("zone", "other"), KeyValue.string("a", "1"));
  }

  @Test
  void downsampling_ratioZero_dropsEverything_halfKeepsAboutHalfPerTrace() throws Exception {
    pipeline = SpanPipeline.start(options(10_000, 2, List.of(), 0), recording, registry);
    pipeline.submit("", List.of(span("a", 1, 1, 1)), Format.OTLP, Transport.GRPC);
    pipeline.drain(Duration.ofSeconds(5));
    assertThat(written).isEmpty();
    assertThat(registry.get("jaeger_downsampling_writer_spans_dropped").counter().count()).isEqualTo(1);

    Downsampler half = new Downsampler(0.5, "downsampling-default-salt");
    int kept = 0;
    for (long i = 1; i <= 10_000; i++) {
      if (half.keep(new TraceId(i * 31, i * 0x9E3779B97F4A7C15L))) {
        kept++;
      }
    }
    assertThat(kept).isBetween(4_700, 5_300);
    assertThat(new Downsampler(1, "x").enabled()).isFalse();
  }

  @Test
  void metrics_rootSpanSamplerTypeAndDebug() throws Exception {
    pipeline = SpanPipeline.start(PipelineOptions.defaults(), recording, registry);
    Span root = span("Svc Name", 1, 1, 1).toBuilder().flags(Span.FLAG_DEBUG | Span.FLAG_SAMPLED)
        .addTag(KeyValue.string("sampler.type", "probabilistic")).build();
    Span child = span("Svc Name", 1, 2, 1).toBuilder().addReference(SpanRef.childOf(new TraceId(0, 1), 1)).build();
    pipeline.submit("", List.of(root, child), Format.JAEGER, Transport.HTTP);
    pipeline.drain(Duration.ofSeconds(5));
    assertThat(registry.get("jaeger_collector_traces_received")
        .tags("svc", "svc_name", "sampler_type", "probabilistic", "debug", "true", "format", "jaeger")
        .counter().count()).isEqualTo(1);
    assertThat(registry.find("jaeger_collector_traces_saved_by_svc").counters()).hasSize(1);
    assertThat(registry.get("jaeger_collector_spans_saved_by_svc").tags("debug", "false").counter().count())
        .isEqualTo(1);
  }

  @Test
  void write_failure_countedAsErr() throws Exception {
    SpanWriter failing = (tenant, spans) -> CompletableFuture.failedFuture(new IllegalStateException("disk full"));
    pipeline = SpanPipeline.start(PipelineOptions.defaults(), failing, registry);
    pipeline.submit("", List.of(span("a", 1, 1, 1)), Format.OTLP, Transport.GRPC);
    pipeline.drain(Duration.ofSeconds(5));
    assertThat(registry.get("jaeger_collector_spans_saved_by_svc").tags("result", "err").counter().count())
        .isEqualTo(1);
    assertThat(registry.get("jaeger_collector_traces_saved_by_svc").tags("sampler_type", "unrecognized",
        "result", "err").counter().count()).isEqualTo(1);
  }

  @Test
  void drain_stopsAccepting() throws Exception {
    pipeline = SpanPipeline.start(PipelineOptions.defaults(), recording, registry);
    assertThat(pipeline.drain(Duration.ofSeconds(1))).isTrue();
    assertThat(pipeline.submit("", List.of(span("a", 1, 1, 1)), Format.OTLP, Transport.GRPC))
        .isEqualTo(Result.REJECTED_QUEUE_FULL);
  }

  @Test
  void close_stopsWorkerThreads() throws Exception {
    pipeline = SpanPipeline.start(options(10, 4, List.of(), 1), recording, registry);
    pipeline.close();
    List<String> alive = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("jaeger-collector-worker-") && t.isAlive()) {
        alive.add(t.getName());
      }
    }
    assertThat(alive).isEmpty();
  }

  private Span byId(long id) {
    return written.stream().filter(s -> s.spanId() == id).findFirst().orElseThrow();
  }

  @Test
  void submitForAck_stored_completesAfterTheWriterStage() throws Exception {
    CompletableFuture<Void> stage = new CompletableFuture<>();
    CountDownLatch entered = new CountDownLatch(1);
    SpanWriter held = (tenant, spans) -> {
      entered.countDown();
      return stage;
    };
    pipeline = SpanPipeline.start(options(100, 1, List.of(), 1).withAckMode(AckMode.STORED), held, registry);
    CompletableFuture<Result> ack = pipeline.submitForAck("", List.of(span("a", 1, 1, 1)), Format.OTLP, Transport.HTTP)
        .toCompletableFuture();
    assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
    Thread.sleep(50);
    assertThat(ack).isNotDone();
    stage.complete(null);
    assertThat(ack.get(5, TimeUnit.SECONDS)).isEqualTo(Result.ACCEPTED);
  }

  @Test
  void submitForAck_stored_writeNeverConfirmed_failsAtTheDeadline_andALateWriteDropsNothing() throws Exception {
    CompletableFuture<Void> stage = new CompletableFuture<>();
    SpanWriter never = (tenant, spans) -> stage;
    pipeline = SpanPipeline.start(options(100, 1, List.of(), 1).withAckMode(AckMode.STORED), never, registry)
        .ackDeadline(Duration.ofMillis(200));
    CompletableFuture<Result> ack = pipeline.submitForAck("", List.of(span("a", 1, 1, 1), span("a", 1, 2, 1)),
        Format.OTLP, Transport.HTTP).toCompletableFuture();
    assertThat(ack).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(SpanPipeline.AckDeadlineException.class)
        .withMessageContaining("storage did not confirm the write within 200 ms");
    // counted by the deadline timer right after it failed the stage, so possibly a moment after the caller saw it
    assertThat(Poll.read(Duration.ofSeconds(5),
        () -> registry.get("jaegerj_collector_spans_ack_deadline_passed").counter().count(), c -> c == 2))
        .isEqualTo(2);
    assertThat(pipeline.outstandingWrites()).as("the write itself is still held").isEqualTo(1);
    stage.complete(null);
    assertThat(pipeline.drain(Duration.ofSeconds(5))).isTrue();
    assertThat(registry.get("jaegerj_collector_spans_dropped_after_ack").counter().count()).isZero();
    assertThatThrownBy(() -> pipeline.ackDeadline(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void submitForAck_stored_failedWriteFailsTheStageWithTheCause() throws Exception {
    IllegalStateException cause = new IllegalStateException("disk full");
    SpanWriter failing = (tenant, spans) -> CompletableFuture.failedFuture(cause);
    pipeline = SpanPipeline.start(options(100, 1, List.of(), 1).withAckMode(AckMode.STORED), failing, registry);
    CompletableFuture<Result> ack = pipeline.submitForAck("", List.of(span("a", 1, 1, 1)), Format.OTLP, Transport.HTTP)
        .toCompletableFuture();
    assertThat(ack).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
        .withCause(cause);
    assertThat(SpanConsumer.storageFailure(new CompletionException(cause)))
        .isEqualTo("failed to write spans to storage: disk full");
    assertThat(SpanConsumer.storageFailure(new IllegalStateException()))
        .isEqualTo("failed to write spans to storage: java.lang.IllegalStateException");
  }

  @Test
  void submitForAck_stored_downsampledAwayCountsAsStored() throws Exception {
    pipeline = SpanPipeline.start(options(100, 1, List.of(), 0).withAckMode(AckMode.STORED), recording, registry);
    assertThat(pipeline.submitForAck("", List.of(span("a", 1, 1, 1)), Format.OTLP, Transport.GRPC)
        .toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(Result.ACCEPTED);
    assertThat(written).isEmpty();
  }

  @Test
  void submitForAck_queued_isCompleteAtOnce_andFullQueueRefuses() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    SpanWriter blocking = (tenant, spans) -> {
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return CompletableFuture.completedFuture(null);
    };
    pipeline = SpanPipeline.start(options(1, 1, List.of(), 1), blocking, registry);
    assertThat(pipeline.ackMode()).isEqualTo(AckMode.QUEUED);
    CompletableFuture<Result> first = pipeline.submitForAck("", List.of(span("a", 1, 1, 1)), Format.OTLP,
        Transport.GRPC).toCompletableFuture();
    assertThat(first).isCompletedWithValue(Result.ACCEPTED);
    Poll.read(Duration.ofSeconds(5), pipeline::queuedSpans, n -> n == 0);
    pipeline.submit("", List.of(span("a", 2, 1, 1)), Format.OTLP, Transport.GRPC);
    assertThat(pipeline.submitForAck("", List.of(span("a", 3, 1, 1)), Format.OTLP, Transport.GRPC)
        .toCompletableFuture()).isCompletedWithValue(Result.REJECTED_QUEUE_FULL);
    release.countDown();
  }

  @Test
  void close_failsTheStagesOfBatchesStillQueued() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    SpanWriter blocking = (tenant, spans) -> {
      entered.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return CompletableFuture.completedFuture(null);
    };
    pipeline = SpanPipeline.start(options(100, 1, List.of(), 1).withAckMode(AckMode.STORED), blocking, registry);
    CompletableFuture<Result> taken = pipeline.submitForAck("", List.of(span("a", 1, 1, 1)), Format.OTLP,
        Transport.GRPC).toCompletableFuture();
    assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Result> queued = pipeline.submitForAck("", List.of(span("a", 2, 1, 1)), Format.OTLP,
        Transport.GRPC).toCompletableFuture();
    release.countDown();
    pipeline.close();
    assertThat(taken).isCompletedWithValue(Result.ACCEPTED);
    if (!queued.isCompletedExceptionally()) {
      // the worker may have taken it before close stopped it: then it was written and acknowledged
      assertThat(queued).isCompletedWithValue(Result.ACCEPTED);
    } else {
      assertThat(queued).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
          .withMessageContaining("collector is shutting down");
    }
    assertThat(pipeline.queuedSpans()).isZero();
  }

  /** A writer that never blocks its caller and completes its stages only when the test says so. */
  private static final class ParkedWriter implements SpanWriter {
    final List<CompletableFuture<Void>> stages = new CopyOnWriteArrayList<>();
    final List<Thread> callers = new CopyOnWriteArrayList<>();

    @Override
    public CompletionStage<Void> write(String tenant, List<Span> spans) {
      callers.add(Thread.currentThread());
      CompletableFuture<Void> f = new CompletableFuture<>();
      stages.add(f);
      return f;
    }

    void completeAll() {
      for (CompletableFuture<Void> f : stages) {
        f.complete(null);
      }
    }
  }

  private static void awaitTrue(Poll.Condition c) throws Exception {
    Poll.until("condition", Duration.ofSeconds(10), c);
  }

  @Test
  void busyStorage_boundsOutstandingWrites_fillsTheQueue_andRefusesBeforeAcknowledging() throws Exception {
    ParkedWriter parked = new ParkedWriter();
    pipeline = SpanPipeline.start(options(4, 2, List.of(), 1), parked, registry);
    for (int i = 0; i < 2; i++) {
      assertThat(pipeline.submit("", List.of(span("svc", i, 1, 1)), Format.OTLP, Transport.HTTP))
          .isEqualTo(Result.ACCEPTED);
    }
    awaitTrue(() -> parked.stages.size() == 2);
    // two workers, two outstanding stages: nothing more is taken from the queue, it fills, then refuses
    for (int i = 2; i < 6; i++) {
      assertThat(pipeline.submit("", List.of(span("svc", i, 1, 1)), Format.OTLP, Transport.HTTP))
          .isEqualTo(Result.ACCEPTED);
    }
    assertThat(pipeline.saturated()).isTrue();
    assertThat(pipeline.submit("", List.of(span("svc", 9, 1, 1)), Format.OTLP, Transport.HTTP))
        .isEqualTo(Result.REJECTED_QUEUE_FULL);
    Thread.sleep(200); // give the workers a chance to (wrongly) take more
    assertThat(parked.stages).hasSize(2);
    assertThat(pipeline.queuedSpans()).isEqualTo(4);
    assertThat(pipeline.outstandingWrites()).isEqualTo(2);
    // nothing was failed: the stages are pending, and the writer was called from the workers only
    assertThat(parked.stages).noneMatch(CompletableFuture::isDone);
    assertThat(parked.callers).allMatch(t -> t.getName().startsWith("jaeger-collector-worker-"));
    Poll.until("every batch reached storage", Duration.ofSeconds(10), () -> {
      parked.completeAll();
      return parked.stages.size() >= 6;
    });
    parked.completeAll();
    assertThat(pipeline.drain(Duration.ofSeconds(5))).isTrue();
    assertThat(registry.get("jaegerj_collector_spans_refused").counter().count()).isEqualTo(1);
    assertThat(registry.get("jaegerj_collector_requests_refused").counter().count()).isEqualTo(1);
    assertThat(registry.get("jaegerj_collector_spans_dropped_after_ack").counter().count()).isZero();
    assertThat(registry.get("jaegerj_collector_storage_wait_seconds").functionCounter().count()).isGreaterThan(0.1);
    assertThat(registry.get("jaeger_collector_spans_saved_by_svc").tags("result", "ok").counter().count())
        .isEqualTo(6);
  }

  @Test
  void queuedMode_finalWriteFailure_countsDroppedAfterAck_storedModeDoesNot() throws Exception {
    SpanWriter failing = (tenant, spans) -> CompletableFuture.failedFuture(new IllegalStateException("gave up"));
    pipeline = SpanPipeline.start(options(100, 1, List.of(), 1), failing, registry);
    assertThat(pipeline.submitForAck("", List.of(span("svc", 1, 1, 1), span("svc", 1, 2, 1)), Format.OTLP,
        Transport.HTTP).toCompletableFuture().get()).isEqualTo(Result.ACCEPTED);
    assertThat(pipeline.drain(Duration.ofSeconds(5))).isTrue();
    assertThat(registry.get("jaegerj_collector_spans_dropped_after_ack").counter().count()).isEqualTo(2);
    pipeline.close();

    SimpleMeterRegistry stored = new SimpleMeterRegistry();
    pipeline = SpanPipeline.start(options(100, 1, List.of(), 1).withAckMode(AckMode.STORED), failing, stored);
    CompletableFuture<Result> ack = pipeline.submitForAck("", List.of(span("svc", 1, 1, 1)), Format.OTLP,
        Transport.HTTP).toCompletableFuture();
    assertThat(ack).failsWithin(Duration.ofSeconds(5));
    assertThat(stored.get("jaegerj_collector_spans_dropped_after_ack").counter().count()).isZero();
  }

  @Test
  void storedMode_ackWaitsForTheLateStage_andTheWorkerIsFreeMeanwhile() throws Exception {
    ParkedWriter parked = new ParkedWriter();
    pipeline = SpanPipeline.start(options(100, 1, List.of(), 1).withAckMode(AckMode.STORED), parked, registry);
    CompletableFuture<Result> first = pipeline.submitForAck("", List.of(span("svc", 1, 1, 1)), Format.OTLP,
        Transport.HTTP).toCompletableFuture();
    awaitTrue(() -> parked.stages.size() == 1);
    assertThat(first).isNotDone();
    parked.stages.get(0).complete(null);
    assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo(Result.ACCEPTED);
    CompletableFuture<Result> second = pipeline.submitForAck("", List.of(span("svc", 2, 1, 1)), Format.OTLP,
        Transport.HTTP).toCompletableFuture();
    awaitTrue(() -> parked.stages.size() == 2);
    parked.stages.get(1).complete(null);
    assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo(Result.ACCEPTED);
  }

  @Test
  void writerThrowingInsteadOfFailingItsStage_releasesTheSlot_andTheWorkerGoesOn() throws Exception {
    SpanWriter throwing = (tenant, spans) -> {
      throw new IllegalStateException("broken writer");
    };
    pipeline = SpanPipeline.start(options(100, 1, List.of(), 1), throwing, registry);
    for (int i = 0; i < 3; i++) {
      assertThat(pipeline.submit("", List.of(span("svc", i, 1, 1)), Format.OTLP, Transport.HTTP))
          .isEqualTo(Result.ACCEPTED);
    }
    assertThat(pipeline.drain(Duration.ofSeconds(5))).isTrue();
    assertThat(pipeline.outstandingWrites()).isZero();
    assertThat(registry.get("jaeger_collector_spans_saved_by_svc").tags("result", "err").counter().count())
        .isEqualTo(3);
    assertThat(registry.get("jaegerj_collector_spans_dropped_after_ack").counter().count()).isEqualTo(3);
  }
}
