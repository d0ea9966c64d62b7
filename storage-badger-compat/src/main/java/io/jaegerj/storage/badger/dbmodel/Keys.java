// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.badger.dbmodel;

import io.jaegerj.model.Hex;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Span;
import io.jaegerj.model.TraceId;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The key layout (see the module README). Every integer is unsigned big-endian, so byte order is numeric order.
 *
 * <pre>
 * span      0x80 ‖ traceId.high ‖ traceId.low ‖ startMicros ‖ spanId                       (33 bytes)
 * service   0x81 ‖ str(service)                    ‖ startMicros ‖ traceId.high ‖ traceId.low
 * operation 0x82 ‖ str(service) ‖ str(operation)   ‖ startMicros ‖ traceId.high ‖ traceId.low
 * tag       0x83 ‖ str(service) ‖ str(key) ‖ str(value.asString()) ‖ startMicros ‖ traceId
 * duration  0x84 ‖ durationMicros                  ‖ startMicros ‖ traceId.high ‖ traceId.low
 * services  0x85 ‖ str(service)                                       one per service
 * ops       0x86 ‖ str(service) ‖ str(operation) ‖ str(spanKind)      one per operation and kind
 * expiry    expiresAtSeconds ‖ span key                                                     (41 bytes)
 * </pre>
 *
 * {@code str(s)} is the UTF-8 length as an unsigned LEB128 varint followed by the UTF-8 bytes. Jaeger concatenates
 * the strings without any separator, which makes ({@code "ab"}, {@code "c"}) and ({@code "a"}, {@code "bc"})
 * collide; the length prefix keeps every seek exact. Stateless and thread-safe.
 */
public final class Keys {
  public static final byte SPAN = (byte) 0x80;
  public static final byte SERVICE = (byte) 0x81;
  public static final byte OPERATION = (byte) 0x82;
  public static final byte TAG = (byte) 0x83;
  public static final byte DURATION = (byte) 0x84;
  public static final byte SERVICE_NAME = (byte) 0x85;
  public static final byte OPERATION_NAME = (byte) 0x86;
  public static final byte SAMPLING_THROUGHPUT = (byte) 0x08;
  public static final byte SAMPLING_PROBABILITIES = (byte) 0x09;

  public static final int SPAN_KEY_LENGTH = 33;
  /** Bytes after an index seek: start time and trace ID. */
  public static final int INDEX_SUFFIX_LENGTH = 24;
  public static final int EXPIRY_KEY_LENGTH = 8 + SPAN_KEY_LENGTH;

  private Keys() {}

  public static byte[] spanKey(TraceId traceId, long startMicros, long spanId) {
    byte[] k = new byte[SPAN_KEY_LENGTH];
    k[0] = SPAN;
    Hex.putLong(k, 1, traceId.high());
    Hex.putLong(k, 9, traceId.low());
    Hex.putLong(k, 17, startMicros);
    Hex.putLong(k, 25, spanId);
    return k;
  }

  public static byte[] spanKey(Span span) {
    return spanKey(span.traceId(), span.startTimeMicros(), span.spanId());
  }

  /** The 17 bytes every span key of the trace starts with. */
  public static byte[] tracePrefix(TraceId traceId) {
    byte[] k = new byte[17];
    k[0] = SPAN;
    Hex.putLong(k, 1, traceId.high());
    Hex.putLong(k, 9, traceId.low());
    return k;
  }

  public static TraceId spanKeyTraceId(byte[] spanKey) {
    return new TraceId(Hex.getLong(spanKey, 1), Hex.getLong(spanKey, 9));
  }

  public static long spanKeyStartMicros(byte[] spanKey) {
    return Hex.getLong(spanKey, 17);
  }

  public static byte[] serviceSeek(String service) {
    Builder b = new Builder(SERVICE);
    b.str(service);
    return b.toBytes();
  }

  public static byte[] operationSeek(String service, String operation) {
    Builder b = new Builder(OPERATION);
    b.str(service);
    b.str(operation);
    return b.toBytes();
  }

  public static byte[] tagSeek(String service, String key, String value) {
    Builder b = new Builder(TAG);
    b.str(service);
    b.str(key);
    b.str(value);
    return b.toBytes();
  }

  /** {@code 0x85 ‖ str(service)}: the service list entry, whose value is the latest expiry. */
  public static byte[] serviceNameKey(String service) {
    return new Builder(SERVICE_NAME).str(service).toBytes();
  }

  /** {@code 0x86 ‖ str(service) ‖ str(operation) ‖ str(spanKind)}: the operation list entry. */
  public static byte[] operationNameKey(String service, String operation, String spanKind) {
    return new Builder(OPERATION_NAME).str(service).str(operation).str(spanKind).toBytes();
  }

  /** The strings of a {@code 0x85}/{@code 0x86} key. */
  public static List<String> nameKeyStrings(byte[] key) {
    return strings(key, key.length);
  }

  /** {@code 0x84 ‖ durationMicros}. */
  public static byte[] durationSeek(long durationMicros) {
    byte[] k = new byte[9];
    k[0] = DURATION;
    Hex.putLong(k, 1, durationMicros);
    return k;
  }

  /** {@code seek ‖ startMicros ‖ traceId}. */
  public static byte[] indexKey(byte[] seek, long startMicros, TraceId traceId) {
    byte[] k = Arrays.copyOf(seek, seek.length + INDEX_SUFFIX_LENGTH);
    int o = seek.length;
    Hex.putLong(k, o, startMicros);
    Hex.putLong(k, o + 8, traceId.high());
    Hex.putLong(k, o + 16, traceId.low());
    return k;
  }

