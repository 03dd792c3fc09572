// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.foxing.merkle.SignatureStore;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The native layer keeps the names of our own xattrs (it must never copy them) without knowing the
 * signature store: the name it keeps must be the one the store writes under {@code user.}.
 */
class OwnXattrsTest {
  @Test
  void theSignatureNameIsTheStoresName() {
    assertArrayEquals(
        ("user." + SignatureStore.XATTR + "\0").getBytes(StandardCharsets.US_ASCII),
        Signatures.XATTR);
  }
}
