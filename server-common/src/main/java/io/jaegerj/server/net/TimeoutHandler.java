// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server.net;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Go net/http's server timeouts on a Netty connection: the request headers must arrive within the read-header
 * timeout, the whole request within the read timeout, and a keep-alive connection is closed after the idle timeout.
 * A zero duration disables the corresponding deadline. Runs on the channel's event loop only.
 */
final class TimeoutHandler extends ChannelDuplexHandler {
  private final long headerNanos;
  private final long readNanos;
  private final long idleNanos;
  private ScheduledFuture<?> timer;

  TimeoutHandler(Duration readHeader, Duration read, Duration idle) {
    this.headerNanos = readHeader.toNanos();
    this.readNanos = read.toNanos();
    this.idleNanos = idle.toNanos();
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    arm(ctx, headerNanos > 0 ? headerNanos : readNanos);
    super.channelActive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof HttpRequest) {
      cancel();
      // The read timeout counts from the start of the request; the headers took a negligible part of it here.
      arm(ctx, readNanos);
    }
    if (msg instanceof LastHttpContent) {
      cancel();
    }
    super.channelRead(ctx, msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
    if (msg instanceof LastHttpContent) {
      promise = promise.unvoid();
      promise.addListener(f -> {
        if (f.isSuccess() && ctx.channel().isActive()) {
          arm(ctx, idleNanos);
        }
      });
    }
    super.write(ctx, msg, promise);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancel();
    super.channelInactive(ctx);
  }

  private void arm(ChannelHandlerContext ctx, long nanos) {
    cancel();
    if (nanos > 0) {
      timer = ctx.executor().schedule(() -> {
        ctx.close();
      }, nanos, TimeUnit.NANOSECONDS);
    }
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
