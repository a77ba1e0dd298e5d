/* doctor.c - store-wide checks and safe repairs (SPEC 13). */
#include "yoi/doctor.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store_int.h"
#include "yoi/claimflow.h"
#include "yoi/file.h"
#include "yoi/graph.h"
#include "yoi/history.h"
#include "yoi/hooktrust.h"
#include "yoi/id.h"
#include "yoi/item.h"
#include "yoi/par.h"
#include "yoi/plan.h"
#include "yoi/relations.h"
#include "yoi/revcache.h"
#include "yoi/thread.h"
#include "yoi/work.h"

#define ERR  YOI_DIAG_ERROR
#define WARN YOI_DIAG_WARNING

static bool is(const char *a, const char *b)
{
	return a && strcmp(a, b) == 0;
}

/*
 * A yoi_error message reads "path:line: what". A diagnostic carries the
 * path (printed relative to the top) and the line itself, so its message
 * keeps only "what" and never repeats the absolute path.
 */
static const char *bare_msg(const char *msg, const char *path)
{
	size_t n = path ? strlen(path) : 0;
	if (!n || strncmp(msg, path, n) != 0 || msg[n] != ':')
		return msg;
	const char *p = msg + n + 1, *q = p;
	while (*q >= '0' && *q <= '9')
		q++;
	if (q > p && *q == ':')
		p = q + 1;
	while (*p == ' ')
		p++;
	return *p ? p : msg;
}

/* History checks over the parsed thread. */
static void check_history(const yoi_ticket_files *f, const yoi_thread *th,
			  const yoi_state_table *tab, yoi_diag *d)
{
	const char *tp = f->thread_path;
	if (th->n == 0)
		yoi_diag_add(d, ERR, "thread-empty", tp, 0,
			     "thread.md has no events: the history (the "
			     "source of truth) is lost; restore it from git");
	if (th->n && th->ev[0].kind && !is(th->ev[0].kind, "create") &&
	    !is(th->ev[0].kind, "migration"))
		yoi_diag_add(
		    d, WARN, "thread-first-event", tp, th->ev[0].line,
		    "the first event is '%s', not create or migration; "
		    "the ticket's origin is not recorded",
		    th->ev[0].kind);
	/* Two creations: two tickets that chose one ID, merged into one
	 * thread (SPEC 2, 10). */
	for (size_t i = 0, first = 0, n = 0; i < th->n; i++) {
		if (!is(th->ev[i].kind, "create"))
			continue;
		if (n++ == 0)
			first = i;
		else
			yoi_diag_add(
			    d, ERR, "id-collision", tp, th->ev[i].line,
			    "a second create event (the first is at line %d): "
			    "two different tickets were merged under one ID; "
			    "take the later one's events out into a new "
			    "ticket (docs/format.md, section 2)",
			    th->ev[first].line);
	}
	/* A broken transition chain: two histories merged into one. */
	yoi_chain_break br[16];
	bool gap = false;
	size_t nbr = yoi_history_chain(th, br, 16, &gap);
	for (size_t i = 0; gap && i < th->n; i++)
		if (is(th->ev[i].kind, "state_changed")) {
			yoi_diag_add(
			    d, WARN, "state-initial-inherited", tp,
			    th->ev[i].line,
			    "the first recorded transition starts from %s: "
			    "the state before it is inherited (an earlier "
			    "tool created or moved the ticket without "
			    "logging a transition); the replay starts there",
			    yoi_event_attr(&th->ev[i], "from"));
			break;
		}
	for (size_t k = 0; k < nbr && k < 16; k++)
		if (!br[k].settled)
			yoi_diag_add(
			    d, ERR, "thread-transition-chain", tp,
			    th->ev[br[k].at].line,
			    "this transition starts from %s, but the thread "
			    "had reached %s (line %d): two histories were "
			    "merged into one; record the state the ticket is "
			    "really in with 'yoi-tickets state ID STATE "
			    "--force --reason TEXT'",
			    br[k].from, br[k].reached,
			    th->ev[br[k].setter].line);
	int64_t prev = 0;
	bool have_prev = false;
	for (size_t i = 0; i < th->n; i++) {
		const yoi_event *e = &th->ev[i];
		if (!e->kind)
			continue;
		int64_t t;
		if (e->at && yoi_time_parse(e->at, &t) < 0) {
			yoi_diag_add(
			    d, ERR, "thread-bad-timestamp", tp, e->line,
			    "at: '%s' is not an RFC 3339 UTC time like "
			    "2026-06-18T14:33:09Z",
			    e->at);
		} else if (e->at) {
			if (have_prev && t < prev)
				yoi_diag_add(d, WARN, "thread-time-backwards",
					     tp, e->line,
					     "this event's time %s is earlier "
					     "than the event before it",
					     e->at);
			prev = t;
			have_prev = true;
		}
		if (is(e->kind, "state_changed")) {
			static const char *const need[] = {"from", "to",
							   "reason"};
			for (size_t k = 0; k < 3; k++)
				if (!yoi_event_attr(e, need[k]))
					yoi_diag_add(
					    d, ERR,
					    "thread-incomplete-transition", tp,
					    e->line,
					    "state_changed without '%s'; "
					    "every transition records from, "
					    "to, reason and author",
					    need[k]);
			yoi_state from =
			    yoi_state_parse(yoi_event_attr(e, "from"));
			yoi_state to = yoi_state_parse(yoi_event_attr(e, "to"));
			if (yoi_event_attr(e, "to") && to == YOI_ST_INVALID)
				yoi_diag_add(d, ERR,
					     "thread-incomplete-transition", tp,
					     e->line,
					     "state_changed to unknown state "
					     "'%s'",
					     yoi_event_attr(e, "to"));
			else if (from != YOI_ST_INVALID &&
				 to != YOI_ST_INVALID &&
				 !is(yoi_event_attr(e, "forced"), "true") &&
				 !yoi_state_find(tab, from, to))
				yoi_diag_add(
				    d, WARN, "thread-illegal-transition", tp,
				    e->line,
				    "%s -> %s is not in the transition "
				    "table (inherited history is read "
				    "leniently)",
				    yoi_state_name(from), yoi_state_name(to));
		} else if (is(e->kind, "review")) {
			const char *s = yoi_event_attr(e, "status");
			if (!is(s, "approve") && !is(s, "request_changes"))
				yoi_diag_add(d, WARN,
					     "thread-bad-review-status", tp,
					     e->line,
					     "review status is '%s'; use "
					     "approve or request_changes",
					     s ? s : "(missing)");
		} else if (is(e->kind, "intake_summary") && !*e->body) {
			yoi_diag_add(d, ERR, "thread-empty-summary", tp,
				     e->line,
				     "intake_summary has an empty body; the "
				     "summary is what made the ticket ready");
		}
	}
}

/*
 * A thread that ends in a torn tail (yoi_thread_torn_tail): bytes after
 * its last complete block that are no complete block. Writers and --fix
 * move them to a recovery file; the checks below read the complete part.
 */
