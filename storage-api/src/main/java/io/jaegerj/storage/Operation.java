// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage;

import java.util.Objects;

/** An operation name with the span kind it was seen with ("" when the span had no {@code span.kind} tag). */
public record Operation(String name, String spanKind) {
  public Operation {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(spanKind, "spanKind");
  }
}
