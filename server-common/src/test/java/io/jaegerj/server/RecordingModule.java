// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server;

import io.jaegerj.config.Flag;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A module that records its lifecycle and what the admin health said during the drain. */
final class RecordingModule implements ServerModule {
  final List<String> events = new CopyOnWriteArrayList<>();
  final CountDownLatch startGate;
  volatile ServerContext context;
  volatile int adminPort;
  volatile int healthDuringDrain;

  RecordingModule(CountDownLatch startGate) {
    this.startGate = startGate;
  }

  @Override
  public List<Flag> flags() {
    return List.of(Flag.string("recording.name", "rec", "A module flag"));
  }

  @Override
  public void start(ServerContext ctx) throws Exception {
    context = ctx;
    if (!startGate.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("start gate never opened");
    }
    ctx.meters().counter("jaeger_test_module_events").increment();
    ctx.meters().timer("jaeger_test_module_latency").record(Duration.ofMillis(3));
    ctx.lifecycle().onShutdown(Lifecycle.Phase.CLOSE, "module-close", () -> events.add("close"));
    ctx.lifecycle().onShutdown(Lifecycle.Phase.DRAIN, "module-drain", () -> {
      events.add("drain");
      healthDuringDrain = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/")).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    });
    ctx.lifecycle().onShutdown(Lifecycle.Phase.STOP_ACCEPTING, "listener-1", () -> events.add("stop-1"));
    ctx.lifecycle().onShutdown(Lifecycle.Phase.STOP_ACCEPTING, "listener-2", () -> events.add("stop-2"));
    events.add("started");
  }
}
