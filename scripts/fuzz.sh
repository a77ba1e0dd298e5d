#!/bin/sh
# Run one libFuzzer target of `make fuzz` for a bounded time.
#   sh scripts/fuzz.sh BUILD_DIR NAME SECONDS
# FUZZ_RUNS (default 150000) bounds the executions and FUZZ_SEED (default 1)
# fixes libFuzzer's random seed, so a run explores the same inputs every
# time: what CI finds, a developer replays, and CI never fails on a find
# that depends on the machine's speed (SECONDS only stops a slow machine
# early, on a prefix of the same sequence). FUZZ_RUNS=0: unbounded runs,
# a random seed, for exploration by hand.
# Fuzzes BUILD_DIR/fuzz_NAME on a fresh copy of tests/fuzz/corpus/NAME (the
# seeds stay untouched) in BUILD_DIR/run/NAME. Fails, naming the reproducer,
# when the target finds a crash, a leak, a timeout, an out-of-memory or a
# property violation (the targets abort() on those). Reproduce one with
#   BUILD_DIR/fuzz_NAME REPRODUCER
set -eu

build=$1
name=$2
secs=$3
bin=$build/fuzz_$name
seeds=tests/fuzz/corpus/$name
run=$build/run/$name
supp=$(pwd)/scripts/lsan.supp

[ -x "$bin" ] || { echo "fuzz.sh: $bin is not built" >&2; exit 2; }
[ -d "$seeds" ] || { echo "fuzz.sh: no seed corpus $seeds" >&2; exit 2; }
rm -rf "$run"
mkdir -p "$run/corpus" "$run/crashes"
cp "$seeds"/* "$run/corpus/"

runs=${FUZZ_RUNS:-150000}
if [ "$runs" -gt 0 ]; then
	bound="-runs=$runs -seed=${FUZZ_SEED:-1}"
else
	bound=
fi
status=0
# shellcheck disable=SC2086 # $bound is two options or none
LSAN_OPTIONS=suppressions=$supp:print_suppressions=0 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	"$bin" $bound -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-max_len=65536 -print_final_stats=1 \
	-artifact_prefix="$run/crashes/" "$run/corpus" \
	>"$run/log" 2>&1 || status=$?

execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$run/log")
if [ "$status" -ne 0 ] || grep -q "Sanitizer\|runtime error:" "$run/log"; then
	tail -n 60 "$run/log" >&2
	for f in "$run"/crashes/*; do
		[ -e "$f" ] && echo "fuzz: $name: reproducer: $f" >&2
	done
	echo "fuzz: $name: FAILED (exit $status); log $run/log;" \
		"reproduce with $bin <reproducer>" >&2
	exit 1
fi
echo "fuzz: $name: ok, ${execs:-?} executions (at most ${secs}s)," \
	"corpus $(ls "$run/corpus" | wc -l) inputs"
