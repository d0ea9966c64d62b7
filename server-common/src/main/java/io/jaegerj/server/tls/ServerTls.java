// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server.tls;

import io.jaegerj.config.Flag;
import io.jaegerj.config.Settings;
import io.jaegerj.tls.Pem;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The server TLS flag family ({@code <prefix>.tls.enabled}, {@code .cert}, {@code .key}, {@code .client-ca},
 * {@code .cipher-suites}, {@code .min-version}, {@code .max-version}, {@code .reload-interval}) and the Netty
 * {@link SslContext} it describes. Setting {@code client-ca} turns on mutual TLS; a non-zero
 * {@code reload-interval} gives a context that picks up changed files for new connections.
 */
public final class ServerTls {
  private ServerTls() {}

  /** The eight flags under {@code prefix} (e.g. {@code collector.grpc} gives {@code collector.grpc.tls.*}). */
  public static List<Flag> flags(String prefix) {
    String p = prefix + ".tls.";
    return List.of(
        Flag.bool(p + "enabled", false, "Enable TLS on the server"),
        Flag.string(p + "cert", "", "Path to a TLS Certificate file, used to identify this server to clients"),
        Flag.string(p + "key", "", "Path to a TLS Private Key file, used to identify this server to clients"),
        Flag.string(p + "client-ca", "",
            "Path to a TLS CA (Certification Authority) file used to verify certificates presented by clients"
                + " (if unset, all clients are permitted)"),
        Flag.string(p + "cipher-suites", "",
            "Comma-separated list of cipher suites for the server, values are from tls package constants"
                + " (https://golang.org/pkg/crypto/tls/#pkg-constants)."),
        Flag.string(p + "min-version", "", "Minimum TLS version supported (Possible values: 1.0, 1.1, 1.2, 1.3)"),
        Flag.string(p + "max-version", "", "Maximum TLS version supported (Possible values: 1.0, 1.1, 1.2, 1.3)"),
        Flag.duration(p + "reload-interval", "0s",
            "The duration after which the certificate will be reloaded (0s means will not be reloaded)"));
  }

  /**
   * The server context when {@code <prefix>.tls.enabled} is true, else empty.
   *
   * @param forHttp2Grpc negotiate {@code h2} by ALPN and restrict ciphers to the HTTP/2 list (for gRPC servers)
   * @throws IllegalArgumentException naming the flag when a setting is missing, malformed or unreadable
   */
  public static Optional<SslContext> serverContext(Settings settings, String prefix, boolean forHttp2Grpc) {
    String p = prefix + ".tls.";
    if (!settings.getBool(p + "enabled")) {
      return Optional.empty();
    }
    String cert = settings.getString(p + "cert");
    String key = settings.getString(p + "key");
    if (cert.isEmpty() || key.isEmpty()) {
      throw new IllegalArgumentException(p + "cert and " + p + "key are required");
    }
    String clientCa = settings.getString(p + "client-ca");
    List<String> protocols = TlsVersions.range(
        p, settings.getString(p + "min-version"), settings.getString(p + "max-version"));
    List<String> ciphers = TlsVersions.cipherSuites(p + "cipher-suites", settings.getString(p + "cipher-suites"));
    Duration reload = settings.getDuration(p + "reload-interval");
    Supplier<SslContext> build = () -> build(p, cert, key, clientCa, protocols, ciphers, forHttp2Grpc);
    if (reload.isZero() || reload.isNegative()) {
      return Optional.of(build.get());
    }
    List<Path> files = new ArrayList<>(List.of(Path.of(cert), Path.of(key)));
    if (!clientCa.isEmpty()) {
      files.add(Path.of(clientCa));
    }
    return Optional.of(new ReloadingSslContext(build, files, reload, Clock.systemUTC()));
  }

  private static SslContext build(String p, String cert, String key, String clientCa, List<String> protocols,
      List<String> ciphers, boolean forHttp2Grpc) {
    PrivateKey privateKey;
    List<X509Certificate> chain;
    try {
      chain = Pem.certificates(Path.of(cert));
    } catch (Exception e) {
      throw new IllegalArgumentException("--" + p + "cert: cannot read " + cert + ": " + e.getMessage(), e);
    }
    try {
      privateKey = Pem.privateKey(Path.of(key));
    } catch (Exception e) {
      throw new IllegalArgumentException("--" + p + "key: cannot read " + key + ": " + e.getMessage(), e);
    }
    SslContextBuilder b = SslContextBuilder.forServer(privateKey, chain.toArray(new X509Certificate[0]))
        .sslProvider(SslProvider.JDK);
    if (!clientCa.isEmpty()) {
      try {
        b.trustManager(Pem.certificates(Path.of(clientCa)).toArray(new X509Certificate[0]));
      } catch (Exception e) {
        throw new IllegalArgumentException("--" + p + "client-ca: cannot read " + clientCa + ": " + e.getMessage(), e);
      }
      b.clientAuth(ClientAuth.REQUIRE);
    }
    if (!protocols.isEmpty()) {
      b.protocols(protocols);
    }
    if (!ciphers.isEmpty()) {
      b.ciphers(ciphers);
    } else if (forHttp2Grpc) {
      b.ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE);
    }
    if (forHttp2Grpc) {
      b.applicationProtocolConfig(new ApplicationProtocolConfig(
          ApplicationProtocolConfig.Protocol.ALPN,
          ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
          ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
          ApplicationProtocolNames.HTTP_2));
    }
    try {
      return b.build();
    } catch (Exception e) {
      throw new IllegalArgumentException("--" + p + "*: cannot build the TLS context: " + e.getMessage(), e);
    }
  }
}
