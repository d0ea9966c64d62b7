// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import com.fasterxml.jackson.core.JsonGenerator;
import io.jaegerj.model.json.UiJsonWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A response of port 16686 under construction: the handlers fill it, {@link HttpRouter} sends it. Every JSON body is
 * written here, with Jackson, so the handlers only say what goes into it.
 */
final class HttpReply {
  /** Writes one JSON value. */
  interface Json {
    void write(JsonGenerator g) throws IOException;
  }

  static final String JSON = "application/json";
  private static final int INITIAL_BODY_BYTES = 4096;
  /** Go's http.Error content type, which Jaeger also uses for its JSON error bodies. */
  static final String TEXT = "text/plain; charset=utf-8";

  HttpResponseStatus status = HttpResponseStatus.OK;
  String contentType;
  ByteBuf body = Unpooled.EMPTY_BUFFER;
  String location;
  String cacheControl;
  boolean nosniff;

  /** A 200 JSON body. */
  void json(boolean pretty, Json value) throws IOException {
    body(HttpResponseStatus.OK, JSON, false, encode(pretty, value));
  }

  /** A JSON error body sent as text/plain with a trailing newline, like Go's http.Error. */
  void jsonError(HttpResponseStatus status, Json value) {
    ByteBuf buf;
    try {
      buf = encode(false, value);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    buf.writeByte('\n');
    body(status, TEXT, true, buf);
  }

  /** A plain text body with a trailing newline (Go's http.Error). */
  void text(HttpResponseStatus status, String msg) {
    body(status, TEXT, true, Unpooled.copiedBuffer(msg + "\n", StandardCharsets.UTF_8));
  }

  /** A 200 body of pre-encoded bytes. */
  void bytes(String contentType, byte[] content) {
    body(HttpResponseStatus.OK, contentType, false, Unpooled.wrappedBuffer(content));
  }

  /** Status only, empty body (405 of gorilla/mux). */
  void status(HttpResponseStatus status) {
    clear();
    this.status = status;
  }

  void redirect(String location) {
    status(HttpResponseStatus.MOVED_PERMANENTLY);
    this.location = location;
  }

  /** Drops what was written so far (an error replaces it). */
  void clear() {
    if (body != Unpooled.EMPTY_BUFFER && body.refCnt() > 0) {
      body.release();
    }
    body = Unpooled.EMPTY_BUFFER;
    contentType = null;
    cacheControl = null;
    nosniff = false;
  }

  private void body(HttpResponseStatus status, String contentType, boolean nosniff, ByteBuf content) {
    clear();
    this.status = status;
    this.contentType = contentType;
    this.nosniff = nosniff;
    this.body = content;
  }

  /**
   * A trace of a few dozen spans is several kilobytes of JSON: the body goes into a pooled I/O buffer of the channels'
   * allocator, so growing it and handing it to the socket leave no garbage (an unpooled heap buffer grown from 256 bytes
   * allocated about three times the body, and the socket write copied it once more into a direct buffer).
   */
  private static ByteBuf encode(boolean pretty, Json value) throws IOException {
    ByteBuf buf = ByteBufAllocator.DEFAULT.ioBuffer(INITIAL_BODY_BYTES);
    try (JsonGenerator g = UiJsonWriter.newGenerator(new ByteBufOutputStream(buf), pretty)) {
      value.write(g);
    } catch (IOException | RuntimeException e) {
      buf.release();
      throw e;
    }
    return buf;
  }

  /** Sends the reply with the configured extra headers; closes the connection when the request asks or was bad. */
  void send(ChannelHandlerContext ctx, FullHttpRequest req, List<Map.Entry<String, String>> additionalHeaders) {
    FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
    body = Unpooled.EMPTY_BUFFER;
    if (contentType != null) {
      resp.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    }
    if (nosniff) {
      resp.headers().set("X-Content-Type-Options", "nosniff");
    }
    if (location != null) {
      resp.headers().set(HttpHeaderNames.LOCATION, location);
    }
    if (cacheControl != null) {
      resp.headers().set(HttpHeaderNames.CACHE_CONTROL, cacheControl);
    }
    for (Map.Entry<String, String> h : additionalHeaders) {
      resp.headers().add(h.getKey(), h.getValue());
    }
    HttpUtil.setContentLength(resp, resp.content().readableBytes());
    // A request whose framing failed (RFC 9112): the rest of the connection cannot be trusted.
    boolean keepAlive = HttpUtil.isKeepAlive(req) && !req.decoderResult().isFailure();
    if (req.method().equals(HttpMethod.HEAD)) {
      resp.content().clear();
    }
    if (keepAlive) {
      if (!req.protocolVersion().isKeepAliveDefault()) {
        resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      }
      ctx.writeAndFlush(resp);
    } else {
      resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
