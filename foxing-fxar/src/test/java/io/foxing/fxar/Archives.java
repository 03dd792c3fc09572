// SPDX-License-Identifier: Apache-2.0
package io.foxing.fxar;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

/** Test archives built in memory: entries and contents chosen by a seed. */
final class Archives {
  private Archives() {}

  static FxarEntry dir(String path) {
    return new FxarEntry(
        FxarEntry.Type.DIRECTORY,
        bytes(path),
        0755,
        0,
        0,
        1_700_000_000_123_456_789L,
        1_700_000_000_000_000_001L,
        0,
        0,
        null,
        List.of());
  }

  static FxarEntry file(String path, long size) {
    return new FxarEntry(
        FxarEntry.Type.FILE,
        bytes(path),
        0640,
        1000,
        1000,
        1_600_000_000_987_654_321L,
        1_600_000_000_000_000_000L,
        size,
        0,
        null,
        List.of(new FxarEntry.Xattr(bytes("user.k"), bytes("v"))));
  }

  static FxarEntry link(String path, FxarEntry.Type type, String target) {
    return new FxarEntry(
        type,
        bytes(path),
        0777,
        0,
        0,
        1_600_000_000_000_000_000L,
        1_600_000_000_000_000_000L,
        0,
        0,
        bytes(target),
        List.of());
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Path to content, in archive order; a tree with duplicates, a repeated block, empty and large
   * files.
   */
  static Map<String, byte[]> contents(long seed) {
    Random r = new Random(seed);
    Map<String, byte[]> files = new LinkedHashMap<>();
    byte[] shared = random(r, 300_000);
    files.put("d/empty", new byte[0]);
    files.put("d/one", new byte[] {42});
    files.put("d/small", random(r, 3000));
    files.put("d/shared-1", shared);
    files.put("d/shared-2", shared.clone());
    byte[] big = new byte[3 << 20];
    System.arraycopy(random(r, big.length), 0, big, 0, big.length);
    System.arraycopy(shared, 0, big, 1 << 20, shared.length); // a block the other files also hold
    files.put("d/e/big", big);
    files.put("d/e/zeros", new byte[5 << 20]);
    files.put("d/e/text", "hello fxar\n".repeat(20_000).getBytes(StandardCharsets.US_ASCII));
    return files;
  }

  /**
   * A channel yielding {@code size} pseudo-random bytes (fast: the tests are about the archive, not
   * the generator); {@code onRead} hears each read's count.
   */
  static java.nio.channels.ReadableByteChannel generated(
      long size, long seed, java.util.function.LongConsumer onRead) {
    java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
    return new java.nio.channels.ReadableByteChannel() {
      long left = size;

      @Override
      public int read(java.nio.ByteBuffer dst) {
        if (left == 0) {
          return -1;
        }
        int n = (int) Math.min(left, Math.min(dst.remaining(), 1 << 16));
        int i = 0;
        for (; i + 8 <= n; i += 8) {
          dst.putLong(r.nextLong());
        }
        for (; i < n; i++) {
          dst.put((byte) r.nextInt());
        }
        left -= n;
        onRead.accept(n);
        return n;
      }

      @Override
      public boolean isOpen() {
        return true;
      }

      @Override
      public void close() {}
    };
  }

  static byte[] random(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  /** Writes the root, the directories, the files, a symlink and a hard link. */
  static byte[] write(Map<String, byte[]> files, FxarOptions options) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (FxarWriter w = new FxarWriter(out, options)) {
      w.add(dir("."));
      w.add(dir("d"));
      boolean inner = false;
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        if (f.getKey().startsWith("d/e/") && !inner) {
          w.add(dir("d/e"));
          inner = true;
        }
        FxarEntry e = file(f.getKey(), f.getValue().length);
        if (f.getValue().length == 0) {
          w.add(e);
        } else {
          w.addFile(e, Channels.newChannel(new java.io.ByteArrayInputStream(f.getValue())));
        }
      }
      w.add(link("d/sym", FxarEntry.Type.SYMLINK, "e/big"));
      w.add(link("d/hard", FxarEntry.Type.HARDLINK, "d/small"));
      w.finish();
    }
    return out.toByteArray();
  }

  static FxarFile open(byte[] archive) throws IOException {
    return FxarFile.open(new SeekableInMemoryByteChannel(archive));
  }

  static byte[] read(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }

  static List<String> paths(List<FxarEntry> entries) {
    List<String> out = new ArrayList<>();
    entries.forEach(e -> out.add(e.pathString()));
    return out;
  }
}
