// SPDX-License-Identifier: Apache-2.0
package io.foxing.nfs;

/**
 * Metadata to set on a file: any of mode, owner, group, access and modification time. Unset fields
 * are left as the server makes them. Immutable; build with {@link #builder()}.
 */
public final class NfsMetadata {
  /** Sets nothing. */
  public static final NfsMetadata NONE = builder().build();

  private final int mode;
  private final int uid;
  private final int gid;
  private final long atimeNanos;
  private final long mtimeNanos;
  private final boolean hasAtime;
  private final boolean hasMtime;

  private NfsMetadata(Builder b) {
    mode = b.mode;
    uid = b.uid;
    gid = b.gid;
    atimeNanos = b.atimeNanos;
    mtimeNanos = b.mtimeNanos;
    hasAtime = b.hasAtime;
    hasMtime = b.hasMtime;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Permission bits ({@code 07777}), or -1 to leave them. */
  public int mode() {
    return mode;
  }

  /** Numeric owner, or -1 to leave it. */
  public int uid() {
    return uid;
  }

  /** Numeric group, or -1 to leave it. */
  public int gid() {
    return gid;
  }

  public boolean hasAtime() {
    return hasAtime;
  }

  public long atimeNanos() {
    return atimeNanos;
  }

  public boolean hasMtime() {
    return hasMtime;
  }

  public long mtimeNanos() {
    return mtimeNanos;
  }

  public boolean isEmpty() {
    return mode < 0 && uid < 0 && gid < 0 && !hasAtime && !hasMtime;
  }

  /** The same without times (for CREATE, whose children would move a directory's times anyway). */
  public NfsMetadata withoutTimes() {
    return builder().mode(mode).owner(uid, gid).build();
  }

  /**
   * The same without the mode (a change of owner after it would clear set-id bits; symlinks have
   * none).
   */
  public NfsMetadata withoutMode() {
    return copy().mode(-1).build();
  }

  /** Only the times. */
  public NfsMetadata timesOnly() {
    return copy().mode(-1).owner(-1, -1).build();
  }

  private Builder copy() {
    Builder b = builder().mode(mode).owner(uid, gid);
    b.atimeNanos = atimeNanos;
    b.hasAtime = hasAtime;
    b.mtimeNanos = mtimeNanos;
    b.hasMtime = hasMtime;
    return b;
  }

  @Override
  public String toString() {
    return "NfsMetadata[mode="
        + (mode < 0 ? "-" : Integer.toOctalString(mode))
        + ", uid="
        + uid
        + ", gid="
        + gid
        + (hasMtime ? ", mtime=" + mtimeNanos : "")
        + (hasAtime ? ", atime=" + atimeNanos : "")
        + "]";
  }

  public static final class Builder {
    private int mode = -1;
    private int uid = -1;
    private int gid = -1;
    private long atimeNanos;
    private long mtimeNanos;
    private boolean hasAtime;
    private boolean hasMtime;

    private Builder() {}

    /** Permission bits; the file-type bits of an {@code st_mode} are dropped. */
    public Builder mode(int mode) {
      this.mode = mode < 0 ? -1 : mode & 07777;
      return this;
    }

    /** Numeric owner and group; -1 leaves either. */
    public Builder owner(int uid, int gid) {
      this.uid = uid;
      this.gid = gid;
      return this;
    }

    public Builder mtimeNanos(long epochNanos) {
      this.mtimeNanos = epochNanos;
      this.hasMtime = true;
      return this;
    }

    public Builder atimeNanos(long epochNanos) {
      this.atimeNanos = epochNanos;
      this.hasAtime = true;
      return this;
    }

    public NfsMetadata build() {
      return new NfsMetadata(this);
    }
  }
}
