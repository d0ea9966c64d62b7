// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime's {@link Lifecycle}: runs the registered steps phase by phase, each phase in reverse order of
 * registration, each step bounded by the grace period (a step that overruns is left behind on its daemon thread and
 * logged, so one stuck listener cannot keep the process alive). Runs at most once.
 */
final class ShutdownSequence implements Lifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(ShutdownSequence.class);

  private record Entry(String name, Step step) {}

  private final Map<Phase, List<Entry>> steps = new EnumMap<>(Phase.class);
  private final Duration grace;
  private boolean ran;

  ShutdownSequence(Duration grace) {
    this.grace = grace;
    for (Phase p : Phase.values()) {
      steps.put(p, new ArrayList<>());
    }
  }

  @Override
  public synchronized void onShutdown(Phase phase, String name, Step step) {
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(step, "step");
    if (ran) {
      throw new IllegalStateException("shutdown already ran; cannot register " + name);
    }
    steps.get(phase).add(new Entry(name, step));
  }

  /** Runs every step; returns false when a step failed or overran. */
  boolean run() {
    List<List<Entry>> phases = new ArrayList<>();
    synchronized (this) {
      if (ran) {
        return true;
      }
      ran = true;
      for (Phase p : Phase.values()) {
        List<Entry> l = new ArrayList<>(steps.get(p));
        Collections.reverse(l);
        phases.add(l);
      }
    }
    boolean ok = true;
    Phase[] names = Phase.values();
    for (int i = 0; i < phases.size(); i++) {
      for (Entry e : phases.get(i)) {
        ok &= runBounded(names[i], e);
      }
    }
    return ok;
  }

  private boolean runBounded(Phase phase, Entry e) {
    Throwable[] failure = new Throwable[1];
    Thread t = new Thread(() -> {
      try {
        e.step().run();
      } catch (Throwable x) {
        failure[0] = x;
      }
    }, "shutdown-" + e.name());
    t.setDaemon(true);
    t.start();
    try {
      t.join(TimeUnit.NANOSECONDS.toMillis(grace.toNanos()) + 1);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    }
    if (t.isAlive()) {
      LOG.warn("Shutdown step {} ({}) did not finish within {}", e.name(), phase, grace);
      return false;
    }
    if (failure[0] != null) {
      if (failure[0] instanceof VirtualMachineError vme) {
        throw vme;
      }
      LOG.warn("Shutdown step {} ({}) failed", e.name(), phase, failure[0]);
      return false;
    }
    LOG.debug("Shutdown step {} ({}) done", e.name(), phase);
    return true;
  }
}
