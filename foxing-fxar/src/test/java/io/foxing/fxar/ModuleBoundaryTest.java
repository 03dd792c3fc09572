// SPDX-License-Identifier: Apache-2.0
package io.foxing.fxar;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The archive module exports its API package only; format internals stay internal. */
class ModuleBoundaryTest {
  @Test
  void exportsOnlyTheApiPackage() throws Exception {
    Path classes =
        Path.of(FxarFile.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    ModuleDescriptor d;
    try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
      d = ModuleDescriptor.read(in);
    }
    assertEquals("io.foxing.fxar", d.name());
    Set<String> exports = new TreeSet<>();
    d.exports().forEach(e -> exports.add(e.source()));
    assertEquals(Set.of("io.foxing.fxar"), exports);
    // a backup tool that embeds FXAR gets the native layer, not the copy engine
    Set<String> requires = new TreeSet<>();
    d.requires().forEach(r -> requires.add(r.name()));
    assertEquals(
        Set.of(
            "java.base",
            "io.foxing.api",
            "io.foxing.merkle",
            "io.foxing.posix",
            "com.sun.jna",
            "com.github.luben.zstd_jni",
            "org.lz4.java",
            "org.tukaani.xz",
            "org.apache.commons.compress",
            "org.jspecify"),
        requires);
  }
}
