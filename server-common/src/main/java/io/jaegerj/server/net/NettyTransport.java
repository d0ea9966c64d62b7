// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server.net;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Native epoll when available, else NIO, with one boss and one worker event-loop group shared by every server of
 * the process. The groups are reference counted: the runtime {@link #retain() retains} them while a binary runs and
 * {@link #release() releases} them at close; the last release shuts them down (a later retain creates new ones).
 * Servers started inside a running binary just call {@link #shared()}.
 */
public final class NettyTransport {
  private static final NettyTransport SHARED = new NettyTransport();

  private final boolean epoll = Epoll.isAvailable();
  private EventLoopGroup boss;
  private EventLoopGroup workers;
  private int refs;

  private NettyTransport() {}

  public static NettyTransport shared() {
    return SHARED;
  }

  public boolean isEpoll() {
    return epoll;
  }

  /** Takes a reference; the groups stay up until every reference is released. */
  public synchronized NettyTransport retain() {
    refs++;
    return this;
  }

  /** Drops a reference; the last one shuts the groups down and waits up to 5 s for their threads to end. */
  public void release() {
    EventLoopGroup b;
    EventLoopGroup w;
    synchronized (this) {
      if (refs == 0) {
        throw new IllegalStateException("release() without retain()");
      }
      if (--refs > 0) {
        return;
      }
      b = boss;
      w = workers;
      boss = null;
      workers = null;
    }
    shutdown(b);
    shutdown(w);
  }

  private static void shutdown(EventLoopGroup g) {
    if (g != null) {
      g.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }

  /** The group that accepts connections (one thread). */
  public synchronized EventLoopGroup boss() {
    if (boss == null) {
      boss = newGroup(1, "jaeger-boss");
    }
    return boss;
  }

  /** The group that serves connections (Netty's default size: twice the cores). */
  public synchronized EventLoopGroup workers() {
    if (workers == null) {
      workers = newGroup(0, "jaeger-io");
    }
    return workers;
  }

  /** A new group of this transport's kind; the caller shuts it down. {@code threads=0} means Netty's default. */
  public EventLoopGroup newGroup(int threads, String name) {
    DefaultThreadFactory tf = new DefaultThreadFactory(name, true);
    return epoll ? new EpollEventLoopGroup(threads, tf) : new NioEventLoopGroup(threads, tf);
  }

  public Class<? extends ServerChannel> serverChannelClass() {
    return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  public Class<? extends SocketChannel> socketChannelClass() {
    return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  public Class<? extends DatagramChannel> datagramChannelClass() {
    return epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
  }
}
