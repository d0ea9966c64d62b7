// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server;

/**
 * Ordered shutdown. On SIGTERM the runtime marks the process unhealthy, then runs every registered step of phase
 * {@link Phase#STOP_ACCEPTING} (close listeners), then {@link Phase#DRAIN} (flush queues into storage), then
 * {@link Phase#CLOSE} (close storage and thread pools); within a phase, in reverse order of registration.
 */
public interface Lifecycle {
  enum Phase {
    STOP_ACCEPTING,
    DRAIN,
    CLOSE
  }

  /** A shutdown step; it may block up to the runtime's grace period. */
  interface Step {
    void run() throws Exception;
  }

  void onShutdown(Phase phase, String name, Step step);
}
