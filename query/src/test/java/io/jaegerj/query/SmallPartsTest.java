// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jaegerj.model.DependencyLink;
import io.jaegerj.storage.CallerCredentials;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Unit tests of the small helpers behind the handlers. */
class SmallPartsTest {
  @Test
  void merge_sumsCallCountsPerPairAndDropsSource() {
    List<DependencyLink> merged = QueryService.merge(List.of(
        new DependencyLink("a", "b", 2, "jaeger"), new DependencyLink("b", "c", 1, "x"),
        new DependencyLink("a", "b", 3, "other")));
    assertThat(merged).containsExactly(new DependencyLink("a", "b", 5), new DependencyLink("b", "c", 1));
  }

  @Test
  void bearerToken_jaegersRules() {
    assertThat(BearerToken.fromHttp("Bearer abc", null)).isEqualTo("abc");
    assertThat(BearerToken.fromHttp("Basic abc", null)).isEmpty();
    assertThat(BearerToken.fromHttp("abc", null)).isEqualTo("abc");
    assertThat(BearerToken.fromHttp("a b c", null)).isEmpty();
    assertThat(BearerToken.fromHttp(null, "Bearer fwd")).isEqualTo("fwd");
    assertThat(BearerToken.fromHttp("", "tok")).isEqualTo("tok");
    assertThat(BearerToken.fromHttp(null, null)).isEmpty();
  }

  @Test
  void bearerToken_set_visibleToStorageBackendsUntilCleared() {
    BearerToken.set("abc");
    try {
      assertThat(CallerCredentials.current())
          .map(CallerCredentials.Credentials::bearerToken).contains("abc");
    } finally {
      BearerToken.set("");
    }
    assertThat(CallerCredentials.current()).isEmpty();
  }

  @Test
  void cleanPath_likeGo() {
    assertThat(HttpRouter.cleanPath("/api//services")).isEqualTo("/api/services");
    assertThat(HttpRouter.cleanPath("/a/./b/../c/")).isEqualTo("/a/c/");
    assertThat(HttpRouter.cleanPath("/../..")).isEqualTo("/");
    assertThat(HttpRouter.cleanPath("/static/%2e%2e/x")).isEqualTo("/static/%2e%2e/x");
  }

  @Test
  void goParse_errorTexts() {
    assertThatThrownBy(() -> GoParse.parseInt("99999999999", 32))
        .hasMessage("strconv.ParseInt: parsing \"99999999999\": value out of range");
    assertThatThrownBy(() -> GoParse.parseInt("", 64)).hasMessage("strconv.ParseInt: parsing \"\": invalid syntax");
    assertThat(GoParse.parseInt("+42", 64)).isEqualTo(42);
    assertThat(GoParse.parseFloat("0.95")).isEqualTo(0.95);
    assertThatThrownBy(() -> GoParse.parseFloat("1d")).hasMessage("strconv.ParseFloat: parsing \"1d\": invalid syntax");
    assertThat(GoParse.parseRfc3339Nanos("2023-11-14T22:13:20.000000001Z")).isEqualTo(1_700_000_000_000_000_001L);
    assertThat(GoParse.parseRfc3339Nanos("2023-11-14T23:13:20+01:00")).isEqualTo(1_700_000_000_000_000_000L);
  }

  @Test
  void additionalHeaders_malformedIgnored() {
    assertThat(QueryOptions.parseHeaders(List.of("A: 1", "bad", ": x", "B:2:3")))
        .containsExactly(Map.entry("A", "1"), Map.entry("B", "2:3"));
  }

  @Test
  void uiAssets_hashedNamesAndTypes() {
    assertThat(UiAssets.isHashed("js/index-3f9a1c2b.js")).isTrue();
    assertThat(UiAssets.isHashed("main.abcdef12.chunk.css")).isTrue();
    assertThat(UiAssets.isHashed("js/main.js")).isFalse();
    assertThat(UiAssets.isHashed("favicon.ico")).isFalse();
    assertThat(UiAssets.contentType("a.woff2")).isEqualTo("font/woff2");
    assertThat(UiAssets.contentType("README")).isEqualTo("application/octet-stream");
  }

  @Test
  void close_leavesNoQueryThreads() throws Exception {
    try (QueryServerFixture s = new QueryServerFixture()) {
      assertThat(s.get("/api/services").statusCode()).isEqualTo(200);
    }
    long deadline = System.nanoTime() + 5_000_000_000L;
    List<String> left = List.of();
    while (System.nanoTime() < deadline) {
      left = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
          .filter(n -> n.startsWith("jaeger-query-http") || n.startsWith("jaeger-ui-config-watch")
              || n.startsWith("jaeger-io") || n.startsWith("jaeger-boss"))
          .toList();
      if (left.isEmpty()) {
        break;
      }
      Thread.sleep(50);
    }
    assertThat(left).isEmpty();
  }
}
