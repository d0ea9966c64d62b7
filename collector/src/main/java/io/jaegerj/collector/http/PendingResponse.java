// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * A response that is not known yet: returned by an {@link HttpHandler} that answers after the storage write
 * ({@code --collector.acknowledge=stored}). {@link NettyHttpServer} never writes this object itself; it writes the
 * response the stage completes with, on the channel's event loop, in request order. Keeping it a
 * {@link FullHttpResponse} keeps the synchronous handler contract of every other handler unchanged.
 */
public final class PendingResponse extends DefaultFullHttpResponse {
  private final CompletionStage<FullHttpResponse> response;

  PendingResponse(CompletionStage<FullHttpResponse> response) {
    super(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.EMPTY_BUFFER);
    this.response = Objects.requireNonNull(response, "response");
  }

  /** Completes with the response to write; may complete on any thread. */
  public CompletionStage<FullHttpResponse> response() {
    return response;
  }
}
