// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.otlp;

import static io.jaegerj.collector.otlp.OtlpSeeds.kv;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Span;
import io.jaegerj.model.otlp.OtlpToModel;
import io.jaegerj.model.proto.Utf8Strings;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Differential tests: {@link OtlpProtoDecoder} must give exactly what the reference path
 * ({@code OtlpToModel.toModel(OtlpUtf8.parse(body))}) gives, spans or exception class and message, and must take its
 * direct path (no generated messages) for what exporters really send.
 */
class OtlpProtoDecoderTest {
  private static final byte[] BAD_UTF8 = {(byte) 0xff, (byte) 0xfe, (byte) 0xc3, (byte) 0x28};

  /** Spans, or the exception's class and message. */
  static Object reference(byte[] body) {
    try {
      return OtlpToModel.toModel(OtlpUtf8.parse(body));
    } catch (Exception e) {
      return e.getClass().getName() + ": " + e.getMessage();
    }
  }

  static Object decoded(byte[] body) {
    try {
      return OtlpProtoDecoder.decode(body);
    } catch (Exception e) {
      return e.getClass().getName() + ": " + e.getMessage();
    }
  }

  /** True when the direct path decoded the body by itself; any exception it may not throw fails the test. */
  static boolean direct(byte[] body) {
    try {
      OtlpProtoDecoder.decodeDirect(body);
      return true;
    } catch (OtlpProtoDecoder.Fallback | IOException e) {
      return false;
    } catch (IllegalArgumentException e) {
      // what OtlpToModel.tag throws for values Go's JSON encoder refuses (NaN in a map), as the reference does
      assertThat(reference(body)).isEqualTo(e.getClass().getName() + ": " + e.getMessage());
      return false;
    }
  }

  static void assertSame(byte[] body) {
    assertThat(decoded(body)).as(HexFormat.of().formatHex(body)).isEqualTo(reference(body));
    direct(body);
  }

  static AnyValue str(String s) {
    return AnyValue.newBuilder().setStringValue(s).build();
  }

