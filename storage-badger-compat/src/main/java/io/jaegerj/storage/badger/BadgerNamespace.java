// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.badger;

import org.rocksdb.ColumnFamilyHandle;

/**
 * The column families and the services cache of one tenant. The default tenant uses the database's original
 * column families ({@code default}, {@code spans}, {@code expiry}) in Jaeger's layout; every other tenant has three
 * column families of its own (see {@link BadgerDb#tenantColumnFamilyName}), holding the same key layout, so no key,
 * seek or scan of one tenant can reach another tenant's entries.
 */
final class BadgerNamespace {
  final String tenant;
  final ColumnFamilyHandle index;
  final ColumnFamilyHandle spans;
  final ColumnFamilyHandle expiry;
  final ServiceCache cache = new ServiceCache();

  BadgerNamespace(String tenant, ColumnFamilyHandle index, ColumnFamilyHandle spans, ColumnFamilyHandle expiry) {
    this.tenant = tenant;
    this.index = index;
    this.spans = spans;
    this.expiry = expiry;
  }
}
