// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage;

/**
 * Archive storage: a second store, written by "archive trace" and read by ID only. Backends that support it return
 * one from {@link StorageFactory#archive()} when their archive flags enable it. Tenants are kept apart as in the
 * primary store: a trace archived for one tenant is found only by reads for that tenant (see {@link Tenants}).
 */
public interface ArchiveStorage {
  SpanWriter writer();

  SpanReader reader();
}
