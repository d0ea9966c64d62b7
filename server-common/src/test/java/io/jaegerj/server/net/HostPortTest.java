// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jaegerj.config.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HostPortTest {
  @Test
  void parse_colonPort() {
    HostPort hp = HostPort.parse("f", ":14250");
    assertThat(hp.host()).isEmpty();
    assertThat(hp.port()).isEqualTo(14250);
    assertThat(hp.toString()).isEqualTo(":14250");
    assertThat(hp.bindAddress().getAddress().isAnyLocalAddress()).isTrue();
    assertThat(hp.connectAddress().getHostString()).isEqualTo("127.0.0.1");
  }

  @Test
  void parse_hostAndPort() {
    HostPort hp = HostPort.parse("f", "127.0.0.1:14250");
    assertThat(hp).isEqualTo(new HostPort("127.0.0.1", 14250));
    assertThat(hp.authority()).isEqualTo("127.0.0.1:14250");
  }

  @Test
  void parse_barePort() {
    assertThat(HostPort.parse("f", "14250").toString()).isEqualTo(":14250");
  }

  @Test
  void parse_ipv6() {
    HostPort hp = HostPort.parse("f", "[::1]:80");
    assertThat(hp.host()).isEqualTo("::1");
    assertThat(hp.port()).isEqualTo(80);
    assertThat(hp.toString()).isEqualTo("[::1]:80");
    assertThat(hp.authority()).isEqualTo("[::1]:80");
  }

  @Test
  void parse_malformed_namesFlag() {
    assertThatThrownBy(() -> HostPort.parse("collector.grpc-server.host-port", "localhost:abc"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--collector.grpc-server.host-port")
        .hasMessageContaining("localhost:abc");
    assertThatThrownBy(() -> HostPort.parse("x", "host:70000")).hasMessageContaining("out of range");
    assertThatThrownBy(() -> HostPort.parse("x", "host:")).hasMessageContaining("missing port");
    assertThatThrownBy(() -> HostPort.parse("x", "::1:80")).hasMessageContaining("too many colons");
    assertThatThrownBy(() -> HostPort.parse("x", "[::1]")).hasMessageContaining("missing port");
  }

  @Test
  void from_settings() {
    var s = new Settings(Map.of("a.host-port", "127.0.0.1:9"));
    assertThat(HostPort.from(s, "a.host-port")).isEqualTo(new HostPort("127.0.0.1", 9));
    assertThat(HostPort.problem("1:2:3")).isEqualTo("too many colons in address");
    assertThat(HostPort.problem(":80")).isNull();
  }
}
