#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Draws e2e-mirror.sh's Markdown table as an SVG bar chart (no plotting library needed).

Usage: plot-mirror.py RESULTS.md OUT.svg
One group per kind of change: foxingd and lsyncd, p50 as a bar and p99 as a tick (lower is better).
"""
import math
import re
import sys
from html import escape

COLORS = {"foxingd": "#d9480f", "lsyncd": "#868e96"}


def rows(path):
    for line in open(path):
        m = re.match(r"^\| (\S+) \| ([\d.]+) ms \| ([\d.]+) ms \| ([\d.]+) ms \| ([\d.]+) ms \|", line)
        if m:
            k, a50, a99, b50, b99 = m.groups()
            yield k, {"foxingd": (float(a50), float(a99)), "lsyncd": (float(b50), float(b99))}


def main(src, out):
    data = list(rows(src))
    if not data:
        sys.exit("plot-mirror: no table rows in " + src)
    lo, hi = 0.0, 2.3  # log10(ms): 1 ms .. 200 ms
    bar, gap, group_gap, left, top, height = 22, 4, 40, 60, 50, 240
    width = left + len(data) * (2 * (bar + gap) + group_gap) + 40

    def y_of(ms):
        v = min(max(math.log10(max(ms, 1.0)), lo), hi)
        return top + height - height * (v - lo) / (hi - lo)

    svg = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="11">'
           % (width, top + height + 60),
           '<text x="%d" y="20" font-size="13">Change to target, ms (log scale; bar p50, tick p99; lower is better)</text>' % left]
    for ms in (1, 2, 5, 10, 20, 50, 100, 200):
        y = y_of(ms)
        svg.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#dee2e6"/>' % (left, width - 20, y, y))
        svg.append('<text x="%d" y="%.1f" text-anchor="end">%d</text>' % (left - 6, y + 4, ms))
    x = left + 10
    for kind, tools in data:
        for tool in ("foxingd", "lsyncd"):
            p50, p99 = tools[tool]
            y = y_of(p50)
            svg.append('<rect x="%d" y="%.1f" width="%d" height="%.1f" fill="%s"><title>%s %s p50 %.2f ms, p99 %.2f ms</title></rect>'
                       % (x, y, bar, top + height - y, COLORS[tool], escape(tool), escape(kind), p50, p99))
            y99 = y_of(p99)
            svg.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#212529" stroke-width="2"/>' % (x, x + bar, y99, y99))
            x += bar + gap
        svg.append('<text x="%d" y="%d" text-anchor="middle">%s</text>' % (x - bar - gap, top + height + 16, escape(kind)))
        x += group_gap
    lx = left
    for tool, color in COLORS.items():
        svg.append('<rect x="%d" y="%d" width="12" height="12" fill="%s"/><text x="%d" y="%d">%s</text>'
                   % (lx, top + height + 34, color, lx + 16, top + height + 44, tool))
        lx += 90
    svg.append("</svg>")
    with open(out, "w") as f:
        f.write("\n".join(svg) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
