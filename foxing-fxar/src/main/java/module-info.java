// SPDX-License-Identifier: Apache-2.0
/**
 * FXAR v2 archives: {@link io.foxing.fxar.FxarWriter}, {@link io.foxing.fxar.FxarFile}, {@link
 * io.foxing.fxar.FxarStreamReader}, and whole trees through {@link io.foxing.fxar.Snapshots}.
 */
module io.foxing.fxar {
  requires static transitive org.jspecify; // the API's @Nullable: compile time only
  requires transitive io.foxing.api;
  requires io.foxing.merkle;
  requires io.foxing.posix;
  requires com.sun.jna;
  requires com.github.luben.zstd_jni;
  requires org.lz4.java;
  requires org.tukaani.xz;
  requires org.apache.commons.compress;

  exports io.foxing.fxar;
}
