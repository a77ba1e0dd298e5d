#!/bin/sh
# bench.sh - the yoi-tickets benchmark (make bench).
#
#   sh scripts/bench.sh [N]        N tickets (or env N; default 10000)
#
# Generates a store of N tickets in a temporary git repository with
# build/bench-gen (scripts/bench_gen.c: the engine's own formatters, so the
# files are the engine's format; item.md ~4 KiB, thread.md ~12 KiB with ~10
# events, every state), checks that doctor finds 0 errors in it, warms the
# page cache, then times list, show, create, doctor and render, each
# interleaved run by run with a baseline that reads (or writes) the same
# files, and prints medians, ratios and the targets of the issue. The
# baselines of list and doctor are a C reader of the same files (bench-gen
# cat), the stricter floor; cat(1) of them is measured too and shown in a
# second table.
#
# Times are wall clock on CLOCK_MONOTONIC around spawn + run + wait
# (bench-gen time), the command's output going to /dev/null. This is a
# report, not a test: it exits 0 when a target is missed (and says MISSED),
# and non-zero only when it cannot measure (bad store, failing command).
#
# Start-up: yoi-tickets --version and list on an empty store beside the
# spawn of a trivial C program (build/bench-noop), run by run.
#
# Scaling (SCALE=1, opt-in: it writes stores of up to 50,000 tickets,
# ~800 MiB): list, doctor and route at SCALE_SIZES tickets (1000 10000
# 50000), SCALE_RUNS runs each (5): the median wall time per ticket, its
# spread across the sizes (target: the largest per-ticket time within
# 1.3x the smallest) and the peak RSS (max over the runs; target: <= 256
# MiB at every size), from bench-gen rss.
#
# Import: IMPORT_N (N) beads issues imported in one process beside
# creating them through the library in one process, IMPORT_RUNS (3) runs.
#
# Environment: BUILD (build), RUNS (7: list, doctor), FAST_RUNS (21: show,
# create, and the per-ticket rows at two sizes), SMALL (100: the small
# store of those rows), CAT_RUNS (3: the slow cat(1) baselines of the second table),
# RENDER_RUNS (5: render --html, which writes a page per ticket),
# SEED (the store's random seed), COMMIT=1 commits the store (slow: git
# hashes every file), KEEP=1 keeps the temporary directory, TMPDIR.
set -eu

N=${1:-${N:-10000}}
BUILD=${BUILD:-build}
RUNS=${RUNS:-7}
FAST_RUNS=${FAST_RUNS:-21}
CAT_RUNS=${CAT_RUNS:-3}
RENDER_RUNS=${RENDER_RUNS:-5}
SEED=${SEED:-20260618}
case $N in '' | *[!0-9]*) echo "bench: N must be a number, not '$N'" >&2; exit 2 ;; esac
case $RUNS$FAST_RUNS$CAT_RUNS$RENDER_RUNS in *[!0-9]*) echo "bench: RUNS, FAST_RUNS, CAT_RUNS and RENDER_RUNS must be numbers" >&2; exit 2 ;; esac

