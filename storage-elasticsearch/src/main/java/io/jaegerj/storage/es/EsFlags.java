// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es;

import io.jaegerj.config.Flag;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code es.*} and {@code es-archive.*} flag families with Jaeger 1.74's names (including the misspelled
 * {@code prioirity-*} ones), defaults and help texts. Both families come from one table: the archive family drops
 * {@code max-span-age} and adds {@code enabled}.
 */
final class EsFlags {
  static final String PRIMARY = "es";
  static final String ARCHIVE = "es-archive";

  /** Flag names without the family prefix. */
  private static final List<Flag> TABLE = List.of(
      new Flag("adaptive-sampling.lookback", "72h0m0s", Flag.Type.DURATION,
          "How far back to look for the latest adaptive sampling probabilities"),
      new Flag("api-key-allow-from-context", "false", Flag.Type.BOOL,
          "Allow API key to be read from incoming request context"),
      new Flag("api-key-file", "", Flag.Type.STRING,
          "Path to a file containing API key."),
      new Flag("api-key-reload-interval", "10s", Flag.Type.DURATION,
          "Interval for reloading API key from file. Set to 0 to disable automatic reloading."),
      new Flag("bearer-token-propagation", "false", Flag.Type.BOOL,
          "Allow bearer token to be read from incoming request context"),
      new Flag("bearer-token-reload-interval", "10s", Flag.Type.DURATION,
          "Interval for reloading bearer token from file. Set to 0 to disable automatic reloading."),
      new Flag("bulk.actions", "1000", Flag.Type.INT,
          "The number of requests that can be enqueued before the bulk processor decides to commit"),
      new Flag("bulk.flush-interval", "200ms", Flag.Type.DURATION,
          "A time.Duration after which bulk requests are committed, regardless of other thresholds. Set to zero to disable. By default, this is disabled."),
      new Flag("bulk.size", "5000000", Flag.Type.INT,
          "The number of bytes that the bulk requests can take up before the bulk processor decides to commit"),
      new Flag("bulk.workers", "1", Flag.Type.INT,
          "The number of workers that are able to receive bulk requests and eventually commit them to Elasticsearch"),
      new Flag("create-index-templates", "true", Flag.Type.BOOL,
          "Create index templates at application startup. Set to false when templates are installed manually."),
      new Flag("disable-health-check", "false", Flag.Type.BOOL,
          "Disable the Elasticsearch health check."),
      new Flag("http-compression", "true", Flag.Type.BOOL,
          "Use gzip compression for requests to ElasticSearch."),
      new Flag("index-date-separator", "-", Flag.Type.STRING,
          "Optional date separator of Jaeger indices. For example \".\" creates \"jaeger-span-2020.11.20\"."),
      new Flag("index-prefix", "", Flag.Type.STRING,
          "Optional prefix of Jaeger indices. For example \"production\" creates \"production-jaeger-*\"."),
      new Flag("index-rollover-frequency-adaptive-sampling", "day", Flag.Type.STRING,
          "Rotates jaeger-sampling indices over the given period. For example \"day\" creates \"jaeger-sampling-yyyy-MM-dd\" every day after UTC 12AM. Valid options: [hour, day]. This does not delete old indices. For details on complete index management solutions supported by Jaeger, refer to: https://www.jaegertracing.io/docs/deployment/#elasticsearch-rollover"),
      new Flag("index-rollover-frequency-services", "day", Flag.Type.STRING,
          "Rotates jaeger-service indices over the given period. For example \"day\" creates \"jaeger-service-yyyy-MM-dd\" every day after UTC 12AM. Valid options: [hour, day]. This does not delete old indices. For details on complete index management solutions supported by Jaeger, refer to: https://www.jaegertracing.io/docs/deployment/#elasticsearch-rollover"),
      new Flag("index-rollover-frequency-spans", "day", Flag.Type.STRING,
          "Rotates jaeger-span indices over the given period. For example \"day\" creates \"jaeger-span-yyyy-MM-dd\" every day after UTC 12AM. Valid options: [hour, day]. This does not delete old indices. For details on complete index management solutions supported by Jaeger, refer to: https://www.jaegertracing.io/docs/deployment/#elasticsearch-rollover"),
      new Flag("log-level", "error", Flag.Type.STRING,
          "The Elasticsearch client log-level. Valid levels: [debug, info, error]"),
      new Flag("max-doc-count", "10000", Flag.Type.INT,
          "The maximum document count to return from an Elasticsearch query. This will also apply to aggregations."),
      new Flag("max-span-age", "72h0m0s", Flag.Type.DURATION,
          "The maximum lookback for spans in Elasticsearch"),
      new Flag("num-replicas", "1", Flag.Type.INT,
          "The number of replicas per index in Elasticsearch"),
      new Flag("num-shards", "5", Flag.Type.INT,
          "The number of shards per index in Elasticsearch"),
      new Flag("password", "", Flag.Type.STRING,
          "The password required by Elasticsearch"),
      new Flag("password-file", "", Flag.Type.STRING,
          "Path to a file containing password. This file is watched for changes."),
      new Flag("password-reload-interval", "10s", Flag.Type.DURATION,
          "Interval for reloading password from file. Set to 0 to disable automatic reloading."),
      new Flag("prioirity-dependencies-template", "0", Flag.Type.INT,
          "Priority of jaeger-dependecies index template (ESv8 only)"),
      new Flag("prioirity-service-template", "0", Flag.Type.INT,
          "Priority of jaeger-service index template (ESv8 only)"),
      new Flag("prioirity-span-template", "0", Flag.Type.INT,
          "Priority of jaeger-span index template (ESv8 only)"),
      new Flag("remote-read-clusters", "", Flag.Type.STRING,
          "Comma-separated list of Elasticsearch remote cluster names for cross-cluster querying.See Elasticsearch remote clusters and cross-cluster query api."),
      new Flag("send-get-body-as", "", Flag.Type.STRING,
          "HTTP verb for requests that contain a body [GET, POST]."),
      new Flag("server-urls", "http://127.0.0.1:9200", Flag.Type.STRING,
          "The comma-separated list of Elasticsearch servers, must be full url i.e. http://localhost:9200"),
      new Flag("service-cache-ttl", "0s", Flag.Type.DURATION,
          "The TTL for the cache of known service names"),
      new Flag("sniffer", "false", Flag.Type.BOOL,
          "The sniffer config for Elasticsearch; client uses sniffing process to find all nodes automatically, disable if not required"),
      new Flag("sniffer-tls-enabled", "false", Flag.Type.BOOL,
          "Option to enable TLS when sniffing an Elasticsearch Cluster ; client uses sniffing process to find all nodes automatically, disabled by default"),
      new Flag("tags-as-fields.all", "false", Flag.Type.BOOL,
          "(experimental) Store all span and process tags as object fields. If true .tags-as-fields.config-file and .tags-as-fields.include is ignored. Binary tags are always stored as nested objects."),
      new Flag("tags-as-fields.config-file", "", Flag.Type.STRING,
          "(experimental) Optional path to a file containing tag keys which will be stored as object fields. Each key should be on a separate line. Merged with .tags-as-fields.include"),
      new Flag("tags-as-fields.dot-replacement", "@", Flag.Type.STRING,
          "(experimental) The character used to replace dots (\".\") in tag keys stored as object fields."),
      new Flag("tags-as-fields.include", "", Flag.Type.STRING,
          "(experimental) Comma delimited list of tag keys which will be stored as object fields. Merged with the contents of .tags-as-fields.config-file"),
      new Flag("timeout", "0s", Flag.Type.DURATION,
          "Timeout used for queries. A Timeout of zero means no timeout"),
      new Flag("tls.ca", "", Flag.Type.STRING,
          "Path to a TLS CA (Certification Authority) file used to verify the remote server(s) (by default will use the system truststore)"),
      new Flag("tls.cert", "", Flag.Type.STRING,
          "Path to a TLS Certificate file, used to identify this process to the remote server(s)"),
      new Flag("tls.enabled", "false", Flag.Type.BOOL,
          "Enable TLS when talking to the remote server(s)"),
      new Flag("tls.key", "", Flag.Type.STRING,
          "Path to a TLS Private Key file, used to identify this process to the remote server(s)"),
      new Flag("tls.server-name", "", Flag.Type.STRING,
          "Override the TLS server name we expect in the certificate of the remote server(s)"),
      new Flag("tls.skip-host-verify", "false", Flag.Type.BOOL,
          "(insecure) Skip server's certificate chain and host name verification"),
      new Flag("token-file", "", Flag.Type.STRING,
          "Path to a file containing bearer token. This flag also loads CA if it is specified."),
      new Flag("use-aliases", "false", Flag.Type.BOOL,
          "Use read and write aliases for indices. Use this option with Elasticsearch rollover API. It requires an external component to create aliases before startup and then performing its management. Note that es.max-span-age will influence trace search window start times."),
      new Flag("use-ilm", "false", Flag.Type.BOOL,
          "(experimental) Option to enable ILM for jaeger span & service indices. Use this option with es.use-aliases. It requires an external component to create aliases before startup and then performing its management. ILM policy must be manually created in ES before startup. Supported only for elasticsearch version 7+."),
      new Flag("username", "", Flag.Type.STRING,
          "The username required by Elasticsearch. The basic authentication also loads CA if it is specified."),
      new Flag("version", "0", Flag.Type.INT,
          "The major Elasticsearch version. If not specified, the value will be auto-detected from Elasticsearch.")
  );

  private EsFlags() {}

  static List<Flag> family(String prefix) {
    List<Flag> out = new ArrayList<>(TABLE.size() + 1);
    for (Flag f : TABLE) {
      if (prefix.equals(ARCHIVE) && f.name().equals("max-span-age")) {
        continue;
      }
      out.add(f.renamed(prefix + "." + f.name()));
    }
    if (prefix.equals(ARCHIVE)) {
      out.add(Flag.bool(prefix + ".enabled", false, "Enable extra storage"));
    }
    return out;
  }

  static List<Flag> all() {
    List<Flag> out = new ArrayList<>(family(PRIMARY));
    out.addAll(family(ARCHIVE));
    return out;
  }
}
