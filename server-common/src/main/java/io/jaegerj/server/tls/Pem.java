// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * PEM reading for the servers; the implementation lives in storage-api ({@link io.jaegerj.tls.Pem}) so that storage
 * backends, which do not depend on server-common, read the same files the same way. Kept so existing callers compile.
 */
public final class Pem {
  private Pem() {}

  public static List<X509Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
    return io.jaegerj.tls.Pem.certificates(file);
  }

  public static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
    return io.jaegerj.tls.Pem.privateKey(file);
  }

  /** PEM text of certificates, for tests and tools. */
  public static String encodeCertificates(List<X509Certificate> certs) throws GeneralSecurityException {
    return io.jaegerj.tls.Pem.encodeCertificates(certs);
  }

  /** PEM text of a PKCS#8 private key, for tests and tools. */
  public static String encodePrivateKey(PrivateKey key) {
    return io.jaegerj.tls.Pem.encodePrivateKey(key);
  }
}
