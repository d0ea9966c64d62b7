// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.otlp;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.RetryInfo;
import com.google.rpc.Status;
import io.jaegerj.collector.http.AckAnswer;
import io.jaegerj.collector.http.Decompression;
import io.jaegerj.collector.http.HttpHandler;
import io.jaegerj.collector.http.HttpResponses;
import io.jaegerj.collector.http.ReceiverErrors;
import io.jaegerj.collector.http.RefusedSpans;
import io.jaegerj.collector.pipeline.SpanConsumer;
import io.jaegerj.model.Span;
import io.jaegerj.model.otlp.OtlpJson;
import io.jaegerj.server.tenancy.Tenancy;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OTLP/HTTP {@code POST /v1/traces} (port 4318) with the OTel collector's answers: 404 for other paths, 405 for
 * other methods, 415 for other media types, 400 with a {@code google.rpc.Status} for bad encodings and payloads,
 * 413 when the body exceeds the limit (Jaeger answers 400), 503 with {@code Retry-After: 1} when the queue is full
 * or (with {@code --collector.acknowledge=stored}, answered after the write) the storage write failed, 200 with an
 * empty response otherwise. Status bodies are protobuf or JSON like the request.
 */
public final class OtlpHttpHandler implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(OtlpHttpHandler.class);
  static final String PATH = "/v1/traces";
  static final String PROTOBUF = "application/x-protobuf";
  static final String JSON = "application/json";
  /** The OTel collector's default limit on a decoded body. */
  public static final int MAX_BODY_BYTES = 20 << 20;
  private static final JsonFormat.Printer STATUS_JSON = JsonFormat.printer().omittingInsignificantWhitespace()
      .usingTypeRegistry(JsonFormat.TypeRegistry.newBuilder().add(RetryInfo.getDescriptor()).build());

  private final SpanConsumer consumer;
  private final ReceiverErrors errors;
  private final int maxBodyBytes;
  private final Tenancy tenancy;

  public OtlpHttpHandler(SpanConsumer consumer, ReceiverErrors errors, int maxBodyBytes, Tenancy tenancy) {
    this.consumer = consumer;
    this.errors = errors;
    this.maxBodyBytes = maxBodyBytes;
    this.tenancy = tenancy;
  }

  @Override
  public FullHttpResponse handle(FullHttpRequest req, ByteBufAllocator alloc) {
    String uri = req.uri();
    int q = uri.indexOf('?');
    String path = q < 0 ? uri : uri.substring(0, q);
    if (!path.equals(PATH)) {
      errors.count("not_found");
      return HttpResponses.notFound(alloc);
    }
    if (!req.method().equals(HttpMethod.POST)) {
      errors.count("method_not_allowed");
      return HttpResponses.text(alloc, HttpResponseStatus.METHOD_NOT_ALLOWED,
          "405 method not allowed, supported: [POST]\n");
    }
    String contentType = mediaType(req.headers().get(HttpHeaderNames.CONTENT_TYPE));
    boolean json;
    if (contentType.equals(PROTOBUF)) {
      json = false;
    } else if (contentType.equals(JSON)) {
      json = true;
    } else {
      errors.count("unsupported_media_type");
      return HttpResponses.text(alloc, HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
          "415 unsupported media type, supported: [application/json, application/x-protobuf]\n");
    }
    if (consumer.saturated()) {
      RefusedSpans.count(consumer, errors, json ? -1
          : RefusedSpans.otlpProto(req.content(), req.headers().get(HttpHeaderNames.CONTENT_ENCODING)));
      return queueFull(alloc, json);
    }
    byte[] body;
    try {
      body = Decompression.decode(ByteBufUtil.getBytes(req.content()),
          req.headers().get(HttpHeaderNames.CONTENT_ENCODING), maxBodyBytes);
    } catch (Decompression.TooLargeException e) {
      errors.count("too_large");
      return status(alloc, json, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, 3, e.getMessage());
    } catch (Decompression.UnsupportedEncodingException | IOException e) {
      errors.count("malformed");
      return status(alloc, json, HttpResponseStatus.BAD_REQUEST, 3, e.getMessage());
    }
    List<Span> spans;
    try {
      spans = json ? OtlpJson.decode(body) : OtlpProtoDecoder.decode(body);
    } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
      errors.count("malformed");
      LOG.debug("Malformed OTLP/HTTP request", e);
      return status(alloc, json, HttpResponseStatus.BAD_REQUEST, 3, e.getMessage());
    }
    if (spans.isEmpty()) {
      return ok(alloc, json);
    }
    Tenancy.Decision tenant = tenancy.resolve(req.headers());
    if (!tenant.allowed()) {
      errors.count("tenancy");
      return status(alloc, json, HttpResponseStatus.FORBIDDEN, 7, tenant.failure().message());
    }
    CompletionStage<SpanConsumer.Result> ack =
        consumer.submitForAck(tenant.tenant(), spans, SpanConsumer.Format.OTLP, SpanConsumer.Transport.HTTP);
    return HttpResponses.later(ack.handle((result, failure) -> answer(alloc, json, result, failure)));
  }

  /** The answer once the pipeline took or refused the batch, or (acknowledge=stored) once storage wrote it. */
  private FullHttpResponse answer(ByteBufAllocator alloc, boolean json, SpanConsumer.Result result,
      Throwable failure) {
    return AckAnswer.of(result, failure, errors, () -> ok(alloc, json), () -> queueFull(alloc, json), message -> {
      FullHttpResponse r = status(alloc, json, HttpResponseStatus.SERVICE_UNAVAILABLE, 14, message);
      r.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
      return r;
    });
  }

  private static FullHttpResponse queueFull(ByteBufAllocator alloc, boolean json) {
    FullHttpResponse r = status(alloc, json, HttpResponseStatus.SERVICE_UNAVAILABLE, 14, "sending queue is full");
    r.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
    return r;
  }

  private static FullHttpResponse ok(ByteBufAllocator alloc, boolean json) {
    return json
        ? HttpResponses.bytes(alloc, HttpResponseStatus.OK, JSON, "{}".getBytes(StandardCharsets.UTF_8))
        : HttpResponses.bytes(alloc, HttpResponseStatus.OK, PROTOBUF, new byte[0]);
  }

  /** The media type without parameters, lower case; "" when absent. */
  static String mediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
  }

  private static FullHttpResponse status(ByteBufAllocator alloc, boolean json, HttpResponseStatus http, int code,
      String message) {
    Status.Builder s = Status.newBuilder().setCode(code)
        .setMessage(message == null ? "" : message);
    if (code == 14) {
      s.addDetails(Any.pack(RetryInfo.newBuilder()
          .setRetryDelay(Duration.newBuilder().setSeconds(1)).build()));
    }
    if (!json) {
      return HttpResponses.bytes(alloc, http, PROTOBUF, s.build().toByteArray());
    }
    String text;
    try {
      text = STATUS_JSON.print(s);
    } catch (InvalidProtocolBufferException e) {
      text = "{\"code\":13,\"message\":\"failed to marshal error message\"}";
    }
    return HttpResponses.bytes(alloc, http, JSON, text.getBytes(StandardCharsets.UTF_8));
  }
}
