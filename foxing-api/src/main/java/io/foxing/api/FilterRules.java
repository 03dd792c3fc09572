// SPDX-License-Identifier: Apache-2.0
package io.foxing.api;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

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
 *   <li>An excluded directory is not descended into, so nothing below it is copied, and with {@code
 *       --delete} nothing below it on the target is deleted.
 * </ul>
 *
 * <p>Matching works on the raw bytes of names (decoded one byte per character), as rsync's does, so
 * names that are not valid UTF-8 can still be matched. Instances are immutable and thread-safe.
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
   * The rules whose pattern is malformed (an unclosed {@code [}, an unknown {@code [:name:]}, a
   * trailing backslash), each with what is wrong. Such a rule matches nothing, as in rsync; a
   * command should say so, since an exclude that matches nothing protects nothing from deletion.
   */
  public List<String> malformed() {
    List<String> out = new ArrayList<>();
    for (Rule r : rules) {
      if (r.glob.problem != null) {
        out.add("'" + r.source + "': " + r.glob.problem);
      }
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
      if (r.matches(relativePath, name, directory)) {
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

    /**
     * Adds an exclude rule; a {@code "+ "} or {@code "- "} prefix overrides the kind, as in rsync.
     */
    public Builder exclude(String pattern) {
      return add(false, pattern);
    }

    /**
     * Adds an include rule; a {@code "+ "} or {@code "- "} prefix overrides the kind, as in rsync.
     */
    public Builder include(String pattern) {
      return add(true, pattern);
    }

    /**
     * Adds one rule per line of {@code reader}: blank lines and lines starting with {@code #} or
     * {@code ;} are ignored.
     */
    public Builder addFrom(Reader reader, boolean include) throws IOException {
      BufferedReader in =
          reader instanceof BufferedReader ? (BufferedReader) reader : new BufferedReader(reader);
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
        throw new IllegalArgumentException(
            "empty filter pattern: give a name or glob such as '*.tmp'");
      }
      rules.add(Rule.compile(include, pattern));
      return this;
    }

    public FilterRules build() {
      return rules.isEmpty()
          ? NONE
          : new FilterRules(Collections.unmodifiableList(new ArrayList<>(rules)));
    }
  }

  /** rsync's wildmatch on its own (no anchoring or splitting on '/'), for its test vectors. */
  static boolean wildmatch(String pattern, String text) {
    return Glob.compile(pattern, false, false, pattern).matches(text);
  }

  private static final class Rule {
    final boolean include;
    final String source;
    final boolean directoryOnly;
    final boolean wholePath;
    final Glob glob;

    /**
     * For {@code dir/***}: everything under dir; dir itself matches through {@link #glob}, as a
     * directory only.
     */
    final Glob under;

    private Rule(
        boolean include,
        String source,
        boolean directoryOnly,
        boolean wholePath,
        Glob glob,
        Glob under) {
      this.include = include;
      this.source = source;
      this.directoryOnly = directoryOnly;
      this.wholePath = wholePath;
      this.glob = glob;
      this.under = under;
    }

    boolean matches(String path, String name, boolean directory) {
      if (under != null && under.matches(path)) {
        return true;
      }
      if (directoryOnly && !directory) {
        return false;
      }
      return glob.matches(wholePath ? path : name);
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
      boolean trailingSlash = !subtree && p.endsWith("/") && p.length() > 1;
      if (trailingSlash) {
        p = p.substring(0, p.length() - 1);
      }
      boolean directoryOnly = subtree || trailingSlash;
      boolean wholePath = anchored || subtree || p.contains("/") || p.contains("**");
      // an unanchored path pattern may start at any directory level: an implicit leading "**/"
      Glob glob = Glob.compile(p, wholePath && !anchored, false, source);
      Glob under = subtree ? Glob.compile(p, !anchored, true, source) : null;
      return new Rule(include, source, directoryOnly, wholePath, glob, under);
    }
  }

  /**
   * A compiled wildcard pattern, matched by dynamic programming over (token, position): linear in
   * the pattern times the path, whatever the pattern, so no rule can make matching blow up.
   */
  private static final class Glob {
    private static final int LITERAL = 0, ONE = 1, STAR = 2, DOUBLE_STAR = 3, DIRS = 4, CLASS = 5;
    private final int[] kind;
    private final char[] literal;
    private final CharClass[] classes;

    /**
     * Why the pattern is malformed (an unclosed or bad bracket, a trailing backslash), or null:
     * rsync's wildmatch never matches such a pattern.
     */
    private final String problem;

    private Glob(int[] kind, char[] literal, CharClass[] classes, String problem) {
      this.kind = kind;
      this.literal = literal;
      this.classes = classes;
      this.problem = problem;
    }

    static Glob compile(String p, boolean anyLevel, boolean thenAnything, String source) {
      List<Integer> kinds = new ArrayList<>();
      StringBuilder lits = new StringBuilder();
      List<CharClass> cls = new ArrayList<>();
      if (anyLevel) {
        add(kinds, lits, cls, DIRS, '\0', null);
      }
      for (int i = 0; i < p.length(); i++) {
        char c = p.charAt(i);
        if (c == '*') {
          int stars = 1;
          while (i + 1 < p.length() && p.charAt(i + 1) == '*') {
            i++;
            stars++;
          }
          if (stars == 1) {
            add(kinds, lits, cls, STAR, '\0', null);
          } else if (anyLevel && i + 1 == stars && i + 1 < p.length() && p.charAt(i + 1) == '/') {
            // rsync: an unanchored pattern's leading "**/" also matches no directory at all;
            // anchored, or anywhere else, "**" needs at least one character
            i++;
            add(kinds, lits, cls, DIRS, '\0', null);
          } else {
            add(kinds, lits, cls, DOUBLE_STAR, '\0', null);
          }
        } else if (c == '?') {
          add(kinds, lits, cls, ONE, '\0', null);
        } else if (c == '[') {
          int[] end = new int[1];
          CharClass cc = CharClass.parse(p, i, end);
          if (cc == null) {
            return new Glob(
                new int[0],
                new char[0],
                new CharClass[0],
                "a '[' with no ']' or an unknown [:class:] (write \\[ for a literal bracket); it matches nothing");
          }
          add(kinds, lits, cls, CLASS, '\0', cc);
          i = end[0];
        } else if (c == '\\') {
          if (i + 1 == p.length()) {
            return new Glob(
                new int[0],
                new char[0],
                new CharClass[0],
                "a trailing backslash escapes nothing; it matches nothing");
          }
          add(kinds, lits, cls, LITERAL, p.charAt(++i), null);
        } else {
          add(kinds, lits, cls, LITERAL, c, null);
        }
      }
      if (thenAnything) {
        add(kinds, lits, cls, LITERAL, '/', null);
        add(kinds, lits, cls, DOUBLE_STAR, '\0', null);
      }
      return new Glob(
          kinds.stream().mapToInt(Integer::intValue).toArray(),
          lits.toString().toCharArray(),
          cls.toArray(new CharClass[0]),
          null);
    }

    private static void add(
        List<Integer> kinds,
        StringBuilder lits,
        List<CharClass> cls,
        int kind,
        char c,
        CharClass cc) {
      kinds.add(kind);
      lits.append(c);
      cls.add(cc);
    }

    boolean matches(String text) {
      if (problem != null) {
        return false;
      }
      int n = text.length();
      boolean[] cur = new boolean[n + 1];
      boolean[] next = new boolean[n + 1];
      cur[0] = true;
      for (int t = 0; t < kind.length; t++) {
        java.util.Arrays.fill(next, false);
        boolean seen = false; // some cur[k], k < j, is true
        for (int j = 0; j <= n; j++) {
          switch (kind[t]) {
            case STAR:
              next[j] = cur[j] || j > 0 && next[j - 1] && text.charAt(j - 1) != '/';
              break;
            case DOUBLE_STAR:
              next[j] = cur[j] || j > 0 && next[j - 1];
              break;
            case DIRS:
              next[j] = cur[j] || j > 0 && seen && text.charAt(j - 1) == '/';
              break;
            default:
              if (j > 0 && cur[j - 1]) {
                char c = text.charAt(j - 1);
                next[j] =
                    kind[t] == LITERAL
                        ? c == literal[t]
                        : kind[t] == ONE ? c != '/' : classes[t].contains(c);
              }
          }
          seen |= cur[j];
        }
        boolean[] swap = cur;
        cur = next;
        next = swap;
      }
      return cur[n];
    }
  }

  /**
   * A bracket expression as rsync's wildmatch reads it: single characters, ranges, POSIX classes
   * ({@code [:digit:]}), negated by a leading {@code !} or {@code ^}; a {@code ]} first in the set
   * is a member, {@code -} first or last is a member, backslash escapes the next character; never
   * matches {@code /}. Checked against rsync's own test vectors (FilterRulesWildmatchTest).
   */
  private static final class CharClass {
    private static final java.util.Map<String, java.util.function.IntPredicate> POSIX =
        java.util.Map.ofEntries(
            java.util.Map.entry("alnum", c -> isAlpha(c) || isDigit(c)),
            java.util.Map.entry("alpha", CharClass::isAlpha),
            java.util.Map.entry("blank", c -> c == ' ' || c == '\t'),
            java.util.Map.entry("cntrl", c -> c < 32 || c == 127),
            java.util.Map.entry("digit", CharClass::isDigit),
            java.util.Map.entry("graph", c -> c > 32 && c < 127),
            java.util.Map.entry("lower", c -> c >= 'a' && c <= 'z'),
            java.util.Map.entry("print", c -> c >= 32 && c < 127),
            java.util.Map.entry("punct", c -> c > 32 && c < 127 && !isAlpha(c) && !isDigit(c)),
            java.util.Map.entry("space", c -> c == ' ' || c >= '\t' && c <= '\r'),
            java.util.Map.entry("upper", c -> c >= 'A' && c <= 'Z'),
            java.util.Map.entry(
                "xdigit", c -> isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'));

    private final boolean negated;
    private final char[] from;
    private final char[] to;
    private final java.util.function.IntPredicate[] named;

    private CharClass(
        boolean negated, char[] from, char[] to, java.util.function.IntPredicate[] named) {
      this.negated = negated;
      this.from = from;
      this.to = to;
      this.named = named;
    }

    private static boolean isAlpha(int c) {
      return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    private static boolean isDigit(int c) {
      return c >= '0' && c <= '9';
    }

    /**
     * Parses the set opened by the {@code [} at {@code open}; {@code end[0]} gets the index of its
     * closing {@code ]}. Null when malformed (unclosed, a dangling backslash, an unknown class
     * name): rsync then matches nothing, so neither do we.
     */
    static CharClass parse(String p, int open, int[] end) {
      int n = p.length();
      int i = open + 1;
      boolean neg = i < n && (p.charAt(i) == '!' || p.charAt(i) == '^');
      if (neg) {
        i++;
      }
      StringBuilder f = new StringBuilder();
      StringBuilder t = new StringBuilder();
      List<java.util.function.IntPredicate> named = new ArrayList<>();
      int prev = -1; // the last single member, which a following '-' makes the start of a range
      if (i >= n) {
        return null;
      }
      while (true) { // the first member is read before any ']' can close the set
        char c = p.charAt(i);
        int next;
        if (c == '\\') {
          if (++i >= n) {
            return null;
          }
          c = p.charAt(i);
          f.append(c);
          t.append(c);
          next = c;
        } else if (c == '-' && prev >= 0 && i + 1 < n && p.charAt(i + 1) != ']') {
          char hi = p.charAt(++i);
          if (hi == '\\') {
            if (++i >= n) {
              return null;
            }
            hi = p.charAt(i);
          }
          f.append((char) prev);
          t.append(hi);
          next = -1;
        } else if (c == '[' && i + 1 < n && p.charAt(i + 1) == ':') {
          int s = i + 2;
          int j = s;
          while (j < n && p.charAt(j) != ']') {
            j++;
          }
          if (j >= n) {
            return null;
          }
          if (j - s - 1 < 0 || p.charAt(j - 1) != ':') {
            f.append('['); // no ":]": the '[' is a member and the scan goes on from the ':'
            t.append('[');
            next = '[';
          } else {
            java.util.function.IntPredicate cls = POSIX.get(p.substring(s, j - 1));
            if (cls == null) {
              return null;
            }
            named.add(cls);
            next = -1;
            i = j;
          }
        } else {
          f.append(c);
          t.append(c);
          next = c;
        }
        prev = next;
        if (++i >= n) {
          return null; // unclosed
        }
        if (p.charAt(i) == ']') {
          break;
        }
      }
      end[0] = i;
      return new CharClass(
          neg,
          f.toString().toCharArray(),
          t.toString().toCharArray(),
          named.toArray(new java.util.function.IntPredicate[0]));
    }

    boolean contains(char c) {
      if (c == '/') {
        return false;
      }
      boolean in = false;
      for (int i = 0; i < from.length && !in; i++) {
        in = c >= from[i] && c <= to[i];
      }
      for (int i = 0; i < named.length && !in; i++) {
        in = named[i].test(c);
      }
      return in != negated;
    }
  }
}
