// SPDX-License-Identifier: Apache-2.0
package io.foxing.api;

import io.foxing.api.spi.CopyEngine;
import io.foxing.api.spi.Target;
import io.foxing.api.spi.TargetProvider;
import java.io.IOException;
import java.net.URI;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;

/**
 * Opens a {@link Copier} for a target: a local path, or a URI ({@code nfs://host/export/dir})
 * served by the {@link TargetProvider} of its scheme. Every target goes through the same copy
 * engine ({@code io.foxing:foxing-copy}, which must be on the class or module path).
 *
 * <pre>{@code
 * Copier copier = Copiers.open("nfs://filer/export/backup", CopyOptions.builder().delete(true).build());
 * CopyReport report = copier.copy(List.of("/home/ann/"), CopyListener.NONE);
 * }</pre>
 */
public final class Copiers {
  private Copiers() {}

  /**
   * A copier into {@code target}.
   *
   * @throws UnsupportedOptionException if the target cannot honour an option (one line saying
   *     which)
   * @throws IllegalArgumentException if no provider serves the target's scheme
   * @throws IOException if a remote target cannot be reached
   */
  public static Copier open(String target, CopyOptions options) throws IOException {
    Target t = target(target, options);
    try {
      return engine().copier(t, options);
    } catch (RuntimeException e) {
      try {
        t.close();
      } catch (IOException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }

  /**
   * The target {@code target} names: a local path, or a URI served by the {@link TargetProvider} of
   * its scheme. The caller closes it.
   *
   * @throws IllegalArgumentException if no provider serves the target's scheme
   */
  public static Target target(String target, CopyOptions options) throws IOException {
    String scheme = scheme(target);
    if (scheme == null) {
      return engine().localTarget(target, options);
    }
    for (TargetProvider p :
        ServiceLoader.load(TargetProvider.class, Copiers.class.getClassLoader())) {
      if (p.scheme().equalsIgnoreCase(scheme)) {
        return p.open(URI.create(target), options);
      }
    }
    throw new IllegalArgumentException(
        target
            + ": no provider for "
            + scheme
            + ":// targets; give a local path, or put the module that serves "
            + scheme
            + ":// on the class path");
  }

  /**
   * The URI scheme of {@code target} ({@code nfs} for {@code nfs://...}), or null for a local path.
   */
  public static @Nullable String scheme(String target) {
    int colon = target.indexOf("://");
    return colon <= 0 || target.substring(0, colon).contains("/")
        ? null
        : target.substring(0, colon);
  }

  private static CopyEngine engine() {
    for (CopyEngine e : ServiceLoader.load(CopyEngine.class, Copiers.class.getClassLoader())) {
      return e;
    }
    throw new IllegalStateException(
        "no copy engine found: add io.foxing:foxing-copy to the class path");
  }
}
