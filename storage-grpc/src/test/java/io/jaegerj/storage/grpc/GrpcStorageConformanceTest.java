// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.grpc;

import io.jaegerj.storage.DependencyReader;
import io.jaegerj.storage.Purgeable;
import io.jaegerj.storage.SpanReader;
import io.jaegerj.storage.SpanWriter;
import io.jaegerj.storage.StorageFactory;
import io.jaegerj.storage.conformance.StorageConformanceSuite;
import java.util.Map;

/** The whole conformance suite through the gRPC hop: grpc client → {@link StorageServices} → memory. */
class GrpcStorageConformanceTest extends StorageConformanceSuite {
  private StorageFactory memory;
  private TestServer server;

  @Override
  protected StorageFactory openFactory() throws Exception {
    memory = TestServer.memory();
    server = TestServer.over(memory, 0, 100_000);
    StorageFactory client = TestServer.client(server.address(), Map.of());
    return new StorageFactory() {
      @Override
      public SpanWriter spanWriter() {
        return client.spanWriter();
      }

      @Override
      public SpanReader spanReader() {
        return client.spanReader();
      }

      @Override
      public DependencyReader dependencyReader() {
        return client.dependencyReader();
      }

      @Override
      public void close() {
        client.close();
        try {
          server.close();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        memory.close();
      }
    };
  }

  @Override
  protected void purge() {
    ((Purgeable) memory).purge();
  }
}
