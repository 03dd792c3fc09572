// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The public surface is what module-info exports, and nothing under internal. */
class ModuleBoundaryTest {
  /** The descriptor compiled beside the class (a directory or a jar on the test class path). */
  private static ModuleDescriptor descriptor(Class<?> anyClassOfTheModule) throws Exception {
    java.nio.file.Path where =
        java.nio.file.Path.of(
            anyClassOfTheModule.getProtectionDomain().getCodeSource().getLocation().toURI());
    if (java.nio.file.Files.isDirectory(where)) {
      try (InputStream in =
          java.nio.file.Files.newInputStream(where.resolve("module-info.class"))) {
        return ModuleDescriptor.read(in);
      }
    }
    try (java.util.jar.JarFile jar = new java.util.jar.JarFile(where.toFile());
        InputStream in = jar.getInputStream(jar.getEntry("module-info.class"))) {
      return ModuleDescriptor.read(in);
    }
  }

  private static Set<String> exports(ModuleDescriptor d) {
    Set<String> out = new TreeSet<>();
    d.exports()
        .forEach(
            e ->
                out.add(e.source() + (e.isQualified() ? " to " + new TreeSet<>(e.targets()) : "")));
    return out;
  }

  @Test
  void copyModuleExportsOnlyItsApiPackages() throws Exception {
    ModuleDescriptor d = descriptor(SmartCopier.class);
    assertEquals("io.foxing.copy", d.name());
    // the internals are shared with the command lines only (the governor and the storage stack they
    // show); the native layer is foxing-posix's, so the archive module no longer reads this one
    assertEquals(
        Set.of(
            "io.foxing.copy",
            "io.foxing.copy.mirror",
            "io.foxing.copy.internal to [io.foxing.cli]"),
        exports(d));
    assertTrue(d.requires().stream().anyMatch(r -> r.name().equals("io.foxing.posix")));
    assertEquals(Set.of("io.foxing.api.spi.CopyTier"), d.uses());
    assertEquals(
        4,
        d.provides().stream()
            .filter(p -> p.service().equals("io.foxing.api.spi.CopyTier"))
            .findFirst()
            .orElseThrow()
            .providers()
            .size(),
        "the four built-in tiers");
    assertTrue(
        d.provides().stream().anyMatch(p -> p.service().equals("io.foxing.api.spi.CopyEngine")),
        "the engine, for Copiers");
  }

  @Test
  void apiModuleHasNoDependenciesBeyondTheJdk() throws Exception {
    ModuleDescriptor d = descriptor(io.foxing.api.CopyOptions.class);
    assertEquals(Set.of("io.foxing.api", "io.foxing.api.spi", "io.foxing.api.events"), exports(d));
    Set<String> requires = new TreeSet<>();
    d.requires()
        .forEach(
            r ->
                requires.add(
                    r.name()
                        + (r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC)
                            ? " (static)"
                            : "")));
    // JSpecify's annotations are read by compilers and checkers only: nothing at run time
    assertEquals(Set.of("java.base", "org.jspecify (static)"), requires);
  }
}
