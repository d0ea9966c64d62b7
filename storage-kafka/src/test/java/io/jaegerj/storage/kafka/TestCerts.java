// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away PKI made with the {@code openssl} binary: {@code ca.pem} (a test CA), {@code server-keystore.pem}
 * (PKCS#8 key and certificate for {@code 127.0.0.1}/{@code localhost}, signed by the CA, in the PEM form the broker
 * reads), {@code client.pem} and {@code client-key.pem} (a client certificate signed by the CA), and
 * {@code other-ca.pem} (a CA that signed nothing, for negative cases).
 */
final class TestCerts {
  private TestCerts() {}

  static void create(Path dir) throws IOException, InterruptedException {
    Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    Files.writeString(dir.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
    run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca-key.pem", "-out", "ca.pem",
        "-days", "2", "-subj", "/CN=jaegerj-test-ca");
    run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other-ca-key.pem", "-out",
        "other-ca.pem", "-days", "2", "-subj", "/CN=jaegerj-other-ca");
    for (String name : List.of("server", "client")) {
      run(dir, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + "-key.pem", "-out",
          name + ".csr", "-subj", "/CN=" + (name.equals("server") ? "localhost" : "jaeger-client"));
      run(dir, "openssl", "x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem",
          "-CAcreateserial", "-out", name + ".pem", "-days", "2", "-extfile", name + ".ext");
    }
    Files.writeString(dir.resolve("server-keystore.pem"),
        Files.readString(dir.resolve("server-key.pem")) + Files.readString(dir.resolve("server.pem")));
  }

  private static void run(Path dir, String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("openssl.log").toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", cmd) + " failed: " + Files.readString(dir.resolve("openssl.log")));
    }
  }
}
