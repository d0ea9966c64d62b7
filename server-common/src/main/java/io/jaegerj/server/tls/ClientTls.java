// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server.tls;

import io.jaegerj.config.Flag;
import io.jaegerj.config.Settings;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The client TLS flag family used to reach storage and other servers ({@code <prefix>.tls.enabled}, {@code .ca},
 * {@code .cert}, {@code .key}, {@code .server-name}, {@code .skip-host-verify}).
 */
public final class ClientTls {
  private ClientTls() {}

  /**
   * Resolved client TLS settings.
   *
   * @param ca CA file; empty for the system trust store
   * @param cert client certificate file for mutual TLS; empty for none
   * @param key client key file; empty for none
   * @param serverName expected host name in the server certificate; empty for the connected host
   * @param skipHostVerify trust any server certificate (insecure)
   */
  public record Config(String ca, String cert, String key, String serverName, boolean skipHostVerify) {
    /** A Netty client context. */
    public SslContext nettyContext() {
      try {
        SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK);
        if (skipHostVerify) {
          b.trustManager(InsecureTrustManagerFactory.INSTANCE);
        } else if (!ca.isEmpty()) {
          b.trustManager(Pem.certificates(Path.of(ca)).toArray(new X509Certificate[0]));
        }
        if (!cert.isEmpty() || !key.isEmpty()) {
          b.keyManager(Pem.privateKey(Path.of(key)), Pem.certificates(Path.of(cert)).toArray(new X509Certificate[0]));
        }
        if (!skipHostVerify) {
          b.endpointIdentificationAlgorithm("HTTPS");
        }
        return b.build();
      } catch (Exception e) {
        throw new IllegalArgumentException("cannot build the client TLS context: " + e.getMessage(), e);
      }
    }

    /** A JDK context, for client libraries that take {@link SSLContext}. */
    public SSLContext jdkContext() {
      try {
        TrustManager[] trust = null;
        if (skipHostVerify) {
          trust = InsecureTrustManagerFactory.INSTANCE.getTrustManagers();
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
        if (!cert.isEmpty() || !key.isEmpty()) {
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
      } catch (Exception e) {
        throw new IllegalArgumentException("cannot build the client TLS context: " + e.getMessage(), e);
      }
    }
  }

  /** The six flags under {@code prefix} (e.g. {@code cassandra} gives {@code cassandra.tls.*}). */
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
  public static Optional<Config> config(Settings settings, String prefix) {
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
    return Optional.of(new Config(ca, cert, key, serverName, skip));
  }

  /** Convenience: the Netty client context when enabled. */
  public static Optional<SslContext> clientContext(Settings settings, String prefix) {
    return config(settings, prefix).map(Config::nettyContext);
  }
}