static void report_torn(const yoi_ticket_files *f, size_t keep, yoi_diag *d)
{
	int line = 1;
	for (size_t i = 0; i < keep; i++)
		line += f->thread[i] == '\n';
	if (keep == 0)
		yoi_diag_add(d, ERR, "thread-no-complete-event", f->thread_path,
			     1,
			     "thread.md holds no complete event block (no "
			     "'---' line closes one); restore it from git");
	else
		yoi_diag_add(d, ERR, "thread-torn-tail", f->thread_path, line,
			     "the last %zu bytes, from this line on, are an "
			     "event block cut short (a write was "
			     "interrupted); the next change or 'doctor --fix' "
			     "moves them to artifacts/recovered-thread-*.md "
			     "and ends the thread at its last complete event",
			     f->thread_len - keep);
}

/* Where a state stands in the forward order planning .. closed. */
static int rank(const char *s)
{
	return (int)yoi_state_parse(s);
}

/*
 * The replay item.md must match. A thread that records no state leaves
 * item.md's state standing (inherited), unless that is no state at all:
 * then a thread that starts with create says planning.
 */
static const char *replay_for(const yoi_thread *th, const char *item_state)
{
	const char *r = yoi_ticket_replay(th);
	if (!r && yoi_state_parse(item_state) == YOI_ST_INVALID && th &&
	    th->n && is(th->ev[0].kind, "create"))
		r = "planning";
	return r;
}

bool yoi_doctor_drift_follows(const yoi_thread *th, const char *item_state,
			      const char *replay)
{
	if (yoi_state_parse(replay) == YOI_ST_INVALID)
		return false;
	if (yoi_state_parse(item_state) == YOI_ST_INVALID)
		return true;
	/* The thread records the ticket leaving item.md's state. */
	for (size_t i = 0; th && i < th->n; i++)
		if (is(th->ev[i].kind, "state_changed") &&
		    is(yoi_event_attr(&th->ev[i], "from"), item_state))
			return true;
	return !is(item_state, "closed") && rank(item_state) < rank(replay);
}

/*
 * The checks of yoi_doctor_check_ticket; *state gets item.md's state.
 * parsed: f->thread as the caller parsed it (with d), or NULL to parse it
 * here; parse_failed: the caller's parse ran out of memory.
 */
static void check_ticket(const yoi_ticket_files *f, const yoi_thread *parsed,
			 bool parse_failed, const yoi_state_table *tab,
			 yoi_diag *d, yoi_state *state_out)
{
	yoi_item *it = NULL;
	yoi_thread *own = NULL;
	const yoi_thread *th = parsed;
	if (!f->item) {
		yoi_diag_add(d, ERR, "layout-missing-item", f->item_path, 0,
			     "item.md is missing; restore it from git or "
			     "remove the ticket directory ('doctor --fix' "
			     "removes it when it holds nothing but the create "
			     "event: an interrupted create)");
	} else {
		yoi_error e = {0};
		if (yoi_item_parse(&it, f->item, f->item_len, f->item_path,
				   &e) < 0)
			yoi_diag_add(d, ERR, "item-parse", f->item_path, e.line,
				     "%s", bare_msg(e.msg, f->item_path));
		else
			yoi_item_check(it, f->item_path, d);
	}
	if (it)
		*state_out = yoi_state_parse(yoi_item_get(it, "state"));
	size_t keep = f->thread_len;
	if (f->thread && yoi_thread_torn_tail(f->thread, f->thread_len, &keep))
		report_torn(f, keep, d);
	if (!f->thread) {
		yoi_diag_add(d, ERR, "layout-missing-thread", f->thread_path, 0,
			     "thread.md is missing; restore it from git, or "
			     "'doctor --fix' starts a new one from item.md "
			     "with a migration event");
	} else if (parse_failed ||
		   (!th && yoi_thread_parse(&own, f->thread, f->thread_len,
					    f->thread_path, d) < 0)) {
		yoi_diag_add(d, ERR, "thread-parse", f->thread_path, 0,
			     "cannot parse thread.md (out of memory)");
	} else {
		th = th ? th : own;
		check_history(f, th, tab, d);
	}
	if (it && th) {
		const char *state = yoi_item_get(it, "state");
		const char *replay = replay_for(th, state);
		const yoi_field *sf = yoi_item_field(it, "state");
		if (replay && state && strcmp(replay, state) != 0 &&
		    (yoi_doctor_drift_follows(th, state, replay) ||
		     yoi_state_parse(replay) == YOI_ST_INVALID))
			yoi_diag_add(d, ERR, "state-drift", f->item_path,
				     sf ? sf->line : 0,
				     "item.md says state '%s' but thread.md "
				     "replays to '%s'; run 'yoi-tickets doctor "
				     "--fix' to make item.md follow the thread",
				     state, replay);
		else if (replay && state && strcmp(replay, state) != 0)
			yoi_diag_add(
			    d, ERR, "state-drift-unrecorded", f->item_path,
			    sf ? sf->line : 0,
			    "item.md says state '%s' but thread.md replays to "
			    "'%s' and records no move from '%s'; doctor --fix "
			    "never moves a ticket backwards or out of closed: "
			    "record the state it is in with %s",
			    state, replay, state,
			    is(state, "closed")
				? "'yoi-tickets close ID --resolution TEXT'"
				: "'yoi-tickets state ID STATE --force "
				  "--reason TEXT'");
		if (state && !replay &&
		    yoi_state_parse(state) != YOI_ST_INVALID &&
		    !is(state, "planning"))
			yoi_diag_add(d, WARN, "state-inherited", f->item_path,
				     sf ? sf->line : 0,
				     "thread.md records no transition: state "
				     "'%s' is inherited from item.md (a ticket "
				     "an earlier tool created in that state); "
				     "the next transition starts from it",
				     state);
		if (is(state, "closed") && !f->has_resolution)
			yoi_diag_add(d, WARN, "closed-without-resolution",
				     f->item_path, sf ? sf->line : 0,
				     "the ticket is closed but has no "
				     "resolution.md; write one");
		/* updated_at must not be older than the last event. */
		const char *ua = yoi_item_get(it, "updated_at");
		int64_t u, last = 0;
		bool have = false;
		for (size_t i = 0; i < th->n; i++) {
			int64_t t;
			if (th->ev[i].at &&
			    yoi_time_parse(th->ev[i].at, &t) == 0 &&
			    (!have || t > last))
				last = t, have = true;
		}
		if (ua && have && yoi_time_parse(ua, &u) == 0 && u < last) {
			const yoi_field *uf = yoi_item_field(it, "updated_at");
			yoi_diag_add(d, WARN, "item-stale-updated-at",
				     f->item_path, uf ? uf->line : 0,
				     "updated_at %s is older than the last "
				     "event; 'doctor --fix' moves it up",
				     ua);
		}
	}
	yoi_item_free(it);
	yoi_thread_free(own);
}

void yoi_doctor_check_ticket(const yoi_ticket_files *f,
			     const yoi_state_table *tab, yoi_diag *d)
{
	yoi_state state = YOI_ST_INVALID;
	check_ticket(f, NULL, false, tab, d, &state);
}

void yoi_doctor_check_parsed(const yoi_ticket_files *f, const yoi_thread *th,
			     const yoi_state_table *tab, yoi_diag *d)
{
	yoi_state state = YOI_ST_INVALID;
	check_ticket(f, th, f->thread && !th, tab, d, &state);
}

