// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage;

import io.jaegerj.model.DependencyLink;
import java.util.List;

/** Reads the service dependency graph. Thread-safe. */
public interface DependencyReader {
  /**
   * Links observed for spans that started within {@code [endTsMicros - lookbackMicros, endTsMicros]}. Links may
   * repeat a (parent, child) pair; callers merge them.
   */
  List<DependencyLink> getDependencies(long endTsMicros, long lookbackMicros);
}
