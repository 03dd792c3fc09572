// SPDX-License-Identifier: Apache-2.0
package io.foxing.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Each library module's public API (every public type in its unqualified exports, with its public
 * and protected members) is written down in {@code src/test/resources/api/MODULE.txt} and compared
 * here: a change to what embedders can call is made on purpose, in the same commit as the dump. To
 * accept a change: {@code mvn test -pl foxing-cli -Dtest=PublicApiTest -Dfoxing.api.update=true}.
 */
class PublicApiTest {
  private static final List<String> MODULES =
      List.of(
          "io.foxing.api",
          "io.foxing.merkle",
          "io.foxing.copy",
          "io.foxing.fxar",
          "io.foxing.nfs",
          "io.foxing.bpf");
  private static final Path DUMPS = Path.of("src/test/resources/api");

  @Test
  void everyLibraryModulesPublicApiIsTheOneWrittenDown() throws Exception {
    Map<String, List<String>> apis = apis();
    assertEquals(
        MODULES,
        List.copyOf(apis.keySet()).stream()
            .sorted(java.util.Comparator.comparingInt(MODULES::indexOf))
            .toList(),
        "every library module found on the class path");
    List<String> changed = new ArrayList<>();
    for (Map.Entry<String, List<String>> m : apis.entrySet()) {
      Path dump = DUMPS.resolve(m.getKey() + ".txt");
      String now = String.join("\n", m.getValue()) + "\n";
      if (Boolean.getBoolean("foxing.api.update")) {
        Files.createDirectories(DUMPS);
        Files.writeString(dump, now);
        continue;
      }
      String before = Files.exists(dump) ? Files.readString(dump) : "";
      if (!before.equals(now)) {
        changed.add(m.getKey() + ": " + difference(before, now));
      }
    }
    assertEquals(
        List.of(),
        changed,
        "the public API changed; if on purpose, update the dumps (see this class's comment)");
  }

  /** Lines only in one of the two, marked - (gone) and + (new). */
  private static String difference(String before, String now) {
    List<String> a = before.lines().toList();
    List<String> b = now.lines().toList();
    List<String> out = new ArrayList<>();
    a.stream().filter(l -> !b.contains(l)).forEach(l -> out.add("- " + l));
    b.stream().filter(l -> !a.contains(l)).forEach(l -> out.add("+ " + l));
    return out.toString();
  }

  private static Map<String, List<String>> apis() throws IOException, ClassNotFoundException {
    Map<String, List<String>> out = new TreeMap<>();
    ClassLoader loader = PublicApiTest.class.getClassLoader();
    for (URL url : Collections.list(loader.getResources("module-info.class"))) {
      ModuleDescriptor d;
      try (InputStream in = url.openStream()) {
        d = ModuleDescriptor.read(in);
      }
      if (!MODULES.contains(d.name())) {
        continue;
      }
      List<String> lines = new ArrayList<>();
      for (String pkg :
          d.exports().stream()
              .filter(e -> !e.isQualified())
              .map(ModuleDescriptor.Exports::source)
              .sorted()
              .toList()) {
        for (String cls : classesIn(url, pkg)) {
          Class<?> c =
              Class.forName(
                  cls, false, loader); // no static initialisers: no native code loads here
          if (Modifier.isPublic(c.getModifiers())
              && (c.getEnclosingClass() == null || isVisible(c))) {
            describe(c, lines);
          }
        }
      }
      out.put(d.name(), lines);
    }
    return out;
  }

  private static boolean isVisible(Class<?> c) {
    for (Class<?> e = c; e != null; e = e.getEnclosingClass()) {
      if (!Modifier.isPublic(e.getModifiers())) {
        return false;
      }
    }
    return true;
  }

