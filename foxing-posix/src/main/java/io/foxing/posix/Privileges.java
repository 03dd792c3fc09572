// SPDX-License-Identifier: Apache-2.0
package io.foxing.posix;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What this process may do, from its effective capabilities in {@code /proc/self/status}: the one
 * privilege check of the house (the copy engine, the archive import and the event sources ask
 * here).
 */
public final class Privileges {
  public static final int CAP_CHOWN = 0;
  public static final int CAP_DAC_READ_SEARCH = 2;
  public static final int CAP_SYS_ADMIN = 21;
  public static final int CAP_PERFMON = 38;
  public static final int CAP_BPF = 39;

  private Privileges() {}

  private static final boolean CAN_CHOWN = LibC.geteuid() == 0 && has(CAP_CHOWN);

  /**
   * Whether files may be given to other owners: root that still holds {@code CAP_CHOWN} (a unit or
   * container may drop it from root). Only root: the metadata writer counts on new files being
   * root's, and on changing modes and times after a chown (CAP_FOWNER). Asked once: capabilities do
   * not grow at run time.
   */
  public static boolean canChown() {
    return CAN_CHOWN;
  }

  public static boolean has(int capability) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("CapEff:")) {
          long caps = Long.parseUnsignedLong(line.substring(7).trim(), 16);
          return (caps & (1L << capability)) != 0;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return false;
    }
    return false;
  }
}
