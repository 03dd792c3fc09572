#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# End-to-end snapshot-archive benchmark: `fxcp snap` beside borg, restic and `tar | zstd`, in one run.
#
# Why end to end: an archive tool is judged by what a user waits for and what lands on disk, for
# the same tree: how long it takes to write the archive (export), how big it is, how long a full
# restore takes (import) and how long getting one file back takes. This script times each tool as
# whole processes (bash `date +%s%N` around the command) on the same source directory, in the same
# run, and prints ratios fxcp/peer. All of them compress with zstd at the same level (3 by default;
# restic has no levels, it uses its `auto` mode, which is zstd's default speed).
#
# Needs root (drop_caches; restores keep file owners) and the apt packages borgbackup, restic,
# zstd, rsync (tar is always there). Run `e2e-snap.sh --help` for the options. Quick smoke run:
#   sudo benchmarks/e2e-snap.sh --src /usr/share/doc --runs 1 --workdir /var/tmp/fxsnap-test
#
# What is measured (per tool, median of --runs; SRC defaults to /usr/share, ONE is a file of
# 10-100 KiB picked deep in SRC, its path relative to SRC, A the archive, R the repository):
#   fxcp    export  fxcp snap export SRC -o A --compress zstd:3
#           import  fxcp snap import A DEST
#           one     fxcp snap restore A --file ONE -o DIR
#   borg    export  cd SRC && borg create --compression zstd,3 R::snap .
#           import  cd DEST && borg extract R::snap         one: cd DIR && borg extract R::snap ONE
#   restic  export  cd SRC && restic -r R backup --compression auto .
#           import  restic -r R restore latest --target DEST      one: ... --target DIR --include /ONE
#   tar     export  tar -C SRC -cf - . | zstd -3 -T1 -o A
#           import  zstd -dc A | tar -C DEST -xf -          one: zstd -dc A | tar -C DIR -xf - ./ONE
# The archive size is `du -sb` of the archive file or repository. Repositories (borg init, restic
# init) are made untimed before each export: a user makes one once and then adds snapshots to it.
# Each export starts from nothing (new repository, empty borg/restic caches), so no tool can skip
# work it did in an earlier run. restic keeps the local cache (index and trees) its backup wrote,
# as it would on the machine that made the backup; borg's extract does not use its cache.
# Threads: borg and tar|zstd -T1 use one core for compression (see --zstd-threads), restic uses
# all cores, fxcp uses its default unless --threads is given.
#
# Before every timed command `sync` flushes the previous command's writeback and the page cache is
# dropped (unless --no-drop-caches), so the source tree or the archive is read cold; each tool is
# then started once untimed (`--version`; for fxcp `snap --help`) so its own files (for fxcp, the
# JDK; for borg, Python) are cached as on a machine where it is in use. Times end when the tool
# exits (writeback is not included, for any tool). Tools run interleaved (fxcp, borg, restic, tar,
# fxcp, ...) so slow drift hits all of them alike; one tool's archive and restore are deleted
# before the next tool runs, so the disk holds at most one archive and one restored tree at a time.
#
# Verification (first run only, untimed): every full restore is compared with SRC by
# `rsync -anicH --delete` (content by checksum, plus permissions, owners, times, symlinks, hard
# links, missing and extra files); the top directory's own mode and times are not compared (borg
# and restic restore into DEST without touching DEST itself). A one-file restore must give exactly
# that one regular file, byte-identical (cmp) at DIR/ONE. Any difference is a FAIL in the table
# and makes the script exit with status 1.
# shellcheck disable=SC2317  # the tool functions below are called by name ("${tool}_$op")
set -eEuo pipefail
# With set -e a failing command ends the script silently; say which one.
trap 'echo "e2e-snap: failed (status $?) at line $LINENO: $BASH_COMMAND" >&2' ERR

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
repo="$(dirname "$here")"
# shellcheck source=benchmarks/lib.sh
. "$here/lib.sh"

# ---------------------------------------------------------------------------------------------
# Options
# ---------------------------------------------------------------------------------------------
workdir=/var/tmp/fxsnap-bench
src=/usr/share
one=""
runs=3
drop_caches=1
fxcp="$repo/fxcp"
csv=""
tools_opt="fxcp,borg,restic,tar"
level=3
fxcp_threads=""
zstd_threads=1

