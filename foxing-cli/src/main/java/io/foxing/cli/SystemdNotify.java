// SPDX-License-Identifier: Apache-2.0
package io.foxing.cli;

import io.foxing.posix.Posix;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * systemd's notify protocol ({@code sd_notify(3)}): datagrams of {@code KEY=VALUE} lines to the
 * socket named by {@code $NOTIFY_SOCKET}: {@code READY=1} once the targets are hydrated, {@code
 * STATUS=} lines, {@code WATCHDOG=1} at half the interval systemd asks for ({@code $WATCHDOG_USEC},
 * when {@code $WATCHDOG_PID} is unset or this process), {@code STOPPING=1}. Does nothing when not
 * started by systemd (no {@code $NOTIFY_SOCKET}).
 */
final class SystemdNotify {
  private final String socket;
  private final Duration watchdog;
  private long lastWatchdog = System.nanoTime();

  private SystemdNotify(String socket, Duration watchdog) {
    this.socket = socket;
    this.watchdog = watchdog;
  }

  static SystemdNotify fromEnvironment() {
    String socket = System.getenv("NOTIFY_SOCKET");
    Duration watchdog = null;
    String usec = System.getenv("WATCHDOG_USEC");
    String pid = System.getenv("WATCHDOG_PID");
    if (usec != null && (pid == null || pid.equals(Long.toString(ProcessHandle.current().pid())))) {
      try {
        long us = Long.parseLong(usec.strip());
        if (us > 0) {
          watchdog = Duration.ofNanos(us * 1000 / 2);
        }
      } catch (NumberFormatException e) {
        watchdog = null; // not a number: systemd did not set it, so no watchdog is expected
      }
    }
    return new SystemdNotify(socket == null || socket.isEmpty() ? null : socket, watchdog);
  }

  /**
   * How often {@code WATCHDOG=1} is due (half what systemd asked for), or null when no watchdog is
   * set.
   */
  Duration watchdogInterval() {
    return socket == null ? null : watchdog;
  }

  void ready(String status) {
    send("READY=1\nSTATUS=" + oneLine(status));
  }

  void status(String status) {
    send("STATUS=" + oneLine(status));
  }

  /**
   * How often a loop that calls {@link #watchdogIfDue} must wake: {@code most}, or half the
   * watchdog interval when that is shorter, so no ping comes late.
   */
  long checkIntervalMillis(long most) {
    Duration every = watchdogInterval();
    return every == null ? most : Math.max(1, Math.min(most, every.toMillis() / 2));
  }

  /**
   * Sends {@code WATCHDOG=1} if a watchdog is set and half its interval has passed since the last
   * one.
   */
  void watchdogIfDue() {
    Duration every = watchdogInterval();
    long now = System.nanoTime();
    if (every != null && now - lastWatchdog >= every.toNanos()) {
      lastWatchdog = now;
      send("WATCHDOG=1");
    }
  }

  void stopping() {
    send("STOPPING=1\nSTATUS=stopping");
  }

  private static String oneLine(String s) {
    return s.replace('\n', ' ');
  }

  private void send(String message) {
    if (socket == null) {
      return;
    }
    try {
      Posix.sendDatagram(socket, message.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // systemd went away or the socket is not ours to use: the daemon's work goes on without it
    }
  }
}
