// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.memory;

import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Process;
import io.jaegerj.model.RefType;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.TraceId;
import io.jaegerj.model.ValueType;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The compact binary form in which memory storage keeps each span (the trace ID is kept once per trace, not per
 * span). Layout, all integers as unsigned LEB128 varints unless noted:
 *
 * <pre>
 * symbol service, symbol operation, zigzag start, zigzag duration, fixed64 spanId, varint flags,
 * process    = varint (0: inline → symbol service, kvs | n: process table entry n-1)
 * references = varint count, then per ref: byte (bit0 FOLLOWS_FROM, bit1 other trace), [fixed64 high, low], fixed64 span
 * tags       = kvs
 * logs       = varint count, then per log: zigzag (timestamp - start), kvs
 * warnings   = varint count, then strings
 * kvs        = varint count, then per kv: symbol key, byte type, value
 *              (string/binary: varint length + bytes; bool: byte; int64: zigzag; float64: fixed64 raw bits)
 * symbol     = varint (0: inline string | n: string table entry n-1)
 * string     = varint UTF-8 length + bytes
 * </pre>
 *
 * The fields a search filters on most come first so that a non-matching span is rejected after reading a few bytes.
 * Thread-safe: the tables are concurrent and every call works on its own buffers.
 */
final class CompactSpanCodec {
  private static final int FOLLOWS_FROM_BIT = 1;
  private static final int OTHER_TRACE_BIT = 2;
  private static final String SPAN_KIND = "span.kind";
  private static final int PROCESS_TAGS = 0;
  private static final int SPAN_TAGS = 1;
  private static final int LOG_FIELDS = 2;
  private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private final InternTable<String> strings;
  private final InternTable<Process> processes;

  CompactSpanCodec(int stringCapacity, int processCapacity) {
    this.strings = new InternTable<>(stringCapacity);
    this.processes = new InternTable<>(processCapacity);
  }

  /** The table ID of a string if it was ever interned, else -1; used to resolve query terms once per search. */
  int findSymbol(String s) {
    return strings.find(s);
  }

  // ------------------------------------------------------------------------------------------------- encoding

  /** Encodes one span with a scratch encoder of its own; see {@link #encode(Span, Encoder)}. */
  byte[] encode(Span span) {
    return encode(span, new Encoder());
  }

  /**
   * Encodes one span. In the same pass over the span, {@code enc} collects what the store needs besides the bytes:
   * the {@link TagFilter} hashes of every tag, process tag and log field, the span kind, and a deduplication hash
   * that is equal for equal encodings.
   */
  byte[] encode(Span span, Encoder enc) {
    encodeInto(span, enc);
    return Arrays.copyOf(enc.buf, enc.pos);
  }

