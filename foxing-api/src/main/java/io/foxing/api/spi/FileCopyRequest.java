// SPDX-License-Identifier: Apache-2.0
package io.foxing.api.spi;

/**
 * One regular file's contents to move between two open descriptors. The copier owns both
 * descriptors and applies metadata afterwards; a tier only moves bytes.
 *
 * @param sourceFd readable descriptor (tiers use explicit offsets)
 * @param targetFd writable descriptor of an empty file at offset 0
 * @param size bytes to copy (the source's size when it was opened)
 * @param sparse the source has holes (allocated blocks &lt; size); tiers must keep them
 * @param sourceDevice the source filesystem's device id
 * @param targetDevice the target filesystem's device id
 * @param path the file's path relative to the transfer root, for messages
 */
public record FileCopyRequest(
    int sourceFd,
    int targetFd,
    long size,
    boolean sparse,
    long sourceDevice,
    long targetDevice,
    String path) {

  /** Same device: reflink and copy_file_range can work. */
  public boolean sameFilesystem() {
    return sourceDevice == targetDevice;
  }
}
