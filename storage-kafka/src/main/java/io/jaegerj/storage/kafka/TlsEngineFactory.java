// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.kafka;

import io.jaegerj.tls.ClientTlsConfig;
import java.security.KeyStore;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.apache.kafka.common.security.auth.SslEngineFactory;

/**
 * A kafka-clients {@link SslEngineFactory} built from Jaeger's {@code <prefix>.tls.*} flags through
 * {@link ClientTlsConfig}, so PEM files (PKCS#8 and PKCS#1 keys), {@code server-name} and {@code skip-host-verify}
 * behave as on every other TLS client of this project.
 */
public final class TlsEngineFactory implements SslEngineFactory {
  static final String CONFIG_KEY = "jaegerj.tls.config";

  private ClientTlsConfig config;
  private SSLContext context;

  static void configure(ClientTlsConfig tls, Map<String, Object> props) {
    props.put("ssl.engine.factory.class", TlsEngineFactory.class);
    props.put(CONFIG_KEY, tls);
  }

  @Override
  public void configure(Map<String, ?> configs) {
    config = (ClientTlsConfig) configs.get(CONFIG_KEY);
    if (config == null) {
      throw new IllegalStateException(CONFIG_KEY + " missing");
    }
    context = config.sslContext();
  }

  @Override
  public SSLEngine createClientSslEngine(String peerHost, int peerPort, String endpointIdentification) {
    SSLEngine engine = context.createSSLEngine(peerHost, peerPort);
    engine.setUseClientMode(true);
    config.configure(engine);
    return engine;
  }

  @Override
  public SSLEngine createServerSslEngine(String peerHost, int peerPort) {
    throw new UnsupportedOperationException("client-side TLS only");
  }

  @Override
  public boolean shouldBeRebuilt(Map<String, Object> nextConfigs) {
    return false;
  }

  @Override
  public Set<String> reconfigurableConfigs() {
    return Set.of();
  }

  @Override
  public KeyStore keystore() {
    return null;
  }

  @Override
  public KeyStore truststore() {
    return null;
  }

  @Override
  public void close() {}
}
