// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.foxing.api.CopyListener;
import io.foxing.api.CopyReport;
import io.foxing.api.CopyReport.FailureKind;
import io.foxing.posix.Posix;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A failure's kind and errno come from the failed system call, also when a message of ours wraps
 * it.
 */
class FailureKindTest {
  @Test
  void kindsFollowTheErrnoEvenThroughAWrappingMessage() {
    assertEquals(FailureKind.NO_SPACE, Counters.kind(Posix.error("write", "f", Posix.ENOSPC)));
    assertEquals(FailureKind.NOT_FOUND, Counters.kind(Posix.error("open", "f", Posix.ENOENT)));
    assertEquals(FailureKind.RETRYABLE, Counters.kind(Posix.error("read", "f", Posix.EAGAIN)));
    assertEquals(
        FailureKind.PERMISSION,
        Counters.kind(new IOException("too deep", Posix.error("open", "d", Posix.EACCES))));
    assertEquals(FailureKind.UNSUPPORTED, Counters.kind(Posix.error("link", "f", Posix.EXDEV)));
    assertEquals(
        FailureKind.RETRYABLE,
        Counters.kind(new TreeCopy.SourceChanged("f: file changed as we read it")));
    assertEquals(FailureKind.OTHER, Counters.kind(new IOException("no errno here")));
  }

  @Test
  void aWrappedSystemCallStillNamesItsErrno() {
    Counters c = new Counters(CopyListener.NONE);
    c.failure("d", new IOException("d: too deep to copy", Posix.error("open", "d", Posix.EMFILE)));
    c.failure("e", new IOException("plain"));
    CopyReport r = c.report(Duration.ZERO, false, false);
    assertEquals("EMFILE", r.failures().get(0).errno());
    assertEquals(null, r.failures().get(1).errno());
  }
}
