#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Start-up benchmark: what the JVM's start costs fxcp where the work itself is tiny, in one run:
# a JVM printing one line (the floor), `fxcp --version` and `fxcp -a` of one 4 KiB file beside `cp -a`, `fxcp snap restore` of one file
# from an archive, the 10 x 100 MiB copy within a btrfs filesystem (reflinks) beside `cp -a` (as
# root, on a loop-mounted image), and `fxcp sum` of 1 GiB (warm cache) beside `b3sum
# --num-threads 1`, each under JDK 17 with the launcher's class-data-sharing archive, JDK 25 with
# that archive (FOXING_NO_AOT=1), and JDK 25 with its ahead-of-time cache.
# The launcher makes each archive on first use; a warm-up run here makes them before timing.
#
# Needs hyperfine and b3sum; JDK 25 at --jdk25 (default: /usr/lib/jvm/temurin-25-jdk-amd64).
#   benchmarks/e2e-start.sh [--runs N] [--jdk25 DIR] [--no-sum]
set -eEuo pipefail
trap 'echo "e2e-start: failed (status $?) at line $LINENO: $BASH_COMMAND" >&2' ERR
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
repo="$(dirname "$here")"
# shellcheck source=benchmarks/lib.sh
. "$here/lib.sh"
die() { echo "e2e-start: $*" >&2; exit 2; }

runs=20
jdk25=/usr/lib/jvm/temurin-25-jdk-amd64
with_sum=1
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --jdk25) jdk25="$2"; shift 2 ;;
    --no-sum) with_sum=0; shift ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
need hyperfine hyperfine
need b3sum b3sum
[ -x "$jdk25/bin/java" ] || die "no JDK 25 at $jdk25 (--jdk25 DIR)"
jdk17="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"

work="$(mktemp -d)"
mnt=""
cleanup() {
  [ -n "$mnt" ] && umount "$mnt" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
head -c 4096 /dev/urandom >"$work/one"
fx="$repo/fxcp"
# the three ways to start, as env prefixes for hyperfine's shell-less runs
declare -A how=(
  ["JDK 17, CDS"]="env JAVA_HOME=$jdk17"
  ["JDK 25, CDS"]="env JAVA_HOME=$jdk25 FOXING_NO_AOT=1"
  ["JDK 25, AOT cache"]="env JAVA_HOME=$jdk25"
)
order=("JDK 17, CDS" "JDK 25, CDS" "JDK 25, AOT cache")
"$fx" --version >/dev/null   # builds the checkout if needed
# Timed as installed: the installed launcher over the checkout's build (the checkout's ./fxcp adds
# its look for changed sources, ~25 ms, which an installed fxcp never pays).
export FOXING_HOME="$repo/foxing-cli/target" FOXING_CACHE="$repo/foxing-cli/target"
fx="$repo/packaging/bin/fxcp"
for k in "${order[@]}"; do ${how[$k]} "$fx" --version >/dev/null; done # makes each archive

copy="$work/copy"   # what each timed run writes, removed before it
row() {  # LABEL COMMAND... -> "label|mean ms|sd ms"
  local label="$1"; shift
  hyperfine -N -w 3 -r "$runs" --prepare "rm -rf $copy" --export-json "$work/h.json" "$*" >/dev/null 2>&1
  python3 - "$work/h.json" "$label" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print("| %s | %.1f ms | %.1f ms | %.1f - %.1f ms |" % (sys.argv[2], r["mean"] * 1e3, r["stddev"] * 1e3, r["min"] * 1e3, r["max"] * 1e3))
PY
}

echo "### Start-up: fxcp under JDK 17 and 25 beside cp and b3sum"
echo
echo "$(nproc) cores, $(uname -r), $(date -u +%FT%H:%MZ), hyperfine $runs runs after 3 warm-ups; $("$jdk17/bin/java" -version 2>&1 | head -1); $("$jdk25/bin/java" -version 2>&1 | head -1)."
echo
echo "| command | mean | sd | range |"
echo "|---|---:|---:|---:|"
row "cp -a (one 4 KiB file)" cp -a "$work/one" "$work/copy"
# the floor: a JVM that prints one line, with the JDK's own class-data sharing and fxcp's GC and JIT
printf 'public class Hello { public static void main(String[] a) { System.out.println("hi"); } }\n' >"$work/Hello.java"
"$jdk17/bin/javac" -d "$work" "$work/Hello.java"
row "java Hello (the JVM alone), JDK 17" "$jdk17/bin/java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$work" Hello
row "java Hello (the JVM alone), JDK 25" "$jdk25/bin/java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$work" Hello
for k in "${order[@]}"; do
  row "fxcp --version, $k" ${how[$k]} "$fx" --version
  row "fxcp -a (one 4 KiB file), $k" ${how[$k]} "$fx" -a "$work/one" "$work/copy"
done
# one file out of an archive of 200: the index and that file's chunks are read, nothing else
mkdir -p "$work/tree"
for i in $(seq 1 200); do head -c 8192 /dev/urandom >"$work/tree/f$i"; done
"$fx" snap export "$work/tree" -o "$work/a.fxar" >/dev/null 2>&1
for k in "${order[@]}"; do
  row "fxcp snap restore --file f7 (one 8 KiB file), $k" ${how[$k]} "$fx" snap restore "$work/a.fxar" --file f7 -o "$work/copy"
done
# 10 x 100 MiB within one btrfs: both tools share extents (reflink), so the JVM's start is the gap
if [ "$(id -u)" -eq 0 ] && command -v mkfs.btrfs >/dev/null; then
  truncate -s 3G "$work/btrfs.img"
  mkfs.btrfs -q -f "$work/btrfs.img" >/dev/null
  mnt="$work/mnt" && mkdir -p "$mnt" && mount -o loop "$work/btrfs.img" "$mnt"
  mkdir -p "$mnt/large"
  for i in $(seq 1 10); do head -c $((100 * 1024 * 1024)) /dev/urandom >"$mnt/large/f$i"; done
  sync
  copy="$mnt/copy"
  row "cp -a (10 x 100 MiB, btrfs reflink)" cp -a "$mnt/large" "$copy"
  for k in "${order[@]}"; do
    row "fxcp -a (10 x 100 MiB, btrfs reflink), $k" ${how[$k]} "$fx" -a "$mnt/large" "$copy"
  done
  copy="$work/copy"
else
  echo "| 10 x 100 MiB reflink copy | not run: needs root and mkfs.btrfs | | |"
fi
if [ "$with_sum" = 1 ]; then
  head -c $((1024 * 1024 * 1024)) /dev/urandom >"$work/big"
  cat "$work/big" >/dev/null # warm cache
  [ "$("$fx" sum "$work/big" | cut -d' ' -f1)" = "$(b3sum "$work/big" | cut -d' ' -f1)" ] || die "fxcp sum disagrees with b3sum"
  runs=5
  row "b3sum --num-threads 1 (1 GiB, warm)" b3sum --num-threads 1 "$work/big"
  for k in "${order[@]}"; do
    row "fxcp sum (1 GiB, warm), $k" ${how[$k]} "$fx" sum "$work/big"
  done
fi
