// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.remotestorage;

import io.jaegerj.server.BinarySpec;
import io.jaegerj.server.JaegerMain;
import java.util.List;

/**
 * {@code jaeger-remote-storage}: the backend named by {@code SPAN_STORAGE_TYPE} (memory unless set) behind Jaeger's
 * remote storage API on gRPC port 17271, so that several collectors and queries share one single-node store.
 */
public final class RemoteStorageMain {
  private RemoteStorageMain() {}

  public static BinarySpec spec() {
    return new BinarySpec(
        "jaeger-remote-storage",
        "Jaeger remote storage service implements the Storage gRPC API and proxies it into one of the supported"
            + " storage backends.",
        "memory",
        ":17270",
        false,
        List.of(new RemoteStorageModule()));
  }

  public static void main(String[] args) {
    System.exit(JaegerMain.run(spec(), args, System.getenv()));
  }
}
