#!/bin/sh
# browser-test.sh - `render --html` in a real browser (make browser-test).
#
#   sh scripts/browser-test.sh [BIN]      BIN: the yoi-tickets binary
#                                         (default: $BUILD/yoi-tickets)
#
# Builds a fixture store with the binary in a temporary git repository
# (tickets in every state, a depends_on relation, comments, a ticket whose
# body and comment hold <script> and <img onerror> that would retitle the
# page), renders it, loads the pages in headless Chromium from file:// and
# checks the DOM Chromium built: the six lanes in order with each card
# (ID and title) in its state's lane and its blocker, a ticket page's
# events in order, a relation link to a page that exists, and that the
# hostile markup is shown as text and never ran (a control page proves
# that a script would have changed the title under the same flags).
#
# Needs chromium (Debian: apt-get install -y chromium); without it the
# test fails, it is never skipped. Environment: BUILD (build), CHROMIUM
# (the browser command), KEEP=1 keeps the temporary directory, TMPDIR.
set -eu

BUILD=${BUILD:-build}
BIN=${1:-$BUILD/yoi-tickets}
FAILS=0

die() {
	echo "browser-test: $*" >&2
	exit 2
}

[ -x "$BIN" ] || die "$BIN is missing; run 'make' (or 'make browser-test')"
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

CHROME=${CHROMIUM:-}
if [ -z "$CHROME" ]; then
	for c in chromium chromium-browser google-chrome; do
		if command -v "$c" >/dev/null 2>&1; then
			CHROME=$c
			break
		fi
	done
fi
if [ -z "$CHROME" ] || ! command -v "$CHROME" >/dev/null 2>&1; then
	[ -n "$CHROME" ] && echo "browser-test: CHROMIUM=$CHROME is not a command" >&2
	echo "browser-test: FAILED: chromium is not installed, so the board" >&2
	echo "cannot be checked in a browser. Install it with:" >&2
	echo "    apt-get install -y chromium        (as root; else sudo apt-get ...)" >&2
	echo "or point CHROMIUM at a Chromium or Chrome binary." >&2
	exit 2
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/yoi-browser.XXXXXX")
cleanup() {
	if [ "${KEEP:-0}" = 1 ]; then echo "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# The fixture is reproducible: a pinned author and clock.
export YOI_TICKETS_AUTHOR=ann
unset YOI_TICKETS_NOW || true

fail() {
	echo "browser-test: FAIL: $*" >&2
	FAILS=$((FAILS + 1))
}
pass() { echo "ok - $*"; }

# check DESCRIPTION COMMAND...: one assertion.
check() {
	what=$1
	shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}

yoi() { "$BIN" "$@"; }

# ---- the fixture ----
REPO=$TMP/repo
mkdir -p "$REPO"
cd "$REPO"
git init -q .
git config user.name "browser test"
git config user.email "browser@example.invalid"
yoi init >/dev/null

P=$(yoi create --title "Write the parser" --assignee bob --risk-flag parser)
R=$(yoi create --title "Review the grammar")
Q=$(yoi create --title "Queue the renderer")
I=$(yoi create --title "Implement the lexer")
D=$(yoi create --title "Document the format")
C=$(yoi create --title "Close the spike")
for id in $R $Q $I $D $C; do
	yoi state "$id" ready --summary "scoped" >/dev/null
done
for id in $Q $I $D; do yoi state "$id" queued >/dev/null; done
for id in $I $D; do yoi state "$id" inprogress >/dev/null; done
yoi state "$D" done >/dev/null
yoi close "$C" --resolution "Not needed." >/dev/null
yoi relation add "$P" --kind depends_on --target "$I" --note "lexer first" >/dev/null
yoi comment "$P" --message "First comment: *tokens* before trees." >/dev/null
yoi comment "$P" --message "Second comment." >/dev/null
cat >"$TMP/hostile.md" <<'EOF'
## Background

<script>document.title='pwned'</script>

Inline <img src=x onerror="document.title='pwned'"> too.
EOF
H=$(yoi create --title "Hostile body" --body-file "$TMP/hostile.md")
yoi comment "$H" --message "<script>document.title='pwned'</script>" >/dev/null

yoi render --html "$TMP/site" >"$TMP/render.out" 2>"$TMP/render.err" ||
	{ cat "$TMP/render.err" >&2; die "render failed"; }
[ -s "$TMP/render.err" ] && fail "render printed warnings: $(cat "$TMP/render.err")"
SITE=$TMP/site

# dom FILE OUT: the DOM Chromium built from file://FILE, on one line.
dom() {
	if ! timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu \
		--user-data-dir="$TMP/profile" --dump-dom "file://$1" \
		>"$2.raw" 2>"$TMP/chromium.log"; then
		cat "$TMP/chromium.log" >&2
		die "chromium could not load file://$1"
	fi
	tr '\n' ' ' <"$2.raw" >"$2"
	[ -s "$2" ] || die "chromium returned an empty DOM for file://$1"
}

# has FILE TEXT: the DOM holds TEXT (fixed string).
has() { grep -qF -- "$2" "$1"; }
hasnt() { ! grep -qiF -- "$2" "$1"; }

# section FILE LANE: the lane's section of the board's DOM.
section() {
	awk -v key="id=\"lane-$2\"" '{
		i = index($0, key)
		if (!i) exit 1
		rest = substr($0, i)
		print substr(rest, 1, index(rest, "</section>"))
	}' "$1"
}

