package io.foxing.api;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Include/exclude rules with rsync's semantics, in the order given; the first rule that matches a
 * path decides, and a path no rule matches is included.
 *
 * <ul>
 *   <li>A pattern that starts with {@code /} is anchored at the root of the transfer; otherwise it
 *       may match at any directory level.
 *   <li>A pattern that ends with {@code /} matches directories only.
 *   <li>A pattern without {@code /} (not counting a trailing one) and without {@code **} is matched
 *       against the last path component; otherwise against the path relative to the root.
 *   <li>{@code *} matches within one component, {@code **} across components, {@code ?} one
 *       character other than {@code /}, {@code [...]} a character class; {@code dir/***} matches
 *       {@code dir} and everything under it.
 *   <li>An excluded directory is not descended into, so nothing below it is copied, and with
 *       {@code --delete} nothing below it on the target is deleted.
 * </ul>
 *
 * <p>Matching works on the raw bytes of names (decoded one byte per character), as rsync's does,
 * so names that are not valid UTF-8 can still be matched. Instances are immutable and thread-safe.
 */
public final class FilterRules {
  /** No rules: everything is included. */
  public static final FilterRules NONE = new FilterRules(List.of());

  private final List<Rule> rules;

  private FilterRules(List<Rule> rules) {
    this.rules = rules;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** True if there are no rules. */
  public boolean isEmpty() {
    return rules.isEmpty();
  }

  /** The rules as written, in order, e.g. {@code "- *.tmp"}, {@code "+ keep.tmp"}. */
  public List<String> describe() {
    List<String> out = new ArrayList<>();
    for (Rule r : rules) {
      out.add((r.include ? "+ " : "- ") + r.source);
    }
    return out;
  }

  /**
   * Decides one path.
   *
   * @param relativePath the path relative to the transfer root, components joined by {@code /},
   *     each name decoded from its bytes as ISO-8859-1 (see the class comment)
   * @param directory whether the path names a directory
   * @return true if the path is excluded
   */
  public boolean isExcluded(String relativePath, boolean directory) {
    if (rules.isEmpty()) {
      return false;
    }
    int slash = relativePath.lastIndexOf('/');
    String name = slash < 0 ? relativePath : relativePath.substring(slash + 1);
    for (Rule r : rules) {
      if (r.directoryOnly && !directory) {
        continue;
      }
      String subject = r.wholePath ? relativePath : name;
      if (r.regex.matcher(subject).matches()) {
        return !r.include;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "FilterRules" + describe();
  }

  /** Collects rules in order. Not thread-safe; {@link #build()} gives an immutable snapshot. */
  public static final class Builder {
    private final List<Rule> rules = new ArrayList<>();

    private Builder() {}

    /** Adds an exclude rule; a {@code "+ "} or {@code "- "} prefix overrides the kind, as in rsync. */
    public Builder exclude(String pattern) {
      return add(false, pattern);
    }

    /** Adds an include rule; a {@code "+ "} or {@code "- "} prefix overrides the kind, as in rsync. */
    public Builder include(String pattern) {
      return add(true, pattern);
    }

    /**
     * Adds one rule per line of {@code reader}: blank lines and lines starting with {@code #} or
     * {@code ;} are ignored.
     */
    public Builder addFrom(Reader reader, boolean include) throws IOException {
      BufferedReader in = reader instanceof BufferedReader ? (BufferedReader) reader : new BufferedReader(reader);
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
          continue;
        }
        add(include, line);
      }
      return this;
    }

    private Builder add(boolean include, String pattern) {
      Objects.requireNonNull(pattern, "pattern");
      if (pattern.startsWith("+ ")) {
        include = true;
        pattern = pattern.substring(2);
      } else if (pattern.startsWith("- ")) {
        include = false;
        pattern = pattern.substring(2);
      }
      if (pattern.isEmpty()) {
        throw new IllegalArgumentException("empty filter pattern: give a name or glob such as '*.tmp'");
      }
      rules.add(Rule.compile(include, pattern));
      return this;
    }

    public FilterRules build() {
      return rules.isEmpty() ? NONE : new FilterRules(Collections.unmodifiableList(new ArrayList<>(rules)));
    }
  }

  private static final class Rule {
    final boolean include;
    final String source;
    final boolean directoryOnly;
    final boolean wholePath;
    final Pattern regex;

    private Rule(boolean include, String source, boolean directoryOnly, boolean wholePath, Pattern regex) {
      this.include = include;
      this.source = source;
      this.directoryOnly = directoryOnly;
      this.wholePath = wholePath;
      this.regex = regex;
    }

    static Rule compile(boolean include, String source) {
      // Work on the pattern's UTF-8 bytes, one char per byte, like the names it is matched against.
      String p = new String(source.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
      boolean anchored = p.startsWith("/");
      if (anchored) {
        p = p.substring(1);
      }
      boolean subtree = p.endsWith("/***");
      if (subtree) {
        p = p.substring(0, p.length() - 4);
      }
      boolean directoryOnly = !subtree && p.endsWith("/") && p.length() > 1;
      if (directoryOnly) {
        p = p.substring(0, p.length() - 1);
      }
      boolean wholePath = anchored || subtree || p.contains("/") || p.contains("**");
      StringBuilder re = new StringBuilder();
      if (wholePath && !anchored) {
        re.append("(?:.*/)?");
      }
      translate(p, re, source);
      if (subtree) {
        re.append("(?:/.*)?");
      }
      try {
        return new Rule(include, source, directoryOnly, wholePath, Pattern.compile(re.toString(), Pattern.DOTALL));
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("bad filter pattern '" + source + "': " + e.getDescription(), e);
      }
    }

    private static void translate(String p, StringBuilder re, String source) {
      for (int i = 0; i < p.length(); i++) {
        char c = p.charAt(i);
        switch (c) {
          case '*':
            if (i + 1 < p.length() && p.charAt(i + 1) == '*') {
              re.append(".*");
              while (i + 1 < p.length() && p.charAt(i + 1) == '*') {
                i++;
              }
            } else {
              re.append("[^/]*");
            }
            break;
          case '?':
            re.append("[^/]");
            break;
          case '[':
            int end = classEnd(p, i);
            if (end < 0) {
              throw new IllegalArgumentException("bad filter pattern '" + source + "': unclosed '['");
            }
            re.append('[');
            int j = i + 1;
            if (p.charAt(j) == '!' || p.charAt(j) == '^') {
              re.append('^');
              j++;
            }
            for (; j < end; j++) {
              char k = p.charAt(j);
              if (k == '\\' || k == '[' || k == '&' || k == '^' || k == ']') {
                re.append('\\');
              }
              re.append(k);
            }
            re.append(']');
            i = end;
            break;
          case '\\':
            if (i + 1 < p.length()) {
              i++;
              re.append(Pattern.quote(String.valueOf(p.charAt(i))));
            } else {
              re.append("\\\\");
            }
            break;
          default:
            if ("().+{}$^|".indexOf(c) >= 0) {
              re.append('\\');
            }
            re.append(c);
        }
      }
    }

    /** Index of the ']' closing the class opened at {@code start}, or -1. A ']' right after '[' or '[!' is literal. */
    private static int classEnd(String p, int start) {
      int j = start + 1;
      if (j < p.length() && (p.charAt(j) == '!' || p.charAt(j) == '^')) {
        j++;
      }
      if (j < p.length() && p.charAt(j) == ']') {
        j++;
      }
      for (; j < p.length(); j++) {
        if (p.charAt(j) == ']') {
          return j;
        }
      }
      return -1;
    }
  }
}
