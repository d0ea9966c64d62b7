// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.jaegerj.config.Flag;
import io.jaegerj.config.Settings;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TenancyRulesTest {
  private static final List<Flag> FLAGS = List.of(Flag.bool("multi-tenancy.enabled", false, ""),
      Flag.string("multi-tenancy.header", "x-tenant", ""), Flag.string("multi-tenancy.tenants", "", ""));

  @Test
  void resolve_disabled_isTheDefaultTenantWhateverTheHeaders() {
    Tenancy t = Tenancy.from(Settings.defaults(FLAGS, Map.of()));
    assertThat(t.enabled()).isFalse();
    assertThat(t.resolve(List.of("acme", "evil"))).isEqualTo(new Tenancy.Decision("", null));
    assertThat(t.resolve(new DefaultHttpHeaders().add("x-tenant", "acme")).tenant()).isEmpty();
    assertThat(t.current().tenant()).isEmpty();
    // a binary without the flags (the ingester) uses Tenancy.disabled(); reading flags it lacks fails loudly
    assertThat(Tenancy.disabled().enabled()).isFalse();
    assertThatThrownBy(() -> Tenancy.from(Settings.defaults(List.of(), Map.of())))
        .hasMessageContaining("multi-tenancy.enabled");
  }

  @Test
  void resolve_enabled_oneNonEmptyAllowedValue() {
    Tenancy t = Tenancy.from(Settings.defaults(FLAGS, Map.of("multi-tenancy.enabled", "true",
        "multi-tenancy.header", "X-Org", "multi-tenancy.tenants", "acme,globex")));
    assertThat(t.resolve(List.of())).extracting(Tenancy.Decision::failure).isEqualTo(Tenancy.Failure.MISSING);
    assertThat(t.resolve(List.of(""))).extracting(Tenancy.Decision::failure).isEqualTo(Tenancy.Failure.EMPTY);
    assertThat(t.resolve(List.of("acme", "acme"))).extracting(Tenancy.Decision::failure)
        .isEqualTo(Tenancy.Failure.EXTRA);
    assertThat(t.resolve(List.of("ACME"))).extracting(Tenancy.Decision::failure).isEqualTo(Tenancy.Failure.UNKNOWN);
    assertThat(t.resolve(List.of("globex"))).isEqualTo(new Tenancy.Decision("globex", null));

    HttpHeaders h = new DefaultHttpHeaders().add("x-org", "acme");
    assertThat(t.resolve(h).tenant()).isEqualTo("acme");
    assertThat(t.resolve(h.add("X-ORG", "globex")).failure()).isEqualTo(Tenancy.Failure.EXTRA);
    Metadata md = new Metadata();
    md.put(Metadata.Key.of("x-org", Metadata.ASCII_STRING_MARSHALLER), "acme");
    assertThat(t.resolve(md).tenant()).isEqualTo("acme");
    assertThat(t.resolve(new Metadata()).failure()).isEqualTo(Tenancy.Failure.MISSING);
  }

  @Test
  void resolve_enabledWithoutList_acceptsAnyNonEmptyValue() {
    Tenancy t = new Tenancy(true, "x-tenant", List.of());
    assertThat(t.resolve(List.of("anything")).tenant()).isEqualTo("anything");
    assertThat(t.resolve(List.of("")).allowed()).isFalse();
  }

  @Test
  void current_enabledOutsideAnInterceptedCall_failsClosed() {
    Tenancy t = new Tenancy(true, "x-tenant", List.of());
    assertThat(t.current().failure()).isEqualTo(Tenancy.Failure.MISSING);
    assertThatThrownBy(() -> t.currentTenant(Status.Code.UNAUTHENTICATED))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
          assertThat(e.getStatus().getDescription()).isEqualTo("missing tenant header");
        });
  }

  @Test
  void grpcStatus_jaegerCodesAndMessages() {
    assertThat(Tenancy.grpcStatus(Tenancy.Failure.MISSING, Status.Code.PERMISSION_DENIED).getCode())
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(Tenancy.grpcStatus(Tenancy.Failure.MISSING, Status.Code.UNAUTHENTICATED).getCode())
        .isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(Tenancy.grpcStatus(Tenancy.Failure.EMPTY, Status.Code.PERMISSION_DENIED).getCode())
        .isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(Tenancy.grpcStatus(Tenancy.Failure.EXTRA, Status.Code.UNAUTHENTICATED).getDescription())
        .isEqualTo("extra tenant header");
    assertThat(Tenancy.grpcStatus(Tenancy.Failure.UNKNOWN, Status.Code.UNAUTHENTICATED).getCode())
        .isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  @Test
  void constructor_emptyHeader_throws() {
    assertThatThrownBy(() -> new Tenancy(true, "", List.of())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("multi-tenancy.header");
  }
}
