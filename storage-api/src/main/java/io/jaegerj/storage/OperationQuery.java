// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage;

import java.util.Objects;

/** Operations of {@code serviceName}; {@code spanKind} "" means every kind. */
public record OperationQuery(String serviceName, String spanKind) {
  public OperationQuery {
    Objects.requireNonNull(serviceName, "serviceName");
    Objects.requireNonNull(spanKind, "spanKind");
  }
}
