package io.foxing.nfs.internal;

import io.foxing.api.Copier;
import io.foxing.api.CopyOptions;
import io.foxing.api.spi.TargetProvider;
import io.foxing.nfs.NfsOptions;
import java.io.IOException;
import java.net.URI;

/** {@code nfs://HOST[:PORT]/export/dir} targets for {@code fxcp}: the directory is created if missing. */
public final class NfsTargetProvider implements TargetProvider {
  @Override
  public String scheme() {
    return "nfs";
  }

  @Override
  public Copier open(URI target, CopyOptions options) throws IOException {
    if (options.checksum()) {
      throw new IllegalArgumentException(target + ": --checksum is not supported for nfs:// targets (it would read every file back); drop it");
    }
    if (options.generateSignatures()) {
      throw new IllegalArgumentException(target + ": --generate-sigs needs extended attributes, which nfs:// targets do not carry; drop it");
    }
    // the local engine's planner knows these; this target's own loop does not yet (issue 14): refused, never ignored
    String unsupported = options.update() ? "--update" : options.ignoreExisting() ? "--ignore-existing"
        : options.existingOnly() ? "--existing" : options.sizeOnly() ? "--size-only" : options.ignoreTimes() ? "--ignore-times"
        : !options.modifyWindow().isZero() ? "--modify-window" : options.deleteExcluded() ? "--delete-excluded"
        : options.maxDelete() >= 0 ? "--max-delete" : options.fsync() ? "--fsync" : options.mkpath() ? "--mkpath"
        : options.oneFileSystem() ? "--one-file-system" : null;
    if (unsupported != null) {
      throw new IllegalArgumentException(target + ": " + unsupported + " is not supported for nfs:// targets yet; drop it");
    }
    NfsOptions.Builder b = NfsOptions.builder();
    if (options.threads() > 0) {
      b.sessions(Math.min(64, Math.max(1, options.threads() / 4)));
    }
    return new NfsCopier(new Remote(target, b.build(), !options.dryRun()), target, options);
  }
}
