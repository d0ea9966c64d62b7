// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server.tls;

import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;

/** Maps Jaeger's TLS version and Go cipher suite names to the JDK's. */
final class TlsVersions {
  private static final List<String> VERSIONS = List.of("1.0", "1.1", "1.2", "1.3");
  private static final List<String> JDK = List.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");

  private TlsVersions() {}

  /** The JDK protocol names between min and max inclusive; empty when both are unset (JDK defaults). */
  static List<String> range(String flagPrefix, String min, String max) {
    if (min.isEmpty() && max.isEmpty()) {
      return List.of();
    }
    int lo = min.isEmpty() ? 0 : index(flagPrefix + "min-version", min);
    int hi = max.isEmpty() ? VERSIONS.size() - 1 : index(flagPrefix + "max-version", max);
    if (lo > hi) {
      throw new IllegalArgumentException(
          "--" + flagPrefix + "min-version: minimum tls version can't be greater than maximum tls version");
    }
    return new ArrayList<>(JDK.subList(lo, hi + 1));
  }

  private static int index(String flag, String v) {
    int i = VERSIONS.indexOf(v.trim());
    if (i < 0) {
      throw new IllegalArgumentException("--" + flag + ": unsupported TLS version \"" + v + "\" (expected one of "
          + VERSIONS + ")");
    }
    return i;
  }

  /** Parses a comma list of Go cipher suite names into JDK names, rejecting unknown ones. */
  static List<String> cipherSuites(String flag, String raw) {
    List<String> out = new ArrayList<>();
    if (raw.trim().isEmpty()) {
      return out;
    }
    Set<String> supported;
    try {
      supported = new HashSet<>(Arrays.asList(SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    for (String part : raw.split(",")) {
      String name = part.trim();
      if (name.isEmpty()) {
        continue;
      }
      String jdk = name.endsWith("_CHACHA20_POLY1305") ? name + "_SHA256" : name;
      if (!supported.contains(jdk)) {
        throw new IllegalArgumentException("--" + flag + ": cipher suite " + name + " not supported or doesn't exist");
      }
      out.add(jdk);
    }
    return out;
  }
}
