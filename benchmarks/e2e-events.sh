#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# End-to-end event-capture benchmark: foxing-bpf's sources (bpf with the mapped ring reader, bpf
# with libbpf's callback reader, fanotify, inotify) and the peers inotifywait and fatrace, under
# the same load in the same run: make-files (C, benchmarks/src/main/c) creating files on a tmpfs.
#   sudo benchmarks/e2e-events.sh [--creates N] [--latency-files N] [--rate N] [--runs N] [--csv FILE]
#
# What is measured:
#   latency     --latency-files creates at --rate per second; per file, from CLOCK_MONOTONIC just
#               before open() in make-files to the CREATED event returned by EventStream.take()
#               (System.nanoTime, the same clock): p50, p99, max (after a warm-up round)
#   throughput  --creates creates as fast as make-files goes: events taken per second, events lost
#   slowdown    make-files' own time for --creates creates with each source or peer capturing
#               versus nothing capturing; alternated, median of --runs
# Peers: inotifywait -m -r (inotify-tools) and fatrace -c (fanotify, whole mount), their output
# counted (a peer that prints fewer lines than 2 per create has lost events or merged them).
set -eEuo pipefail
trap 'echo "e2e-events: failed (status $?) at line $LINENO: $BASH_COMMAND" >&2' ERR

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
repo="$(dirname "$here")"
# shellcheck source=benchmarks/lib.sh
. "$here/lib.sh"

die() { echo "e2e-events: $*" >&2; exit 2; }
log() { echo "e2e-events: $*" >&2; }

creates=100000
latency_files=2000
rate=1000
runs=5
csv=""
while [ $# -gt 0 ]; do
  case "$1" in
    --creates) creates="$2"; shift 2 ;;
    --latency-files) latency_files="$2"; shift 2 ;;
    --rate) rate="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --csv) csv="$2"; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
[ "$(id -u)" = 0 ] || die "must run as root (BPF and fanotify need it)"
need gcc gcc
need inotifywait inotify-tools
need fatrace fatrace

gen="$repo/benchmarks/target/make-files"
mkdir -p "$repo/benchmarks/target"
gcc -O2 -Wall -o "$gen" "$here/src/main/c/make-files.c"
jar="$repo/benchmarks/target/benchmarks-0.1.0-SNAPSHOT.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$repo"/foxing-*/src/main "$here/src/main" -newer "$jar" -print -quit)" ]; then
  log "building the benchmarks jar"
  (cd "$repo" && mvn -q -B -Dquick -DskipTests -pl benchmarks -am package)
fi
cp="$jar:$(ls "$repo"/benchmarks/target/lib/*.jar | tr '\n' ':')"

work="$(mktemp -d /tmp/foxing-events.XXXXXX)"
mount -t tmpfs -o size=2g tmpfs "$work"
cleanup() { umount "$work" 2>/dev/null || true; rmdir "$work" 2>/dev/null || true; }
trap cleanup EXIT

rows="$(mktemp)"
log "foxing-bpf sources: latency, throughput, slowdown (this takes a few minutes)"
java -cp "$cp" io.foxing.benchmarks.EventCaptureBench "$gen" "$work" "${SOURCES:-bpf,bpf-libbpf,fanotify,inotify}" \
  "$creates" "$latency_files" "$rate" "$runs" | tee "$rows" >&2

fresh() { rm -rf "$work/peer"; mkdir -p "$work/peer"; }
declare -A peer_times peer_lines
off_times=""
for r in $(seq 1 "$runs"); do
  fresh; off_times+=" $("$gen" "$work/peer" "$creates")"
  for peer in inotifywait fatrace; do
    fresh
    rm -f "$work/peer.out"
    case "$peer" in
      inotifywait) inotifywait -m -r -e create,close_write --format '%w%f %e' "$work/peer" >"$work/peer.out" 2>"$work/peer.err" &
                   pid=$!; for _ in $(seq 1 200); do grep -q "Watches established" "$work/peer.err" && break; sleep 0.05; done ;;
      fatrace) (cd "$work/peer" && exec fatrace -c -o "$work/peer.out") 2>"$work/peer.err" &
               pid=$!; sleep 1 ;;
    esac
    t="$("$gen" "$work/peer" "$creates")"
    sleep 1
    kill "$pid" 2>/dev/null || log "$peer had exited before the end of the run: $(head -c 300 "$work/peer.err")"
    wait "$pid" 2>/dev/null || true
    peer_times[$peer]+=" $t"
    peer_lines[$peer]+=" $(grep -c "$work/peer" "$work/peer.out" || true)"
  done
done
off="$(median "$off_times")"
for peer in inotifywait fatrace; do
  t="$(median "${peer_times[$peer]}")"
  echo "$peer,create_time,$(awk -v t="$t" 'BEGIN{printf "%.0f", t/1e6}'),ms,$creates creates, median of $runs" >>"$rows"
  echo "$peer,slowdown,$(awk -v a="$t" -v b="$off" 'BEGIN{printf "%.1f", 100*(a-b)/b}'),%,versus capture off ($(awk -v t="$off" 'BEGIN{printf "%.0f", t/1e6}') ms)" >>"$rows"
  echo "$peer,lines_printed,$(median "${peer_lines[$peer]}"),lines,for $creates creates (2 events each), median of $runs" >>"$rows"
done

machine="$(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}'), $(nproc) vCPU, $(uname -r)"
echo
echo "Event capture, $(date -u +%Y-%m-%d\ %H:%M) UTC, $machine, tmpfs"
echo
echo "| source | metric | value | unit | note |"
echo "|---|---|---:|---|---|"
awk -F, '{ note = $5; for (i = 6; i <= NF; i++) note = note "," $i; printf "| %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, note }' "$rows"
if [ -n "$csv" ]; then
  { echo "source,metric,value,unit,note"; cat "$rows"; } >"$csv"
  log "wrote $csv"
fi
rm -f "$rows"
