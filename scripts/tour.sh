#!/bin/sh
# tour.sh - the README's tour, made by running it.
#
#   sh scripts/tour.sh BIN            print every tour block, numbered
#   sh scripts/tour.sh BIN README.md  check: each block after a
#                                     "<!-- tour:N -->" line in README.md
#                                     must be exactly the output (make test)
#
# The clock is pinned (YOI_TICKETS_NOW) and the random bytes are seeded
# (YOI_TICKETS_SEED), so IDs, event ids and times are the same on every
# machine; the temporary directory is shown as /tmp/demo.
set -eu

BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
README=${2:-}
[ -z "$README" ] || README=$(cd "$(dirname "$README")" && pwd)/$(basename "$README")
work=$(mktemp -d "${TMPDIR:-/tmp}/yoi-tour.XXXXXX")
out=$(mktemp -d "${TMPDIR:-/tmp}/yoi-tour-out.XXXXXX")
trap 'rm -rf "$work" "$out"' EXIT
cd "$work"
export YOI_TICKETS_SEED=18 YOI_TICKETS_AUTHOR=ann
export YOI_TICKETS_NOW=2026-11-24T09:00:00Z
unset YOI_TICKETS_ESCAPE COLUMNS 2>/dev/null || true
git init -q .
git config user.name ann
git config user.email ann@example.invalid

yoi_tickets() { "$BIN" "$@"; }
alias yoi-tickets=yoi_tickets 2>/dev/null || true

block=0
# begin: start the next block's file.
begin() {
	block=$((block + 1))
	: >"$out/$block"
}
# run 'SHELL LINE': show it as typed, run it (yoi-tickets is the binary),
# append both to the block; a refusal's status is shown, not fatal.
run() {
	printf '$ %s\n' "$1" >>"$out/$block"
	line=$(printf '%s' "$1" | sed "s#yoi-tickets#\"$BIN\"#g")
	if ! (eval "$line") >>"$out/$block" 2>&1; then
		:
	fi
}
# id N: the Nth ticket's full ID; suffix N: its last four characters.
id() { ls .yoi/tickets | sed -n "${1}p"; }
suffix() { id "$1" | cut -c10-; }

begin
run 'yoi-tickets init'
run 'yoi-tickets create --title "Parse the event log" --risk-flag parser'
run 'yoi-tickets create --title "Render the board" --assignee bob'
A=$(id 1)
B=$(id 2)
S=$(suffix 1)

export YOI_TICKETS_NOW=2026-11-24T09:00:01Z
begin
run "yoi-tickets state $A ready --summary \"Grammar of the thread format, escaping, limits.\""
run "yoi-tickets state $A queued"
run "yoi-tickets state $A inprogress"
run "yoi-tickets comment $A --message \"Parser done; renderer next.\""
run "yoi-tickets state $A done"

begin
run "yoi-tickets state $B done"

begin
run "yoi-tickets list"
run "yoi-tickets list --json --limit 1"

begin
run "yoi-tickets show $S --events 2"

begin
run "yoi-tickets review $S --approve --message \"Looks right.\""
run "yoi-tickets close $S --resolution \"Shipped.\""
run "yoi-tickets doctor"

# The temporary directory reads as /tmp/demo.
for f in "$out"/*; do
	sed -i "s#$work#/tmp/demo#g" "$f"
done

if [ -z "$README" ]; then
	for n in $(seq 1 "$block"); do
		echo "<!-- tour:$n -->"
		echo '```'
		cat "$out/$n"
		echo '```'
	done
	exit 0
fi

# Check: the fenced block after each marker equals the output.
fails=0
for n in $(seq 1 "$block"); do
	awk -v n="$n" '
		$0 == "<!-- tour:" n " -->" { want = 1; next }
		want == 1 && /^```/ { want = 2; next }
		want == 2 && /^```/ { exit }
		want == 2 { print }
	' "$README" >"$out/readme.$n"
	if ! cmp -s "$out/$n" "$out/readme.$n"; then
		echo "tour: block $n of $README differs from the output:" >&2
		diff "$out/readme.$n" "$out/$n" >&2 || true
		fails=$((fails + 1))
	fi
done
if [ "$fails" -gt 0 ]; then
	echo "tour: $fails block(s) out of date; 'sh scripts/tour.sh $1' prints them" >&2
	exit 1
fi
echo "tour: the README's $block tour blocks match the output"