  /**
   * Encodes one span into {@code enc}'s buffer only, without copying it out: the caller copies
   * {@link Encoder#length()} bytes with {@link Encoder#copyTo}. Otherwise as {@link #encode(Span, Encoder)}.
   */
  void encodeInto(Span span, Encoder enc) {
    enc.reset();
    Process process = span.process();
    String service = process.serviceName();
    writeSymbol(enc, service);
    writeSymbol(enc, span.operationName());
    long start = span.startTimeMicros();
    enc.zigzag(start);
    enc.zigzag(span.durationMicros());
    enc.fixed64(span.spanId());
    enc.varint(span.flags() & 0xffffffffL);
    int pid;
    short[] processHashes;
    if (process == enc.lastProcess) {
      // Spans of one batch share their Process instance: skip hashing its tag list for the table lookup.
      pid = enc.lastProcessId;
      processHashes = enc.lastProcessHashes;
    } else {
      pid = processes.intern(process);
      processHashes = TagFilter.hashes(process.tags());
      enc.lastProcess = process;
      enc.lastProcessId = pid;
      enc.lastProcessHashes = processHashes;
    }
    if (pid >= 0) {
      enc.varint(pid + 1L);
    } else {
      enc.varint(0);
      writeSymbol(enc, service);
      writeKeyValues(enc, process.tags(), PROCESS_TAGS);
    }
    enc.addHashes(processHashes);
    List<SpanRef> refs = span.references();
    enc.varint(refs.size());
    TraceId traceId = span.traceId();
    for (int i = 0; i < refs.size(); i++) {
      SpanRef r = refs.get(i);
      boolean other = !r.traceId().equals(traceId);
      enc.raw((r.type() == RefType.FOLLOWS_FROM ? FOLLOWS_FROM_BIT : 0) | (other ? OTHER_TRACE_BIT : 0));
      if (other) {
        enc.fixed64(r.traceId().high());
        enc.fixed64(r.traceId().low());
      }
      enc.fixed64(r.spanId());
    }
    writeKeyValues(enc, span.tags(), SPAN_TAGS);
    List<Log> logs = span.logs();
    enc.varint(logs.size());
    for (int i = 0; i < logs.size(); i++) {
      Log l = logs.get(i);
      enc.zigzag(l.timestampMicros() - start);
      writeKeyValues(enc, l.fields(), LOG_FIELDS);
    }
    List<String> warnings = span.warnings();
    enc.varint(warnings.size());
    for (int i = 0; i < warnings.size(); i++) {
      enc.string(warnings.get(i));
    }
    // Equal encodings have equal span IDs, times and lengths; a collision only costs an Arrays.equals.
    long h = span.spanId() * 0x9E3779B97F4A7C15L + start * 0xC2B2AE3D27D4EB4FL + span.durationMicros() + enc.pos;
    enc.dedupeHash = (int) (h ^ (h >>> 32));
  }

  private void writeSymbol(Encoder out, String s) {
    int id = strings.intern(s);
    if (id >= 0) {
      out.varint(id + 1L);
    } else {
      out.varint(0);
      out.string(s);
    }
  }

  /**
   * Writes a kv list. Span tags and log fields also get their filter hashes recorded (process tags have theirs
   * cached per process), and span tags the first span.kind.
   */
  private void writeKeyValues(Encoder out, List<KeyValue> kvs, int role) {
    int n = kvs.size();
    out.varint(n);
    for (int i = 0; i < n; i++) {
      KeyValue kv = kvs.get(i);
      String key = kv.key();
      writeSymbol(out, key);
      ValueType type = kv.type();
      out.raw(type.ordinal());
      int valueHash;
      switch (type) {
        case STRING -> valueHash = out.hashedString(kv.stringValue());
        case BOOL -> {
          out.raw(kv.boolValue() ? 1 : 0);
          valueHash = 0;
        }
        case INT64 -> {
          out.zigzag(kv.int64Value());
          valueHash = 0;
        }
        case FLOAT64 -> {
          out.fixed64(Double.doubleToRawLongBits(kv.float64Value()));
          valueHash = 0;
        }
        case BINARY -> {
          out.bytes(kv.binaryValue());
          valueHash = 0;
        }
        default -> throw new AssertionError(type);
      }
      if (role != PROCESS_TAGS) {
        if (type != ValueType.STRING) {
          valueHash = TagFilter.valueHash(kv);
        }
        out.addHash(TagFilter.hash(key, valueHash));
        if (role == SPAN_TAGS && out.kind < 0 && key.equals(SPAN_KIND)) {
          out.kind = type == ValueType.STRING ? kindIndex(kv.stringValue()) : 0;
        }
      }
    }
  }

  /** The span kinds operations are reported with; index 0 stands for any other value or none. */
  static final String[] KINDS = {"", "client", "server", "producer", "consumer", "internal"};

  /** Index into {@link #KINDS} of a span.kind value; 0 for anything else. */
  static int kindIndex(String kind) {
    for (int i = 1; i < KINDS.length; i++) {
      if (KINDS[i].equals(kind)) {
        return i;
      }
    }
    return 0;
  }

  // ------------------------------------------------------------------------------------------------- decoding

  Span decode(TraceId traceId, byte[] bytes) {
    return decode(traceId, bytes, 0);
  }

