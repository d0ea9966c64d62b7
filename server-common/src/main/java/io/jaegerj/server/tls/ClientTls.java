// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server.tls;

import io.jaegerj.config.Flag;
import io.jaegerj.config.Settings;
import io.jaegerj.tls.ClientTlsConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * The client TLS flag family used to reach storage and other servers ({@code <prefix>.tls.enabled}, {@code .ca},
 * {@code .cert}, {@code .key}, {@code .server-name}, {@code .skip-host-verify}). Flags, validation and the JDK
 * context come from storage-api's {@link ClientTlsConfig}; this class adds the Netty context.
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
    static Config of(ClientTlsConfig c) {
      return new Config(c.ca(), c.cert(), c.key(), c.serverName(), c.skipHostVerify());
    }

    /** The same settings as storage-api's type. */
    public ClientTlsConfig jdk() {
      return new ClientTlsConfig(ca, cert, key, serverName, skipHostVerify);
    }

    /** A Netty client context. */
    public SslContext nettyContext() {
      try {
        SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK);
        if (skipHostVerify) {
          b.trustManager(InsecureTrustManagerFactory.INSTANCE);
        } else if (!ca.isEmpty()) {
          b.trustManager(io.jaegerj.tls.Pem.certificates(Path.of(ca)).toArray(new X509Certificate[0]));
        }
        if (!cert.isEmpty() || !key.isEmpty()) {
          b.keyManager(io.jaegerj.tls.Pem.privateKey(Path.of(key)),
              io.jaegerj.tls.Pem.certificates(Path.of(cert)).toArray(new X509Certificate[0]));
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
      return jdk().sslContext();
    }
  }

  /** The six flags under {@code prefix} (e.g. {@code cassandra} gives {@code cassandra.tls.*}). */
  public static List<Flag> flags(String prefix) {
    return ClientTlsConfig.flags(prefix);
  }

  /**
   * The settings when {@code <prefix>.tls.enabled} is true, else empty.
   *
   * @throws IllegalArgumentException when another TLS option is set while TLS is disabled (Jaeger's wording), or
   *     when only one of cert and key is set
   */
  public static Optional<Config> config(Settings settings, String prefix) {
    return ClientTlsConfig.from(settings, prefix).map(Config::of);
  }

  /** Convenience: the Netty client context when enabled. */
  public static Optional<SslContext> clientContext(Settings settings, String prefix) {
    return config(settings, prefix).map(Config::nettyContext);
  }
}
