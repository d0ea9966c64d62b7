// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage;

import java.util.Objects;

/**
 * Operations of {@code serviceName} as written by {@code tenant} (see {@link Tenants}); {@code spanKind} "" means
 * every kind.
 */
public record OperationQuery(String tenant, String serviceName, String spanKind) {
  public OperationQuery {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(serviceName, "serviceName");
    Objects.requireNonNull(spanKind, "spanKind");
  }

  /** A query for the default tenant. */
  public OperationQuery(String serviceName, String spanKind) {
    this(Tenants.DEFAULT, serviceName, spanKind);
  }
}
