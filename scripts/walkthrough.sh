#!/bin/sh
# The main job of `make run`: a narrated walkthrough of a ticket's whole
# lifecycle in a fresh temporary git repository. Every command is printed
# with its output. Usage: scripts/walkthrough.sh path/to/yoi-tickets
set -eu

bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$(mktemp -d "${TMPDIR:-/tmp}/yoi-walkthrough.XXXXXX")
out=$(mktemp "${TMPDIR:-/tmp}/yoi-walkthrough-out.XXXXXX")
trap 'rm -rf "$work" "$out"' EXIT
cd "$work"

say() { printf '\n### %s\n' "$*"; }
run() {
	printf '$ yoi-tickets'
	for _arg in "$@"; do case "$_arg" in *" "*) printf " '%s'" "$_arg" ;; *) printf " %s" "$_arg" ;; esac; done
	printf '\n'
	"$bin" "$@"
}
# capture VAR ARGS...: run, show the output, keep its last line in VAR.
capture() {
	_var=$1
	shift
	run "$@" >"$out"
	cat "$out"
	eval "$_var=\$(tail -n 1 \"\$out\")"
}

git init -q .
git config user.name "Walkthrough"
git config user.email "walkthrough@example.invalid"
echo "walkthrough in $work"

say "Create the store in this repository"
run init

say "A ticket-event hook: every lifecycle event hands it a notice"
mkdir -p .yoi/hooks
cat >.yoi/hooks/ticket-event <<'EOF'
#!/bin/sh
# A stand-in for an agent runner: log each notice's first line.
printf '%s %s -> %s\n' "$YOI_TICKET_ID" "$YOI_TICKET_EVENT" "$YOI_TICKET_STATE" >>notices.log
EOF
chmod +x .yoi/hooks/ticket-event
echo "(.yoi/hooks/ticket-event written)"
# A hook is code: it runs only once this clone's owner trusted it.
run hooks trust

say "Create three tickets (intake)"
export YOI_TICKETS_AUTHOR=intake
capture a create --title "Parse the event log" --risk-flag parser
capture b create --title "Render the board" --assignee coder
capture c create --title "Document the format" --readiness spike_needed

say "Planning -> ready needs an intake summary"
run state "$a" ready || echo "(exit $? - refused as expected: --summary is required)"
run state "$a" ready --summary "Scope agreed: grammar of SPEC 4, escaping, limits."

say "Ready -> queued (the orchestrator queues it)"
YOI_TICKETS_AUTHOR=orchestrator run state "$a" queued
YOI_TICKETS_AUTHOR=orchestrator run plan "$a" --message "Split parser and renderer; fuzz the parser."

say "The coder's brief for it (the first lines)"
run prompt coder "$a" | head -n 16

say "Queued -> inprogress (the coder starts)"
export YOI_TICKETS_AUTHOR=coder
run state "$a" inprogress
run comment "$a" --message "Parser done; renderer next."
run report "$a" --message "Implemented parse/render with 40 unit tests."
run state "$a" done

say "Review: changes requested, rework, approval"
YOI_TICKETS_AUTHOR=reviewer run review "$a" --request-changes --message "Escaping misses indented markers."
run state "$a" inprogress --reason "review: indented markers"
run comment "$a" --message "Indented markers escaped; test added."
run state "$a" done
YOI_TICKETS_AUTHOR=reviewer run review "$a" --approve --message "Looks right."
YOI_TICKETS_AUTHOR=reviewer run decision "$a" --message "Ship it with the next release."

say "An illegal move is refused (exit 4) and names the allowed targets"
run state "$b" done || echo "(exit $?)"

say "Close, with a resolution"
YOI_TICKETS_AUTHOR=orchestrator run close "$a" --resolution "Merged; parser and renderer shipped."

say "List: active tickets, then all"
run list
run list --state all

say "Show the closed ticket"
run show "$a"

say "The orchestrator's loop: a branch and a worktree per ticket"
export YOI_TICKETS_AUTHOR=orchestrator
run relation add "$c" --kind depends_on --target "$b"
run state "$c" ready --summary "Document what the renderer ships." --force --reason "spike done"
run state "$b" ready --summary "Board renderer: HTML, one column per state."
run state "$b" queued
git add -A && git commit -qm "tickets" && echo "(the store committed: start needs a commit to branch from)"
run start "$b" >"$out"
cat "$out"
wt=$work/$(sed -n 's/^worktree: *//p' "$out")
echo "(the coder works in the worktree; commands there use the main worktree's store)"
(
	cd "$wt"
	export YOI_TICKETS_AUTHOR=coder
	run show "$b" | head -n 3
	echo "board" >board.html
	git add board.html && git commit -qm "Render the board" && echo "(committed on the ticket's branch)"
	run report "$b" --message "Board renders one column per state."
	run finish "$b"
)
say "Merge the branch (a squash merge counts as merged), then clean up"
git merge -q --squash "work/$b-render-the-board" >/dev/null 2>&1 && git commit -qm "Render the board (squashed)" && echo "(squash-merged into the main branch)"
run cleanup "$b"
echo "(the notices: $c was waiting on $b and is unblocked now)"
tail -n 3 notices.log

say "Reopen and close again"
run reopen "$a" --reason "A regression was found in CRLF files."
run close "$a" --resolution "CRLF regression fixed."

say "What the hook was told"
cat notices.log

say "Doctor: the store is consistent"
run doctor
echo "(exit $?)"

say "Moving out and back: export, then import into an empty store"
run export -o "$work/export.jsonl"
mkdir "$work/copy"
(cd "$work/copy" && git init -q . && "$bin" init >/dev/null)
run -C "$work/copy" import --from yoi "$work/export.jsonl"
diff -r .yoi/tickets "$work/copy/.yoi/tickets" && echo "(diff -r of the two tickets folders: identical)"

say "The files behind it"
ls -R .yoi | head -20
echo
cat ".yoi/tickets/$a/item.md"
echo
echo "### The last events of its thread.md (append-only)"
tail -n 13 ".yoi/tickets/$a/thread.md"
