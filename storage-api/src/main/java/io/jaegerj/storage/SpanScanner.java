// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage;

import io.jaegerj.model.Span;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads every stored span of a time range page by page, in no particular order, for batch jobs (the dependencies
 * job). Unlike {@link SpanReader#findTraceIds} it has no result limit; the caller bounds its memory by handling one
 * page at a time.
 */
public interface SpanScanner {
  /**
   * Hands {@code pages} every span of {@code tenant} that started in {@code [startMicros, endMicros)}, in pages of
   * at most {@code pageSize} spans. A span stored twice may be handed twice.
   */
  void scan(String tenant, long startMicros, long endMicros, int pageSize, Consumer<List<Span>> pages)
      throws IOException;
}