bool yoi_doctor_fixable(const char *code)
{
	return is(code, "state-drift") || is(code, "item-stale-updated-at") ||
	       is(code, "layout-missing-artifacts") ||
	       is(code, "thread-torn-tail") || is(code, "layout-orphan") ||
	       is(code, "layout-missing-thread") ||
	       is(code, "layout-missing-item");
}

/* The two artifacts with a schema (SPEC 6, 7). */
#define REL_FILE  "relations.json"
#define PLAN_FILE "orchestration-plan.jsonl"

/* check_artifacts tells which of them are there, as regular files. */
enum { HAS_RELATIONS = 1u << 0, HAS_PLAN = 1u << 1 };

/* HAS_RELATIONS or HAS_PLAN for a file name in artifacts/, else 0. */
static unsigned schema_file(const char *name)
{
	return is(name, REL_FILE)    ? HAS_RELATIONS
	       : is(name, PLAN_FILE) ? HAS_PLAN
				     : 0;
}

/*
 * Any symlink under artifacts/ (or artifacts/ itself) could escape it.
 * The same listing says whether the schema files exist, so a ticket
 * without them (the common case) costs no open(2) for them at all. The
 * listing's entry types say what each entry is (an lstat only where the
 * file system does not tell); fd is the directory dir, opened without
 * following a link, and is closed here.
 */
static void check_artifacts(int fd, const char *dir, int depth, yoi_diag *d,
			    unsigned *found)
{
	DIR *dp = fdopendir(fd);
	if (!dp) {
		close(fd);
		return;
	}
	struct dirent *de;
	while ((de = readdir(dp))) {
		const char *name = de->d_name;
		if (is(name, ".") || is(name, ".."))
			continue;
		unsigned type = de->d_type;
		struct stat sb;
		if (type == DT_UNKNOWN) {
			if (fstatat(dirfd(dp), name, &sb, AT_SYMLINK_NOFOLLOW) <
			    0)
				continue; /* vanished while we looked */
			type = IFTODT(sb.st_mode);
		}
		unsigned bit = depth ? 0 : schema_file(name);
		bool sub = type == DT_DIR && depth < 16;
		if (type != DT_LNK && !sub && (!bit || type == DT_REG)) {
			*found |= bit;
			continue;
		}
		char *p = yoi_path_join(dir, name);
		if (!p)
			continue;
		if (type == DT_LNK) {
			yoi_diag_add(d, ERR, "artifact-symlink", p, 0,
				     "symbolic link in artifacts/ may point "
				     "outside the ticket; replace it with the "
				     "file");
		} else {
			/* Never open a FIFO: it could hang. */
			if (bit)
				yoi_diag_add(d, ERR, "file-not-regular", p, 0,
					     "%s is not a regular file; "
					     "replace it with the file",
					     name);
			int sfd = sub ? openat(dirfd(dp), name,
					       O_RDONLY | O_DIRECTORY |
						   O_NOFOLLOW | O_CLOEXEC)
				      : -1;
			if (sfd >= 0)
				check_artifacts(sfd, p, depth + 1, d, found);
		}
		free(p);
	}
	closedir(dp);
}

/*
 * Read a ticket file for doctor: name relative to the ticket directory
 * dfd (the full path when dfd is AT_FDCWD), path the full path findings
 * name. Symlinks and oversize files are findings; YOI_ENOTFOUND (no such
 * entry) is not, and is returned as such.
 */
static int read_for_check(int dfd, const char *name, const char *path,
			  yoi_buf *b, yoi_diag *d)
{
	yoi_error e = {0};
	const char *at = dfd == AT_FDCWD ? path : name;
	int rc = yoi_file_read_at(dfd, at, YOI_FILE_MAX, b, &e);
	if (rc < 0 && rc != YOI_ENOTFOUND)
		yoi_diag_add(d, ERR,
			     rc == YOI_EREFUSED ? "file-not-regular"
						: "file-unreadable",
			     path, 0, "%s", bare_msg(e.msg, at));
	return rc;
}

/* One outgoing edge of a ticket, kept for the store-wide pass. */
typedef struct doctor_edge {
	char target[YOI_ID_LEN + 1];
	const char *kind; /* static: yoi_rel_kind_name / yoi_plan_kind_name */
	int line;
	bool plan; /* from orchestration-plan.jsonl, else relations.json */
} doctor_edge;

/* What the store-wide pass needs of ticket i; only its worker writes it. */
typedef struct doctor_ticket {
	yoi_state state; /* item.md's; YOI_ST_INVALID when unknown */
	bool has_plan;	 /* artifacts/ holds orchestration-plan.jsonl */
	/* For the links cache check: the stat of artifacts/ and of its two
	 * links files taken before reading them (ino 0: none), whether one
	 * was unreadable or had bad records, and whether any of that is
	 * unsure (then the ticket is left out of the check). */
	yoi_row_key akey, rkey, pkey;
	bool links_bad;
	bool unsure;
	unsigned worker;
	size_t first; /* its edges: w[worker].edges[first .. first + n) */
	size_t n;
} doctor_ticket;

/* One worker's own output, read buffers and edges. */
typedef struct doctor_worker {
	yoi_diag d;
	yoi_buf item;
	yoi_buf thread;
	yoi_buf links;
	doctor_edge *edges;
	size_t nedges;
	size_t cap;
	bool nomem; /* an edge was lost: the store-wide pass cannot run */
} doctor_worker;

static void push_edge(doctor_worker *w, const char *target, const char *kind,
		      int line, bool plan)
{
	if (w->nedges == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 64;
		doctor_edge *v = realloc(w->edges, cap * sizeof(*v));
		if (!v) {
			w->nomem = true;
			return;
		}
		w->edges = v;
		w->cap = cap;
	}
	doctor_edge *e = &w->edges[w->nedges++];
	size_t n = strnlen(target, YOI_ID_LEN);
	memcpy(e->target, target, n);
	e->target[n] = '\0';
	e->kind = kind;
	e->line = line;
	e->plan = plan;
}

/*
 * relations.json or orchestration-plan.jsonl of ticket id (in artifacts
 * directory ap). The parsers report schema, self and duplicate findings
 * and drop those records; the kept records' targets become edges for the
 * store-wide pass (dangling targets, cycles).
 */
