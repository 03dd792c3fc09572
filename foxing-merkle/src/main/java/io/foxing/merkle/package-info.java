// SPDX-License-Identifier: Apache-2.0
/**
 * BLAKE3 hashing ({@link io.foxing.merkle.Blake3}) and per-file Merkle signatures ({@link
 * io.foxing.merkle.FileSignature}), kept beside their files by {@link
 * io.foxing.merkle.SignatureStore}.
 */
@NullMarked
package io.foxing.merkle;

import org.jspecify.annotations.NullMarked;
