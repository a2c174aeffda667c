#!/usr/bin/env bash
# Packaging test: the module installs and loads the Debian way, and the
# shipped configuration and its example are accepted by the system's
# Apache.
#
#   1. "make install" (apxs -i) into the system's module directory;
#   2. conf/mcp_auth.load and conf/mcp_auth.conf into
#      /etc/apache2/mods-available, "a2enmod mcp_auth" (which enables the
#      modules its "# Depends:" line names);
#   3. "apache2ctl -t" accepts the configuration, "apache2ctl -M" lists
#      mcp_auth_module;
#   4. the example <Location> of conf/mcp_auth.conf, uncommented, as a
#      conf-available snippet ("a2enconf"): "apache2ctl -t" accepts it;
#      then the same with every optional setting of the example
#      uncommented as well; and a broken value is refused, naming the
#      directive;
#   5. everything it did is undone, also on failure (trap): modules and
#      snippets disabled, a2enmod's state markers restored, files removed
#      or, when they were there before, put back as they were. It checks
#      that the module directory, mods-available/-enabled,
#      conf-available/-enabled and the markers list the same files as
#      before.
#
# It never starts, stops or signals the system's apache2 ("apache2ctl -t"
# and "-M" only read the configuration). Needs root, as CI has.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
        exec sudo -n bash "$0" "$@"
    fi
    echo "test-packaging: needs root (or password-less sudo)" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive

