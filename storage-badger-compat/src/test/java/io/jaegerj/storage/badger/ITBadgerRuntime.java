// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.badger;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.config.Flag;
import io.jaegerj.model.Span;
import io.jaegerj.model.TraceId;
import io.jaegerj.server.BinarySpec;
import io.jaegerj.server.JaegerMain;
import io.jaegerj.storage.GetTraceQuery;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backend inside the shared runtime: selection by SPAN_STORAGE_TYPE, flags, metrics on /metrics, lifecycle. */
class ITBadgerRuntime {
  private static final BinarySpec SPEC =
      new BinarySpec("jaeger-all-in-one", "badger runtime test", "memory", ":14269", true, List.of());

  @TempDir Path dir;

  @Test
  void start_badgerSelected_flagsRegisteredAndMetricsScraped() throws Exception {
    Map<String, String> env = Map.of(
        "SPAN_STORAGE_TYPE", "badger",
        "BADGER_EPHEMERAL", "false",
        "BADGER_DIRECTORY_KEY", dir.resolve("k").toString(),
        "BADGER_DIRECTORY_VALUE", dir.resolve("v").toString());
    List<String> names = new ArrayList<>();
    for (Flag f : JaegerMain.flags(SPEC, env)) {
      names.add(f.name());
    }
    assertThat(names).contains("badger.ephemeral", "badger.span-store-ttl", "badger.read-only");

    try (JaegerMain.Running running = JaegerMain.start(SPEC,
        new String[] {"--admin.http.host-port=127.0.0.1:0", "--badger.span-store-ttl=1h"}, env)) {
      List<Span> batch = DurabilityChild.batch(3, 0, 5);
      running.storage().writer().write("", batch).toCompletableFuture().get();
      assertThat(running.storage().reader().getTrace(GetTraceQuery.of(DurabilityChild.traceId(3, 0))))
          .hasValueSatisfying(t -> assertThat(t.spans()).hasSize(5));
      assertThat(running.storage().samplingStore()).isPresent();

      HttpResponse<String> metrics = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + running.adminPort() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body())
          .containsPattern("jaeger_storage_badger_key_log_bytes_available\\{[^}]*kind=\"badger\"[^}]*\\} [0-9.eE+]+")
          .contains("jaeger_storage_badger_value_log_bytes_available")
          .contains("jaeger_storage_badger_storage_maintenance_last_run")
          .contains("jaeger_storage_badger_spans");
    }
    assertThat(Files.exists(dir.resolve("k").resolve("CURRENT"))).isTrue();
  }

  @Test
  void ephemeral_sigterm_removesTheTemporaryDirectory() throws Exception {
    Path tmp = Files.createDirectory(dir.resolve("tmp"));
    Path javaBin = Paths.get(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder pb = new ProcessBuilder(javaBin.toString(), "-Xmx256m", "-Djava.io.tmpdir=" + tmp,
        "-cp", System.getProperty("java.class.path"), DurabilityChild.class.getName(), "0", "5");
    pb.environment().put("SPAN_STORAGE_TYPE", "badger");
    pb.redirectErrorStream(true);
    Process child = pb.start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = out.readLine()) != null && !line.startsWith("ACK ")) {
        // skip start-up output until the first acknowledged batch
      }
      assertThat(line).as("child acknowledged a batch").isNotNull();
      assertThat(badgerDirs(tmp)).hasSize(1);
      Thread drain = new Thread(() -> {
        try {
          out.transferTo(Writer.nullWriter());
        } catch (IOException e) {
          // the child is gone
        }
      }, "child-output");
      drain.start();
      child.destroy();
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child stopped on SIGTERM").isTrue();
      drain.join(10_000);
    } finally {
      child.destroyForcibly();
    }
    assertThat(badgerDirs(tmp)).as("ephemeral directory removed at exit").isEmpty();
  }

  private static List<Path> badgerDirs(Path tmp) throws Exception {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.filter(p -> p.getFileName().toString().startsWith("badger")).toList();
    }
  }
}
