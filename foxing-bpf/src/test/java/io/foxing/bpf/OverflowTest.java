package io.foxing.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foxing.api.events.EventOptions;
import io.foxing.api.events.EventStream;
import io.foxing.api.events.FileEvent;
import io.foxing.copy.testing.Prerequisites;
import io.foxing.copy.testing.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A consumer that does not keep up: the small queue fills, the reader waits, the kernel's buffer
 * fills, and what it drops comes out as an OVERFLOW naming the root with a count, never silently;
 * capture goes on afterwards.
 */
class OverflowTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"bpf", "fanotify", "inotify"})
  void aSlowConsumerGetsAnOverflowAndCaptureGoesOn(String name) throws Exception {
    var source = io.foxing.bpf.testing.Sources.require(name);
    Prerequisites.requireCommand("python3");
    Path root = Files.createDirectories(tmp.resolve("root")).toRealPath();
    EventOptions options = EventOptions.builder().queueCapacity(16).kernelBufferBytes(16 * 1024).build();
    try (EventStream stream = source.open(root, options)) {
      // 30,000 creates while nobody reads: 60,000 events against a 16-event queue and small kernel buffers
      Shell.run("python3", "-c", "import os, sys\nfor i in range(30000): os.close(os.open(sys.argv[1] + '/f%d' % i, os.O_CREAT | os.O_WRONLY))",
          root.toString()).check();
      FileEvent overflow = null;
      int events = 0;
      for (FileEvent e; (e = stream.poll(2, TimeUnit.SECONDS)) != null; events++) {
        if (e.kind() == FileEvent.Kind.OVERFLOW && overflow == null) {
          overflow = e;
        }
      }
      assertNotNull(overflow, name + ": no OVERFLOW after " + events + " events");
      assertEquals(root, overflow.path());
      assertTrue(overflow.detail().contains("lost"), overflow.detail());
      assertTrue(stream.lost() > 0, "lost() counts what was dropped");

      Shell.run("touch", root.resolve("after").toString()).check();   // another process: bpf leaves out our own
      FileEvent next = stream.poll(10, TimeUnit.SECONDS);
      while (next != null && !next.path().equals(root.resolve("after"))) {
        next = stream.poll(10, TimeUnit.SECONDS);
      }
      assertNotNull(next, name + ": capture stopped after the overflow");
    }
  }
}
