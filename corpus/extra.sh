#!/usr/bin/env bash
# Extra false-positive sets, checked by hand (not in CI): real Debian packages whose code looks most like
# the hacks (test frameworks, pytest plugins, scientific and web projects with their test suites). Downloads
# a set's .debs with `apt-get download` and unpacks them with `dpkg-deb -x` (nothing is installed or run),
# then prints the unpacked .py files, one absolute path a line.
#   corpus/extra.sh SET DIR     SET is a file name in corpus/extra/ without .txt (e.g. scientific)
# Then: node dist/cli.js scan DIR --format json --fail-on never > findings.json
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
set_name=${1:?usage: corpus/extra.sh SET DIR (SET: $(cd "$here/extra" && ls | sed 's/\.txt$//' | tr '\n' ' '))}
dir=${2:?usage: corpus/extra.sh SET DIR}
list="$here/extra/$set_name.txt"
[ -f "$list" ] || { echo "extra: no set named $set_name in $here/extra" >&2; exit 2; }
mkdir -p "$dir/debs" "$dir/x"
mapfile -t pkgs < <(grep -v '^\s*#' "$list" | grep -v '^\s*$')
(cd "$dir/debs" && for p in "${pkgs[@]}"; do ls "${p}"_*.deb >/dev/null 2>&1 || apt-get download -qq "$p" >/dev/null 2>&1 || echo "extra: $p not available, skipped" >&2; done)
for deb in "$dir"/debs/*.deb; do dpkg-deb -x "$deb" "$dir/x"; done
find "$dir/x" -name '*.py' -type f | sort
