// SPDX-License-Identifier: Apache-2.0
package io.foxing.api.events;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;

/** Finds the {@link EventSource}s on the module or class path and picks one. */
public final class EventSources {
  private EventSources() {}

  /** Every source found, most preferred first, available or not. */
  public static List<EventSource> all() {
    List<EventSource> sources = new ArrayList<>();
    ServiceLoader.load(EventSource.class, EventSources.class.getClassLoader())
        .forEach(sources::add);
    sources.sort(Comparator.comparingInt(EventSource::preference).reversed());
    return sources;
  }

  /**
   * The source to use and why: {@code name} if given (it must be available), else the most
   * preferred available one, with the reasons the better ones were passed over.
   *
   * @throws IOException if the named source is unknown or unavailable, or none is available
   */
  public static Choice choose(@Nullable String name) throws IOException {
    return choose(name, all());
  }

  /** As {@link #choose(String)}, among {@code sources} (most preferred first). */
  public static Choice choose(@Nullable String name, List<EventSource> sources) throws IOException {
    StringBuilder passedOver = new StringBuilder();
    for (EventSource s : sources) {
      if (name != null && !s.name().equals(name)) {
        continue;
      }
      if (s.isAvailable()) {
        String reason =
            name != null
                ? "asked for"
                : passedOver.length() == 0 ? "the best source" : passedOver.toString();
        return new Choice(s, reason);
      }
      if (name != null) {
        throw new IOException(
            "event source " + name + " is not available: " + s.unavailabilityCause());
      }
      passedOver
          .append(passedOver.length() == 0 ? "" : "; ")
          .append(s.name())
          .append(" unavailable: ")
          .append(s.unavailabilityCause());
    }
    if (name != null) {
      List<String> names = sources.stream().map(EventSource::name).toList();
      throw new IOException(
          "no event source named "
              + name
              + " (known: "
              + String.join(", ", names)
              + "); is foxing-bpf on the class path?");
    }
    throw new IOException(
        sources.isEmpty()
            ? "no event source found: put foxing-bpf on the class path"
            : "no event source available: " + passedOver);
  }

  /**
   * Opens a stream on {@code root} from the source {@link #choose(String) choose} picks; when no
   * name is given and that source fails to start, the next available one is tried, and the reason
   * says why each was passed over.
   *
   * @throws IOException if the named source, or every available one, fails to start
   */
  public static Opened open(@Nullable String name, Path root, EventOptions options)
      throws IOException {
    return open(name, root, options, all());
  }

  /** As {@link #open(String, Path, EventOptions)}, among {@code sources} (most preferred first). */
  public static Opened open(
      @Nullable String name, Path root, EventOptions options, List<EventSource> sources)
      throws IOException {
    Choice c = choose(name, sources);
    if (name != null) {
      return new Opened(c.source().open(root, options), c.source(), c.reason());
    }
    StringBuilder passedOver =
        new StringBuilder(c.reason().equals("the best source") ? "" : c.reason());
    IOException last = null;
    for (EventSource s : sources.subList(sources.indexOf(c.source()), sources.size())) {
      if (!s.isAvailable()) {
        continue;
      }
      try {
        return new Opened(
            s.open(root, options),
            s,
            passedOver.length() == 0 ? "the best source" : passedOver.toString());
      } catch (IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException
            || e instanceof java.nio.file.NotDirectoryException) {
          throw e; // the root is wrong, not the source
        }
        last = e;
        passedOver
            .append(passedOver.length() == 0 ? "" : "; ")
            .append(s.name())
            .append(" failed to start: ")
            .append(String.valueOf(e.getMessage()).replace('\n', ' '));
      }
    }
    throw new IOException("no event source could start: " + passedOver, last);
  }

  /** A stream, the source it comes from and why that source. */
  public record Opened(EventStream stream, EventSource source, String reason) {}

  /** The chosen source and, in one line, why it was chosen. */
  public record Choice(EventSource source, String reason) {}
}
