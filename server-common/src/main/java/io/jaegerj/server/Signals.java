// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles SIGTERM and SIGINT so that a graceful stop ends with exit code 0 (a JVM stopped by a signal through
 * shutdown hooks alone exits 143). Uses {@code sun.misc.Signal} (module jdk.unsupported) reflectively, and falls
 * back to the shutdown hook where it is missing or a signal cannot be handled.
 */
final class Signals {
  private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

  private Signals() {}

  static void onTermination(Runnable action) {
    Class<?> signalClass;
    Class<?> handlerClass;
    Constructor<?> newSignal;
    Method handle;
    try {
      signalClass = Class.forName("sun.misc.Signal");
      handlerClass = Class.forName("sun.misc.SignalHandler");
      newSignal = signalClass.getConstructor(String.class);
      handle = signalClass.getMethod("handle", signalClass, handlerClass);
    } catch (ReflectiveOperationException e) {
      LOG.debug("No signal API; relying on the shutdown hook", e);
      return;
    }
    for (String name : new String[] {"TERM", "INT"}) {
      Object handler = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handlerClass},
          (proxy, method, args) -> {
            if (method.getName().equals("handle")) {
              LOG.info("Received signal SIG{}, shutting down", name);
              action.run();
              return null;
            }
            if (method.getName().equals("equals")) {
              return proxy == args[0];
            }
            if (method.getName().equals("hashCode")) {
              return System.identityHashCode(proxy);
            }
            return "SignalHandler(SIG" + name + ")";
          });
      try {
        handle.invoke(null, newSignal.newInstance(name), handler);
      } catch (ReflectiveOperationException | RuntimeException e) {
        LOG.debug("Cannot handle SIG{}; relying on the shutdown hook", name, e);
      }
    }
  }
}