SRC=$(pwd)
BIN=$(cd "$BUILD" && pwd)/yoi-tickets
GEN=$(cd "$BUILD" && pwd)/bench-gen
NOOP=$(cd "$BUILD" && pwd)/bench-noop
IMP=$(cd "$BUILD" && pwd)/bench-import
IMPORT_N=${IMPORT_N:-$N}
IMPORT_RUNS=${IMPORT_RUNS:-3}
case $IMPORT_N$IMPORT_RUNS in *[!0-9]*) echo "bench: IMPORT_N and IMPORT_RUNS must be numbers" >&2; exit 2 ;; esac
SCALE=${SCALE:-0}
SCALE_SIZES=${SCALE_SIZES:-1000 10000 50000}
SCALE_RUNS=${SCALE_RUNS:-5}
case $SCALE_RUNS in '' | *[!0-9]*) echo "bench: SCALE_RUNS must be a number" >&2; exit 2 ;; esac
for f in "$BIN" "$GEN" "$NOOP" "$IMP"; do
	[ -x "$f" ] || { echo "bench: $f is missing; run 'make bench'" >&2; exit 2; }
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/yoi-bench.XXXXXX")
cleanup() {
	if [ "${KEEP:-0}" = 1 ]; then echo "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# The engine must see a plain environment: real clock, author from git.
unset YOI_TICKETS_NOW YOI_TICKETS_AUTHOR YOI_FAULT || true

now_ms() { echo $(($(date +%s%N) / 1000000)); }

REPO=$TMP/repo
ROOT=.yoi/tickets
mkdir -p "$REPO" "$TMP/w2" "$TMP/t"
cd "$REPO"
git init -q .
git config user.name "bench"
git config user.email "bench@example.invalid"
"$BIN" init >/dev/null

# ---- the store ----
t0=$(now_ms)
"$GEN" gen "$ROOT" "$N" "$SEED" >"$TMP/ids" 2>"$TMP/gen.log"
t1=$(now_ms)
COMMITTED="not committed (COMMIT=1 commits it)"
if [ "${COMMIT:-0}" = 1 ]; then
	git add -A .yoi
	git commit -q -m "benchmark store of $N tickets"
	COMMITTED="committed in $(($(now_ms) - t1)) ms"
fi
SIZE=$(du -sk "$ROOT" | cut -f1)

# The store must be valid: doctor reports 0 errors, list sees every ticket.
st=0
"$BIN" doctor >"$TMP/doctor.out" 2>&1 || st=$?
if [ "$st" != 0 ] || ! grep -q ' 0 error(s)' "$TMP/doctor.out"; then
	echo "bench: the generated store is not valid (doctor exit $st):" >&2
	head -20 "$TMP/doctor.out" >&2
	exit 1
fi
DOCTOR_SUMMARY=$(grep 'error(s)' "$TMP/doctor.out" | tail -1)
listed=$("$BIN" list --state all | wc -l)
if [ "$listed" != "$N" ]; then
	echo "bench: list --state all shows $listed tickets, not $N" >&2
	exit 1
fi

# Warm the page cache (and the dentry cache) with every file, twice.
for _ in 1 2; do
	find "$ROOT" -type f -print0 | xargs -0 cat >/dev/null
	"$BIN" list --state all >/dev/null
done

# ---- timing ----

FAILED=0

# run1 NAME CMD [ARG...]: time one run of CMD; append its wall and CPU
# nanoseconds to NAME and NAME.cpu.
run1() {
	out=$1
	shift
	set -- $("$GEN" time "$@") "$@"
	if [ "$2" != 0 ]; then
		st=$2
		shift 3
		echo "bench: '$*' exited with status $st" >&2
		FAILED=1
		return 0
	fi
	echo "$1" >>"$TMP/t/$out"
	echo "$3" >>"$TMP/t/$out.cpu"
}

# Median of a series in milliseconds (lower middle for an even count).
median() {
	sort -n "$TMP/t/$1" | awk '{ v[NR] = $1 } END {
		printf "%.2f", NR ? v[int((NR + 1) / 2)] / 1e6 : 0 }'
}

# measure NAME RUNS SIDE...: RUNS rounds, each running NAME_SIDE for every
# side (cmd, its baselines), forward in odd rounds and backward in even
# ones, so that no side always runs on the cache another just warmed.
measure() {
	name=$1
	runs=$2
	shift 2
	i=1
	while [ "$i" -le "$runs" ]; do
		if [ $((i % 2)) = 1 ]; then
			for side; do "${name}_$side" "$i"; done
		else
			rev=
			for side; do rev="$side $rev"; done
			for side in $rev; do "${name}_$side" "$i"; done
		fi
		i=$((i + 1))
	done
}

CAT_ITEMS="find $ROOT -name item.md -print0 | xargs -0 cat >/dev/null"
CAT_ALL="find $ROOT \\( -name item.md -o -name thread.md \\) -print0 | xargs -0 cat >/dev/null"

list_cmd() { run1 list.cmd "$BIN" list --state all; }
list_base() { run1 list.base "$GEN" cat "$ROOT" item; }
list_cat() { [ "$1" -gt "$CAT_RUNS" ] || run1 list.cat sh -c "$CAT_ITEMS"; }

