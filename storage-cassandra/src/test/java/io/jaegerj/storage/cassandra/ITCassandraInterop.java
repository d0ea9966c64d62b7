// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.data.UdtValue;
import io.jaegerj.model.DependencyLink;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Process;
import io.jaegerj.model.RefType;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import io.jaegerj.storage.GetTraceQuery;
import io.jaegerj.storage.Operation;
import io.jaegerj.storage.OperationQuery;
import io.jaegerj.storage.TraceQuery;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Interop on the CQL level with Jaeger 1.74's Cassandra layout, on a keyspace created by our schema tool: rows
 * inserted with plain CQL exactly as Jaeger's writer binds them are read by our reader, and rows our writer wrote
 * are checked column by column with plain CQL. Also the schema tool itself (idempotent, clear failure) and
 * {@code dependencies_v2}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ITCassandraInterop {
  private static final long HOUR_MICROS = 3_600_000_000L;

  private CassandraTestServer server;
  private String ks;
  private CassandraStorageFactory factory;
  private CqlSession cql;

  @BeforeAll
  void setUp() throws Exception {
    server = CassandraTestServer.shared();
    ks = CassandraTestSupport.uniqueKeyspace("interop");
    Map<String, String> env = new HashMap<>(Map.of("CQLSH_HOST", "127.0.0.1", "CQLSH_PORT",
        Integer.toString(server.cqlPort()), "KEYSPACE", ks, "MODE", "test",
        "CASSANDRA_USERNAME", CassandraTestServer.USER, "CASSANDRA_PASSWORD", CassandraTestServer.PASSWORD));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertThat(SchemaTool.run(new String[0], env, System.out, new PrintStream(err)))
        .as(err.toString(StandardCharsets.UTF_8)).isZero();
    // the tool is idempotent: a second run changes nothing and succeeds
    assertThat(SchemaTool.run(new String[0], env, System.out, new PrintStream(err)))
        .as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("Cassandra version 5.0");
    factory = CassandraTestSupport.open(CassandraTestSupport.settings(server, ks,
        Map.of("cassandra.schema.create", "false")));
    cql = factory.primary().session();
  }

  @AfterAll
  void tearDown() {
    if (factory != null) {
      factory.close();
    }
  }

  @Test
  void schemaTool_unreachableServer_failsWithClearMessage() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = SchemaTool.run(new String[0], Map.of("CQLSH_HOST", "127.0.0.1", "CQLSH_PORT", "1",
        "CASSANDRA_WAIT_TIMEOUT", "0", "KEYSPACE", "never"), System.out, new PrintStream(err));
    assertThat(code).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("error: cannot connect to Cassandra at [127.0.0.1]:1");
  }

  @Test
  void open_missingKeyspaceWithoutSchemaCreate_failsClearly() {
    Assertions.assertThatThrownBy(() -> CassandraTestSupport.open(
            CassandraTestSupport.settings(server, "absent_ks", Map.of("cassandra.schema.create", "false"))))
        .hasMessageContaining("keyspace absent_ks (or its traces table) does not exist")
        .hasMessageContaining("--cassandra.schema.create=true");
  }

  private static String kv(String key, String type, String s, boolean b, long l, double d, String blob) {
    return "{key: '" + key + "', value_type: '" + type + "', value_string: '" + s + "', value_bool: " + b
        + ", value_long: " + l + ", value_double: " + d + ", value_binary: " + blob + "}";
  }

  /** Rows as Jaeger's writer binds them (parent_id set by old writers, warnings as tags), read by our reader. */
  @Test
  void jaegerWrittenRows_areReadByOurReader() throws Exception {
    long start = (System.currentTimeMillis() - 60_000) * 1000;
    String traceHex = "00000000000000aa0000000000000bbb";
    String trace = "0x" + traceHex;
    String svc = "jaeger-svc";
    String tags = "[" + kv("http.method", "string", "GET", false, 0, 0, "null") + ", "
        + kv("error", "bool", "", true, 0, 0, "null") + ", "
        + kv("http.status_code", "int64", "", false, 503, 0, "null") + ", "
        + kv("ratio", "float64", "", false, 0, 0.5, "null") + ", "
        + kv("raw", "binary", "", false, 0, 0, "0x0aff") + ", "
        + kv("span.kind", "string", "server", false, 0, 0, "null") + ", "
        + kv("$$span.warning.1", "string", "clock skew adjusted", false, 0, 0, "null") + "]";
    String logs = "[{ts: " + (start + 5) + ", fields: [" + kv("event", "string", "retry", false, 0, 0, "null")
        + "]}]";
    String refs = "[{ref_type: 'follows-from', trace_id: " + trace + ", span_id: 3}]";
    String process = "{service_name: '" + svc + "', tags: [" + kv("hostname", "string", "h1", false, 0, 0, "null")
        + "]}";
    cql.execute("INSERT INTO " + ks + ".traces (trace_id, span_id, span_hash, parent_id, operation_name, flags,"
        + " start_time, duration, tags, logs, refs, process) VALUES (" + trace + ", -2, 77, 9, 'GET /x', 1, "
        + start + ", 1500, " + tags + ", " + logs + ", " + refs + ", " + process + ")");
    cql.execute("INSERT INTO " + ks + ".service_names (service_name) VALUES ('" + svc + "')");
    cql.execute("INSERT INTO " + ks + ".operation_names_v2 (service_name, span_kind, operation_name) VALUES ('"
        + svc + "', 'server', 'GET /x')");
    cql.execute("INSERT INTO " + ks + ".service_name_index (service_name, bucket, start_time, trace_id) VALUES ('"
        + svc + "', 7, " + start + ", " + trace + ")");
    cql.execute("INSERT INTO " + ks + ".service_operation_index (service_name, operation_name, start_time,"
        + " trace_id) VALUES ('" + svc + "', 'GET /x', " + start + ", " + trace + ")");
    cql.execute("INSERT INTO " + ks + ".tag_index (trace_id, span_id, service_name, start_time, tag_key,"
        + " tag_value) VALUES (" + trace + ", -2, '" + svc + "', " + start + ", 'http.status_code', '503')");
    long bucket = CassandraSpanWriter.roundToHour(start / 1000);
    for (String op : List.of("", "GET /x")) {
      cql.execute("INSERT INTO " + ks + ".duration_index (service_name, operation_name, bucket, duration,"
          + " start_time, trace_id) VALUES ('" + svc + "', '" + op + "', " + bucket + ", 1500, " + start + ", "
          + trace + ")");
    }

    TraceId id = TraceId.parse(traceHex);
    Trace t = factory.spanReader().getTrace(GetTraceQuery.of(id)).orElseThrow();
    Span s = t.spans().get(0);
    assertThat(s.spanId()).isEqualTo(-2L);
    assertThat(s.operationName()).isEqualTo("GET /x");
    assertThat(s.flags()).isEqualTo(1);
    assertThat(s.startTimeMicros()).isEqualTo(start);
    assertThat(s.durationMicros()).isEqualTo(1500);
    assertThat(s.tags()).containsExactly(KeyValue.string("http.method", "GET"), KeyValue.bool("error", true),
        KeyValue.int64("http.status_code", 503), KeyValue.float64("ratio", 0.5),
        KeyValue.binary("raw", new byte[] {0x0a, (byte) 0xff}), KeyValue.string("span.kind", "server"));
    assertThat(s.warnings()).containsExactly("clock skew adjusted");
    assertThat(s.logs()).containsExactly(new Log(start + 5, List.of(KeyValue.string("event", "retry"))));
    assertThat(s.references()).containsExactly(SpanRef.childOf(id, 9), new SpanRef(RefType.FOLLOWS_FROM, id, 3));
    assertThat(s.process()).isEqualTo(Process.of(svc, KeyValue.string("hostname", "h1")));

    assertThat(factory.spanReader().getServices("")).contains(svc);
    assertThat(factory.spanReader().getOperations(new OperationQuery(svc, "server")))
        .containsExactly(new Operation("GET /x", "server"));
    TraceQuery.Builder q = TraceQuery.builder(svc).startTimeMinMicros(start - HOUR_MICROS)
        .startTimeMaxMicros(start + HOUR_MICROS);
    assertThat(factory.spanReader().findTraceIds(q.build())).containsExactly(id);
    assertThat(factory.spanReader().findTraceIds(TraceQuery.builder(svc).operationName("GET /x")
        .startTimeMinMicros(start - HOUR_MICROS).startTimeMaxMicros(start + HOUR_MICROS).build()))
        .containsExactly(id);
    assertThat(factory.spanReader().findTraceIds(TraceQuery.builder(svc).tag("http.status_code", "503")
        .startTimeMinMicros(start - HOUR_MICROS).startTimeMaxMicros(start + HOUR_MICROS).build()))
        .containsExactly(id);
    // duration and tags together: Jaeger refuses, we answer
    assertThat(factory.spanReader().findTraces(TraceQuery.builder(svc).tag("http.status_code", "503")
        .durationMinMicros(1000).durationMaxMicros(2000)
        .startTimeMinMicros(start - HOUR_MICROS).startTimeMaxMicros(start + HOUR_MICROS).build()))
        .extracting(Trace::traceId).containsExactly(id);
    assertThat(factory.spanReader().findTraces(TraceQuery.builder(svc).tag("http.status_code", "503")
        .durationMinMicros(2000).startTimeMinMicros(start - HOUR_MICROS).startTimeMaxMicros(start + HOUR_MICROS)
        .build())).isEmpty();
  }

  /** What our writer stores, read with plain CQL: the exact columns Jaeger's reader selects. */
  @Test
  void ourRows_haveJaegersEncoding() throws Exception {
    long start = (System.currentTimeMillis() - 120_000) * 1000;
    TraceId id = new TraceId(0x1122334455667788L, 0x99aabbccddeeff00L);
    String svc = "ours-svc";
    Span span = Span.builder().traceId(id).spanId(0xfedcba9876543210L).operationName("POST /y").flags(1)
        .startTimeMicros(start).durationMicros(2500)
        .addTag(KeyValue.string("span.kind", "client")).addTag(KeyValue.int64("n", 42))
        .addTag(KeyValue.binary("b", new byte[] {1, 2}))
        .addLog(new Log(start + 1, List.of(KeyValue.float64("f", 1.25))))
        .addReference(SpanRef.childOf(id, 5))
        .process(Process.of(svc, KeyValue.bool("p", true))).addWarning("w1").build();
    factory.spanWriter().write("", List.of(span)).toCompletableFuture().get(60, TimeUnit.SECONDS);

    ByteBuffer traceId = ByteBuffer.wrap(id.toBytes());
    Row row = cql.execute(cql.prepare("SELECT * FROM " + ks + ".traces WHERE trace_id = ?").bind(traceId)).one();
    assertThat(row).isNotNull();
    assertThat(row.getByteBuffer("trace_id").remaining()).isEqualTo(16);
    assertThat(row.getLong("span_id")).isEqualTo(0xfedcba9876543210L);
    assertThat(row.getLong("parent_id")).isZero();
    assertThat(row.getInt("flags")).isEqualTo(1);
    List<UdtValue> tags = row.getList("tags", UdtValue.class);
    List<String> rendered = new ArrayList<>();
    for (UdtValue u : tags) {
      rendered.add(u.getString("key") + "|" + u.getString("value_type") + "|" + u.getString("value_string") + "|"
          + u.getBoolean("value_bool") + "|" + u.getLong("value_long") + "|" + u.getDouble("value_double") + "|"
          + (u.getByteBuffer("value_binary") == null ? "null" : u.getByteBuffer("value_binary").remaining()));
    }
    assertThat(rendered).containsExactly("span.kind|string|client|false|0|0.0|null", "n|int64||false|42|0.0|null",
        "b|binary||false|0|0.0|2", "$$span.warning.1|string|w1|false|0|0.0|null");
    UdtValue ref = row.getList("refs", UdtValue.class).get(0);
    assertThat(ref.getString("ref_type")).isEqualTo("child-of");
    assertThat(ref.getLong("span_id")).isEqualTo(5);
    assertThat(row.getList("logs", UdtValue.class).get(0).getList("fields", UdtValue.class).get(0)
        .getString("value_type")).isEqualTo("float64");
    assertThat(row.getUdtValue("process").getString("service_name")).isEqualTo(svc);

    assertThat(cql.execute("SELECT span_kind, operation_name FROM " + ks + ".operation_names_v2 WHERE service_name"
        + " = '" + svc + "'").one().getString("span_kind")).isEqualTo("client");
    int buckets = 0;
    for (int b = 0; b < 10; b++) {
      buckets += cql.execute("SELECT trace_id FROM " + ks + ".service_name_index WHERE service_name = '" + svc
          + "' AND bucket = " + b).all().size();
    }
    assertThat(buckets).isEqualTo(1);
    Instant hour = Instant.ofEpochMilli(CassandraSpanWriter.roundToHour(start / 1000));
    for (String op : List.of("", "POST /y")) {
      Row d = cql.execute(cql.prepare("SELECT duration, start_time FROM " + ks + ".duration_index WHERE"
          + " service_name = ? AND operation_name = ? AND bucket = ?").bind(svc, op, hour)).one();
      assertThat(d).as("duration_index row for operation '%s'", op).isNotNull();
      assertThat(d.getLong("duration")).isEqualTo(2500);
    }
    Map<String, String> tagRows = new HashMap<>();
    for (String key : List.of("span.kind", "n", "p", "f")) {
      for (Row r : cql.execute("SELECT tag_value, span_id FROM " + ks + ".tag_index WHERE service_name = '" + svc
          + "' AND tag_key = '" + key + "'  ALLOW FILTERING")) {
        tagRows.put(key, r.getString("tag_value"));
      }
    }
    assertThat(tagRows).containsExactlyInAnyOrderEntriesOf(Map.of("span.kind", "client", "n", "42", "p", "true",
        "f", "1.25"));
  }

  /** dependencies_v2 rows as the spark-dependencies job writes them; empty source reads as "jaeger". */
  @Test
  void dependencies_readFromDayBuckets() {
    long now = System.currentTimeMillis();
    factory.primary().defaultKeyspace().dependencies().insert(now - 3_600_000L, List.of(new DependencyLink("a", "b", 3, ""),
        new DependencyLink("b", "c", 1, "otel")));
    factory.primary().defaultKeyspace().dependencies().insert(now - 3L * 86_400_000L, List.of(new DependencyLink("x", "y", 9, "")));
    List<DependencyLink> links = factory.dependencyReader().getDependencies("", now * 1000, 86_400_000_000L);
    assertThat(links).containsExactlyInAnyOrder(new DependencyLink("a", "b", 3, "jaeger"),
        new DependencyLink("b", "c", 1, "otel"));
    assertThat(factory.dependencyReader().getDependencies("", now * 1000, 4 * 86_400_000_000L)).hasSize(3);
  }
}