# in_order FILE A B...: each string occurs, each after the one before.
in_order() {
	f=$1
	shift
	awk -v list="$*" 'BEGIN { n = split(list, want, "\034") } {
		pos = 0
		for (k = 1; k <= n; k++) {
			i = index(substr($0, pos + 1), want[k])
			if (!i) exit 1
			pos += i
		}
		exit 0
	}' "$f"
}
joined() {
	out=
	for s; do out="$out${out:+$(printf '\034')}$s"; done
	echo "$out"
}

# ---- a control: under these flags a script would run ----
printf '<!DOCTYPE html><title>before</title><script>document.title="ran"</script>\n' >"$TMP/control.html"
dom "$TMP/control.html" "$TMP/control.dom"
has "$TMP/control.dom" "<title>ran</title>" ||
	die "control page: chromium did not run its script; the title check would prove nothing"

# ---- the board ----
dom "$SITE/index.html" "$TMP/index.dom"
check "the board carries the render's marker" has "$SITE/index.html" "<!-- yoi-tickets render: generated board -->"
check "the six lanes, in order" in_order "$TMP/index.dom" "$(joined \
	'id="lane-planning"' 'id="lane-ready"' 'id="lane-queued"' \
	'id="lane-inprogress"' 'id="lane-done"' 'id="lane-closed"')"
for lane in planning ready queued inprogress done closed; do
	section "$TMP/index.dom" $lane >"$TMP/lane-$lane" || fail "no lane $lane"
done
# card LANE ID TITLE: the card is in that lane, nowhere else.
card() {
	check "$2 ($3) is a card in $1" has "$TMP/lane-$1" "id=\"card-$2\""
	check "$2's card shows its title" has "$TMP/lane-$1" "$3"
	check "$2's card links its page" has "$TMP/lane-$1" "href=\"t/$2.html\""
	for other in planning ready queued inprogress done closed; do
		[ "$other" = "$1" ] && continue
		if has "$TMP/lane-$other" "id=\"card-$2\""; then
			fail "$2 is also in lane $other"
		fi
	done
}
card planning "$P" "Write the parser"
card planning "$H" "Hostile body"
card ready "$R" "Review the grammar"
card queued "$Q" "Queue the renderer"
card inprogress "$I" "Implement the lexer"
card done "$D" "Document the format"
card closed "$C" "Close the spike"
check "the parser's card shows its assignee" has "$TMP/lane-planning" '<span class="assignee">bob</span>'
check "the parser's card shows its risk flag" has "$TMP/lane-planning" '<li class="flag">parser</li>'
check "the parser's card names its blocker and the blocker's state" \
	in_order "$TMP/lane-planning" "$(joined "id=\"card-$P\"" "blocked by" \
	"href=\"t/$I.html\"" 'class="state state-inprogress"')"

# ---- a ticket's page ----
dom "$SITE/t/$P.html" "$TMP/p.dom"
check "the page's title" has "$TMP/p.dom" "<h1>Write the parser</h1>"
check "the events, in thread order" in_order "$TMP/p.dom" "$(joined \
	'id="event-1" data-kind="create"' 'id="event-2" data-kind="relation"' \
	'id="event-3" data-kind="comment"' 'First comment: <em>tokens</em> before trees.' \
	'id="event-4" data-kind="comment"' 'Second comment.')"
check "an event shows its author and time" has "$TMP/p.dom" '<span class="author">ann</span>'
check "the relation links the other ticket's page" in_order "$TMP/p.dom" "$(joined \
	'<ul class="outgoing">' 'depends_on' "href=\"$I.html\"")"
check "the linked page exists" test -f "$SITE/t/$I.html"
dom "$SITE/t/$I.html" "$TMP/i.dom"
check "the other page links back (incoming)" in_order "$TMP/i.dom" "$(joined \
	'<ul class="incoming">' 'required by' "href=\"$P.html\"")"

# ---- hostile text ----
dom "$SITE/t/$H.html" "$TMP/h.dom"
check "no script element in the hostile page" hasnt "$TMP/h.dom" "<script"
check "no img element in the hostile page" hasnt "$TMP/h.dom" "<img"
check "the body's script is shown as text" has "$TMP/h.dom" \
	"&lt;script&gt;document.title='pwned'&lt;/script&gt;"
check "the img is shown as text" has "$TMP/h.dom" \
	"&lt;img src=x onerror=\"document.title='pwned'\"&gt;"
check "the comment's script is shown as text" in_order "$TMP/h.dom" "$(joined \
	'data-kind="comment"' "&lt;script&gt;document.title='pwned'&lt;/script&gt;")"
check "the page's title was not changed" has "$TMP/h.dom" "<title>$H Hostile body</title>"
check "nothing set the title to pwned" hasnt "$TMP/h.dom" "<title>pwned"
check "no script element on the board" hasnt "$TMP/index.dom" "<script"
check "the board's title was not changed" hasnt "$TMP/index.dom" "<title>pwned"

if [ "$FAILS" != 0 ]; then
	echo "browser-test: $FAILS check(s) FAILED (KEEP=1 keeps $TMP to look at)" >&2
	exit 1
fi
echo "browser-test: all checks passed ($("$CHROME" --version 2>/dev/null | head -1))"
