// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server;

import io.jaegerj.config.Flag;
import java.util.List;

/** A binary run as a child JVM by {@link SignalTest}: its module says on stdout when its drain step runs. */
public final class ChildBinaryMain {
  private ChildBinaryMain() {}

  public static void main(String[] args) {
    ServerModule module = new ServerModule() {
      @Override
      public List<Flag> flags() {
        return List.of();
      }

      @Override
      public void start(ServerContext context) {
        context.lifecycle().onShutdown(Lifecycle.Phase.DRAIN, "drain", () -> {
          System.out.println("drained");
          System.out.flush();
        });
      }
    };
    BinarySpec spec = new BinarySpec("jaeger-child", "child", "test-a", ":14269", false, List.of(module));
    System.exit(JaegerMain.run(spec, args, System.getenv()));
  }
}