  static ByteString bytes(int n, int fill) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) fill);
    return ByteString.copyFrom(b);
  }

  static io.opentelemetry.proto.trace.v1.Span.Builder span(int i) {
    return io.opentelemetry.proto.trace.v1.Span.newBuilder()
        .setTraceId(bytes(16, 0x10 + i)).setSpanId(bytes(8, 0x20 + i)).setName("op-" + i)
        .setStartTimeUnixNano(1_700_000_000_123_456_789L + i).setEndTimeUnixNano(1_700_000_000_223_456_000L);
  }

  /** A realistic export: two resources, scopes with and without version, every attribute kind, events, links. */
  static ExportTraceServiceRequest realistic() {
    AnyValue array = AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addValues(str("a<b>&"))
        .addValues(AnyValue.newBuilder().setIntValue(-3)).addValues(AnyValue.newBuilder().setBoolValue(false))
        .addValues(AnyValue.newBuilder().setDoubleValue(1e21))
        .addValues(AnyValue.newBuilder().setBytesValue(ByteString.copyFromUtf8("hi")))
        .addValues(AnyValue.getDefaultInstance())).build();
    AnyValue map = AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder().addValues(kv("z", str("\u2028\n")))
        .addValues(kv("a", array)).addValues(kv("m", AnyValue.getDefaultInstance()))).build();
    ExportTraceServiceRequest.Builder req = ExportTraceServiceRequest.newBuilder();
    for (int r = 0; r < 2; r++) {
      ResourceSpans.Builder rs = ResourceSpans.newBuilder().setSchemaUrl("https://opentelemetry.io/schemas/1.4.0")
          .setResource(Resource.newBuilder().addAttributes(kv("host.name", str("h" + r)))
              .addAttributes(kv("service.name", str("svc-\u00e9-" + r)))
              .addAttributes(kv("process.command_args", array))
              .addAttributes(kv("process.pid", AnyValue.newBuilder().setIntValue(1234).build()))
              .setDroppedAttributesCount(2));
      for (int s = 0; s < 2; s++) {
        ScopeSpans.Builder ss = ScopeSpans.newBuilder().setSchemaUrl("u")
            .setScope(InstrumentationScope.newBuilder().setName("lib-" + s).setVersion(s == 0 ? "1.0" : "")
                .addAttributes(kv("scope.attr", str("x"))).setDroppedAttributesCount(1));
        for (int i = 0; i < 4; i++) {
          io.opentelemetry.proto.trace.v1.Span.Builder sp = span(i).setKindValue(i + 1).setFlags(0x101)
              .addAttributes(kv("customer", str("customer-" + i)))
              .addAttributes(kv("http.status_code", AnyValue.newBuilder().setIntValue(200 + i).build()))
              .addAttributes(kv("cache.hit", AnyValue.newBuilder().setBoolValue(i % 2 == 0).build()))
              .addAttributes(kv("load", AnyValue.newBuilder().setDoubleValue(0.1 * i).build()))
              .addAttributes(kv("raw", AnyValue.newBuilder().setBytesValue(bytes(3, i)).build()))
              .addAttributes(kv("unset", AnyValue.getDefaultInstance()))
              .addAttributes(kv("map", map))
              .addAttributes(kv("\u65e5\u672c", str("\u8a9e \ud83d\ude00")))
              .setDroppedAttributesCount(1).setDroppedEventsCount(2).setDroppedLinksCount(3)
              .addEvents(io.opentelemetry.proto.trace.v1.Span.Event.newBuilder().setName("retry")
                  .setTimeUnixNano(1_700_000_000_150_000_999L).setDroppedAttributesCount(1)
                  .addAttributes(kv("message", str("step " + i))))
              .addEvents(io.opentelemetry.proto.trace.v1.Span.Event.newBuilder().setName("named")
                  .addAttributes(kv("event", str("explicit"))));
          if (i > 0) {
            sp.setParentSpanId(bytes(8, 0x20));
          }
          if (i == 1) {
            sp.setStatus(Status.newBuilder().setCodeValue(2).setMessage("boom"));
          } else if (i == 2) {
            sp.setStatus(Status.newBuilder().setCodeValue(1)).setTraceState("a=b");
          }
          if (i == 3) {
            sp.addLinks(io.opentelemetry.proto.trace.v1.Span.Link.newBuilder().setTraceId(bytes(16, 0x13))
                .setSpanId(bytes(8, 0x20)).setTraceState("t=1").setFlags(1).setDroppedAttributesCount(4)
                .addAttributes(kv("opentracing.ref_type", str("follows_from"))));
            sp.addLinks(io.opentelemetry.proto.trace.v1.Span.Link.newBuilder().setTraceId(bytes(16, 0x77))
                .setSpanId(bytes(8, 0x78)).addAttributes(kv("opentracing.ref_type", str("child_of"))));
            sp.addLinks(io.opentelemetry.proto.trace.v1.Span.Link.newBuilder());
            sp.addLinks(io.opentelemetry.proto.trace.v1.Span.Link.newBuilder().setTraceId(bytes(16, 0x79))
                .setSpanId(bytes(8, 0x7a)).addAttributes(kv("opentracing.ref_type",
                    AnyValue.newBuilder().setIntValue(1).build())));
          }
          ss.addSpans(sp);
        }
        rs.addScopeSpans(ss);
      }
      req.addResourceSpans(rs);
    }
    req.addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(ScopeSpans.newBuilder().addSpans(span(9))));
    return req.build();
  }

  @Test
  void decode_realisticRequest_directPathSameAsReference() {
    byte[] body = realistic().toByteArray();
    assertSame(body);
    assertThat(direct(body)).isTrue();
    assertThat(decoded(body)).asList().hasSize(2 * 2 * 4 + 1);
    Span first = ((List<?>) decoded(body)).stream().map(Span.class::cast).findFirst().orElseThrow();
    assertThat(first.process().serviceName()).isEqualTo("svc-\u00e9-0");
    assertThat(first.tags().get(0)).isEqualTo(KeyValue.string("otel.scope.name", "lib-0"));
  }

  @Test
  void decode_repeatedShortStrings_sharedInstancesLongOnesNot() throws Exception {
    List<Span> a = OtlpProtoDecoder.decode(realistic().toByteArray());
    List<Span> b = OtlpProtoDecoder.decode(realistic().toByteArray());
    assertThat(b).isEqualTo(a);
    assertThat(b.get(0).tags().get(2).key()).isEqualTo("customer").isSameAs(a.get(0).tags().get(2).key());
    assertThat(b.get(0).operationName()).isSameAs(a.get(0).operationName());
    String longName = "x".repeat(Utf8Strings.MAX_KEY_BYTES + 1);
    byte[] body = request(null, null, validSpan().str(5, longName));
    assertThat(OtlpProtoDecoder.decode(body).get(0).operationName()).isEqualTo(longName)
        .isNotSameAs(OtlpProtoDecoder.decode(body).get(0).operationName());
  }

  @Test
  void decode_fuzzSeedAndEmptyInputs_directPathSameAsReference() {
    for (byte[] body : List.of(OtlpSeeds.request().toByteArray(), new byte[0],
        ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.getDefaultInstance()).build()
            .toByteArray(),
        ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
            .addScopeSpans(ScopeSpans.newBuilder().addSpans(io.opentelemetry.proto.trace.v1.Span
                .getDefaultInstance()))).build().toByteArray())) {
      assertSame(body);
      assertThat(direct(body)).isTrue();
    }
  }

  @Test
  void decode_serviceNameCasesAndDurations_sameAsReference() {
    List<Resource> resources = List.of(Resource.getDefaultInstance(),
        Resource.newBuilder().addAttributes(kv("service.name", str(""))).build(),
        Resource.newBuilder().addAttributes(kv("service.name", AnyValue.newBuilder().setIntValue(1).build())).build(),
        Resource.newBuilder().addAttributes(kv("service.name", AnyValue.getDefaultInstance())).build(),
        Resource.newBuilder().addAttributes(kv("service.name", AnyValue.newBuilder().setArrayValue(
            ArrayValue.newBuilder().addValues(str("a"))).build())).build(),
        Resource.newBuilder().addAttributes(kv("service.name", str("a"))).addAttributes(kv("x", str("y")))
            .addAttributes(kv("service.name", str("b"))).build());
    long[][] times = {{5_000, 5_000}, {5_000, 4_999}, {-1, 5}, {5, -1}, {0, 0}, {-5_000_000, -1_000}};
    for (Resource r : resources) {
      for (long[] t : times) {
        byte[] body = ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
            .setResource(r).addScopeSpans(ScopeSpans.newBuilder().addSpans(span(1)
                .setStartTimeUnixNano(t[0]).setEndTimeUnixNano(t[1])))).build().toByteArray();
        assertSame(body);
        assertThat(direct(body)).isTrue();
      }
    }
  }

  @Test
  void decode_badIdLengths_sameErrorAsReference() {
    for (int n : new int[] {1, 7, 9, 15, 17}) {
      byte[] bad = ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
          .addScopeSpans(ScopeSpans.newBuilder().addSpans(span(1).setTraceId(bytes(n, 1))).addSpans(span(2)
              .setSpanId(bytes(n, 2))).addSpans(span(3).setParentSpanId(bytes(n, 3))).addSpans(span(4).addLinks(
                  io.opentelemetry.proto.trace.v1.Span.Link.newBuilder().setSpanId(bytes(n, 4)))))).build()
          .toByteArray();
      assertSame(bad);
      assertThatThrownBy(() -> OtlpProtoDecoder.decode(bad)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("invalid length for");
    }
  }

  @Test
  void decode_warningsAttribute_sameAsReference() {
    byte[] body = ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .addScopeSpans(ScopeSpans.newBuilder().addSpans(span(1).setEndTimeUnixNano(0)
            .addAttributes(kv(OtlpToModel.WARNINGS_ATTRIBUTE, AnyValue.newBuilder().setArrayValue(ArrayValue
                .newBuilder().addValues(str("w1")).addValues(AnyValue.newBuilder().setDoubleValue(2.5))).build()))
            .addAttributes(kv(OtlpToModel.WARNINGS_ATTRIBUTE, str("w2")))))).build().toByteArray();
    assertSame(body);
  }

  /** Writes fields by hand, so the tests can send what generated builders never write. */
  static final class Wire {
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private final CodedOutputStream out = CodedOutputStream.newInstance(buf);

    Wire bytes(int field, byte[] b) throws IOException {
      out.writeByteArray(field, b);
      return this;
    }

    Wire msg(int field, Wire w) throws IOException {
      return bytes(field, w.build());
    }

    Wire str(int field, String s) throws IOException {
      return bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }

    Wire varint(int field, long v) throws IOException {
      out.writeUInt64(field, v);
      return this;
    }

    Wire fixed64(int field, long v) throws IOException {
      out.writeFixed64(field, v);
      return this;
    }

    Wire fixed32(int field, int v) throws IOException {
      out.writeFixed32(field, v);
      return this;
    }

    Wire raw(byte[] b) throws IOException {
      out.writeRawBytes(b);
      return this;
    }

    Wire raw(int... b) throws IOException {
      for (int x : b) {
        out.writeRawByte((byte) x);
      }
      return this;
    }

    byte[] build() throws IOException {
      out.flush();
      return buf.toByteArray();
    }
  }

  static Wire w() {
    return new Wire();
  }

  static Wire attr(String key, Wire value) throws IOException {
    return w().str(1, key).msg(2, value);
  }

  static Wire validSpan() throws IOException {
    return w().bytes(1, bytes(16, 1).toByteArray()).bytes(2, bytes(8, 2).toByteArray()).str(5, "op")
        .fixed64(7, 1_000_000).fixed64(8, 3_000_000);
  }

  static byte[] request(Wire resource, Wire scope, Wire... spans) throws IOException {
    Wire ss = w();
    if (scope != null) {
      ss.msg(1, scope);
    }
    for (Wire s : spans) {
      ss.msg(2, s);
    }
    Wire rs = w();
    if (resource != null) {
      rs.msg(1, resource);
    }
    return w().msg(1, rs.msg(2, ss)).build();
  }

  @Test
  void decode_unusualButValidEncodings_sameAsReference() throws IOException {
    Wire svc = w().msg(1, attr("service.name", w().str(1, "svc")));
    List<byte[]> bodies = new ArrayList<>();
    // resource after the scope spans; scope after the spans; value before key; fields in reverse order
    bodies.add(w().msg(1, w().msg(2, w().msg(2, validSpan()).msg(1, w().str(2, "v").str(1, "n"))).msg(1, svc))
        .build());
    bodies.add(request(w().msg(1, w().msg(2, w().str(1, "svc")).str(1, "service.name")), null,
        w().fixed64(8, 9_000).fixed64(7, 1_000).str(5, "late").bytes(2, bytes(8, 9).toByteArray())));
    // unknown fields of every wire type at every level, and known fields with the wrong wire type
    Wire unknown = w().varint(99, 7).fixed64(98, 1).fixed32(97, 2).str(96, "x");
    bodies.add(w().msg(1, w().msg(1, w().msg(1, attr("service.name", w().str(1, "s").varint(50, 1)).varint(9, 3))
        .varint(20, 1)).msg(2, w().msg(1, w().str(1, "n").varint(9, 1).fixed32(1, 5)).msg(2, validSpan()
            .varint(99, 1).fixed32(5, 1).varint(1, 4).fixed64(6, 2).msg(15, w().varint(1, 3).str(4, "z"))
            .msg(11, w().str(2, "e").varint(1, 5).fixed32(2, 1)).msg(13, w().fixed32(6, 1).varint(1, 2)))
        .varint(4, 1)).varint(4, 2)).varint(2, 5).raw(unknown.build()).build());
    // scalars repeated (last wins), oneof scalars switching, empty value, repeated KeyValue.value
    bodies.add(request(svc, null, validSpan().str(5, "second").bytes(1, bytes(16, 3).toByteArray())
        .fixed64(8, 5_000_000).varint(6, 2).varint(6, 9).msg(9, attr("k", w().str(1, "s").varint(3, 4)))
        .msg(9, attr("k2", w().varint(3, 4).str(1, "s"))).msg(9, attr("k3", w().varint(2, 1).varint(2, 0)))
        .msg(9, w().str(1, "k4").msg(2, w().str(1, "a")).msg(2, w().varint(3, 1)))
        .msg(9, w().str(1, "k5").msg(2, w().str(1, "a")).msg(2, w()))
        .msg(9, w().str(1, "k6").msg(2, w().msg(5, w().msg(1, w().varint(3, 1)))).msg(2, w().msg(5,
            w().msg(1, w().varint(3, 2)))))
        .msg(9, attr("k7", w().msg(5, w().msg(1, w().varint(3, 1))).str(1, "x").msg(5, w().msg(1,
            w().varint(3, 2)))))
        .msg(9, attr("k8", w().msg(6, w().msg(1, attr("b", w().varint(3, 1)))).msg(6, w().msg(1,
            attr("a", w().fixed64(4, Double.doubleToLongBits(-0.0)))))))
        .msg(9, attr("k9", w().bytes(7, new byte[0]).str(1, "")))
        .msg(9, w().str(1, "k10")).msg(9, w()).varint(6, 1L << 40).varint(6, -1)));
    // a NaN inside a map: Go's JSON encoder refuses it, and so do both paths
    bodies.add(request(svc, null, validSpan().msg(9, attr("nan", w().msg(6, w().msg(1,
        attr("a", w().fixed64(4, Double.doubleToLongBits(Double.NaN)))))))));
    // repeated singular messages: resource, scope, status merge in protobuf
    bodies.add(w().msg(1, w().msg(1, svc).msg(1, w().msg(1, attr("x", w().str(1, "y")))).msg(2, w()
        .msg(2, validSpan()))).build());
    bodies.add(request(svc, w().str(1, "a"), validSpan()).clone());
    bodies.add(w().msg(1, w().msg(1, svc).msg(2, w().msg(1, w().str(1, "a")).msg(1, w().str(2, "v"))
        .msg(2, validSpan()))).build());
    bodies.add(request(svc, null, validSpan().msg(15, w().varint(3, 2)).msg(15, w().str(2, "m"))));
    bodies.add(request(svc, null, validSpan().msg(15, w().varint(3, 2).varint(3, 0).varint(3, 7))));
    // event name after attributes; link to the parent with and without type; links out of order
    bodies.add(request(svc, null, validSpan().bytes(4, bytes(8, 5).toByteArray())
        .msg(13, w().msg(4, attr("opentracing.ref_type", w().str(1, "follows_from")))
            .bytes(2, bytes(8, 5).toByteArray()).bytes(1, bytes(16, 1).toByteArray()))
        .msg(13, w().bytes(1, bytes(16, 1).toByteArray()).bytes(2, bytes(8, 5).toByteArray()))
        .msg(11, w().msg(3, attr("a", w().varint(3, 1))).str(2, "late-name").fixed64(1, 7_777_777))));
    for (byte[] b : bodies) {
      assertSame(b);
    }
    assertThat(direct(bodies.get(0))).isTrue();
    assertThat(direct(bodies.get(1))).isTrue();
    assertThat(direct(bodies.get(2))).isTrue();
    assertThat(direct(bodies.get(3))).isTrue();
  }

  @Test
  void decode_malformed_sameErrorAsReference() throws IOException {
    byte[] seed = realistic().toByteArray();
    List<byte[]> bodies = new ArrayList<>();
    bodies.add(new byte[] {0});
    bodies.add(new byte[] {0x0a});
    bodies.add(new byte[] {0x0a, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f});
    bodies.add(new byte[] {0x0b, 0x0c});
    bodies.add(new byte[] {0x0c});
    bodies.add(new byte[] {0x0e, 0x01});
    bodies.add(new byte[] {0x08, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
        (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01});
    // a group as an unknown field, well-formed and not, at the top and inside a span
    bodies.add(w().raw(0xab, 0x01, 0x08, 0x01, 0xac, 0x01).build());
    bodies.add(request(null, null, validSpan().raw(0xab, 0x01, 0x08, 0x01, 0xac, 0x01)));
    bodies.add(request(null, null, validSpan().raw(0xac, 0x01)));
    bodies.add(request(null, null, validSpan().msg(9, w().str(1, "k").msg(2, w().raw(0xac, 0x01)))));
    // nesting right at and beyond protobuf's recursion limit, in span, event and resource attributes
    for (int depth : new int[] {40, 44, 45, 46, 47, 48, 60}) {
      Wire v = w().varint(3, 1);
      for (int i = 0; i < depth; i++) {
        v = w().msg(5, w().msg(1, v));
      }
      bodies.add(request(null, null, validSpan().msg(9, attr("deep", v))));
      bodies.add(request(null, null, validSpan().msg(11, w().msg(3, attr("deep", v)))));
      bodies.add(request(w().msg(1, attr("deep", v)), null, validSpan()));
      bodies.add(request(null, null, validSpan().msg(13, w().msg(4, attr("deep", v)))));
    }
    // every prefix of a realistic request
    for (int n = 1; n < seed.length; n += 7) {
      bodies.add(Arrays.copyOf(seed, n));
    }
    int errors = 0;
    for (byte[] b : bodies) {
      assertSame(b);
      if (!(reference(b) instanceof List)) {
        errors++;
      }
    }
    assertThat(errors).isGreaterThan(bodies.size() / 2);
  }

  /** Replaces each ASCII marker by invalid UTF-8 of the same length. */
  static byte[] corrupt(byte[] wire, String marker) {
    byte[] out = wire.clone();
    byte[] needle = marker.getBytes(StandardCharsets.US_ASCII);
    outer:
    for (int i = 0; i + needle.length <= out.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (out[i + j] != needle[j]) {
          continue outer;
        }
      }
      System.arraycopy(BAD_UTF8, 0, out, i, 4);
      return out;
    }
    throw new AssertionError("marker not found: " + marker);
  }

  @Test
  void decode_invalidUtf8InEveryStringField_sameAsReference() throws IOException {
    Wire attrs = w().msg(1, attr("service.name", w().str(1, "SVC1"))).msg(1, attr("RKEY", w().str(1, "RVAL")))
        .msg(1, attr("rarr", w().msg(5, w().msg(1, w().str(1, "RARR")))));
    byte[] body = w().msg(1, w().msg(1, attrs).str(3, "RURL").msg(2, w().str(3, "SURL")
        .msg(1, w().str(1, "SCNM").str(2, "SCVR").msg(3, attr("SCKY", w().str(1, "SCVL"))))
        .msg(2, validSpan().str(5, "NAME").str(3, "TRST").msg(9, attr("SKEY", w().str(1, "SVAL")))
            .msg(9, attr("map1", w().msg(6, w().msg(1, attr("MKEY", w().str(1, "MVAL"))))))
            .msg(15, w().str(2, "STMS")).msg(11, w().str(2, "EVNM").msg(3, attr("EKEY", w().str(1, "EVAL"))))
            .msg(13, w().str(3, "LKST").msg(4, attr("LKEY", w().str(1, "LVAL"))))))).build();
    assertSame(body);
    assertThat(direct(body)).isTrue();
    int checked = 0;
    for (String m : List.of("SVC1", "RKEY", "RVAL", "RARR", "RURL", "SURL", "SCNM", "SCVR", "SCKY", "SCVL", "NAME",
        "TRST", "SKEY", "SVAL", "MKEY", "MVAL", "STMS", "EVNM", "EKEY", "EVAL", "LKST", "LKEY", "LVAL")) {
      byte[] bad = corrupt(body, m);
      assertSame(bad);
      assertThat(direct(bad)).as(m).isFalse();
      checked++;
    }
    assertThat(checked).isEqualTo(23);
    // U+FFFD itself is valid text and stays on the direct path
    byte[] replacement = request(null, null, validSpan().str(5, "a\uFFFDb"));
    assertSame(replacement);
    assertThat(direct(replacement)).isTrue();
  }

  @Test
  void decode_mutants_sameAsReference() {
    List<byte[]> seeds = List.of(realistic().toByteArray(), OtlpSeeds.request().toByteArray());
    Random rnd = new Random(7);
    int same = 0;
    int directOk = 0;
    long deadline = System.nanoTime() + 10_000_000_000L;
    for (int i = 0; i < 4000 && System.nanoTime() < deadline; i++) {
      byte[] m = OtlpDecoderFuzzTest.mutant(seeds.get(rnd.nextInt(seeds.size())), rnd);
      assertSame(m);
      same++;
      if (direct(m)) {
        directOk++;
      }
    }
    assertThat(same).isGreaterThan(500);
    assertThat(directOk).isPositive();
  }

  @Test
  void decode_invalidProtobuf_declaredExceptionOnly() {
    assertThatThrownBy(() -> OtlpProtoDecoder.decode(new byte[] {0x0a, 0x05, 0x01}))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessageContaining("truncated");
  }
}
