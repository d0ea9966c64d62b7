// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.cassandra.dbmodel;

import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.data.UdtValue;
import com.datastax.oss.driver.api.core.type.UserDefinedType;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Process;
import io.jaegerj.model.RefType;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.TraceId;
import io.jaegerj.model.ValueType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Jaeger's row encoding of a span in {@code traces} (schema v003/v004): UDTs {@code keyvalue}, {@code log},
 * {@code span_ref}, {@code process}; trace IDs as 16 big-endian bytes; span IDs as signed bigints; warnings as
 * string tags {@code $$span.warning.<n>}; {@code parent_id} written as 0 and, when non-zero on read, turned into a
 * CHILD_OF reference. Holds the keyspace's UDT definitions; thread-safe.
 */
public final class SpanRows {
  public static final String WARNING_PREFIX = "$$span.warning.";
  public static final String CHILD_OF = "child-of";
  public static final String FOLLOWS_FROM = "follows-from";

  private final UserDefinedType keyValueType;
  private final UserDefinedType logType;
  private final UserDefinedType refType;
  private final UserDefinedType processType;

  public SpanRows(UserDefinedType keyValueType, UserDefinedType logType, UserDefinedType refType,
      UserDefinedType processType) {
    this.keyValueType = Objects.requireNonNull(keyValueType, "keyValueType");
    this.logType = Objects.requireNonNull(logType, "logType");
    this.refType = Objects.requireNonNull(refType, "refType");
    this.processType = Objects.requireNonNull(processType, "processType");
  }

  // ------------------------------------------------------------------------------------------------ write

  public static ByteBuffer traceId(TraceId id) {
    return ByteBuffer.wrap(id.toBytes());
  }

  public UdtValue keyValue(KeyValue kv) {
    UdtValue v = keyValueType.newValue()
        .setString("key", kv.key())
        .setString("value_type", kv.type().jsonName())
        .setString("value_string", "")
        .setBoolean("value_bool", false)
        .setLong("value_long", 0L)
        .setDouble("value_double", 0d)
        .setByteBuffer("value_binary", null);
    switch (kv.type()) {
      case STRING -> v = v.setString("value_string", kv.stringValue());
      case BOOL -> v = v.setBoolean("value_bool", kv.boolValue());
      case INT64 -> v = v.setLong("value_long", kv.int64Value());
      case FLOAT64 -> v = v.setDouble("value_double", kv.float64Value());
      case BINARY -> v = v.setByteBuffer("value_binary", ByteBuffer.wrap(kv.binaryValue()));
      default -> throw new AssertionError(kv.type());
    }
    return v;
  }

  public List<UdtValue> keyValues(List<KeyValue> kvs) {
    List<UdtValue> out = new ArrayList<>(kvs.size());
    for (KeyValue kv : kvs) {
      out.add(keyValue(kv));
    }
    return out;
  }

  /** Span tags followed by the warnings as {@code $$span.warning.1}, {@code .2} ... string tags. */
  public List<UdtValue> tags(Span span) {
    List<UdtValue> out = keyValues(span.tags());
    int n = 1;
    for (String w : span.warnings()) {
      out.add(keyValue(KeyValue.string(WARNING_PREFIX + n++, w)));
    }
    return out;
  }

  public List<UdtValue> logs(List<Log> logs) {
    List<UdtValue> out = new ArrayList<>(logs.size());
    for (Log l : logs) {
      out.add(logType.newValue().setLong("ts", l.timestampMicros()).setList("fields", keyValues(l.fields()),
          UdtValue.class));
    }
    return out;
  }

  public List<UdtValue> refs(List<SpanRef> refs) {
    List<UdtValue> out = new ArrayList<>(refs.size());
    for (SpanRef r : refs) {
      out.add(refType.newValue()
          .setString("ref_type", r.type() == RefType.FOLLOWS_FROM ? FOLLOWS_FROM : CHILD_OF)
          .setByteBuffer("trace_id", traceId(r.traceId()))
          .setLong("span_id", r.spanId()));
    }
    return out;
  }

  public UdtValue process(Process p) {
    return processType.newValue().setString("service_name", p.serviceName())
        .setList("tags", keyValues(p.tags()), UdtValue.class);
  }

  /**
   * A stable 64-bit FNV-1a hash of the span's content, the {@code span_hash} clustering column: two writes of the
   * same span land in the same row, two different spans with one span ID in two rows. (Jaeger hashes Go's gob
   * encoding, which Java cannot reproduce; readers never recompute it.)
   */
  public static long spanHash(Span s) {
    Fnv h = new Fnv();
    h.add(s.traceId().high()).add(s.traceId().low()).add(s.spanId()).add(s.operationName()).add(s.flags())
        .add(s.startTimeMicros()).add(s.durationMicros()).add(s.process().serviceName());
    for (SpanRef r : s.references()) {
      h.add(r.type().ordinal()).add(r.traceId().high()).add(r.traceId().low()).add(r.spanId());
    }
    addAll(h, s.tags());
    addAll(h, s.process().tags());
    for (Log l : s.logs()) {
      h.add(l.timestampMicros());
      addAll(h, l.fields());
    }
    for (String w : s.warnings()) {
      h.add(w);
    }
    return h.value;
  }