  /** Decodes the span encoded at {@code offset} of {@code buf} (a slab holding many spans). */
  Span decode(TraceId traceId, byte[] buf, int offset) {
    In in = new In(buf, offset);
    skipSymbol(in); // the service, also held by the process
    String operation = readSymbol(in);
    long start = in.zigzag();
    long duration = in.zigzag();
    long spanId = in.fixed64();
    int flags = (int) in.varint();
    Process process = readProcess(in);
    // Lists are built as arrays and wrapped by List.of, which the record's List.copyOf then keeps as they are (an
    // ArrayList would be copied twice more); empty lists allocate nothing.
    int refCount = (int) in.varint();
    SpanRef[] refs = new SpanRef[refCount];
    for (int i = 0; i < refCount; i++) {
      int b = in.raw();
      TraceId refTrace = (b & OTHER_TRACE_BIT) != 0 ? new TraceId(in.fixed64(), in.fixed64()) : traceId;
      RefType type = (b & FOLLOWS_FROM_BIT) != 0 ? RefType.FOLLOWS_FROM : RefType.CHILD_OF;
      refs[i] = new SpanRef(type, refTrace, in.fixed64());
    }
    List<KeyValue> tags = readKeyValues(in);
    int logCount = (int) in.varint();
    Log[] logs = new Log[logCount];
    for (int i = 0; i < logCount; i++) {
      long ts = start + in.zigzag();
      logs[i] = new Log(ts, readKeyValues(in));
    }
    int warningCount = (int) in.varint();
    String[] warnings = new String[warningCount];
    for (int i = 0; i < warningCount; i++) {
      warnings[i] = in.string();
    }
    return new Span(traceId, spanId, operation, List.of(refs), flags, start, duration, tags, List.of(logs), process,
        List.of(warnings));
  }

  private Process readProcess(In in) {
    int ref = (int) in.varint();
    if (ref > 0) {
      return processes.get(ref - 1);
    }
    String service = readSymbol(in);
    return new Process(service, readKeyValues(in));
  }

  private String readSymbol(In in) {
    int ref = (int) in.varint();
    return ref > 0 ? strings.get(ref - 1) : in.string();
  }

  private List<KeyValue> readKeyValues(In in) {
    int n = (int) in.varint();
    KeyValue[] out = new KeyValue[n];
    for (int i = 0; i < n; i++) {
      out[i] = readValue(in, readSymbol(in));
    }
    return List.of(out);
  }

  private static KeyValue readValue(In in, String key) {
    int type = in.raw();
    return switch (type) {
      case 0 -> KeyValue.string(key, in.string());
      case 1 -> KeyValue.bool(key, in.raw() != 0);
      case 2 -> KeyValue.int64(key, in.zigzag());
      case 3 -> KeyValue.float64(key, Double.longBitsToDouble(in.fixed64()));
      case 4 -> KeyValue.binary(key, in.bytes());
      default -> throw new IllegalStateException("corrupt span encoding: value type " + type);
    };
  }

  // ------------------------------------------------------------------------------------------------- matching

  /**
   * A search condition resolved against the tables once per query: symbol IDs (or -1 when the term was never
   * interned, in which case only inline-stored strings can match it).
   */
  static final class Condition {
    final String service;
    final int serviceId;
    final String operation; // "" = any
    final int operationId;
    final long startMin;
    final long startMax;
    final long durationMin; // 0 = unbounded
    final long durationMax; // 0 = unbounded
    final String[] tagKeys;
    final int[] tagKeyIds;
    final String[] tagValues;

    Condition(CompactSpanCodec codec, String service, String operation, long startMin, long startMax, long durationMin,
        long durationMax, String[] tagKeys, String[] tagValues) {
      this.service = service;
      this.serviceId = codec.findSymbol(service);
      this.operation = operation;
      this.operationId = operation.isEmpty() ? -1 : codec.findSymbol(operation);
      this.startMin = startMin;
      this.startMax = startMax;
      this.durationMin = durationMin;
      this.durationMax = durationMax;
      this.tagKeys = tagKeys;
      this.tagValues = tagValues;
      this.tagKeyIds = new int[tagKeys.length];
      for (int i = 0; i < tagKeys.length; i++) {
        tagKeyIds[i] = codec.findSymbol(tagKeys[i]);
      }
    }
  }

