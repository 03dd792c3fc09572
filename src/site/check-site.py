#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Looks at the built site (mvn site) the way a reader would: in a headless Chromium.

Usage: check-site.py SITE_DIR SCREENSHOT_DIR

For the front page and the benchmark page: Chromium renders each to a PNG, which must be drawn
(at least 2% of its pixels not background, in several colours), and its DOM must hold the page's
heading; every picture the benchmark page links must exist; the aggregated javadoc must list the
exported packages. Exits 1 with one line per problem. Run by .ci/run after mvn site.
"""
import os
import re
import struct
import subprocess
import sys
import tempfile
import zlib

CHROMIUM = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--hide-scrollbars"]


def pixels(png):
    """(width, height, rows of (r, g, b) tuples) of an 8-bit RGB or RGBA PNG."""
    data = open(png, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            if depth != 8 or colour not in (2, 6):
                raise ValueError(f"PNG depth {depth} colour type {colour} not read here")
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    rows = []
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(0, width, 4)])  # every 4th pixel
        prev = line
    return width, height, rows


def drawn(png):
    _, _, rows = pixels(png)
    flat = [p for row in rows[::4] for p in row]
    background = max(set(flat), key=flat.count)
    ink = sum(1 for p in flat if p != background) / len(flat)
    return ink, len(set(flat))


def main(site, shots):
    problems = []
    os.makedirs(shots, exist_ok=True)
    pages = {"index.html": "Foxing for the JVM", "benchmarks.html": "Benchmarks"}
    with tempfile.TemporaryDirectory() as profile:
        for page, heading in pages.items():
            path = os.path.abspath(os.path.join(site, page))
            if not os.path.exists(path):
                problems.append(f"{page}: not built")
                continue
            url = "file://" + path
            png = os.path.join(shots, page.replace(".html", ".png"))
            flags = CHROMIUM + [f"--user-data-dir={profile}"]
            subprocess.run(flags + ["--window-size=1280,1600", f"--screenshot={png}", url],
                           capture_output=True, timeout=120)
            dom = subprocess.run(flags + ["--dump-dom", url], capture_output=True, text=True, timeout=120).stdout
            if not os.path.exists(png):
                problems.append(f"{page}: Chromium made no screenshot")
            else:
                ink, colours = drawn(png)
                if ink < 0.02 or colours < 8:
                    problems.append(f"{page}: the screenshot is nearly empty ({ink:.1%} drawn, {colours} colours)")
                else:
                    print(f"check-site: {page} rendered: {ink:.1%} of the screenshot drawn, {colours} colours ({png})")
            if heading not in dom:
                problems.append(f"{page}: the rendered page lacks '{heading}'")
    bench = open(os.path.join(site, "benchmarks.html")).read() if os.path.exists(os.path.join(site, "benchmarks.html")) else ""
    images = re.findall(r'<img[^>]+src="([^"]+)"', bench)
    missing = [i for i in images if not os.path.exists(os.path.join(site, i))]
    if missing:
        problems.append("benchmarks.html links pictures that are not there: " + ", ".join(missing))
    tables = bench.count("<table")
    print(f"check-site: benchmarks.html has {tables} tables and {len(images)} plots, all present")
    api = os.path.join(site, "apidocs", "allpackages-index.html")
    if not os.path.exists(api) or "io.foxing.copy" not in open(api).read():
        problems.append("apidocs: no aggregated javadoc listing io.foxing.copy")
    for p in problems:
        print("check-site: " + p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