doctor_cmd() { run1 doctor.cmd "$BIN" doctor; }
doctor_base() { run1 doctor.base "$GEN" cat "$ROOT" all; }
doctor_cat() { [ "$1" -gt "$CAT_RUNS" ] || run1 doctor.cat sh -c "$CAT_ALL"; }

# show: a different ticket each round, spread over the store.
show_id() { sed -n "$((1 + ($1 * 7919) % N))p" "$TMP/ids"; }
show_cmd() { run1 show.cmd "$BIN" show "$(show_id "$1")"; }
show_base() {
	id=$(show_id "$1")
	run1 show.base cat "$ROOT/$id/item.md" "$ROOT/$id/thread.md"
}

# list --search: a word of the generator's vocabulary (most items hold it),
# beside ripgrep over the same item files (grep -rliF where rg is missing).
SEARCH_WORD=timeout
if command -v rg >/dev/null 2>&1; then
	SEARCH_FLOOR="rg -l -i -F -g item.md $SEARCH_WORD $ROOT >/dev/null"
else
	SEARCH_FLOOR="grep -rliF --include=item.md $SEARCH_WORD $ROOT >/dev/null"
fi
search_cmd() { run1 search.cmd "$BIN" list --state all --search "$SEARCH_WORD"; }
search_base() { run1 search.base sh -c "$SEARCH_FLOOR"; }

route_cmd() { run1 route.cmd "$BIN" route --json; }
route_base() { run1 route.base "$GEN" cat "$ROOT" item; }

# render: the whole site into a new directory (the old one removed and the
# disk synced first, untimed); then again over the previous render, where
# unchanged pages are compared and left alone.
render_cmd() {
	rm -rf "$TMP/site"
	sync
	run1 render.cmd "$BIN" render --html "$TMP/site"
}
render_base() { run1 render.base "$GEN" cat "$ROOT" all; }
rerender_cmd() { run1 rerender.cmd "$BIN" render --html "$TMP/site"; }
rerender_base() { run1 rerender.base "$GEN" cat "$ROOT" all; }

create_cmd() { run1 create.cmd "$BIN" create --title "Benchmark ticket $1"; }
create_base() { run1 create.base "$GEN" write2 "$TMP/w2/$1"; }
create_floor() { run1 create.floor "$GEN" gitfloor; }

# start-up: --version, and list on an empty store, beside a trivial C
# program's spawn.
EMPTY=$TMP/empty
mkdir -p "$EMPTY"
git -C "$EMPTY" init -q .
(cd "$EMPTY" && "$BIN" init >/dev/null)
version_cmd() { run1 version.cmd "$BIN" --version; }
version_base() { run1 version.base "$NOOP"; }
empty_cmd() { run1 empty.cmd "$BIN" list; }
empty_base() { run1 empty.base "$NOOP"; }

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
measure version "$FAST_RUNS" cmd base
cd "$EMPTY"
measure empty "$FAST_RUNS" cmd base
cd "$REPO"
measure list "$RUNS" cmd base cat
measure show "$FAST_RUNS" cmd base
measure search "$RUNS" cmd base
measure doctor "$RUNS" cmd base cat
measure route "$RUNS" cmd base
measure render "$RENDER_RUNS" cmd base
measure rerender "$RENDER_RUNS" cmd base
rm -rf "$TMP/site"
measure create "$FAST_RUNS" cmd base floor
# pre-commit: the store committed, one ticket changed and staged.
if [ "${COMMIT:-0}" != 1 ]; then
	git add -A .yoi
	git commit -q --no-verify -m "benchmark store of $N tickets"
