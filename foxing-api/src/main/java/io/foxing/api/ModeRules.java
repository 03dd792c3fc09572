// SPDX-License-Identifier: Apache-2.0
package io.foxing.api;

import java.util.ArrayList;
import java.util.List;

/**
 * Permission changes applied to the source's modes before they are copied (rsync's {@code
 * --chmod}): chmod(1)'s comma-separated items, each optionally prefixed with {@code D} (directories
 * only) or {@code F} (everything else). An item is octal ({@code 644}, {@code 2775}) or symbolic:
 * who ({@code u}, {@code g}, {@code o}, {@code a}; none means all bits the umask leaves), then one
 * operator ({@code +}, {@code -}, {@code =}) with permissions ({@code r}, {@code w}, {@code x},
 * {@code X}: execute only for directories and files someone may already execute, {@code s}, {@code
 * t}). Examples: {@code Dg+s,ug+w,Fo-w,+X}; {@code D2775,F664}.
 *
 * <p>The result is what the source is taken to have: with permissions kept ({@code -p}, {@code -a})
 * the target gets it; without, new entries get it less the umask, as rsync does. Immutable and
 * thread-safe.
 */
public final class ModeRules {
  /** No changes. */
  public static final ModeRules NONE = new ModeRules(List.of(), "");

  private static final int DIRS_ONLY = 1;
  private static final int FILES_ONLY = 2;

  /** One step: mode = mode & and | or, with {@code X} resolved per entry. */
  private record Step(int and, int or, int xOr, int scope) {}

  private final List<Step> steps;
  private final String text;

  private ModeRules(List<Step> steps, String text) {
    this.steps = steps;
    this.text = text;
  }

  /**
   * Parses rules as written after {@code --chmod=}; {@code umask} is what symbolic items without a
   * who leave alone (chmod(1)'s rule).
   *
   * @throws IllegalArgumentException naming the item that is not a rule
   */
  public static ModeRules parse(String rules, int umask) {
    List<Step> steps = new ArrayList<>();
    for (String item : rules.split(",", -1)) {
      steps.addAll(item(item, umask & 0777));
    }
    return new ModeRules(List.copyOf(steps), rules);
  }

  /** These rules, then {@code more}'s (rsync appends each {@code --chmod} to the list). */
  public ModeRules then(ModeRules more) {
    if (steps.isEmpty()) {
      return more;
    }
    List<Step> all = new ArrayList<>(steps);
    all.addAll(more.steps);
    return new ModeRules(List.copyOf(all), more.text.isEmpty() ? text : text + "," + more.text);
  }

  public boolean isEmpty() {
    return steps.isEmpty();
  }

  /** The permission bits (07777) of an entry after the rules; {@code mode} is its own. */
  public int apply(int mode, boolean directory) {
    int m = mode & 07777;
    for (Step s : steps) {
      if (s.scope == DIRS_ONLY && !directory || s.scope == FILES_ONLY && directory) {
        continue;
      }
      // X: execute where it is a directory or anyone may already execute it (before this step)
      int x = directory || (m & 0111) != 0 ? s.xOr : 0;
      m = (m & s.and) | s.or | x;
    }
    return m;
  }

  /** The rules as given (for records and messages). */
  @Override
  public String toString() {
    return text;
  }

  private static List<Step> item(String item, int umask) {
    String rest = item;
    int scope = 0;
    if (rest.startsWith("D")) {
      scope = DIRS_ONLY;
      rest = rest.substring(1);
    } else if (rest.startsWith("F")) {
      scope = FILES_ONLY;
      rest = rest.substring(1);
    }
    if (rest.isEmpty()) {
      throw bad(item, "nothing to change");
    }
    if (rest.chars().allMatch(c -> c >= '0' && c <= '7')) {
      if (rest.length() > 4) {
        throw bad(item, "an octal mode has at most 4 digits");
      }
      return List.of(new Step(0, Integer.parseInt(rest, 8), 0, scope));
    }
    int i = 0;
    int who = 0;
    for (; i < rest.length() && "ugoa".indexOf(rest.charAt(i)) >= 0; i++) {
      who |=
          switch (rest.charAt(i)) {
            case 'u' -> 04700;
            case 'g' -> 02070;
            case 'o' -> 01007;
            default -> 07777;
          };
    }
    boolean whoGiven = who != 0;
    if (!whoGiven) {
      who = 07777 & ~umask;
    }
    if (i == rest.length()) {
      throw bad(item, "an operator (+, - or =) is missing");
    }
    List<Step> out = new ArrayList<>();
    while (i < rest.length()) {
      if (!out.isEmpty()) { // rsync takes one operator per item
        throw bad(item, "one operator per item: split it at the second one with a comma");
      }
      char op = rest.charAt(i++);
      if (op != '+' && op != '-' && op != '=') {
        throw bad(item, "'" + op + "' is not an operator (+, - or =)");
      }
      int bits = 0;
      int xBits = 0;
      for (; i < rest.length() && "+-=".indexOf(rest.charAt(i)) < 0; i++) {
        switch (rest.charAt(i)) {
          case 'r' -> bits |= 0444;
          case 'w' -> bits |= 0222;
          case 'x' -> bits |= 0111;
          case 'X' -> xBits |= 0111;
          case 's' -> bits |= 06000;
          case 't' -> bits |= 01000;
          default -> throw bad(item, "'" + rest.charAt(i) + "' is not one of r, w, x, X, s, t");
        }
      }
      // s: setgid when the group is named, setuid when the owner is or the group is not (so
      // o+s is setuid, as rsync takes it); t: sticky for o or a; the rest within who
      int mask = who & 0777;
      if ((bits & 06000) != 0) {
        mask |= (who & 0070) != 0 ? 02000 : 0;
        mask |= (who & 0700) != 0 || (who & 0070) == 0 ? 04000 : 0;
      }
      mask |= who & 01000;
      int set = bits & mask;
      int setX = xBits & mask;
      out.add(
          switch (op) {
            case '+' -> new Step(07777, set, setX, scope);
            case '-' -> new Step(07777 & ~(set | setX), 0, 0, scope);
            // = replaces who's rwx bits (without a who, all of them; the umask only limits what
            // is set); setuid, setgid and sticky stay unless named (as rsync)
            default -> new Step(07777 & ~(whoGiven ? who & 0777 : 0777), set, setX, scope);
          });
    }
    return out;
  }

  private static IllegalArgumentException bad(String item, String why) {
    return new IllegalArgumentException("--chmod item '" + item + "': " + why);
  }
}