usage() {
  cat <<EOF
Usage: $(basename "$0") [options]

End-to-end benchmark of 'fxcp snap' archives against borg, restic and 'tar | zstd' on the same
directory tree: export time, archive size, full import (restore) time and one-file restore time.
Must run as root. Prints a Markdown table and fxcp/peer ratios on stdout (progress goes to
stderr) and writes the same data as CSV.

Options:
  --src DIR           Directory tree to archive (default: /usr/share)
  --one PATH          File restored alone, relative to --src (default: picked automatically, a
                      regular file of 10-100 KiB as deep in the tree as possible)
  --tools LIST        Comma-separated tools: fxcp,borg,restic,tar (default: all four)
  --workdir DIR       Where archives and restores go, on a normal disk (default: /var/tmp/fxsnap-bench);
                      the script works in a subdirectory of its own and removes it on exit
  --runs N            Timed runs per tool and operation; the median is reported (default: 3)
  --no-drop-caches    Do not drop the page cache before each timed command (warm-ish cache)
  --fxcp PATH         fxcp to benchmark (default: $repo/fxcp)
  --csv FILE          CSV output (default: benchmarks/results/e2e-snap-<date>.csv)
  --level N           zstd level for fxcp, borg and tar (default: 3; restic has only 'auto')
  --threads N         Pass --threads N to 'fxcp snap export' (default: fxcp's own default)
  --zstd-threads N    zstd -T for the tar pipeline; 0 means one per core (default: 1)
  -h, --help          Show this help

Exit status: 0 done and every restore verified, 1 done but a tool failed or a restore differed
(FAIL/ERR in the table), 2 bad usage or missing prerequisites.
EOF
}

die() { echo "e2e-snap: $*" >&2; exit 2; }
log() { echo "[e2e-snap $(date +%H:%M:%S)] $*" >&2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --src) [ $# -ge 2 ] || die "--src needs a value"; src="$2"; shift 2 ;;
    --src=*) src="${1#*=}"; shift ;;
    --one) [ $# -ge 2 ] || die "--one needs a value"; one="$2"; shift 2 ;;
    --one=*) one="${1#*=}"; shift ;;
    --tools) [ $# -ge 2 ] || die "--tools needs a value"; tools_opt="$2"; shift 2 ;;
    --tools=*) tools_opt="${1#*=}"; shift ;;
    --workdir) [ $# -ge 2 ] || die "--workdir needs a value"; workdir="$2"; shift 2 ;;
    --workdir=*) workdir="${1#*=}"; shift ;;
    --runs) [ $# -ge 2 ] || die "--runs needs a value"; runs="$2"; shift 2 ;;
    --runs=*) runs="${1#*=}"; shift ;;
    --no-drop-caches) drop_caches=0; shift ;;
    --fxcp) [ $# -ge 2 ] || die "--fxcp needs a value"; fxcp="$2"; shift 2 ;;
    --fxcp=*) fxcp="${1#*=}"; shift ;;
    --csv) [ $# -ge 2 ] || die "--csv needs a value"; csv="$2"; shift 2 ;;
    --csv=*) csv="${1#*=}"; shift ;;
    --level) [ $# -ge 2 ] || die "--level needs a value"; level="$2"; shift 2 ;;
    --level=*) level="${1#*=}"; shift ;;
    --threads) [ $# -ge 2 ] || die "--threads needs a value"; fxcp_threads="$2"; shift 2 ;;
    --threads=*) fxcp_threads="${1#*=}"; shift ;;
    --zstd-threads) [ $# -ge 2 ] || die "--zstd-threads needs a value"; zstd_threads="$2"; shift 2 ;;
    --zstd-threads=*) zstd_threads="${1#*=}"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done

[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "--runs must be a positive integer, got '$runs'"
if ! [[ "$level" =~ ^[0-9]+$ ]] || [ "$level" -lt 1 ] || [ "$level" -gt 19 ]; then
  die "--level must be a zstd level from 1 to 19, got '$level'"
fi
[ -z "$fxcp_threads" ] || [[ "$fxcp_threads" =~ ^[1-9][0-9]*$ ]] \
  || die "--threads must be a positive integer, got '$fxcp_threads'"
[[ "$zstd_threads" =~ ^[0-9]+$ ]] || die "--zstd-threads must be 0 or a positive integer, got '$zstd_threads'"
# Keep the canonical order (fxcp first, then the peers) whatever order --tools lists them in.
declare -A wanted=()
IFS=, read -r -a tools_list <<<"$tools_opt"
for t in "${tools_list[@]}"; do
  case "$t" in
    fxcp|borg|restic|tar) wanted[$t]=1 ;;
    *) die "--tools: unknown tool '$t' (choose from fxcp,borg,restic,tar)" ;;
  esac