static void check_links(const char *id, const char *ap, bool plan,
			doctor_worker *w, doctor_ticket *tk)
{
	char *p = yoi_path_join(ap, plan ? PLAN_FILE : REL_FILE);
	if (!p) {
		w->nomem = true;
		return;
	}
	struct stat sb;
	if (lstat(p, &sb) == 0)
		*(plan ? &tk->pkey : &tk->rkey) = yoi_row_key_of(&sb);
	else
		tk->unsure = true;
	yoi_error e = {0};
	int rc = yoi_file_read(p, plan ? YOI_PLAN_FILE_MAX : YOI_REL_FILE_MAX,
			       &w->links, &e);
	if (rc == YOI_ECORRUPT)
		yoi_diag_add(&w->d, ERR, plan ? "plan-limit" : "relation-limit",
			     p, 0, "%s", bare_msg(e.msg, p));
	else if (rc == YOI_EREFUSED || rc == YOI_EIO)
		yoi_diag_add(&w->d, ERR,
			     rc == YOI_EREFUSED ? "file-not-regular"
						: "file-unreadable",
			     p, 0, "%s", bare_msg(e.msg, p));
	if (rc == 0 && plan) {
		yoi_plan *pl = NULL;
		rc = yoi_plan_parse(&pl, w->links.ptr, w->links.len, id, p,
				    &w->d, &e);
		for (size_t k = 0; pl && k < pl->n; k++)
			if (pl->v[k].related_ticket[0])
				push_edge(w, pl->v[k].related_ticket,
					  yoi_plan_kind_name(pl->v[k].kind),
					  pl->v[k].line, true);
		tk->links_bad |= rc < 0 || (pl && pl->nerrors);
		yoi_plan_free(pl);
	} else if (rc == 0) {
		yoi_relations *r = NULL;
		rc = yoi_relations_parse(&r, w->links.ptr, w->links.len, id, p,
					 &w->d, &e);
		for (size_t k = 0; r && k < r->n; k++)
			push_edge(w, r->v[k].target,
				  yoi_rel_kind_name(r->v[k].kind), r->v[k].line,
				  false);
		tk->links_bad |= rc < 0 || (r && r->nerrors);
		yoi_relations_free(r);
	} else {
		tk->links_bad = true;
	}
	if (rc == YOI_ENOMEM)
		w->nomem = true;
	free(p);
}

/* An engine temp file (".item.md.tmp.XXXXXX"): an interrupted rewrite. */
static bool temp_name(const char *name)
{
	return name[0] == '.' && strstr(name, ".tmp.") != NULL;
}

/*
 * Walk what an interrupted create can leave in dir (which has no item.md)
 * and, when remove is set, remove it: artifacts/ empty or with only its
 * .gitkeep, temp files, and a thread.md holding at most the create event
 * (whole or torn). Anything else and the directory is not an orphan: it
 * holds something of value. Returns whether it is one (and, with remove,
 * whether it was removed).
 */
static bool orphan_walk(const char *dir, bool remove)
{
	DIR *dp = opendir(dir);
	if (!dp)
		return false;
	bool ok = true;
	yoi_strv files = {0};
	char *arts = yoi_path_join(dir, "artifacts");
	bool has_arts = false;
	struct dirent *de;
	while (ok && (de = readdir(dp))) {
		const char *n = de->d_name;
		if (is(n, ".") || is(n, ".."))
			continue;
		char *p = yoi_path_join(dir, n);
		struct stat sb;
		ok = p && lstat(p, &sb) == 0;
		if (ok && is(n, "artifacts") && S_ISDIR(sb.st_mode)) {
			has_arts = true;
			DIR *ap = opendir(p);
			struct dirent *ae;
			ok = ap != NULL;
			while (ok && (ae = readdir(ap))) {
				if (is(ae->d_name, ".") || is(ae->d_name, ".."))
					continue;
				char *k = yoi_path_join(p, ae->d_name);
				ok = k && is(ae->d_name, ".gitkeep") &&
				     lstat(k, &sb) == 0 &&
				     S_ISREG(sb.st_mode) && sb.st_size == 0 &&
				     yoi_strv_push(&files, k) == 0;
				free(k);
			}
			if (ap)
				closedir(ap);
		} else if (ok && is(n, "thread.md") && S_ISREG(sb.st_mode)) {
			yoi_buf b = YOI_BUF_INIT;
			yoi_error e = {0};
			yoi_thread *th = NULL;
			ok = yoi_file_read(p, 4 * YOI_THREAD_BODY_MAX, &b,
					   &e) == 0 &&
			     yoi_thread_parse(&th, b.ptr, b.len, NULL, NULL) ==
				 0 &&
			     (th->n == 0 ||
			      (th->n == 1 && (!th->ev[0].kind ||
					      is(th->ev[0].kind, "create")))) &&
			     yoi_strv_push(&files, p) == 0;
			yoi_thread_free(th);
			yoi_buf_free(&b);
		} else {
			ok = ok && temp_name(n) && S_ISREG(sb.st_mode) &&
			     yoi_strv_push(&files, p) == 0;
		}
		free(p);
	}
	closedir(dp);
	if (ok && remove) {
		for (size_t i = 0; ok && i < files.n; i++)
			ok = unlink(files.v[i]) == 0;
		if (ok && has_arts)
			ok = rmdir(arts) == 0;
		ok = ok && rmdir(dir) == 0;
	}
	yoi_strv_free(&files);
	free(arts);
	return ok;
}

static bool orphan_shape(const char *dir)
{
	return orphan_walk(dir, false);
}

/*
 * One ticket directory. Its files are read relative to the directory,
 * held open (short lookups; no stat of a file before reading it: a
 * missing file is the read's ENOENT), and its full paths are only for
 * the findings.
 */
