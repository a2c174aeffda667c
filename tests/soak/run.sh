#!/usr/bin/env bash
# Soak test: Apache httpd + mod_mcp_auth (.libs/mod_mcp_auth.so, copied
# first) with the built-in MCP endpoint, sessionless, in front of the
# development authorization server (dev/authserver.mjs, opaque tokens,
# introspection), under wrk load for SOAK_DURATION.  Every request is one of
# (token kind x MCP message), and each answer is checked:
#
#   token kinds:  valid (4 tokens), expired (client test-cc-short, 2 s),
#                 invalid (a random string), otheraud (a token for another
#                 resource), none (no Authorization header)
#   messages:     initialize, ping, tools/list, tools/call add, tools/call
#                 multiply, a notification, an unknown method, a malformed
#                 body
#   expected:     valid: 200 (202 for the notification, 400 for the
#                 malformed body), with a right answer (5 for add, 42 for
#                 multiply, ...); every other kind: 401 with its reason
#
# It fails when: any 5xx; any 2xx for an expired, invalid, other-audience
# or missing token; any answer not the expected one (status or body); any
# answer it cannot classify; any connect error or timeout, or read/write
# errors above 1 in 100,000 requests (a 10-minute run saw 2 in 5.2 million,
# with nothing in Apache's error log); an Apache child
# crashed ("exit signal", "Segmentation", "AddressSanitizer" in the error
# log, or a child replaced: the process count is fixed and
# MaxConnectionsPerChild 0); the children's RSS (sum of VmRSS, sampled
# every 5 s) grew more than SOAK_RSS_GROWTH % (10) from the end of the first
# 20 % of the run to the last sample under load.
#
#   bash tests/soak/run.sh                      # 60 s, about 75 s in all
#   SOAK_DURATION=10m bash tests/soak/run.sh    # the long run
#
# Run as root (Apache switches its children to www-data), after make and
# npm ci; needs wrk (Debian package wrk), curl and node.  Other settings:
# SOAK_CONNECTIONS (64), SOAK_THREADS (2), SOAK_MODULE (another build of
# the module), SOAK_ASAN=1 (preload libasan: for an ASan build),
# SOAK_ACCESS_LOG=1 (write an access log), SOAK_KEEP=1 (keep the run
# directory, which is kept anyway when the run fails), SOAK_CASES (a Lua
# pattern: only the cases whose "<kind>/<message>" matches, e.g.
# "^valid/ping$" or "^none/", to find which path a problem follows).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
REPO=$PWD

DURATION=${SOAK_DURATION:-60s}
CONNECTIONS=${SOAK_CONNECTIONS:-64}
THREADS=${SOAK_THREADS:-2}
RSS_GROWTH=${SOAK_RSS_GROWTH:-10}
MODULE=${SOAK_MODULE:-.libs/mod_mcp_auth.so}
SAMPLE_EVERY=5

T0=$(date +%s)
say() { echo "soak: [$(( $(date +%s) - T0 )) s] $*" >&2; }
die() { say "$*"; exit 1; }

# ---- prerequisites -----------------------------------------------------------
[ "$(id -u)" -eq 0 ] || die "must run as root (Apache switches its children to www-data)"
[ -x /usr/sbin/apache2 ] || die "/usr/sbin/apache2 is missing: install apache2"
command -v wrk >/dev/null || die "wrk is missing: apt-get install wrk"
command -v curl >/dev/null || die "curl is missing: apt-get install curl"
command -v node >/dev/null || die "node is missing"
[ -d node_modules/oidc-provider ] || die "node modules are missing: run npm ci"
[ -f "$MODULE" ] || die "$MODULE is missing: run make first"

# SOAK_DURATION in seconds: 60, 60s, 10m, 1h.
case "$DURATION" in
  *[0-9]s) DUR_S=${DURATION%s} ;;
  *[0-9]m) DUR_S=$(( ${DURATION%m} * 60 )) ;;
  *[0-9]h) DUR_S=$(( ${DURATION%h} * 3600 )) ;;
  *[0-9])  DUR_S=$DURATION ;;
  *) die "SOAK_DURATION=$DURATION: use e.g. 60s or 10m" ;;
esac
[[ "$DUR_S" =~ ^[0-9]+$ ]] && [ "$DUR_S" -ge 10 ] || die "SOAK_DURATION=$DURATION: at least 10s"

RUN=$(mktemp -d /tmp/mcp-soak.XXXXXX) || die "mktemp failed"
chmod 755 "$RUN"
mkdir -m 755 "$RUN/htdocs"
say "run directory $RUN"
cp "$MODULE" "$RUN/mod_mcp_auth.so" || die "cannot copy $MODULE"

