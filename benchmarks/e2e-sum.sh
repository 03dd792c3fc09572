#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# fxcp sum beside b3sum on one file (default: 1 GiB of random bytes), page cache warm, JVM start
# included: the vector and the scalar path, one thread and all cores, and b3sum with one thread
# and all cores, same file, same run (hyperfine, interleaved warm-up). Checks all print the same hash.
# The vector path needs JDK 25+: JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 benchmarks/e2e-sum.sh ...
# Usage: benchmarks/e2e-sum.sh [--size-mib N] [--runs N] [--md FILE]   (needs b3sum, hyperfine)
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
fxcp="$(dirname "$here")/fxcp"
# shellcheck source=benchmarks/lib.sh
. "$here/lib.sh"
die() { echo "e2e-sum: $*" >&2; exit 2; }
need b3sum b3sum; need hyperfine hyperfine
size=1024 runs=5 md=/dev/null
while [ $# -gt 0 ]; do
  case "$1" in
    --size-mib) size="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --md) md="$2"; shift 2 ;;
    *) die "unknown option $1 (see the comment at the top)" ;;
  esac
done
file="$(mktemp /var/tmp/foxing-sum.XXXXXX)"
trap 'rm -f "$file"' EXIT
head -c "${size}M" /dev/urandom >"$file"
"$fxcp" --version >/dev/null
want="$(b3sum --no-names "$file")"
for v in "" 1; do
  for t in 1 2; do
    got="$(FOXING_VECTOR=$v "$fxcp" sum --no-names --threads $t "$file")"
    [ "$got" = "$want" ] || { echo "fxcp sum (threads $t, vector '$v') disagrees with b3sum: $got vs $want" >&2; exit 1; }
  done
done
echo "fxcp sum agrees with b3sum on $size MiB ($(nproc) cores, $(date -u +%FT%TZ))"
hyperfine -N --warmup 1 --runs "$runs" --export-markdown "$md" \
  -n "fxcp sum --threads 1 (FOXING_VECTOR=1)" "env FOXING_VECTOR=1 $fxcp sum --threads 1 $file" \
  -n "fxcp sum (FOXING_VECTOR=1, $(nproc) cores)" "env FOXING_VECTOR=1 $fxcp sum $file" \
  -n "fxcp sum --threads 1 (default)" "$fxcp sum --threads 1 $file" \
  -n "fxcp sum ($(nproc) cores, default)" "$fxcp sum $file" \
  -n "b3sum --num-threads 1" "b3sum --num-threads 1 $file" \
  -n "b3sum" "b3sum $file"
