#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# End-to-end mirror benchmark: foxingd sync --watch against lsyncd (-direct, delay = 0), in one run.
#
# What is measured: the latency from a change at the source to its completion at the target, as a
# program sees it (create/write/close or rename at the source; the target polled every 50 us until
# the file is there with its full size), p50 and p99 over --samples changes per kind:
#   create-4k   a new 4 KiB file          create-64k  a new 64 KiB file
#   rename      a file renamed (its new name complete at the target, the old one gone)
#   batch-10    ten new 4 KiB files written one after another (until the last is complete)
# and then a storm (the workload of the event tests, 1,200 operations plus shell tools): the time
# from its end until `rsync -aniHAX --delete` finds nothing, or "never" within --converge seconds.
# During the storm foxingd's Prometheus endpoint is scraped every 20 ms (time of each GET, p50/p99/max).
# Last, create-4k again while stress-ng keeps 2 x cores + 2 CPU hogs busy: the live path under load.
# Also: each daemon's CPU time idle (30 s, from 10 s after its start) and over the storm, its peak
# memory (VmHWM); how much slower a program creating 5,000 files of 4 KiB runs in the mirrored source,
# just after the daemon started and once it has caught up, than with no daemon running (--rounds
# alternated rounds, medians);
# and, first, hydration of --hydrate files (4 KiB each) by `foxingd sync` against `rsync -a`, page cache
# dropped before each, checked by `rsync -aniHAX --delete`.
# Source and target are directories under --workdir (one filesystem); each tool gets fresh ones.
# --src-fs and --dst-fs put them on fresh filesystems instead: xfs (a 2 GiB loop image) or tmpfs;
# --dst-fs nfs makes foxingd's target nfs://127.0.0.1:PORT/export on an nfs-ganesha export of a
# local directory (polled there); lsyncd has no row then: it needs a kernel NFS mount, which a
# kernel without an NFS client cannot give it. --latency-only measures the latency table alone.
#
# Needs root (bpf events), lsyncd, rsync, python3, stress-ng (and xfsprogs, nfs-ganesha-vfs for those).
#   sudo benchmarks/e2e-mirror.sh [--samples N] [--workdir DIR] [--converge S] [--source bpf|fanotify|inotify] [--hydrate N] [--rounds N]
#                                 [--src-fs dir|xfs|tmpfs] [--dst-fs dir|xfs|tmpfs|nfs] [--latency-only]
set -eEuo pipefail
trap 'echo "e2e-mirror: failed (status $?) at line $LINENO: $BASH_COMMAND" >&2' ERR
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
repo="$(dirname "$here")"
# shellcheck source=benchmarks/lib.sh
. "$here/lib.sh"
die() { echo "e2e-mirror: $*" >&2; exit 2; }
log() { echo "e2e-mirror: $*" >&2; }

samples=200
workdir=/var/tmp/foxing-mirror-bench
converge=30
source=""
hydrate=100000
src_fs=dir
dst_fs=dir
latency_only=0
rounds=5
while [ $# -gt 0 ]; do
  case "$1" in
    --samples) samples="$2"; shift 2 ;;
    --workdir) workdir="$2"; shift 2 ;;
    --converge) converge="$2"; shift 2 ;;
    --source) source="$2"; shift 2 ;;
    --hydrate) hydrate="$2"; shift 2 ;;
    --src-fs) src_fs="$2"; shift 2 ;;
    --dst-fs) dst_fs="$2"; shift 2 ;;
    --latency-only) latency_only=1; hydrate=0; shift ;;
    --rounds) rounds="$2"; shift 2 ;;
    -h|--help) sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
[ "$(id -u)" = 0 ] || die "must run as root (bpf events)"
need lsyncd lsyncd
need rsync rsync
need python3 python3
need stress-ng stress-ng
workload="$repo/foxing-testkit/src/main/resources/io/foxing/testkit/workload.py"
[ -f "$workload" ] || die "missing $workload"

