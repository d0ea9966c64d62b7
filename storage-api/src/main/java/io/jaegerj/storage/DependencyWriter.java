// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage;

import io.jaegerj.model.DependencyLink;
import java.io.IOException;
import java.util.List;

/**
 * Stores service dependency links in the backend's own dependency store, where its {@link DependencyReader} (and
 * Jaeger's reader of the same layout) finds them: one record per call holding {@code links} under
 * {@code timestampMicros}. Records are appended, never merged: a reader returns the links of every record in its
 * window and the query sums the call counts of equal (parent, child) pairs, so several writers (one per collector,
 * or a batch job) may each write their own records for the same period.
 *
 * <p>Thread-safe. Called off the ingest path (a flush thread or a batch job), so it may wait for storage.
 */
public interface DependencyWriter {
  /**
   * Appends one record for {@code tenant} (see {@link Tenants}). Writes nothing when {@code links} is empty.
   *
   * @throws IOException when the backend refused or could not be reached
   * @throws UnsupportedOperationException when the backend cannot store dependencies for this tenant
   */
  void writeDependencies(String tenant, long timestampMicros, List<DependencyLink> links) throws IOException;
}
