// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy;

import io.foxing.api.Copier;
import io.foxing.api.Copiers;
import io.foxing.api.CopyOptions;
import io.foxing.copy.testing.CopierContract;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;

/** The copier contract for local paths, opened through {@link Copiers} as an application does. */
class LocalCopierContractTest extends CopierContract {
  @BeforeEach
  void targetArea() throws Exception {
    Files.createDirectories(onDisk(""));
  }

  @Override
  protected Copier copier(String sub, CopyOptions options) throws Exception {
    return Copiers.open(onDisk(sub).toString(), options);
  }

  @Override
  protected Path onDisk(String sub) {
    return tmp.resolve("target").resolve(sub);
  }
}