case "$src_fs" in dir|xfs|tmpfs) ;; *) die "--src-fs: dir, xfs or tmpfs, not $src_fs" ;; esac
case "$dst_fs" in dir|xfs|tmpfs|nfs) ;; *) die "--dst-fs: dir, xfs, tmpfs or nfs, not $dst_fs" ;; esac
[ "$src_fs$dst_fs" = dirdir ] || [ "$latency_only" = 1 ] || die "--src-fs and --dst-fs go with --latency-only"

rm -rf "$workdir"; mkdir -p "$workdir"
daemon=""
stress=""
mounts=""
ganesha=""
cleanup() {
  for p in $daemon $stress; do kill "$p" 2>/dev/null || true; done
  [ -z "$ganesha" ] || kill -9 "$ganesha" 2>/dev/null || true
  for m in $mounts; do umount -l "$m" 2>/dev/null || true; done
  rm -rf "$workdir"
}
trap cleanup EXIT

filesystem() {  # KIND DIR: a fresh filesystem of KIND at DIR (dir: a plain directory of --workdir's)
  mkdir -p "$2"
  case "$1" in
    xfs) need mkfs.xfs xfsprogs; truncate -s 2G "$2.img"; mkfs.xfs -q "$2.img"; mount -o loop "$2.img" "$2"; mounts="$2 $mounts" ;;
    tmpfs) mount -t tmpfs -o size=2g tmpfs "$2"; mounts="$2 $mounts" ;;
  esac
}
filesystem "$src_fs" "$workdir/src-fs"
filesystem "$( [ "$dst_fs" = nfs ] && echo dir || echo "$dst_fs")" "$workdir/dst-fs"
nfs_url=""
if [ "$dst_fs" = nfs ]; then
  start_ganesha "$workdir/dst-fs" "$workdir"
  ganesha=$ganesha_pid
  nfs_url="$ganesha_url"
  sleep 3 # past the grace period
fi

cat >"$workdir/measure.py" <<'PY'
import os, sys, time
src, dst, kind, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
prefix = sys.argv[5] if len(sys.argv) > 5 else kind
size = {"create-4k": 4096, "create-64k": 65536, "rename": 4096, "batch-10": 4096}[kind]
def wait(path, want, gone=None, timeout=5.0):
    end = time.perf_counter() + timeout
    while time.perf_counter() < end:
        try:
            if os.stat(path).st_size == want and (gone is None or not os.path.exists(gone)):
                return True
        except FileNotFoundError:
            pass
        time.sleep(0.00005)
    return False
lat, missed = [], 0
for i in range(n):
    data = os.urandom(size)
    name = "%s-%d" % (prefix, i)
    if kind == "batch-10":
        t0 = time.perf_counter_ns()
        for j in range(10):
            with open(os.path.join(src, "%s-%d" % (name, j)), "wb") as f:
                f.write(data)
        ok = all([wait(os.path.join(dst, "%s-%d" % (name, j)), size) for j in range(10)])
    elif kind == "rename":
        with open(os.path.join(src, name + ".old"), "wb") as f:
            f.write(data)
        if not wait(os.path.join(dst, name + ".old"), size):
            missed += 1
            continue
        t0 = time.perf_counter_ns()
        os.rename(os.path.join(src, name + ".old"), os.path.join(src, name))
        ok = wait(os.path.join(dst, name), size, gone=os.path.join(dst, name + ".old"))
    else:
        t0 = time.perf_counter_ns()
        with open(os.path.join(src, name), "wb") as f:
            f.write(data)
        ok = wait(os.path.join(dst, name), size)
    t1 = time.perf_counter_ns()
    if ok:
        lat.append((t1 - t0) / 1e6)
    else:
        missed += 1
    time.sleep(0.01)
lat.sort()
pct = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] if lat else float("nan")
print("%.2f %.2f %d %d" % (pct(0.50), pct(0.99), len(lat), missed))
PY

cat >"$workdir/scrape.py" <<'PY'
import os, sys, time, urllib.request
url, done = sys.argv[1], sys.argv[2]
took = []
while not os.path.exists(done):
    t0 = time.perf_counter_ns()
    with urllib.request.urlopen(url, timeout=10) as r:
        r.read()
    took.append((time.perf_counter_ns() - t0) / 1e6)
    time.sleep(0.02)