# The system's Apache, installed the way dev/install-deps.sh does.
missing=()
for p in apache2 apache2-dev; do
    [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" == *"ok installed"* ]] \
        || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ] || [ ! -d /etc/apache2 ]; then
    echo "test-packaging: apt-get install ${missing[*]:-apache2}"
    apt-get update -qq
    apt-get install -y -q "${missing[@]:-apache2}" \
        > /tmp/mcp-auth-packaging-apt.log 2>&1 \
        || { tail -40 /tmp/mcp-auth-packaging-apt.log; exit 1; }
fi

APXS=${APXS:-apxs}
MODDIR=$("$APXS" -q LIBEXECDIR)
ETC=/etc/apache2
STATE=${APACHE_STATE_DIRECTORY:-/var/lib/apache2}
SO=$MODDIR/mod_mcp_auth.so
LOAD=$ETC/mods-available/mcp_auth.load
CONF=$ETC/mods-available/mcp_auth.conf
SNIPPET_NAME=mcp-auth-packaging-test
SNIPPET=$ETC/conf-available/$SNIPPET_NAME.conf
WORK=$(mktemp -d /tmp/mcp-auth-packaging.XXXXXX)
LOG=$WORK/log

say() { echo "test-packaging: $*"; }
fail() {
    echo "test-packaging: FAIL: $*" >&2
    [ -s "$LOG" ] && sed 's/^/    /' "$LOG" >&2
    exit 1
}

snapshot() {      # what enabling and disabling may change
    {
        echo "## $MODDIR"; ls -1 "$MODDIR"
        echo "## mods-available"; ls -1 "$ETC/mods-available"
        echo "## mods-enabled"; ls -1 "$ETC/mods-enabled"
        echo "## conf-available"; ls -1 "$ETC/conf-available"
        echo "## conf-enabled"; ls -1 "$ETC/conf-enabled"
        echo "## markers"; [ -d "$STATE" ] && (cd "$STATE" && find . -type f | sort)
    } 2>/dev/null
}

[ ! -e "$SNIPPET" ] || fail "$SNIPPET exists already (left over?)"
snapshot > "$WORK/before"
# (sets as associative arrays: "printf | grep -q" can lose to SIGPIPE
# under pipefail)
declare -A mod_was=() marker_was=()
while read -r m; do mod_was[$m]=1; done \
    < <(ls -1 "$ETC/mods-enabled" | sed -n 's/\.load$//p')
while read -r m; do marker_was[$m]=1; done \
    < <(cd "$STATE" 2>/dev/null && find . -type f | sort)
for f in "$SO" "$LOAD" "$CONF"; do
    if [ -e "$f" ]; then
        cp -a "$f" "$WORK/saved.$(basename "$f")"
    fi
done

# The system's configuration must be sound before we touch it.
apache2ctl -t > "$LOG" 2>&1 \
    || fail "apache2ctl -t fails before the test: fix the system's configuration first"

cleanup() {
    local rc=$? m f name
    set +e
    if [ -L "$ETC/conf-enabled/$SNIPPET_NAME.conf" ]; then
        a2disconf -q "$SNIPPET_NAME" >/dev/null 2>&1
    fi
    rm -f "$SNIPPET" "$ETC/conf-enabled/$SNIPPET_NAME.conf"
    # mcp_auth first (the others are its dependencies), then whatever
    # a2enmod enabled along with it
    if [ -z "${mod_was[mcp_auth]:-}" ] && [ -L "$ETC/mods-enabled/mcp_auth.load" ]; then
        a2dismod -q -f mcp_auth >/dev/null 2>&1
    fi
    for f in "$ETC"/mods-enabled/*.load; do
        m=$(basename "$f" .load)
        [ -n "${mod_was[$m]:-}" ] || a2dismod -q -f "$m" >/dev/null 2>&1
    done
    # a2enmod/a2dismod keep state markers: put them back as they were
    if [ -d "$STATE" ]; then
        while read -r m; do
            [ -n "${marker_was[$m]:-}" ] || rm -f "$STATE/$m"
        done < <(cd "$STATE" && find . -type f | sort)
        for m in "${!marker_was[@]}"; do
            [ -e "$STATE/$m" ] || { mkdir -p "$(dirname "$STATE/$m")"; touch "$STATE/$m"; }
        done
    fi
    for f in "$SO" "$LOAD" "$CONF"; do
        name=$WORK/saved.$(basename "$f")
        if [ -e "$name" ]; then
            cp -a "$name" "$f"
        else
            rm -f "$f"
        fi
    done
    snapshot > "$WORK/after"
    if ! diff -u "$WORK/before" "$WORK/after" > "$WORK/diff"; then
        echo "test-packaging: FAIL: the system's Apache configuration is not as it was:" >&2
        cat "$WORK/diff" >&2
        rc=1
    elif [ "$rc" -eq 0 ]; then
        say "cleaned up: $MODDIR, mods-*, conf-* and a2enmod's markers as before"
    fi
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# 1. make install (apxs -i)
say "make install"
make --no-print-directory -C "$ROOT" install > "$LOG" 2>&1 \
    || fail "make install"
[ -f "$SO" ] || fail "make install did not install $SO"

# 2. the Debian files, a2enmod
install -m 644 "$ROOT/conf/mcp_auth.load" "$LOAD"
install -m 644 "$ROOT/conf/mcp_auth.conf" "$CONF"
a2enmod -q mcp_auth > "$LOG" 2>&1 || fail "a2enmod mcp_auth"
[ -L "$ETC/mods-enabled/mcp_auth.load" ] && [ -L "$ETC/mods-enabled/mcp_auth.conf" ] \
    || fail "a2enmod did not enable mcp_auth.load and mcp_auth.conf"

# 3. the module loads with the shipped (all-comment) configuration
apache2ctl -t > "$LOG" 2>&1 || fail "apache2ctl -t with mcp_auth enabled"
grep -q 'Syntax OK' "$LOG" || fail "apache2ctl -t did not say Syntax OK"
apache2ctl -M > "$LOG" 2>&1 || fail "apache2ctl -M"
grep -qE '^ *mcp_auth_module \((shared|static)\)' "$LOG" \
    || fail "apache2ctl -M does not list mcp_auth_module"
say "a2enmod mcp_auth: apache2ctl -t OK, mcp_auth_module loaded"

# 4. the example of conf/mcp_auth.conf, uncommented. Its first
# "# <Location /mcp>" block: "# " taken off every line gives the example;
# then "#" taken off "#Directive" lines (no space) gives every optional
# setting as well, and the same for the top-level "#Directive" lines.
example() {
    perl -ne '
        BEGIN { $all = shift @ARGV }
        if (!$done && /^# <Location \/mcp>\s*$/) { $in = 1 }
        if ($in) {
            s/^# ?//;
            s/^(\s*)#(?=[A-Za-z<])/$1/ if $all;
            print;
            if (/^<\/Location>/) { $in = 0; $done = 1 }
        }
        elsif ($all && /^#[A-Za-z]/) { s/^#//; print }
    ' "$1" "$ROOT/conf/mcp_auth.conf"
}
check_snippet() {
    local what=$1
    apache2ctl -t > "$LOG" 2>&1 \
        || { cp "$SNIPPET" "$WORK/snippet.failed"; fail "apache2ctl -t refuses $what:
$(sed 's/^/      /' "$WORK/snippet.failed")"; }
}

example 0 > "$SNIPPET"
grep -q '^ *AuthType MCP' "$SNIPPET" || fail "no example <Location> found in conf/mcp_auth.conf"
a2enconf -q "$SNIPPET_NAME" > "$LOG" 2>&1 || fail "a2enconf $SNIPPET_NAME"
check_snippet "the example <Location> of conf/mcp_auth.conf"
say "the example <Location> of conf/mcp_auth.conf: apache2ctl -t OK ($(grep -c '^ *MCP' "$SNIPPET") MCP directives)"

example 1 > "$SNIPPET"
check_snippet "the example with every optional setting uncommented"
say "the example with every optional setting: apache2ctl -t OK ($(grep -c '^ *MCP' "$SNIPPET") MCP directives)"

# a wrong value must stop the start, naming the directive: proof that the
# module read the snippet
example 0 | sed 's|^\( *MCPAuthResource\) .*|\1 mcp.example.com/mcp|' > "$SNIPPET"
if apache2ctl -t > "$LOG" 2>&1; then
    fail "apache2ctl -t accepted MCPAuthResource mcp.example.com/mcp"
fi
grep -q 'MCPAuthResource' "$LOG" \
    || fail "the error for a bad MCPAuthResource does not name the directive"
say "a bad MCPAuthResource is refused: $(grep -m1 'MCPAuthResource' "$LOG" | sed 's/^ *//')"
: > "$LOG"
