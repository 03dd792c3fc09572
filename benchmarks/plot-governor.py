#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Draws e2e-governor.sh's CSV as an SVG line chart (no plotting library needed).

Usage: plot-governor.py RESULTS.csv OUT.svg
Files copied per second, each second, by fxcp -a --throttle and by fxcp -a, while CPU hogs run at first.
"""
import csv
import sys
from html import escape

COLORS = {"throttled": "#d9480f", "fxcp": "#868e96"}
NAMES = {"throttled": "fxcp -a --throttle", "fxcp": "fxcp -a"}


def main(src, out):
    with open(src) as f:
        lines = [line for line in f if not line.startswith("#")]
        f.seek(0)
        title = f.readline().lstrip("# ").strip()
    rows = list(csv.DictReader(lines))
    series = {k: [(int(r["second"]), float(r[k])) for r in rows if r.get(k)] for k in COLORS}
    top_value = max(v for s in series.values() for _, v in s) * 1.1
    n = max(x for s in series.values() for x, _ in s)
    left, top, width, height = 70, 40, 520, 240

    def xy(x, v):
        return left + width * (x - 0.5) / n, top + height - height * v / top_value

    svg = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="11">'
           % (left + width + 30, top + height + 70),
           '<text x="%d" y="20" font-size="13">Files copied per second (%s)</text>' % (left, escape(title[:90]))]
    step = 5000 if top_value > 20000 else 2000
    for v in range(0, int(top_value) + 1, step):
        _, y = xy(0.5, v)
        svg.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#dee2e6"/>' % (left, left + width, y, y))
        svg.append('<text x="%d" y="%.1f" text-anchor="end">%d</text>' % (left - 6, y + 4, v))
    for x in range(1, n + 1):
        px, _ = xy(x, 0)
        svg.append('<text x="%.1f" y="%d" text-anchor="middle">%d s</text>' % (px, top + height + 16, x))
    for k, s in series.items():
        pts = " ".join("%.1f,%.1f" % xy(x, v) for x, v in s)
        svg.append('<polyline points="%s" fill="none" stroke="%s" stroke-width="2.5"/>' % (pts, COLORS[k]))
    lx = left
    for k, color in COLORS.items():
        svg.append('<rect x="%d" y="%d" width="12" height="12" fill="%s"/><text x="%d" y="%d">%s</text>'
                   % (lx, top + height + 34, color, lx + 16, top + height + 44, escape(NAMES[k])))
        lx += 150
    svg.append("</svg>")
    with open(out, "w") as f:
        f.write("\n".join(svg) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