took.sort()
pct = lambda p: took[min(len(took) - 1, int(p * len(took)))] if took else float("nan")
print("%.2f %.2f %.2f %d" % (pct(0.50), pct(0.99), took[-1] if took else float("nan"), len(took)))
PY

cat >"$workdir/creates.py" <<'PY'
import os, sys, time
d, n = sys.argv[1], int(sys.argv[2])
os.makedirs(d)
data = os.urandom(4096)
t0 = time.perf_counter()
for i in range(n):
    with open(os.path.join(d, "c%d" % i), "wb") as f:
        f.write(data)
print("%.0f" % ((time.perf_counter() - t0) * 1000))
PY

cpu_ms() {  # PID -> user + system CPU time so far, its waited-for children included (lsyncd spawns cp), ms
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%d", ($12 + $13 + $14 + $15) * 1000 / hz }' "/proc/$1/stat"
}
peak_mib() {  # PID -> peak resident memory, MiB
  awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"
}
drop_caches() { sync; echo 3 >/proc/sys/vm/drop_caches; }

converged_after() {  # SRC DST -> ms until rsync finds nothing, or "never"
  local t0 now
  t0=$(date +%s%N)
  while :; do
    [ -z "$(rsync -aniHAX --delete "$1/" "$2/")" ] && { now=$(date +%s%N); echo $(((now - t0) / 1000000)); return; }
    now=$(date +%s%N)
    [ $(((now - t0) / 1000000000)) -lt "$converge" ] || { echo never; return; }
    sleep 0.1
  done
}

start_daemon() {  # TOOL SRC DST TARGET: starts it (pid in $daemon) and waits until it is live
  local tool="$1" src="$2" dst="$3" target="$4"
  if [ "$tool" = foxingd ]; then
    : >"$workdir/$tool.err"
    "$repo/foxingd" sync --watch ${source:+--source "$source"} --journal-dir "$workdir/journal" --metrics 127.0.0.1:0 \
      "$src" "$target" 2>"$workdir/$tool.err" &
    daemon=$!
    for _ in $(seq 600); do grep -qx ready "$workdir/$tool.err" && break; sleep 0.1; done
    grep -qx ready "$workdir/$tool.err" || die "foxingd did not get ready: $(cat "$workdir/$tool.err")"
  else
    cat >"$workdir/lsyncd.lua" <<LUA
settings { nodaemon = true, logfile = "$workdir/lsyncd.log", statusFile = "$workdir/lsyncd.status" }
sync { default.direct, source = "$src", target = "$dst", delay = 0 }
LUA
    lsyncd "$workdir/lsyncd.lua" >"$workdir/$tool.err" 2>&1 &
    daemon=$!
    sleep 2
  fi
}
stop_daemon() { kill "$daemon"; wait "$daemon" 2>/dev/null || true; daemon=""; }

# A program creating 5,000 files of 4 KiB, timed by itself: in a directory no daemon watches with no
# daemon running; then in the mirrored source just after the daemon started (its first work: a JVM
# still compiling) and again once it has caught up (3 s later, as a daemon that has been running
# for a while). --rounds rounds, each on a fresh daemon and fresh directories; medians.
# Prints "creates BASE FIRST WARM".
creates_rounds() {  # TOOL SRC DST TARGET
  local b="" f="" w="" r
  for r in $(seq "$rounds"); do
    sync  # each run starts with no dirty pages of the one before: its writeback is not timed
    b="$b $(python3 "$workdir/creates.py" "$workdir/src-fs/unwatched" 5000)"
    rm -rf "$workdir/src-fs/unwatched"
    start_daemon "$@"
    sync
    f="$f $(python3 "$workdir/creates.py" "$2/first" 5000)"
    sleep 3
    sync
    w="$w $(python3 "$workdir/creates.py" "$2/warm" 5000)"
    stop_daemon
    rm -rf "$2/first" "$2/warm" "$3/first" "$3/warm"
  done
  echo "creates $(median "$b") $(median "$f") $(median "$w")"
}

