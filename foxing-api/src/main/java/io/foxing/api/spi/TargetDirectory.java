// SPDX-License-Identifier: Apache-2.0
package io.foxing.api.spi;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * One open directory of a {@link Target} during a copy run: the operations the copy engine carries
 * its plan out with. Names are raw bytes without a terminating NUL; an entry's final symlink is
 * never followed; {@code where} is the entry's path in the copy, for messages. New entries appear
 * atomically: a regular file, symlink or special file is complete (contents and metadata) when its
 * name appears or replaces the old one. The engine calls several methods of one directory at once,
 * for different names.
 *
 * <p>Methods marked with a {@link Target.Capability} are only called when the target declares it.
 */
public interface TargetDirectory extends Closeable {
  /** An entry of a listing: its name, and whether it is a directory. */
  record Entry(byte[] name, boolean directory) {}

  /** The directory's entries, without {@code .} and {@code ..}, in no particular order. */
  List<Entry> list(String where) throws IOException;

  /** This directory's own state. */
  FileStat stat(String where) throws IOException;

  /** The state of entry {@code name}, not following a symlink; null if there is none. */
  @Nullable FileStat stat(byte[] name, String where) throws IOException;

  /** Opens subdirectory {@code name}, never through a symlink. */
  TargetDirectory open(byte[] name, String where) throws IOException;

  /** Makes subdirectory {@code name}, private (0700) until {@link #metadata} gives it its own. */
  void makeDirectory(byte[] name, String where) throws IOException;

  /** Removes file, symlink, special file or empty directory {@code name}. */
  void remove(byte[] name, boolean directory, String where) throws IOException;

  /** Removes directory {@code name} if it is empty; false if it is not. */
  boolean removeIfEmpty(byte[] name, String where) throws IOException;

  /**
   * Renames {@code name} to {@code newName} in {@code to} (a directory of the same target),
   * replacing what is there.
   */
  void rename(byte[] name, TargetDirectory to, byte[] newName, String where) throws IOException;

  /** What symlink {@code name} points to. */
  byte[] readSymlink(byte[] name, String where) throws IOException;

  /**
   * Makes symlink {@code name} to {@code linkTarget}, with the source's metadata.
   *
   * @param replace an entry of that name exists and is replaced atomically
   */
  void makeSymlink(
      byte[] name, byte[] linkTarget, SourceEntry source, boolean replace, String where)
      throws IOException;

  /**
   * Makes a device, FIFO or socket like {@code source} (its type and device number), with its
   * metadata.
   */
  void makeSpecial(byte[] name, SourceEntry source, boolean replace, String where)
      throws IOException;

  /** Makes {@code name} another hard link of entry {@code firstName} of {@code firstDir}. */
  void link(byte[] name, TargetDirectory firstDir, byte[] firstName, boolean replace, String where)
      throws IOException;

  /**
   * Writes regular file {@code name} from the open {@code source}, with its metadata, and publishes
   * it: a new file or a replacement appears complete.
   *
   * @param existing the entry there now (a regular file), or null
   * @param mayPatch the engine allows an update of {@code existing} in place by changed chunks (it
   *     has no other hard link, or {@code --inplace}); a target may ignore it
   * @param beforePublish called when the copy is complete, before it is published; if it throws,
   *     nothing is published
   */
  Written writeFile(
      byte[] name,
      SourceEntry source,
      @Nullable FileStat existing,
      boolean mayPatch,
      PublishCheck beforePublish,
      String where)
      throws IOException;

  /**
   * Brings the metadata of entry {@code name} (null: this directory) in line with {@code source},
   * as the copy options preserve it, or with {@code apply} false only compares.
   *
   * @param before the entry's state before (null: the engine just made it)
   * @return what differed from {@code before}, as {@link Itemize} bits
   */
  int metadata(
      byte @Nullable [] name,
      SourceEntry source,
      @Nullable FileStat before,
      boolean apply,
      String where)
      throws IOException;

  /**
   * Flushes entry {@code name}'s data to stable storage ({@code fdatasync}; an NFS COMMIT): a
   * mirror does this when the source's file was synced. A target whose published entries are
   * already stable may do nothing.
   */
  default void sync(byte[] name, String where) throws IOException {}

  /**
   * Whether {@code name} is a temporary an interrupted run of ours left, recognisable without
   * guessing.
   */
  boolean isLeftover(byte[] name, String where) throws IOException;

  /**
   * Under {@link Target.Capability#CHECKSUM}: whether regular file {@code name} holds exactly the
   * source's bytes.
   */
  default boolean sameContents(byte[] name, SourceEntry source, String where) throws IOException {
    throw new UnsupportedOperationException("--checksum");
  }

  /** Under {@link Target.Capability#SIGNATURES}: this directory's record, or null. */
  default byte @Nullable [] readRecord(String where) {
    return null;
  }

  /** Under {@link Target.Capability#SIGNATURES}: stores this directory's record. */
  default void storeRecord(byte[] record, String where) {}

  /**
   * Under {@link Target.Capability#SIGNATURES}: gives up-to-date file {@code name} a signature if
   * it has no fresh one.
   *
   * @return whether one was written
   */
  default boolean sign(byte[] name, FileStat now, String where) throws IOException {
    return false;
  }

  /** Under {@link Target.Capability#SIGNATURES}: drops signatures of names {@code keep} rejects. */
  default void pruneSignatures(Predicate<byte[]> keep, String where) throws IOException {}

  /** A check the engine runs before a new file is published. */
  @FunctionalInterface
  interface PublishCheck {
    void verify() throws IOException;
  }

  /**
   * What a {@link #writeFile} did.
   *
   * @param method how the bytes moved (a tier name, {@link io.foxing.api.TierNames})
   * @param bytesWritten bytes written to the target (fewer than the size for a delta update)
   * @param signed a signature was stored with it
   */
  record Written(String method, long bytesWritten, boolean signed) {}
}
