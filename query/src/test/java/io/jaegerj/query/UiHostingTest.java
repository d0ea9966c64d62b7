// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** UI hosting: base path, static-files directory, UI config injection, traversal, headers, tenancy, start errors. */
class UiHostingTest {
  @TempDir
  Path dir;

  static final String INDEX = "<!doctype html>\n<html><head>\n<base href=\"/\" data-inject-target=\"BASE_URL\"/>\n"
      + "<script>\n"
      + "// Jaeger UI config data is embedded by the query-service via search-replace.\n"
      + "// This is later merged with defaults into the redux `state.config` via\n"
      + "// src/utils/config/get-config.js.\n"
      + "// JAEGER_CONFIG_JS\n"
      + "// the line above may be replaced by user-provided JS file that should define a UIConfig function.\n"
      + "function getJaegerUiConfig() {\n"
      + "  if (typeof window.UIConfig === 'function') { return UIConfig(); }\n"
      + "  const DEFAULT_CONFIG = null;\n"
      + "  const JAEGER_CONFIG = DEFAULT_CONFIG;\n"
      + "  return JAEGER_CONFIG;\n"
      + "}\n"
      + "function getJaegerStorageCapabilities() {\n"
      + "  const DEFAULT_STORAGE_CAPABILITIES = { \"archiveStorage\": false };\n"
      + "  const JAEGER_STORAGE_CAPABILITIES = DEFAULT_STORAGE_CAPABILITIES;\n"
      + "  return JAEGER_STORAGE_CAPABILITIES;\n"
      + "}\n"
      + "function getJaegerVersion() {\n"
      + "  const DEFAULT_VERSION = {\"gitCommit\":\"\", \"gitVersion\":\"\", \"buildDate\":\"\"};\n"
      + "  const JAEGER_VERSION = DEFAULT_VERSION;\n"
      + "  return JAEGER_VERSION;\n"
      + "}\n"
      + "</script></head><body></body></html>\n";

  private Path uiDir() throws IOException {
    Path ui = dir.resolve("ui");
    Files.createDirectories(ui.resolve("static/js"));
    Files.writeString(ui.resolve("index.html"), INDEX);
    Files.writeString(ui.resolve("static/js/main-3f9a1c2b.js"), "console.log('hashed');");
    Files.writeString(ui.resolve("static/logo.svg"), "<svg/>");
    Files.writeString(dir.resolve("secret.txt"), "top secret");
    Files.writeString(ui.resolve("secret-in-root.txt"), "not an asset");
    return ui;
  }

  private QueryServerFixture start(Map<String, String> flags) throws Exception {
    return new QueryServerFixture(true, flags, Clock.systemUTC());
  }

  @Test
  void basePath_prefixesEveryRoute() throws Exception {
    Map<String, String> f = Map.of("query.base-path", "/jaeger", "query.static-files", uiDir().toString());
    try (QueryServerFixture s = start(f)) {
      s.write(Fixtures.traceB());
      assertThat(s.get("/jaeger/api/services").body()).contains("\"backend\"");
      assertThat(s.get("/jaeger/api/v3/services").body()).isEqualTo("{\"services\":[\"backend\"]}");
      HttpResponse<String> index = s.get("/jaeger/search");
      assertThat(index.statusCode()).isEqualTo(200);
      assertThat(index.body()).contains("<base href=\"/jaeger/\" data-inject-target=\"BASE_URL\"/>");
      assertThat(s.get("/jaeger/static/logo.svg").body()).isEqualTo("<svg/>");
      HttpResponse<String> outside = s.get("/api/services");
      assertThat(outside.statusCode()).isEqualTo(404);
      assertThat(outside.body()).isEqualTo("404 page not found\n");
      assertThat(s.get("/jaegerx/api/services").statusCode()).isEqualTo(404);
    }
  }

