// SPDX-License-Identifier: Apache-2.0
package io.foxing.posix;

import java.io.IOException;

/**
 * Whether the native layer works here, asked once: {@link LibC} registers its natives when first
 * touched, and a JVM that cannot load JNA's library or reach libc would otherwise fail with a bare
 * {@link LinkageError} deep inside the first copy. Every entry point (a copy, an archive's tree
 * export or import, an event source) calls {@link #ensureAvailable} first and gets one line that
 * says what to do instead.
 */
public final class NativeSupport {
  private NativeSupport() {}

  private static final Throwable CAUSE = probe();

  private static Throwable probe() {
    String os = System.getProperty("os.name", "");
    if (!os.equals("Linux")) {
      return new UnsupportedOperationException("this is " + os + ", not Linux");
    }
    try {
      LibC.geteuid(); // registers the binding: fails here, once, if JNA cannot reach libc
      return null;
    } catch (LinkageError e) {
      return e;
    }
  }

  /** Whether libc can be called. */
  public static boolean isAvailable() {
    return CAUSE == null;
  }

  /** The one line that says what to do when libc cannot be called, or {@code null} when it can. */
  public static String problem() {
    return CAUSE == null ? null : message(CAUSE);
  }

  /** Throws an {@link IOException} whose message says what to do if libc cannot be called. */
  public static void ensureAvailable() throws IOException {
    if (CAUSE != null) {
      throw new IOException(message(CAUSE), CAUSE);
    }
  }

  private static String message(Throwable cause) {
    return "Foxing cannot call the C library ("
        + cause.getMessage()
        + "): it needs Linux on x86_64 or aarch64"
        + " with glibc; if JNA cannot unpack its native library, point -Djna.tmpdir at a writable directory"
        + " not mounted noexec, or -Djna.boot.library.path at JNA's linux-x86-64 (or linux-aarch64) directory";
  }
}