static void check_one(const yoi_store *st, const char *name, doctor_worker *w,
		      doctor_ticket *tk)
{
	yoi_diag *d = &w->d;
	char *dir = yoi_path_join(st->root, name);
	char *ip = dir ? yoi_path_join(dir, "item.md") : NULL;
	char *tp = dir ? yoi_path_join(dir, "thread.md") : NULL;
	char *ap = dir ? yoi_path_join(dir, "artifacts") : NULL;
	char *rp = dir ? yoi_path_join(dir, "resolution.md") : NULL;
	tk->state = YOI_ST_INVALID;
	tk->first = w->nedges;
	tk->unsure = true; /* until artifacts/ was looked at */
	int dfd = -1;
	if (!rp) {
		w->nomem = true;
		goto out;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int at = dfd >= 0 ? dfd : AT_FDCWD;
	int irc = read_for_check(at, "item.md", ip, &w->item, d);
	int trc = read_for_check(at, "thread.md", tp, &w->thread, d);
	bool has_item = irc == 0, has_thread = trc == 0;
	bool missing_item = irc == YOI_ENOTFOUND;
	bool missing_thread = trc == YOI_ENOTFOUND;
	if (missing_item && missing_thread && orphan_shape(dir)) {
		yoi_diag_add(d, ERR, "layout-orphan", dir, 0,
			     "a ticket directory left by an interrupted "
			     "create: no item.md, no thread.md, nothing of "
			     "value; 'doctor --fix' removes it");
		goto out;
	}
	unsigned found = 0;
	int afd = openat(at, at == AT_FDCWD ? ap : "artifacts",
			 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat asb;
	tk->unsure = afd >= 0 ? fstat(afd, &asb) != 0 : errno != ENOENT;
	if (afd >= 0 && !tk->unsure)
		tk->akey = yoi_row_key_of(&asb);
	if (afd >= 0)
		check_artifacts(afd, ap, 0, d, &found);
	else if (errno == ELOOP || errno == ENOTDIR)
		yoi_diag_add(d, ERR, "artifact-symlink", ap, 0,
			     "artifacts is not a directory (a symlink or a "
			     "file); replace it with a directory");
	else if (errno == ENOENT)
		yoi_diag_add(d, WARN, "layout-missing-artifacts", ap, 0,
			     "the artifacts/ directory is missing; 'doctor "
			     "--fix' creates it");
	struct stat sb;
	yoi_ticket_files f = {
	    .id = name,
	    .item = has_item ? w->item.ptr : NULL,
	    .item_len = w->item.len,
	    .thread = has_thread ? w->thread.ptr : NULL,
	    .thread_len = w->thread.len,
	    .has_resolution = fstatat(at, at == AT_FDCWD ? rp : "resolution.md",
				      &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
			      S_ISREG(sb.st_mode),
	    .item_path = ip,
	    .thread_path = tp,
	};
	/* Unreadable files were reported; only truly missing ones are. */
	if (!has_item && !missing_item)
		f.item = "", f.item_len = 0;
	if (!has_thread && !missing_thread)
		f.thread = "", f.thread_len = 0;
	if ((has_item || missing_item) && (has_thread || missing_thread))
		check_ticket(&f, NULL, false, &st->cfg.transitions, d,
			     &tk->state);
	if (found & HAS_RELATIONS)
		check_links(name, ap, false, w, tk);
	tk->has_plan = found & HAS_PLAN;
	if (tk->has_plan)
		check_links(name, ap, true, w, tk);
out:
	if (dfd >= 0)
		close(dfd);
	tk->n = w->nedges - tk->first;
	free(dir);
	free(ip);
	free(tp);
	free(ap);
	free(rp);
}

typedef struct doctor_job {
	const yoi_store *st;
	const yoi_strv *tickets;
	doctor_worker *w;
	doctor_ticket *tk;
} doctor_job;

static void check_nth(void *ctx, size_t i, unsigned worker)
{
	doctor_job *j = ctx;
	j->tk[i].worker = worker;
	check_one(j->st, j->tickets->v[i], &j->w[worker], &j->tk[i]);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Move every entry of src to the end of dst. */
static void diag_move(yoi_diag *dst, yoi_diag *src)
{
	for (size_t i = 0; i < src->n; i++) {
		yoi_diag_entry *e = &src->v[i];
		yoi_diag_add(dst, e->severity, e->code, e->path, e->line, "%s",
			     e->message);
	}
	dst->dropped += src->dropped;
	yoi_diag_free(src);
}

static char *links_path(const yoi_store *st, const char *id, bool plan)
{
	/* As check_one spells it, so that the findings sort together. */
	char rel[64];
	snprintf(rel, sizeof(rel), "%.*s/artifacts/%s", YOI_ID_LEN, id,
		 plan ? PLAN_FILE : REL_FILE);
	return yoi_path_join(st->root, rel);
}

/* Ticket t's edges (NULL when it has none). */
static const doctor_edge *edges_of(const doctor_ticket *t,
				   const doctor_worker *w)
{
	return t->n ? w[t->worker].edges + t->first : NULL;
}

/*
 * The links cache against what the ticket pass read (yoi_revcache_check):
 * no second read of any file.
 */
static int check_links_cache(const yoi_store *st, const yoi_strv *tickets,
			     const doctor_ticket *tk, const doctor_worker *w,
			     yoi_diag *d, yoi_error *err)
{
	yoi_revcache seen = {0};
	size_t nt = 0;
	for (size_t i = 0; i < tickets->n; i++)
		nt += tk[i].n;
	seen.e = calloc(tickets->n ? tickets->n : 1, sizeof(*seen.e));
	seen.targets = calloc(nt ? nt : 1, sizeof(*seen.targets));
	if (!seen.e || !seen.targets) {
		yoi_revcache_free(&seen);
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	}
	for (size_t i = 0; i < tickets->n; i++) {
		const doctor_ticket *t = &tk[i];
		if (t->unsure)
			continue;
		yoi_revcache_entry *e = &seen.e[seen.n++];
		snprintf(e->id, sizeof(e->id), "%s", tickets->v[i]);
		e->akey = t->akey;
		e->rkey = t->rkey;
		e->pkey = t->pkey;
		e->flags = t->links_bad ? YOI_REVCACHE_BAD : 0;
		e->first = (uint32_t)seen.ntargets;
		const doctor_edge *ed = edges_of(t, w);
		for (size_t k = 0; k < t->n; k++) {
			if (!yoi_id_valid(ed[k].target))
				continue;
			yoi_revcache_target *x = &seen.targets[seen.ntargets++];
			memcpy(x->id, ed[k].target, YOI_ID_LEN + 1);
			x->kind =
			    (int8_t)(ed[k].plan
					 ? yoi_graph_kind_from_plan(ed[k].kind)
					 : yoi_graph_kind_from_relation(
					       ed[k].kind));
			e->n++;
		}
	}
	int rc = yoi_revcache_check(st, &seen, d, err);
	yoi_revcache_free(&seen);
	return rc;
}

/*
 * The line of the first record of the cycle in its smallest ticket's own
 * relations.json (it depends_on the next ticket, or blocks the one before
 * it); 0 when the cycle's records are all in other tickets' files.
 */
static int cycle_line(const yoi_strv *tickets, const doctor_ticket *t,
		      const doctor_worker *w, const yoi_graph_cycle *c)
{
	const char *next = tickets->v[c->v[1 % c->n]];
	const char *prev = tickets->v[c->v[c->n - 1]];
	const doctor_edge *e = edges_of(t, w);
	for (size_t x = 0; x < t->n; x++)
		if (!e[x].plan &&
		    ((is(e[x].kind, yoi_rel_kind_name(YOI_REL_DEPENDS_ON)) &&
		      is(e[x].target, next)) ||
		     (is(e[x].kind, yoi_rel_kind_name(YOI_REL_BLOCKS)) &&
		      is(e[x].target, prev))))
			return e[x].line;
	return 0;
}

/* Report every depends_on/blocks cycle once (up to the cap). */
static int report_cycles(const yoi_store *st, const yoi_strv *tickets,
			 const doctor_ticket *tk, const doctor_worker *w,
			 const yoi_graph *g, yoi_diag *d, yoi_error *err)
{
	yoi_graph_cycles *cy = NULL;
	int rc = yoi_graph_cycles_find(&cy, g, YOI_GRAPH_CYCLE_CAP_DEFAULT, 0);
	yoi_buf text = YOI_BUF_INIT;
	for (size_t c = 0; rc == 0 && c < cy->n; c++) {
		const yoi_graph_cycle *cyc = &cy->v[c];
		size_t v0 = cyc->v[0];
		char *p = links_path(st, tickets->v[v0], false);
		yoi_buf_clear(&text);
		rc = p ? yoi_graph_cycle_text(&text, g, cyc) : YOI_ENOMEM;
		if (rc == 0)
			yoi_diag_add(d, ERR, "relation-cycle", p,
				     cycle_line(tickets, &tk[v0], w, cyc),
				     "depends_on/blocks cycle %s: these "
				     "tickets wait for each other forever; "
				     "remove or reverse one of the relations",
				     text.ptr);
		free(p);
	}
	if (rc == 0 && cy->capped)
		yoi_diag_add(d, WARN, "relation-cycles-capped", st->root, 0,
			     "more depends_on/blocks cycles than the %zu "
			     "reported (those through the smallest ticket "
			     "IDs); fix these first, then run doctor again",
			     cy->n);
	yoi_buf_free(&text);
	yoi_graph_cycles_free(cy);
	if (rc < 0)
		return yoi_error_set(err, rc, NULL, 0,
				     "cannot search for cycles: out of memory");
	return 0;
}

/* A target that is not a ticket of the store. */
static int report_dangling(const yoi_store *st, const char *id,
			   const doctor_edge *e, yoi_diag *d, yoi_error *err)
{
	char *p = links_path(st, id, e->plan);
	if (!p)
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	yoi_doctor_dangling(d, p, e->line, e->plan, e->kind, e->target);
	free(p);
	return 0;
}

void yoi_doctor_dangling(yoi_diag *d, const char *path, int line, bool plan,
			 const char *kind, const char *target)
{
	if (plan)
		yoi_diag_add(d, ERR, "plan-dangling", path, line,
			     "the %s record names related_ticket %s, which is "
			     "not a ticket in this store; restore the ticket "
			     "from git or correct the record",
			     kind, target);
	else
		yoi_diag_add(d, ERR, "relation-dangling", path, line,
			     "%s %s names a ticket that is not in this store; "
			     "remove the relation or restore the ticket from "
			     "git",
			     kind, target);
}

/*
 * Store-wide, after every ticket was read: targets that are not tickets
 * (dangling), then the cycles. Linear in tickets + edges (one binary
 * search per edge), plus the cycle search's cost per reported cycle.
 */
static int check_graph(const yoi_store *st, const yoi_strv *tickets,
		       const doctor_ticket *tk, const doctor_worker *w,
		       yoi_diag *d, yoi_error *err)
{
	size_t n = tickets->n, m = 0;
	for (size_t i = 0; i < n; i++)
		m += tk[i].n;
	if (m == 0)
		return 0; /* the common store: nothing to dangle or cycle */
	yoi_graph_node *nodes = calloc(n, sizeof(*nodes));
	yoi_graph_edge *edges = calloc(m, sizeof(*edges));
	if (!nodes || !edges) {
		free(nodes);
		free(edges);
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	}
	size_t k = 0;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		snprintf(nodes[i].id, sizeof(nodes[i].id), "%.*s", YOI_ID_LEN,
			 tickets->v[i]);
		nodes[i].state = tk[i].state;
		nodes[i].queued_at = -1;
		const doctor_edge *e = edges_of(&tk[i], w);
		for (size_t x = 0; rc == 0 && x < tk[i].n; x++) {
			const char *key = e[x].target;
			char **hit = bsearch(&key, tickets->v, n,
					     sizeof(char *), cmp_str);
			if (!hit) {
				rc = report_dangling(st, tickets->v[i], &e[x],
						     d, err);
				continue;
			}
			yoi_graph_kind gk =
			    e[x].plan ? yoi_graph_kind_from_plan(e[x].kind)
				      : yoi_graph_kind_from_relation(e[x].kind);
			if (gk != YOI_GRAPH_KIND_INVALID)
				edges[k++] = (yoi_graph_edge){
				    i, (size_t)(hit - tickets->v), gk};
		}
	}
	yoi_graph *g = NULL;
	if (rc == 0 && k > 0)
		rc = yoi_graph_build(&g, nodes, n, edges, k, err);
	free(nodes);
	free(edges);
	if (g)
		rc = report_cycles(st, tickets, tk, w, g, d, err);
	yoi_graph_free(g);
	return rc;
}

/*
 * Git findings (SPEC 10): a ticket worktree whose ticket is closed, an
 * inprogress ticket whose recorded worktree is gone. Both warnings.
 * "Gone" only for a worktree this clone made (yoi_work_owned: its local
 * record of started work, or git's list of worktrees): the records are
 * committed, and a path another machine or clone recorded (say
 * /home/alice/src/proj-wt/T1) was never here to go missing.
 */
static int check_worktrees(const yoi_store *st, const yoi_strv *tickets,
			   const doctor_ticket *tk, yoi_diag *d, yoi_error *err)
{
	if (!st->repo)
		return 0;
	for (size_t i = 0; i < tickets->n; i++) {
		/* Only start records a worktree, in an accepted_plan. */
		if (tk[i].state != YOI_ST_INPROGRESS || !tk[i].has_plan)
			continue;
		yoi_work_info w;
		yoi_error e2;
		if (yoi_work_recorded(st, tickets->v[i], &w, &e2) < 0)
			continue; /* never started with start: nothing recorded
				   */
		bool owned = false;
		int orc = 0;
		if (w.worktree_path && !yoi_exists(w.worktree_path))
			orc =
			    yoi_work_owned(st, tickets->v[i], &w, &owned, &e2);
		if (orc == YOI_ECORRUPT)
			yoi_diag_add(d, WARN, "worktree-record", e2.path,
				     e2.line, "%s", e2.msg);
		if (orc == YOI_ENOMEM) {
			yoi_work_info_free(&w);
			return yoi_error_set(err, YOI_ENOMEM, NULL, 0,
					     "out of memory");
		}
		if (owned) {
			char *plan = yoi_store_path(
			    st, tickets->v[i],
			    "artifacts/orchestration-plan.jsonl");
			yoi_diag_add(d, WARN, "worktree-missing", plan, 0,
				     "ticket %s is inprogress but its recorded "
				     "worktree %s, made in this clone, is "
				     "gone; recreate it or finish the ticket",
				     tickets->v[i], w.worktree);
			free(plan);
		}
		yoi_work_info_free(&w);
	}
	yoi_work_trees wts;
	int rc = yoi_work_trees_list(st, &wts, err);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < wts.n; i++)
		if (wts.v[i].state == YOI_ST_CLOSED)
			yoi_diag_add(d, WARN, "worktree-cleanup-pending",
				     wts.v[i].wt.path, 0,
				     "ticket %s is closed but its worktree is "
				     "still there; run 'yoi-tickets cleanup "
				     "%s'",
				     wts.v[i].id, wts.v[i].id);
	yoi_work_trees_free(&wts);
	return 0;
}

/*
 * Claims across clones (SPEC 10), with claims.remote set: a claim on the
 * remote whose ticket is closed here (claim-closed, warning). The remote
 * out of reach is claims-unreachable (warning): doctor never fails for
 * the network.
 */
static int check_claims(const yoi_store *st, const yoi_strv *tickets,
			const doctor_ticket *tk, yoi_diag *d, yoi_error *err)
{
	if (!yoi_claimflow_enabled(st))
		return 0;
	yoi_claims cl;
	yoi_error e2;
	int rc = yoi_claimflow_list(st, &cl, &e2);
	if (rc == YOI_ENOMEM)
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	if (rc < 0) {
		char *cfg = yoi_path_join(st->yoi_dir, "config.yaml");
		yoi_diag_add(d, WARN, "claims-unreachable", cfg, 0,
			     "the claims on remote '%s' cannot be read: %s",
			     st->cfg.claims_remote, e2.msg);
		free(cfg);
		return 0;
	}
	for (size_t k = 0; k < cl.n; k++) {
		const yoi_claim *c = &cl.v[k];
		size_t i = 0;
		while (i < tickets->n && strcmp(tickets->v[i], c->id) != 0)
			i++;
		if (i == tickets->n || tk[i].state != YOI_ST_CLOSED)
			continue;
		yoi_buf who = YOI_BUF_INIT;
		yoi_claim_holder(&who, c);
		char *item = yoi_store_path(st, c->id, "item.md");
		yoi_diag_add(d, WARN, "claim-closed", item, 0,
			     "ticket %s is closed but remote '%s' still holds "
			     "its claim by %s; release it with 'yoi-tickets "
			     "claims release %s'%s",
			     c->id, st->cfg.claims_remote,
			     who.ptr ? who.ptr : "?", c->id,
			     c->mine ? "" : " --force (another clone's)");
		free(item);
		yoi_buf_free(&who);
	}
	yoi_claims_free(&cl);
	return 0;
}

/*
 * A ticket-event hook that came with the repository runs only once this
 * clone's owner trusted it (hooktrust.h): say so, it is easy to miss.
 */
static int check_hook_trust(const yoi_store *st, yoi_diag *d, yoi_error *err)
{
	yoi_hooktrust ht = {0};
	int rc = yoi_hooktrust_get(&ht, st, err);
	if (rc == 0 && (ht.status == YOI_HOOKTRUST_UNTRUSTED ||
			ht.status == YOI_HOOKTRUST_CHANGED))
		yoi_diag_add(d, WARN, "hook-untrusted", ht.path, 0,
			     "the ticket-event hook %s %s, so it does not "
			     "run; read it, then run 'yoi-tickets hooks "
			     "trust' to let it run",
			     ht.path,
			     ht.status == YOI_HOOKTRUST_CHANGED
				 ? "changed since it was trusted"
				 : "is not trusted in this clone");
	if (rc == YOI_ECORRUPT) {
		yoi_diag_add(d, WARN, "hook-trust-record", err->path, err->line,
			     "%s", err->msg);
		yoi_error_clear(err);
		rc = 0;
	}
	yoi_hooktrust_free(&ht);
	return rc;
}

void yoi_doctor_root_entry(yoi_diag *d, const char *path, const char *name,
			   bool is_dir, const char *duplicate_of)
{
	if (!name[0] || name[0] == '.' || (is_dir && yoi_id_valid(name)))
		return;
	if (is(name, "open") || is(name, "pending") || is(name, "closed"))
		yoi_diag_add(d, ERR, "layout-legacy-bucket", path, 0,
			     "legacy '%s/' bucket; move its tickets to the "
			     "tickets root (one directory per ID) and remove "
			     "it",
			     name);
	else if (!is_dir)
		yoi_diag_add(d, WARN, "layout-stray-file", path, 0,
			     "a file in the tickets root; only ticket "
			     "directories belong here");
	else if (duplicate_of)
		yoi_diag_add(d, ERR, "layout-duplicate-id", path, 0,
			     "duplicate ID %s (names differ only in case or "
			     "look-alike letters); merge the two tickets",
			     duplicate_of);
	else
		yoi_diag_add(d, ERR, "layout-bad-dir-name", path, 0,
			     "'%s' is not a ticket ID (13 characters of "
			     "Crockford base32); rename or remove it",
			     name);
}

int yoi_doctor_run(const yoi_store *st, yoi_diag *d, yoi_error *err)
{
	int rc = yoi_store_require(st, err);
	if (rc < 0)
		return rc;
	DIR *dp = opendir(st->root);
	if (!dp)
		return yoi_error_set(err, YOI_EIO, st->root, 0,
				     "%s: cannot list: %s", st->root,
				     strerror(errno));
	/* Names, with readdir's type: a directory needs no lstat. */
	yoi_strv names = {0}, dirs = {0};
	struct dirent *de;
	while ((de = readdir(dp))) {
		if (de->d_name[0] == '.')
			continue;
		if (yoi_strv_push(&names, de->d_name) < 0 ||
		    (de->d_type == DT_DIR &&
		     yoi_strv_push(&dirs, de->d_name) < 0))
			rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0,
					   "out of memory");
	}
	closedir(dp);
	yoi_strv_sort(&names);
	yoi_strv_sort(&dirs);
	/*
	 * Layout, sequentially (cheap). Valid IDs are unique by being
	 * directory names; only a name that is not an ID but normalises to
	 * one (lower case, O for 0, ...) can duplicate another ticket.
	 */
	yoi_strv tickets = {0}, near = {0};
	for (size_t i = 0; rc == 0 && i < names.n; i++) {
		const char *name = names.v[i];
		char *path = yoi_path_join(st->root, name);
		if (!path) {
			rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0,
					   "out of memory");
			break;
		}
		bool is_dir = dirs.n && bsearch(&name, dirs.v, dirs.n,
						sizeof(char *), cmp_str);
		struct stat sb;
		if (!is_dir && lstat(path, &sb) < 0) {
			/* vanished while we looked */
		} else if (!is_dir && S_ISLNK(sb.st_mode)) {
			yoi_diag_add(d, ERR, "layout-symlink", path, 0,
				     "ticket entries must be real directories, "
				     "not symbolic links");
		} else if (!is_dir && !S_ISDIR(sb.st_mode)) {
			yoi_doctor_root_entry(d, path, name, false, NULL);
		} else if (yoi_id_valid(name)) {
			if (yoi_strv_push(&tickets, name) < 0)
				rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0,
						   "out of memory");
		} else {
			char norm[YOI_ID_LEN + 1];
			char *key = norm;
			bool near_id =
			    yoi_id_normalize(name, norm, sizeof(norm)) == 0 &&
			    yoi_id_valid(norm);
			bool dup =
			    near_id && (bsearch(&key, names.v, names.n,
						sizeof(char *), cmp_str) ||
					yoi_strv_contains(&near, norm));
			yoi_doctor_root_entry(d, path, name, true,
					      dup ? norm : NULL);
			if (near_id)
				yoi_strv_push(&near, norm);
		}
		free(path);
	}
	/*
	 * Tickets, in parallel: each worker has its own diag, buffers and
	 * edges; ticket i's slot of tk is written by its worker alone. Then,
	 * sequentially, what needs the whole store: dangling targets, cycles.
	 */
	if (rc == 0) {
		unsigned threads = yoi_par_threads(tickets.n);
		doctor_worker *w = calloc(threads, sizeof(*w));
		doctor_ticket *tk = calloc(tickets.n + 1, sizeof(*tk));
		if (!w || !tk) {
			rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0,
					   "out of memory");
		} else {
			doctor_job j = {st, &tickets, w, tk};
			yoi_par_for(tickets.n, threads, check_nth, &j);
			for (unsigned k = 0; k < threads; k++) {
				diag_move(d, &w[k].d);
				if (w[k].nomem && rc == 0)
					rc =
					    yoi_error_set(err, YOI_ENOMEM, NULL,
							  0, "out of memory");
			}
			if (rc == 0)
				rc = check_graph(st, &tickets, tk, w, d, err);
			if (rc == 0)
				rc = check_worktrees(st, &tickets, tk, d, err);
			if (rc == 0)
				rc = check_claims(st, &tickets, tk, d, err);
			if (rc == 0)
				rc = check_hook_trust(st, d, err);
			if (rc == 0) /* issue 15: the links cache */
				rc = check_links_cache(st, &tickets, tk, w, d,
						       err);
		}
		for (unsigned k = 0; w && k < threads; k++) {
			yoi_buf_free(&w[k].item);
			yoi_buf_free(&w[k].thread);
			yoi_buf_free(&w[k].links);
			free(w[k].edges);
		}
		free(w);
		free(tk);
	}
	yoi_strv_free(&near);
	yoi_strv_free(&tickets);
	yoi_strv_free(&dirs);
	yoi_strv_free(&names);
	return rc;
}