  /** True when this one span satisfies every part of the condition. Decodes only what the check needs. */
  boolean matches(byte[] bytes, Condition c) {
    return matches(bytes, 0, c);
  }

  /** {@link #matches(byte[], Condition)} for the span encoded at {@code offset} of {@code buf}. */
  boolean matches(byte[] buf, int offset, Condition c) {
    In in = new In(buf, offset);
    if (!symbolEquals(in, c.serviceId, c.service)) {
      return false;
    }
    if (c.operation.isEmpty()) {
      skipSymbol(in);
    } else if (!symbolEquals(in, c.operationId, c.operation)) {
      return false;
    }
    long start = in.zigzag();
    if (start < c.startMin || start > c.startMax) {
      return false;
    }
    long duration = in.zigzag();
    if ((c.durationMin != 0 && duration < c.durationMin) || (c.durationMax != 0 && duration > c.durationMax)) {
      return false;
    }
    int n = c.tagKeys.length;
    if (n == 0) {
      return true;
    }
    boolean[] found = new boolean[n];
    int remaining = n;
    in.skip(8); // span ID
    in.varint(); // flags
    int pref = (int) in.varint();
    if (pref > 0) {
      List<KeyValue> tags = processes.get(pref - 1).tags();
      for (int i = 0; i < tags.size() && remaining > 0; i++) {
        remaining -= markMatches(tags.get(i), c, found);
      }
    } else {
      skipSymbol(in);
      remaining = matchKeyValues(in, c, found, remaining);
    }
    int refCount = (int) in.varint();
    for (int i = 0; i < refCount; i++) {
      in.skip((in.raw() & OTHER_TRACE_BIT) != 0 ? 24 : 8);
    }
    remaining = matchKeyValues(in, c, found, remaining);
    int logCount = (int) in.varint();
    for (int i = 0; i < logCount && remaining > 0; i++) {
      in.zigzag();
      remaining = matchKeyValues(in, c, found, remaining);
    }
    return remaining == 0;
  }

  /** Reads a kv list, marking query tags it satisfies; returns how many query tags are still unmatched. */
  private int matchKeyValues(In in, Condition c, boolean[] found, int remaining) {
    int count = (int) in.varint();
    for (int i = 0; i < count; i++) {
      int ref = (int) in.varint();
      String inlineKey = ref == 0 ? in.string() : null;
      boolean wanted = false;
      for (int q = 0; q < c.tagKeys.length; q++) {
        if (!found[q] && (ref > 0 ? ref - 1 == c.tagKeyIds[q] : c.tagKeys[q].equals(inlineKey))) {
          wanted = true;
          break;
        }
      }
      if (!wanted) {
        skipValue(in);
        continue;
      }
      KeyValue kv = readValue(in, ref > 0 ? strings.get(ref - 1) : inlineKey);
      remaining -= markMatches(kv, c, found);
    }
    return remaining;
  }

  private static int markMatches(KeyValue kv, Condition c, boolean[] found) {
    int marked = 0;
    String value = null;
    for (int q = 0; q < c.tagKeys.length; q++) {
      if (!found[q] && c.tagKeys[q].equals(kv.key())) {
        if (value == null) {
          value = kv.asString();
        }
        if (value.equals(c.tagValues[q])) {
          found[q] = true;
          marked++;
        }
      }
    }
    return marked;
  }

  private boolean symbolEquals(In in, int id, String s) {
    int ref = (int) in.varint();
    if (ref > 0) {
      return ref - 1 == id;
    }
    return in.string().equals(s);
  }

  private static void skipSymbol(In in) {
    if (in.varint() == 0) {
      in.skip((int) in.varint());
    }
  }

  private static void skipValue(In in) {
    int type = in.raw();
    switch (type) {
      case 0, 4 -> in.skip((int) in.varint());
      case 1 -> in.skip(1);
      case 2 -> in.varint();
      case 3 -> in.skip(8);
      default -> throw new IllegalStateException("corrupt span encoding: value type " + type);
    }
  }