run_tool() {  # NAME -> lines "kind p50 p99 n missed" and "storm ms"
  local tool="$1" src="$workdir/src-fs/$1" dst="$workdir/dst-fs/$1"
  local target="$dst"
  mkdir -p "$src" "$dst"
  [ -z "$nfs_url" ] || target="$nfs_url/$tool"
  [ "$latency_only" = 1 ] || creates_rounds "$tool" "$src" "$dst" "$target"
  start_daemon "$tool" "$src" "$dst" "$target"
  local c0
  if [ "$latency_only" = 0 ]; then
    # idle: once start-up is over (its compilations, the first probes), as it would sit for hours
    sleep 10; c0=$(cpu_ms "$daemon"); sleep 30; echo "idle-cpu $(( $(cpu_ms "$daemon") - c0 ))"
  fi
  for kind in create-4k create-64k rename batch-10; do
    echo "$kind $(python3 "$workdir/measure.py" "$src" "$dst" "$kind" "$samples")"
  done
  if [ "$latency_only" = 1 ]; then
    stop_daemon
    return
  fi
  mkdir -p "$src/storm"
  local scraper="" url
  url="$(grep -o 'http://[^ ]*/metrics' "$workdir/$tool.err" || true)"
  if [ -n "$url" ]; then
    python3 "$workdir/scrape.py" "$url" "$workdir/storm.done" >"$workdir/scrape.txt" &
    scraper=$!
  fi
  c0=$(cpu_ms "$daemon")
  python3 "$workload" "$src/storm" 42 1200 >/dev/null
  touch "$workdir/storm.done"
  [ -z "$scraper" ] || { wait "$scraper"; echo "scrape $(cat "$workdir/scrape.txt")"; }
  rm -f "$workdir/storm.done"
  echo "storm $(converged_after "$src" "$dst")"
  echo "storm-cpu $(( $(cpu_ms "$daemon") - c0 ))"
  echo "peak-mib $(peak_mib "$daemon")"
  stress-ng --cpu $((2 * $(nproc) + 2)) --timeout 600 -q &
  stress=$!
  sleep 2
  echo "create-4k-stressed $(python3 "$workdir/measure.py" "$src" "$dst" create-4k "$samples" stressed)"
  kill "$stress"; wait "$stress" 2>/dev/null || true; stress=""
  stop_daemon
}

"$repo/foxingd" --version >/dev/null
hydrated="" rsynced=""
if [ "$hydrate" -gt 0 ]; then
  log "hydration of $hydrate files"
  python3 - "$workdir/h-src" "$hydrate" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
