#!/usr/bin/env bash
# check-docs: the reference documentation keeps up with the sources.
#
#   - every directive of a command table (AP_INIT_* in mod_mcp_auth.c and
#     src/*.c) has its own "### <Name>" section in docs/directives.md and
#     is mentioned in conf/mcp_auth.conf;
#   - every authorization provider the module registers ("Require <name>")
#     has a "### Require <name>" section in docs/directives.md;
#   - every log tag (MCPLOGNO(nnnnn)) appears as MCPnnnnn in
#     docs/troubleshooting.md;
#   - every C source file (mod_mcp_auth.c, src/*.c) is in the file table of
#     docs/architecture.md;
#   - and the other way round: no "### MCP..." section, no MCPnnnnn tag in
#     the troubleshooting page, and no file in the architecture page, that
#     the sources no longer have.
#
# Reads files only (a fraction of a second); run by "make check-docs".
set -euo pipefail
cd "$(dirname "$0")/../.."

SOURCES=(mod_mcp_auth.c src/*.c)
DIRECTIVES_MD=docs/directives.md
TROUBLE_MD=docs/troubleshooting.md
ARCH_MD=docs/architecture.md
CONF=conf/mcp_auth.conf
fail=0

bad() {
    echo "check-docs: $*" >&2
    fail=1
}

for f in "$DIRECTIVES_MD" "$TROUBLE_MD" "$ARCH_MD" "$CONF"; do
    [ -f "$f" ] || { echo "check-docs: $f is missing" >&2; exit 1; }
done

# Directive names: the first argument of every AP_INIT_*( ... ) entry, a
# string literal, possibly on the next line.
mapfile -t directives < <(perl -0777 -ne \
    'while (/\bAP_INIT_[A-Z0-9_]+\s*\(\s*"([^"]+)"/g) { print "$1\n" }' \
    "${SOURCES[@]}" | sort -u)
[ "${#directives[@]}" -gt 0 ] || bad "no directive found in ${SOURCES[*]}"

mapfile -t headings < <(sed -n 's/^### \(MCP[A-Za-z0-9]*\)[[:space:]]*$/\1/p' \
    "$DIRECTIVES_MD" | sort -u)
# membership through associative arrays, not "printf | grep -q" (grep -q
# may close the pipe early: SIGPIPE, and pipefail would report a miss)
declare -A is_directive=() is_heading=()
for d in "${directives[@]}"; do is_directive[$d]=1; done
for h in "${headings[@]}"; do is_heading[$h]=1; done

for d in "${directives[@]}"; do
    [ -n "${is_heading[$d]:-}" ] \
        || bad "directive $d has no \"### $d\" section in $DIRECTIVES_MD"
    grep -qw -- "$d" "$CONF" \
        || bad "directive $d is not mentioned in $CONF"
done
for h in "${headings[@]}"; do
    [ -n "${is_directive[$h]:-}" ] \
        || bad "$DIRECTIVES_MD documents $h, which no command table has"
done

# Authorization providers: ap_register_auth_provider(p,
# AUTHZ_PROVIDER_GROUP, "<name>", ...).
mapfile -t providers < <(perl -0777 -ne \
    'while (/\bAUTHZ_PROVIDER_GROUP\s*,\s*"([^"]+)"/g) { print "$1\n" }' \
    "${SOURCES[@]}" | sort -u)
for p in "${providers[@]}"; do
    grep -qxF "### Require $p" "$DIRECTIVES_MD" \
        || bad "authorization provider $p has no \"### Require $p\" section in $DIRECTIVES_MD"
done

# Log tags.
mapfile -t tags < <(grep -ohE 'MCPLOGNO\([0-9]+\)' "${SOURCES[@]}" \
    | sed -E 's/MCPLOGNO\(([0-9]+)\)/MCP\1/' | sort -u)
[ "${#tags[@]}" -gt 0 ] || bad "no MCPLOGNO tag found in ${SOURCES[*]}"
for t in "${tags[@]}"; do
    grep -qw -- "$t" "$TROUBLE_MD" \
        || bad "log tag $t is not explained in $TROUBLE_MD"
done
mapfile -t documented < <(grep -ohE '\bMCP[0-9]{5}\b' "$TROUBLE_MD" | sort -u)
declare -A is_tag=()
for t in "${tags[@]}"; do is_tag[$t]=1; done
for t in "${documented[@]}"; do
    [ -n "${is_tag[$t]:-}" ] \
        || bad "$TROUBLE_MD explains $t, which no source logs"
done

# The file table of the architecture page: every C source of the module
# is described, and every file it names exists.
for f in mod_mcp_auth.c src/*.c; do
    grep -qF -- "\`$f\`" "$ARCH_MD" \
        || bad "$f is not in the file table of $ARCH_MD"
done
for f in $(grep -oE '`[a-z_/]+\.[ch]`' "$ARCH_MD" | tr -d '`' | sort -u); do
    [ -e "$f" ] || bad "$ARCH_MD names $f, which does not exist"
done

[ "$fail" -eq 0 ] || exit 1
echo "check-docs: ok (${#directives[@]} directives, ${#providers[@]} authorization providers, ${#tags[@]} log tags)"
