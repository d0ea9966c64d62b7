// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import io.jaegerj.config.Flag;
import io.jaegerj.config.Settings;
import io.jaegerj.server.net.HostPort;
import io.jaegerj.server.tenancy.Tenancy;
import io.jaegerj.server.tls.ServerTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The query service's validated configuration, read from {@link Settings} (flags of {@link #flags()} plus the
 * runtime's common {@code multi-tenancy.*} flags when present).
 *
 * @param basePath "" for the root, else e.g. {@code /jaeger} (never ending in '/')
 * @param staticFiles directory holding the UI's {@code index.html}, or null for the bundled UI
 * @param uiConfig {@code .json} or {@code .js} UI configuration file, or null
 */
record QueryOptions(
    HostPort httpHostPort,
    HostPort grpcHostPort,
    String basePath,
    Path staticFiles,
    Path uiConfig,
    boolean logStaticAssetsAccess,
    Duration maxClockSkewAdjustment,
    boolean bearerTokenPropagation,
    List<Map.Entry<String, String>> additionalHeaders,
    Tenancy tenancy) {

  private static final Logger LOG = LoggerFactory.getLogger(QueryOptions.class);

  static final String HTTP_HOST_PORT = "query.http-server.host-port";
  static final String GRPC_HOST_PORT = "query.grpc-server.host-port";

  /** Every {@code query.*} flag of jaeger-query 1.74, with Jaeger's names, defaults and help texts. */
  static List<Flag> flags() {
    List<Flag> f = new ArrayList<>();
    f.add(Flag.list("query.additional-headers",
        "Additional HTTP response headers.  Can be specified multiple times.  Format: \"Key: Value\""));
    f.add(Flag.string("query.base-path", "/",
        "The base path for all HTTP routes, e.g. /jaeger; useful when running behind a reverse proxy. See "
            + "https://github.com/jaegertracing/jaeger/blob/main/examples/reverse-proxy/README.md"));
    f.add(Flag.bool("query.bearer-token-propagation", false,
        "Allow propagation of bearer token to be used by storage plugins"));
    f.add(Flag.bool("query.enable-tracing", false, "Enables emitting jaeger-query traces"));
    f.add(Flag.hostPort(GRPC_HOST_PORT, ":16685",
        "The host:port (e.g. 127.0.0.1:14250 or :14250) of the query's gRPC server"));
    f.addAll(ServerTls.flags("query.grpc"));
    f.add(Flag.hostPort(HTTP_HOST_PORT, ":16686",
        "The host:port (e.g. 127.0.0.1:14268 or :14268) of the query's HTTP server"));
    f.addAll(ServerTls.flags("query.http"));
    f.add(Flag.bool("query.log-static-assets-access", false,
        "Log when static assets are accessed (for debugging)"));
    f.add(Flag.duration("query.max-clock-skew-adjustment", "0s",
        "The maximum delta by which span timestamps may be adjusted in the UI due to clock skew; set to 0s to "
            + "disable clock skew adjustments"));
    f.add(Flag.string("query.static-files", "", "The directory path override for the static assets for the UI"));
    f.add(Flag.string("query.ui-config", "", "The path to the UI configuration file in JSON format"));
    return List.copyOf(f);
  }

  /**
   * Reads and validates the settings.
   *
   * @throws IllegalArgumentException naming the flag and the problem
   */
  static QueryOptions from(Settings s) {
    HostPort http = HostPort.parse(HTTP_HOST_PORT, s.getString(HTTP_HOST_PORT));
    HostPort grpc = HostPort.parse(GRPC_HOST_PORT, s.getString(GRPC_HOST_PORT));
    if (http.port() != 0 && http.port() == grpc.port()) {
      throw new IllegalArgumentException("using the same port for gRPC and HTTP is not supported");
    }
    String base = s.getString("query.base-path");
    if (base.isEmpty() || !base.startsWith("/") || (base.length() > 1 && base.endsWith("/"))) {
      throw new IllegalArgumentException("invalid base path '" + base
          + "'. Must start but not end with a slash '/', e.g. '/jaeger/ui'");
    }
    String staticFiles = s.getString("query.static-files");
    Path staticDir = null;
    if (!staticFiles.isEmpty()) {
      staticDir = Path.of(staticFiles);
      if (!Files.isRegularFile(staticDir.resolve("index.html"))) {
        throw new IllegalArgumentException("--query.static-files: cannot load index.html from " + staticFiles
            + ": no such file");
      }
    }
    String uiConfig = s.getString("query.ui-config");
    Path uiConfigPath = null;
    if (!uiConfig.isEmpty()) {
      String lower = uiConfig.toLowerCase(Locale.ROOT);
      if (!lower.endsWith(".json") && !lower.endsWith(".js")) {
        throw new IllegalArgumentException("unrecognized UI config file format, expecting .js or .json file");
      }
      uiConfigPath = Path.of(uiConfig);
    }
    Duration skew = s.getDuration("query.max-clock-skew-adjustment");
    if (skew.isNegative()) {
      throw new IllegalArgumentException("--query.max-clock-skew-adjustment: " + s.getString(
          "query.max-clock-skew-adjustment") + " (expected: >= 0)");
    }
    return new QueryOptions(http, grpc, base.equals("/") ? "" : base, staticDir, uiConfigPath,
        s.getBool("query.log-static-assets-access"), skew, s.getBool("query.bearer-token-propagation"),
        parseHeaders(s.getList("query.additional-headers")), Tenancy.from(s));
  }

  /** "Key: Value" entries; malformed ones are logged and ignored, as Jaeger does. */
  static List<Map.Entry<String, String>> parseHeaders(List<String> raw) {
    List<Map.Entry<String, String>> out = new ArrayList<>();
    for (String h : raw) {
      int colon = h.indexOf(':');
      String key = colon < 0 ? "" : h.substring(0, colon).trim();
      if (key.isEmpty() || !key.chars().allMatch(c -> c > 32 && c < 127 && c != ':')) {
        LOG.error("Failed to parse additional header, ignoring it: {}", h);
        continue;
      }
      out.add(Map.entry(key, h.substring(colon + 1).trim()));
    }
    return List.copyOf(out);
  }
}
