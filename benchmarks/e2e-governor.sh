#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# End-to-end governor benchmark: a copy that yields to the machine (fxcp --throttle) against the same
# copy without it and against cp -a and rsync -a, while stress-ng keeps the CPUs busy for the first
# --stress seconds of each run, then stops.
#
# What is measured: files copied per second, each second (fxcp's --progress --json lines, 1 Hz), for
# fxcp --throttle and fxcp; the total time of all four; and the pressure (/proc/pressure/cpu) the
# governor reads. The throttled copy should crawl (a tenth of its pace at most) while the hogs run and
# go at full pace once they stop; the others do not yield. What yielding buys is the hogs' own work:
# stress-ng's bogo operations in its run (more is better for the rest of the machine).
# Source: --files files of 4 KiB in directories of 100, under --workdir; each run copies to a fresh target.
#
# Needs stress-ng, rsync, python3.
#   benchmarks/e2e-governor.sh [--files N] [--stress S] [--workdir DIR] [--csv FILE]
set -eEuo pipefail
trap 'echo "e2e-governor: failed (status $?) at line $LINENO: $BASH_COMMAND" >&2' ERR
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
repo="$(dirname "$here")"
# shellcheck source=benchmarks/lib.sh
. "$here/lib.sh"
die() { echo "e2e-governor: $*" >&2; exit 2; }
log() { echo "e2e-governor: $*" >&2; }

files=40000
stress=6
workdir=/var/tmp/foxing-governor-bench
csv=""
while [ $# -gt 0 ]; do
  case "$1" in
    --files) files="$2"; shift 2 ;;
    --stress) stress="$2"; shift 2 ;;
    --workdir) workdir="$2"; shift 2 ;;
    --csv) csv="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
need stress-ng stress-ng
need rsync rsync
need python3 python3
[ -r /proc/pressure/cpu ] || die "no /proc/pressure/cpu: this kernel gives the governor nothing to read"

rm -rf "$workdir"; mkdir -p "$workdir/src"
hogs=""
cleanup() { [ -z "$hogs" ] || kill "$hogs" 2>/dev/null || true; rm -rf "$workdir"; }
trap cleanup EXIT
python3 - "$workdir/src" "$files" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    d = os.path.join(root, "d%d" % (i // 100))
    if i % 100 == 0:
        os.makedirs(d)
    with open(os.path.join(d, "f%d" % i), "wb") as f:
        f.write(os.urandom(4096))
PY
sync
"$repo/fxcp" --version >/dev/null

run() {  # NAME COMMAND... -> "NAME ms"; fxcp's progress lines go to $workdir/NAME.jsonl
  local name="$1"; shift
  rm -rf "$workdir/dst"; sync
  sleep 3 # let the pressure of the previous run settle
  stress-ng --cpu $((2 * $(nproc) + 2)) --timeout "$stress" --metrics-brief >"$workdir/$name.stress" 2>&1 &
  hogs=$!
  local t0 t1
  t0=$(date +%s%N)
  "$@" >"$workdir/$name.jsonl"
  t1=$(date +%s%N)
  wait "$hogs" 2>/dev/null || true; hogs=""
  echo "$name $(((t1 - t0) / 1000000)) $(awk '$4 == "cpu" { print $5 }' "$workdir/$name.stress")"
}

log "fxcp --throttle"; a="$(run throttled "$repo/fxcp" -a --throttle --progress --json "$workdir/src/" "$workdir/dst")"
log "fxcp"; b="$(run fxcp "$repo/fxcp" -a --progress --json "$workdir/src/" "$workdir/dst")"
log "cp -a"; c="$(run cp cp -a "$workdir/src/" "$workdir/dst")"
log "rsync -a"; d="$(run rsync rsync -a "$workdir/src/" "$workdir/dst/")"

rates() {  # NAME -> files copied in each second, from fxcp's 1 Hz progress lines
  python3 - "$workdir/$1.jsonl" <<'PY'
import json, sys
done = [json.loads(l)["files_done"] for l in open(sys.argv[1]) if '"progress"' in l]
print(" ".join(str(b - a) for a, b in zip([0] + done, done)))
PY
}
rt="$(rates throttled)"; rf="$(rates fxcp)"
if [ -n "$csv" ]; then
  {
    echo "# e2e-governor $(date -u +%FT%TZ) $(nproc) cores $(uname -r), $files x 4 KiB, stress-ng CPU hogs for the first $stress s"
    echo "second,throttled,fxcp"
    python3 -c '
import sys
a, b = sys.argv[1].split(), sys.argv[2].split()
for i in range(max(len(a), len(b))):
    print("%d,%s,%s" % (i + 1, a[i] if i < len(a) else "", b[i] if i < len(b) else ""))' "$rt" "$rf"
  } >"$csv"
fi
cat <<MD
### Governor: fxcp --throttle under CPU load that stops after ${stress} s

$(nproc) cores, $(uname -r), $(date -u +%F), $files files of 4 KiB, $(df --output=fstype "$workdir" | tail -1), stress-ng with $((2 * $(nproc) + 2)) CPU hogs for the first $stress s of each run.

| copy | total | the hogs' bogo ops meanwhile |
|---|---:|---:|
| fxcp -a --throttle | $(echo "$a" | cut -d' ' -f2) ms | $(echo "$a" | cut -d' ' -f3) |
| fxcp -a | $(echo "$b" | cut -d' ' -f2) ms | $(echo "$b" | cut -d' ' -f3) |
| cp -a | $(echo "$c" | cut -d' ' -f2) ms | $(echo "$c" | cut -d' ' -f3) |
| rsync -a | $(echo "$d" | cut -d' ' -f2) ms | $(echo "$d" | cut -d' ' -f3) |

Files copied in each second (fxcp's progress, 1 Hz):

- fxcp -a --throttle: $rt
- fxcp -a: $rf
MD
