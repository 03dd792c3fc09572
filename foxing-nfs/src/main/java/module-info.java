// SPDX-License-Identifier: Apache-2.0
/**
 * A user-space NFSv4.1/4.2 client ({@link io.foxing.nfs.NfsClient}) and the {@code nfs://} copy
 * target that lets {@code fxcp} write to an NFS export without a kernel mount.
 */
module io.foxing.nfs {
  requires static transitive org.jspecify; // the API's @Nullable: compile time only
  requires transitive io.foxing.api;
  requires org.slf4j;

  exports io.foxing.nfs;

  provides io.foxing.api.spi.TargetProvider with
      io.foxing.nfs.internal.NfsTargetProvider;
}