AS_PID=""; APACHE_PID=""; SAMPLER_PID=""; FAILED=1

# Stop what this script started, by PID: the sampler, Apache (SIGTERM to
# the PID of its PidFile, its process group after 10 s), the AS.
cleanup() {
  local pid i
  touch "$RUN/rss.stop"; [ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null
  pid=$(cat "$RUN/httpd.pid" 2>/dev/null || echo "$APACHE_PID")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null
    for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL -- "-$pid" 2>/dev/null
  fi
  say "Apache stopped"
  if [ -n "$AS_PID" ] && kill -0 "$AS_PID" 2>/dev/null; then
    kill -TERM "$AS_PID" 2>/dev/null
    for i in $(seq 50); do kill -0 "$AS_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$AS_PID" 2>/dev/null
  fi
  wait 2>/dev/null
  say "all stopped"
  if [ "$FAILED" -eq 0 ] && [ -z "${SOAK_KEEP:-}" ]; then
    rm -rf "$RUN"
  else
    say "logs kept in $RUN"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- ports, authorization server, tokens --------------------------------
read -r AS_PORT PORT < <(node -e '
  const net = require("net");
  const one = () => new Promise((resolve, reject) => {
    const s = net.createServer(); s.on("error", reject);
    s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
  (async () => { const a = await one(); let b; do b = await one(); while (b === a); console.log(a, b); })();')
[ -n "${PORT:-}" ] || die "no free ports"
URL="http://127.0.0.1:$PORT/mcp"
OTHER="http://127.0.0.1:$PORT/other/mcp"
ISSUER="http://127.0.0.1:$AS_PORT"

# Tokens live longer than the run (the valid ones must stay valid).
AS_HOST=127.0.0.1 AS_PORT=$AS_PORT MCP_RESOURCES="$URL $OTHER" \
  RS_SCOPES="mcp:tools mcp:admin" RS_CLIENT_ID=mcp-rs RS_CLIENT_SECRET=dev-secret \
  AS_TEST_CLIENTS=1 AS_TEST_SHORT_TTL=2 AS_TOKEN_TTL=$(( DUR_S + 600 )) \
  TOKEN_FORMAT=opaque AS_ISSUER_PATH= \
  node dev/authserver.mjs > "$RUN/as.log" 2>&1 &
AS_PID=$!
say "authorization server starting"
for i in $(seq 200); do
  curl -fsS -o /dev/null "$ISSUER/.well-known/oauth-authorization-server" 2>/dev/null && break
  kill -0 "$AS_PID" 2>/dev/null || { tail -20 "$RUN/as.log" >&2; die "the authorization server exited"; }
  sleep 0.1
done
curl -fsS -o /dev/null "$ISSUER/.well-known/oauth-authorization-server" || die "the authorization server does not answer"
say "authorization server up"

# One node process mints them all (client_credentials grant): the expired
# one first (test-cc-short: 2 s), 4 valid ones, one for the other resource.
TOKENS="$RUN/tokens"                 # read by soak.lua; removed after the load
umask 077
ISSUER=$ISSUER URL=$URL OTHER=$OTHER node -e '
  const { ISSUER, URL, OTHER } = process.env;
  const token = async (client, resource) => {
    const res = await fetch(`${ISSUER}/token`, {
      method: "POST",
      headers: { authorization: "Basic " + Buffer.from(`${client}:test-cc-secret`).toString("base64") },
      body: new URLSearchParams({ grant_type: "client_credentials", resource, scope: "mcp:tools" }),
    });
    const body = await res.json();
    if (!body.access_token) throw new Error(`${client} ${resource}: ${res.status} ${JSON.stringify(body)}`);
    return body.access_token;
  };
  (async () => {
    const lines = [`expired ${await token("test-cc-short", URL)}`];
    for (let i = 0; i < 4; i++) lines.push(`valid ${await token("test-cc", URL)}`);
    lines.push(`otheraud ${await token("test-cc", OTHER)}`);
    lines.push(`invalid ${require("crypto").randomBytes(32).toString("base64url")}`);
    console.log(lines.join("\n"));
  })().catch((err) => { console.error(err.message); process.exit(1); });' > "$TOKENS" \
  || die "a token request failed"
EXPIRED_AT=$(( $(date +%s) + 3 ))
say "tokens minted (the expired one expires in 2 s)"
umask 022

# ---- Apache ----------------------------------------------------------------------
MODDIR=/usr/lib/apache2/modules
ACCESS_LOG=""
[ -n "${SOAK_ACCESS_LOG:-}" ] && ACCESS_LOG="LogFormat \"%P %>s %m %U %D\" soak
CustomLog \"$RUN/access.log\" soak"
cat > "$RUN/httpd.conf" <<EOF
# Generated by tests/soak/run.sh
ServerRoot        "$RUN"
ServerName        127.0.0.1
Listen            127.0.0.1:$PORT
PidFile           "$RUN/httpd.pid"
ErrorLog          "$RUN/error.log"
LogLevel          warn
DefaultRuntimeDir "$RUN"
Mutex             default:$RUN

LoadModule mpm_event_module      $MODDIR/mod_mpm_event.so
LoadModule authn_core_module     $MODDIR/mod_authn_core.so
LoadModule authz_core_module     $MODDIR/mod_authz_core.so
LoadModule authz_user_module     $MODDIR/mod_authz_user.so
LoadModule mime_module           $MODDIR/mod_mime.so
LoadModule headers_module        $MODDIR/mod_headers.so
LoadModule status_module         $MODDIR/mod_status.so
LoadModule socache_shmcb_module  $MODDIR/mod_socache_shmcb.so
LoadModule mcp_auth_module       "$RUN/mod_mcp_auth.so"

User  www-data
Group www-data

# A fixed set of processes, never recycled: a child that goes away crashed.
# More workers than wrk has connections: with every worker busy, mpm_event
# closes idle keep-alive connections, which wrk counts as read errors.
StartServers           2
ServerLimit            2
ThreadsPerChild        64
MaxRequestWorkers      128
MinSpareThreads        1
MaxSpareThreads        128
MaxConnectionsPerChild 0

TypesConfig /etc/mime.types
$ACCESS_LOG
DocumentRoot "$RUN/htdocs"
<Directory />
  AllowOverride None
  Require all denied
</Directory>

# Loopback only: plain http to the authorization server.
MCPAuthAllowHTTP         On
MCPAuthIssuer            $ISSUER
MCPAuthIntrospectionURL  $ISSUER/token/introspection
MCPAuthIntrospectionAuth client_secret_basic mcp-rs dev-secret
MCPAuthRequireScope      mcp:tools

<Location /mcp>
  AuthType MCP
  MCPAuthResource $URL
  MCPSessions     Off
  Require valid-user
  SetHandler mcp
  # soak.lua matches each answer to its request by this header, 401s too.
  Header always set X-Soak-Case "expr=%{req:X-Soak-Case}"
</Location>
<Location /server-status>
  SetHandler server-status
  Require all granted
</Location>
EOF

APACHE_ENV=()
if [ -n "${SOAK_ASAN:-}" ]; then
  ASAN_LIB=$(gcc -print-file-name=libasan.so)
  [ -f "$ASAN_LIB" ] || die "libasan.so not found"
  mkdir -m 1777 "$RUN/sanitizer"
  APACHE_ENV=(env "LD_PRELOAD=$ASAN_LIB"
    "ASAN_OPTIONS=detect_leaks=0:log_path=$RUN/sanitizer/report:abort_on_error=0"
    "UBSAN_OPTIONS=print_stacktrace=1:log_path=$RUN/sanitizer/report")
fi
# setsid: Apache leads its own process group (it is not a group leader
# here, so setsid execs in place and $! is Apache's PID).
"${APACHE_ENV[@]}" setsid /usr/sbin/apache2 -f "$RUN/httpd.conf" -DFOREGROUND > "$RUN/stdout.log" 2>&1 &
APACHE_PID=$!
for i in $(seq 150); do
  [ -s "$RUN/httpd.pid" ] && curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break
  kill -0 "$APACHE_PID" 2>/dev/null || { cat "$RUN/stdout.log" >&2; tail -20 "$RUN/error.log" >&2; die "Apache exited"; }
  sleep 0.1
done
[ -s "$RUN/httpd.pid" ] || die "Apache wrote no PidFile"
PPID_APACHE=$(cat "$RUN/httpd.pid")
say "Apache up"

children() {   # PIDs of Apache's children, sorted
  pgrep -P "$PPID_APACHE" | sort -n
}
rss_kb() {     # sum of VmRSS of the children
  local files=() p
  for p in $(children); do files+=("/proc/$p/status"); done
  [ "${#files[@]}" -gt 0 ] || { echo 0; return; }
  awk '/^VmRSS:/ { s += $2 } END { print s + 0 }' "${files[@]}" 2>/dev/null
}

# ---- smoke: each kind once, before the load ----------------------------------
tok() { awk -v k="$1" '$1 == k { print $2; exit }' "$TOKENS"; }
smoke() {   # kind expected-status
  local auth=() code
  [ "$1" != none ] && auth=(-H "Authorization: Bearer $(tok "$1")")
  code=$(curl -s --max-time 10 -o "$RUN/smoke.out" -w '%{http_code}' "${auth[@]}" \
    -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
    -H 'MCP-Protocol-Version: 2025-11-25' \
    -d '{"jsonrpc":"2.0","id":1,"method":"ping"}' "$URL")
  [ "$code" = "$2" ] || die "smoke test: a ping with the $1 token got $code, not $2: $(head -c 300 "$RUN/smoke.out")"
}
while [ "$(date +%s)" -le "$EXPIRED_AT" ]; do sleep 0.2; done
for k in valid:200 expired:401 invalid:401 otheraud:401 none:401; do smoke "${k%%:*}" "${k##*:}"; done
CHILDREN_BEFORE=$(children | tr '\n' ' ')
say "AS $ISSUER (pid $AS_PID), Apache $URL (pid $PPID_APACHE, children $CHILDREN_BEFORE)"

# ---- load, with RSS samples ------------------------------------------------------
# (short sleeps, so that it ends at once when $RUN/rss.stop appears)
(
  start=$(date +%s); next=$SAMPLE_EVERY
  while [ ! -e "$RUN/rss.stop" ]; do
    sleep 0.25
    now=$(( $(date +%s) - start ))
    if [ "$now" -ge "$next" ]; then
      echo "$now $(rss_kb)"
      next=$(( next + SAMPLE_EVERY ))
    fi
  done
) > "$RUN/rss.log" &
SAMPLER_PID=$!
say "wrk -c $CONNECTIONS -t $THREADS -d $DURATION ($DUR_S s)"
SOAK_TOKENS=$TOKENS SOAK_RESULT="$RUN/result.tsv" SOAK_HOST="127.0.0.1:$PORT" \
  wrk -c "$CONNECTIONS" -t "$THREADS" -d "${DUR_S}s" --timeout 10s \
  -s tests/soak/soak.lua "$URL" > "$RUN/wrk.out" 2>&1
WRK_RC=$?
say "wrk done"
END_RSS=$(rss_kb)
touch "$RUN/rss.stop"; wait "$SAMPLER_PID" 2>/dev/null; SAMPLER_PID=""
echo "$DUR_S $END_RSS end" >> "$RUN/rss.log"
rm -f "$TOKENS"
CHILDREN_AFTER=$(children | tr '\n' ' ')
STATUS=$(curl -s "http://127.0.0.1:$PORT/server-status?auto" | grep -E '^MCPAuth(Validations|CacheHits|CacheNegativeHits|CacheMisses|CacheErrors):' | tr '\n' ' ')
INTROSPECTIONS=$(curl -s "$ISSUER/_test/introspections" | tr -d '\n')

# ---- verdict -------------------------------------------------------------------------
declare -A RES=()
if [ -s "$RUN/result.tsv" ]; then
  while IFS=$'\t' read -r k v; do RES[$k]=$v; done < "$RUN/result.tsv"
fi
get() { echo "${RES[$1]:-0}"; }
sum_prefix() { local k s=0; for k in "${!RES[@]}"; do [[ "$k" == "$1"* ]] && s=$(( s + RES[$k] )); done; echo "$s"; }
reasons=()
if [ "$WRK_RC" -ne 0 ] || [ ! -s "$RUN/result.tsv" ]; then
  cat "$RUN/wrk.out" >&2
  reasons+=("wrk failed (exit $WRK_RC)")
else
  total=$(get total)
  echo
  echo "== soak: $total requests in $DUR_S s ($(( total / DUR_S ))/s), $CONNECTIONS connections, $THREADS threads"
  printf '   latency p50 %s ms, p99 %s ms, max %s ms\n' \
    "$(awk "BEGIN{printf \"%.1f\", $(get 'latency p50 us')/1000}")" \
    "$(awk "BEGIN{printf \"%.1f\", $(get 'latency p99 us')/1000}")" \
    "$(awk "BEGIN{printf \"%.1f\", $(get 'latency max us')/1000}")"
  echo "   by status:"
  awk -F'\t' 'index($1, "status ") == 1 { printf "     %s  %d\n", substr($1, 8), $2 }' "$RUN/result.tsv"
  echo "   by token kind and status class:"
  awk -F'\t' 'index($1, "kind ") == 1 { printf "     %-22s %d\n", substr($1, 6), $2 }' "$RUN/result.tsv"
  echo "   socket errors: connect $(get 'socket connect'), read $(get 'socket read'), write $(get 'socket write'), timeout $(get 'socket timeout')"
  echo "   module: $STATUS"
  echo "   authorization server introspections: $INTROSPECTIONS"

  s5=$(sum_prefix 'status 5')
  passed=$(sum_prefix 'passed ')
  unexpected=$(get unexpected)
  unclassified=$(get unclassified)
  hard=$(( $(get 'socket connect') + $(get 'socket timeout') ))
  soft=$(( $(get 'socket read') + $(get 'socket write') ))
  [ "$total" -gt 0 ] || reasons+=("no request completed")
  [ "$s5" -eq 0 ] || reasons+=("$s5 answers 5xx")
  [ "$passed" -eq 0 ] || reasons+=("$passed answers 2xx to an expired, invalid, other-audience or missing token")
  [ "$unexpected" -eq 0 ] || reasons+=("$unexpected unexpected answers")
  [ "$unclassified" -eq 0 ] || reasons+=("$unclassified answers without X-Soak-Case")
  [ "$hard" -eq 0 ] || reasons+=("$hard connect errors or timeouts")
  [ "$(( soft * 100000 ))" -le "$total" ] || reasons+=("$soft read/write errors (more than 1 in 100,000 requests)")
  if [ "$unexpected" -gt 0 ] || [ "$unclassified" -gt 0 ]; then
    echo "   unexpected:"
    awk -F'\t' 'index($1, "unexpected ") == 1 || index($1, "unclassified ") == 1 || $1 == "wrong body" { printf "     %s  %d\n", $1, $2 }' "$RUN/result.tsv" | head -30
  fi
fi

say "verdict"
# RSS under load: from the first sample at or after 20 % of the run to the
# last one before the end (after the load, freed connections lower it).
base_line=$(awk -v t="$(( DUR_S / 5 ))" '$3 == "" && $1 >= t { print; exit }' "$RUN/rss.log")
last_line=$(awk -v t="$DUR_S" '$3 == "" && $1 < t { l = $0 } END { print l }' "$RUN/rss.log")
base_t=$(echo "$base_line" | awk '{print $1}'); base_rss=$(echo "$base_line" | awk '{print $2}')
last_t=$(echo "$last_line" | awk '{print $1}'); last_rss=$(echo "$last_line" | awk '{print $2}')
if [ -n "$base_rss" ] && [ -n "$last_rss" ] && [ "$base_rss" -gt 0 ] && [ "$last_t" -gt "$base_t" ]; then
  growth=$(awk "BEGIN { printf \"%.1f\", ($last_rss - $base_rss) * 100 / $base_rss }")
  echo "   children's RSS: $base_rss kB at $base_t s, $last_rss kB at $last_t s ($growth %), $END_RSS kB after the load"
  echo "   RSS samples (kB, every $SAMPLE_EVERY s): $(awk '$3 == "" {printf "%s ", $2}' "$RUN/rss.log")"
  awk "BEGIN { exit !($growth > $RSS_GROWTH) }" && reasons+=("RSS grew $growth % (more than $RSS_GROWTH %)")
else
  reasons+=("too few RSS samples")
fi

crash=$(grep -E 'exit signal|Segmentation|AddressSanitizer|UndefinedBehaviorSanitizer|seg fault|core dumped' "$RUN/error.log" | head -5)
[ -z "$crash" ] || reasons+=("a child crashed: $crash")
[ "$CHILDREN_BEFORE" = "$CHILDREN_AFTER" ] || reasons+=("children changed: $CHILDREN_BEFORE-> $CHILDREN_AFTER")
kill -0 "$PPID_APACHE" 2>/dev/null || reasons+=("Apache exited")
if [ -n "${SOAK_ASAN:-}" ] && ls "$RUN"/sanitizer/report.* >/dev/null 2>&1; then
  reasons+=("sanitizer reports in $RUN/sanitizer")
fi
errs=$(grep -cE '\[mcp_auth:(error|crit|alert|emerg)\]' "$RUN/error.log")
echo "   error log: $errs module errors, $(grep -c ':warn\]' "$RUN/error.log") warnings"

if [ "${#reasons[@]}" -eq 0 ]; then
  FAILED=0
  echo "== soak PASSED"
  exit 0
fi
echo "== soak FAILED:"
for r in "${reasons[@]}"; do echo "   - $r"; done
exit 1