  private static void addAll(Fnv h, List<KeyValue> kvs) {
    for (KeyValue kv : kvs) {
      h.add(kv.key()).add(kv.type().ordinal()).add(kv.asString());
    }
  }

  private static final class Fnv {
    long value = 0xcbf29ce484222325L;

    Fnv add(long v) {
      for (int i = 0; i < 8; i++) {
        value ^= (v >>> (8 * i)) & 0xff;
        value *= 0x100000001b3L;
      }
      return this;
    }

    Fnv add(String s) {
      for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
        value ^= b & 0xff;
        value *= 0x100000001b3L;
      }
      return add(s.length());
    }
  }

  // ------------------------------------------------------------------------------------------------- read

  /** Columns the reader selects, in this order. */
  public static final String SELECT_COLUMNS =
      "trace_id, span_id, parent_id, operation_name, flags, start_time, duration, tags, logs, refs, process";

  /**
   * One span from a {@code traces} row selected with {@link #SELECT_COLUMNS}.
   *
   * @throws IllegalStateException for an unknown {@code value_type} or {@code ref_type}
   */
  public static Span span(Row row) {
    TraceId traceId = traceId(row.getByteBuffer("trace_id"));
    List<KeyValue> tags = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    for (UdtValue u : row.getList("tags", UdtValue.class)) {
      KeyValue kv = readKeyValue(u);
      if (kv.key().startsWith(WARNING_PREFIX) && kv.type() == ValueType.STRING) {
        warnings.add(kv.stringValue());
      } else {
        tags.add(kv);
      }
    }
    List<Log> logs = new ArrayList<>();
    for (UdtValue u : row.getList("logs", UdtValue.class)) {
      logs.add(new Log(u.getLong("ts"), readKeyValues(u.getList("fields", UdtValue.class))));
    }
    List<SpanRef> refs = new ArrayList<>();
    for (UdtValue u : row.getList("refs", UdtValue.class)) {
      String type = u.getString("ref_type");
      RefType t;
      if (CHILD_OF.equals(type)) {
        t = RefType.CHILD_OF;
      } else if (FOLLOWS_FROM.equals(type)) {
        t = RefType.FOLLOWS_FROM;
      } else {
        throw new IllegalStateException("invalid ref_type in traces row: " + type);
      }
      refs.add(new SpanRef(t, traceId(u.getByteBuffer("trace_id")), u.getLong("span_id")));
    }
    long parentId = row.getLong("parent_id");
    if (parentId != 0) {
      boolean present = false;
      for (SpanRef r : refs) {
        present |= r.type() == RefType.CHILD_OF && r.spanId() == parentId && r.traceId().equals(traceId);
      }
      if (!present) {
        refs.add(0, SpanRef.childOf(traceId, parentId));
      }
    }
    UdtValue p = row.getUdtValue("process");
    Process process = p == null ? new Process("", List.of())
        : new Process(nullToEmpty(p.getString("service_name")), readKeyValues(p.getList("tags", UdtValue.class)));
    return Span.builder()
        .traceId(traceId)
        .spanId(row.getLong("span_id"))
        .operationName(nullToEmpty(row.getString("operation_name")))
        .flags(row.getInt("flags"))
        .startTimeMicros(row.getLong("start_time"))
        .durationMicros(row.getLong("duration"))
        .tags(tags)
        .logs(logs)
        .references(refs)
        .process(process)
        .warnings(warnings)
        .build();
  }

  public static TraceId traceId(ByteBuffer b) {
    if (b == null) {
      return TraceId.ZERO;
    }
    byte[] bytes = new byte[b.remaining()];
    b.duplicate().get(bytes);
    return TraceId.fromBytes(bytes);
  }

  static List<KeyValue> readKeyValues(List<UdtValue> list) {
    List<KeyValue> out = new ArrayList<>(list.size());
    for (UdtValue u : list) {
      out.add(readKeyValue(u));
    }
    return out;
  }

  static KeyValue readKeyValue(UdtValue u) {
    String key = nullToEmpty(u.getString("key"));
    String type = u.getString("value_type");
    if (type == null) {
      throw new IllegalStateException("missing value_type of tag " + key);
    }
    switch (type) {
      case "string":
        return KeyValue.string(key, nullToEmpty(u.getString("value_string")));
      case "bool":
        return KeyValue.bool(key, u.getBoolean("value_bool"));
      case "int64":
        return KeyValue.int64(key, u.getLong("value_long"));
      case "float64":
        return KeyValue.float64(key, u.getDouble("value_double"));
      case "binary":
        ByteBuffer b = u.getByteBuffer("value_binary");
        byte[] bytes = new byte[b == null ? 0 : b.remaining()];
        if (b != null) {
          b.duplicate().get(bytes);
        }
        return KeyValue.binary(key, bytes);
      default:
        throw new IllegalStateException("unknown value_type " + type + " of tag " + key);
    }
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
