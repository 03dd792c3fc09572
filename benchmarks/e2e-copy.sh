#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# End-to-end copy benchmark: fxcp -a vs cp -a vs rsync -a on real filesystems, in one run.
#
# Why end-to-end: JMH measures the copy engine in a warm JVM; users run `fxcp` as a command, so
# what matters to them is wall time including JVM start, directory walk and metadata. This script
# times each tool as a whole process (bash `date +%s%N` around the command) on the same data,
# in the same run, on freshly made loop-mounted btrfs and XFS filesystems, and prints ratios.
#
# Needs root (mkfs, mount -o loop, drop_caches) and the apt packages btrfs-progs, xfsprogs, rsync.
# Run `e2e-copy.sh --help` for the options. Quick smoke run:
#   sudo benchmarks/e2e-copy.sh --scale 0.02 --runs 1 --workdir /var/tmp/fxbench-test
#
# What is measured (per workload and scenario, median of --runs):
#   fxcp -a SRC/ DST        cp -a SRC DST        rsync -a SRC/ DST/
# DST never exists beforehand, so all three create it and copy SRC's contents into it
# (`cp -a SRC DST` with a missing DST is the same as `mkdir DST; cp -a SRC/. DST`, without the
# extra, untimed mkdir). Before every timed run the target is removed, `sync` flushes the previous
# run's writeback, and the page cache is dropped (unless --no-drop-caches) so each tool starts
# from the same cold cache for the data; each tool is then run once untimed (`--version`) so its
# own files (for fxcp, the JDK) are cached as on a machine where it is in use. Times end when the
# tool exits (writeback is not included, for any tool). Tools run interleaved (fxcp, cp, rsync, fxcp, ...) so slow drift hits all of them alike.
set -eEuo pipefail
# With set -e a failing command ends the script silently; say which one.
trap 'echo "e2e-copy: failed (status $?) at line $LINENO: $BASH_COMMAND" >&2' ERR

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
repo="$(dirname "$here")"
# shellcheck source=benchmarks/lib.sh
. "$here/lib.sh"

# ---------------------------------------------------------------------------------------------
# Options
# ---------------------------------------------------------------------------------------------
workdir=/var/tmp/foxing-bench
scale=1.0
runs=3
drop_caches=1
fxcp="$repo/fxcp"
csv=""
only="small,large,mixed,sparse"
scenario=all
image_size=6G
checksum_verify=0

usage() {
  cat <<EOF
Usage: $(basename "$0") [options]

End-to-end benchmark of 'fxcp -a' against 'cp -a' and 'rsync -a' on loop-mounted btrfs and XFS
images it creates (and removes on exit). Must run as root. Prints a Markdown table on stdout
(progress goes to stderr) and writes the same data as CSV.

Options:
  --workdir DIR       Where the images and mount points go (default: /var/tmp/foxing-bench)
  --scale F           Scale file counts/sizes by F for quick runs, e.g. 0.05 (default: 1.0)
  --runs N            Timed runs per tool; the median is reported (default: 3)
  --no-drop-caches    Do not drop the page cache before each timed run (warm-ish cache)
  --fxcp PATH         fxcp to benchmark (default: $repo/fxcp)
  --csv FILE          CSV output (default: benchmarks/results/e2e-copy-<date>.csv)
  --only LIST         Comma-separated workloads: small,large,mixed,sparse (default: all)
  --scenario S        same (btrfs->btrfs), cross (btrfs->XFS) or all (default: all)
  --image-size SIZE   Size of each sparse filesystem image, as for truncate (default: 6G)
  --checksum-verify   Verify fxcp's copies with rsync -c as well (reads all data; slower)
  -h, --help          Show this help

Workloads (at --scale 1): small = 10,000 x 4 KiB files in 100 directories; large = 10 x 100 MiB;
mixed = 5,000 files, ~2.1 GB, sizes from 1 KiB to 175 MiB; sparse = 10 files of 50 MiB apparent
size holding 4 MiB of data each. The resync row (small, btrfs->XFS) times an unchanged re-run of
fxcp and rsync over an existing full copy; it runs when 'small' and the cross scenario are selected.

Exit status: 0 done (FAIL rows, if any, are in the table), 2 bad usage or missing prerequisites.
EOF
}

