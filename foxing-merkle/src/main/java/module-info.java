/** BLAKE3 hashing: {@link io.foxing.merkle.Blake3}. */
module io.foxing.merkle {
  requires transitive io.foxing.api;

  exports io.foxing.merkle;
}
