// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.util.JsonFormat;
import com.twitter.zipkin.thriftjava.Annotation;
import com.twitter.zipkin.thriftjava.AnnotationType;
import com.twitter.zipkin.thriftjava.BinaryAnnotation;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import io.jaegerj.model.proto.ProtoConverter;
import io.jaegerj.proto.api_v2.Batch;
import io.jaegerj.proto.api_v2.CollectorServiceGrpc;
import io.jaegerj.proto.api_v2.PostSpansRequest;
import io.jaegertracing.internal.JaegerSpan;
import io.jaegertracing.internal.JaegerTracer;
import io.jaegertracing.internal.reporters.RemoteReporter;
import io.jaegertracing.internal.samplers.ConstSampler;
import io.jaegertracing.spi.Sender;
import io.jaegertracing.thrift.internal.senders.HttpSender;
import io.jaegertracing.thrift.internal.senders.UdpSender;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TList;
import org.apache.thrift.protocol.TType;
import org.apache.thrift.transport.TMemoryBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import zipkin2.Endpoint;
import zipkin2.codec.SpanBytesEncoder;
import zipkin2.reporter.AsyncReporter;
import zipkin2.reporter.Encoding;
import zipkin2.reporter.urlconnection.URLConnectionSender;

/**
 * One logical trace, sent over every ingestion protocol of the collector with real clients or real encoders, reads
 * back from storage the same once the documented per-protocol differences are normalised away.
 *
 * <p>The logical trace: a root SERVER span "GET /dispatch" of service "frontend" and its child CLIENT span
 * "SELECT customer" of service "backend", each with a string, a bool, an int64 and a float tag, an event on the root
 * (name "cache-miss" plus an int64 attribute), a process tag {@code region=eu}, and a fresh 128-bit trace ID per
 * protocol.
 *
 * <p>Normalisation (what {@link #normalise} drops or compares separately, and why):
 * <ul>
 *   <li>{@code span.kind} is compared as the span kind, not as a tag (every protocol carries it: OTLP kind, Jaeger
 *       tag, Zipkin v2 kind, Zipkin v1 core annotations).</li>
 *   <li>Span tags added by a protocol or a client, not by the user: {@code otel.scope.name} and
 *       {@code otel.scope.version} (OTLP scope, spec §3.4), {@code @jaeger@format} (Jaeger's own protocols, §4.1),
 *       {@code sampler.type} and {@code sampler.param} (jaeger-client on its root span only). The test asserts that
 *       these are exactly the extra keys each protocol produces.</li>
 *   <li>Process tags added by jaeger-client: {@code hostname}, {@code ip}, {@code jaeger.version}
 *       (jaeger-client 1.8.1 sends no {@code client-uuid}). Zipkin carries no process tags (no endpoint IPs are set
 *       here), so the expected process tags are empty there.</li>
 *   <li>Log fields: OTLP, api_v2 and jaeger.thrift carry the event attributes; a Zipkin annotation carries only its
 *       value, which becomes the single field {@code event} (§3.5).</li>
 *   <li>Tag types: Zipkin tags are strings on the wire (the v2 model, and zipkin2's v1 encoders write every binary
 *       annotation as STRING), and the collector does not parse them back into numbers (§3.5 "other tags"), so the
 *       bool, int64 and float tags arrive as STRING {@code "true"}, {@code "3"}, {@code "0.25"}; every other protocol
 *       keeps BOOL, INT64 and FLOAT64. Zipkin v1 Thrift can carry typed binary annotations; those keep their types
 *       ({@link #zipkinV1Thrift_typedBinaryAnnotations_keepTypes}).</li>
 *   <li>Operation names: zipkin2's {@code Span.Builder} lower-cases them on the client, before the wire; the
 *       collector itself keeps case (checked with hand-written JSON).</li>
 *   <li>Span IDs are compared as structure (which operation is whose parent), since jaeger-client picks its own.</li>
 * </ul>
 */
class SameTraceEveryProtocolTest {
  private static final long T = 1_700_000_000_123_456L;
  private static final String ROOT_SVC = "frontend";
  private static final String ROOT_OP = "GET /dispatch";
  private static final long ROOT_START = T;
  private static final long ROOT_DURATION = 9_000;
  private static final String CHILD_SVC = "backend";
  private static final String CHILD_OP = "SELECT customer";
  private static final long CHILD_START = T + 1_000;
  private static final long CHILD_DURATION = 5_000;
  private static final long EVENT_TS = T + 100;
  private static final String EVENT = "cache-miss";

