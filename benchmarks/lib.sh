# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Helpers shared by the end-to-end benchmark scripts (sourced; each script defines die and log).

need() {  # need COMMAND PACKAGE
  command -v "$1" >/dev/null 2>&1 || die "'$1' not found: install it with 'apt-get install $2'"
}

median() {  # median "N N ...": of integers (mean of the middle two for an even count)
  tr -s ' ' '\n' <<<"$1" | grep . | sort -n | awk '{ a[NR] = $1 } END {
    if (NR == 0) exit; if (NR % 2) print a[(NR + 1) / 2]; else print int((a[NR / 2] + a[NR / 2 + 1]) / 2) }'
}

ms() { awk -v u="$1" 'BEGIN { printf "%.0f", u / 1000 }'; }   # microseconds -> milliseconds
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "n/a" }'; }

# start_ganesha EXPORT_DIR STATE_DIR: nfs-ganesha (VFS backend, NFSv4.1/4.2, TCP) on a free loopback
# port, exporting EXPORT_DIR as /export; its config, log and recovery state go under STATE_DIR.
# Sets ganesha_pid, ganesha_port and ganesha_url (nfs://127.0.0.1:PORT/export); the caller kills ganesha_pid.
start_ganesha() {
  local export_dir="$1" state="$2" port
  need ganesha.nfsd nfs-ganesha
  [ -f /usr/lib/x86_64-linux-gnu/ganesha/libfsalvfs.so ] || die "ganesha's VFS backend is missing: apt-get install nfs-ganesha-vfs"
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  mkdir -p "$state/recovery"
  cat >"$state/ganesha.conf" <<CONF
NFS_CORE_PARAM { Protocols = 4; NFS_Port = $port; Bind_addr = 127.0.0.1; Enable_NLM = false; Enable_RQUOTA = false; }
NFSV4 { Minor_Versions = 0, 1, 2; Grace_Period = 2; Lease_Lifetime = 10; RecoveryBackend = fs;
        RecoveryRoot = $state/recovery; Only_Numeric_Owners = true; }
EXPORT { Export_Id = 1; Path = $export_dir; Pseudo = /export; Access_Type = RW; Squash = No_Root_Squash;
         SecType = sys; Protocols = 4; Transports = TCP; FSAL { Name = VFS; } }
CONF
  ganesha.nfsd -F -f "$state/ganesha.conf" -L "$state/ganesha.log" -p "$state/ganesha.pid" &
  ganesha_pid=$!
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || die "ganesha did not start; see $state/ganesha.log"
  ganesha_port="$port"
  ganesha_url="nfs://127.0.0.1:$port/export"
}
