// SPDX-License-Identifier: Apache-2.0
/**
 * The one native layer of the house: the raw libc binding ({@link io.foxing.posix.LibC}), the
 * facade that turns errno into typed exceptions ({@link io.foxing.posix.Posix}), names as bytes,
 * the temporary-name scheme, the metadata writer, atomic publishing, privileges and the native
 * availability check. Not an API: exported to the sibling modules only.
 */
module io.foxing.posix {
  requires transitive io.foxing.api;
  requires com.sun.jna;

  exports io.foxing.posix to
      io.foxing.copy,
      io.foxing.fxar,
      io.foxing.bpf,
      io.foxing.cli;
}
