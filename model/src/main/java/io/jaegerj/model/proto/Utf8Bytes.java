// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model.proto;

import java.nio.charset.StandardCharsets;

/**
 * The UTF-8 bytes of short strings recently written, one cache per thread, found by the string instance
 * (direct-mapped on its identity hash; a newer string replaces an older one in its slot). The decoders hand out
 * one instance per repeated key, name or short value ({@link Utf8Strings}), so a span batch re-encoded for the wire
 * mostly finds its strings here: no scan of the characters to size them and none to write them.
 *
 * <p>The bytes are those of {@link String#getBytes} with UTF-8, which is also what protobuf writes for any string,
 * an unpaired surrogate included. Callers never modify the arrays.
 */
final class Utf8Bytes {
  /** Longer strings are mostly distinct: they are not cached. */
  static final int MAX_CHARS = 48;
  private static final int SIZE = 1024;
  private static final ThreadLocal<Utf8Bytes> CACHES = ThreadLocal.withInitial(Utf8Bytes::new);

  private final String[] strings = new String[SIZE];
  private final byte[][] bytes = new byte[SIZE][];

  private Utf8Bytes() {}

  static Utf8Bytes forThread() {
    return CACHES.get();
  }

  /** The UTF-8 bytes of {@code s}. */
  byte[] get(String s) {
    int slot = System.identityHashCode(s) & (SIZE - 1);
    if (strings[slot] == s) {
      return bytes[slot];
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    bytes[slot] = b;
    strings[slot] = s;
    return b;
  }
}