fi
# As git's auto gc would (over 6,700 loose objects): packed objects.
git repack -adq
PC_ID=$(sed -n 1p "$TMP/ids")
"$BIN" comment "$PC_ID" --message "staged for the pre-commit benchmark" >/dev/null
git add "$ROOT/$PC_ID"
# Timed as git runs it: the hook script 'hooks install' writes.
"$BIN" hooks install >/dev/null
precommit_cmd() { run1 precommit.cmd .git/hooks/pre-commit; }
precommit_floor() { run1 precommit.floor "$GEN" gitfloor; }
precommit_git() { run1 precommit.git git diff --cached --name-only; }
precommit_index() { run1 precommit.index "$GEN" indexfloor; }
measure precommit "$FAST_RUNS" cmd floor index git
# check: one commit that changes one ticket, against git's own diff of the
# same range.
git commit -q --no-verify -m "one ticket changed"
check_cmd() { run1 check.cmd "$BIN" check --base HEAD^ --head HEAD; }
check_git() { run1 check.git git diff --name-only HEAD^ HEAD; }
measure check "$FAST_RUNS" cmd git

# ---- per-ticket commands at two sizes (issue 15) ----
# The same commands on a SMALL-ticket store (another repository, same
# generator and seed) and on this one, interleaved run by run. Both sides
# run through env -C DIR, so each pays the same extra exec. Mutations are
# undone untimed, so every round times the same work.
SMALL=${SMALL:-100}
SREPO=$TMP/small
mkdir -p "$SREPO"
(
	cd "$SREPO"
	git init -q .
	git config user.name "bench"
	git config user.email "bench@example.invalid"
	"$BIN" init >/dev/null
	"$GEN" gen "$ROOT" "$SMALL" "$SEED" >"$TMP/ids.small" 2>/dev/null
	"$BIN" list --state all >/dev/null
)
# quiet DIR CMD...: run CMD in DIR, output discarded (untimed steps).
quiet() { d=$1; shift; env -C "$d" "$@" >/dev/null 2>&1; }
# pick DIR STATE: a ticket of DIR's store in STATE.
pick() {
	grep -rl --include=item.md "^state: '$2'" "$1/$ROOT" | head -1 | xargs dirname | xargs basename
}
# queueable DIR: a ready ticket whose queue guard passes (left ready).
queueable() {
	for q in $(grep -rl --include=item.md "^state: 'ready'" "$1/$ROOT" | xargs -n1 dirname | xargs -n1 basename); do
		if env -C "$1" "$BIN" state "$q" queued >/dev/null 2>&1; then
			quiet "$1" "$BIN" state "$q" planning --reason bench
			quiet "$1" "$BIN" state "$q" ready --summary bench
			echo "$q"
			return 0
		fi
	done
	echo "bench: no ready ticket of $1 passes the queue guard" >&2
	exit 1
}
B_SHOW=$(sed -n "$((1 + N / 2))p" "$TMP/ids")
S_SHOW=$(sed -n "$((1 + SMALL / 2))p" "$TMP/ids.small")
B_WORK=$(pick "$REPO" inprogress)
S_WORK=$(pick "$SREPO" inprogress)
B_QUEUE=$(queueable "$REPO")
S_QUEUE=$(queueable "$SREPO")
B_REL=$(env -C "$REPO" "$BIN" create --title "bench relation source" | head -1)
S_REL=$(env -C "$SREPO" "$BIN" create --title "bench relation source" | head -1)
for v in B_SHOW S_SHOW B_WORK S_WORK B_QUEUE S_QUEUE B_REL S_REL; do
	eval "[ -n \"\$$v\" ]" || { echo "bench: no ticket for $v" >&2; exit 1; }
