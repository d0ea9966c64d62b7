// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model;

import java.util.List;
import java.util.Objects;

/** The emitting process of a span: its service name and process-level tags (in order). */
public record Process(String serviceName, List<KeyValue> tags) {
  public Process {
    Objects.requireNonNull(serviceName, "serviceName");
    tags = List.copyOf(tags);
  }

  public static Process of(String serviceName, KeyValue... tags) {
    return new Process(serviceName, List.of(tags));
  }
}
