// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy.internal;

import io.foxing.api.CopyOptions;
import io.foxing.api.Preserve;
import io.foxing.api.spi.FileStat;
import io.foxing.api.spi.Itemize;
import io.foxing.posix.LibC;

/**
 * What to do with one source entry, given what the target holds under its name: a pure function of
 * the two stats and the options, so every rule can be tested in milliseconds without a filesystem
 * or root ({@code PlannerTest}). The walk supplies the stats; the apply side carries out the action
 * and refines it only with what reading reveals (contents under {@code --checksum}, xattrs and
 * ACLs, a fresh signature).
 *
 * <p>Thread-safe: immutable.
 */
final class Planner {
  /** Files at least this large are worth comparing chunk by chunk (a delta update). */
  static final long DELTA_MIN = 1 << 20;

  /** The kind of work an entry needs. */
  enum Step {
    /** Make the directory if it is new, then walk into it. */
    DIRECTORY,
    /**
     * A regular file to copy: new, or its size or mtime differ ({@link Action#itemize} says which).
     */
    COPY,
    /**
     * A regular file whose size and mtime match: at most its metadata differs (under {@code
     * --checksum}, its contents are compared first).
     */
    MAYBE_UP_TO_DATE,
    /** A symlink to create or bring up to date. */
    SYMLINK,
    /** A device, FIFO or socket to create or bring up to date. */
    SPECIAL,
    /** Not copied, with a warning ({@link Action#reason}): a kind the options leave out. */
    SKIP,
    /**
     * Left as it is, silently, as the options ask: {@code -u}, {@code --ignore-existing}, {@code
     * --existing}.
     */
    LEAVE,
    /** Not copied, an error ({@link Action#reason}): a directory without recursion. */
    REFUSE
  }

  /** What happens to a target entry of another kind before the source's is made. */
  enum MakeWay {
    /** Nothing there, or the same kind. */
    NONE,
    /** Removed (with its contents, for a directory under {@code --delete}). */
    REMOVE,
    /**
     * A directory, without {@code --delete}: removed only if empty, else the entry fails (rsync's
     * rule).
     */
    REMOVE_IF_EMPTY
  }

  /**
   * One entry's plan.
   *
   * @param itemize rsync's change code when the plan alone knows it (created entries, content
   *     changes), else null: metadata differences are found when applying
   */
  record Action(Step step, MakeWay makeWay, String itemize, String reason) {}

  private final CopyOptions options;
  private final long windowNanos;

  Planner(CopyOptions options) {
    this.options = options;
    this.windowNanos = options.modifyWindow().toNanos();
  }

  private static final Action LEAVE = new Action(Step.LEAVE, MakeWay.NONE, null, null);

  /**
   * Plans entry {@code src}; {@code dst} is the target's entry of the same name, or null.
   *
   * @param name the entry's path, for reasons
   */
  Action plan(FileStat src, FileStat dst, String name) {
    if (dst == null
        ? options.existingOnly()
        : options.ignoreExisting() && !(src.isDirectory() && dst.isDirectory())) {
      return LEAVE; // rsync's --existing makes nothing new; --ignore-existing still walks existing
      // directories
    }
    MakeWay way = MakeWay.NONE;
    if (dst != null && !sameKind(src, dst)) {
      way = dst.isDirectory() && !options.delete() ? MakeWay.REMOVE_IF_EMPTY : MakeWay.REMOVE;
      dst = null; // planned as new: the old entry is gone by then
    }
    switch (src.type()) {
      case LibC.S_IFDIR:
        if (!options.recursive()) {
          // only a named source can be a directory here: an error, as cp says (rsync only warns)
          return new Action(
              Step.REFUSE,
              MakeWay.NONE,
              null,
              name + ": is a directory; omitted (give -r or -a to copy directories)");
        }
        return new Action(
            Step.DIRECTORY, way, dst == null ? Itemize.created('c', 'd') : null, null);
      case LibC.S_IFREG:
        if (dst == null) {
          return new Action(Step.COPY, way, Itemize.created('>', 'f'), null);
        }
        if (dst.dev() == src.dev() && dst.ino() == src.ino()) {
          // the same file (a hard link, a bind mount): nothing to copy, and --inplace would
          // truncate the source
          return new Action(Step.MAYBE_UP_TO_DATE, way, null, null);
        }
        if (options.update() && dst.mtimeNanos() > src.mtimeNanos() + windowNanos) {
          return LEAVE; // newer on the target (-u)
        }
        if (dst.size() == src.size()
            && (options.checksum()
                || options.sizeOnly()
                || !options.ignoreTimes() && sameMtime(src, dst))) {
          // contents decide under --checksum; --size-only trusts the size alone
          return new Action(Step.MAYBE_UP_TO_DATE, way, null, null);
        }
        return new Action(Step.COPY, way, contentChange(src, dst), null);
      case LibC.S_IFLNK:
        return options.preserves(Preserve.LINKS)
            ? new Action(Step.SYMLINK, way, dst == null ? Itemize.created('c', 'L') : null, null)
            : skip("skipping non-regular file (symlink)");
      case LibC.S_IFCHR:
      case LibC.S_IFBLK:
        return options.preserves(Preserve.DEVICES)
            ? new Action(Step.SPECIAL, way, dst == null ? Itemize.created('c', 'D') : null, null)
            : skip("skipping device");
      default:
        return options.preserves(Preserve.SPECIALS)
            ? new Action(Step.SPECIAL, way, dst == null ? Itemize.created('c', 'S') : null, null)
            : skip("skipping special file");
    }
  }

