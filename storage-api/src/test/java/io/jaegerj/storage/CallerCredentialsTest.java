// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class CallerCredentialsTest {
  @Test
  void callWith_visibleInsideOnly_andNestedCallsRestore() throws Exception {
    CallerCredentials.Credentials outer = new CallerCredentials.Credentials("a", "");
    CallerCredentials.Credentials inner = new CallerCredentials.Credentials("", "k");
    assertThat(CallerCredentials.current()).isEmpty();
    String seen = CallerCredentials.callWith(outer, () -> {
      Optional<CallerCredentials.Credentials> in = CallerCredentials.callWith(inner, CallerCredentials::current);
      assertThat(in).contains(inner);
      return CallerCredentials.current().orElseThrow().bearerToken();
    });
    assertThat(seen).isEqualTo("a");
    assertThat(CallerCredentials.current()).isEmpty();
  }

  @Test
  void callWith_otherThreads_doNotSeeIt() throws Exception {
    Optional<CallerCredentials.Credentials> other = CallerCredentials.callWith(
        new CallerCredentials.Credentials("a", ""),
        () -> CompletableFuture.supplyAsync(CallerCredentials::current).get());
    assertThat(other).isEmpty();
  }

  @Test
  void setCurrent_bindsUntilCleared() {
    CallerCredentials.setCurrent(new CallerCredentials.Credentials("t", ""));
    try {
      assertThat(CallerCredentials.current()).map(CallerCredentials.Credentials::bearerToken).contains("t");
    } finally {
      CallerCredentials.setCurrent(null);
    }
    assertThat(CallerCredentials.current()).isEmpty();
  }
}
