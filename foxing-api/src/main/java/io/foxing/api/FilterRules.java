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
 * Filter rules with rsync's semantics, in the order given; the first rule that matches a path
 * decides, and a path no rule matches is included.
 *
 * <ul>
 *   <li>A pattern that starts with {@code /} is anchored at the root of the transfer (in a
 *       per-directory rule file, at that file's directory); otherwise it may match at any level.
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
 * <p>Like rsync, a rule has two sides. Its <em>sending</em> side decides what is copied ({@link
 * #isExcluded}); its <em>receiving</em> side decides what {@code --delete} may remove from the
 * target ({@link #isProtected}). {@code -}/{@code +} rules act on both sides, {@code H}/{@code S}
 * (hide, show) on the sending side only, {@code P}/{@code R} (protect, risk) on the receiving side
 * only. {@link Builder#filter} takes rsync's {@code --filter} rule syntax, including {@code merge}
 * files and {@code dir-merge} files read in each directory ({@link #inDirectory}).
 *
 * <p>Matching works on the raw bytes of names (decoded one byte per character), as rsync's does, so
 * names that are not valid UTF-8 can still be matched. Instances are immutable and thread-safe.
 */
public final class FilterRules {
  /** No rules: everything is included. */
  public static final FilterRules NONE = new FilterRules(List.of());

  /** Merge files that name merge files: a loop or a chain this deep is refused. */
  private static final int MAX_MERGE_DEPTH = 16;

  /** A per-directory rule file larger than this is refused (rsync reads them whole too). */
  private static final int MAX_RULE_FILE_CHARS = 1 << 20;

  private final List<Item> items; // Rule or PerDirectory, in order

  private FilterRules(List<Item> items) {
    this.items = items;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Opens a rule file by name: a {@code merge} file's path as the user wrote it, or a {@code
   * dir-merge} file's name in the directory being entered.
   */
  @FunctionalInterface
  public interface RuleFiles {
    /**
     * @return the file's text, or null if there is no such file (a missing per-directory file is
     *     normal; a missing {@code merge} file is an error)
     */
    Reader open(String name) throws IOException;
  }

  /** True if there are no rules. */
  public boolean isEmpty() {
    return items.isEmpty();
  }

  /**
   * The rules as written, in order, e.g. {@code "- *.tmp"}, {@code "+ keep.tmp"}, {@code "P
   * /keep"}, {@code ":e .rsync-filter"}; rules read from per-directory files follow their {@code
   * dir-merge} rule, each with its directory.
   */
  public List<String> describe() {
    List<String> out = new ArrayList<>();
    for (Item i : items) {
      if (i instanceof Rule r) {
        out.add(r.written);
      } else if (i instanceof PerDirectory p) {
        out.add(p.written);
        for (Rule r : p.active) {
          out.add("  " + r.written + " (in " + (r.base.isEmpty() ? "." : r.base) + ")");
        }
      }
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
    for (Item i : items) {
      for (Rule r : i.rules()) {
        if (r.glob.problem != null) {
          out.add("'" + r.pattern + "': " + r.glob.problem);
        }
      }
    }
    return out;
  }

  /**
   * Decides whether a path is copied: the sending side of the rules.
   *
   * @param relativePath the path relative to the transfer root, components joined by {@code /},
   *     each name decoded from its bytes as ISO-8859-1 (see the class comment)
   * @param directory whether the path names a directory
   * @return true if the path is excluded (not copied)
   */
  public boolean isExcluded(String relativePath, boolean directory) {
    return decide(relativePath, directory, true, false);
  }

  /**
   * Decides whether {@code --delete} leaves a target path alone: the receiving side of the rules.
   *
   * @param deleteExcluded rsync's {@code --delete-excluded}: plain {@code -}/{@code +} rules act on
   *     the sending side only, so what they exclude is deleted; {@code P} rules still protect
   * @return true if the path is protected from deletion
   */
  public boolean isProtected(String relativePath, boolean directory, boolean deleteExcluded) {
    return decide(relativePath, directory, false, deleteExcluded);
  }

  private boolean decide(String path, boolean directory, boolean sending, boolean deleteExcluded) {
    if (items.isEmpty()) {
      return false;
    }
    int slash = path.lastIndexOf('/');
    String name = slash < 0 ? path : path.substring(slash + 1);
    for (Item i : items) {
      for (Rule r : i.rules()) {
        boolean applies = sending ? r.sending : r.receiving && !(deleteExcluded && r.plain);
        if (applies && r.matches(path, name, directory)) {
          return !r.include;
        }
      }
    }
    return false;
  }

  /** Whether some rules come from files read in each directory ({@code dir-merge}). */
  public boolean hasPerDirectoryFiles() {
    for (Item i : items) {
      if (i instanceof PerDirectory) {
        return true;
      }
    }
    return false;
  }

  /**
   * The rules for the entries of one directory: each {@code dir-merge} file found there adds its
   * rules ahead of those inherited from the directories above, as rsync does. Returns this instance
   * when nothing changes.
   *
   * @param relativeDir the directory, relative to the transfer root as in {@link #isExcluded} ("":
   *     the root)
   * @param files opens a rule file of that directory by name
   * @throws IllegalArgumentException if a file there holds a rule that cannot be parsed, naming the
   *     file
   */
  public FilterRules inDirectory(String relativeDir, RuleFiles files) throws IOException {
    if (!hasPerDirectoryFiles()) {
      return this;
    }
    List<Item> next = new ArrayList<>(items.size());
    boolean changed = false;
    for (Item i : items) {
      if (i instanceof PerDirectory p) {
        PerDirectory q = p.enter(relativeDir, files);
        changed |= q != p;
        next.add(q);
      } else {
        next.add(i);
      }
    }
    return changed ? new FilterRules(Collections.unmodifiableList(next)) : this;
  }

  @Override
  public String toString() {
    return "FilterRules" + describe();
  }

  /** Collects rules in order. Not thread-safe; {@link #build()} gives an immutable snapshot. */
  public static final class Builder {
    private final List<Item> items = new ArrayList<>();

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
      for (String line : lines(reader, Integer.MAX_VALUE, "")) {
        add(include, line);
      }
      return this;
    }

    /**
     * Adds one rule in rsync's {@code --filter} syntax: {@code RULE[,MODIFIERS] [PATTERN]} with
     * {@code +}/{@code include}, {@code -}/{@code exclude}, {@code H}/{@code hide}, {@code
     * S}/{@code show}, {@code P}/{@code protect}, {@code R}/{@code risk}, {@code !}/{@code clear}
     * (drops the rules before it), {@code .}/{@code merge FILE} (its rules, read now), {@code
     * :}/{@code dir-merge NAME} (the rules of file NAME in each directory, see {@link
     * FilterRules#inDirectory}). Modifiers: {@code !} (the rule applies where the pattern does not
     * match), {@code s}/{@code r} (sending or receiving side only); for merge files also {@code
     * -}/{@code +} (every line is an exclude or include pattern), {@code e} (exclude the file
     * itself), {@code n} (a directory's rules are not inherited by its subdirectories).
     *
     * @param files opens {@code merge} files (null: a merge rule is refused)
     * @throws IllegalArgumentException for a rule that cannot be parsed, or a modifier rsync has
     *     and fxcp does not (say which), naming the rule
     */
    public Builder filter(String rule, RuleFiles files) throws IOException {
      parse(Objects.requireNonNull(rule, "rule"), files, "", items, 0, null);
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
      items.add(Rule.compile(include, true, true, true, false, pattern, "", null));
      return this;
    }

    public FilterRules build() {
      return items.isEmpty()
          ? NONE
          : new FilterRules(Collections.unmodifiableList(new ArrayList<>(items)));
    }
  }

  // ------------------------------------------------------------------ the --filter syntax

  private static final String[][] LONG_NAMES = {
    {"include", "+"},
    {"exclude", "-"},
    {"hide", "H"},
    {"show", "S"},
    {"protect", "P"},
    {"risk", "R"},
    {"clear", "!"},
    {"merge", "."},
    {"dir-merge", ":"},
  };

  /**
   * Parses one rule into {@code into}.
   *
   * @param base the directory of the per-directory file it comes from ("": a command-line rule)
   * @param lineKind a merge file's {@code +} or {@code -} modifier: each line is a pattern of that
   *     kind (null: each line is a rule)
   * @return whether the rule was {@code clear}
   */
  private static boolean parse(
      String text, RuleFiles files, String base, List<Item> into, int depth, String lineKind)
      throws IOException {
    if (lineKind != null) {
      text = lineKind + " " + text;
    }
    String kind;
    String mods;
    String arg;
    int sep = firstSeparator(text);
    String head = sep < 0 ? text : text.substring(0, sep);
    String word = head;
    int comma = head.indexOf(',');
    if (comma > 0) {
      word = head.substring(0, comma);
    }
    String shortName = null;
    for (String[] n : LONG_NAMES) {
      if (n[0].equals(word)) {
        shortName = n[1];
      }
    }
    if (shortName != null) {
      kind = shortName;
      mods = comma > 0 ? head.substring(comma + 1) : "";
    } else if (!head.isEmpty() && "+-HSPR!.:".indexOf(head.charAt(0)) >= 0) {
      kind = head.substring(0, 1);
      mods = head.substring(1);
      if (mods.startsWith(",")) {
        mods = mods.substring(1);
      }
    } else {
      throw new IllegalArgumentException(
          "filter rule '"
              + text
              + "': unknown rule; start with +, -, H, S, P, R, !, merge or dir-merge, e.g. '- *.tmp'");
    }
    arg = sep < 0 ? "" : text.substring(sep + 1);
    if (kind.equals("!")) {
      if (!mods.isEmpty() || !arg.isEmpty()) {
        throw new IllegalArgumentException(
            "filter rule '" + text + "': clear ('!') takes no pattern or modifier");
      }
      into.clear();
      return true;
    }
    if (arg.isEmpty()) {
      throw new IllegalArgumentException(
          "filter rule '" + text + "': no pattern; give a name or glob such as '- *.tmp'");
    }
    if (kind.equals(".") || kind.equals(":")) {
      Merge m = Merge.parse(text, kind, mods, arg);
      if (depth >= MAX_MERGE_DEPTH) {
        throw new IllegalArgumentException(
            "filter rule '" + text + "': merge files nested " + depth + " deep; is there a loop?");
      }
      if (kind.equals(":")) {
        if (!base.isEmpty() || lineKind != null || depth > 0) {
          throw new IllegalArgumentException(
              "filter rule '"
                  + text
                  + "': a dir-merge rule inside a merge file is not supported by fxcp; give it"
                  + " with --filter");
        }
        // e: the file itself is never copied, in any directory
        List<Rule> self =
            m.excludeSelf
                ? List.of(Rule.compile(false, true, true, false, false, m.file, "", null))
                : List.of();
        into.add(new PerDirectory(m, self, self));
        return false;
      }
      if (files == null) {
        throw new IllegalArgumentException(
            "filter rule '" + text + "': merge files cannot be read here");
      }
      Reader r = files.open(arg);
      if (r == null) {
        throw new IllegalArgumentException(
            "filter rule '" + text + "': merge file " + arg + " does not exist; check the path");
      }
      try (r) {
        for (String line : lines(r, MAX_RULE_FILE_CHARS, arg)) {
          parseSided(line, files, base, into, depth + 1, m);
        }
      }
      if (m.excludeSelf) {
        String name = arg.substring(arg.lastIndexOf('/') + 1);
        into.add(Rule.compile(false, true, true, false, false, name, base, null));
      }
      return false;
    }
    boolean negate = false;
    boolean sendingOnly = false;
    boolean receivingOnly = false;
    for (char c : mods.toCharArray()) {
      switch (c) {
        case '!' -> negate = true;
        case 's' -> sendingOnly = true;
        case 'r' -> receivingOnly = true;
        default ->
            throw new IllegalArgumentException(
                "filter rule '"
                    + text
                    + "': modifier '"
                    + c
                    + "' is "
                    + switch (c) {
                      case '/' -> "rsync's absolute-path match, which fxcp does not support";
                      case 'C' -> "rsync's CVS-ignore, which fxcp does not support";
                      case 'p' -> "rsync's perishable rule, which fxcp does not support";
                      case 'x' -> "rsync's xattr-name filter, which fxcp does not support";
                      default -> "not a filter modifier (fxcp knows !, s and r)";
                    });
      }
    }
    boolean include = kind.equals("+") || kind.equals("S") || kind.equals("R");
    boolean sending = !kind.equals("P") && !kind.equals("R") && !receivingOnly;
    boolean receiving = !kind.equals("H") && !kind.equals("S") && !sendingOnly;
    boolean plain = (kind.equals("+") || kind.equals("-")) && !sendingOnly && !receivingOnly;
    if (!sending && !receiving) {
      throw new IllegalArgumentException(
          "filter rule '" + text + "': s and r together leave the rule no side to act on");
    }
    into.add(Rule.compile(include, sending, receiving, plain, negate, arg, base, text));
    return false;
  }

  /** A line of a merge file: a rule, whose sides the file's own {@code s}/{@code r} narrow. */
  private static boolean parseSided(
      String line, RuleFiles files, String base, List<Item> into, int depth, Merge m)
      throws IOException {
    int before = into.size();
    boolean cleared = parse(line, files, base, into, depth, m.lineKind);
    for (int i = cleared ? 0 : before; i < into.size(); i++) {
      if (into.get(i) instanceof Rule r && (m.sendingOnly || m.receivingOnly)) {
        into.set(i, r.sided(!m.receivingOnly && r.sending, !m.sendingOnly && r.receiving));
      }
    }
    return cleared;
  }

  /** Where a rule's kind and modifiers end: the first space or underscore. */
  private static int firstSeparator(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == ' ' || c == '_') {
        return i;
      }
    }
    return -1;
  }

  /** A rule file's rule lines: blank lines and {@code #} or {@code ;} comments skipped. */
  private static List<String> lines(Reader reader, int maxChars, String file) throws IOException {
    BufferedReader in = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
    List<String> out = new ArrayList<>();
    long total = 0;
    String line;
    while ((line = in.readLine()) != null) {
      total += line.length() + 1;
      if (total > maxChars) {
        throw new IllegalArgumentException(
            "filter rule file "
                + file
                + " is over "
                + maxChars
                + " characters; is it a rule file?");
      }
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      out.add(line);
    }
    return out;
  }

  /** A merge rule: the file and its modifiers. */
  private record Merge(
      String written,
      String file,
      String lineKind,
      boolean excludeSelf,
      boolean inherit,
      boolean sendingOnly,
      boolean receivingOnly) {
    static Merge parse(String text, String kind, String mods, String file) {
      String lineKind = null;
      boolean e = false;
      boolean n = false;
      boolean s = false;
      boolean r = false;
      for (char c : mods.toCharArray()) {
        switch (c) {
          case '-', '+' -> lineKind = String.valueOf(c);
          case 'e' -> e = true;
          case 'n' -> n = true;
          case 's' -> s = true;
          case 'r' -> r = true;
          default ->
              throw new IllegalArgumentException(
                  "filter rule '"
                      + text
                      + "': merge modifier '"
                      + c
                      + "' is not supported by fxcp (it knows -, +, e, n, s and r)");
        }
      }
      if (kind.equals(":") && file.startsWith("/")) {
        // rsync's -F form: a name to look for in every directory (fxcp does not also look in the
        // directories above the transfer root)
        file = file.substring(1);
      }
      if (kind.equals(":") && (file.isEmpty() || file.contains("/"))) {
        throw new IllegalArgumentException(
            "filter rule '" + text + "': a dir-merge file is a name, found in each directory");
      }
      return new Merge(text, file, lineKind, e, !n, s, r);
    }
  }

  /** A rule or a {@code dir-merge} rule with the rules its files gave so far. */
  private sealed interface Item permits Rule, PerDirectory {
    List<Rule> rules();
  }

  /**
   * A {@code dir-merge} rule: {@link #active} are the rules for the current directory's entries,
   * its own file's first, then those inherited; {@link #inherited} is what its subdirectories start
   * from.
   */
  private static final class PerDirectory implements Item {
    final Merge merge;
    final String written;
    final List<Rule> active;
    final List<Rule> inherited;

    PerDirectory(Merge merge, List<Rule> active, List<Rule> inherited) {
      this.merge = merge;
      this.written = merge.written;
      this.active = active;
      this.inherited = inherited;
    }

    @Override
    public List<Rule> rules() {
      return active;
    }

    PerDirectory enter(String dir, RuleFiles files) throws IOException {
      Reader r = files.open(merge.file);
      List<Item> own = new ArrayList<>();
      boolean cleared = false;
      if (r != null) {
        String where = dir.isEmpty() ? merge.file : dir + "/" + merge.file;
        try (r) {
          for (String line : lines(r, MAX_RULE_FILE_CHARS, where)) {
            try {
              cleared |= parseSided(line, null, dir, own, 1, merge);
            } catch (IllegalArgumentException e) {
              throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
          }
        }
      }
      if (own.isEmpty() && !cleared && merge.inherit && active == inherited) {
        return this; // nothing here: the parent's rules, as they were
      }
      List<Rule> mine = new ArrayList<>();
      for (Item i : own) {
        mine.addAll(i.rules());
      }
      List<Rule> now = new ArrayList<>(mine);
      if (!cleared) {
        now.addAll(inherited);
      }
      List<Rule> here = List.copyOf(now);
      return new PerDirectory(merge, here, merge.inherit ? here : inherited);
    }
  }

  /** rsync's wildmatch on its own (no anchoring or splitting on '/'), for its test vectors. */
  static boolean wildmatch(String pattern, String text) {
    return Glob.compile(pattern, false, false, pattern).matches(text);
  }

  private static final class Rule implements Item {
    final boolean include;
    final boolean sending;
    final boolean receiving;
    final boolean plain; // - or + without s/r: --delete-excluded makes it sending-only
    final boolean negate;
    final String pattern;
    final String base; // a per-directory rule's directory: it matches below it, anchored there
    final String written; // as the user wrote it
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
        boolean sending,
        boolean receiving,
        boolean plain,
        boolean negate,
        String pattern,
        String base,
        String written,
        boolean directoryOnly,
        boolean wholePath,
        Glob glob,
        Glob under) {
      this.include = include;
      this.sending = sending;
      this.receiving = receiving;
      this.plain = plain;
      this.negate = negate;
      this.pattern = pattern;
      this.base = base;
      this.written = written != null ? written : (include ? "+ " : "- ") + pattern;
      this.directoryOnly = directoryOnly;
      this.wholePath = wholePath;
      this.glob = glob;
      this.under = under;
    }

    @Override
    public List<Rule> rules() {
      return List.of(this);
    }

    Rule sided(boolean sending, boolean receiving) {
      return new Rule(
          include,
          sending,
          receiving,
          false,
          negate,
          pattern,
          base,
          written + (sending ? " (sending side)" : " (receiving side)"),
          directoryOnly,
          wholePath,
          glob,
          under);
    }

    boolean matches(String path, String name, boolean directory) {
      if (!base.isEmpty()) {
        // a per-directory rule sees paths from its own directory, which they are all below
        if (!path.startsWith(base)
            || path.length() <= base.length()
            || path.charAt(base.length()) != '/') {
          return false;
        }
        path = path.substring(base.length() + 1);
      }
      return negate != matchesPattern(path, name, directory);
    }

    private boolean matchesPattern(String path, String name, boolean directory) {
      if (under != null && under.matches(path)) {
        return true;
      }
      if (directoryOnly && !directory) {
        return false;
      }
      return glob.matches(wholePath ? path : name);
    }

    static Rule compile(
        boolean include,
        boolean sending,
        boolean receiving,
        boolean plain,
        boolean negate,
        String source,
        String base,
        String written) {
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
      return new Rule(
          include,
          sending,
          receiving,
          plain,
          negate,
          source,
          base,
          written,
          directoryOnly,
          wholePath,
          glob,
          under);
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
