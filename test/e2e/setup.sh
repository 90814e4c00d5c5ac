#!/usr/bin/env bash
# Installs what the end-to-end suite needs, idempotently and offline-friendly (only the npm registry and
# Debian's packages are used):
#   - Debian's Chromium (/usr/bin/chromium) and libkrb5-dev (code-server's kerberos module compiles);
#   - code-server 4.100.3 (the newest that runs on Node 20) into .cache/code-server/ inside the repo.
# A warm run only checks and exits in well under a second. See docs in test/e2e/README.md.
#
# Environment:
#   RHD_E2E_CACHE          cache folder (default: <repo>/.cache/code-server)
#   CODE_SERVER_VERSION    default 4.100.3 (must match the Node major: 4.100.x needs Node 20)
#   RHD_E2E_SKIP_APT=1     do not touch apt (fail if chromium is missing)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CS_VERSION="${CODE_SERVER_VERSION:-4.100.3}"
CACHE="${RHD_E2E_CACHE:-$ROOT/.cache/code-server}"
DEST="$CACHE/$CS_VERSION"
MARKER="$DEST/.installed"
# @vscode/ripgrep 1.15.11 (pinned by code-server's shrinkwrap) downloads this asset from GitHub in its
# postinstall unless it is already in its cache folder; we build the asset from the npm package instead.
RG_PKG_VERSION="1.15.11"
RG_ASSET="ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
RG_NPM="@vscode/ripgrep-linux-x64"

log() { printf '[e2e-setup] %s\n' "$*" >&2; }
t0=$(date +%s)

# ---------------------------------------------------------------------------------------------- apt
need_pkgs=()
[ -x /usr/bin/chromium ] || need_pkgs+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_pkgs+=(libkrb5-dev)
# Fonts for readable screenshots (already present on most images).
[ -d /usr/share/fonts/truetype/dejavu ] || need_pkgs+=(fonts-dejavu-core)
if [ -f "$MARKER" ]; then
  # code-server already built: libkrb5-dev is only needed to compile it.
  need_pkgs=("${need_pkgs[@]/libkrb5-dev/}")
fi
pkgs=()
for p in "${need_pkgs[@]}"; do [ -n "$p" ] && pkgs+=("$p"); done
if [ "${#pkgs[@]}" -gt 0 ]; then
  if [ "${RHD_E2E_SKIP_APT:-}" = 1 ]; then
    log "missing Debian packages: ${pkgs[*]} (RHD_E2E_SKIP_APT=1)"; exit 1
  fi
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null; then SUDO="sudo -n"; else log "need root to apt-get install ${pkgs[*]}"; exit 1; fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  log "apt-get install ${pkgs[*]}"
  # Try with the current lists first (fast); refresh them only if that fails (stale or missing lists).
  if ! $SUDO apt-get install -y -q -o DPkg::Lock::Timeout=180 --no-install-recommends "${pkgs[@]}" >"${TMPDIR:-/tmp}/rhd-e2e-apt.log" 2>&1; then
    log "apt-get install failed with the current lists; running apt-get update"
    $SUDO apt-get update -q >>"${TMPDIR:-/tmp}/rhd-e2e-apt.log" 2>&1 || true
    if ! $SUDO apt-get install -y -q -o DPkg::Lock::Timeout=180 --no-install-recommends "${pkgs[@]}" >>"${TMPDIR:-/tmp}/rhd-e2e-apt.log" 2>&1; then
      tail -20 "${TMPDIR:-/tmp}/rhd-e2e-apt.log" >&2; log "apt-get install failed"; exit 1
    fi
  fi
fi

# -------------------------------------------------------------------------------------- code-server
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$CS_VERSION" = 4.100.3 ] && [ "$node_major" != 20 ]; then
  log "code-server $CS_VERSION needs Node 20, this is Node $node_major (set CODE_SERVER_VERSION)"; exit 1
fi

if [ ! -f "$MARKER" ] || ! [ -x "$DEST/node_modules/.bin/code-server" ]; then
  # One installer at a time (two suites started together share the cache).
  mkdir -p "$CACHE"
  exec 9>"$CACHE/.lock"
  flock -w 900 9 || { log "timed out waiting for $CACHE/.lock"; exit 1; }
fi
if [ ! -f "$MARKER" ] || ! [ -x "$DEST/node_modules/.bin/code-server" ]; then
  log "installing code-server@$CS_VERSION into $DEST (takes ~1 min, cached afterwards)"
  rm -rf "$DEST"
  mkdir -p "$DEST/tmp"
  # Pre-seed ripgrep's download cache (it lives in os.tmpdir(), which follows TMPDIR).
  rgcache="$DEST/tmp/vscode-ripgrep-cache-$RG_PKG_VERSION"
  mkdir -p "$rgcache" "$DEST/tmp/rg"
  ( cd "$DEST/tmp/rg" && npm pack --silent "$RG_NPM" >/dev/null && tar xzf ./*.tgz )
  [ -x "$DEST/tmp/rg/package/bin/rg" ] || { log "no rg in $RG_NPM"; exit 1; }
  tar czf "$rgcache/$RG_ASSET" -C "$DEST/tmp/rg/package/bin" rg

  # node-gyp: build against the local Node headers instead of downloading them.
  node_prefix="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
  if [ -f "$node_prefix/include/node/node.h" ]; then export npm_config_nodedir="$node_prefix"; fi

  printf '{ "name": "rhd-e2e-code-server", "private": true }\n' >"$DEST/package.json"
  npm_cache="${npm_config_cache:-$HOME/.npm}"
  (
    cd "$DEST"
    export TMPDIR="$DEST/tmp" npm_config_unsafe_perm=true npm_config_yes=true JOBS=max \
      npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false \
      HOME="$DEST/tmp/home" XDG_CONFIG_HOME="$DEST/tmp/home/.config" XDG_CACHE_HOME="$DEST/tmp/home/.cache" \
      XDG_DATA_HOME="$DEST/tmp/home/.local/share" npm_config_cache="$npm_cache"
    mkdir -p "$HOME"
    npm install --no-save --loglevel=error "code-server@$CS_VERSION" >"$DEST/install.log" 2>&1 || {
      tail -40 "$DEST/install.log" >&2; log "npm install code-server failed (full log: $DEST/install.log)"; exit 1; }
  )
  rg_bin="$DEST/node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg"
  [ -x "$rg_bin" ] || { log "ripgrep missing at $rg_bin"; exit 1; }
  ver="$(HOME="$DEST/tmp/home" XDG_CONFIG_HOME="$DEST/tmp/home/.config" XDG_DATA_HOME="$DEST/tmp/home/.local/share" \
    "$DEST/node_modules/.bin/code-server" --version 2>/dev/null | grep -E '^[0-9]+\.[0-9]+\.[0-9]+ ' | head -1)"
  case "$ver" in "$CS_VERSION"*) ;; *) log "code-server --version printed '$ver'"; exit 1 ;; esac
  rm -rf "$DEST/tmp/rg" "$DEST/tmp/home"
  echo "$ver" >"$MARKER"
fi

[ -x /usr/bin/chromium ] || { log "/usr/bin/chromium missing"; exit 1; }
log "ready: code-server $(head -c 40 "$MARKER" | tr -d '\n'), $(/usr/bin/chromium --version 2>/dev/null | head -1) ($(($(date +%s) - t0)) s)"
echo "$DEST/node_modules/.bin/code-server"
