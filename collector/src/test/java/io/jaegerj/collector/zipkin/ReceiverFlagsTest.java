// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.zipkin;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.collector.agent.AgentReceivers;
import io.jaegerj.config.Flag;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Golden names and defaults: Jaeger 1.74's collector.zipkin.* and jaeger-agent 1.67's processor.* flags. */
class ReceiverFlagsTest {
  static Map<String, String> defaults(Iterable<Flag> flags) {
    Map<String, String> m = new LinkedHashMap<>();
    for (Flag f : flags) {
      m.put(f.name(), f.defaultValue());
    }
    return m;
  }

  @Test
  void zipkinFlags_matchJaeger174() {
    assertThat(defaults(ZipkinReceiver.flags())).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
        Map.entry("collector.zipkin.cors.allowed-headers", ""),
        Map.entry("collector.zipkin.cors.allowed-origins", ""),
        Map.entry("collector.zipkin.host-port", ""),
        Map.entry("collector.zipkin.keep-alive", "true"),
        Map.entry("collector.zipkin.tls.cert", ""),
        Map.entry("collector.zipkin.tls.cipher-suites", ""),
        Map.entry("collector.zipkin.tls.client-ca", ""),
        Map.entry("collector.zipkin.tls.enabled", "false"),
        Map.entry("collector.zipkin.tls.key", ""),
        Map.entry("collector.zipkin.tls.max-version", ""),
        Map.entry("collector.zipkin.tls.min-version", ""),
        Map.entry("collector.zipkin.tls.reload-interval", "0s")));
  }

  @Test
  void agentFlags_matchJaegerAgent167() {
    Map<String, String> expected = new LinkedHashMap<>();
    String[][] ports = {{"jaeger-compact", ":6831"}, {"jaeger-binary", ":6832"}, {"zipkin-compact", ":5775"}};
    for (String[] p : ports) {
      String x = "processor." + p[0] + ".";
      expected.put(x + "server-host-port", p[1]);
      expected.put(x + "server-max-packet-size", "65000");
      expected.put(x + "server-queue-size", "1000");
      expected.put(x + "server-socket-buffer-size", "0");
      expected.put(x + "workers", "10");
    }
    assertThat(defaults(AgentReceivers.flags())).containsExactlyInAnyOrderEntriesOf(expected);
    assertThat(Flag.envName("processor.jaeger-compact.server-host-port"))
        .isEqualTo("PROCESSOR_JAEGER_COMPACT_SERVER_HOST_PORT");
  }
}
