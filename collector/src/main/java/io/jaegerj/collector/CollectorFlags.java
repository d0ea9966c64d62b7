// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector;

import io.jaegerj.config.Flag;
import io.jaegerj.server.tls.ServerTls;
import java.util.ArrayList;
import java.util.List;

/** Flags of the collector core with Jaeger 1.74's names, defaults and usage texts (plus the legacy 5778 port). */
final class CollectorFlags {
  static final String OTLP_ENABLED = "collector.otlp.enabled";
  static final String OTLP_GRPC = "collector.otlp.grpc";
  static final String OTLP_HTTP = "collector.otlp.http";
  static final String GRPC_SERVER = "collector.grpc-server";
  static final String GRPC_TLS = "collector.grpc";
  static final String HTTP_SERVER = "collector.http-server";
  static final String HTTP_TLS = "collector.http";
  static final String QUEUE_SIZE = "collector.queue-size";
  static final String QUEUE_SIZE_MEMORY = "collector.queue-size-memory";
  static final String NUM_WORKERS = "collector.num-workers";
  static final String SPAN_SIZE_METRICS = "collector.enable-span-size-metrics";
  static final String TAGS = "collector.tags";
  /** Our extension: when receivers answer (queued, stored, auto). */
  static final String ACKNOWLEDGE = "collector.acknowledge";
  /** Our extension: RED metrics from the received spans on the admin /metrics (see the spm module). */
  static final String SPAN_METRICS = "collector.span-metrics.enabled";
  static final String STRATEGIES_FILE = "sampling.strategies-file";
  static final String STRATEGIES_RELOAD = "sampling.strategies-reload-interval";
  static final String DEFAULT_PROBABILITY = "sampling.default-sampling-probability";
  /** The file provider's flags; SAMPLING_CONFIG_TYPE=adaptive declares the adaptive ones instead. */
  static final java.util.Set<String> FILE_SAMPLING_FLAGS = java.util.Set.of(STRATEGIES_FILE, STRATEGIES_RELOAD,
      DEFAULT_PROBABILITY);
  /** Our name for the legacy agent's sampling port (jaeger-agent called it {@code http-server.host-port}). */
  static final String AGENT_HTTP = "agent.http-server.host-port";

  private static final String HOST_PORT_USAGE =
      "The host:port (e.g. 127.0.0.1:12345 or :12345) of the collector's %s server";
  private static final String GO_HTTP_SERVER = "See https://pkg.go.dev/net/http#Server";
  private static final String MAX_AGE = "The maximum amount of time a connection may exist. Set this value to a few"
      + " seconds or minutes on highly elastic environments, so that clients discover new collector nodes frequently."
      + " See https://pkg.go.dev/google.golang.org/grpc/keepalive#ServerParameters";
  private static final String MAX_AGE_GRACE = "The additive period after MaxConnectionAge after which the connection"
      + " will be forcibly closed. See https://pkg.go.dev/google.golang.org/grpc/keepalive#ServerParameters";
  private static final String MAX_MESSAGE = "The maximum receivable message size for the collector's gRPC server";

  private CollectorFlags() {}

  static List<Flag> all() {
    List<Flag> f = new ArrayList<>();
    f.add(Flag.bool(OTLP_ENABLED, true, "Enables OpenTelemetry OTLP receiver on dedicated HTTP and gRPC ports"));
    f.addAll(grpcServer(OTLP_GRPC, ":4317"));
    f.addAll(ServerTls.flags(OTLP_GRPC));
    f.addAll(httpServer(OTLP_HTTP, ":4318"));
    f.add(Flag.string(OTLP_HTTP + ".cors.allowed-headers", "", "Comma-separated CORS allowed headers. See"
        + " https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Access-Control-Allow-Headers"));
    f.add(Flag.string(OTLP_HTTP + ".cors.allowed-origins", "", "Comma-separated CORS allowed origins. See"
        + " https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Access-Control-Allow-Origin"));
    f.addAll(ServerTls.flags(OTLP_HTTP));
    f.addAll(grpcServer(GRPC_SERVER, ":14250"));
    f.addAll(ServerTls.flags(GRPC_TLS));
    f.addAll(httpServer(HTTP_SERVER, ":14268"));
    f.addAll(ServerTls.flags(HTTP_TLS));
    f.add(Flag.integer(QUEUE_SIZE, 2000, "The queue size of the collector"));
    f.add(Flag.integer(QUEUE_SIZE_MEMORY, 0, "(experimental) The max memory size in MiB to use for the dynamic queue."));
    f.add(Flag.integer(NUM_WORKERS, 50, "The number of workers pulling items from the queue"));
    f.add(Flag.bool(SPAN_SIZE_METRICS, false,
        "Enables metrics based on processed span size, which are more expensive to calculate."));
    f.add(Flag.bool(SPAN_METRICS, false, "Computes span metrics (calls and duration histogram per service, "
        + "operation, span kind and status, as the OpenTelemetry spanmetrics connector names them) from the received"
        + " spans and exposes them on the admin /metrics, for Prometheus and the Monitor tab"));
    f.add(Flag.string(ACKNOWLEDGE, "auto", "When receivers acknowledge spans: queued (once in the in-memory queue,"
        + " as Jaeger), stored (once the span storage wrote them; a failed write is answered with a retryable error),"
        + " or auto (stored when the span storage is persistent and local, i.e. badger with badger.ephemeral=false;"
        + " else queued)"));
    f.add(Flag.string(TAGS, "", "One or more tags to be added to the Process tags of all spans passing through this"
        + " collector. Ex: key1=value1,key2=${envVar:defaultValue}"));
    f.add(Flag.string(STRATEGIES_FILE, "",
        "The path for the sampling strategies file in JSON format. See sampling documentation to see format of the"
            + " file"));
    f.add(Flag.duration(STRATEGIES_RELOAD, "0s",
        "Reload interval to check and reload sampling strategies file. Zero value means no reloading"));
    f.add(Flag.floating(DEFAULT_PROBABILITY, "0.001", "Sampling probability used by the Strategy Store for static"
        + " sampling. Value must be between 0 and 1."));
    f.add(Flag.hostPort(AGENT_HTTP, ":5778", "The host:port of the legacy jaeger-agent sampling endpoint (GET /sampling"
        + " and GET /?service=); empty disables it"));
    return f;
  }

  private static List<Flag> grpcServer(String prefix, String port) {
    return List.of(
        Flag.hostPort(prefix + ".host-port", port, String.format(HOST_PORT_USAGE, "gRPC")),
        Flag.duration(prefix + ".max-connection-age", "0s", MAX_AGE),
        Flag.duration(prefix + ".max-connection-age-grace", "0s", MAX_AGE_GRACE),
        Flag.integer(prefix + ".max-message-size", 4194304, MAX_MESSAGE));
  }

  private static List<Flag> httpServer(String prefix, String port) {
    return List.of(
        Flag.hostPort(prefix + ".host-port", port, String.format(HOST_PORT_USAGE, "HTTP")),
        Flag.duration(prefix + ".idle-timeout", "0s", GO_HTTP_SERVER),
        Flag.duration(prefix + ".read-header-timeout", "2s", GO_HTTP_SERVER),
        Flag.duration(prefix + ".read-timeout", "0s", GO_HTTP_SERVER));
  }
}