done
tools=()
for t in fxcp borg restic tar; do [ -n "${wanted[$t]:-}" ] && tools+=("$t"); done
[ ${#tools[@]} -gt 0 ] || die "--tools selected no tool"
has() { [ -n "${wanted[$1]:-}" ]; }
peers=()
for t in "${tools[@]}"; do [ "$t" = fxcp ] || peers+=("$t"); done

# ---------------------------------------------------------------------------------------------
# Prerequisites: fail early with one clear line, before writing anything.
# ---------------------------------------------------------------------------------------------
[ "$(id -u)" -eq 0 ] || die "must run as root (drops caches; restores must keep file owners to compare equal)"
need rsync rsync
need cmp diffutils
need du coreutils
has borg && need borg borgbackup
has restic && need restic restic
has tar && { need tar tar; need zstd zstd; }
if has fxcp && [ ! -x "$fxcp" ]; then
  die "fxcp not found or not executable at '$fxcp' (use --fxcp PATH, or leave fxcp out of --tools)"
fi
if [ "$drop_caches" = 1 ] && ! { sync && echo 3 >/proc/sys/vm/drop_caches; } 2>/dev/null; then
  die "cannot write /proc/sys/vm/drop_caches (container?); rerun with --no-drop-caches"
fi

[ -d "$src" ] || die "--src: '$src' is not a directory"
src="$(readlink -f "$src")"
[ "$src" != / ] || die "--src: archiving / is not supported (the restores would not fit beside it)"

# The one file: relative to SRC, a plain regular file. Chosen automatically as deep as possible,
# 10-100 KiB, one link (tar cannot extract a hard link alone), and with no glob or space characters
# in its path (fxcp --file and restic --include take patterns; borg and tar take it literally).
if [ -z "$one" ]; then
  log "picking the one-file restore target in $src..."
  one="$(find "$src" -mindepth 2 -type f -links 1 -printf '%d\t%s\t%P\n' 2>/dev/null |
    awk -F'\t' '$2 >= 10240 && $2 <= 102400 && $3 !~ /[][*?\\ {}]/' |
    sort -t "$(printf '\t')" -k1,1nr -k3,3 | awk -F'\t' 'NR == 1 { print $3 }')" || true
  [ -n "$one" ] || die "no regular file of 10-100 KiB found below '$src'; name one with --one PATH"
else
  case "$one" in
    "$src"/*) one="${one#"$src"/}" ;;
    /*) die "--one: '$one' is not below --src '$src' (give a path relative to it)" ;;
  esac
  one="${one#./}"
  if [[ "$one" == *[][*?\\{}]* ]]; then
    log "warning: --one '$one' has glob characters; fxcp --file and restic --include read them as patterns"
  fi
fi
if [ ! -f "$src/$one" ] || [ -L "$src/$one" ]; then die "--one: '$src/$one' is not a regular file"; fi
one_bytes=$(stat -c %s "$src/$one")

# Tool capabilities, asked of the installed versions (not assumed).
if has restic; then
  restic_help="$(restic help init 2>&1 || true)"
  restic_auth=()
  if grep -q -- '--insecure-no-password' <<<"$restic_help"; then
    restic_auth=(--insecure-no-password)     # restic >= 0.17: no key derivation for a throwaway repo
  else
    export RESTIC_PASSWORD=bench             # older: a password is mandatory
  fi
  restic_init_opts=()
  restic_backup_opts=()
  if grep -q -- '--repository-version' <<<"$restic_help" && grep -q -- '--compression' <<<"$restic_help"; then
    restic_init_opts=(--repository-version 2)   # format 2 is the one that compresses
    restic_backup_opts=(--compression auto)
    restic_comp="zstd (auto)"
  else
    restic_comp="none (restic older than 0.14: no compression)"
    log "warning: this restic cannot compress; its archive sizes are uncompressed"
  fi
fi

# Warm-up, untimed: the fxcp launcher builds the CLI if sources changed and records its
# class-data-sharing archive on first use; neither belongs in a timed run.
fxcp_version="-"
if has fxcp; then
  log "checking $fxcp (the launcher may build on first use)..."
  fxcp_version="$("$fxcp" --version 2>&1)" || die "'$fxcp --version' failed: $(tail -n 1 <<<"$fxcp_version")"
  # Keep the version line, not the launcher's "building..." notice that may precede it.
  fxcp_version="$(awk '/^fxcp [0-9]/ { v = $0 } END { print v }' <<<"$fxcp_version")"
  "$fxcp" snap --help >/dev/null 2>&1 || die "'$fxcp snap --help' failed: this fxcp has no 'snap' command"
fi

# ---------------------------------------------------------------------------------------------
# Machine, tools and data set description; CSV header
# ---------------------------------------------------------------------------------------------
# First lines via awk, not head: head exits early, the writer gets SIGPIPE and pipefail aborts us.
first() { awk 'NR == 1 { $1 = $1; print }'; }
m_kernel="$(uname -r)"
m_cpus="$(nproc)"
m_cpu="$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
m_mem="$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
m_java="$("$fxcp" --version 2>&1 | sed -nE 's/.*Foxing for the JVM; (Java [^)]*)\).*/\1/p')"   # the JDK the launcher runs
m_date="$(date -Iseconds)"
m_fs_dir="$workdir"    # the workdir may not exist yet: ask about its nearest existing ancestor
while [ ! -d "$m_fs_dir" ]; do m_fs_dir="$(dirname "$m_fs_dir")"; done
m_fs="$(df --output=fstype "$m_fs_dir" 2>/dev/null | awk 'NR == 2' || true)"
declare -A version=([fxcp]="$fxcp_version")
has borg && version[borg]="$(borg --version 2>&1 | first)"
has restic && version[restic]="$(restic version 2>&1 | awk 'NR == 1 { print $1, $2 }')"
has tar && version[tar]="$(tar --version | first); $(zstd --version 2>&1 | sed -E 's/.*(v[0-9][0-9.]*).*/zstd \1/' | first)"

src_bytes=$(du -sb "$src" | cut -f1)
src_files=$(find "$src" -type f | wc -l)
src_dirs=$(find "$src" -type d | wc -l)
src_links=$(find "$src" -type l | wc -l)
dataset="$src: $src_files files, $src_dirs directories, $src_links symlinks, $((src_bytes / 1048576)) MiB (du -sb)"

declare -A describe=(
  [fxcp]="fxcp snap, zstd:$level${fxcp_threads:+, --threads $fxcp_threads}"
  [borg]="borg, zstd,$level, no encryption"
  [restic]="restic, compression ${restic_comp:-}"
  [tar]="tar + zstd -$level -T$zstd_threads"   # no '|': it would split a Markdown table cell
)
machine="Machine: Linux $m_kernel, $m_cpus CPUs (${m_cpu:-unknown CPU}), $m_mem RAM, ${m_fs:-?} workdir, $m_java, $m_date"
settings="Settings: $runs run(s) (median), drop caches $([ "$drop_caches" = 1 ] && echo on || echo off), zstd level $level"
dataset_line="Data: $dataset; one file: $one ($one_bytes bytes)"

[ -n "$csv" ] || csv="$here/results/e2e-snap-$(date +%Y%m%d-%H%M%S).csv"
mkdir -p "$(dirname "$csv")"
{
  echo "# e2e-snap.sh: snapshot archives, fxcp snap vs borg vs restic vs tar|zstd; times in ms, sizes in bytes (du -sb), medians of $runs run(s)"
  echo "# uname -r: $m_kernel"
  echo "# nproc: $m_cpus"
  echo "# cpu: ${m_cpu:-unknown}"
  echo "# memory: $m_mem"
  echo "# java: $m_java"
  echo "# date: $m_date"
  echo "# workdir filesystem: ${m_fs:-?}"
  for t in "${tools[@]}"; do echo "# $t: ${version[$t]} (${describe[$t]})"; done
  echo "# data: $dataset"
  echo "# one file: $one ($one_bytes bytes)"
  echo "# runs: $runs; drop_caches: $drop_caches; level: $level; zstd_threads: $zstd_threads; fxcp_threads: ${fxcp_threads:-default}"
  echo "tool,export_ms,archive_bytes,import_ms,one_ms,size_vs_source,fxcp_export_ratio,fxcp_size_ratio,\
fxcp_import_ratio,fxcp_one_ratio,verify_import,verify_one"
} >"$csv"

# ---------------------------------------------------------------------------------------------
# Work area: a directory of this run's own below --workdir, always removed on exit.
# ---------------------------------------------------------------------------------------------
mkdir -p "$workdir" || die "cannot create workdir '$workdir'"
workdir="$(cd "$workdir" && pwd)"
case "$workdir/" in
  "$src"/*) die "--workdir '$workdir' is inside --src '$src'" ;;
esac
run_dir="$workdir/e2e-snap.$$"
errlog="$run_dir/tool-stderr.log"
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  cd /
  rm -rf "$run_dir"
  rmdir "$workdir" 2>/dev/null || true    # only if empty: never remove what we did not create
  exit "$rc"
}
trap cleanup EXIT
trap 'echo "e2e-snap: interrupted, cleaning up" >&2; exit 130' INT
trap 'echo "e2e-snap: terminated, cleaning up" >&2; exit 143' TERM
mkdir "$run_dir"

# One archive (at most the source's size) and one restore at a time, plus the restic cache and
# allocation slack for many small files: 2.2 x the source and 256 MiB.
MiB=$((1024 * 1024))
need_bytes=$((src_bytes * 22 / 10 + 256 * MiB))
host_avail=$(df --output=avail -B1 "$run_dir" | tail -n 1)
[ "$host_avail" -ge "$need_bytes" ] \
  || die "'$workdir' has $((host_avail / MiB)) MiB free, need ~$((need_bytes / MiB)) MiB (one archive and one restore of $src)"

# Tool homes inside the run directory: nothing of this run lands in ~/.cache or ~/.config.
export BORG_BASE_DIR="$run_dir/borg-home"
export BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=yes
export BORG_RELOCATED_REPO_ACCESS_IS_OK=yes
export RESTIC_CACHE_DIR="$run_dir/restic-cache"

log "data: $dataset"
log "one file: $one ($one_bytes bytes); tools: ${tools[*]}; work area: $run_dir"

# ---------------------------------------------------------------------------------------------
# The tools. Each operation is a function: the archive is $arc, the restore target $dest.
# Functions that cd run in a subshell (the parentheses) so the script's directory never changes.
# ---------------------------------------------------------------------------------------------
arc_of() {  # the archive file or repository of TOOL
  case "$1" in
    fxcp) echo "$run_dir/archive.fxar" ;;
    borg) echo "$run_dir/borg-repo" ;;
    restic) echo "$run_dir/restic-repo" ;;
    tar) echo "$run_dir/archive.tar.zst" ;;
  esac
}
dest="$run_dir/restore"

# export_setup TOOL: untimed; a new empty archive place (and repository for borg and restic).
export_setup() {
  local arc
  arc="$(arc_of "$1")"
  rm -rf "$arc" "$BORG_BASE_DIR" "$RESTIC_CACHE_DIR"
  case "$1" in
    borg) borg init --encryption=none "$arc" >/dev/null ;;
    restic) restic init --repo "$arc" "${restic_auth[@]}" "${restic_init_opts[@]}" >/dev/null ;;
  esac
}
# restore_setup TOOL OP: untimed; an empty restore target. fxcp creates DEST (import) and the
# -o directory (restore) itself and restic its --target; borg extracts into the current
# directory and tar into -C, so for them it exists beforehand (an mkdir: no advantage).
restore_setup() {
  rm -rf "$dest"
  case "$1" in
    borg|tar) mkdir "$dest" ;;
  esac
}

fxcp_export() {
  "$fxcp" snap export "$src" -o "$(arc_of fxcp)" --compress "zstd:$level" ${fxcp_threads:+--threads "$fxcp_threads"}
}
fxcp_import() { "$fxcp" snap import "$(arc_of fxcp)" "$dest"; }
fxcp_one() { "$fxcp" snap restore "$(arc_of fxcp)" --file "$one" -o "$dest"; }

borg_export() ( cd "$src" && borg create --compression "zstd,$level" "$(arc_of borg)::snap" . )
borg_import() ( cd "$dest" && borg extract "$(arc_of borg)::snap" )
borg_one() ( cd "$dest" && borg extract "$(arc_of borg)::snap" "$one" )

# `restic backup .` inside SRC stores SRC's entries at the snapshot's root: /ONE is the file.
restic_r() { restic --repo "$(arc_of restic)" "${restic_auth[@]}" "$@"; }
restic_export() ( cd "$src" && restic_r backup -q "${restic_backup_opts[@]}" . )
restic_import() { restic_r restore latest -q --target "$dest"; }
restic_one() { restic_r restore latest -q --target "$dest" --include "/$one"; }

# zstd -T0 would use every core; -T1 (default here) is one compression thread, like borg.
tar_export() { tar -C "$src" -cf - . | zstd "-$level" "-T$zstd_threads" -q -o "$(arc_of tar)"; }
tar_import() { zstd -dcq "$(arc_of tar)" | tar -C "$dest" -xf -; }
# A tar stream has no index: extracting one member decompresses and reads the whole archive.
tar_one() { zstd -dcq "$(arc_of tar)" | tar -C "$dest" -xf - "./$one"; }

# ---------------------------------------------------------------------------------------------
# Measurement helpers
# ---------------------------------------------------------------------------------------------
prepare() {  # same starting point for every timed command: no dirty data, cold page cache
  local t
  sync
  if [ "$drop_caches" = 1 ]; then
    echo 3 >/proc/sys/vm/drop_caches
    # Data starts cold, tools start warm: load each tool's own files (the JDK, Python for borg)
    # again, as on any machine where they are in use, so the cold cache measures the archive work.
    for t in "${tools[@]}"; do
      case "$t" in
        # `snap --help`, not `--version`: the launcher starts snap with other JVM options (C2,
        # the Vector API module), whose files are then the ones cached.
        fxcp) "$fxcp" snap --help >/dev/null 2>&1 || true ;;
        borg) borg --version >/dev/null 2>&1 || true ;;
        restic) restic version >/dev/null 2>&1 || true ;;
        tar) tar --version >/dev/null; zstd --version >/dev/null ;;
      esac
    done
  fi
}

# timed CMD...: runs CMD (output discarded, stderr kept in $errlog); sets T_US and T_RC.
# Wall time from just before the process starts to just after it (and its pipeline) exits.
T_US=0; T_RC=0
timed() {
  local t0 t1
  t0=$(date +%s%N)
  if "$@" >/dev/null 2>"$errlog"; then T_RC=0; else T_RC=$?; fi
  t1=$(date +%s%N)
  T_US=$(((t1 - t0) / 1000))
}

# run_op TOOL OP: one set-up, prepared, timed run of TOOL's OP (export, import or one).
# Sets T_US, and T_FAIL to "" or a reason. The fxcp launcher rebuilds the CLI when sources in the
# checkout are newer than its jar (someone editing while the benchmark runs); such a run times
# Maven, not fxcp, so it is run again.
T_FAIL=""
run_op() {
  local _
  for _ in 1 2 3; do
    if [ "$2" = export ]; then export_setup "$1"; else restore_setup "$1"; fi
    prepare
    timed "${1}_$2"
    grep -q '^fxcp: building the CLI' "$errlog" || break
    log "  the fxcp launcher rebuilt the CLI during this run (sources changed): not counted, running again"
  done
  T_FAIL=""
  if grep -q '^fxcp: building the CLI' "$errlog"; then
    T_FAIL="rebuilding"
  elif [ "$T_RC" -ne 0 ]; then
    T_FAIL="exit $T_RC"
    log "  $1 $2 exited with status $T_RC; its stderr (first lines):"
    head -n 5 "$errlog" | sed 's/^/    /' >&2
  fi
}

# verify_full: DEST against SRC with rsync in dry-run itemize mode, content by checksum. Every
# output line is a difference, except the top directory's own attributes ("./"). Prints ok or
# FAIL; details go to stderr.
verify_full() {
  local out rc=0 diffs
  out="$(rsync -anicH --delete "$src/" "$dest/" 2>&1)" || rc=$?
  diffs="$(grep -v '^\.d[^ ]* \./$' <<<"$out" || true)"
  if [ "$rc" -eq 0 ] && [ -z "$diffs" ]; then
    echo ok
  else
    {
      echo "  VERIFY FAILED: the full restore differs from $src (rsync status $rc); differences (first 10 of $(grep -c . <<<"$diffs")):"
      head -n 10 <<<"$diffs" | sed 's/^/    /'
    } >&2
    echo FAIL
  fi
}

# verify_one: exactly one regular file restored, at DEST/ONE, equal to SRC/ONE.
verify_one() {
  local n
  n=$(find "$dest" -type f 2>/dev/null | wc -l)
  if [ ! -f "$dest/$one" ]; then
    {
      echo "  VERIFY FAILED: $dest/$one was not restored; the restore holds $n files (first 5):"
      find "$dest" -type f 2>/dev/null | awk 'NR <= 5 { print "    " $0 }'
    } >&2
    echo FAIL
  elif ! cmp -s "$src/$one" "$dest/$one"; then
    echo "  VERIFY FAILED: $dest/$one differs from $src/$one" >&2
    echo FAIL
  elif [ "$n" -ne 1 ]; then
    echo "  VERIFY FAILED: asked for one file, $n files were restored" >&2
    echo "FAIL($n files)"
  else
    echo ok
  fi
}

secs() { awk -v u="$1" 'BEGIN { printf (u < 10000000 ? "%.2f" : "%.1f"), u / 1000000 }'; }
mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }

# ---------------------------------------------------------------------------------------------
# Run: per run, each tool in turn exports, is measured, imports, restores one file, and is deleted.
# ---------------------------------------------------------------------------------------------
# Values per "TOOL OP" (OP: export import one size): space-separated samples of every run.
declare -A samples=() failed=() checked=()
for t in "${tools[@]}"; do checked[$t.import]="-"; checked[$t.one]="-"; done

for ((r = 1; r <= runs; r++)); do
  for t in "${tools[@]}"; do
    line=""
    run_op "$t" export
    samples[$t.export]+=" $T_US"
    line+=" export $(secs "$T_US") s,"
    if [ -n "$T_FAIL" ]; then
      failed[$t.export]=$T_FAIL
      failed[$t.import]="no archive"; failed[$t.one]="no archive"
      log "  run $r/$runs $t:$line FAILED ($T_FAIL)"
      rm -rf "$(arc_of "$t")" "$dest"
      continue
    fi
    size=$(du -sb "$(arc_of "$t")" | cut -f1)
    samples[$t.size]+=" $size"
    line+=" $(mib "$size") MiB,"
    if [ "$t" = fxcp ] && [ "$r" -eq 1 ]; then
      # Untimed sanity check of the archive's own description; a failure is reported, not fatal.
      "$fxcp" snap inspect "$(arc_of fxcp)" --json >"$run_dir/inspect.json" 2>"$errlog" \
        || log "  warning: 'fxcp snap inspect --json' failed: $(awk 'NR == 1' "$errlog")"
      if command -v python3 >/dev/null && [ -s "$run_dir/inspect.json" ] \
        && ! python3 -m json.tool "$run_dir/inspect.json" >/dev/null 2>&1; then
        log "  warning: 'fxcp snap inspect --json' did not print valid JSON"
      fi
    fi

    run_op "$t" import
    samples[$t.import]+=" $T_US"
    line+=" import $(secs "$T_US") s${T_FAIL:+ FAILED},"
    if [ -n "$T_FAIL" ]; then
      failed[$t.import]=$T_FAIL
    elif [ "$r" -eq 1 ]; then
      # Checked on the first run only: the restore is the same every time, the check reads it all.
      log "  verifying $t's full restore against $src..."
      checked[$t.import]="$(verify_full)"
    fi

    run_op "$t" one
    samples[$t.one]+=" $T_US"
    line+=" one file $(secs "$T_US") s${T_FAIL:+ FAILED},"
    if [ -n "$T_FAIL" ]; then
      failed[$t.one]=$T_FAIL
    elif [ "$r" -eq 1 ]; then
      checked[$t.one]="$(verify_one)"
    fi

    rm -rf "$(arc_of "$t")" "$dest" "$BORG_BASE_DIR" "$RESTIC_CACHE_DIR"   # one tool's data at a time
    log "  run $r/$runs $t:${line%,}"
  done
done

# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------
val() {  # val TOOL OP: median of the samples, or nothing if a run failed or there is none
  [ -z "${failed[$1.$2]:-}" ] && [ -n "${samples[$1.$2]:-}" ] && median "${samples[$1.$2]}"
  return 0
}
tcell() {  # tcell TOOL OP: median seconds, or ERR(reason)
  local v
  if [ -n "${failed[$1.$2]:-}" ]; then echo "ERR(${failed[$1.$2]})"; return; fi
  v="$(val "$1" "$2")"
  if [ -n "$v" ]; then secs "$v"; else echo "-"; fi
}
rcell() {  # rcell OP PEER: fxcp's median / PEER's median, n/a if either is missing
  local a b
  a="$(val fxcp "$1")"; b="$(val "$2" "$1")"
  if [ -n "$a" ] && [ -n "$b" ]; then ratio "$a" "$b"; else echo "n/a"; fi
}

status=0
rows=()
for t in "${tools[@]}"; do
  size="$(val "$t" size)"
  vi="${checked[$t.import]}"; vo="${checked[$t.one]}"
  [ -n "${failed[$t.import]:-}" ] && vi="ERR"
  [ -n "${failed[$t.one]:-}" ] && vo="ERR"
  [ "$vi" = ok ] && [ "$vo" = ok ] || status=1
  [ -z "${failed[$t.export]:-}" ] || status=1
  size_cell="$([ -n "$size" ] && mib "$size" || echo "-")"
  vs_src="$([ -n "$size" ] && ratio "$size" "$src_bytes" || echo "n/a")"
  rows+=("$(printf '| %s | %s | %s | %s | %s | %s | %s | %s |' "${describe[$t]}" \
    "$(tcell "$t" export)" "$size_cell" "$vs_src" "$(tcell "$t" import)" "$(tcell "$t" one)" "$vi" "$vo")")
  if [ "$t" = fxcp ] || ! has fxcp; then
    r_exp="-"; r_size="-"; r_imp="-"; r_one="-"
  else
    r_exp="$(rcell export "$t")"; r_size="$(rcell size "$t")"; r_imp="$(rcell import "$t")"; r_one="$(rcell one "$t")"
  fi
  printf '%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n' "$t" \
    "$(v="$(val "$t" export)"; [ -n "$v" ] && ms "$v" || echo "${failed[$t.export]:+ERR}")" \
    "${size:-}" \
    "$(v="$(val "$t" import)"; [ -n "$v" ] && ms "$v" || echo "${failed[$t.import]:+ERR}")" \
    "$(v="$(val "$t" one)"; [ -n "$v" ] && ms "$v" || echo "${failed[$t.one]:+ERR}")" \
    "$vs_src" "$r_exp" "$r_size" "$r_imp" "$r_one" "$vi" "$vo" >>"$csv"
done

echo "$machine"
echo "$settings"
echo "$dataset_line"
for t in "${tools[@]}"; do echo "  $t: ${version[$t]}"; done
echo
echo "| tool | export s | archive MiB | size/source | import s | one file s | import verify | one-file verify |"
echo "|---|---:|---:|---:|---:|---:|---|---|"
printf '%s\n' "${rows[@]}"
echo
if has fxcp && [ ${#peers[@]} -gt 0 ]; then
  for op in export size import one; do
    for p in "${peers[@]}"; do
      a="$(val fxcp "$op")"; b="$(val "$p" "$op")"
      if [ "$op" = size ]; then
        fa="${a:+$(mib "$a") MiB}"; fb="${b:+$(mib "$b") MiB}"
      else
        fa="${a:+$(secs "$a") s}"; fb="${b:+$(secs "$b") s}"
      fi
      label="$op"; [ "$op" = one ] && label="one file"
      rv="$(rcell "$op" "$p")"
      echo "$label: fxcp ${fa:-ERR}, $p ${fb:-ERR} -> fxcp/$p $rv$([ "$rv" = n/a ] || echo x)"
    done
  done
  echo
  echo "Ratios below 1.00 mean fxcp was faster (or its archive smaller). CSV: $csv"
else
  echo "No fxcp/peer ratios: fxcp was not among --tools. CSV: $csv"
fi
if [ "$status" -ne 0 ]; then
  echo "e2e-snap: SOME TOOL FAILED OR A RESTORE DIFFERED FROM THE SOURCE: see ERR/FAIL above and the log on stderr" >&2
fi
exit "$status"
