#!/usr/bin/env bash
# make demo: run mod_mcp_auth for real on this machine, in the foreground.
#
#   authorization server  dev/authserver.mjs        http://127.0.0.1:8080
#   Apache + mod_mcp_auth conf/demo.conf            http://127.0.0.1:3000/mcp
#
# or, with GATEWAY=1 (make demo GATEWAY=1), Apache as a gateway in front of
# another MCP server:
#
#   authorization server  dev/authserver.mjs        http://127.0.0.1:8080
#   backend MCP server    dev/gateway-backend.mjs   http://127.0.0.1:3001/mcp
#                         (@modelcontextprotocol/server-everything)
#   Apache + mod_mcp_auth conf/demo-gateway.conf    http://127.0.0.1:3000/mcp
#                         (ProxyPass to the backend, MCPAuthToolScope get-env mcp:admin)
#
# Needs root (Apache switches its children to www-data), a built module
# (.libs/mod_mcp_auth.so) and the npm packages (npm ci).  Ctrl-C or SIGTERM
# stops everything this script started, by PID.  DEMO_PORT, DEMO_AS_PORT and
# DEMO_BACKEND_PORT change the ports, MCP_MODULE_SO the module (as in the
# tests).  TOKENS=jwt (make demo TOKENS=jwt) makes the
# authorization server issue RFC 9068 JWT access tokens, which the module
# checks locally with the keys it finds through the AS's metadata; the
# default, TOKENS=opaque, gives opaque tokens that the module introspects.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
REPO=$PWD
PORT=${DEMO_PORT:-3000}
AS_PORT=${DEMO_AS_PORT:-8080}
AS_URL="http://127.0.0.1:$AS_PORT"
MCP_URL="http://127.0.0.1:$PORT/mcp"
MODULE=${MCP_MODULE_SO:-"$REPO/.libs/mod_mcp_auth.so"}
TOKENS=${TOKENS:-opaque}
GATEWAY=${GATEWAY:-0}
BACKEND_PORT=${DEMO_BACKEND_PORT:-3001}

die() { echo "demo: $*" >&2; exit 1; }

case "$TOKENS" in
  opaque) TOKENS_NOTE="opaque, introspected by Apache at the AS" ;;
  jwt)    TOKENS_NOTE="JWT (RFC 9068), checked by Apache with the AS's keys (discovered)" ;;
  *)      die "TOKENS=$TOKENS: use TOKENS=opaque (the default) or TOKENS=jwt" ;;
esac
case "$GATEWAY" in
  1) CONF="$REPO/conf/demo-gateway.conf" ;;
  0|"") GATEWAY=0; CONF="$REPO/conf/demo.conf" ;;
  *) die "GATEWAY=$GATEWAY: use GATEWAY=1 (Apache proxies to a backend MCP server) or GATEWAY=0 (the default)" ;;
esac

[ "$(id -u)" -eq 0 ] || die "run as root: Apache starts as root and runs its children as www-data"
[ -x /usr/sbin/apache2 ] || die "/usr/sbin/apache2 is missing (bash dev/install-deps.sh)"
[ -f "$MODULE" ] || die "$MODULE is missing: build it first (make)"
if [ ! -d node_modules/oidc-provider ] || [ ! -d node_modules/@modelcontextprotocol/sdk ]; then
  die "node packages are missing: npm ci (or bash dev/install-deps.sh)"
fi
if [ "$GATEWAY" = 1 ] && [ ! -d node_modules/@modelcontextprotocol/server-everything ]; then
  die "node package @modelcontextprotocol/server-everything is missing: npm ci (or bash dev/install-deps.sh)"
fi

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PORTS=("$PORT" "$AS_PORT")
[ "$GATEWAY" = 1 ] && PORTS+=("$BACKEND_PORT")
for p in "${PORTS[@]}"; do
  port_in_use "$p" && die "port $p on 127.0.0.1 is already in use; stop what listens there (ss -ltnp 'sport = :$p') and retry"
done

# Run directory: .run/demo in the repository (gitignored), if www-data can
# reach it (every directory on the way needs o+x); otherwise under /tmp.
RUN="$REPO/.run/demo"
mkdir -p "$RUN/htdocs" && chmod 755 "$REPO/.run" "$RUN" "$RUN/htdocs"
if ! runuser -u www-data -- test -x "$RUN/htdocs" 2>/dev/null; then
  RUN=$(mktemp -d /tmp/mcp-demo.XXXXXX) && mkdir -p "$RUN/htdocs" && chmod 755 "$RUN" "$RUN/htdocs"
  echo "demo: www-data cannot reach $REPO/.run/demo; using $RUN"
fi
rm -f "$RUN/httpd.pid"

AS_PID=""
HTTPD_PID=""
BACKEND_PID=""
stopping=""
# shellcheck disable=SC2317  # called from the traps
cleanup() {
  [ -n "$stopping" ] && return
  stopping=1
  trap - INT TERM EXIT
  echo
  if [ -n "$HTTPD_PID" ]; then
    local pid
    pid=$(cat "$RUN/httpd.pid" 2>/dev/null || echo "$HTTPD_PID")
    echo "demo: stopping Apache (pid $pid)"
    kill -TERM "$pid" 2>/dev/null
  fi
  if [ -n "$AS_PID" ]; then
    echo "demo: stopping the authorization server (pid $AS_PID)"
    kill -TERM "$AS_PID" 2>/dev/null
  fi
  if [ -n "$BACKEND_PID" ]; then
    echo "demo: stopping the backend MCP server (pid $BACKEND_PID)"
    kill -TERM "$BACKEND_PID" 2>/dev/null
  fi
  for pid in $HTTPD_PID $AS_PID $BACKEND_PID; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  echo "demo: stopped"
}
trap 'cleanup; exit 0' INT   # a requested stop is a clean end
trap 'cleanup; exit 0' TERM
trap cleanup EXIT

