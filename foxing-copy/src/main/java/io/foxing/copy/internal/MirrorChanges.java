// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy.internal;

import io.foxing.api.FilterRules;
import io.foxing.api.events.FileEvent;
import io.foxing.posix.Names;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Changes a mirror still has to apply, gathered from file events: not the events themselves but the
 * entries they touched, each to be made equal on the target whatever happened to it meanwhile. A
 * file written a thousand times is one entry; a temporary created and removed before the batch is
 * applied is an entry the source no longer has and the target never had: nothing happens. A rename
 * is two entries: the old name goes, the new one comes.
 *
 * <p>Directories whose entries changed get their own metadata applied after their contents (their
 * times moved). Lost events ({@code OVERFLOW}, or a {@code RESCAN} of the root) make the whole tree
 * a change: the next batch is a full comparison. Not thread-safe: one consumer thread.
 */
public final class MirrorChanges {
  /**
   * One entry to bring in line: {@code name} in directory {@code dir} (both relative to the root,
   * "/"-separated).
   */
  public record Entry(String dir, String name, boolean walk) {
    public String path() {
      return dir.isEmpty() ? name : dir + "/" + name;
    }

    int depth() {
      return dir.isEmpty() ? 0 : (int) dir.chars().filter(c -> c == '/').count() + 1;
    }
  }

  private final Path root;
  private final FilterRules filters;

  /** Entries by path; the value: walk a directory that exists on both sides. */
  private final Map<String, Entry> entries = new LinkedHashMap<>();

  /** Directories (relative; "" is the root) whose own metadata is applied after the entries. */
  private final Map<String, Boolean> directories = new LinkedHashMap<>();

  /**
   * Renames seen, new name to the name it had at the start of the batch (a chain a, b, c is one
   * rename a to c).
   */
  private final Map<String, String> renames = new LinkedHashMap<>();

  /** Entries the source synced (fsync, fdatasync): synced at the target once brought in line. */
  private final java.util.Set<String> synced = new java.util.LinkedHashSet<>();

  private boolean everything;
  private String everythingWhy;
  private long events;

  /** When the oldest change gathered happened (System.nanoTime clock); Long.MAX_VALUE when none. */
  private long oldestNanos = Long.MAX_VALUE;

  public MirrorChanges(Path root, FilterRules filters) {
    this.root = root;
    this.filters = filters;
  }

  /** Adds what one event touched. */
  public void add(FileEvent e) {
    events++;
    long at = e.timestampNanos() != 0 ? e.timestampNanos() : System.nanoTime();
    if (oldestNanos == Long.MAX_VALUE || at - oldestNanos < 0) {
      oldestNanos = at;
    }
    switch (e.kind()) {
      case OVERFLOW ->
          everything("events were lost: " + (e.detail() == null ? "overflow" : e.detail()));
      case RESCAN -> {
        String rel = relative(e.path());
        if (rel == null || rel.isEmpty()) {
          everything("the source asked for a rescan: " + e.detail());
        } else {
          entry(rel, true);
        }
      }
      case RENAMED -> {
        String from = e.from() == null ? null : relative(e.from());
        String to = relative(e.path());
        if (from != null && !from.isEmpty()) {
          entry(from, false);
          if (to != null && !to.isEmpty()) {
            renames.put(to, renames.getOrDefault(from, from));
            renames.remove(from);
          }
        }
        entry(to, true);
      }
      case DIRECTORY_CREATED, RENAMED_TO -> entry(relative(e.path()), true);
      case SYNCED -> {
        String rel = relative(e.path());
        entry(rel, false);
        if (rel != null && !rel.isEmpty()) {
          synced.add(rel);
        }
      }
      default -> entry(relative(e.path()), false);
    }
  }

  /**
   * Entry {@code rel} (relative to the root) is to be brought in line again: a retry, a re-check.
   */
  public void again(String rel) {
    entry(rel, false);
  }

  /** Adds everything {@code other} holds. */
  public void addAll(MirrorChanges other) {
    other.entries.values().forEach(e -> entry(e.path(), e.walk()));
    other.directories.keySet().forEach(d -> directories.put(d, Boolean.TRUE));
    other.renames.forEach((to, from) -> renames.putIfAbsent(to, from));
    synced.addAll(other.synced);
    if (other.everything) {
      everything(other.everythingWhy);
    }
    events += other.events;
    if (other.oldestNanos != Long.MAX_VALUE
        && (oldestNanos == Long.MAX_VALUE || other.oldestNanos - oldestNanos < 0)) {
      oldestNanos = other.oldestNanos;
    }
  }

