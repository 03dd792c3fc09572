// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy.internal;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Any line of /proc/self/mountinfo (a later kernel's, or damaged) is read or rejected with an
 * IOException naming it.
 */
class MountinfoFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void anyLineParsesOrIsRejected(FuzzedDataProvider data) {
    String text = data.consumeRemainingAsString();
    for (String line : text.split("\n")) {
      try {
        StorageStack.Mount m = StorageStack.parse(line);
        if (m != null && !m.mountPoint().startsWith("/")) {
          throw new IllegalStateException("a mount point that is not absolute: " + m);
        }
      } catch (IOException expected) {
        if (!expected.getMessage().startsWith("not a mountinfo line: ")) {
          throw new IllegalStateException("a rejection must say what it rejects", expected);
        }
      }
    }
    try {
      StorageStack.mountOf(Path.of("/a/b"), text);
    } catch (IOException expected) {
      // no mount holds it, or a line was rejected
    }
  }
}
