// SPDX-License-Identifier: Apache-2.0
/** BLAKE3 hashing: {@link io.foxing.merkle.Blake3}. */
module io.foxing.merkle {
  requires static transitive org.jspecify; // the API's @Nullable: compile time only
  requires static jdk.incubator.vector; // optional: used only when the JVM resolves it

  exports io.foxing.merkle;
}