  // ------------------------------------------------------------------------------------------------- dependencies

  /** The few fields the dependency computation needs, read without decoding tags or logs. */
  record Link(String service, long spanId, long parentSpanId, long start) {}

  Link readLink(byte[] bytes) {
    return readLink(bytes, 0);
  }

  Link readLink(byte[] buf, int offset) {
    In in = new In(buf, offset);
    String service = readSymbol(in);
    skipSymbol(in);
    long start = in.zigzag();
    in.zigzag();
    long spanId = in.fixed64();
    in.varint();
    if (in.varint() == 0) {
      skipSymbol(in);
      int n = (int) in.varint();
      for (int i = 0; i < n; i++) {
        skipSymbol(in);
        skipValue(in);
      }
    }
    int refCount = (int) in.varint();
    long childOf = 0;
    long followsFrom = 0;
    boolean haveChildOf = false;
    boolean haveFollowsFrom = false;
    for (int i = 0; i < refCount; i++) {
      int b = in.raw();
      if ((b & OTHER_TRACE_BIT) != 0) {
        in.skip(24);
        continue;
      }
      long parent = in.fixed64();
      if ((b & FOLLOWS_FROM_BIT) == 0 && !haveChildOf) {
        childOf = parent;
        haveChildOf = true;
      } else if ((b & FOLLOWS_FROM_BIT) != 0 && !haveFollowsFrom) {
        followsFrom = parent;
        haveFollowsFrom = true;
      }
    }
    return new Link(service, spanId, haveChildOf ? childOf : followsFrom, start);
  }

  /** The start time of an encoded span. */
  static long startOf(byte[] bytes) {
    In in = new In(bytes);
    skipSymbol(in);
    skipSymbol(in);
    return in.zigzag();
  }

  // ------------------------------------------------------------------------------------------------- buffers

  /**
   * Reusable scratch space for {@link #encode(Span, Encoder)}: the output buffer, the filter hashes of the span
   * being encoded, and a one-entry process cache. One per thread; not thread-safe.
   */
  static final class Encoder {
    private byte[] buf = new byte[1024];
    private int pos;
    private short[] hashes = new short[64];
    private int hashCount;
    private int kind;
    private int dedupeHash;
    private Process lastProcess;
    private int lastProcessId;
    private short[] lastProcessHashes;

    private void reset() {
      pos = 0;
      hashCount = 0;
      kind = -1;
    }

    /** The filter hashes of the span last encoded (span tags, process tags, log fields; duplicates included). */
    short[] hashes() {
      return hashes;
    }

    int hashCount() {
      return hashCount;
    }

    /** The {@link #KINDS} index of the span last encoded (of its first span.kind tag), 0 when it has none. */
    int kind() {
      return kind < 0 ? 0 : kind;
    }

    /** Length in bytes of the span last encoded. */
    int length() {
      return pos;
    }

    /** Copies the encoding of the span last encoded to {@code dst} at {@code offset}. */
    void copyTo(byte[] dst, int offset) {
      System.arraycopy(buf, 0, dst, offset, pos);
    }

    /** A hash of the span last encoded that is equal for equal encodings. */
    int dedupeHash() {
      return dedupeHash;
    }

    private void addHash(short h) {
      if (hashCount == hashes.length) {
        hashes = Arrays.copyOf(hashes, hashCount * 2);
      }
      hashes[hashCount++] = h;
    }

    private void addHashes(short[] hs) {
      if (hashCount + hs.length > hashes.length) {
        hashes = Arrays.copyOf(hashes, Math.max(hashes.length * 2, hashCount + hs.length));
      }
      System.arraycopy(hs, 0, hashes, hashCount, hs.length);
      hashCount += hs.length;
    }

    private void ensure(int n) {
      if (pos + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
      }
    }

    void raw(int b) {
      ensure(1);
      buf[pos++] = (byte) b;
    }

