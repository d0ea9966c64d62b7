// SPDX-License-Identifier: Apache-2.0
// Starts a single-node OpenSearch 3.x on 127.0.0.1 from classpath jars (needs Java 21+); run as a source file.
// Args: <home dir> <http port> <transport port>
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.opensearch.Version;
import org.opensearch.common.settings.Settings;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.PluginInfo;

public class Launcher {
  static final class PluginNode extends Node {
    PluginNode(Settings s, Collection<PluginInfo> plugins) {
      super(InternalSettingsPreparer.prepareEnvironment(s, Map.of(), null, () -> "node-1"), plugins, true);
    }
  }

  public static void main(String[] args) throws Exception {
    Settings s = Settings.builder()
        .put("path.home", args[0])
        .put("path.data", Path.of(args[0], "data").toString())
        .put("cluster.name", "jaegerj-test")
        .put("node.name", "node-1")
        .put("network.host", "127.0.0.1")
        .put("http.port", args[1])
        .put("transport.port", args[2])
        .put("discovery.type", "single-node")
        .put("cluster.routing.allocation.disk.threshold_enabled", "false")
        .build();
    String netty = "org.opensearch.transport.Netty4ModulePlugin";
    PluginInfo info = new PluginInfo(netty, "netty4", "NA", Version.CURRENT, "21", netty, List.of(), false);
    Node node = new PluginNode(s, List.of(info));
    node.start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        node.close();
      } catch (Exception e) {
        // exiting anyway
      }
    }));
    Thread.currentThread().join();
  }
}
