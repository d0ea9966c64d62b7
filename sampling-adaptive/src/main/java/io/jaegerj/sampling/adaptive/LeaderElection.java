// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.sampling.adaptive;

import io.jaegerj.server.RateLimitedLog;
import io.jaegerj.storage.SamplingStore;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election over the sampling store's lease, as Jaeger does it: try to take or renew the lease (its lifetime
 * is {@code follower-lease-refresh-interval}) every {@code leader-lease-refresh-interval} while leader and every
 * {@code follower-lease-refresh-interval} otherwise; on close, a leader gives the lease up. Unlike Jaeger, a host
 * counts itself leader only until its last granted lease runs out, so a leader that cannot reach the store stops
 * calculating instead of racing the host that takes over.
 */
final class LeaderElection implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);

  private final SamplingStore store;
  private final String owner;
  private final Duration leaderRefresh;
  private final Duration lease;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final RateLimitedLog failures = new RateLimitedLog(LOG, RateLimitedLog.Level.WARN, Duration.ofSeconds(30));
  /** Millis of the clock until which the last granted lease holds; 0 when none. */
  private volatile long leaseUntilMillis;
  private volatile boolean closed;
  private final AtomicLong attempts = new AtomicLong();
  private ScheduledFuture<?> next;

  LeaderElection(SamplingStore store, String owner, AdaptiveOptions options, Clock clock,
      ScheduledExecutorService scheduler) {
    this.store = store;
    this.owner = owner;
    this.leaderRefresh = options.leaderLeaseRefreshInterval();
    this.lease = options.followerLeaseRefreshInterval();
    this.clock = clock;
    this.scheduler = scheduler;
  }

  /** Makes the first attempt now (on the scheduler) and keeps going until {@link #close()}. */
  void start() {
    schedule(0);
  }

  /** True while this host holds an unexpired lease. */
  boolean isLeader() {
    return !closed && clock.millis() < leaseUntilMillis;
  }

  long attempts() {
    return attempts.get();
  }

  String owner() {
    return owner;
  }

  /** One attempt; returns how long to wait before the next. Runs on the scheduler thread. */
  Duration attempt() {
    attempts.incrementAndGet();
    long started = clock.millis();
    boolean wasLeader = isLeader();
    try {
      if (store.acquireLeaderLock(owner, lease.toMillis())) {
        leaseUntilMillis = started + lease.toMillis();
      } else {
        leaseUntilMillis = 0;
      }
    } catch (RuntimeException e) {
      failures.log("adaptive sampling: could not acquire the leader lease: {}", e.toString());
    }
    boolean leader = isLeader();
    if (leader != wasLeader) {
      LOG.info("adaptive sampling: {} is {} the leader", owner, leader ? "now" : "no longer");
    }
    return leader ? leaderRefresh : lease;
  }

  private synchronized void schedule(long delayMillis) {
    if (closed) {
      return;
    }
    next = scheduler.schedule(() -> {
      Duration wait = attempt();
      schedule(wait.toMillis());
    }, delayMillis, TimeUnit.MILLISECONDS);
  }

  /** Stops renewing; a leader gives its lease up so that another host takes over at its next attempt. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    boolean leader = isLeader();
    closed = true;
    if (next != null) {
      next.cancel(false);
    }
    if (leader) {
      try {
        store.forfeitLeaderLock(owner);
      } catch (RuntimeException e) {
        LOG.warn("adaptive sampling: could not give the leader lease up: {}", e.toString());
      }
    }
    leaseUntilMillis = 0;
  }
}