    void varint(long v) {
      ensure(10);
      byte[] b = buf;
      int p = pos;
      if ((v & ~0x7FL) == 0) {
        b[p] = (byte) v;
        pos = p + 1;
        return;
      }
      if ((v & ~0x3FFFL) == 0) {
        b[p] = (byte) (v | 0x80);
        b[p + 1] = (byte) (v >>> 7);
        pos = p + 2;
        return;
      }
      while ((v & ~0x7FL) != 0) {
        b[p++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      b[p++] = (byte) v;
      pos = p;
    }

    void zigzag(long v) {
      varint((v << 1) ^ (v >> 63));
    }

    void fixed64(long v) {
      ensure(8);
      LONG_BE.set(buf, pos, v);
      pos += 8;
    }

    void bytes(byte[] b) {
      varint(b.length);
      ensure(b.length);
      System.arraycopy(b, 0, buf, pos, b.length);
      pos += b.length;
    }

    /**
     * Writes a string like {@link #string} and returns its {@link String#hashCode()}, computed while copying: the
     * values written here are usually just decoded, so their hash is not cached yet and a second pass would read
     * them again. Four characters per step keep the multiply chain short.
     */
    int hashedString(String s) {
      int n = s.length();
      if (n >= 128) {
        bytes(s.getBytes(StandardCharsets.UTF_8));
        return s.hashCode();
      }
      ensure(n + 1);
      byte[] b = buf;
      int p = pos + 1;
      int h = 0;
      int i = 0;
      for (; i + 3 < n; i += 4) {
        char c0 = s.charAt(i);
        char c1 = s.charAt(i + 1);
        char c2 = s.charAt(i + 2);
        char c3 = s.charAt(i + 3);
        if ((c0 | c1 | c2 | c3) >= 0x80) {
          bytes(s.getBytes(StandardCharsets.UTF_8));
          return s.hashCode();
        }
        b[p + i] = (byte) c0;
        b[p + i + 1] = (byte) c1;
        b[p + i + 2] = (byte) c2;
        b[p + i + 3] = (byte) c3;
        h = h * (31 * 31 * 31 * 31) + c0 * (31 * 31 * 31) + c1 * (31 * 31) + c2 * 31 + c3;
      }
      for (; i < n; i++) {
        char c = s.charAt(i);
        if (c >= 0x80) {
          bytes(s.getBytes(StandardCharsets.UTF_8));
          return s.hashCode();
        }
        b[p + i] = (byte) c;
        h = 31 * h + c;
      }
      b[pos] = (byte) n;
      pos = p + n;
      return h;
    }

    /** Writes ASCII strings straight into the buffer; anything else goes through the JDK's UTF-8 encoder. */
    void string(String s) {
      int n = s.length();
      if (n < 128) {
        ensure(n + 1);
        byte[] b = buf;
        int p = pos + 1;
        for (int i = 0; i < n; i++) {
          char c = s.charAt(i);
          if (c >= 0x80) {
            bytes(s.getBytes(StandardCharsets.UTF_8));
            return;
          }
          b[p + i] = (byte) c;
        }
        b[pos] = (byte) n;
        pos = p + n;
        return;
      }
      bytes(s.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** A cursor over an encoded span. */
  private static final class In {
    private final byte[] buf;
    private int pos;

    In(byte[] buf) {
      this(buf, 0);
    }

    In(byte[] buf, int offset) {
      this.buf = buf;
      this.pos = offset;
    }

    int raw() {
      return buf[pos++] & 0xff;
    }

    long varint() {
      long v = 0;
      for (int shift = 0; ; shift += 7) {
        byte b = buf[pos++];
        v |= (long) (b & 0x7F) << shift;
        if (b >= 0) {
          return v;
        }
      }
    }

    long zigzag() {
      long v = varint();
      return (v >>> 1) ^ -(v & 1);
    }

    long fixed64() {
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | (buf[pos++] & 0xff);
      }
      return v;
    }

    void skip(int n) {
      pos += n;
    }

    byte[] bytes() {
      int n = (int) varint();
      byte[] b = Arrays.copyOfRange(buf, pos, pos + n);
      pos += n;
      return b;
    }

    String string() {
      int n = (int) varint();
      String s = new String(buf, pos, n, StandardCharsets.UTF_8);
      pos += n;
      return s;
    }
  }
}
