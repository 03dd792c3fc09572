// SPDX-License-Identifier: Apache-2.0
package io.foxing.api;

import java.util.Objects;

/**
 * One change the copier made (or, in a dry run, would make), in rsync's {@code --itemize-changes}
 * vocabulary so existing scripts can read it.
 *
 * <p>{@link #code()} is the 11-character {@code YXcstpoguax} string rsync prints: {@code Y} is the
 * update type ({@code >} received, {@code c} created, {@code h} hard link, {@code .} metadata only,
 * {@code *} a message such as {@code *deleting}); {@code X} the file type ({@code f}, {@code d},
 * {@code L}, {@code D}, {@code S}); then one letter per changed attribute ({@code c}hecksum, {@code
 * s}ize, {@code t}ime, {@code p}ermissions, {@code o}wner, {@code g}roup, {@code u}se time, {@code
 * a}cl, {@code x}attrs), {@code +} for all of them on a new entry, {@code .} for unchanged.
 *
 * @param code the itemize code, e.g. {@code ">f+++++++++"} or {@code "*deleting "}
 * @param path the path relative to the transfer root, raw bytes decoded as UTF-8 where valid
 * @param detail for a symlink {@code "-> target"}, for a hard link {@code "=> first-path"}, else
 *     empty
 */
public record Change(String code, String path, String detail) {
  public Change {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(detail, "detail");
  }

  /** The line rsync would print: {@code code path [detail]}. */
  public String itemizeLine() {
    return detail.isEmpty() ? code + " " + path : code + " " + path + " " + detail;
  }
}
