// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM files Jaeger accepts: certificate chains, PKCS#8 keys ({@code PRIVATE KEY}) and PKCS#1 RSA keys
 * ({@code RSA PRIVATE KEY}), which Go's crypto/tls also reads. Encrypted keys are not supported (Go rejects them too).
 * Stateless and thread-safe; every call reads the file again, so a rotated file is picked up by the next call.
 */
public final class Pem {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
  // DER of AlgorithmIdentifier { rsaEncryption, NULL }.
  private static final byte[] RSA_ALGORITHM = {
    0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00
  };

  private Pem() {}

  public static List<X509Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
    byte[] bytes = Files.readAllBytes(file);
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    List<X509Certificate> out = new ArrayList<>();
    for (var c : cf.generateCertificates(new ByteArrayInputStream(bytes))) {
      out.add((X509Certificate) c);
    }
    if (out.isEmpty()) {
      throw new GeneralSecurityException("no certificate found in " + file);
    }
    return out;
  }

  public static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      String type = m.group(1);
      byte[] der = Base64.getMimeDecoder().decode(m.group(2));
      switch (type) {
        case "PRIVATE KEY":
          return pkcs8(der);
        case "RSA PRIVATE KEY":
          return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(wrapPkcs1(der)));
        case "EC PRIVATE KEY":
          throw new GeneralSecurityException(
              "SEC1 EC keys are not supported in " + file + "; convert with `openssl pkcs8 -topk8 -nocrypt`");
        case "ENCRYPTED PRIVATE KEY":
          throw new GeneralSecurityException("encrypted private keys are not supported: " + file);
        default:
          // Other blocks (e.g. EC PARAMETERS) may precede the key.
      }
    }
    throw new GeneralSecurityException("no private key found in " + file);
  }

  private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    GeneralSecurityException last = null;
    for (String alg : new String[] {"RSA", "EC", "Ed25519", "DSA"}) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw last;
  }

  /** PrivateKeyInfo ::= SEQUENCE { version INTEGER 0, algorithm, privateKey OCTET STRING }. */
  private static byte[] wrapPkcs1(byte[] pkcs1) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(0x02);
    body.write(0x01);
    body.write(0x00);
    body.writeBytes(RSA_ALGORITHM);
    body.write(0x04);
    writeLength(body, pkcs1.length);
    body.writeBytes(pkcs1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x30);
    writeLength(out, body.size());
    out.writeBytes(body.toByteArray());
    return out.toByteArray();
  }

  private static void writeLength(ByteArrayOutputStream out, int len) {
    if (len < 0x80) {
      out.write(len);
      return;
    }
    int bytes = len > 0xffffff ? 4 : len > 0xffff ? 3 : len > 0xff ? 2 : 1;
    out.write(0x80 | bytes);
    for (int i = bytes - 1; i >= 0; i--) {
      out.write((len >>> (8 * i)) & 0xff);
    }
  }
}
