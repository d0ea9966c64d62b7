// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage;

import io.jaegerj.model.DependencyLink;
import java.util.List;

/** Reads the service dependency graph. Thread-safe. */
public interface DependencyReader {
  /**
   * Links of {@code tenant} (see {@link Tenants}) observed for spans that started within
   * {@code [endTsMicros - lookbackMicros, endTsMicros]}. Links may repeat a (parent, child) pair; callers merge them.
   * Links computed from another tenant's spans are never returned.
   */
  List<DependencyLink> getDependencies(String tenant, long endTsMicros, long lookbackMicros);
}
