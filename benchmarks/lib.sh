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
