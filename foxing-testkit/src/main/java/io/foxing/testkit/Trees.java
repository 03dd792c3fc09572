// SPDX-License-Identifier: Apache-2.0
package io.foxing.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Builds test trees with the standard tools, from the scripts in the test resources. */
public final class Trees {
  private Trees() {}

  /**
   * Every file type, sparse files, hard links, xattrs, ACLs, odd names, owners, ns times (needs
   * root).
   */
  public static void adversarial(Path dir) {
    Prerequisites.requireRoot("owners, devices and trusted xattrs in the adversarial tree");
    for (String tool : new String[] {"setfattr", "setfacl", "mkfifo", "mknod", "python3"}) {
      Prerequisites.requireCommand(tool);
    }
    Shell.run("bash", script("adversarial-tree.sh").toString(), dir.toString()).check();
  }

  private static Path script(String name) {
    try (InputStream in = Trees.class.getResourceAsStream(name)) {
      Path tmp = Files.createTempFile("foxing-", "-" + name);
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      tmp.toFile().deleteOnExit();
      return tmp;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