done
# One side of each: NAME_big and NAME_small.
pshow_big() { run1 pshow.cmd env -C "$REPO" "$BIN" show "$B_SHOW"; }
pshow_small() { run1 pshow.small env -C "$SREPO" "$BIN" show "$S_SHOW"; }
pcomment_big() { run1 pcomment.cmd env -C "$REPO" "$BIN" comment "$B_SHOW" --message "bench $1"; }
pcomment_small() { run1 pcomment.small env -C "$SREPO" "$BIN" comment "$S_SHOW" --message "bench $1"; }
# state (unguarded): inprogress -> done, then done -> inprogress (rework).
pstate_big() {
	run1 pstate.cmd env -C "$REPO" "$BIN" state "$B_WORK" done
	run1 pstate.cmd env -C "$REPO" "$BIN" state "$B_WORK" inprogress --reason bench
}
pstate_small() {
	run1 pstate.small env -C "$SREPO" "$BIN" state "$S_WORK" done
	run1 pstate.small env -C "$SREPO" "$BIN" state "$S_WORK" inprogress --reason bench
}
# queue (guarded): ready -> queued; back to ready untimed.
pqueue_big() {
	run1 pqueue.cmd env -C "$REPO" "$BIN" state "$B_QUEUE" queued
	quiet "$REPO" "$BIN" state "$B_QUEUE" planning --reason bench
	quiet "$REPO" "$BIN" state "$B_QUEUE" ready --summary bench
}
pqueue_small() {
	run1 pqueue.small env -C "$SREPO" "$BIN" state "$S_QUEUE" queued
	quiet "$SREPO" "$BIN" state "$S_QUEUE" planning --reason bench
	quiet "$SREPO" "$BIN" state "$S_QUEUE" ready --summary bench
}
# relation add (cycle check from a ticket in the store's graph); removed untimed.
preladd_big() {
	run1 preladd.cmd env -C "$REPO" "$BIN" relation add "$B_REL" --kind depends_on --target "$B_SHOW"
	quiet "$REPO" "$BIN" relation remove "$B_REL" --kind depends_on --target "$B_SHOW"
}
preladd_small() {
	run1 preladd.small env -C "$SREPO" "$BIN" relation add "$S_REL" --kind depends_on --target "$S_SHOW"
	quiet "$SREPO" "$BIN" relation remove "$S_REL" --kind depends_on --target "$S_SHOW"
}
measure pshow "$FAST_RUNS" big small
measure pcomment "$FAST_RUNS" big small
measure pstate "$FAST_RUNS" big small
measure pqueue "$FAST_RUNS" big small
measure preladd "$FAST_RUNS" big small
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- report ----

CPU=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: *//')
REV=$(git -C "$SRC" rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -n "$(git -C "$SRC" status --porcelain -- src include 2>/dev/null)" ] && REV="$REV+dirty"
echo "yoi-tickets benchmark ($REV)"
echo "machine: nproc $(nproc), $CPU, Linux $(uname -r), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
echo "load average: $LOAD0 before, $LOAD1 after"
echo "store: $(cat "$TMP/gen.log")"
echo "       $((SIZE / 1024)) MiB on $(stat -f -c %T "$TMP"); generated in $((t1 - t0)) ms, $COMMITTED"
echo "       $DOCTOR_SUMMARY"
echo "runs: $RUNS (list, doctor), $FAST_RUNS (show, create), $RENDER_RUNS (render), $CAT_RUNS (cat(1)); medians of wall time, interleaved with the baselines"
echo

