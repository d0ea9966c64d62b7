// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.remotestorage;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.config.Flag;
import io.jaegerj.server.JaegerMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * jaeger-remote-storage's flags against Jaeger 1.74 (storage-other.md §1.7, §5.2; the CLI reference has no
 * remote-storage file): the common set with admin port 17270, {@code grpc.host-port} 17271, the server TLS family
 * {@code grpc.tls.*}, {@code multi-tenancy.*}, the selected backend's flags and no downsampling.
 */
class RemoteStorageFlagsTest {
  static Map<String, String> flags(Map<String, String> env) {
    Map<String, String> m = new TreeMap<>();
    for (Flag f : JaegerMain.flags(RemoteStorageMain.spec(), env)) {
      m.put(f.name(), f.defaultValue());
    }
    return m;
  }

  @Test
  void memory_flagsAndDefaults() {
    Map<String, String> ours = flags(Map.of());
    Map<String, String> expected = new TreeMap<>();
    expected.put("config-file", "");
    expected.put("log-level", "info");
    expected.put("log-encoding", "json");
    expected.put("metrics-backend", "prometheus");
    expected.put("metrics-http-route", "/metrics");
    expected.put("admin.http.host-port", ":17270");
    expected.put("span-storage.type", "");
    expected.put("multi-tenancy.enabled", "false");
    expected.put("multi-tenancy.header", "x-tenant");
    expected.put("multi-tenancy.tenants", "");
    expected.put("grpc.host-port", ":17271");
    for (String p : List.of("admin.http", "grpc")) {
      expected.put(p + ".tls.enabled", "false");
      expected.put(p + ".tls.cert", "");
      expected.put(p + ".tls.key", "");
      expected.put(p + ".tls.client-ca", "");
      expected.put(p + ".tls.cipher-suites", "");
      expected.put(p + ".tls.min-version", "");
      expected.put(p + ".tls.max-version", "");
      expected.put(p + ".tls.reload-interval", "0s");
    }
    expected.put("memory.max-traces", "0");
    ours.remove("feature-gates");
    assertThat(ours).isEqualTo(expected);
  }

  @Test
  void badger_registersBadgerFlagsInstead() {
    Map<String, String> ours = flags(Map.of("SPAN_STORAGE_TYPE", "badger"));
    assertThat(ours).containsEntry("badger.ephemeral", "true").containsEntry("badger.span-store-ttl", "72h0m0s")
        .doesNotContainKey("memory.max-traces").doesNotContainKey("downsampling.ratio");
  }

  @Test
  void help_listsTheGrpcServerFlags() {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(sink, true, StandardCharsets.UTF_8);
    assertThat(JaegerMain.run(RemoteStorageMain.spec(), new String[] {"help"}, Map.of(), ps, ps)).isZero();
    assertThat(sink.toString(StandardCharsets.UTF_8)).contains("--grpc.host-port", ":17271", "--grpc.tls.client-ca",
        "--multi-tenancy.header");
  }
}
