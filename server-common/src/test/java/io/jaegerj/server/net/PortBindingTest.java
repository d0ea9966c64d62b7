// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PortBindingTest {
  NettyTransport transport;

  @BeforeEach
  void setUp() {
    transport = NettyTransport.shared().retain();
  }

  @AfterEach
  void tearDown() {
    transport.release();
  }

  ServerBootstrap bootstrap() {
    return new ServerBootstrap()
        .group(transport.boss(), transport.workers())
        .channel(transport.serverChannelClass())
        .childHandler(new ChannelInboundHandlerAdapter());
  }

  @Test
  void bind_freePort_listens() {
    Channel ch = PortBinding.bind(bootstrap(), "x.host-port", HostPort.parse("x.host-port", "127.0.0.1:0"));
    try {
      assertThat(PortBinding.port(ch)).isPositive();
    } finally {
      ch.close().syncUninterruptibly();
    }
  }

  @Test
  void bind_portInUse_namesFlag() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      HostPort hp = new HostPort("127.0.0.1", taken.getLocalPort());
      assertThatThrownBy(() -> PortBinding.bind(bootstrap(), "collector.http-server.host-port", hp))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("--collector.http-server.host-port: cannot listen on 127.0.0.1:" + taken.getLocalPort()
              + ": address already in use");
    }
  }

  @Test
  void release_lastReference_stopsThreads() throws Exception {
    NettyTransport t = NettyTransport.shared().retain();
    t.workers();
    t.release();
    // The reference taken in setUp keeps the groups; they are only shut down by the last release.
    assertThat(t.workers().isShuttingDown()).isFalse();
  }

  @Test
  void transport_linuxAmd64_usesEpoll() {
    boolean linuxAmd64 = System.getProperty("os.name").equals("Linux")
        && System.getProperty("os.arch").equals("amd64");
    assertThat(transport.isEpoll()).isEqualTo(linuxAmd64);
    assertThat(transport.serverChannelClass().getSimpleName())
        .isEqualTo(linuxAmd64 ? "EpollServerSocketChannel" : "NioServerSocketChannel");
  }
}