data = os.urandom(4096)
for i in range(n):
    d = os.path.join(root, "d%d" % (i // 1000), "e%d" % (i // 100 % 10))
    if i % 100 == 0:
        os.makedirs(d)
    with open(os.path.join(d, "f%d" % i), "wb") as f:
        f.write(data)
PY
  drop_caches; t0=$(date +%s%N)
  "$repo/foxingd" sync "$workdir/h-src" "$workdir/h-dst1"
  hydrated=$((($(date +%s%N) - t0) / 1000000))
  [ -z "$(rsync -aniHAX --delete "$workdir/h-src/" "$workdir/h-dst1/")" ] || die "foxingd sync left differences"
  drop_caches; t0=$(date +%s%N)
  rsync -a "$workdir/h-src/" "$workdir/h-dst2/"
  rsynced=$((($(date +%s%N) - t0) / 1000000))
  rm -rf "$workdir/h-src" "$workdir/h-dst1" "$workdir/h-dst2"
fi
log "foxingd"; ours="$(run_tool foxingd)"
theirs=""
[ "$dst_fs" = nfs ] || { log "lsyncd $(lsyncd -version 2>&1 | head -1)"; theirs="$(run_tool lsyncd)"; }
field() { echo "$1" | awk -v k="$2" -v f="$3" '$1 == k { print $f }'; }
cell() { [ -n "$1" ] && echo "$(field "$1" "$2" "$3") ms" || echo "n/a"; }
fsname() { [ "$1" = dir ] && df --output=fstype "$workdir" | tail -1 || echo "$1"; }

if [ "$latency_only" = 1 ]; then
  cat <<MD
### Mirror latency, $(fsname "$src_fs") -> $(fsname "$dst_fs"): foxingd sync --watch vs lsyncd (-direct, delay = 0)

$(nproc) cores, $(uname -r), $(date -u +%F), $samples samples per kind, events from ${source:-the best source}.${nfs_url:+ foxingd writes to nfs:// (nfs-ganesha on loopback) and the export directory is polled; lsyncd cannot write there without a kernel NFS client.}

| change | foxingd p50 | foxingd p99 | lsyncd p50 | lsyncd p99 | missed (ours / theirs) |
|---|---:|---:|---:|---:|---|
$(for k in create-4k create-64k rename batch-10; do
  echo "| $k | $(cell "$ours" "$k" 2) | $(cell "$ours" "$k" 3) | $(cell "$theirs" "$k" 2) | $(cell "$theirs" "$k" 3) | $(field "$ours" "$k" 5) / $(field "$theirs" "$k" 5) |"
done)
MD
  exit 0
fi

cat <<MD
### Mirror: foxingd sync --watch vs lsyncd (-direct, delay = 0)

$(nproc) cores, $(uname -r), $(date -u +%F), $samples samples per kind, source and target on $(df --output=fstype "$workdir" | tail -1), events from ${source:-the best source}.

| change | foxingd p50 | foxingd p99 | lsyncd p50 | lsyncd p99 | missed (ours / theirs) |
|---|---:|---:|---:|---:|---|
$(for k in create-4k create-64k rename batch-10 create-4k-stressed; do
  echo "| $k | $(field "$ours" "$k" 2) ms | $(field "$ours" "$k" 3) ms | $(field "$theirs" "$k" 2) ms | $(field "$theirs" "$k" 3) ms | $(field "$ours" "$k" 5) / $(field "$theirs" "$k" 5) |"
done)

create-4k-stressed: the same as create-4k while stress-ng runs $((2 * $(nproc) + 2)) CPU hogs.

Storm of 1,200 operations plus shell tools, then quiet: converged after $(field "$ours" storm 2) ms (foxingd), $(field "$theirs" storm 2) (lsyncd; "never" = not within ${converge} s).

| | foxingd | lsyncd |
|---|---:|---:|
| CPU time over 30 s idle (from 10 s after start) | $(field "$ours" idle-cpu 2) ms | $(field "$theirs" idle-cpu 2) ms |
| CPU time over the storm and until converged | $(field "$ours" storm-cpu 2) ms | $(field "$theirs" storm-cpu 2) ms |
| peak resident memory | $(field "$ours" peak-mib 2) MiB | $(field "$theirs" peak-mib 2) MiB |
| 5,000 new 4 KiB files by one program (no daemon running: $(field "$ours" creates 2) / $(field "$theirs" creates 2) ms), mirrored by a daemon that has run a while | $(field "$ours" creates 4) ms ($(ratio "$(field "$ours" creates 4)" "$(field "$ours" creates 2)")x) | $(field "$theirs" creates 4) ms ($(ratio "$(field "$theirs" creates 4)" "$(field "$theirs" creates 2)")x) |
| the same, just after the daemon started | $(field "$ours" creates 3) ms ($(ratio "$(field "$ours" creates 3)" "$(field "$ours" creates 2)")x) | $(field "$theirs" creates 3) ms ($(ratio "$(field "$theirs" creates 3)" "$(field "$theirs" creates 2)")x) |

Hydration of $hydrate files of 4 KiB (page cache dropped first): foxingd sync ${hydrated:-not run} ms, rsync -a ${rsynced:-not run} ms.

foxingd's metrics scraped every 20 ms during the storm ($(field "$ours" scrape 5) scrapes, HTTP GET from python3 included): p50 $(field "$ours" scrape 2) ms, p99 $(field "$ours" scrape 3) ms, max $(field "$ours" scrape 4) ms (lsyncd has no metrics endpoint).
MD
