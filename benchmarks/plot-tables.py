#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Gives every results table of the benchmark page a plot drawn from the table itself.

Usage: plot-tables.py [--check] PAGE.md IMAGES_DIR

A table with measured columns (times, sizes, rates, percentages, ratios) and no picture just above
it gets one: an SVG of horizontal bars, one group per row, one bar per column of the table's first
kind of measure, written to IMAGES_DIR/table-<heading>.svg and linked from the line above the
table. Tables drawn by the benchmark scripts' own plotters (their picture already precedes them)
and tables of words (targets and what was reached) are left alone. Plots this script made are
redrawn from their tables on every run, so a table edited by hand keeps a true plot.
--check changes nothing and exits 1 if the page or a plot is not what a run would make (CI).
"""
import math
import os
import re
import sys
from html import escape

PLOT = re.compile(r"^!\[[^\]]*\]\(images/(table-[a-z0-9-]+)\.svg\)$")
ANY_PLOT = re.compile(r"^!\[[^\]]*\]\(images/[^)]+\)$")
# a number, then a unit; the first one in a cell is its value ("3.26 / 5.52 ms" is 3.26 ms)
VALUE = re.compile(r"(-?\d[\d,]*(?:\.\d+)?)\s*(us|ms|s|MiB|GiB|KiB|GB/s|MB/s|%|x|files/s|events/s)?(?![\w/])")
UNITS = {  # unit -> (kind, factor to the kind's base, base's name)
    "us": ("time", 0.001, "ms"), "ms": ("time", 1.0, "ms"), "s": ("time", 1000.0, "ms"),
    "KiB": ("size", 1 / 1024, "MiB"), "MiB": ("size", 1.0, "MiB"), "GiB": ("size", 1024.0, "MiB"),
    "MB/s": ("rate", 1.0, "MB/s"), "GB/s": ("rate", 1000.0, "MB/s"),
    "files/s": ("files", 1.0, "files/s"), "events/s": ("events", 1.0, "events/s"),
    "%": ("percent", 1.0, "%"), "x": ("ratio", 1.0, "x"), None: ("ratio", 1.0, ""),
}
COLORS = ["#d9480f", "#1c7ed6", "#868e96", "#37b24d", "#ae3ec9", "#f59f00", "#1098ad"]


def cells(line):
    return [c.strip() for c in line.strip().strip("|").split("|")]


def header_unit(header):
    m = re.search(r"\b(us|ms|s|MiB|GiB|MB/s|GB/s)\b", header)
    return m.group(1) if m else None


def value(cell, unit):
    text = cell.replace("*", "").replace("`", "")
    if not text or text == "-" or re.match(r"^[A-Za-z]", text):
        return None
    m = VALUE.search(text)
    if not m or m.start() > 0:
        return None
    number = float(m.group(1).replace(",", ""))
    u = m.group(2) or unit
    if u is None and " / " in text:  # "3.26 / 5.52 ms": the unit is at the end
        tail = VALUE.findall(text)
        u = tail[-1][1] or None
    kind, factor, base = UNITS[u]
    return kind, number * factor, base


def slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def plot(title, rows, series, base, log):
    """rows: [(label, [value or None per series])] -> SVG text."""
    bar, gap, group_gap, left, top, width = 12, 2, 12, 330, 44, 900
    group = len(series) * (bar + gap) + group_gap
    height = top + len(rows) * group + 40
    values = [v for _, vs in rows for v in vs if v is not None and v > 0]
    hi = max(values)
    lo = min(values)
    span = width - left - 120

    def length(v):
        if log:
            a, b = math.log10(lo) - 0.3, math.log10(hi)
            return max(2.0, span * (math.log10(v) - a) / (b - a))
        return max(1.0, span * v / hi)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="11">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="10" y="18" font-size="13" font-weight="bold">{escape(title)}</text>',
           f'<text x="10" y="34" fill="#555">{escape(base or "value")}'
           f'{", logarithmic" if log else ""}; drawn from the table below</text>']
    for i, s in enumerate(series):  # legend
        x = left + i * 150
        out.append(f'<rect x="{x}" y="{top - 14}" width="10" height="10" fill="{COLORS[i % len(COLORS)]}"/>')
        out.append(f'<text x="{x + 14}" y="{top - 5}">{escape(s[:22])}</text>')
    y = top + 6
    for label, vs in rows:
        out.append(f'<text x="{left - 8}" y="{y + len(series) * (bar + gap) / 2 + 4}" '
                   f'text-anchor="end">{escape(label[:58])}</text>')
        for i, v in enumerate(vs):
            if v == 0:  # nothing to draw, but a measured zero all the same
                out.append(f'<text x="{left + 4}" y="{y + bar - 2}">0</text>')
            elif v is not None and v > 0:
                w = length(v)
                out.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar}" '
                           f'fill="{COLORS[i % len(COLORS)]}"/>')
                shown = f"{v:,.0f}" if v >= 100 else f"{v:.3g}"
                out.append(f'<text x="{left + w + 4:.1f}" y="{y + bar - 2}">{shown}</text>')
            y += bar + gap
        y += group_gap
    out.append("</svg>")
    return "\n".join(out) + "\n"


def tables(lines):
    """Yields (start, end, heading) of each table: lines[start:end] are its rows."""
    heading, i = "", 0
    while i < len(lines):
        if lines[i].startswith("#"):
            heading = lines[i].lstrip("#").strip()
        if lines[i].startswith("|") and i + 1 < len(lines) and re.match(r"^\|[-:| ]+\|$", lines[i + 1]):
            j = i
            while j < len(lines) and lines[j].startswith("|"):
                j += 1
            yield i, j, heading
            i = j
            continue
        i += 1


def chart(lines, start, end):
    headers = cells(lines[start])
    if headers[0].lower() == "target":  # targets and what was reached: words, not measurements
        return None
    body = [(cells(l) + [""] * len(headers))[:len(headers)] for l in lines[start + 2:end]]
    parsed = [[value(c, header_unit(h)) if k > 0 else None for k, (c, h) in enumerate(zip(r, headers))]
              for r in body]
    numeric = [k for k in range(1, len(headers))
               if sum(1 for r in parsed if k < len(r) and r[k]) >= max(1, len(body) // 2)]
    if not numeric:
        return None
    kind = next(r[numeric[0]][0] for r in parsed if r[numeric[0]])
    # the columns of that kind; a cell of another kind in them ("1,231 ms (1.65x)" is fine) is left out
    cols = [k for k in numeric if sum(1 for r in parsed if r[k] and r[k][0] == kind) >= len(body) // 2]
    if not cols:
        return None
    base = next(r[cols[0]][2] for r in parsed if r[cols[0]] and r[cols[0]][0] == kind)
    rows, carry = [], ""
    words = [k for k in range(len(headers)) if k not in numeric]
    for r, p in zip(body, parsed):
        carry = r[0] or carry  # an empty first cell continues the row above
        parts = [carry] + [r[k] for k in words[1:] if k < len(r) and r[k] and r[k] != "-"]
        label = " | ".join(t.replace("`", "").replace("*", "") for t in parts if t)
        vals = [p[k][1] if p[k] and p[k][0] == kind else None for k in cols]
        if any(v is not None for v in vals):
            rows.append((label, vals))
    if not rows:
        return None
    values = [v for _, vs in rows for v in vs if v is not None and v > 0]
    if not values:
        return None
    log = max(values) / min(values) > 30
    return rows, [headers[k] for k in cols], base, log


def main(argv):
    check = "--check" in argv
    page, images = [a for a in argv if a != "--check"]
    with open(page) as f:
        lines = f.read().split("\n")
    out, wanted, last = [], {}, 0
    for start, end, heading in tables(lines):
        above = start - 1
        while above >= 0 and lines[above].strip() == "":
            above -= 1
        ours = PLOT.match(lines[above]) if above >= 0 else None
        theirs = above >= 0 and ANY_PLOT.match(lines[above]) and not ours
        keep_to = above if ours else start
        out.extend(lines[last:keep_to] if ours else lines[last:start])
        if ours:  # our own picture: drop it and its blank line, redrawn below
            while out and out[-1].strip() == "":
                out.pop()
            out.append("")
        last = start
        c = None if theirs else chart(lines, start, end)
        if c:
            rows, series, base, log = c
            name = "table-" + slug(heading)
            n = 2
            while name in wanted:
                name = f"table-{slug(heading)}-{n}"
                n += 1
            wanted[name] = plot(heading, rows, series, base, log)
            out.append(f"![{heading}: {', '.join(series)}]({'images/' + name}.svg)")
            out.append("")
    out.extend(lines[last:])
    text = "\n".join(out)
    stale = []
    with open(page) as f:
        if f.read() != text:
            stale.append(page)
    for name, svg in wanted.items():
        path = os.path.join(images, name + ".svg")
        if not os.path.exists(path) or open(path).read() != svg:
            stale.append(path)
    orphans = [os.path.join(images, f) for f in sorted(os.listdir(images))
               if f.startswith("table-") and f.endswith(".svg") and f[:-4] not in wanted]
    stale.extend(orphans)
    if check:
        if stale:
            print("plot-tables: not up to date (run benchmarks/plot-tables.py " + page + " " + images + "): "
                  + ", ".join(stale), file=sys.stderr)
            return 1
        print(f"plot-tables: {len(wanted)} generated plots up to date")
        return 0
    with open(page, "w") as f:
        f.write(text)
    for name, svg in wanted.items():
        with open(os.path.join(images, name + ".svg"), "w") as f:
            f.write(svg)
    for path in orphans:
        os.remove(path)
    print(f"plot-tables: {len(wanted)} plots; changed: {', '.join(stale) or 'nothing'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