MISSED=0
# row LABEL NAME BASE TARGET-KIND TARGET-VALUE: one line of a table, the
# median of NAME.cmd beside the median of NAME.BASE.
row() {
	m=$(median "$2.cmd")
	b=$(median "$2.$3")
	line=$(awk -v l="$1" -v m="$m" -v b="$b" -v k="$4" -v t="$5" 'BEGIN {
		r = b > 0 ? m / b : 0
		if (k == "ms") { tgt = "<= " t " ms"; ok = m <= t }
		else if (k == "x") { tgt = "<= " t "x base"; ok = r <= t }
		else { tgt = "-"; ok = -1 }
		v = ok < 0 ? "-" : ok ? "pass" : "MISSED"
		printf "%-18s | %9.2f | %18.2f | %6.2fx | %-12s | %s", l, m, b, r, tgt, v
	}')
	echo "$line"
	case $line in *MISSED) MISSED=$((MISSED + 1)) ;; esac
}
# cpu LABEL NAME BASE: the same with CPU time (user + system).
cpu() {
	awk -v l="$1" -v m="$(median "$2.cmd.cpu")" -v b="$(median "$2.$3.cpu")" 'BEGIN {
		printf "%-18s | %9.2f | %18.2f | %6.2fx\n", l, m, b, (b > 0 ? m / b : 0) }'
}
HEAD="command            | median ms | baseline median ms | ratio   | target       | pass/fail"
RULE="-------------------|-----------|--------------------|---------|--------------|----------"
echo "$HEAD"
echo "$RULE"
row "--version" version base x 2
row "list, empty store" empty base x 2
row "list --state all" list base ms 100
row "show ID" show base - -
row "list --search" search base x 1
row "create" create base ms 10
row "doctor" doctor base x 2
row "route --json" route base ms 150
row "pre-commit" precommit index x 1.3
row "pre-commit vs git" precommit git - -
row "pre-commit vs floor" precommit floor - -
row "check (1 ticket)" check git x 2
row "render --html" render base ms 5000
row "render again" rerender base - -
row "show ID vs read" show base x 3
row "show @$N/@$SMALL" pshow small x 1.2
row "comment @$N/@$SMALL" pcomment small x 1.2
row "state @$N/@$SMALL" pstate small x 1.2
row "queue @$N/@$SMALL" pqueue small x 1.5
row "rel add @$N/@$SMALL" preladd small x 1.5
# create's own work: the command less the libgit2 floor every command pays.
fl=$(median create.floor)
awk -v m="$(median create.cmd)" -v f="$fl" 'BEGIN {
	n = m - f
	printf "%-18s | %9.2f | %18.2f | %6.2fx | %-12s | %s\n", "create - floor", n,
		f, (f > 0 ? n / f : 0), "<= 10 ms", (n <= 10 ? "pass" : "MISSED") }'
