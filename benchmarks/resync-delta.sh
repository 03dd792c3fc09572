#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Delta resync: fxcp (signatures on the target) against rsync --no-whole-file --inplace, same data,
# same run. 10 x 100 MiB files copied once with signatures; then the sources are edited and both
# tools bring their own copy up to date. Two edit patterns:
#   scattered: 1% of the 4 KiB blocks of each file, at random (the issue's benchmark)
#   clustered: one 1 MiB region per file (what fxcp's chunking handles)
# Prints time and bytes written (from /proc/self/io of each tool, write_bytes) per tool.
# Usage: sudo benchmarks/resync-delta.sh [--workdir DIR]   (needs btrfs-progs, xfsprogs, rsync)
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
fxcp="$(dirname "$here")/fxcp"
work=/var/tmp/foxing-delta
[ "${1:-}" = --workdir ] && work="$2"
mkdir -p "$work/src" "$work/mnt"
cleanup() { umount "$work/mnt" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
truncate -s 4G "$work/xfs.img" && mkfs.xfs -q -f "$work/xfs.img" && mount -o loop "$work/xfs.img" "$work/mnt"
for i in $(seq 10); do head -c 100M /dev/urandom >"$work/src/f$i"; done
"$fxcp" --version >/dev/null

edit() {
  python3 - "$work/src" "$1" <<'PY'
import os, random, sys
src, pattern = sys.argv[1], sys.argv[2]
rnd = random.Random(3)
for i in range(1, 11):
    with open(os.path.join(src, f"f{i}"), "r+b") as f:
        if pattern == "scattered":
            for b in rnd.sample(range(25600), 256):   # 1% of 25,600 blocks of 4 KiB
                f.seek(b * 4096); f.write(os.urandom(4096))
        else:
            f.seek(rnd.randrange(0, 99) << 20); f.write(os.urandom(1 << 20))
PY
}

written() {  # bytes written to the XFS image's device while running the command
  local dev before after
  dev="$(basename "$(findmnt -n -o SOURCE "$work/mnt")")"
  before=$(awk '{print $7}' "/sys/block/$dev/stat")
  "$@" >/dev/null 2>&1
  sync
  after=$(awk '{print $7}' "/sys/block/$dev/stat")
  echo $(((after - before) * 512))
}

printf '| edits | tool | ms | MiB written to the target device |\n|---|---|---:|---:|\n'
for pattern in scattered clustered; do
  rm -rf "$work/mnt/fx" "$work/mnt/rs"
  "$fxcp" -a --generate-sigs "$work/src/" "$work/mnt/fx"
  rsync -a "$work/src/" "$work/mnt/rs/"
  sync
  edit "$pattern"
  sync; echo 3 >/proc/sys/vm/drop_caches; "$fxcp" --version >/dev/null; rsync --version >/dev/null
  t0=$(date +%s%N); w=$(written "$fxcp" -a "$work/src/" "$work/mnt/fx"); t1=$(date +%s%N)
  printf '| %s | fxcp -a | %d | %d |\n' "$pattern" $(((t1 - t0) / 1000000)) $((w >> 20))
  sync; echo 3 >/proc/sys/vm/drop_caches; rsync --version >/dev/null
  t0=$(date +%s%N); w=$(written rsync -a --no-whole-file --inplace "$work/src/" "$work/mnt/rs/"); t1=$(date +%s%N)
  printf '| %s | rsync --no-whole-file --inplace | %d | %d |\n' "$pattern" $(((t1 - t0) / 1000000)) $((w >> 20))
  cmp -s "$work/src/f1" "$work/mnt/fx/f1" || echo "fxcp copy differs from the source!" >&2
done
