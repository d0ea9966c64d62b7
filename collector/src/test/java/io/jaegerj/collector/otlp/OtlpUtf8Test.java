// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Span;
import io.jaegerj.model.otlp.OtlpToModel;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class OtlpUtf8Test {
  private static final byte[] BAD = {(byte) 0xff, (byte) 0xfe, (byte) 0xc3, (byte) 0x28};

  /** Replaces each 4-byte ASCII marker by 4 invalid UTF-8 bytes, keeping every length prefix right. */
  private static byte[] corrupt(byte[] wire, String... markers) {
    byte[] out = wire.clone();
    for (String m : markers) {
      byte[] needle = m.getBytes(StandardCharsets.US_ASCII);
      int at = indexOf(out, needle);
      assertThat(at).as(m).isGreaterThanOrEqualTo(0);
      System.arraycopy(BAD, 0, out, at, 4);
    }
    return out;
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Test
  void parse_invalidUtf8_sanitizedLikeJaeger() throws Exception {
    ExportTraceServiceRequest req = ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder()
            .addAttributes(OtlpSeeds.kv("service.name", AnyValue.newBuilder().setStringValue("svc").build()))
            .addAttributes(OtlpSeeds.kv("host", AnyValue.newBuilder().setStringValue("RVAL").build())))
        .addScopeSpans(ScopeSpans.newBuilder().addSpans(io.opentelemetry.proto.trace.v1.Span.newBuilder()
            .setTraceId(ByteString.copyFrom(new byte[16])).setSpanId(ByteString.copyFrom(new byte[8]))
            .setName("NAME").setStartTimeUnixNano(1_000_000_000L).setEndTimeUnixNano(2_000_000_000L)
            .addAttributes(OtlpSeeds.kv("SKEY", AnyValue.newBuilder().setStringValue("v").build()))
            .addAttributes(OtlpSeeds.kv("ok", AnyValue.newBuilder().setIntValue(1).build()))
            .addEvents(io.opentelemetry.proto.trace.v1.Span.Event.newBuilder().setName("e")
                .addAttributes(OtlpSeeds.kv("ev", AnyValue.newBuilder().setStringValue("EVAL").build()))))))
        .build();
    byte[] wire = corrupt(req.toByteArray(), "RVAL", "NAME", "SKEY", "EVAL");
    assertThatThrownBy(() -> ExportTraceServiceRequest.parseFrom(wire))
        .isInstanceOf(InvalidProtocolBufferException.class);

    Span s = OtlpToModel.toModel(OtlpUtf8.parse(wire)).get(0);
    assertThat(s.process().tags()).containsExactly(KeyValue.binary("host", BAD));
    assertThat(s.operationName()).isEqualTo("invalid-span-name");
    byte[] keyAndValue = new byte[6];
    System.arraycopy(BAD, 0, keyAndValue, 0, 4);
    keyAndValue[4] = ':';
    keyAndValue[5] = 'v';
    assertThat(s.tags()).containsExactly(KeyValue.int64("ok", 1), KeyValue.binary("invalid-tag-key-1", keyAndValue),
        KeyValue.binary("invalid-span-name", BAD));
    String lenient = s.logs().get(0).fields().get(1).stringValue();
    assertThat(lenient).contains("\uFFFD");
  }

  @Test
  void parse_validRequest_unchanged_otherErrorsStillFail() throws Exception {
    ExportTraceServiceRequest req = OtlpSeeds.request();
    assertThat(OtlpUtf8.parse(req.toByteArray())).isEqualTo(req);
    assertThat(OtlpUtf8.sanitize(req.toByteArray())).isEqualTo(req.toByteArray());
    assertThatThrownBy(() -> OtlpUtf8.parse(new byte[] {0x0a, 0x7f})).isInstanceOf(
        InvalidProtocolBufferException.class);
    assertThat(List.of(OtlpUtf8.valid("ok".getBytes(StandardCharsets.UTF_8)), OtlpUtf8.valid(BAD)))
        .containsExactly(true, false);
  }
}