die() { echo "e2e-copy: $*" >&2; exit 2; }
log() { echo "[e2e-copy $(date +%H:%M:%S)] $*" >&2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --workdir) [ $# -ge 2 ] || die "--workdir needs a value"; workdir="$2"; shift 2 ;;
    --workdir=*) workdir="${1#*=}"; shift ;;
    --scale) [ $# -ge 2 ] || die "--scale needs a value"; scale="$2"; shift 2 ;;
    --scale=*) scale="${1#*=}"; shift ;;
    --runs) [ $# -ge 2 ] || die "--runs needs a value"; runs="$2"; shift 2 ;;
    --runs=*) runs="${1#*=}"; shift ;;
    --no-drop-caches) drop_caches=0; shift ;;
    --fxcp) [ $# -ge 2 ] || die "--fxcp needs a value"; fxcp="$2"; shift 2 ;;
    --fxcp=*) fxcp="${1#*=}"; shift ;;
    --csv) [ $# -ge 2 ] || die "--csv needs a value"; csv="$2"; shift 2 ;;
    --csv=*) csv="${1#*=}"; shift ;;
    --only) [ $# -ge 2 ] || die "--only needs a value"; only="$2"; shift 2 ;;
    --only=*) only="${1#*=}"; shift ;;
    --scenario) [ $# -ge 2 ] || die "--scenario needs a value"; scenario="$2"; shift 2 ;;
    --scenario=*) scenario="${1#*=}"; shift ;;
    --image-size) [ $# -ge 2 ] || die "--image-size needs a value"; image_size="$2"; shift 2 ;;
    --image-size=*) image_size="${1#*=}"; shift ;;
    --checksum-verify) checksum_verify=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done

[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "--runs must be a positive integer, got '$runs'"
if ! [[ "$scale" =~ ^([0-9]+\.?[0-9]*|\.[0-9]+)$ ]] || ! awk -v s="$scale" 'BEGIN { exit !(s > 0) }'; then
  die "--scale must be a positive number, got '$scale'"
fi
case "$scenario" in
  same) scenarios=(same) ;;
  cross) scenarios=(cross) ;;
  all) scenarios=(same cross) ;;
  *) die "--scenario must be same, cross or all, got '$scenario'" ;;
esac
# Keep the canonical order (small, large, mixed, sparse) whatever order --only lists them in.
declare -A wanted=()
IFS=, read -r -a only_list <<<"$only"
for w in "${only_list[@]}"; do
  case "$w" in
    small|large|mixed|sparse) wanted[$w]=1 ;;
    *) die "--only: unknown workload '$w' (choose from small,large,mixed,sparse)" ;;
  esac
