#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Resync of a tree where little or nothing changed: the walk and the per-entry checks, not data.
# 50,000 small files (each with a user xattr, as -X has to compare) in 500 directories on XFS.
# Tools, each on its own copy made before timing:
#   fxcp -a               a copy made by plain fxcp -a: every entry checked (stat, xattrs, ACLs)
#   fxcp -a (records)     a copy made and kept by fxcp -a --generate-sigs: directory records let
#                         unchanged directories' entries be left alone
#   rsync -aHAX           the peer with the same preservation
# Each no-change resync runs 3 times with warm caches and 3 times after dropping them; then one
# file in each of 5 directories is changed and each tool brings its copy up to date once.
# Prints a markdown table of medians and ratios to rsync, and checks each copy with rsync -aniHAX.
# Usage: sudo benchmarks/resync-tree.sh [--workdir DIR]   (needs xfsprogs, rsync, python3)
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
fxcp="$(dirname "$here")/fxcp"
# shellcheck source=benchmarks/lib.sh
. "$here/lib.sh"
die() { echo "resync-tree: $*" >&2; exit 2; }
need mkfs.xfs xfsprogs; need rsync rsync; need python3 python3
work=/var/tmp/foxing-resync-tree
[ "${1:-}" = --workdir ] && work="$2"
mkdir -p "$work/mnt"
cleanup() { umount "$work/mnt" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
truncate -s 4G "$work/xfs.img" && mkfs.xfs -q -f "$work/xfs.img" && mount -o loop "$work/xfs.img" "$work/mnt"
python3 - "$work/mnt/src" <<'PY'
import os, sys
root = sys.argv[1]
for d in range(500):
    p = os.path.join(root, f"d{d // 50}", f"e{d}")
    os.makedirs(p)
    for f in range(100):
        q = os.path.join(p, f"f{f}.txt")
        with open(q, "w") as out:
            out.write(f"file {d}/{f}\n" * (1 + f % 7))
        os.setxattr(q, "user.tag", f"{d}-{f}".encode())
PY
"$fxcp" --version >/dev/null
"$fxcp" -a "$work/mnt/src/" "$work/mnt/plain"
"$fxcp" -a --generate-sigs "$work/mnt/src/" "$work/mnt/records"
rsync -aHAX "$work/mnt/src/" "$work/mnt/rsync/"
sync

elapsed_ms() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null; t1=$(date +%s%N); echo $(((t1 - t0) / 1000000)); }
resync() {  # tool-name: one resync of that tool's copy, in ms
  case "$1" in
    plain) elapsed_ms "$fxcp" -a "$work/mnt/src/" "$work/mnt/plain" ;;
    records) elapsed_ms "$fxcp" -a --generate-sigs "$work/mnt/src/" "$work/mnt/records" ;;
    rsync) elapsed_ms rsync -aHAX "$work/mnt/src/" "$work/mnt/rsync/" ;;
  esac
}
run() {  # tool-name cold(0/1) -> median ms of 3 runs
  local out="" i
  for i in 1 2 3; do
    [ "$2" = 1 ] && { sync; echo 3 >/proc/sys/vm/drop_caches; }
    out="$out $(resync "$1")"
  done
  median "$out"
}
declare -A label=([plain]='fxcp -a' [records]='fxcp -a (records)' [rsync]='rsync -aHAX')
printf '| resync | tool | ms | vs rsync |\n|---|---|---:|---:|\n'
for cold in 0 1; do
  what=$([ $cold = 1 ] && echo "nothing changed, cold cache" || echo "nothing changed, warm cache")
  declare -A t=()
  for tool in rsync plain records; do t[$tool]=$(run $tool $cold); done
  for tool in rsync plain records; do
    printf '| %s | %s | %d | %s |\n' "$what" "${label[$tool]}" "${t[$tool]}" "$(ratio "${t[$tool]}" "${t[rsync]}")"
  done
done
for d in 3 77 150 299 420; do echo changed >>"$work/mnt/src/d$((d / 50))/e$d/f5.txt"; done
declare -A t=()
for tool in rsync plain records; do t[$tool]=$(resync $tool); done
for tool in rsync plain records; do
  printf '| 5 files changed, warm cache | %s | %d | %s |\n' "${label[$tool]}" "${t[$tool]}" "$(ratio "${t[$tool]}" "${t[rsync]}")"
done
for copy in plain records rsync; do
  diff=$(rsync -aniHAX --delete --filter='-x user.foxing.*' --exclude=.foxing_meta/ "$work/mnt/src/" "$work/mnt/$copy/")
  [ -z "$diff" ] || { echo "$copy differs from the source:" >&2; echo "$diff" | head >&2; exit 1; }
done
echo "all three copies equal to the source (rsync -aniHAX)"
