#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# End-to-end NFS benchmark: fxcp -a to nfs:// (foxing-nfs, a user-space NFSv4.2 client) against a
# real nfs-ganesha server on loopback, beside the same data written straight into the export
# directory (the local upper bound) and libnfs's nfs-cp (a peer client, NFSv4.0) for the small
# files. One run, same data, interleaved; prints a Markdown table and optionally a CSV.
#
# Needs root (ganesha's VFS backend) and the apt packages nfs-ganesha, nfs-ganesha-vfs,
# libnfs-utils; tshark (optional) counts the RPC calls on the wire, independently of our client.
#   sudo benchmarks/e2e-nfs.sh [--runs N] [--files N] [--large-mib N] [--workdir DIR] [--csv FILE]
#                              [--baseline CHECKOUT] [--no-nfs-cp]
# --baseline times CHECKOUT/fxcp too (another commit's checkout), interleaved with ours on the same
# data: an A/B of a change in one run. --no-nfs-cp leaves out the peer (its 5,000 processes take
# minutes), for such A/B runs.
#
# What is measured (median of --runs, each into a new target directory):
#   small:  N files of 1-4 KiB in 50 directories
#     fxcp -a small/ nfs://127.0.0.1:PORT/export/fx-small-R   (then again, unchanged: the resync)
#     cp -a small export/local-small-R                 (no NFS at all: the server's own disk path)
#     nfs-cp FILE nfs://...  once per file, into one flat directory (it cannot create directories)
#   large:  one file of --large-mib MiB
#     fxcp -a large/ nfs://.../fx-large-R              (pipelined WRITEs, COMMIT = fsync on the server)
#     cp large/large.bin export/... && sync FILE       (local write with the same fsync at the end)
# The page cache is dropped before each timed run. Round trips: tshark counts the RPC calls of one
# fxcp small-file run on the server's port (when installed).
set -eEuo pipefail
trap 'echo "e2e-nfs: failed (status $?) at line $LINENO: $BASH_COMMAND" >&2' ERR

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
repo="$(dirname "$here")"
# shellcheck source=benchmarks/lib.sh
. "$here/lib.sh"

die() { echo "e2e-nfs: $*" >&2; exit 2; }
log() { echo "e2e-nfs: $*" >&2; }

runs=3
files=5000
large_mib=100
workdir=/var/tmp/foxing-nfs-bench
csv=""
baseline=""
with_nfscp=1
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --files) files="$2"; shift 2 ;;
    --large-mib) large_mib="$2"; shift 2 ;;
    --workdir) workdir="$2"; shift 2 ;;
    --csv) csv="$2"; shift 2 ;;
    --baseline) baseline="$(cd "$2" && pwd)"; [ -x "$baseline/fxcp" ] || die "--baseline: no fxcp launcher in $2"; shift 2 ;;
    --no-nfs-cp) with_nfscp=0; shift ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
[ "$(id -u)" = 0 ] || die "must run as root (ganesha's VFS backend needs it)"
[ "$with_nfscp" = 0 ] || need nfs-cp libnfs-utils

rm -rf "$workdir"
mkdir -p "$workdir/data/small" "$workdir/data/large" "$workdir/export"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill -9 "$server_pid" 2>/dev/null || true
  rm -rf "$workdir"
}
trap cleanup EXIT

log "making $files small files and one ${large_mib} MiB file"
python3 - "$workdir/data/small" "$files" <<'EOF'
import os, random, sys
root, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(7)
for i in range(n):
    d = os.path.join(root, "d%02d" % (i % 50))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%05d" % i), "wb") as f:
        f.write(rnd.randbytes(rnd.randint(1024, 4096)))
EOF
head -c "$((large_mib * 1024 * 1024))" /dev/urandom >"$workdir/data/large/large.bin"

start_ganesha "$workdir/export" "$workdir"
server_pid=$ganesha_pid
url="$ganesha_url"
port="$ganesha_port"
log "nfs-ganesha $(dpkg-query -W -f='${Version}' nfs-ganesha 2>/dev/null || echo '(version unknown)') on port $port"

"$repo/fxcp" --version >/dev/null  # builds on first use, and caches the JDK's files
[ -z "$baseline" ] || "$baseline/fxcp" --version >/dev/null
mkdir -p "$workdir/empty"
"$repo/fxcp" -a "$workdir/empty/" "$url/warm" >/dev/null  # ganesha past its grace period

