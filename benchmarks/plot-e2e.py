#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Draws the e2e-copy.sh CSV as an SVG bar chart (no plotting library needed).

Usage: plot-e2e.py RESULTS.csv OUT.svg
One group of bars per workload and scenario: fxcp, cp, rsync wall time in ms (lower is better).
"""
import csv
import math
import sys
from html import escape

COLORS = {"fxcp": "#d9480f", "cp": "#1c7ed6", "rsync": "#868e96"}


def rows(path):
    with open(path) as f:
        lines = [line for line in f if not line.startswith("#")]
    for r in csv.DictReader(lines):
        yield r


def number(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return None


def main(src, out):
    data = [r for r in rows(src)]
    tools = ["fxcp", "cp", "rsync"]
    # times span 5 ms to 10 s: a logarithmic axis keeps every bar readable
    lo, hi = 0.4, 4.3  # log10(ms): 2.5 ms .. 20 s
    bar, gap, group_gap, left, top, height = 16, 2, 30, 60, 50, 260
    width = max(560, left + len(data) * (3 * (bar + gap) + group_gap) + 40)

    def y_of(ms):
        v = min(max(math.log10(max(ms, 1.0)), lo), hi)
        return top + height - height * (v - lo) / (hi - lo)

    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{top + height + 170}" font-family="sans-serif" font-size="11">',
           '<rect width="100%" height="100%" fill="white"/>',
           f'<text x="{left}" y="20" font-size="13">fxcp -a vs cp -a vs rsync -a: wall time in ms, log scale (lower is better)</text>']
    for ms in (3, 10, 30, 100, 300, 1000, 3000, 10000):
        y = y_of(ms)
        svg.append(f'<line x1="{left - 4}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#dee2e6"/>')
        svg.append(f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end">{ms}</text>')
    x = left
    for r in data:
        for t in tools:
            v = number(r[t + "_ms"])
            if v is not None:
                y = y_of(v)
                svg.append(f'<rect x="{x}" y="{y:.1f}" width="{bar}" height="{top + height - y:.1f}" fill="{COLORS[t]}">'
                           f'<title>{escape(t)}: {v:.0f} ms</title></rect>')
            x += bar + gap
        label = escape(f'{r["workload"]} {r["scenario"]}')
        cx = x - 2.5 * (bar + gap)
        svg.append(f'<text transform="translate({cx:.1f},{top + height + 12}) rotate(40)">{label}</text>')
        x += group_gap
    lx = width - 230
    for t in tools:
        svg.append(f'<rect x="{lx}" y="30" width="12" height="12" fill="{COLORS[t]}"/>'
                   f'<text x="{lx + 16}" y="40">{t}</text>')
        lx += 70
    svg.append("</svg>")
    with open(out, "w") as f:
        f.write("\n".join(svg) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: plot-e2e.py RESULTS.csv OUT.svg")
    main(sys.argv[1], sys.argv[2])
