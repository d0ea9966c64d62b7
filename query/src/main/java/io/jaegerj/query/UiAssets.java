// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jaegerj.server.BuildInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UI's files: the enriched {@code index.html} (UI config, storage capabilities, version and {@code <base href>}
 * injected, spec query.md §5.2) and the static assets under {@code static/}, from {@code --query.static-files} or the
 * bundled {@code jaeger-ui/} class-path folder (a placeholder page when neither exists). The UI config file is
 * polled and the page rebuilt when it changes; a failed rebuild keeps the previous page. Thread-safe.
 */
final class UiAssets implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(UiAssets.class);
  static final String CLASSPATH_ROOT = "jaeger-ui/";

  private static final Pattern CONFIG_PATTERN = Pattern.compile("JAEGER_CONFIG *= *DEFAULT_CONFIG;");
  private static final Pattern CONFIG_JS_PATTERN = Pattern.compile("(?m)^.*// *JAEGER_CONFIG_JS.*\\R?.*$");
  private static final Pattern UI_CONFIG_FUNCTION = Pattern.compile("function\\s+UIConfig(\\s)?\\(\\s?\\)");
  private static final Pattern CAPABILITIES_PATTERN =
      Pattern.compile("JAEGER_STORAGE_CAPABILITIES *= *DEFAULT_STORAGE_CAPABILITIES;");
  private static final Pattern VERSION_PATTERN = Pattern.compile("JAEGER_VERSION *= *DEFAULT_VERSION;");
  private static final Pattern BASE_HREF_PATTERN = Pattern.compile("<base href=\"/\"");

  static final String PLACEHOLDER = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      + "<base href=\"/\"><title>Jaeger UI</title></head><body><p>This build of the query service has no UI "
      + "bundled. The API is available under <code>api/</code>; point <code>--query.static-files</code> at a "
      + "Jaeger UI build to serve one.</p></body></html>\n";

  /** A file to serve. */
  record Asset(byte[] content, String contentType, FileTime lastModified) {}

  private final Path staticDir;
  private final Path uiConfig;
  private final String basePath;
  private final boolean archiveStorage;
  private final String rawIndex;
  private volatile byte[] index;
  private volatile FileTime configStamp;
  private final ScheduledExecutorService watcher;

  UiAssets(Path staticDir, Path uiConfig, String basePath, boolean archiveStorage) throws IOException {
    this.staticDir = staticDir == null ? null : staticDir.toAbsolutePath().normalize();
    this.uiConfig = uiConfig;
    this.basePath = basePath;
    this.archiveStorage = archiveStorage;
    this.rawIndex = loadRawIndex();
    this.index = build().getBytes(StandardCharsets.UTF_8);
    if (uiConfig != null) {
      configStamp = stamp();
      watcher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jaeger-ui-config-watch");
        t.setDaemon(true);
        return t;
      });
      watcher.scheduleWithFixedDelay(this::reloadIfChanged, 1, 1, TimeUnit.SECONDS);
    } else {
      watcher = null;
    }
  }

  byte[] index() {
    return index;
  }

  private String loadRawIndex() throws IOException {
    if (staticDir != null) {
      return Files.readString(staticDir.resolve("index.html"), StandardCharsets.UTF_8);
    }
    try (InputStream in = UiAssets.class.getClassLoader().getResourceAsStream(CLASSPATH_ROOT + "index.html")) {
      if (in == null) {
        LOG.info("No UI bundled on the class path; serving a placeholder page");
        return PLACEHOLDER;
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private FileTime stamp() {
    try {
      return Files.getLastModifiedTime(uiConfig);
    } catch (IOException e) {
      return null;
    }
  }

  private void reloadIfChanged() {
    FileTime now = stamp();
    if (now == null || now.equals(configStamp)) {
      return;
    }
    configStamp = now;
    try {
      index = build().getBytes(StandardCharsets.UTF_8);
      LOG.info("Reloaded UI config {}", uiConfig);
    } catch (IOException | RuntimeException e) {
      LOG.error("Cannot reload UI config {}; keeping the previous page", uiConfig, e);
    }
  }

  /** Applies the replacements of spec §5.2 to the raw index.html. */
  String build() throws IOException {
    String html = rawIndex;
    if (uiConfig != null) {
      String name = uiConfig.getFileName().toString().toLowerCase(Locale.ROOT);
      String content = Files.readString(uiConfig, StandardCharsets.UTF_8);
      if (name.endsWith(".json")) {
        String json = sortedCompactJson(content);
        html = CONFIG_PATTERN.matcher(html).replaceFirst(
            Matcher.quoteReplacement("JAEGER_CONFIG = " + json + ";"));
      } else {
        String js = content.trim();
        if (!UI_CONFIG_FUNCTION.matcher(js).find()) {
          throw new IllegalArgumentException("UI config file must define function UIConfig(): " + uiConfig);
        }
        html = CONFIG_JS_PATTERN.matcher(html).replaceFirst(Matcher.quoteReplacement(js));
      }
    }
    html = CAPABILITIES_PATTERN.matcher(html).replaceFirst(Matcher.quoteReplacement(
        "JAEGER_STORAGE_CAPABILITIES = {\"archiveStorage\":" + archiveStorage + "};"));
    html = VERSION_PATTERN.matcher(html).replaceFirst(Matcher.quoteReplacement(
        "JAEGER_VERSION = " + versionJson() + ";"));
    if (!basePath.isEmpty()) {
      html = BASE_HREF_PATTERN.matcher(html).replaceFirst(Matcher.quoteReplacement(
          "<base href=\"" + basePath + "/\""));
    }
    return html;
  }

  /** What the About menu shows: the same fields as the admin {@code /version}. */
  static String versionJson() {
    return BuildInfo.get().json();
  }

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Compact JSON with object keys sorted and Go's HTML escaping, as Go re-marshals a map. */
  static String sortedCompactJson(String content) throws IOException {
    JsonNode node;
    try {
      node = MAPPER.readTree(content);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot parse UI config file as JSON: " + e.getMessage(), e);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("UI config file must hold a JSON object");
    }
    StringWriter w = new StringWriter();
    JsonFactory f = new JsonFactory();
    try (JsonGenerator g = f.createGenerator(w)) {
      g.setCharacterEscapes(GoHtmlEscapes.INSTANCE);
      MAPPER.writeTree(g, sorted(node));
    }
    return w.toString();
  }

  private static JsonNode sorted(JsonNode n) {
    if (n.isObject()) {
      Map<String, JsonNode> m = new TreeMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        m.put(e.getKey(), sorted(e.getValue()));
      }
      ObjectNode o = MAPPER.createObjectNode();
      m.forEach(o::set);
      return o;
    }
    if (n.isArray()) {
      ArrayNode a = MAPPER.createArrayNode();
      n.forEach(e -> a.add(sorted(e)));
      return a;
    }
    return n;
  }

  /** Escapes {@code < > &} and U+2028/U+2029 as Go's encoder does, so the JSON is safe inside a script tag. */
  static final class GoHtmlEscapes extends CharacterEscapes {
    static final GoHtmlEscapes INSTANCE = new GoHtmlEscapes();
    private final int[] table;

    private GoHtmlEscapes() {
      table = standardAsciiEscapesForJSON();
      table['<'] = ESCAPE_CUSTOM;
      table['>'] = ESCAPE_CUSTOM;
      table['&'] = ESCAPE_CUSTOM;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return table;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      if (ch == '<' || ch == '>' || ch == '&' || ch == 0x2028 || ch == 0x2029) {
        return new SerializedString(String.format("\\u%04x", ch));
      }
      return null;
    }
  }

  /**
   * A file under {@code static/} by its still percent-encoded path below {@code /static/}; null when it does not
   * exist or the path tries to leave the asset folder (any {@code ..} segment, backslash or NUL after decoding).
   */
  Asset staticAsset(String encodedRest) throws IOException {
    String rest;
    try {
      rest = URLDecoder.decode(encodedRest.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (rest.isEmpty() || rest.indexOf('\\') >= 0 || rest.indexOf('\0') >= 0 || rest.startsWith("/")
        || rest.indexOf(':') >= 0) {
      return null;
    }
    for (String seg : rest.split("/", -1)) {
      if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
        return null;
      }
    }
    String type = contentType(rest);
    if (staticDir != null) {
      Path root = staticDir.resolve("static").normalize();
      Path file = root.resolve(rest).normalize();
      if (!file.startsWith(root) || !Files.isRegularFile(file)) {
        return null;
      }
      Path real = file.toRealPath();
      if (!real.startsWith(staticDir.toRealPath())) {
        return null;
      }
      return new Asset(Files.readAllBytes(real), type, Files.getLastModifiedTime(real));
    }
    try (InputStream in = UiAssets.class.getClassLoader().getResourceAsStream(CLASSPATH_ROOT + "static/" + rest)) {
      if (in == null) {
        return null;
      }
      return new Asset(in.readAllBytes(), type, null);
    }
  }

  private static final Map<String, String> TYPES = Map.ofEntries(
      Map.entry("html", "text/html; charset=utf-8"),
      Map.entry("js", "text/javascript; charset=utf-8"),
      Map.entry("mjs", "text/javascript; charset=utf-8"),
      Map.entry("css", "text/css; charset=utf-8"),
      Map.entry("json", "application/json"),
      Map.entry("map", "application/json"),
      Map.entry("svg", "image/svg+xml"),
      Map.entry("png", "image/png"),
      Map.entry("jpg", "image/jpeg"),
      Map.entry("jpeg", "image/jpeg"),
      Map.entry("gif", "image/gif"),
      Map.entry("ico", "image/x-icon"),
      Map.entry("webp", "image/webp"),
      Map.entry("woff", "font/woff"),
      Map.entry("woff2", "font/woff2"),
      Map.entry("ttf", "font/ttf"),
      Map.entry("txt", "text/plain; charset=utf-8"),
      Map.entry("wasm", "application/wasm"));

  static String contentType(String name) {
    int dot = name.lastIndexOf('.');
    String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    return TYPES.getOrDefault(ext, "application/octet-stream");
  }

  /**
   * Content-hashed file names ({@code index-3f9a1c2b.js}, {@code main.abcdef12.chunk.css}) never change and may be
   * cached for a year: some inner name segment is 8+ letters and digits with at least one digit.
   */
  static boolean isHashed(String name) {
    String base = name.substring(name.lastIndexOf('/') + 1);
    String[] parts = base.split("[.\\-_]");
    for (int i = 1; i < parts.length - 1; i++) {
      String p = parts[i];
      if (p.length() >= 8 && p.chars().allMatch(Character::isLetterOrDigit) && p.chars().anyMatch(Character::isDigit)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    if (watcher != null) {
      watcher.shutdownNow();
    }
  }
}
