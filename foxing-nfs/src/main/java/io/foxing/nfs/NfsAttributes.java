// SPDX-License-Identifier: Apache-2.0
package io.foxing.nfs;

/**
 * What the server says about a file (from GETATTR or READDIR). Owners are numeric when the server
 * sends numeric owner strings (ganesha: {@code Only_Numeric_Owners = true}); otherwise {@link
 * #uid()}/{@link #gid()} are -1 and {@link #owner()}/{@link #group()} hold the names.
 *
 * @param type the file type
 * @param size bytes
 * @param mode permission bits including set-id and sticky ({@code 07777})
 * @param uid numeric owner or -1
 * @param gid numeric group or -1
 * @param owner the owner string as sent ({@code "1000"} or {@code "alice@example.org"})
 * @param group the group string as sent
 * @param mtimeNanos modification time, nanoseconds since the epoch
 * @param atimeNanos access time, nanoseconds since the epoch
 * @param ctimeNanos metadata change time, nanoseconds since the epoch
 * @param fileId the server's inode number (equal for hard links)
 * @param links number of hard links
 * @param rdevMajor device major number for block and character devices
 * @param rdevMinor device minor number
 * @param change the change attribute (moves on every change of data or metadata)
 */
public record NfsAttributes(
    Type type,
    long size,
    int mode,
    int uid,
    int gid,
    String owner,
    String group,
    long mtimeNanos,
    long atimeNanos,
    long ctimeNanos,
    long fileId,
    int links,
    int rdevMajor,
    int rdevMinor,
    long change) {

  /** File types as NFSv4 names them ({@code nfs_ftype4}). */
  public enum Type {
    REGULAR,
    DIRECTORY,
    BLOCK_DEVICE,
    CHARACTER_DEVICE,
    SYMLINK,
    SOCKET,
    FIFO,
    OTHER;
  }

  public boolean isDirectory() {
    return type == Type.DIRECTORY;
  }

  public boolean isRegularFile() {
    return type == Type.REGULAR;
  }
}