  /**
   * Class names in package {@code pkg} of the module whose module-info.class is at {@code url} (a
   * jar or a directory).
   */
  private static List<String> classesIn(URL url, String pkg) throws IOException {
    String dir = pkg.replace('.', '/') + "/";
    List<String> names = new ArrayList<>();
    String u = url.toString();
    if (u.startsWith("jar:")) {
      String jar = u.substring("jar:file:".length(), u.indexOf("!/"));
      try (JarFile j = new JarFile(java.net.URLDecoder.decode(jar, StandardCharsets.UTF_8))) {
        j.stream()
            .map(e -> e.getName())
            .filter(
                n -> n.startsWith(dir) && n.endsWith(".class") && n.indexOf('/', dir.length()) < 0)
            .forEach(n -> names.add(n.substring(0, n.length() - 6).replace('/', '.')));
      }
    } else {
      Path root = Path.of(java.net.URI.create(u)).getParent().resolve(dir);
      try (Stream<Path> s = Files.list(root)) {
        s.map(p -> p.getFileName().toString())
            .filter(n -> n.endsWith(".class"))
            .forEach(n -> names.add(pkg + "." + n.substring(0, n.length() - 6)));
      }
    }
    Collections.sort(names);
    return names;
  }

  private static void describe(Class<?> c, List<String> lines) {
    String type =
        c.isAnnotation()
            ? "@interface"
            : c.isInterface()
                ? "interface"
                : c.isEnum() ? "enum" : c.isRecord() ? "record" : "class";
    String name = c.getName();
    lines.add(
        type
            + " "
            + name
            + modifiers(c.getModifiers() & ~Modifier.INTERFACE & ~Modifier.PUBLIC)
            + (c.getSuperclass() != null
                    && c.getSuperclass() != Object.class
                    && !c.isEnum()
                    && !c.isRecord()
                ? " extends " + c.getSuperclass().getName()
                : "")
            + (c.getInterfaces().length > 0
                ? " implements "
                    + String.join(
                        ", ",
                        Arrays.stream(c.getInterfaces()).map(Class::getName).sorted().toList())
                : ""));
    List<String> members = new ArrayList<>();
    for (Field f : c.getDeclaredFields()) {
      if (visible(f.getModifiers()) && !f.isSynthetic()) {
        members.add(
            "  field "
                + f.getName()
                + ": "
                + f.getGenericType().getTypeName()
                + modifiers(f.getModifiers()));
      }
    }
    for (Constructor<?> k : c.getDeclaredConstructors()) {
      if (visible(k.getModifiers()) && !k.isSynthetic()) {
        members.add(
            "  new(" + params(k.getGenericParameterTypes()) + ")" + modifiers(k.getModifiers()));
      }
    }
    for (Method m : c.getDeclaredMethods()) {
      if (visible(m.getModifiers()) && !m.isSynthetic() && !m.isBridge()) {
        members.add(
            "  "
                + m.getName()
                + "("
                + params(m.getGenericParameterTypes())
                + "): "
                + m.getGenericReturnType().getTypeName()
                + modifiers(m.getModifiers() & ~Modifier.ABSTRACT)
                + (m.getExceptionTypes().length > 0
                    ? " throws "
                        + String.join(
                            ", ",
                            Arrays.stream(m.getExceptionTypes())
                                .map(Class::getName)
                                .sorted()
                                .toList())
                    : ""));
      }
    }
    Collections.sort(members);
    lines.addAll(members);
  }

  private static boolean visible(int mod) {
    return Modifier.isPublic(mod) || Modifier.isProtected(mod);
  }

  private static String params(java.lang.reflect.Type[] types) {
    return String.join(
        ", ", Arrays.stream(types).map(java.lang.reflect.Type::getTypeName).toList());
  }

  private static String modifiers(int mod) {
    List<String> m = new ArrayList<>();
    if (Modifier.isProtected(mod)) {
      m.add("protected");
    }
    if (Modifier.isStatic(mod)) {
      m.add("static");
    }
    if (Modifier.isFinal(mod)) {
      m.add("final");
    }
    if (Modifier.isAbstract(mod)) {
      m.add("abstract");
    }
    return m.isEmpty() ? "" : " [" + String.join(" ", m) + "]";
  }

  @Test
  void theDumpsAreReadableFiles() throws IOException {
    for (String m : MODULES) {
      assertTrue(
          Files.isRegularFile(DUMPS.resolve(m + ".txt")),
          m + ": no dump; see this class's comment");
    }
  }
}
