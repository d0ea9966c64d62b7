// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server.net;

import io.netty.bootstrap.AbstractBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.net.BindException;
import java.net.InetSocketAddress;

/** Binds listeners and reports failures naming the flag that chose the address. */
public final class PortBinding {
  private PortBinding() {}

  /**
   * Binds a Netty server or datagram bootstrap and waits for it.
   *
   * @throws IllegalArgumentException {@code --<flag>: cannot listen on <addr>: address already in use} (or the
   *     cause's message for other failures)
   */
  public static Channel bind(AbstractBootstrap<?, ?> bootstrap, String flag, HostPort address) {
    ChannelFuture f = bootstrap.bind(address.bindAddress()).awaitUninterruptibly();
    if (!f.isSuccess()) {
      throw failure(flag, address, f.cause());
    }
    return f.channel();
  }

  /**
   * The exception to throw when a listener (Netty, gRPC, anything) could not bind.
   *
   * @param cause the bind failure; its cause chain is searched for a {@link BindException}
   */
  public static IllegalArgumentException failure(String flag, HostPort address, Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof BindException || (t.getMessage() != null && t.getMessage().contains("Address already in use"))) {
        return new IllegalArgumentException(
            "--" + flag + ": cannot listen on " + address + ": address already in use", cause);
      }
    }
    return new IllegalArgumentException("--" + flag + ": cannot listen on " + address + ": " + cause, cause);
  }

  /** The port a channel actually listens on (useful with port 0). */
  public static int port(Channel channel) {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }
}
