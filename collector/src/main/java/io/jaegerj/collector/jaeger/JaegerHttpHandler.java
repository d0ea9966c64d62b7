// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.jaeger;

import io.jaegerj.collector.http.AckAnswer;
import io.jaegerj.collector.http.HttpHandler;
import io.jaegerj.collector.http.HttpResponses;
import io.jaegerj.collector.http.PendingResponse;
import io.jaegerj.collector.http.ReceiverErrors;
import io.jaegerj.collector.http.RefusedSpans;
import io.jaegerj.collector.http.RequestDurations;
import io.jaegerj.collector.pipeline.SpanConsumer;
import io.jaegerj.collector.sampling.SamplingHttp;
import io.jaegerj.collector.thrift.JaegerThriftDecoder;
import io.jaegerj.collector.thrift.ThriftDecodeException;
import io.jaegerj.collector.thrift.ThriftProtocol;
import io.jaegerj.collector.thrift.ThriftSpanCounts;
import io.jaegerj.model.Span;
import io.jaegerj.server.tenancy.Tenancy;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Port 14268: {@code POST /api/traces} (a jaeger.thrift {@code Batch} in the Thrift binary protocol) and
 * {@code GET /api/sampling}. Answers and texts follow Jaeger's handler; a full queue answers 503 with
 * {@code Retry-After: 1} where Jaeger drops the spans and answers 202. With {@code --collector.acknowledge=stored}
 * the 202 waits for the storage write, and a failed write answers 503 naming the failure.
 */
public final class JaegerHttpHandler implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(JaegerHttpHandler.class);

  private final SpanConsumer consumer;
  private final SamplingHttp sampling;
  private final ReceiverErrors errors;
  private final RequestDurations durations;
  private final Tenancy tenancy;

  public JaegerHttpHandler(SpanConsumer consumer, SamplingHttp sampling, ReceiverErrors errors,
      RequestDurations durations, Tenancy tenancy) {
    this.tenancy = tenancy;
    this.consumer = consumer;
    this.sampling = sampling;
    this.errors = errors;
    this.durations = durations;
  }

  @Override
  public FullHttpResponse handle(FullHttpRequest req, ByteBufAllocator alloc) {
    long start = System.nanoTime();
    String uri = req.uri();
    int q = uri.indexOf('?');
    String path = q < 0 ? uri : uri.substring(0, q);
    FullHttpResponse r = route(req, alloc, path);
    if (r instanceof PendingResponse pending) {
      String method = req.method().name();
      return HttpResponses.later(pending.response().thenApply(done -> {
        durations.record(method, path, done.status().code(), System.nanoTime() - start);
        return done;
      }));
    }
    durations.record(req.method().name(), path, r.status().code(), System.nanoTime() - start);
    return r;
  }

  private FullHttpResponse route(FullHttpRequest req, ByteBufAllocator alloc, String path) {
    if (path.equals("/api/traces")) {
      if (!req.method().equals(HttpMethod.POST)) {
        errors.count("method_not_allowed");
        return HttpResponses.empty(HttpResponseStatus.METHOD_NOT_ALLOWED);
      }
      return traces(req, alloc);
    }
    if (path.equals("/api/sampling")) {
      if (!req.method().equals(HttpMethod.GET)) {
        errors.count("method_not_allowed");
        return HttpResponses.empty(HttpResponseStatus.METHOD_NOT_ALLOWED);
      }
      return sampling.answer(req, alloc, false);
    }
    errors.count("not_found");
    return HttpResponses.notFound(alloc);
  }

  private FullHttpResponse traces(FullHttpRequest req, ByteBufAllocator alloc) {
    String contentType = req.headers().get(HttpHeaderNames.CONTENT_TYPE);
    if (contentType == null || contentType.isBlank()) {
      errors.count("unsupported_media_type");
      return HttpResponses.text(alloc, HttpResponseStatus.BAD_REQUEST,
          "Cannot parse content type: mime: no media type\n");
    }
    int semi = contentType.indexOf(';');
    String media = (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    if (!media.equals("application/x-thrift") && !media.equals("application/vnd.apache.thrift.binary")) {
      errors.count("unsupported_media_type");
      return HttpResponses.text(alloc, HttpResponseStatus.BAD_REQUEST,
          "Unsupported content type: " + htmlEscape(media) + "\n");
    }
    Tenancy.Decision tenant = tenancy.resolve(req.headers());
    if (!tenant.allowed()) {
      errors.count("tenancy");
      return HttpResponses.text(alloc, HttpResponseStatus.FORBIDDEN, tenant.failure().message() + "\n");
    }
    if (consumer.saturated()) {
      RefusedSpans.count(consumer, errors,
          ThriftSpanCounts.jaegerBatch(ByteBufUtil.getBytes(req.content()), ThriftProtocol.BINARY));
      return busy(alloc, "Cannot submit Jaeger batch: server busy");
    }
    List<Span> spans;
    try {
      ByteBuf body = req.content();
      spans = JaegerThriftDecoder.decodeBatch(ByteBufUtil.getBytes(body), ThriftProtocol.BINARY);
    } catch (ThriftDecodeException e) {
      errors.count("malformed");
      LOG.debug("Malformed Thrift batch", e);
      return HttpResponses.text(alloc, HttpResponseStatus.BAD_REQUEST,
          "Unable to process request body: " + e.getMessage() + "\n");
    }
    CompletionStage<SpanConsumer.Result> ack =
        consumer.submitForAck(tenant.tenant(), spans, SpanConsumer.Format.JAEGER, SpanConsumer.Transport.HTTP);
    return HttpResponses.later(ack.handle((result, failure) -> answer(alloc, result, failure)));
  }

  /** The answer once the pipeline took or refused the batch, or (acknowledge=stored) once storage wrote it. */
  private FullHttpResponse answer(ByteBufAllocator alloc, SpanConsumer.Result result, Throwable failure) {
    return AckAnswer.of(result, failure, errors, () -> HttpResponses.empty(HttpResponseStatus.ACCEPTED),
        () -> busy(alloc, "Cannot submit Jaeger batch: server busy"), message -> busy(alloc, message));
  }

  private static FullHttpResponse busy(ByteBufAllocator alloc, String message) {
    FullHttpResponse r = HttpResponses.text(alloc, HttpResponseStatus.SERVICE_UNAVAILABLE, message + "\n");
    r.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
    return r;
  }

  /** Go's html.EscapeString. */
  static String htmlEscape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<':
          b.append("&lt;");
          break;
        case '>':
          b.append("&gt;");
          break;
        case '&':
          b.append("&amp;");
          break;
        case '\'':
          b.append("&#39;");
          break;
        case '"':
          b.append("&#34;");
          break;
        default:
          b.append(c);
      }
    }
    return b.toString();
  }
}
