// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server.tenancy;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.jaegerj.config.Flag;
import io.jaegerj.config.Settings;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Jaeger's multi-tenancy ({@code --multi-tenancy.enabled}, {@code .header}, {@code .tenants}) with one rule set for
 * every receiver and API: OTLP gRPC/HTTP, Jaeger gRPC and Thrift HTTP, Zipkin, query HTTP ({@code /api},
 * {@code /api/v3}, UI) and query gRPC (api_v2, api_v3).
 *
 * <p>The rule: with tenancy on, a request names its tenant with exactly one non-empty value of the tenant header
 * (HTTP header names are case-insensitive, gRPC metadata keys are the lower-cased name), and that value must be in
 * the tenant list when one is configured. Otherwise the request is refused with a {@link Failure}: no header,
 * an empty value, several values, or a value not in the list. Each surface answers a failure with the status code
 * Jaeger uses there ({@link #grpcStatus}, and 401 on the query's HTTP port, 403 on the collector's); the messages are
 * Jaeger's. The tenant that passed is what the storage SPI receives ({@code io.jaegerj.storage.Tenants}); with
 * tenancy off every request has the default tenant "".
 *
 * <p>Deliberately stricter than Jaeger, where an empty value or (on HTTP) a repeated header is let through and can
 * reach the default tenant's data: both are refused everywhere.
 *
 * <p>Immutable and thread-safe.
 */
public final class Tenancy {
  /** Why a request was refused. */
  public enum Failure {
    /** The header is absent. */
    MISSING("missing tenant header"),
    /** The header is present with an empty value. */
    EMPTY("missing tenant header"),
    /** The header is present more than once. */
    EXTRA("extra tenant header"),
    /** The value is not in {@code --multi-tenancy.tenants}. */
    UNKNOWN("unknown tenant");

    private final String message;

    Failure(String message) {
      this.message = message;
    }

    /** Jaeger's message for this failure. */
    public String message() {
      return message;
    }
  }

  /** The outcome of a check: a tenant, or a failure. */
  public record Decision(String tenant, Failure failure) {
    static final Decision DEFAULT = new Decision("", null);

    public boolean allowed() {
      return failure == null;
    }
  }

  static final String ENABLED = "multi-tenancy.enabled";
  static final String HEADER = "multi-tenancy.header";
  static final String TENANTS = "multi-tenancy.tenants";

  private static final Context.Key<Decision> DECISION = Context.key("jaeger-tenancy-decision");

  private final boolean enabled;
  private final String header;
  private final Metadata.Key<String> metadataKey;
  private final Set<String> tenants;

  /**
   * @param header the header name; any case
   * @param tenants the allowed tenants; empty allows every non-empty value
   */
  public Tenancy(boolean enabled, String header, List<String> tenants) {
    Objects.requireNonNull(header, "header");
    if (header.isEmpty()) {
      throw new IllegalArgumentException("multi-tenancy.header: \"\" (expected: a header name)");
    }
    this.enabled = enabled;
    this.header = header;
    this.metadataKey = Metadata.Key.of(header.toLowerCase(Locale.ROOT), Metadata.ASCII_STRING_MARSHALLER);
    this.tenants = Set.copyOf(tenants);
  }

  /** Tenancy off: every request has the default tenant. */
  public static Tenancy disabled() {
    return new Tenancy(false, "x-tenant", List.of());
  }

  /** The {@code multi-tenancy.*} flags, declared by every binary that checks tenants (all but the ingester). */
  public static List<Flag> flags() {
    return List.of(
        Flag.bool(ENABLED, false, "Enable tenancy header when receiving or querying"),
        Flag.string(HEADER, "x-tenant", "HTTP header carrying tenant"),
        Flag.string(TENANTS, "",
            "comma-separated list of allowed values for --multi-tenancy.header header.  (If not supplied, tenants are"
                + " not restricted)"));
  }

  /**
   * From the {@link #flags()}, read once by the launcher and passed to every receiver and API of the binary; a
   * binary that does not declare them fails here (it uses {@link #disabled()} instead).
   */
  public static Tenancy from(Settings s) {
    boolean enabled = s.getBool(ENABLED);
    String header = s.getString(HEADER);
    List<String> tenants = s.getList(TENANTS);
    return enabled ? new Tenancy(true, header, tenants) : disabled();
  }

  public boolean enabled() {
    return enabled;
  }

  public String header() {
    return header;
  }

  /** The rule, applied to every value of the tenant header a request carries. */
  public Decision resolve(List<String> values) {
    if (!enabled) {
      return Decision.DEFAULT;
    }
    if (values == null || values.isEmpty()) {
      return new Decision("", Failure.MISSING);
    }
    if (values.size() > 1) {
      return new Decision("", Failure.EXTRA);
    }
    String tenant = values.get(0);
    if (tenant == null || tenant.isEmpty()) {
      return new Decision("", Failure.EMPTY);
    }
    if (!tenants.isEmpty() && !tenants.contains(tenant)) {
      return new Decision("", Failure.UNKNOWN);
    }
    return new Decision(tenant, null);
  }

  /** The rule for an HTTP request. */
  public Decision resolve(HttpHeaders headers) {
    return enabled ? resolve(headers.getAll(header)) : Decision.DEFAULT;
  }

  /** The rule for gRPC metadata. */
  public Decision resolve(Metadata metadata) {
    if (!enabled) {
      return Decision.DEFAULT;
    }
    Iterable<String> all = metadata.getAll(metadataKey);
    List<String> values = new ArrayList<>(1);
    if (all != null) {
      all.forEach(values::add);
    }
    return resolve(values);
  }

  /**
   * A gRPC interceptor that decides at the start of each call and keeps the decision in the call's context for
   * {@link #current()}; the call itself goes on, so that handlers can refuse only when they have something to store
   * (Jaeger lets empty OTLP exports through unchecked).
   */
  public ServerInterceptor recordingInterceptor() {
    return new ServerInterceptor() {
      @Override
      public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
          ServerCallHandler<Q, A> next) {
        if (!enabled) {
          return next.startCall(call, headers);
        }
        return Contexts.interceptCall(Context.current().withValue(DECISION, resolve(headers)), call, headers, next);
      }
    };
  }

  /**
   * A gRPC interceptor that refuses a call that fails the rule before it reaches any service (health and reflection
   * included, as in Jaeger's query), with {@link #grpcStatus}; allowed calls see their tenant through
   * {@link #current()}.
   */
  public ServerInterceptor guardingInterceptor(Status.Code whenMissing) {
    return new ServerInterceptor() {
      @Override
      public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
          ServerCallHandler<Q, A> next) {
        if (!enabled) {
          return next.startCall(call, headers);
        }
        Decision d = resolve(headers);
        if (!d.allowed()) {
          call.close(grpcStatus(d.failure(), whenMissing), new Metadata());
          return new ServerCall.Listener<>() {};
        }
        return Contexts.interceptCall(Context.current().withValue(DECISION, d), call, headers, next);
      }
    };
  }

  /**
   * The decision for the current gRPC call, made by one of this class's interceptors; the default tenant when
   * tenancy is off. With tenancy on and no interceptor installed, the call is refused as missing its header, so that
   * a wiring mistake can never let a call reach the default tenant.
   */
  public Decision current() {
    if (!enabled) {
      return Decision.DEFAULT;
    }
    Decision d = DECISION.get();
    return d != null ? d : new Decision("", Failure.MISSING);
  }

  /**
   * The tenant of the current gRPC call (see {@link #current()}), or a {@link io.grpc.StatusRuntimeException} with
   * {@link #grpcStatus} when the call has none, so that a handler can never fall back to the default tenant.
   */
  public String currentTenant(Status.Code whenMissing) {
    Decision d = current();
    if (!d.allowed()) {
      throw grpcStatus(d.failure(), whenMissing).asRuntimeException();
    }
    return d.tenant();
  }

  /**
   * The gRPC status of a failure. Jaeger answers an absent header with {@code UNAUTHENTICATED} in its query but
   * {@code PERMISSION_DENIED} in its collector's receivers, hence {@code whenMissing}; an empty value is
   * {@code UNAUTHENTICATED}, several values and unknown tenants {@code PERMISSION_DENIED}.
   */
  public static Status grpcStatus(Failure failure, Status.Code whenMissing) {
    Status.Code code;
    switch (failure) {
      case MISSING:
        code = whenMissing;
        break;
      case EMPTY:
        code = Status.Code.UNAUTHENTICATED;
        break;
      default:
        code = Status.Code.PERMISSION_DENIED;
        break;
    }
    return code.toStatus().withDescription(failure.message());
  }
}
