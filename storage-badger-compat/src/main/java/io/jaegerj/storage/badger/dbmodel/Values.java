// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.badger.dbmodel;

import io.jaegerj.model.Hex;

/**
 * Stored values. Every entry carries its expiry so that reads can hide expired data before the maintenance purge
 * removes it.
 *
 * <pre>
 * span value   encoding(1) ‖ expiresAtSeconds(8) ‖ payload      encoding 0x02 = api_v2 protobuf
 * index value  expiresAtSeconds(8)
 * </pre>
 */
public final class Values {
  /** Jaeger's user-meta value for protobuf-encoded spans. */
  public static final byte ENCODING_PROTOBUF = 0x02;
  public static final int SPAN_HEADER_LENGTH = 9;

  private Values() {}

  public static byte[] spanValue(long expiresAtSeconds, byte[] payload) {
    byte[] v = new byte[SPAN_HEADER_LENGTH + payload.length];
    v[0] = ENCODING_PROTOBUF;
    Hex.putLong(v, 1, expiresAtSeconds);
    System.arraycopy(payload, 0, v, SPAN_HEADER_LENGTH, payload.length);
    return v;
  }

  public static long spanExpiry(byte[] spanValue) {
    return Hex.getLong(spanValue, 1);
  }

  public static byte[] indexValue(long expiresAtSeconds) {
    byte[] v = new byte[8];
    Hex.putLong(v, 0, expiresAtSeconds);
    return v;
  }

  public static long indexExpiry(byte[] indexValue) {
    return Hex.getLong(indexValue, 0);
  }

  /** Badger's rule: an entry whose expiry is at or before now is gone; 0 means no expiry. */
  public static boolean expired(long expiresAtSeconds, long nowSeconds) {
    return expiresAtSeconds != 0 && expiresAtSeconds <= nowSeconds;
  }
}
