// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model;

import java.util.List;

/** A timestamped list of fields attached to a span. Timestamps are microseconds since the epoch. */
public record Log(long timestampMicros, List<KeyValue> fields) {
  public Log {
    fields = List.copyOf(fields);
  }
}
