#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Compiles the BPF program into the jar's resources when clang is present. Without clang the
# module still builds; the BPF source then reports that its program was not packaged and the
# fanotify or inotify source is used instead. CI installs clang and checks the object is there.
# A release build passes "required" (-Prelease sets bpf.required): there, a missing tool fails the
# build instead of shipping a jar without the program.
set -euo pipefail
src="$(dirname "$0")/foxing.bpf.c"
out="$1/io/foxing/bpf/internal/foxing.bpf.o"
missing() {
  echo "foxing-bpf: $1, the BPF program is not packaged (apt-get install clang libbpf-dev)" >&2
  [ "${2:-}" = true ] && { echo "foxing-bpf: a release build needs the BPF program" >&2; exit 1; }
  exit 0
}
command -v clang >/dev/null 2>&1 || missing "clang not found" "${2:-}"
[ -f /usr/include/bpf/bpf_helpers.h ] || missing "bpf/bpf_helpers.h not found" "${2:-}"
mkdir -p "$(dirname "$out")"
if [ -f "$out" ] && [ "$out" -nt "$src" ]; then
  exit 0
fi
# -mcpu=v3: atomic fetch-and-add for the global sequence number. -g gives the BTF libbpf needs for
# the map definitions; the DWARF part is then stripped (BTF stays).
clang -O2 -g -Wall -target bpf -mcpu=v3 -I"/usr/include/$(uname -m)-linux-gnu" -c "$src" -o "$out.tmp"
if command -v llvm-strip >/dev/null 2>&1; then llvm-strip -g "$out.tmp"; fi
mv "$out.tmp" "$out"
