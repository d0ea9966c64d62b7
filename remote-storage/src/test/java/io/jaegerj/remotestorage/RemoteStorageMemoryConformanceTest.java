// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.remotestorage;

import io.jaegerj.storage.StorageFactory;
import io.jaegerj.storage.conformance.StorageConformanceSuite;
import java.util.Map;

/** The conformance suite through grpc client → jaeger-remote-storage → memory (its default backend). */
class RemoteStorageMemoryConformanceTest extends StorageConformanceSuite {
  @Override
  protected StorageFactory openFactory() throws Exception {
    return RemoteStorageBadgerConformanceTest.through(new RemoteStorageFixture(Map.of()));
  }
}
