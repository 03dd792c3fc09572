// SPDX-License-Identifier: Apache-2.0
package io.foxing.fxar;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.foxing.fxar.internal.EntryRecords;
import io.foxing.fxar.internal.In;
import io.foxing.fxar.internal.Index;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Archives come from anywhere: whatever the bytes, both readers either work or throw an {@link
 * FxarException} (damaged, foreign, other version); nothing else escapes, nothing hangs, and no
 * declared size is allocated before it is bounded. Runs its corpus in every {@code mvn verify};
 * {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class FxarFuzzTest {
  private static final int READ_LIMIT =
      1 << 20; // a fuzzed index may repeat one chunk a billion times

  @FuzzTest(maxDuration = "60s")
  void streamingReaderAcceptsOrRejectsCleanly(byte[] archive) throws IOException {
    try (FxarStreamReader r = new FxarStreamReader(new ByteArrayInputStream(archive))) {
      FxarStreamReader.Item item;
      while ((item = r.next()) != null) {
        if (item instanceof FxarStreamReader.Chunk c && !c.isReference()) {
          c.decode();
        }
      }
    } catch (FxarException expected) {
      // damaged or foreign input, named
    }
  }

  /**
   * Read on after damage, as import does: every call either returns or throws a named
   * FxarException, and the stream ends; each throw moves on by at least a byte, so the calls are
   * bounded by the input's length.
   */
  @FuzzTest(maxDuration = "60s")
  void streamingReaderGoesOnAfterDamageAndEnds(byte[] archive) throws IOException {
    try (FxarStreamReader r = new FxarStreamReader(new ByteArrayInputStream(archive))) {
      for (long calls = 0; ; calls++) {
        if (calls > 2L * archive.length + 16) {
          throw new AssertionError(
              "no end after " + calls + " calls on " + archive.length + " bytes");
        }
        try {
          if (r.next() == null) {
            return;
          }
        } catch (FxarException damaged) {
          // listed by import; the next call goes on after it
        }
      }
    } catch (FxarException foreign) {
      // not an FXAR archive at all (its header)
    }
  }

  /** The parsers behind the checksums, which mutated archives rarely reach: fed directly. */
  @FuzzTest(maxDuration = "60s")
  void entryRecordsAndIndexesAcceptOrRejectCleanly(byte[] data) {
    try {
      EntryRecords.read(new In(data, 0, data.length, 0, "entry record"));
    } catch (DamagedArchiveException expected) {
      // named
    }
    try {
      long declared = data.length >= 8 ? In.le(data, 0, 8) : 0;
      Index.decode(data, 0, 1L << 40, 1 << 21, declared);
    } catch (DamagedArchiveException expected) {
      // named
    }
  }

  @FuzzTest(maxDuration = "60s")
  void randomAccessReaderAcceptsOrRejectsCleanly(byte[] archive) throws IOException {
    try (FxarFile f = Archives.open(archive)) {
      f.stats();
      f.verify();
      long read = 0;
      for (FxarEntry e : f.entries()) {
        if (e.type() == FxarEntry.Type.FILE || e.type() == FxarEntry.Type.HARDLINK) {
          try (InputStream in = f.content(e)) {
            byte[] buf = new byte[8192];
            int n;
            while (read < READ_LIMIT && (n = in.read(buf)) > 0) {
              read += n;
            }
          } catch (FxarException expected) {
            // a damaged chunk: other entries may still read
          }
        }
      }
    } catch (FxarException expected) {
      // damaged or foreign input, named
    }
  }
}