wait_port() { # port pid what
  for _ in $(seq 1 100); do
    port_in_use "$1" && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

echo "demo: starting the development authorization server on $AS_URL ($TOKENS access tokens)"
AS_HOST=127.0.0.1 AS_PORT=$AS_PORT MCP_RESOURCES="$MCP_URL" RS_CLIENT_SECRET=dev-secret \
  TOKEN_FORMAT=$TOKENS node dev/authserver.mjs &
AS_PID=$!
wait_port "$AS_PORT" "$AS_PID" || die "the authorization server did not start"

if [ "$GATEWAY" = 1 ]; then
  BACKEND_URL="http://127.0.0.1:$BACKEND_PORT/mcp"
  echo "demo: starting the backend MCP server (server-everything) on $BACKEND_URL"
  # A small environment of its own: its tool get-env shows it to whoever
  # gets mcp:admin, so it must not be this shell's.  Every request it gets
  # is recorded (method, URL, headers) in $RUN/backend-requests.jsonl.
  : >"$RUN/backend-requests.jsonl"
  env -i PATH="$PATH" PORT="$BACKEND_PORT" MCP_BACKEND_NAME=demo \
    MCP_BACKEND_RECORD="$RUN/backend-requests.jsonl" GZIP_ALLOWED_DOMAINS=127.0.0.1 \
    node dev/gateway-backend.mjs &
  BACKEND_PID=$!
  wait_port "$BACKEND_PORT" "$BACKEND_PID" || die "the backend MCP server did not start"
fi

echo "demo: starting Apache with mod_mcp_auth on http://127.0.0.1:$PORT ($(basename "$CONF"))"
# setsid: mpm_prefork would signal its whole process group when stopped;
# not detached by bash, so $! is Apache's own PID (the one in its PidFile).
setsid /usr/sbin/apache2 -f "$CONF" -DFOREGROUND \
  -C "Define RUN $RUN" -C "Define MODULE $MODULE" \
  -C "Define PORT $PORT" -C "Define AS_URL $AS_URL" \
  -C "Define BACKEND_PORT $BACKEND_PORT" \
  >"$RUN/stdout.log" 2>&1 &
HTTPD_PID=$!
if ! wait_port "$PORT" "$HTTPD_PID"; then
  cat "$RUN/stdout.log" >&2
  grep -v ':trace' "$RUN/error.log" 2>/dev/null | tail -20 >&2
  die "Apache did not start (see above, and $RUN/error.log)"
fi

status=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$MCP_URL" \
  -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
  -d '{"jsonrpc":"2.0","id":1,"method":"ping"}')
prm=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/.well-known/oauth-protected-resource/mcp")

CONNECT="node dev/connect.mjs"
GATEWAY_NOTE=""
if [ "$GATEWAY" = 1 ]; then
  CONNECT="node dev/connect.mjs --gateway"
  GATEWAY_NOTE="
   gateway to             $BACKEND_URL   (server-everything, node pid $BACKEND_PID)
                          tools/call get-env needs mcp:admin too (MCPAuthToolScope):
                          without it 403 insufficient_scope, and tools/list hides it
   backend's requests     $RUN/backend-requests.jsonl
                          (what the backend received: no Authorization, X-MCP-Sub added)"
fi

cat <<EOF

================================================================================
 mod_mcp_auth demo is running.  Ctrl-C stops it.

   MCP endpoint           $MCP_URL   (Apache pid $HTTPD_PID; needs scope mcp:tools)
                          without a token: HTTP $status (401 expected)$GATEWAY_NOTE
   resource metadata      http://127.0.0.1:$PORT/.well-known/oauth-protected-resource/mcp  (HTTP $prm)
   authorization server   $AS_URL   (node pid $AS_PID; logs in "demo-user" by itself)
   access tokens          $TOKENS_NOTE
                          (make demo TOKENS=jwt or TOKENS=opaque chooses)
   Apache logs            $RUN/error.log
                          $RUN/access.log

 Connect with
   the MCP SDK client     $CONNECT
   curl                   curl -i -X POST $MCP_URL -H 'Content-Type: application/json' \\
                               -d '{"jsonrpc":"2.0","id":1,"method":"ping"}'
   VS Code                .vscode/mcp.json:
                            { "servers": { "mod_mcp_auth-demo": { "type": "http", "url": "$MCP_URL" } } }
                          or Command Palette > "MCP: Add Server" > HTTP > $MCP_URL
   MCP Inspector          npx @modelcontextprotocol/inspector
                          Transport Type "Streamable HTTP", URL $MCP_URL, Connect
                          (the sign-in completes by itself; Apache allows origin http://localhost:6274)
================================================================================

EOF

# Stay in the foreground until one of the servers stops, or a signal arrives.
# shellcheck disable=SC2086  # BACKEND_PID is empty without GATEWAY=1
wait -n "$AS_PID" "$HTTPD_PID" $BACKEND_PID
echo "demo: a server stopped by itself; stopping the others"
exit 1
