#!/usr/bin/env bash
# Install what building, testing and the demo need on Debian 12 (as root):
# Debian packages, then the pinned npm packages (package-lock.json).
# Idempotent: a second run takes a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS=(build-essential pkg-config apache2 apache2-dev libapr1-dev
      libaprutil1-dev libssl-dev libcjson-dev libcurl4-openssl-dev
      libcunit1-dev curl openssl valgrind memcached redis-server
      clang wrk)
# Node.js 20+ for the authorization server and the MCP SDK client; the
# machines here have it, Debian's own nodejs (18) is the fallback.
command -v node >/dev/null && command -v npm >/dev/null || PKGS+=(nodejs npm)

missing=()
for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" \
        || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "install-deps: apt-get install ${missing[*]}"
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q \
        "${missing[@]}" > /tmp/mcp-auth-apt.log 2>&1 \
        || { tail -40 /tmp/mcp-auth-apt.log; exit 1; }
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
    echo "install-deps: Node.js >= 20 is needed (found $(node --version))" >&2
    exit 1
fi

# npm packages: only when the lock file changed since the last install
stamp=node_modules/.mcp-auth-lock
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
    echo "install-deps: npm ci"
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json "$stamp"
fi
echo "install-deps: ok"
