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
    Path classes = Path.of(FxarFile.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    ModuleDescriptor d;
    try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
      d = ModuleDescriptor.read(in);
    }
    assertEquals("io.foxing.fxar", d.name());
    Set<String> exports = new TreeSet<>();
    d.exports().forEach(e -> exports.add(e.source()));
    assertEquals(Set.of("io.foxing.fxar"), exports);
  }
}
