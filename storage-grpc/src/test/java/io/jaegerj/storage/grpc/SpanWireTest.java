// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.TraceId;
import io.jaegerj.model.proto.ProtoConverter;
import io.jaegerj.model.proto.SpanProtoDecoder;
import io.jaegerj.model.proto.SpanProtoEncoder;
import io.jaegerj.proto.storage.ext.v1.WriteSpansRequest;
import io.jaegerj.proto.storage.v1.SpansResponseChunk;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The direct span encoder and decoder of the batch-writer call against protobuf-java's generated classes: the same
 * bytes for every span, and for every input (valid, unusual or broken) the same spans or the same failure.
 */
class SpanWireTest {
  private static final int MUTANTS = 8_000;
  private static final long MUTATION_BUDGET_NANOS = 6_000_000_000L;

  /** The generated path: parse the whole request, then convert span by span. */
  static Object reference(byte[] data) {
    WriteSpansRequest r;
    try {
      r = WriteSpansRequest.parseFrom(data);
    } catch (InvalidProtocolBufferException e) {
      return "malformed";
    }
    List<Span> out = new ArrayList<>();
    for (int i = 0; i < r.getSpansCount(); i++) {
      try {
        out.add(ProtoConverter.fromProto(r.getSpans(i)));
      } catch (IllegalArgumentException e) {
        return "refused: invalid span " + i + ": " + e.getMessage();
      }
    }
    return out;
  }

  static Object direct(byte[] data) {
    try {
      return SpanProtoDecoder.decodeRepeated(data, 0, data.length, 1);
    } catch (InvalidProtocolBufferException e) {
      return "malformed";
    } catch (IllegalArgumentException e) {
      return "refused: " + e.getMessage();
    }
  }

  static byte[] generated(List<Span> spans) {
    WriteSpansRequest.Builder b = WriteSpansRequest.newBuilder();
    spans.forEach(s -> b.addSpans(ProtoConverter.toProto(s, true)));
    return b.build().toByteArray();
  }

  @Test
  void encoder_writesTheGeneratedClassesBytes_forEveryRandomSpan() {
    List<Span> spans = new RandomSpans(1).spans(3000);
    SpanProtoEncoder encoder = new SpanProtoEncoder(spans);
    for (int i = 0; i < spans.size(); i++) {
      byte[] expected = ProtoConverter.toProto(spans.get(i), true).toByteArray();
      assertThat(encoder.size(i)).as("size of span %d", i).isEqualTo(expected.length);
      assertThat(encoder.encodeSpan(i)).as("span %d: %s", i, spans.get(i)).isEqualTo(expected);
    }
    assertThat(SpanProtoEncoder.encode(spans.get(7)))
        .isEqualTo(ProtoConverter.toProto(spans.get(7), true).toByteArray());
  }

  @Test
  void encoder_writesWholeRequestsAndChunks_asTheGeneratedMessages_inAnyRangeOrder() {
    List<Span> spans = new RandomSpans(2).spans(500);
    SpanProtoEncoder encoder = new SpanProtoEncoder(spans);
    assertThat(encoder.encodeRepeated(1, 0, spans.size())).isEqualTo(generated(spans));
    // ranges out of order, as a retry of a pushed-back chunk would encode them
    assertThat(encoder.encodeRepeated(1, 300, 500)).isEqualTo(generated(spans.subList(300, 500)));
    assertThat(encoder.encodeRepeated(1, 0, 300)).isEqualTo(generated(spans.subList(0, 300)));
    assertThat(encoder.encodeRepeated(1, 10, 10)).isEmpty();
    SpansResponseChunk.Builder chunk = SpansResponseChunk.newBuilder();
    spans.subList(5, 50).forEach(s -> chunk.addSpans(ProtoConverter.toProto(s, true)));
    assertThat(encoder.encodeRepeated(1, 5, 50)).isEqualTo(chunk.build().toByteArray());
    long sum = 0;
    for (int i = 0; i < spans.size(); i++) {
      sum += encoder.fieldSize(1, i);
    }
    assertThat(sum).isEqualTo(generated(spans).length);
  }

