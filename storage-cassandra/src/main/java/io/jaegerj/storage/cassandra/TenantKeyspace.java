// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.cassandra;

import io.jaegerj.storage.Tenants;
import java.nio.charset.StandardCharsets;

/**
 * The keyspace that holds a tenant's data: the configured keyspace for the default tenant (Jaeger's layout,
 * unchanged), {@code <keyspace>__<encoded tenant>} (two underscores) for every other tenant. The encoding is
 * injective: lower-case ASCII letters and digits stay as they are, every other UTF-8 byte (upper case, '-', '_', '.',
 * non-ASCII...) becomes {@code _} and two lower-case hex digits, so {@code acme} → {@code jaeger_v1_test__acme},
 * {@code Acme-EU} → {@code jaeger_v1_test___41cme_2d_45_55}. Cassandra keyspace names have at most 48 characters; a tenant whose
 * encoded name does not fit is refused (never shortened or hashed, which could make two tenants share a keyspace).
 */
final class TenantKeyspace {
  /** Cassandra's limit on keyspace (and table) names. */
  static final int MAX_NAME_LENGTH = 48;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private TenantKeyspace() {}

  /**
   * The keyspace of {@code tenant} next to {@code keyspace}.
   *
   * @throws IllegalArgumentException when the name would be longer than Cassandra allows
   */
  static String of(String keyspace, String tenant) {
    if (Tenants.isDefault(Tenants.require(tenant))) {
      return keyspace;
    }
    StringBuilder b = new StringBuilder(keyspace.length() + 1 + tenant.length()).append(keyspace).append("__");
    for (byte x : tenant.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        b.append((char) c);
      } else {
        b.append('_').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    if (b.length() > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException("tenant \"" + tenant + "\" cannot have a Cassandra keyspace next to "
          + keyspace + ": its keyspace name " + b + " has " + b.length() + " characters, Cassandra allows "
          + MAX_NAME_LENGTH + " (use a shorter tenant name or a shorter --cassandra.keyspace)");
    }
    return b.toString();
  }
}
