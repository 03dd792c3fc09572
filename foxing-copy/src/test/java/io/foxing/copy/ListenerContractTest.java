package io.foxing.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foxing.api.CopyListener;
import io.foxing.api.CopyMethod;
import io.foxing.api.CopyOptions;
import io.foxing.api.CopyReport;
import io.foxing.api.spi.CopyTier;
import io.foxing.copy.internal.ReflinkTier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a listener can rely on, and the tier kill switch. */
class ListenerContractTest {
  @TempDir Path tmp;

  /** Records events per path and checks their order as they arrive. */
  static final class Recorder extends CopyListener {
    final AtomicInteger starts = new AtomicInteger();
    final AtomicInteger ends = new AtomicInteger();
    final Map<String, String> state = new ConcurrentHashMap<>();
    final List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
    volatile CopyReport end;

    @Override
    public void copyStart(List<Path> sources, String target, CopyOptions options) {
      starts.incrementAndGet();
    }

    @Override
    public void fileStart(String path, long size) {
      if (state.put(path, "started") != null) {
        errors.add("second start for " + path);
      }
    }

    @Override
    public void fileEnd(String path, long bytes, String tier) {
      if (!"started".equals(state.put(path, "ended"))) {
        errors.add("end without start for " + path);
      }
    }

    @Override
    public void fileFailed(String path, Exception cause) {
      String before = state.put(path, "failed");
      if (before != null && !before.equals("started")) {
        errors.add("failed after " + before + " for " + path);
      }
    }

    @Override
    public void copyEnd(CopyReport report) {
      ends.incrementAndGet();
      end = report;
    }
  }

  @Test
  void everyStartedFileEndsOrFailsExactlyOnceAndTheRunIsBracketed() throws IOException {
    Path src = tmp.resolve("src");
    Files.createDirectories(src.resolve("d"));
    for (int i = 0; i < 200; i++) {
      Files.writeString(src.resolve((i % 2 == 0 ? "d/" : "") + "f" + i), "x".repeat(i));
    }
    Recorder r = new Recorder();
    CopyReport report = SmartCopier.to(tmp.resolve("dst").toString(), CopyOptions.archive()).copy(List.of(src + "/"), r);
    assertEquals(List.of(), r.errors);
    assertEquals(1, r.starts.get());
    assertEquals(1, r.ends.get());
    assertEquals(report, r.end);
    assertEquals(200, r.state.values().stream().filter("ended"::equals).count(), "every file, the empty one too");
  }

  @Test
  void aRunThatCannotStartThrowsWithoutEvents() {
    Recorder r = new Recorder();
    Path target = Paths.get("/proc/no-such-dir/target");
    org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
        () -> SmartCopier.to(target + "/", CopyOptions.archive()).copy(List.of("/etc/hostname", "/etc/hosts"), r));
    assertEquals(0, r.starts.get());
    assertEquals(0, r.ends.get());
  }

  @Test
  void aTierCanBeSwitchedOffByItsProperty() {
    System.setProperty("foxing.tier.reflink.disable", "true");
    try {
      CopyTier t = new ReflinkTier();
      assertTrue(!t.isAvailable());
      assertTrue(t.unavailabilityCause().getMessage().contains("-Dfoxing.tier.reflink.disable=true"), t.unavailabilityCause().getMessage());
      assertEquals(CopyMethod.REFLINK, t.method());
    } finally {
      System.clearProperty("foxing.tier.reflink.disable");
    }
  }
}