echo
echo "libgit2 floor: bench-gen gitfloor: spawn + yoi_git_init (libgit2's set-up"
echo "  without its TLS set-up, as the engine does it) + git_repository_open_ext,"
echo "  $fl ms median: every command that opens the store pays it before any"
echo "  ticket work. 'create - floor' is create's own cost."
echo
echo "baselines (measured in the same invocation, interleaved run by run):"
echo "  --version, list on an empty store: build/bench-noop, a trivial C program"
echo "          (int main(void) { return 0; }, linked as cc links it)"
echo "  list:   bench-gen cat $ROOT item: a C reader, one process: readdir, then"
echo "          open/read/close of every item.md ($N files)"
echo "  doctor: bench-gen cat $ROOT all: the same for every item.md and thread.md"
echo "  route:  the same reader of every item.md (route also reads relations.json"
echo "          and orchestration-plan.jsonl where present: 20% of tickets carry"
echo "          1-3 depends_on edges, 5% plan records)"
echo "  render: the same reader of every item.md and thread.md; render --html DIR"
echo "          parses both, renders every body and event with cmark and writes a"
echo "          page per ticket into a new DIR; 'render again' renders over that"
echo "          DIR, where unchanged pages are compared, not rewritten"
echo "  pre-commit: the pre-commit hook 'hooks install' wrote (sh, then yoi-tickets"
echo "          hook pre-commit) with one ticket staged in the committed, packed"
echo "          store, beside bench-gen indexfloor (start, open the repository,"
echo "          read the index, look up HEAD's tree: what libgit2 must do anyway);"
echo "          'vs git' beside git's own reading of the same index (git diff"
echo "          --cached --name-only), for information; 'vs floor'"
echo "          beside the libgit2 floor (spawn + init + open), for information"
echo "  check:  check --base HEAD^ --head HEAD on one commit changing one ticket,"
echo "          beside git diff --name-only HEAD^ HEAD"
echo "  search: list --state all --search $SEARCH_WORD beside ${SEARCH_FLOOR% >*}"
echo "  show:   cat ID/item.md ID/thread.md of the same ticket (a different one each run)"
echo "  X @$N/@$SMALL: the command on this store beside the same command on a"
echo "          $SMALL-ticket store (same generator and seed), both through env -C;"
echo "          show and comment one ticket, state inprogress <-> done (unguarded),"
echo "          queue ready -> queued (guard), rel add depends_on (cycle check)"
echo "  create: bench-gen write2 DIR: spawn + mkdir DIR, DIR/artifacts, .gitkeep,"
echo "          thread.md O_APPEND+fsync, item.md tmp+fsync+rename, dir fsync"
echo "          (the I/O create does)"
echo
echo "the same beside cat(1): sh -c 'find $ROOT -name item.md [-o -name thread.md]"
echo "-print0 | xargs -0 cat >/dev/null' (cat mmaps and munmaps a buffer per file,"
echo "so it is slower than the C reader; the C reader is the stricter baseline)"
echo "$HEAD"
echo "$RULE"
M=$MISSED # stricter above: a miss here is a miss there, counted once
row "list --state all" list cat - -
row "doctor" doctor cat x 2
MISSED=$M
echo
echo "CPU time (user + system of the process and its children; less sensitive to"
echo "a busy machine than wall time), medians of the same runs:"
echo "command            | cpu ms    | baseline cpu ms    | ratio"
echo "-------------------|-----------|--------------------|--------"
cpu "--version" version base
cpu "list, empty store" empty base
cpu "list --state all" list base
cpu "show ID" show base
cpu "list --search" search base
cpu "create" create base
cpu "doctor" doctor base
cpu "route --json" route base
cpu "pre-commit" precommit index
cpu "check (1 ticket)" check git
cpu "render --html" render base
cpu "render again" rerender base
cpu "show @$N/@$SMALL" pshow small
cpu "comment @$N/@$SMALL" pcomment small
cpu "state @$N/@$SMALL" pstate small
cpu "queue @$N/@$SMALL" pqueue small
cpu "rel add @$N/@$SMALL" preladd small
echo
# ---- scaling (SCALE=1) ----
# srun NAME CMD [ARG...]: one run of CMD with its peak RSS; appends wall
# ns to NAME and KiB to NAME.rss.
srun() {
	out=$1
	shift
	set -- $("$GEN" rss "$@") "$@"
	if [ "$2" != 0 ]; then
		st=$2
		shift 4
		echo "bench: '$*' exited with status $st" >&2
		FAILED=1
		return 0
	fi
	echo "$1" >>"$TMP/t/$out"
	echo "$4" >>"$TMP/t/$out.rss"
}
if [ "$SCALE" = 1 ]; then
	echo "scaling: list --state all, doctor, route --json at $SCALE_SIZES tickets;"
	echo "median wall of $SCALE_RUNS runs, peak RSS the max over them (load average $(cut -d' ' -f1-3 /proc/loadavg) before)"
	# Each command on the empty store: its fixed cost (start-up,
	# repository, config), shown so that the per-ticket time can be read
	# with and without it.
	cd "$EMPTY"
	i=1
	while [ "$i" -le "$SCALE_RUNS" ]; do
		srun scale.list.0 "$BIN" list --state all
		srun scale.doctor.0 "$BIN" doctor
		srun scale.route.0 "$BIN" route --json
		i=$((i + 1))
	done
	cd "$REPO"
	for c in list doctor route; do
		m=$(sort -n "$TMP/t/scale.$c.0" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
		echo "$c $m" >>"$TMP/t/scale.fixed"
	done
	echo "command          | tickets | median ms | us/ticket | peak RSS MiB | KiB/ticket"
	echo "-----------------|---------|-----------|-----------|--------------|-----------"
	for n in $SCALE_SIZES; do
		S=$TMP/scale-$n
		mkdir -p "$S"
		git -C "$S" init -q .
		cd "$S"
		"$BIN" init >/dev/null
		"$GEN" gen "$ROOT" "$n" "$SEED" >/dev/null 2>"$TMP/scale-gen.log"
		# The list cache trusts no file changed within 2 s of its
		# writing (YOI_LISTCACHE_RACY_NS): let the new store age past
		# that, as any store does, before warming the caches.
		sleep 3
		for _ in 1 2; do
			find "$ROOT" -type f -print0 | xargs -0 cat >/dev/null
			"$BIN" list --state all >/dev/null
		done
		i=1
		while [ "$i" -le "$SCALE_RUNS" ]; do
			srun "scale.list.$n" "$BIN" list --state all
			srun "scale.doctor.$n" "$BIN" doctor
			srun "scale.route.$n" "$BIN" route --json
			i=$((i + 1))
		done
		for c in list doctor route; do
			f=$TMP/t/scale.$c.$n
			m=$(sort -n "$f" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
			r=$(sort -n "$f.rss" | tail -1)
			echo "$c $n $m $r" >>"$TMP/t/scale.all"
			awk -v c="$c" -v n="$n" -v m="$m" -v r="$r" 'BEGIN {
				printf "%-16s | %7d | %9.1f | %9.2f | %12.1f | %10.2f\n",
					c, n, m / 1e6, m / 1e3 / n, r / 1024, r / n }'
		done
		cd "$REPO"
		rm -rf "$S"
	done
	echo
	echo "fixed cost (the command on an empty store, median ms):$(awk '{ printf " %s %.2f", $1, $2 / 1e6 }' "$TMP/t/scale.fixed")"
	echo "command          | us/ticket min..max | spread  | target  | net of fixed cost | peak RSS max MiB | target"
	echo "-----------------|--------------------|---------|---------|-------------------|------------------|-------"
	for c in list doctor route; do
		fx=$(awk -v c="$c" '$1 == c { print $2 }' "$TMP/t/scale.fixed")
		line=$(awk -v c="$c" -v fx="$fx" '$1 == c {
			t = $3 / 1e3 / $2
			u = ($3 - fx) / 1e3 / $2
			if (!seen || t < lo) lo = t
			if (!seen || t > hi) hi = t
			if (!seen || u < nlo) nlo = u
			if (!seen || u > nhi) nhi = u
			if ($4 > rss) rss = $4
			seen = 1
		} END {
			sp = lo > 0 ? hi / lo : 0
			ns = nlo > 0 ? nhi / nlo : 0
			printf "%-16s | %8.2f..%-8.2f | %6.2fx | %-7s | %6.2fx spread    | %16.1f | %s",
				c, lo, hi, sp, (sp <= 1.3 ? "pass" : "MISSED"), ns,
				rss / 1024, (rss / 1024 <= 256 ? "pass" : "MISSED")
		}' "$TMP/t/scale.all")
		echo "$line"
		case $line in *MISSED*) MISSED=$((MISSED + 1)) ;; esac
	done
	echo
