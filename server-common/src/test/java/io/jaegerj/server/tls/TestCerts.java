// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server.tls;

import io.jaegerj.tls.TestPki;
import java.nio.file.Path;

/** A self-signed certificate for localhost (name and 127.0.0.1), written as PEM files. */
public record TestCerts(Path cert, Path key) {
  public static TestCerts create(Path dir, String name) throws Exception {
    TestPki pki = TestPki.create(dir, name, "localhost", "dns:localhost,ip:127.0.0.1");
    return new TestCerts(pki.cert(), pki.key());
  }
}