  /** User tags, typed: root and child use different keys and values so that a mix-up shows. */
  private static final List<KeyValue> ROOT_TAGS = List.of(KeyValue.string("customer", "123"),
      KeyValue.bool("cached", true), KeyValue.int64("retries", 3), KeyValue.float64("ratio", 0.25));
  private static final List<KeyValue> CHILD_TAGS = List.of(KeyValue.string("db.system", "mysql"),
      KeyValue.bool("pooled", false), KeyValue.int64("rows", 7), KeyValue.float64("cost", 1.5));
  private static final List<KeyValue> EVENT_FIELDS = List.of(KeyValue.string("event", EVENT),
      KeyValue.int64("attempt", 2));
  private static final KeyValue REGION = KeyValue.string("region", "eu");

  private static final Set<String> PROTOCOL_SPAN_TAGS = Set.of("span.kind", "otel.scope.name", "otel.scope.version",
      "@jaeger@format", "sampler.type", "sampler.param");
  private static final Set<String> CLIENT_PROCESS_TAGS = Set.of("hostname", "ip", "jaeger.version");
  private static final Set<String> OTLP_ADDED = Set.of("otel.scope.name", "otel.scope.version", "span.kind");
  private static final Set<String> API_V2_ADDED = Set.of("span.kind", "@jaeger@format");
  private static final Set<String> CLIENT_ROOT_ADDED = Set.of("span.kind", "@jaeger@format", "sampler.type",
      "sampler.param");
  private static final Set<String> ZIPKIN_ADDED = Set.of("span.kind");

