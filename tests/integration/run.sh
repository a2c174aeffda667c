#!/usr/bin/env bash
# Integration tests: Apache httpd + mod_mcp_auth (.libs/mod_mcp_auth.so), the
# development authorization server (dev/authserver.mjs), a fault-injecting
# fake AS (tests/integration/fault-as.mjs) and the official MCP SDK client,
# all on 127.0.0.1 with free ports.  Run as root (Apache starts as root and
# its children run as www-data), after `make` and `npm ci`.
#
#   bash tests/integration/run.sh [test files...]
#
# The files run one at a time, in order (090-no-secrets reads every log of the
# run).  Human-readable results go to stderr (spec reporter); the log ends
# with node's summary lines (# tests, # pass, # fail, ...).  Logs stay in
# $MCP_IT_TMP when something failed, or always with MCP_IT_KEEP=1.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

fail() { echo "integration: $*" >&2; exit 1; }
[ -f .libs/mod_mcp_auth.so ] || fail ".libs/mod_mcp_auth.so is missing: run make first"
if [ ! -d node_modules/@modelcontextprotocol/sdk ] || [ ! -d node_modules/oidc-provider ]; then
  fail "node modules are missing: run npm ci"
fi
[ -x /usr/sbin/apache2 ] || fail "/usr/sbin/apache2 is missing: install apache2"
[ "$(id -u)" -eq 0 ] || fail "must run as root (Apache switches its children to www-data)"

MCP_IT_TMP=$(mktemp -d /tmp/mcp-it.XXXXXX) || fail "mktemp failed"
chmod 755 "$MCP_IT_TMP"
export MCP_IT_TMP
echo "integration: logs in $MCP_IT_TMP (removed after a passing run unless MCP_IT_KEEP=1)" >&2

# Every Apache of the run loads the same copy of the module, even if it is
# rebuilt meanwhile.  MCP_IT_MODULE: another build (the ASan one).
# MCP_IT_ASAN=1: Apache runs with libasan preloaded and sanitizer reports
# go to $MCP_IT_TMP/sanitizer/; any report fails the run.
cp "${MCP_IT_MODULE:-.libs/mod_mcp_auth.so}" "$MCP_IT_TMP/mod_mcp_auth.so" \
  || fail "cannot copy the module"
export MCP_MODULE_SO="$MCP_IT_TMP/mod_mcp_auth.so"
if [ -n "${MCP_IT_ASAN:-}" ]; then
  MCP_IT_ASAN_LIB=$(gcc -print-file-name=libasan.so)
  [ -f "$MCP_IT_ASAN_LIB" ] || fail "libasan.so not found (gcc -print-file-name)"
  export MCP_IT_ASAN_LIB
  # Apache's children run as www-data: they write their reports here
  mkdir -m 1777 "$MCP_IT_TMP/sanitizer" || fail "mkdir sanitizer"
  echo "integration: ASan+UBSan build, reports in $MCP_IT_TMP/sanitizer/" >&2
fi

if [ $# -gt 0 ]; then
  files=("$@")            # paths relative to the repository root
  export MCP_IT_FULL=0
else
  files=(tests/integration/[0-9][0-9][0-9]-*.test.mjs)
  export MCP_IT_FULL=1
fi

tap="$MCP_IT_TMP/results.tap"
node --test --test-concurrency=1 --test-timeout=60000 \
  --test-reporter=spec --test-reporter-destination=stderr \
  --test-reporter=tap --test-reporter-destination="$tap" \
  "${files[@]}"
rc=$?

if [ -n "${MCP_IT_ASAN:-}" ]; then
  reports=$(ls "$MCP_IT_TMP"/sanitizer/report.* 2>/dev/null)
  if [ -n "$reports" ]; then
    echo "integration: sanitizer reports:" >&2
    for f in $reports; do echo "--- $f" >&2; head -60 "$f" >&2; done
    rc=1
  else
    echo "integration: no sanitizer report" >&2
  fi
fi

# End the log with node's own summary lines.
if [ -s "$tap" ]; then
  sed -n '/^# tests [0-9]/,$p' "$tap"
  echo
fi
if [ "$rc" -eq 0 ] && [ -z "${MCP_IT_KEEP:-}" ]; then
  rm -rf "$MCP_IT_TMP"
fi
exit "$rc"