  @Test
  void encoder_unpairedSurrogatesAndStringsSeenBefore_sameBytesAsTheGeneratedClasses() {
    String lone = "a\uD800b"; // not UTF-8 encodable: protobuf writes '?' for the surrogate
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      spans.add(new Span(new TraceId(1, i), i + 1, lone, List.of(), 0, 10, 5,
          List.of(KeyValue.string("http.method", lone), KeyValue.string(lone, "v".repeat(60)),
              KeyValue.string("\uDC00", "é")),
          List.of(), Process.of("svc\uD83D", KeyValue.string("host", "h" + i)), List.of(lone)));
    }
    // twice: the second encoder finds every short string in the thread's cache of UTF-8 bytes
    for (int round = 0; round < 2; round++) {
      SpanProtoEncoder encoder = new SpanProtoEncoder(spans);
      assertThat(encoder.encodeRepeated(1, 0, spans.size())).as("round %d", round).isEqualTo(generated(spans));
      assertThat(encoder.encodeSpan(2)).isEqualTo(ProtoConverter.toProto(spans.get(2), true).toByteArray());
    }
  }

  @Test
  void decoder_shortStringsSeenBefore_comeOutAsTheSameInstance_longValuesDoNot() throws Exception {
    String longValue = "u".repeat(40);
    byte[] data = generated(List.of(new Span(new TraceId(1, 2), 3, "GET /dispatch", List.of(), 0, 10, 5,
        List.of(KeyValue.string("customer", "123"), KeyValue.string("http.url", longValue)), List.of(),
        Process.of("frontend", KeyValue.string("hostname", "host-1")), List.of())));
    Span a = SpanProtoDecoder.decodeRepeated(data, 0, data.length, 1).get(0);
    Span b = SpanProtoDecoder.decodeRepeated(data.clone(), 0, data.length, 1).get(0);
    assertThat(b).isEqualTo(a);
    assertThat(b.operationName()).isSameAs(a.operationName());
    assertThat(b.process().serviceName()).isSameAs(a.process().serviceName());
    assertThat(b.tags().get(0).key()).isSameAs(a.tags().get(0).key());
    assertThat(b.tags().get(0).stringValue()).isSameAs(a.tags().get(0).stringValue());
    assertThat(b.tags().get(1).stringValue()).isEqualTo(longValue).isNotSameAs(a.tags().get(1).stringValue());
  }

  @Test
  void decoder_readsRandomRequests_asTheGeneratedClasses_andGivesBackTheSpans() {
    RandomSpans random = new RandomSpans(3);
    for (int round = 0; round < 300; round++) {
      List<Span> spans = random.spans(round % 7);
      byte[] data = generated(spans);
      Object decoded = direct(data);
      assertThat(decoded).isEqualTo(reference(data));
      assertThat(decoded).isEqualTo(spans);
    }
  }

  @Test
  void decoder_spansWithTheSameProcessBytes_shareOneProcess_othersGetTheirOwn() throws Exception {
    Process shared = Process.of("svc", KeyValue.string("host", "h1"), KeyValue.int64("pid", 7));
    Process other = Process.of("svc", KeyValue.string("host", "h2"));
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      spans.add(new Span(new TraceId(1, i), i + 1, "op", List.of(), 0, 0, 0, List.of(), List.of(),
          i == 2 ? other : Process.of("svc", KeyValue.string("host", "h1"), KeyValue.int64("pid", 7)), List.of()));
    }
    byte[] data = generated(spans);
    List<Span> decoded = SpanProtoDecoder.decodeRepeated(data, 0, data.length, 1);
    assertThat(decoded).isEqualTo(spans);
    assertThat(decoded.get(1).process()).isSameAs(decoded.get(0).process()).isEqualTo(shared);
    assertThat(decoded.get(2).process()).isEqualTo(other);
    assertThat(decoded.get(3).process()).isEqualTo(shared);
  }

  @Test
  void decoder_unusualButValidEncodings_followProtobufsRules() throws Exception {
    Span a = new RandomSpans(4).span();
    io.jaegerj.proto.api_v2.Span p = ProtoConverter.toProto(a, true);
    // fields in reverse order, an unknown field, a singular message twice (merged), an ID given twice (last wins)
    ByteArrayOutputStream reversed = new ByteArrayOutputStream();
    CodedOutputStream o = CodedOutputStream.newInstance(reversed);
    o.writeString(99, "unknown");
    for (io.jaegerj.proto.api_v2.KeyValue kv : p.getTagsList()) {
      o.writeMessage(8, kv);
    }
    o.writeMessage(10, p.getProcess());
    o.writeMessage(10, io.jaegerj.proto.api_v2.Process.newBuilder().setServiceName("merged").build());
    o.writeMessage(6, Timestamp.newBuilder().setSeconds(5).build());
    o.writeMessage(6, Timestamp.newBuilder().setNanos(7000).build());
    o.writeBytes(1, ByteString.copyFrom(new byte[5]));
    o.writeBytes(1, p.getTraceId());
    o.writeBytes(2, p.getSpanId());
    o.flush();
    byte[] span = reversed.toByteArray();
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    CodedOutputStream r = CodedOutputStream.newInstance(request);
    r.writeByteArray(1, span);
    r.writeUInt64(2, 42); // unknown field of the request
    r.writeByteArray(1, ProtoConverter.toProto(a, true).toByteArray());
    r.flush();
    byte[] data = request.toByteArray();
    Object decoded = direct(data);
    assertThat(decoded).isEqualTo(reference(data));
    @SuppressWarnings("unchecked")
    List<Span> spans = (List<Span>) decoded;
    assertThat(spans).hasSize(2);
    assertThat(spans.get(0).process().serviceName()).isEqualTo("merged");
    assertThat(spans.get(0).process().tags()).isEqualTo(a.process().tags());
    assertThat(spans.get(0).startTimeMicros()).isEqualTo(5_000_007L);
    assertThat(spans.get(0).traceId()).isEqualTo(a.traceId());
    assertThat(spans.get(1)).isEqualTo(a);
  }

  @Test
  void decoder_refusesBadIdsAndEnums_namingTheSpan_asTheGeneratedClassesDo() {
    Span good = new Span(new TraceId(1, 2), 3, "op", List.of(), 0, 0, 0, List.of(KeyValue.int64("k", 1)), List.of(),
        Process.of("svc"), List.of());
    io.jaegerj.proto.api_v2.Span p = ProtoConverter.toProto(good, true);
    byte[] badTrace = WriteSpansRequest.newBuilder().addSpans(p)
        .addSpans(p.toBuilder().setTraceId(ByteString.copyFrom(new byte[5]))).build().toByteArray();
    assertThat(direct(badTrace)).isEqualTo(reference(badTrace))
        .isEqualTo("refused: invalid span 1: invalid trace_id: 5 bytes (expected: 16 or 8)");
    byte[] badType = WriteSpansRequest.newBuilder()
        .addSpans(p.toBuilder().setTags(0, p.getTags(0).toBuilder().setVTypeValue(9))).build().toByteArray();
    assertThat(direct(badType)).isEqualTo(reference(badType)).asString().startsWith("refused: invalid span 0:");
    // a refused span first and a malformed one after it: the whole request is malformed, as when parsed first
    byte[] both = Arrays.copyOf(badTrace, badTrace.length + 2);
    both[badTrace.length] = 0x0a;
    both[badTrace.length + 1] = 0x05;
    assertThat(direct(both)).isEqualTo(reference(both)).isEqualTo("malformed");
  }

  @Test
  void decoder_mutatedRequests_agreeWithTheGeneratedClasses() {
    RandomSpans random = new RandomSpans(5);
    List<byte[]> seeds = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      seeds.add(generated(random.spans(1 + i % 3)));
    }
    Random rnd = new Random(6);
    long deadline = System.nanoTime() + MUTATION_BUDGET_NANOS;
    int n = 0;
    int valid = 0;
    for (; n < MUTANTS && System.nanoTime() < deadline; n++) {
      byte[] m = mutant(seeds.get(rnd.nextInt(seeds.size())), rnd);
      Object expected = reference(m);
      assertThat(direct(m)).as("mutant %s", Arrays.toString(m)).isEqualTo(expected);
      if (expected instanceof List) {
        valid++;
      }
    }
    assertThat(n).isGreaterThanOrEqualTo(1000);
    assertThat(valid).as("mutants that still parse").isGreaterThan(n / 50);
  }

  /** One to three edits: a byte changed, inserted or removed, a cut, a slice repeated. */
  static byte[] mutant(byte[] seed, Random rnd) {
    byte[] b = seed.clone();
    for (int edits = 1 + rnd.nextInt(3); edits > 0 && b.length > 0; edits--) {
      int at = rnd.nextInt(b.length);
      switch (rnd.nextInt(5)) {
        case 0:
          b[at] = (byte) rnd.nextInt(256);
          break;
        case 1: {
          byte[] c = new byte[b.length + 1];
          System.arraycopy(b, 0, c, 0, at);
          c[at] = (byte) rnd.nextInt(256);
          System.arraycopy(b, at, c, at + 1, b.length - at);
          b = c;
          break;
        }
        case 2: {
          byte[] c = new byte[b.length - 1];
          System.arraycopy(b, 0, c, 0, at);
          System.arraycopy(b, at + 1, c, at, b.length - at - 1);
          b = c;
          break;
        }
        case 3:
          b = Arrays.copyOf(b, at);
          break;
        default: {
          int len = Math.min(b.length - at, 1 + rnd.nextInt(40));
          byte[] c = new byte[b.length + len];
          System.arraycopy(b, 0, c, 0, at + len);
          System.arraycopy(b, at, c, at + len, b.length - at);
          b = c;
        }
      }
    }
    return b;
  }
}
