#!/usr/bin/env bash
# Installs what the real-host tests need, offline-safe: Debian's chromium, ripgrep and libkrb5-dev,
# and code-server (VS Code 1.100.3, the newest that runs on Node 20) in a cache folder of its own,
# outside the project's dependencies. Idempotent: a second run finds everything and returns.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
HOST_DIR="${AIMC_TEST_HOST_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/aimc-explorer/code-server-$CODE_SERVER_VERSION}"

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
if ((${#missing[@]})); then
  echo "install-test-host: apt-get install ${missing[*]}"
  # CI and these machines run as root; a contributor's machine goes through sudo.
  as_root=()
  [ "$(id -u)" = 0 ] || as_root=(sudo)
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ -x "$HOST_DIR/node_modules/.bin/code-server" ]; then
  echo "install-test-host: code-server $CODE_SERVER_VERSION ready in $HOST_DIR"
  exit 0
fi

# @vscode/ripgrep downloads rg from GitHub unless it finds this archive in its cache; Debian's rg
# serves (HOST-TESTING.md).
cache="$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-1.15.11"
mkdir -p "$cache"
archive="$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -f "$archive" ]; then
  tmp="$(mktemp -d)"
  cp "$(command -v rg)" "$tmp/rg"
  tar -czf "$archive" -C "$tmp" rg
  rm -rf "$tmp"
fi

mkdir -p "$HOST_DIR"
cd "$HOST_DIR"
[ -f package.json ] || echo '{"name":"aimc-test-host","private":true}' > package.json
echo "install-test-host: installing code-server $CODE_SERVER_VERSION into $HOST_DIR (a few minutes)"
# code-server's postinstall refuses to run as root without unsafe-perm; node-pty's runs `npx node-gyp`.
npm_config_unsafe_perm=true npm_config_yes=true npm install --no-audit --no-fund --loglevel=error \
  "code-server@$CODE_SERVER_VERSION"
test -x node_modules/.bin/code-server
echo "install-test-host: code-server $CODE_SERVER_VERSION ready in $HOST_DIR"
