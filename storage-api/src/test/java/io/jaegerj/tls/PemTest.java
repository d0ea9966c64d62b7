// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemTest {
  @TempDir Path dir;

  @Test
  void privateKey_pkcs1RsaKey_isRead() throws Exception {
    TestPki pki = TestPki.create(dir, "pkcs1", "dns:localhost");
    // Re-encode the PKCS#8 key as PKCS#1 by stripping the PrivateKeyInfo header (26 bytes for RSA).
    byte[] pkcs8 = Pem.privateKey(pki.key()).getEncoded();
    byte[] pkcs1 = Arrays.copyOfRange(pkcs8, 26, pkcs8.length);
    Path f = dir.resolve("rsa.key");
    Files.writeString(f, "-----BEGIN RSA PRIVATE KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(pkcs1) + "\n-----END RSA PRIVATE KEY-----\n");
    assertThat(Pem.privateKey(f).getEncoded()).isEqualTo(pkcs8);
  }
}
