// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real process: SIGTERM drains and exits 0. */
class SignalTest {
  @TempDir Path dir;

  @Test
  void sigterm_drainsAndExitsZero() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx128m", "-cp", System.getProperty("java.class.path"), ChildBinaryMain.class.getName(),
        "--admin.http.host-port=127.0.0.1:" + port)
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().remove("SPAN_STORAGE_TYPE");
    Process p = pb.start();
    try {
      HttpClient http = HttpClient.newHttpClient();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      int status = 0;
      while (status != 200) {
        assertThat(p.isAlive()).as(() -> read(err)).isTrue();
        assertThat(System.nanoTime()).as("healthy within 60 s").isLessThan(deadline);
        try {
          status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
              HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (ConnectException e) {
          Thread.sleep(50);
        }
      }
      p.destroy(); // SIGTERM
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(() -> read(err)).isZero();
      assertThat(read(out)).contains("drained");
      assertThat(read(err)).contains("Received signal SIGTERM").contains("jaeger-child stopped");
    } finally {
      p.destroyForcibly();
    }
  }

  private static String read(Path f) {
    try {
      return Files.readString(f, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return e.toString();
    }
  }
}
