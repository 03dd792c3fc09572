// SPDX-License-Identifier: Apache-2.0
package io.foxing.nfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/** How an {@link NfsClient} connects and behaves. Immutable; build with {@link #builder()}. */
public final class NfsOptions {
  private final int sessions;
  private final int maxSlots;
  private final int maxIoSize;
  private final int uid;
  private final int gid;
  private final Duration callTimeout;
  private final Duration recoveryTimeout;
  private final Duration connectTimeout;

  private NfsOptions(Builder b) {
    sessions = b.sessions;
    maxSlots = b.maxSlots;
    maxIoSize = b.maxIoSize;
    uid = b.uid;
    gid = b.gid;
    callTimeout = b.callTimeout;
    recoveryTimeout = b.recoveryTimeout;
    connectTimeout = b.connectTimeout;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Defaults: 4 sessions, up to 64 slots each, 1 MiB I/O, this process's uid and gid. */
  public static NfsOptions defaults() {
    return builder().build();
  }

  /** Sessions (each its own TCP connection) for parallel work. */
  public int sessions() {
    return sessions;
  }

  /** The most requests one session keeps in flight; the server may grant fewer. */
  public int maxSlots() {
    return maxSlots;
  }

  /** The largest READ or WRITE asked for; the session's negotiated limits may lower it. */
  public int maxIoSize() {
    return maxIoSize;
  }

  /** The AUTH_SYS uid sent with every call. */
  public int uid() {
    return uid;
  }

  /** The AUTH_SYS gid sent with every call. */
  public int gid() {
    return gid;
  }

  /** How long one call waits for its reply before the connection is treated as dead. */
  public Duration callTimeout() {
    return callTimeout;
  }

  /** How long a call keeps reconnecting (server restart, grace period) before it fails. */
  public Duration recoveryTimeout() {
    return recoveryTimeout;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  public static final class Builder {
    private int sessions = 4;
    private int maxSlots = 64;
    private int maxIoSize = 1 << 20;
    private int uid = processId("uid");
    private int gid = processId("gid");
    private Duration callTimeout = Duration.ofSeconds(30);
    private Duration recoveryTimeout = Duration.ofSeconds(120);
    private Duration connectTimeout = Duration.ofSeconds(5);

    private Builder() {}

    private static int processId(String which) {
      try {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:" + which);
      } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
        return 65534; // nobody: what a server would squash an unknown caller to anyway
      }
    }

    public Builder sessions(int n) {
      if (n < 1 || n > 64) {
        throw new IllegalArgumentException("sessions must be 1..64, got " + n);
      }
      sessions = n;
      return this;
    }

    public Builder maxSlots(int n) {
      if (n < 1 || n > 1024) {
        throw new IllegalArgumentException("slots must be 1..1024, got " + n);
      }
      maxSlots = n;
      return this;
    }

    public Builder maxIoSize(int bytes) {
      if (bytes < 4096 || bytes > 16 << 20) {
        throw new IllegalArgumentException("I/O size must be 4 KiB..16 MiB, got " + bytes);
      }
      maxIoSize = bytes;
      return this;
    }

    /** The identity sent as AUTH_SYS credentials (the export decides what it may do). */
    public Builder credentials(int uid, int gid) {
      this.uid = uid;
      this.gid = gid;
      return this;
    }

    public Builder callTimeout(Duration d) {
      callTimeout = positive(d, "call timeout");
      return this;
    }

    public Builder recoveryTimeout(Duration d) {
      recoveryTimeout = positive(d, "recovery timeout");
      return this;
    }

    public Builder connectTimeout(Duration d) {
      connectTimeout = positive(d, "connect timeout");
      return this;
    }

    private static Duration positive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, got " + d);
      }
      return d;
    }

    public NfsOptions build() {
      return new NfsOptions(this);
    }
  }
}