  private static Action skip(String warning) {
    return new Action(Step.SKIP, MakeWay.NONE, null, warning);
  }

  /**
   * The change code of a regular file copied over an existing one: {@code >f} with {@code s} if the
   * sizes differ, {@code t} if the mtimes do, {@code c} under {@code --checksum}.
   */
  String contentChange(FileStat src, FileStat dst) {
    return Itemize.code('>', 'f', contentBits(src, dst));
  }

  /** The {@code c}, {@code s} and {@code t} bits of {@link #contentChange}. */
  int contentBits(FileStat src, FileStat dst) {
    return (dst.size() != src.size() ? Itemize.SIZE : 0)
        | (sameMtime(src, dst) ? 0 : Itemize.TIME)
        | (options.checksum() ? Itemize.CHECKSUM : 0);
  }

  /** Equal modification times, within {@code --modify-window}. */
  boolean sameMtime(FileStat a, FileStat b) {
    return a.sameMtime(b, windowNanos);
  }

  /**
   * Whether a changed file may be updated in place by changed chunks: a big enough regular file on
   * the target that no other name shares (a {@code cp -al} snapshot must keep its version), unless
   * {@code --inplace} asks for writes in place anyway. A fresh signature is still needed.
   */
  boolean deltaCandidate(FileStat src, FileStat dst) {
    return dst != null
        && dst.isRegular()
        && src.size() > DELTA_MIN
        && (dst.nlink() == 1 || options.inplace());
  }

  /**
   * Whether a symlink points outside the copied tree (rsync's rule for {@code --safe-links}): an
   * absolute or empty target is unsafe, and so is a {@code ..} after a name or at the end;
   * otherwise its leading {@code ..} components must not climb above the transfer root, counting
   * from the symlink's own directory.
   *
   * @param target the symlink's contents
   * @param linkPath the symlink's path below the transfer root, {@code /}-separated
   */
  static boolean unsafeSymlink(byte[] target, String linkPath) {
    if (target.length == 0 || target[0] == '/') {
      return true;
    }
    String to = new String(target, java.nio.charset.StandardCharsets.ISO_8859_1);
    // rsync 3.4's rules since CVE-2024-12088: a ".." anywhere but in the leading run, or at the
    // end, may climb through a symlink inside the target, so it is unsafe whatever the count says
    int lead = 0;
    while (to.startsWith("../", lead)) {
      lead += 3;
      while (lead < to.length() && to.charAt(lead) == '/') {
        lead++;
      }
    }
    if (to.indexOf("/../", lead) >= 0 || to.length() > 3 && to.endsWith("/..")) {
      return true;
    }
    int depth = 0;
    String[] dirs = linkPath.split("/", -1);
    for (int i = 0; i < dirs.length - 1; i++) { // the directories above the link itself
      if (dirs[i].equals("..")) {
        depth = 0; // as rsync: the count starts over
      } else if (!dirs[i].isEmpty() && !dirs[i].equals(".")) {
        depth++;
      }
    }
    for (String c : to.split("/", -1)) {
      switch (c) {
        case ".." -> {
          if (--depth < 0) {
            return true;
          }
        }
        case ".", "" -> {}
        default -> depth++;
      }
    }
    return false;
  }

  /**
   * Same kind of entry: a directory, a regular file, a symlink, or a special file of the same type
   * and device.
   */
  static boolean sameKind(FileStat a, FileStat b) {
    return a.type() == b.type()
        && (a.isRegular() || a.isDirectory() || a.isSymlink() || a.rdev() == b.rdev());
  }
}
