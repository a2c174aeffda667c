#!/bin/bash
# run.sh: run libFuzzer targets of tests/fuzz/build/ (make -C tests/fuzz
# run / long call it).
#
#   bash run.sh time SECONDS name...   each target for SECONDS
#   bash run.sh runs N name...         each target for N executions
#   bash run.sh repro                  each crashes/<name>-*.bin once with
#                                      fuzz_<name>: fails while a finding
#                                      reproduces (a regression check)
#
# Each target reads its seeds from corpus/<name>/ (never written: the
# first corpus argument is a temporary directory that receives what
# libFuzzer finds, removed afterwards unless FUZZ_KEEP_CORPUS=1) and its
# dictionary from dict/<name>.dict when there is one. A crash, leak,
# timeout or sanitizer report leaves its input in build/artifacts/ and
# makes the run fail. FUZZ_JOBS targets run at once (default 1).
# Extra libFuzzer flags: FUZZ_FLAGS.
set -u
cd "$(dirname "$0")"
mode=$1
if [ "$mode" = repro ]; then
    failed=0
    for f in crashes/*.bin; do
        [ -e "$f" ] || continue
        name=$(basename "$f"); name=${name%%-*}
        if "build/fuzz_$name" "$f" > "build/repro.log" 2>&1; then
            echo "fixed:       $f"
        else
            echo "reproduces:  $f: $(grep -m1 -oE 'runtime error: .*|property failed: .*|ERROR: [A-Za-z]+: [^ ]+' build/repro.log | head -c 160)"
            failed=1
        fi
    done
    exit $failed
fi
amount=$2
shift 2
jobs=${FUZZ_JOBS:-1}
mkdir -p build/logs build/artifacts
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

one() {
    local name=$1 bin=build/fuzz_$1 log=build/logs/$1.log out dict=() limit
    out=$(mktemp -d "${TMPDIR:-/tmp}/mcp-fuzz-$name.XXXXXX")
    [ -f "dict/$name.dict" ] && dict=(-dict="dict/$name.dict")
    if [ "$mode" = time ]; then
        limit=(-max_total_time="$amount")
    else
        limit=(-runs="$amount")
    fi
    "$bin" "${limit[@]}" "${dict[@]}" -timeout=25 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="build/artifacts/$name-" \
        ${FUZZ_FLAGS:-} "$out" "corpus/$name" > "$log" 2>&1
    echo $? > "build/logs/$name.rc"
    echo "$(ls "$out" | wc -l)" > "build/logs/$name.found"
    [ "${FUZZ_KEEP_CORPUS:-0}" = 1 ] && echo "$out" > "build/logs/$name.corpus" \
        || rm -rf "$out"
}

running=0
for name in "$@"; do
    [ -x "build/fuzz_$name" ] || { echo "no build/fuzz_$name: make first"; exit 2; }
    rm -f "build/logs/$name.rc"
    echo "fuzz_$name: $mode $amount ..."
    one "$name" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
        wait -n
        running=$((running - 1))
    fi
done
wait

failed=0
printf '\n%-12s %14s %10s %10s %8s  %s\n' target executions seconds exec/s corpus result
for name in "$@"; do
    log=build/logs/$name.log
    rc=$(cat "build/logs/$name.rc" 2>/dev/null || echo 99)
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
    eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1)
    if [ "$rc" = 0 ]; then
        result="ok ($cov)"
    else
        result="FAILED rc=$rc: $(grep -m1 -oE 'ERROR: [A-Za-z]+: [^ ]+[^\n]*|runtime error: .*|property failed: .*|Test unit written to .*' "$log" | head -c 200)"
        failed=1
    fi
    printf '%-12s %14s %10s %10s %8s  %s\n' "$name" "${runs:-?}" "${secs:-?}" \
        "${eps:-?}" "$(cat build/logs/$name.found 2>/dev/null)" "$result"
done
for name in "$@"; do
    rc=$(cat "build/logs/$name.rc" 2>/dev/null || echo 99)
    if [ "$rc" != 0 ]; then
        echo; echo "== fuzz_$name (build/logs/$name.log) =="
        grep -E 'ERROR|runtime error|property failed|#[0-9]+ 0x|Test unit written|artifact' \
            "build/logs/$name.log" | head -30
    fi
done
exit $failed