fi

# Import (issue 19): IMPORT_N beads issues (20% with a blocks dependency,
# bench-import gen) imported by one `import --from beads` into a new store,
# beside creating the same tickets (with the same dependencies) in ONE
# process through the library (bench-import create). Each run starts from
# a new store (made untimed). Target: import <= 3x that create.
fresh_store() {
	rm -rf "$1"
	mkdir -p "$1"
	git -C "$1" init -q .
	(cd "$1" && "$BIN" init >/dev/null)
}
"$IMP" gen "$IMPORT_N" "$TMP/issues.jsonl" "$SEED"
import_cmd() {
	fresh_store "$TMP/imp"
	cd "$TMP/imp"
	run1 import.cmd "$BIN" import --from beads "$TMP/issues.jsonl"
	cd "$REPO"
}
import_base() {
	fresh_store "$TMP/impc"
	run1 import.base "$IMP" create "$TMP/impc" "$IMPORT_N"
}
measure import "$IMPORT_RUNS" cmd base
(cd "$TMP/imp" && "$BIN" doctor >/dev/null 2>&1) || {
	echo "bench: doctor finds errors in the imported store" >&2
	FAILED=1
}
echo "import: $IMPORT_N beads issues, $(grep -c depends_on_id "$TMP/issues.jsonl") with a dependency; $IMPORT_RUNS runs, medians"
echo "$HEAD"
echo "$RULE"
row "import $IMPORT_N" import base x 3
echo "  baseline: bench-import create: the same $IMPORT_N tickets and dependencies"
echo "  created in one process through the library (yoi_ticket_create)"
rm -rf "$TMP/imp" "$TMP/impc"
echo

if [ "$FAILED" != 0 ]; then
	echo "bench: a timed command failed (see above); the numbers are not valid" >&2
	exit 1
fi
if [ "$MISSED" = 0 ]; then
	echo "all targets met"
else
	echo "MISSED: $MISSED target(s) (the rows marked MISSED)"
fi
exit 0
