// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server;

import java.util.List;

/**
 * Describes one deployable for the shared runtime.
 *
 * @param name e.g. {@code jaeger-collector}
 * @param description the first line of help
 * @param defaultSpanStorageType used when {@code SPAN_STORAGE_TYPE} is unset ({@code cassandra} or {@code memory})
 * @param defaultAdminHostPort e.g. {@code :14269}
 * @param pipelineFlags whether the downsampling flags belong to this binary (collector, ingester, all-in-one)
 * @param modules the components it runs
 */
public record BinarySpec(
    String name,
    String description,
    String defaultSpanStorageType,
    String defaultAdminHostPort,
    boolean pipelineFlags,
    List<ServerModule> modules) {

  /**
   * Whether the {@code multi-tenancy.*} flags belong to this binary: all but the ingester (Jaeger's ingester applies
   * no tenancy and has no such flags).
   */
  public boolean tenancyFlags() {
    return !name.equals("jaeger-ingester");
  }
}
