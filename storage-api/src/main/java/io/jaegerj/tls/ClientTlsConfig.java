// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.tls;

import io.jaegerj.config.Flag;
import io.jaegerj.config.Settings;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The client side of Jaeger's TLS flag family {@code <prefix>.tls.*} ({@code enabled}, {@code ca}, {@code cert},
 * {@code key}, {@code server-name}, {@code skip-host-verify}), resolved to JDK objects: an {@link SSLContext} with
 * the CA as trust store (the JVM's default when empty) and the client certificate and key for mutual TLS, and the
 * per-connection {@link SSLParameters} that send {@code server-name} as SNI and check the server certificate against
 * it (else against the connected host). With {@code skip-host-verify} any server certificate is accepted, as Go's
 * {@code InsecureSkipVerify}.
 *
 * <p>Files are read when {@link #sslContext()} is called. Immutable and thread-safe.
 *
 * @param ca PEM file of trusted CA certificates; empty for the JVM's trust store
 * @param cert PEM client certificate chain for mutual TLS; empty for none
 * @param key PEM private key of {@code cert} (PKCS#8 or PKCS#1 RSA); empty for none
 * @param serverName the name expected in the server certificate and sent as SNI; empty for the connected host
 * @param skipHostVerify trust any server certificate and skip the host name check (insecure)
 */
public record ClientTlsConfig(String ca, String cert, String key, String serverName, boolean skipHostVerify) {
  /** TLS on with the JVM's trust store and no client certificate. */
  public static final ClientTlsConfig DEFAULT = new ClientTlsConfig("", "", "", "", false);

  public ClientTlsConfig {
    Objects.requireNonNull(ca, "ca");
    Objects.requireNonNull(cert, "cert");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(serverName, "serverName");
    if (cert.isEmpty() != key.isEmpty()) {
      throw new IllegalArgumentException("for client auth via TLS, either both client certificate and key must be"
          + " supplied, or neither");
    }
  }

  /** The six flags under {@code prefix} (for example {@code es} gives {@code es.tls.enabled} ...), Jaeger's texts. */
  public static List<Flag> flags(String prefix) {
    String p = prefix + ".tls.";
    return List.of(
        Flag.bool(p + "enabled", false, "Enable TLS when talking to the remote server(s)"),
        Flag.string(p + "ca", "",
            "Path to a TLS CA (Certification Authority) file used to verify the remote server(s)"
                + " (by default will use the system truststore)"),
        Flag.string(p + "cert", "",
            "Path to a TLS Certificate file, used to identify this process to the remote server(s)"),
        Flag.string(p + "key", "",
            "Path to a TLS Private Key file, used to identify this process to the remote server(s)"),
        Flag.string(p + "server-name", "",
            "Override the TLS server name we expect in the certificate of the remote server(s)"),
        Flag.bool(p + "skip-host-verify", false,
            "(insecure) Skip server's certificate chain and host name verification"));
  }

  /**
   * The settings when {@code <prefix>.tls.enabled} is true, else empty.
   *
   * @throws IllegalArgumentException when another TLS option is set while TLS is disabled (Jaeger's wording), or
   *     when only one of cert and key is set
   */
  public static Optional<ClientTlsConfig> from(Settings settings, String prefix) {
    String p = prefix + ".tls.";
    String ca = settings.getString(p + "ca");
    String cert = settings.getString(p + "cert");
    String key = settings.getString(p + "key");
    String serverName = settings.getString(p + "server-name");
    boolean skip = settings.getBool(p + "skip-host-verify");
    if (!settings.getBool(p + "enabled")) {
      if (!ca.isEmpty() || !cert.isEmpty() || !key.isEmpty() || !serverName.isEmpty() || skip) {
        throw new IllegalArgumentException(p + "* options cannot be used when " + p + "enabled is false");
      }
      return Optional.empty();
    }
    if (cert.isEmpty() != key.isEmpty()) {
      throw new IllegalArgumentException("for client auth via TLS, either both client certificate and key must be"
          + " supplied, or neither (" + p + "cert, " + p + "key)");
    }
    return Optional.of(new ClientTlsConfig(ca, cert, key, serverName, skip));
  }

  /**
   * A new client context from the files.
   *
   * @throws IllegalArgumentException when a file cannot be read or parsed
   */
  public SSLContext sslContext() {
    try {
      TrustManager[] trust = null;
      if (skipHostVerify) {
        trust = new TrustManager[] {new TrustAll()};
      } else if (!ca.isEmpty()) {
        KeyStore ts = KeyStore.getInstance(KeyStore.getDefaultType());
        ts.load(null, null);
        int i = 0;
        for (X509Certificate c : Pem.certificates(Path.of(ca))) {
          ts.setCertificateEntry("ca-" + i++, c);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        trust = tmf.getTrustManagers();
      }
      KeyManager[] keys = null;
      if (!cert.isEmpty()) {
        PrivateKey pk = Pem.privateKey(Path.of(key));
        List<X509Certificate> chain = Pem.certificates(Path.of(cert));
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        char[] pw = new char[0];
        ks.setKeyEntry("client", pk, pw, chain.toArray(new X509Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pw);
        keys = kmf.getKeyManagers();
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(keys, trust, null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot build the client TLS context: " + e.getMessage(), e);
    }
  }

  /**
   * Sets host verification and SNI on {@code params}: the JDK's trust manager then checks the server certificate
   * against the SNI name ({@code serverName}) or, without one, against the connected host.
   */
  public SSLParameters apply(SSLParameters params) {
    params.setEndpointIdentificationAlgorithm(skipHostVerify ? null : "HTTPS");
    if (!serverName.isEmpty()) {
      params.setServerNames(List.of(new SNIHostName(serverName)));
    }
    return params;
  }

  /** {@link #apply(SSLParameters)} on an engine about to start its handshake. */
  public void configure(SSLEngine engine) {
    engine.setSSLParameters(apply(engine.getSSLParameters()));
  }

  /** Accepts every chain; extended so that the JDK adds no host name check of its own. */
  private static final class TrustAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