  /**
   * The contract the real Jaeger UI's index.html relies on (issue 18 item 5), in one place: every SPA route and
   * unknown path below the base path answers with the index, whose config, storage capabilities, version and base
   * href placeholders are all filled in; /api and /static paths that do not exist are never answered with it.
   */
  @Test
  void realJaegerUiIndexContract_placeholdersCapabilitiesVersionAndFallback() throws Exception {
    Path ui = uiDir();
    Path cfg = dir.resolve("ui-config.json");
    Files.writeString(cfg, "{\"dependencies\":{\"menuEnabled\":false}}");
    try (QueryServerFixture s = start(Map.of("query.static-files", ui.toString(), "query.ui-config", cfg.toString()))) {
      for (String path : List.of("/", "/search", "/trace/abc123", "/trace/a...b", "/dependencies", "/monitor",
          "/deep-dependencies", "/no/such/page", "/index.html")) {
        HttpResponse<String> r = s.get(path);
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).as(path).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
        assertThat(r.body()).as(path)
            .contains("<base href=\"/\" data-inject-target=\"BASE_URL\"/>")
            .contains("const JAEGER_CONFIG = {\"dependencies\":{\"menuEnabled\":false}};")
            .contains("const JAEGER_STORAGE_CAPABILITIES = {\"archiveStorage\":true};")
            .containsPattern("const JAEGER_VERSION = \\{\"gitCommit\":\"[^\"]*\",\"gitVersion\":\"v1\\.74\\.0[^\"]*\",\"buildDate\":\"[^\"]*\"\\};")
            .doesNotContain("= DEFAULT_CONFIG;").doesNotContain("= DEFAULT_STORAGE_CAPABILITIES;").doesNotContain("= DEFAULT_VERSION;");
      }
      assertThat(s.get("/static/js/missing.js").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void staticFiles_servedWithTypesAndCacheHeaders() throws Exception {
    try (QueryServerFixture s = start(Map.of("query.static-files", uiDir().toString()))) {
      HttpResponse<String> js = s.get("/static/js/main-3f9a1c2b.js");
      assertThat(js.statusCode()).isEqualTo(200);
      assertThat(js.body()).isEqualTo("console.log('hashed');");
      assertThat(js.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
      assertThat(js.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
      HttpResponse<String> svg = s.get("/static/logo.svg");
      assertThat(svg.headers().firstValue("Content-Type")).hasValue("image/svg+xml");
      assertThat(svg.headers().firstValue("Cache-Control")).hasValue("no-cache");
      assertThat(s.get("/static/missing.js").statusCode()).isEqualTo(404);
      HttpResponse<String> index = s.get("/");
      assertThat(index.body()).contains("const JAEGER_STORAGE_CAPABILITIES = {\"archiveStorage\":true};")
          .contains("const JAEGER_VERSION = {\"gitCommit\":");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "/static/..%2f..%2fsecret.txt",
      "/static/%2e%2e/%2e%2e/secret.txt",
      "/static/%2e%2e%2f%2e%2e%2fsecret.txt",
      "/static/..%5c..%5csecret.txt",
      "/static/%252e%252e/%252e%252e/secret.txt",
      "/static/js/..%2f..%2fsecret-in-root.txt",
      "/static/%2fetc%2fpasswd",
      "/static/..%00/secret.txt",
      "/static/C:%5cWindows%5cwin.ini",
  })
  void staticFiles_encodedTraversal_neverLeaksFiles(String path) throws Exception {
    try (QueryServerFixture s = start(Map.of("query.static-files", uiDir().toString()))) {
      HttpResponse<String> r = s.get(path);
      assertThat(r.body()).doesNotContain("top secret").doesNotContain("not an asset");
      assertThat(r.statusCode()).isEqualTo(404);
    }
  }

  @Test
  void staticFiles_rawDotDot_isCleanedByRedirect() throws Exception {
    try (QueryServerFixture s = start(Map.of("query.static-files", uiDir().toString()));
        Socket sock = new Socket("127.0.0.1", s.module.httpPort())) {
      sock.getOutputStream().write(("GET /static/../../secret.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      String resp = new String(sock.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(resp).startsWith("HTTP/1.1 301").contains("location: /secret.txt").doesNotContain("top secret");
    }
  }

  @Test
  void uiConfigJson_injectedSortedAndEscaped() throws Exception {
    Path cfg = dir.resolve("ui-config.json");
    Files.writeString(cfg, "{\"search\":{\"maxLimit\":500,\"maxLookback\":{\"value\":\"1h\",\"label\":\"1 Hour\"}},"
        + "\"archiveEnabled\":true,\"menu\":[{\"label\":\"<Docs>\",\"url\":\"https://x/?a=1&b=2\"}]}");
    try (QueryServerFixture s = start(Map.of("query.static-files", uiDir().toString(),
        "query.ui-config", cfg.toString()))) {
      assertThat(s.get("/").body()).contains("const JAEGER_CONFIG = {\"archiveEnabled\":true,\"menu\":[{\"label\":"
          + "\"\\u003cDocs\\u003e\",\"url\":\"https://x/?a=1\\u0026b=2\"}],\"search\":{\"maxLimit\":500,"
          + "\"maxLookback\":{\"label\":\"1 Hour\",\"value\":\"1h\"}}};");

      // the file is watched: a change rebuilds the page
      Files.writeString(cfg, "{\"archiveEnabled\":false}");
      Files.setLastModifiedTime(cfg, FileTime.from(Instant.now().plusSeconds(5)));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      String body = "";
      while (System.nanoTime() < deadline) {
        body = s.get("/").body();
        if (body.contains("JAEGER_CONFIG = {\"archiveEnabled\":false};")) {
          break;
        }
        Thread.sleep(100);
      }
      assertThat(body).contains("JAEGER_CONFIG = {\"archiveEnabled\":false};");
    }
  }

  @Test
  void uiConfigJs_replacesMarkerLineAndNext() throws Exception {
    Path cfg = dir.resolve("ui-config.js");
    Files.writeString(cfg, "\n  function UIConfig() { return { archiveEnabled: true }; }\n\n");
    try (QueryServerFixture s = start(Map.of("query.static-files", uiDir().toString(),
        "query.ui-config", cfg.toString()))) {
      String body = s.get("/").body();
      assertThat(body).contains("// src/utils/config/get-config.js.\n"
          + "function UIConfig() { return { archiveEnabled: true }; }\nfunction getJaegerUiConfig() {");
      assertThat(body).doesNotContain("JAEGER_CONFIG_JS").doesNotContain("the line above may be replaced");
    }
  }

  @Test
  void additionalHeaders_onEveryResponse() throws Exception {
    try (QueryServerFixture s = start(Map.of("query.additional-headers",
        "Access-Control-Allow-Origin: https://example.com,X-Custom:  v1,broken"))) {
      for (String p : new String[] {"/api/services", "/", "/api/traces/zz"}) {
        HttpResponse<String> r = s.get(p);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://example.com");
        assertThat(r.headers().firstValue("X-Custom")).hasValue("v1");
      }
    }
  }

  @Test
  void tenancy_missingOrUnknownTenant_401() throws Exception {
    Map<String, String> f = new HashMap<>();
    f.put("multi-tenancy.enabled", "true");
    f.put("multi-tenancy.header", "x-tenant");
    f.put("multi-tenancy.tenants", "acme,globex");
    try (QueryServerFixture s = start(f)) {
      HttpResponse<String> missing = s.get("/api/services");
      assertThat(missing.statusCode()).isEqualTo(401);
      assertThat(missing.body()).isEqualTo("missing tenant header\n");
      HttpResponse<String> unknown = s.send(HttpRequest.newBuilder(
          URI.create(s.base() + "/static/x.js")).header("x-tenant", "initech").build());
      assertThat(unknown.statusCode()).isEqualTo(401);
      assertThat(unknown.body()).isEqualTo("unknown tenant\n");
      HttpResponse<String> ok = s.send(HttpRequest.newBuilder(
          URI.create(s.base() + "/api/services")).header("x-tenant", "acme").build());
      assertThat(ok.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void placeholderOrBundledUi_servedWithoutStaticFiles() throws Exception {
    try (QueryServerFixture s = start(Map.of())) {
      HttpResponse<String> r = s.get("/");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).containsIgnoringCase("<base href=\"/\"");
    }
  }

  @Test
  void bundledUi_enrichedAndAssetsServedFromClassPath() throws Exception {
    Path cfg = dir.resolve("ui.json");
    Files.writeString(cfg, "{\"monitor\":{\"menuEnabled\":false}}");
    try (QueryServerFixture s = start(Map.of("query.base-path", "/tracing", "query.ui-config", cfg.toString()))) {
      String index = s.get("/tracing/trace/abc").body();
      assertThat(index).contains("<base href=\"/tracing/\"")
          .contains("JAEGER_CONFIG = {\"monitor\":{\"menuEnabled\":false}};")
          .contains("JAEGER_STORAGE_CAPABILITIES = {\"archiveStorage\":true};");
      HttpResponse<String> js = s.get("/tracing/static/js/main.js");
      assertThat(js.statusCode()).isEqualTo(200);
      assertThat(js.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
      assertThat(s.get("/tracing/static/../index.html").statusCode()).isEqualTo(301);
      assertThat(s.get("/tracing/static/%2e%2e/index.html").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void start_invalidSettings_failWithJaegersMessages() throws IOException {
    assertThatThrownBy(() -> start(Map.of("query.http-server.host-port", "127.0.0.1:16999",
        "query.grpc-server.host-port", ":16999")))
        .hasMessage("using the same port for gRPC and HTTP is not supported");
    assertThatThrownBy(() -> start(Map.of("query.base-path", "/jaeger/")))
        .hasMessage("invalid base path '/jaeger/'. Must start but not end with a slash '/', e.g. '/jaeger/ui'");
    assertThatThrownBy(() -> start(Map.of("query.base-path", "jaeger")))
        .hasMessageStartingWith("invalid base path 'jaeger'");
    assertThatThrownBy(() -> start(Map.of("query.ui-config", dir.resolve("cfg.yaml").toString())))
        .hasMessage("unrecognized UI config file format, expecting .js or .json file");
    assertThatThrownBy(() -> start(Map.of("query.static-files", dir.toString())))
        .hasMessageContaining("index.html");
    Path badJs = dir.resolve("bad.js");
    Files.writeString(badJs, "var x = 1;");
    assertThatThrownBy(() -> start(Map.of("query.ui-config", badJs.toString())))
        .hasMessageContaining("UIConfig");
    Path badJson = dir.resolve("bad.json");
    Files.writeString(badJson, "{nope");
    assertThatThrownBy(() -> start(Map.of("query.ui-config", badJson.toString())))
        .hasMessageContaining("cannot parse UI config file");
  }
}
