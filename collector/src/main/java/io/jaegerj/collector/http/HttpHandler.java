// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.http;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;

/** Answers one aggregated request on the event loop; must not block. The request is released by the caller. */
@FunctionalInterface
public interface HttpHandler {
  FullHttpResponse handle(FullHttpRequest request, ByteBufAllocator alloc);
}
