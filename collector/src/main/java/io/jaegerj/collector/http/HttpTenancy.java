// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.http;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Set;

/**
 * The multi-tenancy check on HTTP receivers, reading the tenant header (Jaeger 1.74's OTLP/HTTP receiver cannot see
 * headers and refuses every request when tenancy is on; we check the header as on gRPC). Immutable.
 */
public final class HttpTenancy {
  private final boolean enabled;
  private final String header;
  private final Set<String> tenants;

  public HttpTenancy(boolean enabled, String header, List<String> tenants) {
    this.enabled = enabled;
    this.header = header;
    this.tenants = Set.copyOf(tenants);
  }

  public static HttpTenancy disabled() {
    return new HttpTenancy(false, "x-tenant", List.of());
  }

  /** The tenant of a request that {@link #check} allowed; "" (the default tenant) when tenancy is off. */
  public String tenant(HttpHeaders headers) {
    if (!enabled) {
      return "";
    }
    String v = headers.get(header);
    return v == null ? "" : v;
  }

  /** Null when allowed, else Jaeger's message. */
  public String check(HttpHeaders headers) {
    if (!enabled) {
      return null;
    }
    List<String> values = headers.getAll(header);
    if (values.isEmpty()) {
      return "missing tenant header";
    }
    if (values.size() > 1) {
      return "extra tenant header";
    }
    if (values.get(0).isEmpty()) {
      return "missing tenant header";
    }
    if (!tenants.isEmpty() && !tenants.contains(values.get(0))) {
      return "unknown tenant";
    }
    return null;
  }
}
