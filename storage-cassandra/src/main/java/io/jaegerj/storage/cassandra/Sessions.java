// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.auth.AuthenticationException;
import com.datastax.oss.driver.api.core.auth.Authenticator;
import com.datastax.oss.driver.api.core.auth.PlainTextAuthProviderBase;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.ProgrammaticDriverConfigLoaderBuilder;
import com.datastax.oss.driver.api.core.metadata.EndPoint;
import com.datastax.oss.driver.api.core.ssl.SslEngineFactory;
import io.jaegerj.tls.ClientTlsConfig;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/** Builds a driver session from a {@link CassandraConfig}, following Jaeger's gocql settings where they map. */
final class Sessions {
  /** Per-request timeout when {@code cassandra.timeout} is 0 (Jaeger: none; the driver needs one). */
  static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

  private Sessions() {}

  /** Connects without a keyspace (statements name it), so that a missing keyspace can be created. */
  static CqlSession open(CassandraConfig c, String sessionName) {
    ProgrammaticDriverConfigLoaderBuilder cfg = DriverConfigLoader.programmaticBuilder()
        .withString(DefaultDriverOption.SESSION_NAME, sessionName)
        .withInt(DefaultDriverOption.CONNECTION_POOL_LOCAL_SIZE, c.connectionsPerHost())
        .withInt(DefaultDriverOption.CONNECTION_POOL_REMOTE_SIZE, c.connectionsPerHost())
        .withString(DefaultDriverOption.PROTOCOL_VERSION, "V" + c.protoVersion())
        .withString(DefaultDriverOption.REQUEST_CONSISTENCY, c.consistency())
        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT,
            c.timeout().isZero() ? DEFAULT_REQUEST_TIMEOUT : c.timeout())
        .withString(DefaultDriverOption.RECONNECTION_POLICY_CLASS, "ConstantReconnectionPolicy")
        .withDuration(DefaultDriverOption.RECONNECTION_BASE_DELAY,
            c.reconnectInterval().isZero() ? Duration.ofSeconds(1) : c.reconnectInterval())
        .withClass(DefaultDriverOption.RETRY_POLICY_CLASS, BoundedRetryPolicy.class)
        .withInt(BoundedRetryPolicy.MAX_ATTEMPTS, c.maxRetryAttempts())
        .withBoolean(DefaultDriverOption.RECONNECT_ON_INIT, false)
        .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, Duration.ofSeconds(30))
        .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, Duration.ofSeconds(30))
        .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(10));
    if (!c.connectTimeout().isZero()) {
      cfg.withDuration(DefaultDriverOption.CONNECTION_CONNECT_TIMEOUT, c.connectTimeout());
    }
    if (!c.socketKeepAlive().isZero()) {
      cfg.withBoolean(DefaultDriverOption.SOCKET_KEEP_ALIVE, true);
    }
    if (!c.disableCompression() && c.protoVersion() < 5) {
      cfg.withString(DefaultDriverOption.PROTOCOL_COMPRESSION, "snappy");
    }
    if (c.localDc().isEmpty()) {
      cfg.withString(DefaultDriverOption.LOAD_BALANCING_POLICY_CLASS, "DcInferringLoadBalancingPolicy");
    }
    CqlSessionBuilder b = CqlSession.builder().withConfigLoader(cfg.build());
    for (String server : c.servers()) {
      b.addContactPoint(address(server, c.port()));
    }
    if (!c.localDc().isEmpty()) {
      b.withLocalDatacenter(c.localDc());
    }
    if (!c.username().isEmpty() && !c.password().isEmpty()) {
      b.withAuthProvider(new AllowListAuthProvider(c.username(), c.password(), c.allowedAuthenticators()));
    }
    if (c.tls().isPresent()) {
      b.withSslEngineFactory(new TlsEngineFactory(c.tls().get()));
    }
    return b.build();
  }

  static InetSocketAddress address(String server, int defaultPort) {
    String host = server;
    int port = defaultPort;
    int colon = server.lastIndexOf(':');
    if (colon > 0 && server.indexOf(':') == colon) {
      host = server.substring(0, colon);
      port = Integer.parseInt(server.substring(colon + 1));
    }
    return InetSocketAddress.createUnresolved(host, port);
  }

  /**
   * Username/password authentication that, like gocql with {@code basic.allowed-authenticators}, only answers a
   * server whose authenticator class is in the list (any class when the list is empty).
   */
  static final class AllowListAuthProvider extends PlainTextAuthProviderBase {
    private final String username;
    private final String password;
    private final List<String> allowed;

    AllowListAuthProvider(String username, String password, List<String> allowed) {
      super("");
      this.username = username;
      this.password = password;
      this.allowed = List.copyOf(allowed);
    }

    @Override
    protected Credentials getCredentials(EndPoint endPoint, String serverAuthenticator) {
      return new Credentials(username.toCharArray(), password.toCharArray());
    }

    @Override
    public Authenticator newAuthenticator(EndPoint endPoint, String serverAuthenticator)
        throws AuthenticationException {
      if (!allowed.isEmpty() && !allowed.contains(serverAuthenticator)) {
        throw new AuthenticationException(endPoint, "authenticator " + serverAuthenticator
            + " is not in cassandra.basic.allowed-authenticators " + allowed);
      }
      return super.newAuthenticator(endPoint, serverAuthenticator);
    }
  }

  /** TLS from Jaeger's {@code tls.*} flags: CA, client certificate, server name / host check. */
  static final class TlsEngineFactory implements SslEngineFactory {
    private final ClientTlsConfig tls;
    private final SSLContext context;

    TlsEngineFactory(ClientTlsConfig tls) {
      this.tls = tls;
      this.context = tls.sslContext();
    }

    @Override
    public SSLEngine newSslEngine(EndPoint remoteEndpoint) {
      SocketAddress a = remoteEndpoint.resolve();
      SSLEngine engine;
      if (a instanceof InetSocketAddress isa) {
        engine = context.createSSLEngine(isa.getHostString(), isa.getPort());
      } else {
        engine = context.createSSLEngine();
      }
      engine.setUseClientMode(true);
      tls.configure(engine);
      return engine;
    }

    @Override
    public void close() {}
  }
}
