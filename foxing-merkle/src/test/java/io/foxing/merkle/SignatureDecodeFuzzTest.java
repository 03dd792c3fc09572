// SPDX-License-Identifier: Apache-2.0
package io.foxing.merkle;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Stored signatures come from disks we do not control: decoding anything gives a signature or a
 * SignatureException.
 */
class SignatureDecodeFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void anyBytesDecodeOrAreRejected(FuzzedDataProvider data) {
    byte[] b = data.consumeRemainingAsBytes();
    if (b.length >= 5 && data.consumeBoolean()) {
      // steer towards the interesting part: a valid magic and version
      b[0] = 'F';
      b[1] = 'X';
      b[2] = 'S';
      b[3] = 'G';
      b[4] = 1;
    }
    try {
      FileSignature s = FileSignature.decode(b);
      s.encode();
    } catch (SignatureException expected) {
      // rejected with a message
    }
  }
}