done
workloads=()
for w in small large mixed sparse; do [ -n "${wanted[$w]:-}" ] && workloads+=("$w"); done
[ ${#workloads[@]} -gt 0 ] || die "--only selected no workload"
run_resync=0
[ -n "${wanted[small]:-}" ] && [[ " ${scenarios[*]} " == *" cross "* ]] && run_resync=1

# ---------------------------------------------------------------------------------------------
# Prerequisites: fail early with one clear line, before touching anything.
# ---------------------------------------------------------------------------------------------
[ "$(id -u)" -eq 0 ] || die "must run as root (it makes filesystems, loop-mounts them and drops caches)"
need mkfs.btrfs btrfs-progs
need mkfs.xfs xfsprogs
need rsync rsync
need mount mount
need mountpoint util-linux
need truncate coreutils
need split coreutils
[ -x "$fxcp" ] || die "fxcp not found or not executable at '$fxcp' (use --fxcp PATH)"
if [ "$drop_caches" = 1 ] && ! { sync && echo 3 >/proc/sys/vm/drop_caches; } 2>/dev/null; then
  die "cannot write /proc/sys/vm/drop_caches (container?); rerun with --no-drop-caches"
fi

# Warm-up, untimed: the fxcp launcher builds the CLI if sources changed and records its
# class-data-sharing archive on first use; neither belongs in a timed run.
log "checking $fxcp (the launcher may build on first use)..."
fxcp_version="$("$fxcp" --version 2>&1)" || die "'$fxcp --version' failed: $(tail -n 1 <<<"$fxcp_version")"
# Keep the version line, not the launcher's "building..." notice that may precede it.
fxcp_version="$(awk '/^fxcp [0-9]/ { v = $0 } END { print v }' <<<"$fxcp_version")"

# ---------------------------------------------------------------------------------------------
# Workload shapes. Everything is derived from --scale here, so the disk-space check below knows
# the sizes before anything is written. Sizes are deterministic; only the bytes are random.
# ---------------------------------------------------------------------------------------------
KiB=1024; MiB=$((1024 * 1024))
# scount N: N scaled, at least 1 (counts).   ssize BYTES: scaled, rounded to 4 KiB, at least 4 KiB
# (sizes; block-aligned so sparse holes stay real holes).
scount() { awk -v n="$1" -v s="$scale" 'BEGIN { c = int(n * s + 0.5); print (c < 1 ? 1 : c) }'; }
ssize() { awk -v b="$1" -v s="$scale" 'BEGIN { v = int(b * s / 4096 + 0.5) * 4096; printf "%d\n", (v < 4096 ? 4096 : v) }'; }

# small: many tiny files, 100 per directory -> measures per-file cost (syscalls, JVM walk).
# Scaled by count; the 4 KiB file size is the point of the workload.
small_files=$(scount 10000)
small_bytes=$((small_files * 4 * KiB))

# large: a few big files -> measures data throughput (reflink / copy_file_range vs read/write).
# Scaled by size; the count stays 10.
large_files=10
large_size=$(ssize $((100 * MiB)))
large_bytes=$((large_files * large_size))

# mixed: 5,000 files, ~2.1 GB (1,990 MiB at scale 1), a rough "project tree / home directory":
#   a: 3,500 files of 1-16 KiB      (size (i%16+1) KiB, avg  8.5 KiB;  ~29 MiB)
#   b: 1,300 files of 32-512 KiB    (size (i%16+1)*32 KiB, avg 272 KiB; ~345 MiB)
#   c:   196 files of 1-10 MiB      (size (i%10+1) MiB, avg ~5.4 MiB; 1,066 MiB)
#   d:     4 files of 100/125/150/175 MiB                              (550 MiB)
# Classes a-c are scaled by count (file sizes kept), class d by size (count kept), so every
# class exists at any scale and the total scales roughly linearly.
mixed_a=$(scount 3500); mixed_b=$(scount 1300); mixed_c=$(scount 196)
mixed_d_sizes=()
for m in 100 125 150 175; do mixed_d_sizes+=("$(ssize $((m * MiB)))"); done
mixed_bytes=0
for ((i = 0; i < mixed_a; i++)); do mixed_bytes=$((mixed_bytes + (i % 16 + 1) * KiB)); done
for ((i = 0; i < mixed_b; i++)); do mixed_bytes=$((mixed_bytes + (i % 16 + 1) * 32 * KiB)); done
for ((i = 0; i < mixed_c; i++)); do mixed_bytes=$((mixed_bytes + (i % 10 + 1) * MiB)); done
for s in "${mixed_d_sizes[@]}"; do mixed_bytes=$((mixed_bytes + s)); done
mixed_files=$((mixed_a + mixed_b + mixed_c + ${#mixed_d_sizes[@]}))

# sparse: 10 files of 50 units apparent size (unit = 1 MiB at scale 1, so 50 MiB), each with
# four 1-unit data extents at units 0, 12, 25+(i%5) and 37, so 4 MiB of data per file and a
# trailing 12-unit hole. Measures hole handling: a tool that loses holes writes 12x the data.
sparse_files=10
sparse_unit=$(ssize "$MiB")
sparse_bytes=$((sparse_files * 4 * sparse_unit))          # allocated data
sparse_apparent=$((sparse_files * 50 * sparse_unit))

declare -A wl_bytes=([small]=$small_bytes [large]=$large_bytes [mixed]=$mixed_bytes [sparse]=$sparse_bytes)
# What a copy may occupy on the target: rsync -a (no -S) writes sparse files densely.
declare -A wl_target=([small]=$small_bytes [large]=$large_bytes [mixed]=$mixed_bytes [sparse]=$sparse_apparent)
declare -A wl_desc=(
  [small]="$small_files x 4 KiB"
  [large]="$large_files x $((large_size / KiB)) KiB"
  [mixed]="$mixed_files files, $((mixed_bytes / MiB)) MiB"
  [sparse]="$sparse_files x $((50 * sparse_unit / KiB)) KiB sparse, $((4 * sparse_unit / KiB)) KiB data each"
)

# ---------------------------------------------------------------------------------------------
# Disk space: sources live on btrfs for the whole run (each is deleted once measured), plus one
# target at a time; the XFS image holds one target at a time. Both images are sparse, so the host
# only pays for what is written.
# ---------------------------------------------------------------------------------------------
image_bytes=$(numfmt --from=iec "${image_size%[bB]}" 2>/dev/null) || die "--image-size: cannot parse '$image_size'"
src_total=0; max_target=0
for w in "${workloads[@]}"; do
  src_total=$((src_total + wl_bytes[$w]))
  [ "${wl_target[$w]}" -gt "$max_target" ] && max_target=${wl_target[$w]}
done
# 5% + 256 MiB headroom for metadata (btrfs keeps it twice) and allocation slack.
need_btrfs=$(( (src_total + max_target) * 105 / 100 + 256 * MiB ))
need_xfs=$(( max_target * 105 / 100 + 256 * MiB ))
if [ "$need_btrfs" -gt "$image_bytes" ] || [ "$need_xfs" -gt "$image_bytes" ]; then
  die "workloads need ~$((need_btrfs / MiB)) MiB on btrfs but images are $image_size; lower --scale, use --only, or raise --image-size"
fi


# ---------------------------------------------------------------------------------------------
# Machine info and CSV header (before any mkfs, so a problem here costs nothing)
# ---------------------------------------------------------------------------------------------
# First lines via awk, not head: head exits early, the writer gets SIGPIPE and pipefail aborts us.
m_kernel="$(uname -r)"
m_cpus="$(nproc)"
m_cpu="$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
m_mem="$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
m_java="$("$fxcp" --version 2>&1 | sed -nE 's/.*Foxing for the JVM; (Java [^)]*)\).*/\1/p')"   # the JDK the launcher runs
m_date="$(date -Iseconds)"
m_cp="$(cp --version | awk 'NR == 1')"
m_rsync="$(rsync --version | awk 'NR == 1 { $1 = $1; print }')"
machine="Machine: Linux $m_kernel, $m_cpus CPUs (${m_cpu:-unknown CPU}), $m_mem RAM, $m_java, $m_date"
settings="Settings: scale $scale, $runs run(s) (median), drop caches $([ "$drop_caches" = 1 ] && echo on || echo off), $fxcp_version; $m_cp; $m_rsync"

[ -n "$csv" ] || csv="$here/results/e2e-copy-$(date +%Y%m%d-%H%M%S).csv"
mkdir -p "$(dirname "$csv")"
{
  echo "# e2e-copy.sh: fxcp -a vs cp -a vs rsync -a; times in ms, median of $runs run(s)"
  echo "# uname -r: $m_kernel"
  echo "# nproc: $m_cpus"
  echo "# cpu: ${m_cpu:-unknown}"
  echo "# memory: $m_mem"
  echo "# java: $m_java"
  echo "# date: $m_date"
  echo "# fxcp: $fxcp_version ($fxcp)"
  echo "# cp: $m_cp"
  echo "# rsync: $m_rsync"
  echo "# scale: $scale; runs: $runs; drop_caches: $drop_caches; image_size: $image_size"
  for w in "${workloads[@]}"; do echo "# workload $w: ${wl_desc[$w]}"; done
  echo "workload,scenario,fxcp_ms,cp_ms,rsync_ms,fxcp_cp,fxcp_rsync,fxcp_verify"
} >"$csv"

# ---------------------------------------------------------------------------------------------
# Filesystems: two sparse images, loop-mounted, always unmounted and deleted on exit.
# ---------------------------------------------------------------------------------------------
mkdir -p "$workdir" || die "cannot create workdir '$workdir'"
workdir="$(cd "$workdir" && pwd)"
btrfs_img="$workdir/btrfs.img"; xfs_img="$workdir/xfs.img"
mb="$workdir/btrfs"; mx="$workdir/xfs"
# Checked before the exit trap exists: cleanup must never touch another run's mounted images.
for m in "$mb" "$mx"; do
  if mountpoint -q "$m" 2>/dev/null; then
    die "$m is already mounted (a previous run still going, or killed with -9?); 'umount $m' first"
  fi
done
mounted=()
errlog="$workdir/tool-stderr.log"

cleanup() {
  local rc=$? m i
  trap - EXIT INT TERM
  cd /
  for m in "${mounted[@]}"; do
    # A tool interrupted by Ctrl-C may still hold the mount for a moment; retry, then detach lazily.
    for i in 1 2 3; do umount "$m" 2>/dev/null && break; sleep 1; done
    mountpoint -q "$m" && { echo "e2e-copy: $m busy, detaching lazily" >&2; umount -l "$m" || true; }
  done
  rm -f "$btrfs_img" "$xfs_img" "$errlog"
  rmdir "$mb" "$mx" 2>/dev/null || true
  rmdir "$workdir" 2>/dev/null || true    # only if empty: never remove what we did not create
  exit "$rc"
}
trap cleanup EXIT
trap 'echo "e2e-copy: interrupted, cleaning up" >&2; exit 130' INT
trap 'echo "e2e-copy: terminated, cleaning up" >&2; exit 143' TERM

host_avail=$(df --output=avail -B1 "$workdir" | tail -n 1)
[ "$host_avail" -ge $((need_btrfs + need_xfs)) ] \
  || die "'$workdir' has $((host_avail / MiB)) MiB free, need ~$(((need_btrfs + need_xfs) / MiB)) MiB for the two images"

log "creating ${image_size} sparse btrfs and XFS images under $workdir"
rm -f "$btrfs_img" "$xfs_img"    # leftovers of a run killed with -9 (not mounted, checked above)
truncate -s "$image_size" "$btrfs_img" "$xfs_img"
mkfs.btrfs -q -f "$btrfs_img" >/dev/null || die "mkfs.btrfs failed"
mkfs.xfs -q -f "$xfs_img" >/dev/null || die "mkfs.xfs failed"
mkdir -p "$mb" "$mx"
mount -o loop "$btrfs_img" "$mb" || die "mount -o loop of the btrfs image failed (loop devices available?)"
mounted+=("$mb")
mount -o loop "$xfs_img" "$mx" || die "mount -o loop of the XFS image failed"
mounted+=("$mx")
mkdir -p "$mb/src" "$mb/dst" "$mx/dst"
declare -A dst_base=([same]="$mb/dst" [cross]="$mx/dst")
declare -A scen_label=([same]="btrfs->btrfs" [cross]="btrfs->xfs")

# ---------------------------------------------------------------------------------------------
# Generate the workloads once, on btrfs.
# ---------------------------------------------------------------------------------------------
gen_small() {  # 100 files per directory, cut from one random stream (one split per directory)
  local root="$1" left=$small_files d=0 n
  while [ "$left" -gt 0 ]; do
    n=$((left < 100 ? left : 100))
    mkdir -p "$root/d$(printf %03d $d)"
    head -c $((n * 4 * KiB)) /dev/urandom | split -b $((4 * KiB)) -a 3 -d - "$root/d$(printf %03d $d)/f"
    left=$((left - n)); d=$((d + 1))
  done
}
gen_large() {
  local root="$1" i
  mkdir -p "$root"
  for ((i = 0; i < large_files; i++)); do head -c "$large_size" /dev/urandom >"$root/large$i.bin"; done
}
gen_mixed() {  # see the distribution above; at most 100 entries per directory
  local root="$1" i
  for ((i = 0; i < mixed_a; i++)); do
    ((i % 100)) || mkdir -p "$root/a/$((i / 100))"
    head -c $(((i % 16 + 1) * KiB)) /dev/urandom >"$root/a/$((i / 100))/f$i"
  done
  for ((i = 0; i < mixed_b; i++)); do
    ((i % 100)) || mkdir -p "$root/b/$((i / 100))"
    head -c $(((i % 16 + 1) * 32 * KiB)) /dev/urandom >"$root/b/$((i / 100))/f$i"
  done
  for ((i = 0; i < mixed_c; i++)); do
    ((i % 100)) || mkdir -p "$root/c/$((i / 100))"
    head -c $(((i % 10 + 1) * MiB)) /dev/urandom >"$root/c/$((i / 100))/f$i"
  done
  mkdir -p "$root/d"
  for i in "${!mixed_d_sizes[@]}"; do head -c "${mixed_d_sizes[$i]}" /dev/urandom >"$root/d/f$i"; done
}
gen_sparse() {  # truncate to the apparent size, then write data blocks into it without truncating
  local root="$1" i u
  mkdir -p "$root"
  for ((i = 0; i < sparse_files; i++)); do
    truncate -s $((50 * sparse_unit)) "$root/sparse$i.bin"
    for u in 0 12 $((25 + i % 5)) 37; do
      dd if=/dev/urandom of="$root/sparse$i.bin" bs="$sparse_unit" count=1 seek="$u" \
        conv=notrunc iflag=fullblock status=none
    done
  done
}

for w in "${workloads[@]}"; do
  log "generating $w (${wl_desc[$w]})"
  "gen_$w" "$mb/src/$w"
done
sync

# ---------------------------------------------------------------------------------------------
# Measurement helpers
# ---------------------------------------------------------------------------------------------
prepare() {  # prepare DST [keep]: same starting point for every timed run
  [ "${2:-}" = keep ] || rm -rf "$1"    # keep: the resync runs start from the existing copy
  sync
  if [ "$drop_caches" = 1 ]; then
    echo 3 >/proc/sys/vm/drop_caches
    # Data starts cold, tools start warm: load each tool's own files (the JDK, cp, rsync) again,
    # as on any machine where they are in use, so the cold cache measures copying, not installs.
    "$fxcp" --version >/dev/null 2>&1 || true
    cp --version >/dev/null; rsync --version >/dev/null
  fi
}

# timed CMD...: runs CMD (output discarded, stderr kept in $errlog); sets T_US and T_RC.
# Wall time from just before the process starts to just after it exits: JVM start included.
T_US=0; T_RC=0
timed() {
  local t0 t1
  t0=$(date +%s%N)
  if "$@" >/dev/null 2>"$errlog"; then T_RC=0; else T_RC=$?; fi
  t1=$(date +%s%N)
  T_US=$(((t1 - t0) / 1000))
}

# run_tool TOOL SRC DST [keep]: one prepared, timed run. Sets T_US, and T_FAIL to "" or a reason.
# The fxcp launcher rebuilds the CLI when sources in the checkout are newer than its jar (someone
# editing while the benchmark runs); such a run times Maven, not fxcp, so it is run again.
T_FAIL=""
run_tool() {
  local _
  for _ in 1 2 3; do
    prepare "$3" "${4:-}"
    case "$1" in
      fxcp) timed "$fxcp" -a "$2/" "$3" ;;
      cp) timed cp -a "$2" "$3" ;;          # DST is absent: cp creates it as the copy of SRC
      rsync) timed rsync -a "$2/" "$3/" ;;
      rsync-HAX) timed rsync -aHAX "$2/" "$3/" ;;   # what fxcp -a compares: hard links, ACLs, xattrs
    esac
    grep -q '^fxcp: building the CLI' "$errlog" || break
    log "  the fxcp launcher rebuilt the CLI during this run (sources changed): not counted, running again"
  done
  T_FAIL=""
  if grep -q '^fxcp: building the CLI' "$errlog"; then
    T_FAIL="rebuilding"
  elif [ "$T_RC" -ne 0 ]; then
    T_FAIL="exit $T_RC"
    log "  $1 exited with status $T_RC; its stderr (first lines):"
    head -n 5 "$errlog" | sed 's/^/    /' >&2
  fi
}

# verify SRC DST: rsync in dry-run itemize mode lists every difference (content by size+mtime,
# or by checksum with --checksum-verify; perms, owner, times, hard links, ACLs, xattrs, extra
# files). Empty output means the copy is faithful. Prints ok or FAIL; details go to stderr.
verify() {
  local out rc=0 opts=-aniHAX
  [ "$checksum_verify" = 1 ] && opts=-aniHAXc
  out="$(rsync "$opts" --delete "$1/" "$2/" 2>&1)" || rc=$?
  if [ "$rc" -eq 0 ] && [ -z "$out" ]; then
    echo ok
  else
    {
      echo "  verify FAILED for $2 (rsync status $rc); differences (first 10 lines):"
      head -n 10 <<<"$out" | sed 's/^/    /'
    } >&2
    echo FAIL
  fi
}

alloc() { du -s -B1 "$1" | cut -f1; }   # allocated bytes (du), to see whether holes survived

# Results: one row per measurement, printed as a table at the end and appended to the CSV now.
rows=()
add_row() {  # add_row WORKLOAD SCENARIO FXCP_CELL CP_CELL RSYNC_CELL FXCP/CP FXCP/RSYNC VERIFY
  rows+=("$(printf '| %s | %s | %s | %s | %s | %s | %s | %s |' "$@")")
  printf '%s,%s,%s,%s,%s,%s,%s,%s\n' "$@" >>"$csv"
}

# cell TOOL: median ms of TOOL's runs, or ERR(reason) if any run failed (its time means nothing).
declare -A run_us=() failed=()
cell() {
  if [ -n "${failed[$1]:-}" ]; then echo "ERR(${failed[$1]})"
  elif [ -n "${run_us[$1]:-}" ]; then ms "$(median "${run_us[$1]}")"
  else echo "-"; fi
}
rcell() {  # rcell A B: ratio of medians, n/a if either failed or is missing
  if [ -n "${failed[$1]:-}${failed[$2]:-}" ] || [ -z "${run_us[$1]:-}" ] || [ -z "${run_us[$2]:-}" ]; then
    echo "n/a"
  else
    ratio "$(median "${run_us[$1]}")" "$(median "${run_us[$2]}")"
  fi
}

measure() {  # measure WORKLOAD SCENARIO
  local w="$1" s="$2" src="$mb/src/$1" r tool dst line check="-"
  run_us=(); failed=()
  log "$w, ${scen_label[$s]} (${wl_desc[$w]})"
  for ((r = 1; r <= runs; r++)); do
    line=""
    for tool in fxcp cp rsync; do
      dst="${dst_base[$s]}/$w.$tool"
      run_tool "$tool" "$src" "$dst"
      run_us[$tool]+=" $T_US"
      [ -n "$T_FAIL" ] && failed[$tool]=$T_FAIL
      line+=" $tool $(ms "$T_US") ms,"
      if [ "$r" -eq 1 ]; then
        # Checked on the first run only: the copy is the same every time, the check is slow.
        [ "$tool" = fxcp ] && check="$(verify "$src" "$dst")"
        if [ "$w" = sparse ]; then
          log "  sparse: $tool target allocates $(($(alloc "$dst") / KiB)) KiB (source $(($(alloc "$src") / KiB)) KiB)"
        fi
      fi
      rm -rf "$dst"    # one target at a time keeps disk use bounded
    done
    log "  run $r/$runs:${line%,}"
  done
  add_row "$w" "${scen_label[$s]}" "$(cell fxcp)" "$(cell cp)" "$(cell rsync)" \
    "$(rcell fxcp cp)" "$(rcell fxcp rsync)" "$check"
}

# Resync: the daily-backup case. A full copy exists and nothing changed; both tools should only
# walk both trees and compare size+mtime. The full copy is made once with cp -a (neutral: neither
# contestant made it) and checked to be in sync; every timed run starts from that same tree.
measure_resync() {
  local src="$mb/src/small" dst="$mx/dst/small.resync" r tool line check json copied
  run_us=(); failed=()
  log "resync: small, unchanged, btrfs->xfs"
  rm -rf "$dst"
  cp -a "$src" "$dst"
  sync
  [ "$(verify "$src" "$dst")" = ok ] || log "  warning: the cp -a baseline is not in sync; resync times include copying"
  for ((r = 1; r <= runs; r++)); do
    line=""
    for tool in fxcp rsync rsync-HAX; do
      run_tool "$tool" "$src" "$dst" keep
      run_us[$tool]+=" $T_US"
      [ -n "$T_FAIL" ] && failed[$tool]=$T_FAIL
      line+=" $tool $(ms "$T_US") ms,"
    done
    log "  run $r/$runs:${line%,}"
  done
  check="$(verify "$src" "$dst")"
  # One more, untimed, run asking fxcp what it did: an unchanged tree must copy nothing.
  json="$("$fxcp" -a --json "$src/" "$dst" 2>/dev/null || true)"
  copied="$(grep -o '"files_copied":[0-9]*' <<<"$json" | cut -d: -f2 || true)"
  if [ -n "$copied" ] && [ "$copied" != 0 ]; then
    log "  fxcp re-copied $copied unchanged files"
    check="FAIL(recopied $copied)"
  fi
  add_row small "resync btrfs->xfs" "$(cell fxcp)" "-" "$(cell rsync)" "n/a" "$(rcell fxcp rsync)" "$check"
  # fxcp -a also compares xattrs and ACLs of every file; rsync does that with -HAX
  add_row small "resync btrfs->xfs (rsync -aHAX)" "$(cell fxcp)" "-" "$(cell rsync-HAX)" "n/a" "$(rcell fxcp rsync-HAX)" "$check"
  rm -rf "$dst"
}

# ---------------------------------------------------------------------------------------------
# Run
# ---------------------------------------------------------------------------------------------
for w in "${workloads[@]}"; do
  for s in "${scenarios[@]}"; do measure "$w" "$s"; done
  if [ "$w" = small ] && [ "$run_resync" = 1 ]; then measure_resync; fi
  rm -rf "${mb:?}/src/$w"    # measured: free its space for the next workloads
  sync
done

echo "$machine"
echo "$settings"
echo
echo "| workload | scenario | fxcp ms | cp ms | rsync ms | fxcp/cp | fxcp/rsync | fxcp verify |"
echo "|---|---|---:|---:|---:|---:|---:|---|"
printf '%s\n' "${rows[@]}"
echo
echo "Ratios below 1.00 mean fxcp was faster. CSV: $csv"