cold() { sync; echo 3 >/proc/sys/vm/drop_caches; }
timed() {  # timed COMMAND... -> microseconds on stdout; the command's output goes to stderr
  local t0 t1
  t0=$(date +%s%N)
  "$@" >&2
  t1=$(date +%s%N)
  echo $(((t1 - t0) / 1000))
}
nfscp_all() {  # one nfs-cp process per file, as a shell user of libnfs would
  local dir="$1" f
  for f in "$workdir"/data/small/*/*; do
    nfs-cp "$f" "nfs://127.0.0.1/export/$dir/$(basename "$f")?version=4&nfsport=$port" >/dev/null 2>&1 \
      || echo "$dir/$(basename "$f")" >>"$workdir/nfscp-failures"
  done
}

fx_small="" fx_resync="" local_small="" nfscp_small="" fx_large="" local_large=""
base_small="" base_resync="" base_large=""
for r in $(seq "$runs"); do
  log "run $r of $runs"
  cold; fx_small+=" $(timed "$repo/fxcp" -a "$workdir/data/small/" "$url/fx-small-$r")"
  cold; fx_resync+=" $(timed "$repo/fxcp" -a "$workdir/data/small/" "$url/fx-small-$r")"
  if [ -n "$baseline" ]; then
    cold; base_small+=" $(timed "$baseline/fxcp" -a "$workdir/data/small/" "$url/base-small-$r")"
    cold; base_resync+=" $(timed "$baseline/fxcp" -a "$workdir/data/small/" "$url/base-small-$r")"
  fi
  cold; local_small+=" $(timed cp -a "$workdir/data/small" "$workdir/export/local-small-$r")"
  if [ "$with_nfscp" = 1 ]; then
    "$repo/fxcp" -a "$workdir/empty/" "$url/nfscp-$r" >/dev/null
    cold; nfscp_small+=" $(timed nfscp_all "nfscp-$r")"
  fi
  cold; fx_large+=" $(timed "$repo/fxcp" -a "$workdir/data/large/" "$url/fx-large-$r")"
  [ -z "$baseline" ] || { cold; base_large+=" $(timed "$baseline/fxcp" -a "$workdir/data/large/" "$url/base-large-$r")"; }
  cold; local_large+=" $(timed bash -c "cp '$workdir/data/large/large.bin' '$workdir/export/local-large-$r.bin' && sync '$workdir/export/local-large-$r.bin'")"
done

# correctness of what was measured: the export holds exactly the source (symlink times aside: none here)
for r in $(seq "$runs"); do
  [ -z "$(rsync -ani --delete "$workdir/data/small/" "$workdir/export/fx-small-$r/")" ] || die "fx-small-$r differs from the source"
  [ -z "$baseline" ] || [ -z "$(rsync -ani --delete "$workdir/data/small/" "$workdir/export/base-small-$r/")" ] || die "base-small-$r differs"
  cmp -s "$workdir/data/large/large.bin" "$workdir/export/fx-large-$r/large.bin" || die "fx-large-$r differs from the source"
done
# nfs-cp is a peer, not ours: its failures are counted and reported, and its files compared by content
nfscp_failed=0
[ ! -f "$workdir/nfscp-failures" ] || nfscp_failed="$(sort -u "$workdir/nfscp-failures" | wc -l)"
nfscp_wrong=0
for r in $(seq "$runs"); do
  [ "$with_nfscp" = 1 ] || break
  for f in "$workdir"/data/small/*/*; do
    cmp -s "$f" "$workdir/export/nfscp-$r/$(basename "$f")" || nfscp_wrong=$((nfscp_wrong + 1))
  done
done

trips="not counted (install tshark)"
if command -v tshark >/dev/null 2>&1; then
  cap="$workdir/rpc.pcap"
  tshark -q -i lo -f "tcp port $port" -w "$cap" 2>/dev/null &
  tpid=$!
  sleep 2
  "$repo/fxcp" -a "$workdir/data/small/" "$url/fx-count"
  sleep 1
  kill "$tpid"; wait "$tpid" 2>/dev/null || true
  calls="$(tshark -r "$cap" -d "tcp.port==$port,rpc" -Y 'rpc.msgtyp == 0' -T fields -e rpc.xid 2>/dev/null | wc -l)"
  trips="$calls calls for $files files and 51 directories: $(awk -v c="$calls" -v f="$files" 'BEGIN { printf "%.3f", c / f }') per file"
fi

m_fx_small=$(median "$fx_small"); m_fx_resync=$(median "$fx_resync"); m_local_small=$(median "$local_small")
m_nfscp=0; [ "$with_nfscp" = 0 ] || m_nfscp=$(median "$nfscp_small")
m_fx_large=$(median "$fx_large"); m_local_large=$(median "$local_large")
rate() { awk -v n="$1" -v us="$2" 'BEGIN { printf "%.0f", n / (us / 1e6) }'; }
mbs() { awk -v m="$1" -v us="$2" 'BEGIN { printf "%.0f", m * 1.048576 / (us / 1e6) }'; }

cat <<EOF
### NFS: $files small files (1-4 KiB) and one ${large_mib} MiB file to nfs-ganesha on loopback

$(nproc) cores, $(uname -r), $(date -u +%F), median of $runs runs, cold page cache.

| what | tool | time | rate | vs fxcp |
|---|---|---:|---:|---:|
| small files | fxcp -a to nfs:// | $(ms "$m_fx_small") ms | $(rate "$files" "$m_fx_small") files/s | 1.00 |
| small files, unchanged (resync) | fxcp -a again: one READDIR per directory, nothing written | $(ms "$m_fx_resync") ms | $(rate "$files" "$m_fx_resync") files/s | $(ratio "$m_fx_resync" "$m_fx_small") |
| small files | cp -a into the export directory (local bound) | $(ms "$m_local_small") ms | $(rate "$files" "$m_local_small") files/s | $(ratio "$m_local_small" "$m_fx_small") |
$([ "$with_nfscp" = 0 ] || echo "| small files | nfs-cp (libnfs, NFSv4.0), one process per file | $(ms "$m_nfscp") ms | $(rate "$files" "$m_nfscp") files/s | $(ratio "$m_nfscp" "$m_fx_small") |")
| ${large_mib} MiB file | fxcp -a to nfs:// | $(ms "$m_fx_large") ms | $(mbs "$large_mib" "$m_fx_large") MB/s | 1.00 |
| ${large_mib} MiB file | cp + sync into the export directory (local bound) | $(ms "$m_local_large") ms | $(mbs "$large_mib" "$m_local_large") MB/s | $(ratio "$m_local_large" "$m_fx_large") |

RPC round trips (tshark, one fxcp run): $trips.
$([ "$with_nfscp" = 0 ] || echo "nfs-cp: $nfscp_failed of $((files * runs)) calls reported failure; $nfscp_wrong of $((files * runs)) files in the export differ from the source.")
EOF
if [ -n "$baseline" ]; then
  b_small=$(median "$base_small"); b_resync=$(median "$base_resync"); b_large=$(median "$base_large")
  cat <<EOF

Baseline $(git -C "$baseline" rev-parse --short HEAD 2>/dev/null || echo "$baseline") in the same run:

| what | ours | baseline | baseline / ours |
|---|---:|---:|---:|
| small files | $(ms "$m_fx_small") ms | $(ms "$b_small") ms | $(ratio "$b_small" "$m_fx_small") |
| small files, unchanged | $(ms "$m_fx_resync") ms | $(ms "$b_resync") ms | $(ratio "$b_resync" "$m_fx_resync") |
| ${large_mib} MiB file | $(ms "$m_fx_large") ms | $(ms "$b_large") ms | $(ratio "$b_large" "$m_fx_large") |
EOF
fi
if [ -n "$csv" ]; then
  {
    echo "date,what,tool,median_us,runs"
    d="$(date -u +%F)"
    echo "$d,small,fxcp-nfs,$m_fx_small,$runs"
    echo "$d,small-resync,fxcp-nfs,$m_fx_resync,$runs"
    echo "$d,small,cp-local-export,$m_local_small,$runs"
    echo "$d,small,nfs-cp,$m_nfscp,$runs"
    echo "$d,large,fxcp-nfs,$m_fx_large,$runs"
    echo "$d,large,cp-sync-local-export,$m_local_large,$runs"
    if [ -n "$baseline" ]; then
      echo "$d,small,fxcp-nfs-baseline,$b_small,$runs"
      echo "$d,small-resync,fxcp-nfs-baseline,$b_resync,$runs"
      echo "$d,large,fxcp-nfs-baseline,$b_large,$runs"
    fi
  } >"$csv"
fi
