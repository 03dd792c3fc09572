#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the Debian package that `mvn package` made (foxing-dist/target) as a user would, then uses
# it, and the tar.gz beside it: fxcp -a on a real tree (checked by rsync), --version of both tools, man -w, and completions
# through a real bash (bash-completion's loader) and fish. Run by .ci/run as root; exits non-zero
# with one line on the first thing that does not work.
set -euo pipefail
cd "$(dirname "$0")/.."
fail() { echo "check-package: $*" >&2; exit 1; }
debs=(foxing-dist/target/foxing_*_amd64.deb)
deb="${debs[0]}"
[ -f "$deb" ] || fail "no foxing-dist/target/foxing_*_amd64.deb: run mvn package first"
log="$(mktemp)"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --reinstall "./$deb" >"$log" 2>&1 ||
  { cat "$log" >&2; fail "apt-get install ./$deb failed"; }

[ "$(command -v fxcp)" = /usr/bin/fxcp ] || fail "fxcp is not /usr/bin/fxcp"
for tool in fxcp foxingd; do
  v="$($tool --version 2>&1)" || fail "$tool --version failed: $v"
  case "$v" in "$tool "*) ;; *) fail "$tool --version says: $v" ;; esac
done
out="$(mktemp -d)"
trap 'rm -rf "$out" "$log"' EXIT
fxcp -a /usr/share/doc "$out/doc" || fail "fxcp -a /usr/share/doc failed"
diff="$(rsync -aniHAX --delete /usr/share/doc/ "$out/doc/")"
[ -z "$diff" ] || fail "rsync finds differences after the installed fxcp -a: $(echo "$diff" | head -3)"
for page in fxcp foxingd; do
  [ "$(man -w "$page")" = "/usr/share/man/man1/$page.1" ] || fail "man -w $page: $(man -w "$page" 2>&1)"
done
# bash: bash-completion finds the script by the command's name, as in an interactive shell
words="$(bash -c 'source /usr/share/bash-completion/bash_completion; _completion_loader fxcp
  fn=$(complete -p fxcp | sed -E "s/.*-F ([^ ]+).*/\1/")
  COMP_WORDS=(fxcp --del); COMP_CWORD=1; COMP_LINE="fxcp --del"; COMP_POINT=10
  "$fn" fxcp --del fxcp 2>/dev/null; printf "%s\n" "${COMPREPLY[@]}"' | sort | tr '\n' ' ')"
[ "$words" = "--del --delete --delete-after --delete-before --delete-delay --delete-during --delete-excluded " ] || fail "bash completes 'fxcp --del' as '$words'"
if command -v fish >/dev/null; then
  words="$(HOME="$out" fish -c 'complete -C"foxingd sy"' | cut -f1)"   # a new user's fish
  [ "$words" = sync ] || fail "fish completes 'foxingd sy' as '$words'"
fi
# the tar.gz: unpacked anywhere, its bin/fxcp runs
tar -xzf foxing-dist/target/foxing-*.tar.gz -C "$out"
v="$(FOXING_CACHE="$out/cache" "$out"/foxing-*/bin/fxcp --version 2>&1)" || fail "fxcp from the tar.gz: $v"
command -v systemd-analyze >/dev/null || fail "systemd-analyze not found (apt-get install systemd)"
problems="$(systemd-analyze verify /lib/systemd/system/foxingd.service 2>&1)" ||
  fail "systemd-analyze verify of the installed unit: $problems"
[ -z "$problems" ] || fail "systemd-analyze finds problems in the installed unit: $problems"
echo "check-package: $(basename "$deb") installed and used: fxcp -a checked by rsync, --version, man -w, bash and fish completions; the tar.gz runs"
