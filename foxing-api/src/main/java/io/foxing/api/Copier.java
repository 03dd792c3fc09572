// SPDX-License-Identifier: Apache-2.0
package io.foxing.api;

import java.io.IOException;
import java.util.List;

/**
 * Copies source trees to one target. {@code foxing-copy}'s {@code SmartCopier} is the local
 * implementation; other targets (NFS) come from a {@link io.foxing.api.spi.TargetProvider}.
 *
 * <p>Source semantics follow rsync: a source path that ends with {@code /} copies the directory's
 * contents into the target; without it the directory itself is created inside the target.
 */
public interface Copier {
  /**
   * Copies every source into the target and reports what happened. Failures of single entries are
   * collected in the report, not thrown. The listener is {@link CopyListener#guarded guarded}: an
   * exception it throws is logged and changes nothing. Interrupting the calling thread cancels the
   * copy: nothing new starts, work in flight finishes, and the report's status is {@link
   * CopyReport.Status#CANCELLED} (the thread's interrupt flag is set again on return).
   *
   * @param sources paths as the user wrote them (the trailing {@code /} matters)
   * @throws IOException if nothing could start: the target cannot be created or opened
   */
  CopyReport copy(List<String> sources, CopyListener listener) throws IOException;
}
