// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.config.Settings;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReloadingSslContextTest {
  @TempDir Path dir;

  static final class MutableClock extends Clock {
    long millis = 1_000_000;

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }
  }

  @Test
  void current_filesChangedAfterInterval_rebuilds_brokenFilesKeepPrevious() throws Exception {
    TestCerts a = TestCerts.create(dir, "a");
    Path cert = dir.resolve("server.crt");
    Path key = dir.resolve("server.key");
    Files.copy(a.cert(), cert);
    Files.copy(a.key(), key);
    Settings s = Settings.defaults(ServerTls.flags("x"), Map.of("x.tls.enabled", "true", "x.tls.cert",
        cert.toString(), "x.tls.key", key.toString()));
    AtomicInteger builds = new AtomicInteger();
    MutableClock clock = new MutableClock();
    ReloadingSslContext ctx = new ReloadingSslContext(() -> {
      builds.incrementAndGet();
      return ServerTls.serverContext(s, "x", false).orElseThrow();
    }, List.of(cert, key), Duration.ofSeconds(10), clock);
    SslContext first = ctx.current();
    assertThat(builds).hasValue(1);

    Files.writeString(cert, Files.readString(cert) + "\n");
    Files.setLastModifiedTime(cert, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
    clock.millis += 5_000;
    assertThat(ctx.current()).isSameAs(first); // within the interval: not even looked at
    clock.millis += 6_000;
    SslContext second = ctx.current();
    assertThat(second).isNotSameAs(first);
    assertThat(builds).hasValue(2);
    assertThat(ctx.newEngine(ByteBufAllocator.DEFAULT).getUseClientMode()).isFalse();

    Files.writeString(key, "garbage");
    clock.millis += 11_000;
    assertThat(ctx.current()).isSameAs(second);
    clock.millis += 11_000;
    assertThat(ctx.current()).isSameAs(second); // retried at the next interval, still broken: kept
  }

  @Test
  void serverContext_reloadInterval_givesReloadingContext() throws Exception {
    TestCerts a = TestCerts.create(dir, "r");
    Settings s = Settings.defaults(ServerTls.flags("x"), Map.of("x.tls.enabled", "true", "x.tls.cert",
        a.cert().toString(), "x.tls.key", a.key().toString(), "x.tls.reload-interval", "1m"));
    SslContext ctx = ServerTls.serverContext(s, "x", false).orElseThrow();
    assertThat(ctx).isInstanceOf(ReloadingSslContext.class);
    assertThat(ctx.isServer()).isTrue();
  }
}
