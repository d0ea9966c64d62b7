// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Jaeger's multi-tenancy check for gRPC receivers ({@code multi-tenancy.enabled}, {@code .header},
 * {@code .tenants}). The interceptor records the header values; handlers call {@link #check()} once they know the
 * request is not empty (empty OTLP requests are never checked). Immutable and thread-safe.
 */
public final class Tenancy {
  private static final Context.Key<List<String>> VALUES = Context.key("jaeger-tenant-values");

  private final boolean enabled;
  private final Metadata.Key<String> header;
  private final Set<String> tenants;

  public Tenancy(boolean enabled, String header, List<String> tenants) {
    this.enabled = enabled;
    this.header = Metadata.Key.of(header.toLowerCase(Locale.ROOT), Metadata.ASCII_STRING_MARSHALLER);
    this.tenants = Set.copyOf(tenants);
  }

  public static Tenancy disabled() {
    return new Tenancy(false, "x-tenant", List.of());
  }

  public boolean enabled() {
    return enabled;
  }

  /** Puts the tenant header values of each call into its context. */
  public ServerInterceptor interceptor() {
    return new ServerInterceptor() {
      @Override
      public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
          ServerCallHandler<Q, A> next) {
        if (!enabled) {
          return next.startCall(call, headers);
        }
        List<String> values = new ArrayList<>(1);
        Iterable<String> all = headers.getAll(header);
        if (all != null) {
          for (String v : all) {
            values.add(v);
          }
        }
        return Contexts.interceptCall(Context.current().withValue(VALUES, values), call, headers, next);
      }
    };
  }

  /** The tenant of the current call once {@link #check()} passed; "" (the default tenant) when tenancy is off. */
  public String tenant() {
    if (!enabled) {
      return "";
    }
    List<String> values = VALUES.get();
    return values == null || values.size() != 1 ? "" : values.get(0);
  }

  /** Null when the current call may proceed, else the status to fail it with (Jaeger's codes and messages). */
  public Status check() {
    if (!enabled) {
      return null;
    }
    List<String> values = VALUES.get();
    if (values == null || values.isEmpty()) {
      return Status.PERMISSION_DENIED.withDescription("missing tenant header");
    }
    if (values.size() > 1) {
      return Status.PERMISSION_DENIED.withDescription("extra tenant header");
    }
    String tenant = values.get(0);
    if (tenant.isEmpty()) {
      return Status.UNAUTHENTICATED.withDescription("missing tenant header");
    }
    if (!tenants.isEmpty() && !tenants.contains(tenant)) {
      return Status.PERMISSION_DENIED.withDescription("unknown tenant");
    }
    return null;
  }
}
