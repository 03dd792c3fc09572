package io.foxing.api.spi;

import io.foxing.api.Copier;
import io.foxing.api.CopyOptions;
import java.io.IOException;
import java.net.URI;

/**
 * Makes copiers for targets that are not local paths, chosen by URI scheme ({@code nfs://...}).
 * Found through {@link java.util.ServiceLoader}; the CLI asks each provider in turn and uses the
 * first whose {@link #scheme()} matches. Implementations must be thread-safe.
 */
public interface TargetProvider {
  /** The URI scheme served, e.g. {@code nfs}. */
  String scheme();

  /**
   * Opens a copier for {@code target}.
   *
   * @throws IOException if the target cannot be reached; the message says what to check
   */
  Copier open(URI target, CopyOptions options) throws IOException;
}
