package io.foxing.copy.internal;

import io.foxing.api.FilterRules;
import io.foxing.api.events.FileEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Changes a mirror still has to apply, gathered from file events: not the events themselves but
 * the entries they touched, each to be made equal on the target whatever happened to it meanwhile.
 * A file written a thousand times is one entry; a temporary created and removed before the batch
 * is applied is an entry the source no longer has and the target never had: nothing happens. A
 * rename is two entries: the old name goes, the new one comes.
 *
 * <p>Directories whose entries changed get their own metadata applied after their contents (their
 * times moved). Lost events ({@code OVERFLOW}, or a {@code RESCAN} of the root) make the whole
 * tree a change: the next batch is a full comparison. Not thread-safe: one consumer thread.
 */
public final class MirrorChanges {
  /** One entry to bring in line: {@code name} in directory {@code dir} (both relative to the root, "/"-separated). */
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
  private boolean everything;
  private String everythingWhy;
  private long events;

  public MirrorChanges(Path root, FilterRules filters) {
    this.root = root;
    this.filters = filters;
  }

  /** Adds what one event touched. */
  public void add(FileEvent e) {
    events++;
    switch (e.kind()) {
      case OVERFLOW -> everything("events were lost: " + (e.detail() == null ? "overflow" : e.detail()));
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
        if (from != null && !from.isEmpty()) {
          entry(from, false);
        }
        entry(relative(e.path()), true);
      }
      case DIRECTORY_CREATED, RENAMED_TO -> entry(relative(e.path()), true);
      default -> entry(relative(e.path()), false);
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
    if (excluded(rel, walk)) {
      return; // the mirror leaves it alone, as a copy with these filters would
    }
    int slash = rel.lastIndexOf('/');
    String dir = slash < 0 ? "" : rel.substring(0, slash);
    String name = rel.substring(slash + 1);
    Entry old = entries.get(rel);
    entries.put(rel, new Entry(dir, name, walk || old != null && old.walk()));
    directories.put(dir, Boolean.TRUE);
  }

  /** Excluded itself, or below an excluded directory (which a copy never walks into). */
  private boolean excluded(String rel, boolean directory) {
    if (filters.isEmpty()) {
      return false;
    }
    String raw = Names.raw(Names.bytes(rel)); // filters match bytes, as in a copy
    for (int slash = raw.indexOf('/'); slash > 0; slash = raw.indexOf('/', slash + 1)) {
      if (filters.isExcluded(raw.substring(0, slash), true)) {
        return true;
      }
    }
    return filters.isExcluded(raw, directory);
  }

  private String relative(Path p) {
    if (p == null || !p.startsWith(root)) {
      return null;
    }
    return root.relativize(p).toString();
  }

  public boolean isEmpty() {
    return entries.isEmpty() && directories.isEmpty() && !everything;
  }

  /** Whether the next batch compares the whole tree, and why. */
  public String everythingWhy() {
    return everything ? everythingWhy : null;
  }

  public long events() {
    return events;
  }

  /** The entries by depth, shallowest first: a level's entries never contain each other, so they run side by side. */
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
    d.sort((a, b) -> Integer.compare(b.isEmpty() ? 0 : b.split("/").length, a.isEmpty() ? 0 : a.split("/").length));
    return d;
  }

  /** Everything gathered so far, as a new set; this one is emptied. */
  public MirrorChanges take() {
    MirrorChanges t = new MirrorChanges(root, filters);
    t.entries.putAll(entries);
    t.directories.putAll(directories);
    t.everything = everything;
    t.everythingWhy = everythingWhy;
    t.events = events;
    entries.clear();
    directories.clear();
    everything = false;
    everythingWhy = null;
    events = 0;
    return t;
  }
}
