#!/bin/sh
# mkfixtures-backlog.sh - how tests/fixtures/import/backlog/ was made: a
# small Backlog.md project built with the real tool's own commands (init,
# task create with dependencies, labels, priorities, assignees, a parent,
# acceptance criteria, plan, notes and comments; status edits, a custom
# status, complete, archive, draft). Run by hand, never by the build:
#
#   npm install backlog.md      (in a scratch folder outside the repo)
#   BACKLOG=/scratch/node_modules/.bin/backlog sh scripts/mkfixtures-backlog.sh
#
# It replaces tests/fixtures/import/backlog/ with the backlog/ folder the
# tool wrote (its times are the clock's when run), and writes beside it
# expected-list.txt and expected-ready.txt: what `backlog task list
# --plain` and `backlog task list --ready --plain` printed right after.
set -eu

BACKLOG=${BACKLOG:-backlog}
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/tests/fixtures/import/backlog
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$work"
git init -q
git config user.name "Ann Example"
git config user.email ann@example.org
"$BACKLOG" init "Password reset" --defaults --integration-mode none \
	</dev/null >/dev/null
"$BACKLOG" config set remoteOperations false >/dev/null
# A custom status between In Progress and Done (the tool wants the list
# edited in the file).
sed -i 's/^statuses: .*/statuses: ["To Do", "In Progress", "Review", "Done"]/' \
	backlog/config.yml

bl() { "$BACKLOG" "$@" --plain </dev/null >/dev/null; }

# task-1: the schema, done and then completed (moved to completed/).
bl task create "Design reset-token schema" \
	-d "Token table with expiry and single use." \
	--ac "Migration reviewed" --ac "Expiry documented" \
	-l backend,security --priority high -a @ann
# task-2: the epic-like parent.
bl task create "Password reset" \
	-d "Let users reset a forgotten password by email." \
	-l auth --priority high
# task-2.1: in progress, depends on task-1, a subtask of task-2.
bl task create "Token generation and hashing" -p task-2 --dep task-1 \
	-l security,backend --priority high -a @bob \
	--ac "Tokens are 256-bit random" --ac "Stored hashed with argon2id"
# task-2.2: depends on task-2.1 (not done): blocked.
bl task create "POST /reset-request endpoint" -p task-2 \
	--dep task-2.1 -l backend --priority medium -a @erin \
	-d "Accepts an email, always answers 202."
# task-3: depends on task-2.2 and task-2.1.
bl task create "Frontend: reset request form" --dep task-2.2,task-2.1 \
	-l frontend --priority medium -a @dave,@erin
# task-4: no dependencies, low priority: ready.
bl task create "Remove legacy session cookie" --priority low
# task-5: in the custom status Review, depends on task-1 (done).
bl task create "Mail sender integration" --dep task-1 --priority medium \
	-l backend -a @carol
# task-6: archived (abandoned).
bl task create "Try SMS reset codes" --priority low -l auth
# A draft.
bl task create "Rate-limit reset requests" --draft --priority medium \
	-l security -d "At most 5 requests per hour per address."

bl task edit task-1 --status "In Progress" --plan "1. Draft the table
2. Review with the DBA" --notes "Schema agreed with the DBA."
bl task edit task-1 --check-ac 1 --check-ac 2 --status Done \
	--comment "Migration merged." --comment-author "@ann"
bl task edit task-2.1 --status "In Progress" \
	--comment "Using argon2id; see the design note." --comment-author "@bob"
bl task edit task-2.1 --comment "Benchmarks attached." --comment-author "@ann"
bl task edit task-5 --status Review --append-notes "Waiting for the SMTP account."
"$BACKLOG" task complete task-1 </dev/null >/dev/null
"$BACKLOG" task archive task-6 </dev/null >/dev/null

"$BACKLOG" task list --plain </dev/null >expected-list.txt 2>&1
"$BACKLOG" task list --ready --plain </dev/null >expected-ready.txt 2>&1

rm -rf "$out"
mkdir -p "$out"
cp -R backlog "$out/"
cp expected-list.txt expected-ready.txt "$out/"
rm -rf "$out/backlog/.locks"
find "$out" -type d -empty -exec touch {}/.keep \;
echo "wrote $out"
