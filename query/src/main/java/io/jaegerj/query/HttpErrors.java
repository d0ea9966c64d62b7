// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import io.jaegerj.server.RateLimitedLog;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one mapping from a failed request of port 16686 to its answer: the status comes from the exception, the body
 * is the error envelope of the API family the route belongs to (spec query.md §2.4, §3.3).
 */
final class HttpErrors {
  private static final Logger LOG = LoggerFactory.getLogger(HttpErrors.class);

  /** A failure whose status and message go to the client as they are (e.g. 501 when a feature is off). */
  static final class StatusException extends RuntimeException {
    final HttpResponseStatus status;

    StatusException(HttpResponseStatus status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  /** The error body shapes of Jaeger's HTTP APIs. */
  enum Envelope {
    /** The internal /api: {@code {"data":null,"total":0,"limit":0,"offset":0,"errors":[{"code":c,"msg":m}]}}. */
    API {
      @Override
      void write(HttpReply r, HttpResponseStatus status, String msg) {
        r.jsonError(status, g -> ApiHandler.envelope(g, d -> d.writeNull(), 0, e -> {
          e.writeStartArray();
          e.writeStartObject();
          e.writeNumberField("code", status.code());
          e.writeStringField("msg", msg);
          e.writeEndObject();
          e.writeEndArray();
        }));
      }
    },
    /** api_v3 over HTTP, grpc-gateway's shape: {@code {"error":{"httpCode":c,"message":m}}}. */
    API_V3 {
      @Override
      void write(HttpReply r, HttpResponseStatus status, String msg) {
        r.jsonError(status, g -> {
          g.writeStartObject();
          g.writeObjectFieldStart("error");
          g.writeNumberField("httpCode", status.code());
          g.writeStringField("message", msg);
          g.writeEndObject();
          g.writeEndObject();
        });
      }
    };

    abstract void write(HttpReply r, HttpResponseStatus status, String msg);
  }

  /** Storage failures: one line every 10 s at most (with the number suppressed since), else DEBUG. */
  private final RateLimitedLog failures = new RateLimitedLog(LOG, RateLimitedLog.Level.ERROR);

  /** Replaces whatever {@code r} holds by the answer to {@code failure}. */
  void reply(HttpReply r, Envelope envelope, String method, String uri, Exception failure) {
    HttpResponseStatus status;
    if (failure instanceof BadRequestException) {
      LOG.debug("Bad request {}: {}", uri, failure.getMessage());
      status = HttpResponseStatus.BAD_REQUEST;
    } else if (failure instanceof QueryService.TraceNotFoundException) {
      status = HttpResponseStatus.NOT_FOUND;
    } else if (failure instanceof StatusException s) {
      status = s.status;
    } else {
      failures.log("HTTP request {} {} failed", method, uri, failure);
      status = HttpResponseStatus.INTERNAL_SERVER_ERROR;
    }
    envelope.write(r, status, String.valueOf(failure.getMessage()));
  }
}
