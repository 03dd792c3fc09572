// SPDX-License-Identifier: Apache-2.0
package io.foxing.cli;

import java.lang.reflect.Proxy;

/**
 * Signal handlers for the daemon: SIGTERM and Ctrl-C end {@code foxingd sync --watch} with exit 0
 * after the batches in flight, where the JVM's own handling would exit 143 at once.
 *
 * <p>{@code sun.misc.Signal} is the JDK's only API for this, exported by {@code jdk.unsupported}
 * for exactly such uses. It is reached by reflection because javac, compiling with {@code
 * --release}, calls every use of it proprietary with a warning no lint key turns off, and the build
 * treats warnings as errors.
 */
final class Signals {
  private Signals() {}

  /** Runs {@code action} (on a JVM signal thread) each time one of the named signals arrives. */
  static void on(Runnable action, String... names) {
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handler = Class.forName("sun.misc.SignalHandler");
      Object h =
          Proxy.newProxyInstance(
              Signals.class.getClassLoader(),
              new Class<?>[] {handler},
              (proxy, method, args) -> {
                if (method.getName().equals("handle")) {
                  action.run();
                  return null;
                }
                return switch (method.getName()) {
                  case "hashCode" -> System.identityHashCode(proxy);
                  case "equals" -> proxy == args[0];
                  default -> "foxingd signal handler";
                };
              });
      for (String name : names) {
        signal
            .getMethod("handle", signal, handler)
            .invoke(null, signal.getConstructor(String.class).newInstance(name), h);
      }
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          "cannot handle signals " + String.join(", ", names) + ": " + e, e);
    }
  }
}
