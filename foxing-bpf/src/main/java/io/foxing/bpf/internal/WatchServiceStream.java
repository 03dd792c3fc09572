// SPDX-License-Identifier: Apache-2.0
package io.foxing.bpf.internal;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import io.foxing.api.events.EventOptions;
import io.foxing.api.events.FileEvent;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Events from java.nio's WatchService (inotify on Linux), for unprivileged use. inotify watches
 * single directories, so every directory is registered, and a directory that appears is registered
 * and scanned (what was created in it before the watch existed is reported as created). A rename is
 * seen as a delete and a create; a directory renamed away has its watches dropped, since they would
 * keep reporting under the old name. The JDK's queue holds 512 events per directory; past that it
 * reports an overflow for the directory, passed on as a RESCAN of it.
 */
public final class WatchServiceStream extends QueueStream {
  private final WatchService watcher;
  private final Map<WatchKey, Path> keys = new HashMap<>();
  private final Map<Path, WatchKey> directories = new HashMap<>();

  private WatchServiceStream(Path root, EventOptions options, WatchService watcher) {
    super("inotify", root, options.queueCapacity());
    this.watcher = watcher;
  }

  public static WatchServiceStream open(Path root, EventOptions options) throws IOException {
    WatchService watcher = root.getFileSystem().newWatchService();
    WatchServiceStream s = new WatchServiceStream(root, options, watcher);
    try {
      s.registerTree(root, false);
    } catch (IOException e) {
      watcher.close();
      boolean limit = String.valueOf(e.getMessage()).contains("limit");
      throw new IOException(
          root
              + ": cannot watch: "
              + e.getMessage()
              + (limit ? " (raise fs.inotify.max_user_watches)" : ""),
          e);
    }
    s.start();
    return s;
  }

  /**
   * Watches {@code dir} and every directory below it; with {@code report}, reports what is found as
   * created.
   */
  private void registerTree(Path dir, boolean report) throws IOException {
    List<Path> pending = new ArrayList<>();
    pending.add(dir);
    while (!pending.isEmpty()) {
      Path d = pending.remove(pending.size() - 1);
      try {
        WatchKey key = d.register(watcher, ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY);
        keys.put(key, d);
        directories.put(d, key);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(d)) {
          for (Path p : entries) {
            boolean isDir = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
            if (report) {
              emit(
                  isDir ? FileEvent.Kind.DIRECTORY_CREATED : FileEvent.Kind.CREATED,
                  p.toString(),
                  null,
                  0,
                  System.nanoTime(),
                  null);
            }
            if (isDir) {
              pending.add(p);
            }
          }
        }
      } catch (NoSuchFileException gone) {
        // removed while being registered: its delete event follows
      }
    }
  }

  /**
   * Forgets the directories at and below {@code dir}. A watch is cancelled only if it still belongs
   * to that name: when a directory moves within the root, the create under its new name may be
   * handled first, and registering it hands back the same watch (inotify watches the inode), now
   * re-pointed to the new name; cancelling it would blind the moved subtree.
   */
  private void unregisterTree(Path dir) {
    directories
        .entrySet()
        .removeIf(
            e -> {
              if (!e.getKey().startsWith(dir)) {
                return false;
              }
              Path current = keys.get(e.getValue());
              if (current != null && current.startsWith(dir)) {
                e.getValue().cancel();
                keys.remove(e.getValue());
              }
              return true;
            });
  }

  @Override
  protected void read() throws IOException {
    while (!stopping()) {
      WatchKey key;
      try {
        key = watcher.poll(100, TimeUnit.MILLISECONDS);
      } catch (ClosedWatchServiceException | InterruptedException e) {
        return;
      }
      if (key == null) {
        continue;
      }
      Path dir = keys.get(key);
      for (WatchEvent<?> event : key.pollEvents()) {
        long now = System.nanoTime();
        if (event.kind() == OVERFLOW) {
          overflow(1, "the inotify queue for " + (dir == null ? root : dir) + " was full");
          // a directory made while events were lost has no watch yet: without one, none of its
          // later
          // changes would ever be reported. Watch what is there now (the consumer compares it all
          // anyway).
          try {
            registerTree(dir == null ? root : dir, false);
          } catch (IOException cannot) {
            emit(
                FileEvent.Kind.RESCAN,
                (dir == null ? root : dir).toString(),
                null,
                0,
                now,
                "cannot watch: " + cannot.getMessage());
          }
          continue;
        }
        if (dir == null) {
          continue; // a watch dropped after its directory was renamed away
        }
        Path path = dir.resolve((Path) event.context());
        if (event.kind() == ENTRY_CREATE) {
          if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            emit(FileEvent.Kind.DIRECTORY_CREATED, path.toString(), null, 0, now, null);
            try {
              registerTree(path, true);
            } catch (IOException cannot) {
              // unreadable, replaced meanwhile, or out of watches: the consumer must look itself
              emit(
                  FileEvent.Kind.RESCAN,
                  path.toString(),
                  null,
                  0,
                  now,
                  "cannot watch: " + cannot.getMessage());
            }
          } else {
            emit(FileEvent.Kind.CREATED, path.toString(), null, 0, now, null);
          }
        } else if (event.kind() == ENTRY_DELETE) {
          boolean wasDir = directories.containsKey(path);
          unregisterTree(path);
          emit(
              wasDir ? FileEvent.Kind.DIRECTORY_REMOVED : FileEvent.Kind.DELETED,
              path.toString(),
              null,
              0,
              now,
              null);
        } else if (event.kind() == ENTRY_MODIFY) {
          emit(FileEvent.Kind.MODIFIED, path.toString(), null, 0, now, null);
        }
      }
      if (!key.reset()) {
        keys.remove(key); // its directory stays known as one until the parent reports the delete
      }
    }
  }

  @Override
  protected void wake() {
    // the reader polls with a short timeout
  }

  @Override
  protected void release() {
    try {
      watcher.close();
    } catch (IOException e) {
      // nothing left to release
    }
  }
}