/*
 * Under the lock, the layout repairs that come before loading the ticket:
 * an orphan left by an interrupted create is removed (*done: nothing else
 * to do); an item.md without thread.md gets a new thread.md that starts
 * with a migration event to item.md's state.
 */
static int repair_layout(yoi_store *st, const yoi_opctx *ctx, const char *id,
			 yoi_buf *what, bool *done, yoi_error *err)
{
	char *dir = yoi_store_path(st, id, NULL);
	char *ip = yoi_store_path(st, id, "item.md");
	char *tp = yoi_store_path(st, id, "thread.md");
	int rc = 0;
	yoi_buf b = YOI_BUF_INIT, ev = YOI_BUF_INIT;
	yoi_item *it = NULL;
	if (!dir || !ip || !tp) {
		rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	if (!yoi_exists(ip) && yoi_is_dir(dir) && orphan_shape(dir)) {
		if (!orphan_walk(dir, true))
			rc = yoi_error_set(err, YOI_EIO, dir, 0,
					   "%s: cannot remove the orphan "
					   "directory: %s",
					   dir, strerror(errno));
		else
			yoi_buf_puts(what, "removed the orphan directory (an "
					   "interrupted create)");
		*done = true;
		goto out;
	}
	if (!yoi_is_file(ip) || yoi_exists(tp))
		goto out;
	yoi_error e = {0};
	if (yoi_file_read(ip, YOI_FILE_MAX, &b, &e) < 0 ||
	    yoi_item_parse(&it, b.ptr, b.len, ip, &e) < 0)
		goto out; /* item.md's own findings say what to do */
	const char *state = yoi_item_get(it, "state");
	yoi_attr a[] = {
	    {"reason", "thread.md was missing; started again from item.md"},
	    {"to", (char *)state}};
	size_t na = yoi_state_parse(state) != YOI_ST_INVALID ? 2 : 1;
	rc = yoi_ticket_event(&ev, ctx, false, "migration", a, na,
			      yoi_texts_get(ctx->texts, "fix_edit_body"), err);
	if (rc == 0)
		rc = yoi_store_append(st, tp, ev.ptr, ev.len, true, err);
	if (rc == 0)
		yoi_buf_puts(what, "thread.md (started with a migration "
				   "event)");
out:
	yoi_item_free(it);
	yoi_buf_free(&b);
	yoi_buf_free(&ev);
	free(dir);
	free(ip);
	free(tp);
	return rc;
}

int yoi_doctor_repair(yoi_store *st, const yoi_opctx *ctx, const char *id,
		      yoi_buf *what, yoi_error *err)
{
	yoi_buf_clear(what);
	int rc = yoi_store_lock(st, ctx->wait_sec, err);
	if (rc < 0)
		return rc;
	/* An orphan goes; a lost thread.md starts again from item.md. */
	bool done = false;
	rc = repair_layout(st, ctx, id, what, &done, err);
	if (rc < 0 || done) {
		yoi_store_unlock(st);
		return rc;
	}
	/* artifacts/ first: it needs no parsable item or thread. */
	char *arts = yoi_store_path(st, id, "artifacts");
	if (!arts) {
		yoi_store_unlock(st);
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	}
	bool made_arts = false;
	if (!yoi_exists(arts)) {
		rc = yoi_store_mkdir(st, arts, true, err);
		made_arts = rc == 0;
	}
	free(arts);
	yoi_ticket *t = NULL;
	if (rc == 0)
		rc = yoi_ticket_begin(st, ctx, id, &t, err);
	if (rc < 0) {
		yoi_store_unlock(st);
		/* A ticket we cannot load may still have had artifacts/ made.
		 */
		if (made_arts)
			yoi_buf_puts(what, "artifacts/");
		if (what->len)
			return 0;
		/* Missing files stay reported; --fix goes on. */
		return rc == YOI_ECORRUPT || rc == YOI_ENOTFOUND ? 0 : rc;
	}
	if (t->recovered) {
		size_t n = strlen(t->dir);
		const char *rel = strncmp(t->recovered, t->dir, n) == 0
				      ? t->recovered + n + 1
				      : t->recovered;
		yoi_buf_printf(what, "thread tail moved to %s", rel);
	}
	const char *state = yoi_item_get(t->item, "state");
	const char *replay = replay_for(t->thread, state);
	bool drift = replay && (!state || strcmp(state, replay) != 0) &&
		     yoi_doctor_drift_follows(t->thread, state, replay);
	const char *ua = yoi_item_get(t->item, "updated_at");
	int64_t u, last = 0;
	for (size_t i = 0; i < t->thread->n; i++) {
		int64_t x;
		if (t->thread->ev[i].at &&
		    yoi_time_parse(t->thread->ev[i].at, &x) == 0 && x > last)
			last = x;
	}
	bool stale = ua && yoi_time_parse(ua, &u) == 0 && u < last;
	yoi_buf events = YOI_BUF_INIT, fields = YOI_BUF_INIT;
	if (drift)
		yoi_buf_puts(&fields, "state");
	if (stale || drift)
		yoi_buf_printf(&fields, "%supdated_at", fields.len ? "," : "");
	if (made_arts)
		yoi_buf_printf(&fields, "%sartifacts", fields.len ? "," : "");
	if (t->recovered)
		yoi_buf_printf(&fields, "%sthread_tail", fields.len ? "," : "");
	if (fields.len) {
		char *replay_copy = drift ? yoi_strdup(replay) : NULL;
		if (drift && (!replay_copy ||
			      yoi_item_set(t->item, "state", replay_copy) < 0))
			rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0,
					   "out of memory");
		free(replay_copy);
		yoi_attr a[] = {{"fields", fields.ptr},
				{"reason", (char *)yoi_texts_get(
					       ctx->texts, "reason_fix")}};
		if (rc == 0)
			rc = yoi_ticket_lead_newline(t, &events);
		if (rc == 0)
			rc = yoi_ticket_event(
			    &events, ctx, t->thread_crlf, "edit", a, 2,
			    yoi_texts_get(ctx->texts, "fix_edit_body"), err);
		if (rc == 0)
			rc = yoi_ticket_commit(t, ctx, &events, err);
		if (rc == 0 && what->len)
			yoi_buf_puts(what, "; ");
		if (rc == 0)
			yoi_buf_put(what, fields.ptr, fields.len);
	}
	yoi_buf_free(&events);
	yoi_buf_free(&fields);
	yoi_ticket_end(st, t);
	yoi_store_unlock(st); /* the lock taken above */
	return rc;
}