  private static TestCollector collector;
  private static ManagedChannel otlpChannel;
  private static ManagedChannel jaegerChannel;
  private static int zipkinPort;
  private static int udpPort;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    zipkinPort = freeTcpPort();
    udpPort = freeUdpPort();
    Map<String, String> o = new HashMap<>();
    o.put("collector.zipkin.host-port", "127.0.0.1:" + zipkinPort);
    o.put("processor.jaeger-compact.server-host-port", "127.0.0.1:" + udpPort);
    collector = new TestCollector(o);
    otlpChannel = NettyChannelBuilder.forAddress("127.0.0.1", collector.otlpGrpcPort()).usePlaintext().build();
    jaegerChannel = NettyChannelBuilder.forAddress("127.0.0.1", collector.jaegerGrpcPort()).usePlaintext().build();
  }

  @AfterAll
  static void stop() throws Exception {
    otlpChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    jaegerChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    collector.close();
  }

  /** Each protocol sends the logical trace and answers the trace ID it used. */
  enum Protocol {
    OTLP_GRPC(true, OTLP_ADDED, OTLP_ADDED, Set.of(), id -> {
      TraceServiceGrpc.newBlockingStub(otlpChannel).export(otlp(id));
      return id;
    }),
    OTLP_HTTP_PROTOBUF(true, OTLP_ADDED, OTLP_ADDED, Set.of(), id -> {
      post(collector.otlpHttpPort(), "/v1/traces", "application/x-protobuf", otlp(id).toByteArray());
      return id;
    }),
    OTLP_HTTP_JSON(true, OTLP_ADDED, OTLP_ADDED, Set.of(), id -> {
      post(collector.otlpHttpPort(), "/v1/traces", "application/json", otlpJson(id));
      return id;
    }),
    JAEGER_GRPC(true, API_V2_ADDED, API_V2_ADDED, Set.of(), id -> {
      postSpans(id);
      return id;
    }),
    JAEGER_THRIFT_HTTP(true, CLIENT_ROOT_ADDED, API_V2_ADDED, CLIENT_PROCESS_TAGS, id -> jaegerClient(
        () -> new HttpSender.Builder("http://127.0.0.1:" + collector.jaegerHttpPort() + "/api/traces").build())),
    JAEGER_UDP_COMPACT(true, CLIENT_ROOT_ADDED, API_V2_ADDED, CLIENT_PROCESS_TAGS,
        id -> jaegerClient(() -> udpSender())),
    ZIPKIN_V2_JSON(false, ZIPKIN_ADDED, ZIPKIN_ADDED, Set.of(), id -> {
      zipkinReporter(Encoding.JSON, zipkin2.reporter.SpanBytesEncoder.JSON_V2, id);
      return id;
    }),
    ZIPKIN_V2_PROTO3(false, ZIPKIN_ADDED, ZIPKIN_ADDED, Set.of(), id -> {
      zipkinReporter(Encoding.PROTO3, zipkin2.reporter.SpanBytesEncoder.PROTO3, id);
      return id;
    }),
    ZIPKIN_V1_JSON(false, ZIPKIN_ADDED, ZIPKIN_ADDED, Set.of(), id -> {
      post(zipkinPort, "/api/v1/spans", "application/json", SpanBytesEncoder.JSON_V1.encodeList(zipkin(id)));
      return id;
    }),
    ZIPKIN_V1_THRIFT(false, ZIPKIN_ADDED, ZIPKIN_ADDED, Set.of(), id -> {
      post(zipkinPort, "/api/v1/spans", "application/x-thrift", SpanBytesEncoder.THRIFT.encodeList(zipkin(id)));
      return id;
    });

    /** Whether tags keep their types and log fields beyond the event name (false: Zipkin). */
    final boolean typed;
    /** Keys of the span tags the protocol or its client adds on the root, on the child, and to the process. */
    final Set<String> rootAdded;
    final Set<String> childAdded;
    final Set<String> processAdded;
    final Send sender;

    Protocol(boolean typed, Set<String> rootAdded, Set<String> childAdded, Set<String> processAdded, Send sender) {
      this.typed = typed;
      this.rootAdded = rootAdded;
      this.childAdded = childAdded;
      this.processAdded = processAdded;
      this.sender = sender;
    }

    interface Send {
      TraceId send(TraceId fresh) throws Exception;
    }
  }

  /** A span reduced to what every protocol must agree on; the parent is named by its operation. */
  record Normalised(String service, List<KeyValue> processTags, String operation, String parentOperation,
      long startMicros, long durationMicros, String kind, List<KeyValue> tags, List<Log> logs) {}

  @ParameterizedTest(name = "{0}")
  @EnumSource(Protocol.class)
  void send_logicalTrace_readsBackTheSameAfterNormalisation(Protocol protocol) throws Exception {
    TraceId fresh = new TraceId(ThreadLocalRandom.current().nextLong() | 1L << 62,
        ThreadLocalRandom.current().nextLong() | 1);
    TraceId id = protocol.sender.send(fresh);
    assertThat(id.high()).as("128-bit trace ID").isNotZero();

    Trace trace = collector.awaitTrace(id, 2);
    assertThat(trace.spans()).as(protocol.name()).hasSize(2).allSatisfy(s -> assertThat(s.traceId()).isEqualTo(id));
    // What normalisation drops is exactly what this protocol is known to add, nothing more.
    for (Span s : trace.spans()) {
      boolean root = s.parentSpanId() == 0;
      Set<String> user = keys(root ? ROOT_TAGS : CHILD_TAGS);
      assertThat(s.tags().stream().map(KeyValue::key).filter(k -> !user.contains(k)))
          .as("%s %s: tags beyond the user's", protocol, s.operationName())
          .containsExactlyInAnyOrderElementsOf(root ? protocol.rootAdded : protocol.childAdded);
      assertThat(s.process().tags().stream().map(KeyValue::key).filter(k -> !k.equals(REGION.key())))
          .as("%s %s: process tags beyond the user's", protocol, s.operationName())
          .containsExactlyInAnyOrderElementsOf(protocol.processAdded);
    }
    List<Normalised> got = normalise(trace);
    assertThat(got).as(protocol.name()).containsExactlyElementsOf(expected(protocol.typed));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = Protocol.class, names = "ZIPKIN_.*", mode = EnumSource.Mode.MATCH_ANY)
  void zipkin_typedTags_arriveAsStrings(Protocol protocol) throws Exception {
    TraceId id = protocol.sender.send(new TraceId(0x5a5a_0000_0000_0001L, ThreadLocalRandom.current().nextLong() | 1));
    Span root = collector.awaitTrace(id, 2).spans().stream().filter(s -> s.parentSpanId() == 0)
        .findFirst().orElseThrow();
    // What the spec (§3.5 "other tags") says: STRING, not parsed back into BOOL, INT64 or FLOAT64.
    assertThat(root.tag("cached")).as(protocol.name()).isEqualTo(KeyValue.string("cached", "true"));
    assertThat(root.tag("retries")).isEqualTo(KeyValue.string("retries", "3"));
    assertThat(root.tag("ratio")).isEqualTo(KeyValue.string("ratio", "0.25"));
    assertThat(root.logs()).containsExactly(new Log(EVENT_TS, List.of(KeyValue.string("event", EVENT))));
  }

  @Test
  void zipkinV2_handWrittenJson_operationNameCaseKept() throws Exception {
    TraceId id = new TraceId(0x7a7a_0000_0000_0001L, ThreadLocalRandom.current().nextLong() | 1);
    String json = "[{\"traceId\":\"" + id.toHex32() + "\",\"id\":\"0000000000000001\",\"name\":\"" + ROOT_OP
        + "\",\"kind\":\"SERVER\",\"timestamp\":" + ROOT_START + ",\"duration\":" + ROOT_DURATION
        + ",\"localEndpoint\":{\"serviceName\":\"" + ROOT_SVC + "\"},\"tags\":{\"retries\":\"3\"}}]";
    post(zipkinPort, "/api/v2/spans", "application/json", json.getBytes(StandardCharsets.UTF_8));
    Span root = collector.awaitTrace(id, 1).spans().get(0);
    assertThat(root.operationName()).isEqualTo(ROOT_OP);
    assertThat(root.tag("retries")).isEqualTo(KeyValue.string("retries", "3"));
  }

  /**
   * The one Zipkin wire form that can carry types: v1 Thrift binary annotations typed BOOL, I64 and DOUBLE (written
   * here with the generated zipkincore classes, since zipkin2's encoder only writes STRING) keep their types (§3.5).
   */
  @Test
  void zipkinV1Thrift_typedBinaryAnnotations_keepTypes() throws Exception {
    TraceId id = new TraceId(0x3c3c_0000_0000_0001L, ThreadLocalRandom.current().nextLong() | 1);
    com.twitter.zipkin.thriftjava.Endpoint host = new com.twitter.zipkin.thriftjava.Endpoint(0, (short) 0, ROOT_SVC);
    List<BinaryAnnotation> annotations = List.of(
        binaryAnnotation("customer", "123".getBytes(StandardCharsets.UTF_8), AnnotationType.STRING, host),
        binaryAnnotation("cached", new byte[] {1}, AnnotationType.BOOL, host),
        binaryAnnotation("retries", ByteBuffer.allocate(8).putLong(3).array(), AnnotationType.I64, host),
        binaryAnnotation("ratio", ByteBuffer.allocate(8).putDouble(0.25).array(), AnnotationType.DOUBLE, host));
    com.twitter.zipkin.thriftjava.Span span = new com.twitter.zipkin.thriftjava.Span(id.low(), ROOT_OP, 1,
        List.of(new Annotation(ROOT_START, "sr").setHost(host),
            new Annotation(ROOT_START + ROOT_DURATION, "ss").setHost(host),
            new Annotation(EVENT_TS, EVENT).setHost(host)),
        annotations).setTrace_id_high(id.high()).setTimestamp(ROOT_START).setDuration(ROOT_DURATION);
    TMemoryBuffer buf = new TMemoryBuffer(512);
    TBinaryProtocol out = new TBinaryProtocol(buf);
    out.writeListBegin(new TList(TType.STRUCT, 1));
    span.write(out);
    out.writeListEnd();
    post(zipkinPort, "/api/v1/spans", "application/x-thrift", Arrays.copyOf(buf.getArray(), buf.length()));

    Span root = collector.awaitTrace(id, 1).spans().get(0);
    assertThat(root.operationName()).isEqualTo(ROOT_OP);
    assertThat(root.process().serviceName()).isEqualTo(ROOT_SVC);
    assertThat(root.spanKind()).isEqualTo("server");
    assertThat(root.startTimeMicros()).isEqualTo(ROOT_START);
    assertThat(root.durationMicros()).isEqualTo(ROOT_DURATION);
    assertThat(sorted(without(root.tags(), PROTOCOL_SPAN_TAGS))).isEqualTo(sorted(ROOT_TAGS));
    assertThat(root.logs()).containsExactly(new Log(EVENT_TS, List.of(KeyValue.string("event", EVENT))));
  }

  private static BinaryAnnotation binaryAnnotation(String key, byte[] value,
      AnnotationType type, com.twitter.zipkin.thriftjava.Endpoint host) {
    return new BinaryAnnotation(key, ByteBuffer.wrap(value), type).setHost(host);
  }

  static List<Normalised> expected(boolean typed) {
    Function<List<KeyValue>, List<KeyValue>> tags = l -> sorted(typed ? l : l.stream().map(
        SameTraceEveryProtocolTest::asZipkinString).toList());
    List<KeyValue> process = typed ? List.of(REGION) : List.of();
    List<KeyValue> eventFields = typed ? EVENT_FIELDS : EVENT_FIELDS.subList(0, 1);
    // zipkin2.Span.Builder lower-cases span names before they reach the wire; the collector keeps case (see
    // zipkinV2_handWrittenJson_operationNameCaseKept).
    String rootOp = typed ? ROOT_OP : ROOT_OP.toLowerCase(Locale.ROOT);
    String childOp = typed ? CHILD_OP : CHILD_OP.toLowerCase(Locale.ROOT);
    return List.of(
        new Normalised(ROOT_SVC, process, rootOp, null, ROOT_START, ROOT_DURATION, "server", tags.apply(ROOT_TAGS),
            List.of(new Log(EVENT_TS, sorted(eventFields)))),
        new Normalised(CHILD_SVC, process, childOp, rootOp, CHILD_START, CHILD_DURATION, "client",
            tags.apply(CHILD_TAGS), List.of()));
  }

  static List<Normalised> normalise(Trace trace) {
    Map<Long, String> operations = new HashMap<>();
    for (Span s : trace.spans()) {
      operations.put(s.spanId(), s.operationName());
    }
    List<Normalised> out = new ArrayList<>();
    for (Span s : trace.spans()) {
      String parent = s.parentSpanId() == 0 ? null : operations.getOrDefault(s.parentSpanId(), "<missing>");
      List<Log> logs = s.logs().stream().map(l -> new Log(l.timestampMicros(), sorted(l.fields()))).toList();
      out.add(new Normalised(s.process().serviceName(), sorted(without(s.process().tags(), CLIENT_PROCESS_TAGS)),
          s.operationName(), parent, s.startTimeMicros(), s.durationMicros(), s.spanKind(),
          sorted(without(s.tags(), PROTOCOL_SPAN_TAGS)), logs));
    }
    out.sort(Comparator.comparing(Normalised::startMicros));
    return out;
  }

  private static Set<String> keys(List<KeyValue> tags) {
    return tags.stream().map(KeyValue::key).collect(Collectors.toSet());
  }

  private static List<KeyValue> without(List<KeyValue> tags, Set<String> keys) {
    Predicate<KeyValue> drop = kv -> keys.contains(kv.key());
    return tags.stream().filter(drop.negate()).toList();
  }

  private static List<KeyValue> sorted(List<KeyValue> tags) {
    return tags.stream().sorted(Comparator.comparing(KeyValue::key)).toList();
  }

  /** The STRING tag a Zipkin client carries for a typed value: Java's text of the value. */
  private static KeyValue asZipkinString(KeyValue kv) {
    return KeyValue.string(kv.key(), kv.asString());
  }

  // ---- OTLP ----

  static ExportTraceServiceRequest otlp(TraceId id) {
    ByteString traceId = ByteString.copyFrom(traceIdBytes(id));
    io.opentelemetry.proto.trace.v1.Span root = io.opentelemetry.proto.trace.v1.Span.newBuilder()
        .setTraceId(traceId).setSpanId(spanId(1)).setName(ROOT_OP)
        .setKind(io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_SERVER)
        .setStartTimeUnixNano(ROOT_START * 1000).setEndTimeUnixNano((ROOT_START + ROOT_DURATION) * 1000)
        .addAllAttributes(otlpAttributes(ROOT_TAGS))
        .addEvents(io.opentelemetry.proto.trace.v1.Span.Event.newBuilder().setName(EVENT)
            .setTimeUnixNano(EVENT_TS * 1000).addAllAttributes(otlpAttributes(EVENT_FIELDS.subList(1, 2))))
        .build();
    io.opentelemetry.proto.trace.v1.Span child = io.opentelemetry.proto.trace.v1.Span.newBuilder()
        .setTraceId(traceId).setSpanId(spanId(2)).setParentSpanId(spanId(1)).setName(CHILD_OP)
        .setKind(io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_CLIENT)
        .setStartTimeUnixNano(CHILD_START * 1000).setEndTimeUnixNano((CHILD_START + CHILD_DURATION) * 1000)
        .addAllAttributes(otlpAttributes(CHILD_TAGS))
        .build();
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(otlpResource(ROOT_SVC, root))
        .addResourceSpans(otlpResource(CHILD_SVC, child))
        .build();
  }

  private static ResourceSpans otlpResource(String service, io.opentelemetry.proto.trace.v1.Span span) {
    return ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder().addAllAttributes(otlpAttributes(List.of(
            KeyValue.string("service.name", service), REGION))))
        .addScopeSpans(ScopeSpans.newBuilder()
            .setScope(InstrumentationScope.newBuilder().setName("shop-lib").setVersion("1.2.3"))
            .addSpans(span))
        .build();
  }

  private static List<io.opentelemetry.proto.common.v1.KeyValue> otlpAttributes(List<KeyValue> tags) {
    List<io.opentelemetry.proto.common.v1.KeyValue> out = new ArrayList<>();
    for (KeyValue kv : tags) {
      AnyValue.Builder v = AnyValue.newBuilder();
      switch (kv.type()) {
        case STRING -> v.setStringValue(kv.asString());
        case BOOL -> v.setBoolValue(kv.boolValue());
        case INT64 -> v.setIntValue(kv.int64Value());
        case FLOAT64 -> v.setDoubleValue(kv.float64Value());
        default -> throw new IllegalArgumentException(kv.toString());
      }
      out.add(io.opentelemetry.proto.common.v1.KeyValue.newBuilder().setKey(kv.key()).setValue(v).build());
    }
    return out;
  }

  /** OTLP/JSON: protobuf's JSON mapping with enums as numbers and IDs as hex, as the OTLP spec requires. */
  static byte[] otlpJson(TraceId id) throws Exception {
    String json = JsonFormat.printer().printingEnumsAsInts().print(otlp(id));
    Base64.Encoder b64 = Base64.getEncoder();
    HexFormat hex = HexFormat.of();
    json = json.replace('"' + b64.encodeToString(traceIdBytes(id)) + '"', '"' + id.toHex32() + '"');
    for (long s : new long[] {1, 2}) {
      byte[] b = spanId(s).toByteArray();
      json = json.replace('"' + b64.encodeToString(b) + '"', '"' + hex.formatHex(b) + '"');
    }
    return json.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] traceIdBytes(TraceId id) {
    return ByteBuffer.allocate(16).putLong(id.high()).putLong(id.low()).array();
  }

  private static ByteString spanId(long id) {
    return ByteString.copyFrom(ByteBuffer.allocate(8).putLong(id).array());
  }

  // ---- Jaeger api_v2 gRPC ----

  static void postSpans(TraceId id) {
    Span.Builder root = Span.builder().traceId(id).spanId(1).operationName(ROOT_OP).startTimeMicros(ROOT_START)
        .durationMicros(ROOT_DURATION).tags(withKind(ROOT_TAGS, "server"))
        .addLog(new Log(EVENT_TS, EVENT_FIELDS));
    Span child = Span.builder().traceId(id).spanId(2).operationName(CHILD_OP).startTimeMicros(CHILD_START)
        .durationMicros(CHILD_DURATION).tags(withKind(CHILD_TAGS, "client"))
        .addReference(SpanRef.childOf(id, 1)).build();
    for (Map.Entry<String, Span> e : Map.of(ROOT_SVC, root.build(), CHILD_SVC, child).entrySet()) {
      Batch batch = Batch.newBuilder().addSpans(ProtoConverter.toProto(e.getValue(), false))
          .setProcess(ProtoConverter.toProto(Process.of(e.getKey(), REGION))).build();
      CollectorServiceGrpc.newBlockingStub(jaegerChannel).postSpans(
          PostSpansRequest.newBuilder().setBatch(batch).build());
    }
  }

  private static List<KeyValue> withKind(List<KeyValue> tags, String kind) {
    List<KeyValue> out = new ArrayList<>(tags);
    out.add(KeyValue.string("span.kind", kind));
    return out;
  }

  // ---- jaeger-client-java (jaeger.thrift over HTTP, or agent compact Thrift over UDP) ----

  interface SenderFactory {
    Sender create() throws Exception;
  }

  static TraceId jaegerClient(SenderFactory senders) throws Exception {
    JaegerTracer front = tracer(ROOT_SVC, senders.create());
    JaegerTracer back = tracer(CHILD_SVC, senders.create());
    JaegerTracer.SpanBuilder rb = front.buildSpan(ROOT_OP).withStartTimestamp(ROOT_START)
        .withTag("span.kind", "server");
    JaegerSpan root = (JaegerSpan) applyTags(rb, ROOT_TAGS).start();
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("event", EVENT);
    fields.put("attempt", 2L);
    root.log(EVENT_TS, fields);
    JaegerTracer.SpanBuilder cb = back.buildSpan(CHILD_OP).asChildOf(root).withStartTimestamp(CHILD_START)
        .withTag("span.kind", "client");
    JaegerSpan child = (JaegerSpan) applyTags(cb, CHILD_TAGS).start();
    child.finish(CHILD_START + CHILD_DURATION);
    root.finish(ROOT_START + ROOT_DURATION);
    front.close();
    back.close();
    return new TraceId(root.context().getTraceIdHigh(), root.context().getTraceIdLow());
  }

  private static JaegerTracer tracer(String service, Sender sender) {
    return new JaegerTracer.Builder(service)
        .withReporter(new RemoteReporter.Builder().withSender(sender).withFlushInterval(50).build())
        .withSampler(new ConstSampler(true)).withTraceId128Bit().withTag(REGION.key(), REGION.asString()).build();
  }

  private static JaegerTracer.SpanBuilder applyTags(JaegerTracer.SpanBuilder b, List<KeyValue> tags) {
    for (KeyValue kv : tags) {
      switch (kv.type()) {
        case STRING -> b.withTag(kv.key(), kv.asString());
        case BOOL -> b.withTag(kv.key(), kv.boolValue());
        case INT64 -> b.withTag(kv.key(), kv.int64Value());
        case FLOAT64 -> b.withTag(kv.key(), kv.float64Value());
        default -> throw new IllegalArgumentException(kv.toString());
      }
    }
    return b;
  }

  private static Sender udpSender() throws Exception {
    return new UdpSender("127.0.0.1", udpPort, 65000);
  }

  // ---- Zipkin ----

  static List<zipkin2.Span> zipkin(TraceId id) {
    String traceId = id.toHex32();
    zipkin2.Span.Builder root = zipkin2.Span.newBuilder().traceId(traceId).id(1).name(ROOT_OP)
        .kind(zipkin2.Span.Kind.SERVER).timestamp(ROOT_START).duration(ROOT_DURATION)
        .localEndpoint(Endpoint.newBuilder().serviceName(ROOT_SVC).build())
        .addAnnotation(EVENT_TS, EVENT);
    ROOT_TAGS.forEach(kv -> root.putTag(kv.key(), kv.asString()));
    zipkin2.Span.Builder child = zipkin2.Span.newBuilder().traceId(traceId).id(2).parentId(1).name(CHILD_OP)
        .kind(zipkin2.Span.Kind.CLIENT).timestamp(CHILD_START).duration(CHILD_DURATION)
        .localEndpoint(Endpoint.newBuilder().serviceName(CHILD_SVC).build());
    CHILD_TAGS.forEach(kv -> child.putTag(kv.key(), kv.asString()));
    return List.of(root.build(), child.build());
  }

  static void zipkinReporter(Encoding encoding, zipkin2.reporter.SpanBytesEncoder encoder, TraceId id) {
    URLConnectionSender sender = URLConnectionSender.newBuilder()
        .endpoint("http://127.0.0.1:" + zipkinPort + "/api/v2/spans").encoding(encoding).build();
    try (AsyncReporter<zipkin2.Span> reporter = AsyncReporter.builder(sender).build(encoder)) {
      zipkin(id).forEach(reporter::report);
      reporter.flush();
    } finally {
      sender.close();
    }
  }

  // ---- plumbing ----

  static void post(int port, String path, String contentType, byte[] body) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("POST %s: %s", path, r.body()).isBetween(200, 299);
  }

  private static int freeTcpPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static int freeUdpPort() throws Exception {
    try (DatagramSocket s = new DatagramSocket(0)) {
      return s.getLocalPort();
    }
  }
}
