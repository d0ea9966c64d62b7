// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server;

import io.jaegerj.config.Flag;
import io.jaegerj.server.tenancy.Tenancy;
import io.jaegerj.server.tls.ServerTls;
import java.util.ArrayList;
import java.util.List;

/** Flags every binary has (Jaeger's cmd/internal/flags and the tenancy and downsampling families). */
final class CommonFlags {
  static final String CONFIG_FILE = "config-file";
  static final String LOG_LEVEL = "log-level";
  static final String LOG_ENCODING = "log-encoding";
  static final String METRICS_BACKEND = "metrics-backend";
  static final String METRICS_ROUTE = "metrics-http-route";
  static final String ADMIN_HOST_PORT = "admin.http.host-port";
  static final String ADMIN_TLS = "admin.http";
  static final String SPAN_STORAGE_TYPE_FLAG = "span-storage.type";
  static final String STATUS_HOST_PORT = "status.http.host-port";

  static final List<String> LOG_LEVELS = List.of("debug", "info", "warn", "error", "dpanic", "panic", "fatal");
  /** The all-in-one's default; it does not link the OTel collector service, so fewer gates are registered. */
  static final String FEATURE_GATES_ALL_IN_ONE = "confighttp.framedSnappy,-confmap.enableMergeAppendOption,"
      + "exporter.PersistRequestContext,jaeger.es.disableLegacyId,-telemetry.newPipelineTelemetry";
  /** The default of the other binaries (they also have the {@code featuregate} command). */
  static final String FEATURE_GATES = "confighttp.framedSnappy,-confmap.enableMergeAppendOption,"
      + "exporter.PersistRequestContext,jaeger.es.disableLegacyId,-otelcol.printInitialConfig,"
      + "-service.AllowNoPipelines,-service.noopTracerProvider,-service.profilesSupport,"
      + "telemetry.UseLocalHostAsDefaultMetricsAddress,-telemetry.disableHighCardinalityMetrics,"
      + "-telemetry.newPipelineTelemetry";

  private CommonFlags() {}

  static List<Flag> of(BinarySpec spec) {
    List<Flag> f = new ArrayList<>();
    f.add(Flag.string(CONFIG_FILE, "",
        "Configuration file in JSON, TOML, YAML, HCL, or Java properties formats (default none)."
            + " See spf13/viper for precedence."));
    f.add(Flag.string(LOG_LEVEL, "info",
        "Minimal allowed log Level. For more levels see https://github.com/uber-go/zap"));
    f.add(Flag.string(LOG_ENCODING, "json", "Log encoding. Supported values are 'json' and 'console'."));
    f.add(Flag.string(METRICS_BACKEND, "prometheus",
        "Defines which metrics backend to use for metrics reporting: prometheus or none"));
    f.add(Flag.string(METRICS_ROUTE, "/metrics",
        "Defines the route of HTTP endpoint for metrics backends that support scraping"));
    String admin = spec.defaultAdminHostPort();
    f.add(Flag.hostPort(ADMIN_HOST_PORT, admin, "The host:port (e.g. 127.0.0.1" + admin + " or " + admin
        + ") for the admin server, including health check, /metrics, etc."));
    f.addAll(ServerTls.flags(ADMIN_TLS));
    f.add(Flag.string("feature-gates",
        spec.name().equals("jaeger-all-in-one") ? FEATURE_GATES_ALL_IN_ONE : FEATURE_GATES,
        "Comma-delimited list of feature gate identifiers. Prefix with '-' to disable the feature. '+' or no prefix"
            + " will enable the feature."));
    f.add(Flag.string(SPAN_STORAGE_TYPE_FLAG, "",
        "(deprecated) please use SPAN_STORAGE_TYPE environment variable. Run this binary with the 'env' command for"
            + " help."));
    if (spec.tenancyFlags()) {
      f.addAll(Tenancy.flags());
    }
    if (spec.pipelineFlags()) {
      f.addAll(DownsamplingOptions.flags());
    }
    return f;
  }

  static Flag statusHostPort(BinarySpec spec) {
    String admin = spec.defaultAdminHostPort();
    return Flag.hostPort(STATUS_HOST_PORT, admin,
        "The host:port (e.g. 127.0.0.1" + admin + " or " + admin + ") for the health check");
  }
}
