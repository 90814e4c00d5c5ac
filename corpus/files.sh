#!/usr/bin/env bash
# The false-positive corpus: real, legitimate Python that Debian ships (the standard library and its test
# suite, pytest and plugins, Django, NumPy, Hypothesis...). Installs the packages named in packages.txt
# when missing (needs root and apt), then prints the corpus's .py files, one absolute path a line.
#   corpus/files.sh            install if needed, then list
#   corpus/files.sh --check    exit 3 when the packages are missing and cannot be installed
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mapfile -t pkgs < <(grep -v '^\s*#' "$here/packages.txt" | grep -v '^\s*$')
if ! dpkg -s "${pkgs[@]}" >/dev/null 2>&1; then
  if ! command -v apt-get >/dev/null 2>&1 || [ "$(id -u)" != 0 ]; then
    echo "corpus: packages missing and apt-get is not usable here (need root on Debian)" >&2; exit 3
  fi
  for try in 1 2 3 4 5; do
    if { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}"; } >/dev/null 2>&1; then break; fi
    [ "$try" = 5 ] && { echo "corpus: apt-get could not install the corpus packages" >&2; exit 3; }
    sleep 15
  done
fi
[ "${1:-}" = "--check" ] && exit 0
for p in "${pkgs[@]}"; do dpkg -L "$p"; done | grep '\.py$' | sort -u | while IFS= read -r f; do [ -f "$f" ] && printf '%s\n' "$f"; done
exit 0
