// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.sampling;

import io.jaegerj.collector.http.HttpHandler;
import io.jaegerj.collector.http.HttpResponses;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The HTTP sampling endpoints: {@code GET /api/sampling?service=} on 14268, and on the legacy agent port 5778
 * {@code GET /sampling?service=} (same body) and {@code GET /?service=} (Thrift-shaped body).
 */
public final class SamplingHttp {
  static final String SERVICE_ONCE = "'service' parameter must be provided once\n";

  private final StrategyProvider provider;
  private final Counter requests;
  private final Counter clientErrors;
  private final Counter serverErrors;

  public SamplingHttp(StrategyProvider provider, MeterRegistry registry) {
    this.provider = provider;
    this.requests = Counter.builder("jaeger_collector_http_server_requests").tag("type", "sampling")
        .register(registry);
    this.clientErrors = Counter.builder("jaeger_collector_http_server_errors").tags("source", "all", "status", "4xx")
        .register(registry);
    this.serverErrors = Counter.builder("jaeger_collector_http_server_errors")
        .tags("source", "collector-proxy", "status", "5xx").register(registry);
  }

  /** Answers a sampling request whose path already matched. */
  public FullHttpResponse answer(FullHttpRequest req, ByteBufAllocator alloc, boolean legacy) {
    requests.increment();
    List<String> services = new QueryStringDecoder(req.uri()).parameters().get("service");
    if (services == null || services.size() != 1) {
      clientErrors.increment();
      return HttpResponses.text(alloc, HttpResponseStatus.BAD_REQUEST, SERVICE_ONCE);
    }
    String body;
    try {
      body = legacy ? SamplingJson.writeLegacy(provider.strategy(services.get(0)))
          : SamplingJson.write(provider.strategy(services.get(0)));
    } catch (RuntimeException e) {
      serverErrors.increment();
      return HttpResponses.text(alloc, HttpResponseStatus.INTERNAL_SERVER_ERROR,
          "collector error: " + e.getMessage() + "\n");
    }
    return HttpResponses.bytes(alloc, HttpResponseStatus.OK, "application/json",
        body.getBytes(StandardCharsets.UTF_8));
  }

  /** The legacy agent's port 5778. */
  public HttpHandler agentHandler() {
    return (req, alloc) -> {
      String path = new QueryStringDecoder(req.uri()).path();
      boolean legacy = path.equals("/");
      if (!legacy && !path.equals("/sampling")) {
        return HttpResponses.notFound(alloc);
      }
      if (!req.method().equals(HttpMethod.GET)) {
        return HttpResponses.empty(HttpResponseStatus.METHOD_NOT_ALLOWED);
      }
      return answer(req, alloc, legacy);
    };
  }
}
