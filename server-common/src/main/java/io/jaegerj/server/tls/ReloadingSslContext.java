// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolNegotiator;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSessionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server context that picks up new certificate, key and CA files ({@code .tls.reload-interval}): when a connection
 * arrives at least one interval after the last check and a file's modification time changed, the context is rebuilt.
 * Checking on use instead of on a timer needs no thread and gives the same result to clients. A rebuild that fails
 * (e.g. a half-written file) keeps the previous context and is retried at the next interval.
 */
final class ReloadingSslContext extends SslContext {
  private static final Logger LOG = LoggerFactory.getLogger(ReloadingSslContext.class);

  private final Supplier<SslContext> builder;
  private final List<Path> files;
  private final long intervalMillis;
  private final Clock clock;
  private volatile SslContext current;
  private volatile List<Long> stamps;
  private volatile long lastCheck;

  ReloadingSslContext(Supplier<SslContext> builder, List<Path> files, Duration interval, Clock clock) {
    this.builder = Objects.requireNonNull(builder, "builder");
    this.files = List.copyOf(files);
    this.intervalMillis = interval.toMillis();
    this.clock = clock;
    this.stamps = stamps();
    this.current = builder.get();
    this.lastCheck = clock.millis();
  }

  private List<Long> stamps() {
    List<Long> out = new ArrayList<>(files.size());
    for (Path f : files) {
      try {
        out.add(Files.getLastModifiedTime(f).toMillis() ^ Files.size(f));
      } catch (IOException e) {
        out.add(-1L);
      }
    }
    return out;
  }

  /** The context for a new connection, rebuilt first if the files changed. */
  SslContext current() {
    long now = clock.millis();
    if (now - lastCheck >= intervalMillis) {
      synchronized (this) {
        if (now - lastCheck >= intervalMillis) {
          lastCheck = now;
          List<Long> s = stamps();
          if (!s.equals(stamps)) {
            try {
              current = builder.get();
              stamps = s;
              LOG.info("Reloaded TLS certificates from {}", files);
            } catch (RuntimeException e) {
              LOG.warn("Reloading TLS certificates from {} failed; keeping the previous ones", files, e);
            }
          }
        }
      }
    }
    return current;
  }

  @Override
  public boolean isClient() {
    return current.isClient();
  }

  @Override
  public List<String> cipherSuites() {
    return current.cipherSuites();
  }

  @Override
  @SuppressWarnings("deprecation") // part of SslContext's abstract contract
  public ApplicationProtocolNegotiator applicationProtocolNegotiator() {
    return current.applicationProtocolNegotiator();
  }

  @Override
  public SSLEngine newEngine(ByteBufAllocator alloc) {
    return current().newEngine(alloc);
  }

  @Override
  public SSLEngine newEngine(ByteBufAllocator alloc, String peerHost, int peerPort) {
    return current().newEngine(alloc, peerHost, peerPort);
  }

  @Override
  public SSLSessionContext sessionContext() {
    return current.sessionContext();
  }
}
