// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.http;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Small builders for the plain responses every receiver sends. */
public final class HttpResponses {
  private HttpResponses() {}

  public static FullHttpResponse bytes(ByteBufAllocator alloc, HttpResponseStatus status, String contentType,
      byte[] body) {
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        body.length == 0 ? Unpooled.EMPTY_BUFFER : alloc.buffer(body.length).writeBytes(body));
    if (contentType != null) {
      r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    }
    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    return r;
  }

  /** A text/plain response; Go's http.Error style bodies end with a newline, pass it in {@code text}. */
  public static FullHttpResponse text(ByteBufAllocator alloc, HttpResponseStatus status, String text) {
    return bytes(alloc, status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
  }

  public static FullHttpResponse empty(HttpResponseStatus status) {
    return bytes(ByteBufAllocator.DEFAULT, status, null, new byte[0]);
  }

  /**
   * A response written once {@code response} completes (see {@link PendingResponse}); a failed stage is answered
   * 500. A stage that is already complete is unwrapped, so the caller pays nothing for it.
   */
  public static FullHttpResponse later(CompletionStage<FullHttpResponse> response) {
    CompletableFuture<FullHttpResponse> f = response.toCompletableFuture();
    if (f.isDone() && !f.isCompletedExceptionally()) {
      return f.join();
    }
    return new PendingResponse(response);
  }

  /** Go's mux answer for an unknown path. */
  public static FullHttpResponse notFound(ByteBufAllocator alloc) {
    return text(alloc, HttpResponseStatus.NOT_FOUND, "404 page not found\n");
  }
}
