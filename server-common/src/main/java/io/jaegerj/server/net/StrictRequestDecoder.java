// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server.net;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;
import java.util.List;

/**
 * Netty's request decoder with RFC 9112 §6.1 framing: a request with both {@code Transfer-Encoding} and
 * {@code Content-Length}, or whose transfer coding does not end with {@code chunked} (e.g. {@code xchunked}), cannot
 * be framed reliably (request smuggling). Such a request is passed on as a failed message and the rest of the
 * connection's input is discarded, so the server answers 400 and closes.
 */
final class StrictRequestDecoder extends HttpRequestDecoder {
  StrictRequestDecoder(int maxInitialLineLength, int maxHeaderSize, int maxChunkSize) {
    super(maxInitialLineLength, maxHeaderSize, maxChunkSize);
  }

  /** Thrown while reading the headers: the decoder turns it into a failed message and discards what follows. */
  static final class FramingException extends IllegalArgumentException {
    FramingException(String message) {
      super(message);
    }
  }

  @Override
  protected boolean isContentAlwaysEmpty(HttpMessage msg) {
    List<String> te = msg.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
    if (!te.isEmpty()) {
      if (msg.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
        throw new FramingException("both Transfer-Encoding and Content-Length");
      }
      String joined = String.join(",", te);
      String last = joined.substring(joined.lastIndexOf(',') + 1).trim();
      if (!last.equalsIgnoreCase("chunked")) {
        throw new FramingException("Transfer-Encoding does not end with chunked");
      }
    }
    return super.isContentAlwaysEmpty(msg);
  }
}
