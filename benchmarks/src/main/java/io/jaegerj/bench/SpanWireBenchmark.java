// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.bench;

import com.google.protobuf.InvalidProtocolBufferException;
import io.jaegerj.model.Span;
import io.jaegerj.model.proto.ProtoConverter;
import io.jaegerj.model.proto.SpanProtoDecoder;
import io.jaegerj.model.proto.SpanProtoEncoder;
import io.jaegerj.proto.storage.ext.v1.WriteSpansRequest;
import io.jaegerj.storage.kafka.SpanEncoding;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The per-span wire cost of the two hops behind a collector, on batches of 200 spans decoded from the load
 * generator's OTLP requests (cycling through a pool, so the spans are not in cache). Score: spans per second; the
 * load-independent figure is {@code gc.alloc.rate.norm} with {@code -prof gc} (bytes per span).
 *
 * <ul>
 *   <li>{@code kafkaProtobuf} / {@code kafkaJson}: the storage-kafka writer's message value per span (Jaeger's one
 *       message per span), key included; {@code kafkaProtobufViaProtos}: the protobuf value through the generated
 *       api_v2 objects, as the writer did before it used {@code SpanProtoEncoder};
 *   <li>{@code remoteBatchEncodeDirect}: the grpc client's side of one {@code BatchSpanWriterPlugin/WriteSpans}
 *       call as it is made now ({@code SpanProtoEncoder}: model straight to the request's bytes, one array);
 *   <li>{@code remoteBatchDecodeDirect}: remote-storage's side of it ({@code SpanProtoDecoder}: bytes straight to
 *       the model);
 *   <li>{@code remoteBatchEncodeGenerated} / {@code remoteBatchDecodeGenerated}: the same through protobuf-java's
 *       generated classes (model to api_v2 protos to bytes, and back), as both sides did before; the reference the
 *       direct path is tested against. The same code encodes and decodes {@code GetTrace}/{@code FindTraces}
 *       chunks, so these figures hold for the read path too.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-Xms2g"})
public class SpanWireBenchmark {
  static final int POOL = 200;

  List<List<Span>> batches;
  List<byte[]> requests;
  int next;

  @Setup
  public void setup() {
    batches = Fixtures.batches(POOL, 7);
    requests = new ArrayList<>(POOL);
    for (List<Span> b : batches) {
      requests.add(encodeBatch(b));
    }
  }

  static byte[] encodeBatch(List<Span> batch) {
    WriteSpansRequest.Builder r = WriteSpansRequest.newBuilder();
    for (int i = 0, n = batch.size(); i < n; i++) {
      r.addSpans(ProtoConverter.toProto(batch.get(i), true));
    }
    return r.build().toByteArray();
  }

  private List<Span> batch() {
    return batches.get(next++ % POOL);
  }

  @Benchmark
  @OperationsPerInvocation(200)
  public void kafkaProtobuf(Blackhole bh) {
    for (Span s : batch()) {
      bh.consume(SpanEncoding.key(s));
      bh.consume(SpanEncoding.PROTOBUF.encode(s));
    }
  }

  /**
   * The protobuf value as the writer produced it before the direct encoder: the generated api_v2 objects, then
   * their bytes; the key through the trace ID's text form.
   */
  @Benchmark
  @OperationsPerInvocation(200)
  public void kafkaProtobufViaProtos(Blackhole bh) {
    for (Span s : batch()) {
      bh.consume(s.traceId().toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      bh.consume(ProtoConverter.toProto(s, true).toByteArray());
    }
  }

  @Benchmark
  @OperationsPerInvocation(200)
  public void kafkaJson(Blackhole bh) {
    for (Span s : batch()) {
      bh.consume(SpanEncoding.key(s));
      bh.consume(SpanEncoding.JSON.encode(s));
    }
  }

  @Benchmark
  @OperationsPerInvocation(200)
  public byte[] remoteBatchEncodeDirect() {
    List<Span> b = batch();
    return new SpanProtoEncoder(b).encodeRepeated(1, 0, b.size());
  }

  @Benchmark
  @OperationsPerInvocation(200)
  public List<Span> remoteBatchDecodeDirect() throws InvalidProtocolBufferException {
    byte[] r = requests.get(next++ % POOL);
    return SpanProtoDecoder.decodeRepeated(r, 0, r.length, 1);
  }

  @Benchmark
  @OperationsPerInvocation(200)
  public byte[] remoteBatchEncodeGenerated() {
    return encodeBatch(batch());
  }

  @Benchmark
  @OperationsPerInvocation(200)
  public List<Span> remoteBatchDecodeGenerated() throws InvalidProtocolBufferException {
    WriteSpansRequest r = WriteSpansRequest.parseFrom(requests.get(next++ % POOL));
    List<Span> out = new ArrayList<>(r.getSpansCount());
    for (int i = 0, n = r.getSpansCount(); i < n; i++) {
      out.add(ProtoConverter.fromProto(r.getSpans(i)));
    }
    return out;
  }
}
