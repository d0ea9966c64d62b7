// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.tls;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Self-signed certificates made by the JDK's keytool for TLS tests of every module: the PEM files the
 * {@code *.tls.*} flags take and the PKCS#12 store a JDK server uses.
 */
public record TestPki(Path cert, Path key, X509Certificate certificate, KeyStore keyStore) {
  public static final char[] PASSWORD = "changeit".toCharArray();

  /** A certificate for {@code CN=<name>} valid for the given subject alternative names (keytool syntax). */
  public static TestPki create(Path dir, String name, String san) throws Exception {
    return create(dir, name, name, san);
  }

  /** A certificate stored under {@code alias} for {@code CN=<commonName>} and the given alternative names. */
  public static TestPki create(Path dir, String alias, String commonName, String san) throws Exception {
    Path store = dir.resolve(alias + ".p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", alias, "-keyalg", "RSA", "-keysize", "2048",
        "-dname", "CN=" + commonName, "-ext", "SAN=" + san, "-validity", "2",
        "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit")
        .redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("keytool failed: " + new String(out));
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, PASSWORD);
    }
    PrivateKey key = (PrivateKey) ks.getKey(alias, PASSWORD);
    X509Certificate cert = (X509Certificate) ks.getCertificate(alias);
    Path certFile = dir.resolve(alias + ".crt");
    Path keyFile = dir.resolve(alias + ".key");
    Files.writeString(certFile, pemCertificates(List.of(cert)));
    Files.writeString(keyFile, pemPrivateKey(key));
    return new TestPki(certFile, keyFile, cert, ks);
  }

  /** PEM text of certificates, as the {@code *.tls.cert} and {@code *.tls.ca} flags read it. */
  public static String pemCertificates(List<X509Certificate> certs) throws GeneralSecurityException {
    StringBuilder b = new StringBuilder();
    for (X509Certificate c : certs) {
      b.append(pemBlock("CERTIFICATE", c.getEncoded()));
    }
    return b.toString();
  }

  /** PEM text of a PKCS#8 private key, as the {@code *.tls.key} flags read it. */
  public static String pemPrivateKey(PrivateKey key) {
    return pemBlock("PRIVATE KEY", key.getEncoded());
  }

  private static String pemBlock(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