  /** {@code seek ‖ startMicros ‖ ff…ff}: the greatest index key of the seek at that start time. */
  public static byte[] indexUpperBound(byte[] seek, long startMicros) {
    byte[] k = Arrays.copyOf(seek, seek.length + INDEX_SUFFIX_LENGTH);
    Hex.putLong(k, seek.length, startMicros);
    Arrays.fill(k, seek.length + 8, k.length, (byte) 0xff);
    return k;
  }

  public static long indexStartMicros(byte[] indexKey) {
    return Hex.getLong(indexKey, indexKey.length - INDEX_SUFFIX_LENGTH);
  }

  public static TraceId indexTraceId(byte[] indexKey) {
    int o = indexKey.length - 16;
    return new TraceId(Hex.getLong(indexKey, o), Hex.getLong(indexKey, o + 8));
  }

  /** Duration of a {@code 0x84} key. */
  public static long durationOf(byte[] durationKey) {
    return Hex.getLong(durationKey, 1);
  }

  /** True when {@code key} is {@code seek} followed by exactly an index suffix. */
  public static boolean isIndexKeyOf(byte[] key, byte[] seek) {
    if (key.length != seek.length + INDEX_SUFFIX_LENGTH) {
      return false;
    }
    return Arrays.equals(key, 0, seek.length, seek, 0, seek.length);
  }

  /**
   * The strings encoded in an index key's value part: the service of a {@code 0x81} key, the service and operation
   * of a {@code 0x82} key, service, tag key and tag value of a {@code 0x83} key.
   *
   * @throws IllegalArgumentException when the key is not a well-formed string index key
   */
  public static List<String> indexStrings(byte[] indexKey) {
    return strings(indexKey, indexKey.length - INDEX_SUFFIX_LENGTH);
  }

  private static List<String> strings(byte[] indexKey, int end) {
    List<String> out = new ArrayList<>(3);
    int[] pos = {1};
    while (pos[0] < end) {
      int len = readVarint(indexKey, pos, end);
      if (len > end - pos[0]) {
        throw new IllegalArgumentException("malformed index key");
      }
      out.add(new String(indexKey, pos[0], len, StandardCharsets.UTF_8));
      pos[0] += len;
    }
    return out;
  }

  /** Every index key of a span: service, operation, one per span tag, process tag and log field, duration. */
  public static List<byte[]> indexKeys(Span span) {
    String service = span.process().serviceName();
    TraceId tid = span.traceId();
    long start = span.startTimeMicros();
    int tagCount = span.tags().size() + span.process().tags().size();
    for (Log l : span.logs()) {
      tagCount += l.fields().size();
    }
    List<byte[]> keys = new ArrayList<>(3 + tagCount);
    keys.add(indexKey(serviceSeek(service), start, tid));
    keys.add(indexKey(operationSeek(service, span.operationName()), start, tid));
    if (tagCount > 0) {
      byte[] servicePart = new Builder(TAG).str(service).toBytes();
      addTags(keys, servicePart, span.tags(), start, tid);
      addTags(keys, servicePart, span.process().tags(), start, tid);
      for (Log l : span.logs()) {
        addTags(keys, servicePart, l.fields(), start, tid);
      }
    }
    keys.add(indexKey(durationSeek(span.durationMicros()), start, tid));
    return keys;
  }

  private static void addTags(List<byte[]> keys, byte[] servicePart, List<KeyValue> tags, long start, TraceId tid) {
    for (int i = 0; i < tags.size(); i++) {
      KeyValue kv = tags.get(i);
      Builder b = new Builder(servicePart);
      b.str(kv.key());
      b.str(kv.asString());
      keys.add(indexKey(b.toBytes(), start, tid));
    }
  }

  /** {@code expiresAtSeconds ‖ spanKey}. */
  public static byte[] expiryKey(long expiresAtSeconds, byte[] spanKey) {
    byte[] k = new byte[EXPIRY_KEY_LENGTH];
    Hex.putLong(k, 0, expiresAtSeconds);
    System.arraycopy(spanKey, 0, k, 8, SPAN_KEY_LENGTH);
    return k;
  }

  public static long expiryKeySeconds(byte[] expiryKey) {
    return Hex.getLong(expiryKey, 0);
  }

  public static byte[] expiryKeySpanKey(byte[] expiryKey) {
    return Arrays.copyOfRange(expiryKey, 8, EXPIRY_KEY_LENGTH);
  }

  /** The smallest key greater than every key starting with {@code prefix}, or null when there is none. */
  public static byte[] prefixEnd(byte[] prefix) {
    byte[] end = prefix.clone();
    for (int i = end.length - 1; i >= 0; i--) {
      if (end[i] != (byte) 0xff) {
        end[i]++;
        return Arrays.copyOf(end, i + 1);
      }
    }
    return null;
  }

  public static boolean startsWith(byte[] key, byte[] prefix) {
    return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }

  private static int readVarint(byte[] b, int[] pos, int end) {
    int v = 0;
    for (int shift = 0; shift < 32; shift += 7) {
      if (pos[0] >= end) {
        throw new IllegalArgumentException("malformed index key");
      }
      int x = b[pos[0]++] & 0xff;
      v |= (x & 0x7f) << shift;
      if ((x & 0x80) == 0) {
        return v;
      }
    }
    throw new IllegalArgumentException("malformed index key");
  }

  private static final class Builder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);

    Builder(byte prefix) {
      out.write(prefix);
    }

    Builder(byte[] start) {
      out.writeBytes(start);
    }

    Builder str(String s) {
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      int n = utf8.length;
      while ((n & ~0x7f) != 0) {
        out.write((n & 0x7f) | 0x80);
        n >>>= 7;
      }
      out.write(n);
      out.writeBytes(utf8);
      return this;
    }

    byte[] toBytes() {
      return out.toByteArray();
    }
  }
}
