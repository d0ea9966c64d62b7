// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The contract with the query service: markers it rewrites in index.html, and assets that must be on the classpath. */
final class IndexHtmlTest {
  private static String resource(String path) throws IOException {
    try (InputStream in = IndexHtmlTest.class.getClassLoader().getResourceAsStream("jaeger-ui/" + path)) {
      assertThat(in).as("classpath resource jaeger-ui/%s", path).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void indexHtml_containsEveryInjectionMarker() throws IOException {
    String html = resource("index.html");
    assertThat(html)
        .contains("JAEGER_CONFIG = DEFAULT_CONFIG;")
        .contains("JAEGER_STORAGE_CAPABILITIES = DEFAULT_STORAGE_CAPABILITIES;")
        .contains("JAEGER_VERSION = DEFAULT_VERSION;")
        .contains("<base href=\"/\"");
    // The JS-config marker line is replaced together with the line after it, so that line must be a comment.
    String[] lines = html.split("\n");
    int marker = -1;
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].contains("// JAEGER_CONFIG_JS")) {
        marker = i;
      }
    }
    assertThat(marker).isPositive();
    assertThat(lines[marker + 1].trim()).startsWith("//");
  }

  @Test
  void indexHtml_definesDefaultsBeforeTheMarkers() throws IOException {
    String html = resource("index.html");
    for (String name : List.of("DEFAULT_CONFIG", "DEFAULT_STORAGE_CAPABILITIES", "DEFAULT_VERSION")) {
      int definition = html.indexOf("var " + name + " =");
      assertThat(definition).as(name).isPositive().isLessThan(html.indexOf("= " + name + ";"));
    }
  }

  @Test
  void indexHtml_usesOnlyRelativeAssetUrls() throws IOException {
    String html = resource("index.html");
    // Absolute URLs would bypass <base> and break --query.base-path.
    assertThat(html).doesNotContain("src=\"/").doesNotContain("href=\"/static");
    assertThat(html).contains("src=\"static/js/main.js\"").contains("href=\"static/app.css\"");
  }

  @Test
  void modules_importOnlyFilesThatExist() throws IOException {
    Pattern importFrom = Pattern.compile("from '\\./([a-z-]+\\.js)'");
    List<String> queue = new ArrayList<>(List.of("main.js"));
    List<String> seen = new ArrayList<>();
    while (!queue.isEmpty()) {
      String file = queue.remove(0);
      if (seen.contains(file)) {
        continue;
      }
      seen.add(file);
      String source = resource("static/js/" + file);
      assertThat(source).as(file).startsWith("// SPDX-License-Identifier: Apache-2.0");
      Matcher m = importFrom.matcher(source);
      while (m.find()) {
        queue.add(m.group(1));
      }
    }
    assertThat(seen).contains("search.js", "trace.js", "compare.js", "dependencies.js", "monitor.js", "graph.js");
  }

  @Test
  void sources_holdNoAnalyticsOrRemoteUrlsForScripts() throws IOException {
    for (String file : List.of("main.js", "config.js", "search.js", "trace.js")) {
      String source = resource("static/js/" + file);
      assertThat(source).doesNotContain("googletagmanager").doesNotContain("google-analytics").doesNotContain("gtag(");
    }
  }
}
