// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.zipkin;

import io.jaegerj.collector.http.AckAnswer;
import io.jaegerj.collector.http.Decompression;
import io.jaegerj.collector.http.HttpHandler;
import io.jaegerj.collector.http.HttpResponses;
import io.jaegerj.collector.http.ReceiverErrors;
import io.jaegerj.collector.http.RefusedSpans;
import io.jaegerj.collector.pipeline.SpanConsumer;
import io.jaegerj.collector.thrift.ThriftProtocol;
import io.jaegerj.collector.thrift.ThriftSpanCounts;
import io.jaegerj.model.Span;
import io.jaegerj.server.tenancy.Tenancy;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers Zipkin {@code POST}s: a path containing {@code api/v1/spans} is Zipkin v1 (Thrift for
 * {@code application/x-thrift}, else JSON), any other path v2 (proto3 for {@code application/x-protobuf}, else JSON),
 * as Jaeger routes them. Answers: 202 accepted, 400 with the decoder's text, 405 for another method, 413 over 20 MiB,
 * 415 for a media type that is neither JSON nor the version's binary type, 503 (retryable) when the pipeline is full
 * or, with {@code --collector.acknowledge=stored} (answered after the write), the storage write failed.
 * Runs on the event loop: it only decodes and offers; a later answer is written by {@link
 * io.jaegerj.collector.http.NettyHttpServer} when the write completes.
 */
final class ZipkinHttpHandler implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ZipkinHttpHandler.class);
  /** Limit of a request body, before and after decompression (the OTel HTTP server default). */
  static final int MAX_BODY_BYTES = 20 << 20;

  private final SpanConsumer consumer;
  private final ReceiverErrors errors;
  private final Clock clock;
  private final Tenancy tenancy;

  ZipkinHttpHandler(SpanConsumer consumer, ReceiverErrors errors, Clock clock, Tenancy tenancy) {
    this.tenancy = tenancy;
    this.consumer = consumer;
    this.errors = errors;
    this.clock = clock;
  }

  @Override
  public FullHttpResponse handle(FullHttpRequest req, ByteBufAllocator alloc) {
    if (!req.method().equals(HttpMethod.POST)) {
      errors.count("method_not_allowed");
      FullHttpResponse r = HttpResponses.text(alloc, HttpResponseStatus.METHOD_NOT_ALLOWED,
          "405 method not allowed, supported: [POST]\n");
      r.headers().set(HttpHeaderNames.ALLOW, "POST");
      return r;
    }
    String uri = req.uri();
    int q = uri.indexOf('?');
    boolean v1 = (q < 0 ? uri : uri.substring(0, q)).contains("api/v1/spans");
    String mediaType = mediaType(req.headers().get(HttpHeaderNames.CONTENT_TYPE));
    ZipkinDecoders.Format format = format(v1, mediaType);
    if (format == null) {
      errors.count("unsupported_media_type");
      return HttpResponses.text(alloc, HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "415 unsupported media type "
          + mediaType + ", supported: [application/json, " + (v1 ? "application/x-thrift" : "application/x-protobuf")
          + "]\n");
    }
    Tenancy.Decision tenant = tenancy.resolve(req.headers());
    if (!tenant.allowed()) {
      errors.count("tenancy");
      return HttpResponses.text(alloc, HttpResponseStatus.FORBIDDEN, tenant.failure().message() + "\n");
    }
    if (consumer.saturated()) {
      RefusedSpans.count(consumer, errors, refusedSpans(format, req));
      return busy(alloc, "sending queue is full");
    }
    byte[] body;
    try {
      body = Decompression.decode(ByteBufUtil.getBytes(req.content()),
          req.headers().get(HttpHeaderNames.CONTENT_ENCODING), MAX_BODY_BYTES);
    } catch (Decompression.TooLargeException e) {
      errors.count("too_large");
      return HttpResponses.text(alloc, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, e.getMessage() + "\n");
    } catch (Decompression.UnsupportedEncodingException | IOException e) {
      errors.count("malformed");
      return HttpResponses.text(alloc, HttpResponseStatus.BAD_REQUEST, e.getMessage() + "\n");
    }
    List<Span> spans;
    try {
      spans = ZipkinDecoders.decode(format, body, 0, body.length, clock);
    } catch (ZipkinDecodeException e) {
      errors.count("malformed");
      LOG.debug("Malformed Zipkin request ({})", format, e);
      return HttpResponses.text(alloc, HttpResponseStatus.BAD_REQUEST, e.getMessage() + "\n");
    }
    if (spans.isEmpty()) {
      return HttpResponses.bytes(alloc, HttpResponseStatus.ACCEPTED, null, new byte[0]);
    }
    CompletionStage<SpanConsumer.Result> ack =
        consumer.submitForAck(tenant.tenant(), spans, SpanConsumer.Format.ZIPKIN, SpanConsumer.Transport.HTTP);
    return HttpResponses.later(ack.handle((result, failure) -> answer(alloc, result, failure)));
  }

  /** The answer once the pipeline took or refused the batch, or (acknowledge=stored) once storage wrote it. */
  private FullHttpResponse answer(ByteBufAllocator alloc, SpanConsumer.Result result, Throwable failure) {
    return AckAnswer.of(result, failure, errors,
        () -> HttpResponses.bytes(alloc, HttpResponseStatus.ACCEPTED, null, new byte[0]),
        () -> busy(alloc, "sending queue is full"), message -> busy(alloc, message));
  }

  private static FullHttpResponse busy(ByteBufAllocator alloc, String message) {
    FullHttpResponse r = HttpResponses.text(alloc, HttpResponseStatus.SERVICE_UNAVAILABLE, message + "\n");
    r.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
    return r;
  }

  /** The spans of a request refused before decoding, when its framing tells without decoding; else -1. */
  private static int refusedSpans(ZipkinDecoders.Format format, FullHttpRequest req) {
    String encoding = req.headers().get(HttpHeaderNames.CONTENT_ENCODING);
    switch (format) {
      case PROTO3:
        return RefusedSpans.zipkinProto3(req.content(), encoding);
      case THRIFT_V1:
        return encoding == null || encoding.isBlank()
            ? ThriftSpanCounts.zipkinList(ByteBufUtil.getBytes(req.content()), ThriftProtocol.BINARY) : -1;
      default:
        return -1;
    }
  }

  /**
   * Jaeger picks the binary decoder only for the exact binary type and JSON for anything else; we also accept
   * parameters on the binary type and refuse types that are clearly neither (415), so that a client error is
   * reported as such instead of as a JSON syntax error.
   */
  static ZipkinDecoders.Format format(boolean v1, String mediaType) {
    if (mediaType.isEmpty() || mediaType.equals("application/json") || mediaType.equals("text/plain")) {
      return v1 ? ZipkinDecoders.Format.JSON_V1 : ZipkinDecoders.Format.JSON_V2;
    }
    if (v1 && mediaType.equals("application/x-thrift")) {
      return ZipkinDecoders.Format.THRIFT_V1;
    }
    if (!v1 && mediaType.equals("application/x-protobuf")) {
      return ZipkinDecoders.Format.PROTO3;
    }
    return null;
  }

  /** The media type without parameters, lower case; "" when absent. */
  static String mediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
  }
}
