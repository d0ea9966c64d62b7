// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model.proto;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Strings read from protobuf bytes, with one cache per thread of the short ones recently read, found by their UTF-8
 * bytes (direct-mapped: a newer string replaces an older one in its slot). Attribute keys, span, operation and
 * service names and short values repeat from span to span: a hit costs no decoding and no allocation, and hands out
 * the same String instance every time, whose hash code the storage then computes once.
 *
 * <p>Shared by the decoders of incoming spans (OTLP in the collector, {@code jaeger.api_v2.Span} in remote-storage,
 * the ingester and the query's remote reads). A cache belongs to the thread that got it from {@link #forThread()}.
 */
public final class Utf8Strings {
  /** Longest key or name kept: longer ones are mostly distinct and would only evict the repeated ones. */
  public static final int MAX_KEY_BYTES = 48;
  /** Longest string value kept: enumerations such as methods, hosts or customers; URLs and messages are not. */
  public static final int MAX_VALUE_BYTES = 16;
  static final int SIZE = 2048;

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final ThreadLocal<Utf8Strings> CACHES = ThreadLocal.withInitial(Utf8Strings::new);

  private final byte[][] bytes = new byte[SIZE][];
  private final String[] strings = new String[SIZE];

  private Utf8Strings() {}

  /** The calling thread's cache. */
  public static Utf8Strings forThread() {
    return CACHES.get();
  }

  /**
   * {@code b[p, p + n)} as validated UTF-8 text, from this cache when {@code n <= maxCached} and the same bytes were
   * read before.
   *
   * @throws InvalidProtocolBufferException when the bytes are not valid UTF-8 (as protobuf's
   *     {@code readStringRequireUtf8} refuses them)
   */
  public String get(byte[] b, int p, int n, int maxCached) throws InvalidProtocolBufferException {
    if (n == 0) {
      return "";
    }
    if (n > maxCached) {
      return decode(b, p, n);
    }
    // Hash and compare eight bytes at a time: these strings are short, and this lookup is the decoders' hottest code.
    long h = n;
    int i = p;
    int e = p + n;
    for (; i + 8 <= e; i += 8) {
      h = (h ^ (long) LONGS.get(b, i)) * 0x9E3779B97F4A7C15L;
    }
    for (; i < e; i++) {
      h = (h ^ b[i]) * 0x100000001B3L;
    }
    int slot = (int) (h ^ (h >>> 32) ^ (h >>> 17)) & (SIZE - 1);
    byte[] k = bytes[slot];
    if (k != null && k.length == n && same(k, b, p, n)) {
      return strings[slot];
    }
    String s = decode(b, p, n);
    bytes[slot] = Arrays.copyOfRange(b, p, e);
    strings[slot] = s;
    return s;
  }

  /** {@code b[p, p + n)} as validated UTF-8 text, not cached. */
  public static String decode(byte[] b, int p, int n) throws InvalidProtocolBufferException {
    if (n == 0) {
      return "";
    }
    String s = new String(b, p, n, StandardCharsets.UTF_8);
    // The JDK decoder turns every ill-formed sequence into U+FFFD; only then is a real check needed.
    if (s.indexOf('\uFFFD') >= 0 && !UnsafeByteOperations.unsafeWrap(b, p, n).isValidUtf8()) {
      throw new InvalidProtocolBufferException("invalid UTF-8");
    }
    return s;
  }

  private static boolean same(byte[] k, byte[] b, int p, int n) {
    int j = 0;
    for (; j + 8 <= n; j += 8) {
      if ((long) LONGS.get(k, j) != (long) LONGS.get(b, p + j)) {
        return false;
      }
    }
    for (; j < n; j++) {
      if (k[j] != b[p + j]) {
        return false;
      }
    }
    return true;
  }
}
