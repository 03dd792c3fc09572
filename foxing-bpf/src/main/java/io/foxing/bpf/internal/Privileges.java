package io.foxing.bpf.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The effective capabilities of this process, read from {@code /proc/self/status}. */
final class Privileges {
  static final int CAP_DAC_READ_SEARCH = 2;
  static final int CAP_SYS_ADMIN = 21;
  static final int CAP_PERFMON = 38;
  static final int CAP_BPF = 39;

  private Privileges() {}

  static boolean has(int capability) {
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