  /** Everything must be compared (lost events). */
  public void everything(String why) {
    everything = true;
    everythingWhy = why;
  }

  private void entry(String rel, boolean walk) {
    if (rel == null) {
      return; // outside the root
    }
    if (rel.isEmpty()) {
      directories.put("", Boolean.TRUE);
      return;
    }
    if (belowExcluded(rel)) {
      return; // inside a directory the filters leave out: a copy never walks there (the entry
      // itself is
      // judged by the engine, which knows whether it is a directory)
    }
    int slash = rel.lastIndexOf('/');
    String dir = slash < 0 ? "" : rel.substring(0, slash);
    String name = rel.substring(slash + 1);
    Entry old = entries.get(rel);
    entries.put(rel, new Entry(dir, name, walk || old != null && old.walk()));
    directories.put(dir, Boolean.TRUE);
  }

  /** Below a directory the filters exclude (which a copy never walks into). */
  private boolean belowExcluded(String rel) {
    if (filters.isEmpty()) {
      return false;
    }
    String raw = Names.raw(Names.bytes(rel)); // filters match bytes, as in a copy
    for (int slash = raw.indexOf('/'); slash > 0; slash = raw.indexOf('/', slash + 1)) {
      if (filters.isExcluded(raw.substring(0, slash), true)) {
        return true;
      }
    }
    return false;
  }

  private String relative(Path p) {
    if (p == null || !p.startsWith(root)) {
      return null;
    }
    return root.relativize(p).toString();
  }

  /** How many entries are gathered (a bound on a target's queue counts these). */
  public int size() {
    return entries.size();
  }

  /**
   * The entries' paths, and "" when the root's own metadata is to be applied: what an outage
   * journal keeps.
   */
  public List<String> paths() {
    List<String> p = new ArrayList<>(entries.keySet());
    if (directories.containsKey("")) {
      p.add("");
    }
    return p;
  }

  public boolean isEmpty() {
    return entries.isEmpty() && directories.isEmpty() && !everything;
  }

  /** Renames of the batch, new name to old (both relative), in the order they happened. */
  public Map<String, String> renames() {
    return renames;
  }

  /** Entries the source synced, to be synced at the target after they are brought in line. */
  public java.util.Set<String> synced() {
    return synced;
  }

  /** Whether the next batch compares the whole tree, and why. */
  public String everythingWhy() {
    return everything ? everythingWhy : null;
  }

  public long events() {
    return events;
  }

  /**
   * When the oldest event gathered happened (System.nanoTime clock), Long.MAX_VALUE if none: how
   * far behind a target is.
   */
  public long oldestNanos() {
    return oldestNanos;
  }

  /**
   * The entries by depth, shallowest first: a level's entries never contain each other, so they run
   * side by side.
   */
  public List<List<Entry>> levels() {
    TreeMap<Integer, List<Entry>> by = new TreeMap<>();
    for (Entry e : entries.values()) {
      by.computeIfAbsent(e.depth(), k -> new ArrayList<>()).add(e);
    }
    return new ArrayList<>(by.values());
  }

  /** Directories whose metadata follows their contents, deepest first. */
  public List<String> directories() {
    List<String> d = new ArrayList<>(directories.keySet());
    d.sort(
        (a, b) ->
            Integer.compare(
                b.isEmpty() ? 0 : b.split("/").length, a.isEmpty() ? 0 : a.split("/").length));
    return d;
  }

  /** Everything gathered so far, as a new set; this one is emptied. */
  public MirrorChanges take() {
    MirrorChanges t = new MirrorChanges(root, filters);
    t.entries.putAll(entries);
    t.directories.putAll(directories);
    t.renames.putAll(renames);
    renames.clear();
    t.synced.addAll(synced);
    synced.clear();
    t.everything = everything;
    t.everythingWhy = everythingWhy;
    t.events = events;
    t.oldestNanos = oldestNanos;
    oldestNanos = Long.MAX_VALUE;
    entries.clear();
    directories.clear();
    everything = false;
    everythingWhy = null;
    events = 0;
    return t;
  }
}
