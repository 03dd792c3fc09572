// SPDX-License-Identifier: Apache-2.0
package io.foxing.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * foxing-bpf exports its three sources only, depends on foxing-api (not the copy engine), and
 * provides them as services.
 */
class ModuleBoundaryTest {
  @Test
  void exportsTheSourcesAndDependsOnlyOnTheApiAndTheNativeLayer() throws Exception {
    Path classes =
        Path.of(BpfEventSource.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    ModuleDescriptor d;
    try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
      d = ModuleDescriptor.read(in);
    }
    Set<String> exports = new TreeSet<>();
    d.exports().forEach(e -> exports.add(e.source()));
    assertEquals(Set.of("io.foxing.bpf"), exports);
    Set<String> requires = new TreeSet<>();
    d.requires().forEach(r -> requires.add(r.name()));
    assertEquals(
        Set.of("java.base", "io.foxing.api", "io.foxing.posix", "com.sun.jna", "org.jspecify"),
        requires); // one libc binding, posix's
    assertEquals(3, d.provides().iterator().next().providers().size(), "bpf, fanotify, inotify");
  }
}
