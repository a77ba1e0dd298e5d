/*
 * bench_gen.c - the helper of scripts/bench.sh (make bench).
 *
 *   bench-gen gen ROOT N [SEED]   write N tickets into the tickets root ROOT
 *                                 (which must exist); their IDs go to
 *                                 stdout, one a line, a summary to stderr
 *   bench-gen time CMD [ARG...]   run CMD once (stdin, stdout and stderr on
 *                                 /dev/null) and print "<ns> <status> <cpu>":
 *                                 the wall time of spawn + run + wait on
 *                                 CLOCK_MONOTONIC, the exit status, and the
 *                                 user + system CPU time (ns) of CMD and its
 *                                 children
 *   bench-gen rss CMD [ARG...]    the same, and a fourth field: CMD's peak
 *                                 resident set size (ru_maxrss, KiB)
 *   bench-gen cat ROOT item|all   read item.md (all: and thread.md) of every
 *                                 ticket directory of ROOT with open/read/
 *                                 close: the I/O floor of list and doctor
 *   bench-gen write2 DIR          the I/O floor of create: mkdir DIR and
 *                                 DIR/artifacts (with an empty .gitkeep),
 *                                 an O_APPEND thread.md with fsync, an
 *                                 item.md written to a temporary file,
 *                                 fsynced, renamed, directory fsynced
 *   bench-gen gitfloor            what any process that finds its repository
 *                                 with libgit2 pays before its own work, set
 *                                 up as the engine sets it up: libgit2 (linked
 *                                 as the engine links it), yoi_git_init
 *                                 (libgit2's set-up without the TLS set-up,
 *                                 gitinit.c) and git_repository_open_ext
 *
 * The store is written with the engine's own formatters (yoi_item_compose,
 * yoi_event_render, yoi_id_encode), so it is byte-for-byte what the engine
 * would write: tickets in every state, with histories that replay to the
 * item's state through transitions the default table allows, ascending
 * RFC 3339 UTC times, and an ID that is the creation millisecond. Content
 * is drawn from a seeded generator: the same N and SEED give the same store.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <inttypes.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "yoi/common.h"
#include "yoi/gitinit.h"
#include "yoi/id.h"
#include "yoi/item.h"
#include "yoi/plan.h"
#include "yoi/relations.h"
#include "yoi/thread.h"

extern char **environ;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "bench-gen: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

/* ---- a small seeded random source (splitmix64) ---- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [lo, hi]. */
static int64_t between(int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rnd() % (uint64_t)(hi - lo + 1));
}

static bool chance(int percent)
{
	return (int)(rnd() % 100) < percent;
}

#define PICK(arr) ((arr)[rnd() % (sizeof(arr) / sizeof(*(arr)))])

/* ---- text ---- */

/* clang-format off */
static const char *const words[] = {
	"ticket", "thread", "event", "state", "queue", "worker", "branch",
	"worktree", "merge", "driver", "commit", "index", "review", "plan",
	"orchestrator", "peer", "registration", "notify", "hook", "timeout",
	"lock", "store", "frontmatter", "field", "parser", "renderer", "cache",
	"config", "route", "blocker", "dependency", "relation", "cycle",
	"doctor", "repair", "migration", "schema", "record", "append", "atomic",
	"rename", "fsync", "directory", "symlink", "path", "limit", "buffer",
	"allocation", "error", "message", "exit", "status", "guard", "table",
	"transition", "reason", "author", "clock", "timestamp", "heading",
	"section", "body", "template", "prompt", "role", "capability", "agent",
	"session", "request", "response", "payload", "client", "server",
	"retry", "backoff", "latency", "throughput", "benchmark", "median",
	"regression", "fixture", "harness", "sanitizer", "leak", "overflow",
	"boundary", "encoding", "UTF-8", "newline", "escape", "quote", "token",
	"the", "the", "the", "a", "a", "of", "of", "to", "to", "in", "in",
	"and", "and", "is", "for", "on", "with", "when", "after", "before",
	"must", "should", "never", "only", "each", "every", "new", "old",
	"stale", "missing", "broken", "slow", "fast", "small", "large",
	"first", "last", "next", "previous", "current", "pending", "reads",
	"writes", "keeps", "drops", "checks", "reports", "returns", "refuses",
	"accepts", "moves", "splits", "joins", "waits", "runs", "starts",
	"stops", "fails", "passes", "rebuilds", "replays", "notifies",
	"registers", "updates", "`yoi-tickets`", "`item.md`", "`thread.md`",
	"`--state`", "naïve", "café", "日本語"};
/* clang-format on */

/* Append a sentence of n words (capitalised, ends with '.'). */
static void sentence(yoi_buf *b, int n)
{
	for (int i = 0; i < n; i++) {
		const char *w = PICK(words);
		if (i)
			yoi_buf_putc(b, ' ');
		if (i == 0 && w[0] >= 'a' && w[0] <= 'z') {
			yoi_buf_putc(b, (char)(w[0] - 'a' + 'A'));
			yoi_buf_puts(b, w + 1);
		} else {
			yoi_buf_puts(b, w);
		}
	}
	yoi_buf_putc(b, '.');
}

/* Append a paragraph of about `bytes` bytes, wrapped at 76 columns. */
static void paragraph(yoi_buf *b, size_t bytes, const char *prefix)
{
	yoi_buf s = YOI_BUF_INIT;
	while (s.len < bytes) {
		if (s.len)
			yoi_buf_putc(&s, ' ');
		sentence(&s, (int)between(6, 16));
	}
	/* Wrap: break at the last space before column 76. */
	size_t col = 0, i = 0;
	yoi_buf_puts(b, prefix);
	col = strlen(prefix);
	while (i < s.len) {
		const char *sp = memchr(s.ptr + i, ' ', s.len - i);
		size_t wl = (sp ? (size_t)(sp - s.ptr) : s.len) - i;
		if (col > strlen(prefix) && col + 1 + wl > 76) {
			yoi_buf_putc(b, '\n');
			for (size_t k = 0; k < strlen(prefix); k++)
				yoi_buf_putc(b, ' ');
			col = strlen(prefix);
		} else if (col > strlen(prefix)) {
			yoi_buf_putc(b, ' ');
			col++;
		}
		yoi_buf_put(b, s.ptr + i, wl);
		col += wl;
		i += wl + (sp ? 1 : 0);
	}
	yoi_buf_putc(b, '\n');
	yoi_buf_free(&s);
}

/* clang-format off */
static const char *const code_lines[] = {
	"$ yoi-tickets list --state all --json",
	"$ yoi-tickets show 00001KSNFEVG8 --events 3",
	"rc = yoi_ticket_load(&t, st, id, YOI_LOAD_FRONTMATTER, &err);",
	"if (rc < 0)",
	"\treturn yoi_cli_fail(ctx, rc);",
	"---",
	"state: 'queued'",
	"git worktree add .worktree/00001KSNFEVG8-fix work/00001KSNFEVG8-fix"};
/* clang-format on */

static void code_block(yoi_buf *b)
{
	yoi_buf_puts(b, "```\n");
	for (int i = 0, n = (int)between(2, 6); i < n; i++) {
		yoi_buf_puts(b, PICK(code_lines));
		yoi_buf_putc(b, '\n');
	}
	yoi_buf_puts(b, "```\n");
}

/* Markdown prose of about `bytes` bytes: paragraphs, lists, code. */
static void prose(yoi_buf *b, size_t bytes, bool checklist)
{
	size_t start = b->len;
	bool first = true;
	while (b->len - start < bytes) {
		size_t left = bytes - (b->len - start);
		if (!first)
			yoi_buf_putc(b, '\n');
		first = false;
		int what = (int)between(0, 9);
		if (checklist || what < 3) {
			for (int i = 0, n = (int)between(2, 5);
			     i < n && b->len - start < bytes; i++)
				paragraph(b, (size_t)between(40, 160),
					  checklist ? "- [ ] " : "- ");
		} else if (what == 3 && left > 200) {
			code_block(b);
		} else {
			paragraph(b,
				  left < 500 ? left : (size_t)between(200, 500),
				  "");
		}
	}
}

/* clang-format off */
static const char *const people[] = {
	"intake", "orchestrator", "coder", "reviewer", "alice", "bob",
	"Carol Jones", "dmitri", "yoi ticket"};
/* clang-format on */

/* clang-format off */
static const char *const flags[] = {
	"orchestrator", "peer-notify", "migration", "security", "performance",
	"git", "merge", "data-loss", "ux", "docs"};
/* clang-format on */

/* ---- one ticket ---- */

#define MAX_EVENTS 40

typedef struct gev {
	const char *kind;
	yoi_attr attrs[6];
	size_t nattrs;
	bool long_body; /* a comment, plan, ...: takes a share of the budget */
	int64_t at;
} gev;

typedef struct gen {
	gev ev[MAX_EVENTS];
	size_t n;
	const char *state; /* the state so far (the replay) */
	bool queued;	   /* passed through queued: queued_by/queued_at */
} gen;

static gev *add(gen *g, const char *kind, bool long_body)
{
	if (g->n == MAX_EVENTS)
		die("too many events");
	gev *e = &g->ev[g->n++];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->long_body = long_body;
	return e;
}

static void attr(gev *e, const char *k, const char *v)
{
	e->attrs[e->nattrs].key = (char *)k;
	e->attrs[e->nattrs].value = (char *)v;
	e->nattrs++;
}

static void filler(gen *g)
{
	static const char *const kinds[] = {"comment", "comment", "comment",
					    "plan", "decision"};
	add(g, PICK(kinds), true);
}

/* A state_changed event; the SPEC 5 default table allows every one made. */
static void move(gen *g, const char *to, const char *reason)
{
	gev *e = add(g, "state_changed", false);
	attr(e, "from", g->state);
	attr(e, "to", to);
	attr(e, "reason", reason);
	attr(e, "field", "state");
	g->state = to;
}

static void to_ready(gen *g)
{
	add(g, "intake_summary", true);
	move(g, "ready",
	     PICK(((const char *const[]){"summary_accepted", "requested",
					 "intake complete"})));
}

static void to_closed(gen *g, const char *reason)
{
	gev *e = add(g, "close", false);
	attr(e, "status", "closed");
	move(g, "closed", reason);
}

/* Build the history of a ticket that ends in `final`. */
static void history(gen *g, const char *final)
{
	g->n = 0;
	g->state = "planning";
	g->queued = false;
	add(g, "create", false);
	if (chance(50))
		filler(g);
	bool is_closed = strcmp(final, "closed") == 0;
	if (strcmp(final, "planning") == 0) {
		if (chance(15)) { /* back for a requirements sync */
			to_ready(g);
			filler(g);
			move(g, "planning", "requirements_sync");
		} else if (chance(6)) { /* closed, then reopened */
			to_closed(g, "wontfix");
			add(g, "reopen", true);
			move(g, "planning", "reopened");
		}
		return;
	}
	if (is_closed && chance(25)) { /* closed without being done */
		if (chance(50))
			to_ready(g);
		filler(g);
		to_closed(g, PICK(((const char *const[]){"wontfix", "duplicate",
							 "obsolete"})));
		return;
	}
	to_ready(g);
	if (strcmp(final, "ready") == 0)
		return;
	move(g, "queued", "requested");
	g->queued = true;
	if (strcmp(final, "queued") == 0)
		return;
	add(g, "plan", true);
	move(g, "inprogress", "accepted");
	if (strcmp(final, "inprogress") == 0) {
		if (chance(50))
			add(g, "implementation_report", true);
		return;
	}
	add(g, "implementation_report", true);
	move(g, "done", "implemented");
	if (chance(30)) { /* rework after review */
		gev *r = add(g, "review", true);
		attr(r, "status", "request_changes");
		move(g, "inprogress", "rework");
		add(g, "implementation_report", true);
		move(g, "done", "implemented");
	}
	gev *r = add(g, "review", chance(50));
	attr(r, "status", "approve");
	if (is_closed)
		to_closed(g, "closed");
}

/* Paired events: the state_changed that follows belongs to them. */
static bool paired(const char *kind)
{
	return !strcmp(kind, "intake_summary") || !strcmp(kind, "close") ||
	       !strcmp(kind, "reopen");
}

/* Pad with comments, plans and decisions up to `target` events. */
static void pad(gen *g, size_t target)
{
	while (g->n < target && g->n < MAX_EVENTS) {
		size_t p = (size_t)between(1, (int64_t)g->n);
		if (paired(g->ev[p - 1].kind))
			continue;
		memmove(&g->ev[p + 1], &g->ev[p], (g->n - p) * sizeof(gev));
		g->n++;
		gev *e = &g->ev[p];
		static const char *const kinds[] = {
		    "comment", "comment", "comment", "plan", "decision"};
		memset(e, 0, sizeof(*e));
		e->kind = PICK(kinds);
		e->long_body = true;
	}
}

static void short_body(yoi_buf *b, const gev *e, const char *resolution)
{
	if (!strcmp(e->kind, "create")) {
		yoi_buf_puts(b, "Ticket created.");
	} else if (!strcmp(e->kind, "close")) {
		yoi_buf_puts(b, resolution);
	} else if (!strcmp(e->kind, "state_changed")) {
		if (chance(40))
			sentence(b, (int)between(6, 14));
	} else {
		sentence(b, (int)between(5, 12));
	}
}

typedef struct stats {
	uint64_t item_bytes, thread_bytes, events;
	size_t states[6];
	size_t edges, plans;
} stats;

static const char *const state_names[] = {"planning",	"ready", "queued",
					  "inprogress", "done",	 "closed"};

/* Final states, weighted: a store that has lived for a while. */
static const char *pick_state(void)
{
	int r = (int)between(0, 99);
	return r < 18	? "planning"
	       : r < 30 ? "ready"
	       : r < 38 ? "queued"
	       : r < 50 ? "inprogress"
	       : r < 62 ? "done"
			: "closed";
}

static void write_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		die("cannot create %s: %s", path, strerror(errno));
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("cannot write %s: %s", path, strerror(errno));
		data += n;
		len -= (size_t)n;
	}
	if (close(fd) < 0)
		die("cannot write %s: %s", path, strerror(errno));
}

static void make_dir(const char *path)
{
	if (mkdir(path, 0755) < 0)
		die("cannot mkdir %s: %s", path, strerror(errno));
}

static void title(yoi_buf *b)
{
	static const char *const lead[] = {
	    "Fix",	"Add",	    "Make",   "Keep",	    "Stop",   "Teach",
	    "Speed up", "Document", "Refuse", "Don't drop", "Report", "Split"};
	yoi_buf_puts(b, PICK(lead));
	for (int i = 0, n = (int)between(3, 8); i < n; i++) {
		yoi_buf_putc(b, ' ');
		yoi_buf_puts(b, PICK(words));
	}
	if (chance(5))
		yoi_buf_puts(b, " (it's 'stuck')");
}

static void one_ticket(const char *root, int64_t ms, const char *id, stats *st,
		       yoi_buf *item, yoi_buf *thread)
{
	gen g;
	const char *final = pick_state();
	history(&g, final);
	pad(&g, (size_t)between(6, 12));

	/* Times: ascending; a paired event and its transition together. */
	int64_t t = ms / 1000;
	for (size_t i = 0; i < g.n; i++) {
		if (i)
			t += paired(g.ev[i - 1].kind) ? between(0, 2)
						      : between(60, 2 * 86400);
		g.ev[i].at = t;
	}
	char times[MAX_EVENTS][YOI_TIME_LEN + 1];
	for (size_t i = 0; i < g.n; i++)
		yoi_time_format(g.ev[i].at, times[i]);
	const char *authors[MAX_EVENTS];
	for (size_t i = 0; i < g.n; i++)
		authors[i] = PICK(people);

	yoi_buf resolution = YOI_BUF_INIT;
	sentence(&resolution, (int)between(6, 20));

	/* Bodies: short ones first, the rest of the budget to long ones. */
	yoi_buf bodies[MAX_EVENTS];
	size_t nlong = 0, used = 0;
	for (size_t i = 0; i < g.n; i++) {
		bodies[i] = (yoi_buf)YOI_BUF_INIT;
		if (g.ev[i].long_body)
			nlong++;
		else
			short_body(&bodies[i], &g.ev[i], resolution.ptr);
		used += bodies[i].len + 150; /* marker, heading, rule */
	}
	int64_t budget = between(9000, 15500) - (int64_t)used;
	for (size_t i = 0; i < g.n; i++) {
		if (!g.ev[i].long_body)
			continue;
		int64_t share = budget > 0 ? budget / (int64_t)nlong : 0;
		share = share * between(60, 140) / 100;
		prose(&bodies[i], (size_t)(share < 80 ? 80 : share), false);
	}

	yoi_buf_clear(thread);
	for (size_t i = 0; i < g.n; i++) {
		yoi_event_spec spec = {
		    .kind = g.ev[i].kind,
		    .author = authors[i],
		    .at = times[i],
		    .attrs = g.ev[i].attrs,
		    .nattrs = g.ev[i].nattrs,
		    .body = bodies[i].ptr,
		};
		yoi_error err = {0};
		if (yoi_event_render(thread, &spec, false, &err) < 0)
			die("yoi_event_render: %s", err.msg);
		yoi_buf_free(&bodies[i]);
	}

	/* item.md: the fields create and the transitions write. */
	yoi_buf ttl = YOI_BUF_INIT, body = YOI_BUF_INIT;
	title(&ttl);
	char created[YOI_TIME_LEN + 1], queued_at[YOI_TIME_LEN + 1] = "";
	yoi_time_format(ms / 1000, created);
	const char *queued_by = NULL;
	for (size_t i = 0; i < g.n; i++) {
		const char *to =
		    yoi_event_attr(&(yoi_event){.attrs = g.ev[i].attrs,
						.nattrs = g.ev[i].nattrs},
				   "to");
		if (to && !strcmp(to, "queued")) {
			memcpy(queued_at, times[i], sizeof(queued_at));
			queued_by = authors[i];
		}
	}
	const char *flag_list[3];
	size_t nflags = (size_t)between(0, 3);
	for (size_t i = 0; i < nflags; i++)
		flag_list[i] = flags[(rnd() % 3) + i * 3]; /* distinct */
	yoi_item_kv kv[12];
	size_t nkv = 0;
	kv[nkv++] = (yoi_item_kv){"title", ttl.ptr, NULL, 0};
	kv[nkv++] = (yoi_item_kv){"state", final, NULL, 0};
	kv[nkv++] = (yoi_item_kv){"created_at", created, NULL, 0};
	kv[nkv++] = (yoi_item_kv){"updated_at", times[g.n - 1], NULL, 0};
	kv[nkv++] = (yoi_item_kv){"assignee", chance(40) ? NULL : PICK(people),
				  NULL, 0};
	if (strcmp(final, "planning") != 0)
		kv[nkv++] =
		    (yoi_item_kv){"readiness", "implementation_ready", NULL, 0};
	else if (chance(50))
		kv[nkv++] = (yoi_item_kv){
		    "readiness",
		    chance(50) ? "spike_needed" : "requirements_sync_needed",
		    NULL, 0};
	const char *none = NULL;
	kv[nkv++] = (yoi_item_kv){"risk_flags", NULL,
				  nflags ? flag_list : &none, nflags};
	if (chance(40))
		kv[nkv++] = (yoi_item_kv){
		    "priority",
		    PICK(((const char *const[]){"P1", "P2", "P2", "P3"})), NULL,
		    0};
	if (g.queued) {
		kv[nkv++] = (yoi_item_kv){"queued_by", queued_by, NULL, 0};
		kv[nkv++] = (yoi_item_kv){"queued_at", queued_at, NULL, 0};
	}
	int64_t bb = between(2900, 4700);
	yoi_buf_puts(&body, "## Background\n\n");
	prose(&body, (size_t)(bb * 45 / 100), false);
	yoi_buf_puts(&body, "\n## Requirements\n\n");
	prose(&body, (size_t)(bb * 30 / 100), false);
	yoi_buf_puts(&body, "\n## Acceptance criteria\n\n");
	prose(&body, (size_t)(bb * 25 / 100), true);
	yoi_buf_clear(item);
	if (yoi_item_compose(item, kv, nkv, body.ptr) < 0)
		die("yoi_item_compose failed for %s", id);

	char *dir = yoi_sprintf("%s/%s", root, id);
	char *arts = yoi_sprintf("%s/artifacts", dir);
	char *ip = yoi_sprintf("%s/item.md", dir);
	char *tp = yoi_sprintf("%s/thread.md", dir);
	char *rp = yoi_sprintf("%s/resolution.md", dir);
	char *kp = yoi_sprintf("%s/artifacts/.gitkeep", dir);
	if (!dir || !arts || !ip || !tp || !rp || !kp)
		die("out of memory");
	make_dir(dir);
	make_dir(arts);
	write_file(kp, "", 0); /* as create makes it: git keeps artifacts/ */
	write_file(ip, item->ptr, item->len);
	write_file(tp, thread->ptr, thread->len);
	if (!strcmp(final, "closed")) {
		yoi_buf_putc(&resolution, '\n');
		write_file(rp, resolution.ptr, resolution.len);
	}
	free(dir);
	free(arts);
	free(ip);
	free(tp);
	free(rp);
	free(kp);

	st->item_bytes += item->len;
	st->thread_bytes += thread->len;
	st->events += g.n;
	for (size_t i = 0; i < 6; i++)
		if (!strcmp(final, state_names[i]))
			st->states[i]++;
	yoi_buf_free(&ttl);
	yoi_buf_free(&body);
	yoi_buf_free(&resolution);
}

/*
 * Routing data (issue 3's benchmark): 20% of tickets depend on 1-3 older
 * ones (older only, so the graph has no cycles), 5% carry plan records.
 */
static void routing_files(const char *root, const char *id,
			  char (*older)[YOI_ID_LEN + 1], size_t nolder,
			  int64_t ms, stats *st)
{
	char at[YOI_TIME_LEN + 1], path[4096];
	yoi_time_format(ms / 1000 + 60, at);
	yoi_error err;
	yoi_buf b = YOI_BUF_INIT;
	if (nolder && chance(20)) {
		yoi_relations *r;
		if (yoi_relations_new(&r, id) < 0)
			die("out of memory");
		int k = (int)between(1, 3);
		for (int i = 0; i < k; i++) {
			yoi_relation rel = {.kind = YOI_REL_DEPENDS_ON,
					    .author = "bench",
					    .at = at};
			memcpy(rel.ticket_id, id, YOI_ID_LEN + 1);
			memcpy(rel.target,
			       older[between(0, (int64_t)nolder - 1)],
			       YOI_ID_LEN + 1);
			if (yoi_relations_add(r, &rel, &err) == 0)
				st->edges++;
		}
		if (yoi_relations_render(&b, r, &err) < 0)
			die("render relations: %s", err.msg);
		snprintf(path, sizeof(path), "%s/%s/artifacts/relations.json",
			 root, id);
		write_file(path, b.ptr, b.len);
		yoi_relations_free(r);
	}
	if (nolder && chance(5)) {
		static const yoi_plan_kind kinds[] = {
		    YOI_PLAN_BLOCKED_BY, YOI_PLAN_BEFORE,
		    YOI_PLAN_CONFLICTS_WITH, YOI_PLAN_DO_NOT_PARALLELIZE};
		yoi_buf_clear(&b);
		int k = (int)between(1, 2);
		for (int i = 0; i < k; i++) {
			yoi_plan_record rec = {.kind = kinds[between(0, 3)],
					       .author = "bench",
					       .at = at};
			memcpy(rec.ticket_id, id, YOI_ID_LEN + 1);
			memcpy(rec.related_ticket,
			       older[between(0, (int64_t)nolder - 1)],
			       YOI_ID_LEN + 1);
			char day[16];
			time_t t = (time_t)(ms / 1000 + 60);
			struct tm tm;
			gmtime_r(&t, &tm);
			strftime(day, sizeof(day), "%Y%m%d-%H%M%S", &tm);
			snprintf(rec.id, sizeof(rec.id), "orch-plan-%s-%d", day,
				 i + 1);
			if (yoi_plan_render_record(&b, &rec, false, &err) < 0)
				die("render plan: %s", err.msg);
			st->plans++;
		}
		snprintf(path, sizeof(path),
			 "%s/%s/artifacts/orchestration-plan.jsonl", root, id);
		write_file(path, b.ptr, b.len);
	}
	yoi_buf_free(&b);
}

static int cmd_gen(int argc, char **argv)
{
	if (argc < 4)
		die("usage: bench-gen gen ROOT N [SEED]");
	const char *root = argv[2];
	char *end;
	long long n = strtoll(argv[3], &end, 10);
	if (*end || n < 1 || n > 10000000)
		die("N must be a number from 1 to 10000000, not '%s'", argv[3]);
	rng_state = argc > 4 ? strtoull(argv[4], NULL, 10) : 20260618;
	struct stat sb;
	if (stat(root, &sb) < 0 || !S_ISDIR(sb.st_mode))
		die("%s is not a directory (run yoi-tickets init first)", root);
	/*
	 * Creation times: from 2023-06-01, spread over about 2.5 years, one
	 * slot per ticket, jittered within the first half of its slot, so IDs
	 * are unique and ascending.
	 */
	const int64_t base = 1685577600000LL;
	int64_t slot = (int64_t)(2.5 * 365 * 86400 * 1000.0) / n;
	if (slot < 2)
		slot = 2;
	stats st = {0};
	yoi_buf item = YOI_BUF_INIT, thread = YOI_BUF_INIT;
	char(*ids)[YOI_ID_LEN + 1] = calloc((size_t)n, sizeof(*ids));
	if (!ids)
		die("out of memory");
	for (long long i = 0; i < n; i++) {
		int64_t ms = base + i * slot + between(0, slot / 2 - 1);
		yoi_id_encode(ms, ids[i]);
		one_ticket(root, ms, ids[i], &st, &item, &thread);
		routing_files(root, ids[i], ids, (size_t)i, ms, &st);
		printf("%s\n", ids[i]);
	}
	free(ids);
	yoi_buf_free(&item);
	yoi_buf_free(&thread);
	fprintf(stderr,
		"generated %lld tickets: item.md avg %.1f KiB, thread.md avg "
		"%.1f KiB, %.1f events/ticket; states:",
		n, st.item_bytes / 1024.0 / n, st.thread_bytes / 1024.0 / n,
		(double)st.events / n);
	for (size_t i = 0; i < 6; i++)
		fprintf(stderr, " %s %zu", state_names[i], st.states[i]);
	fprintf(stderr, "; %zu depends_on edges, %zu plan records\n", st.edges,
		st.plans);
	return fflush(stdout) == 0 ? 0 : 1;
}

/* ---- timing ---- */

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* time: wall ns, exit status, CPU ns; rss adds the peak RSS in KiB. */
static int cmd_time(int argc, char **argv, bool rss)
{
	if (argc < 3)
		die("usage: bench-gen %s CMD [ARG...]", rss ? "rss" : "time");
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	pid_t pid;
	int64_t t0 = now_ns();
	int rc = posix_spawnp(&pid, argv[2], &fa, NULL, argv + 2, environ);
	if (rc != 0)
		die("cannot run %s: %s", argv[2], strerror(rc));
	int status;
	struct rusage ru;
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR)
			die("wait4: %s", strerror(errno));
	int64_t t1 = now_ns();
	posix_spawn_file_actions_destroy(&fa);
	int code =
	    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	/* CPU time of the child and its children: robust to a busy machine. */
	int64_t cpu =
	    (int64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL +
	    (int64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000;
	if (rss)
		printf("%" PRId64 " %d %" PRId64 " %ld\n", t1 - t0, code, cpu,
		       ru.ru_maxrss);
	else
		printf("%" PRId64 " %d %" PRId64 "\n", t1 - t0, code, cpu);
	return 0;
}

/* ---- baselines ---- */

static void slurp(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	while (read(fd, buf, cap) > 0)
		;
	close(fd);
}

static int cmd_cat(int argc, char **argv)
{
	if (argc < 4 || (strcmp(argv[3], "item") && strcmp(argv[3], "all")))
		die("usage: bench-gen cat ROOT item|all");
	bool all = !strcmp(argv[3], "all");
	DIR *dp = opendir(argv[2]);
	if (!dp)
		die("cannot list %s: %s", argv[2], strerror(errno));
	static char buf[1 << 16];
	char path[4096];
	struct dirent *de;
	while ((de = readdir(dp))) {
		if (!yoi_id_valid(de->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s/item.md", argv[2],
			 de->d_name);
		slurp(path, buf, sizeof(buf));
		if (all) {
			snprintf(path, sizeof(path), "%s/%s/thread.md", argv[2],
				 de->d_name);
			slurp(path, buf, sizeof(buf));
		}
	}
	closedir(dp);
	return 0;
}

static void sync_write(const char *path, int flags, const char *data,
		       size_t len)
{
	int fd = open(path, flags | O_WRONLY | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len || fsync(fd) < 0)
		die("cannot write %s: %s", path, strerror(errno));
	close(fd);
}

static int cmd_write2(int argc, char **argv)
{
	if (argc < 3)
		die("usage: bench-gen write2 DIR");
	/* Sizes of a fresh ticket's files. */
	char item[240], thread[170];
	memset(item, 'x', sizeof(item));
	memset(thread, 'x', sizeof(thread));
	item[sizeof(item) - 1] = thread[sizeof(thread) - 1] = '\n';
	char *arts = yoi_sprintf("%s/artifacts", argv[2]);
	char *tp = yoi_sprintf("%s/thread.md", argv[2]);
	char *tmp = yoi_sprintf("%s/.item.md.tmp", argv[2]);
	char *ip = yoi_sprintf("%s/item.md", argv[2]);
	char *kp = yoi_sprintf("%s/artifacts/.gitkeep", argv[2]);
	if (!arts || !tp || !tmp || !ip || !kp)
		die("out of memory");
	make_dir(argv[2]);
	make_dir(arts);
	write_file(kp, "", 0);
	sync_write(tp, O_CREAT | O_EXCL | O_APPEND, thread, sizeof(thread));
	sync_write(tmp, O_CREAT | O_EXCL, item, sizeof(item));
	if (rename(tmp, ip) < 0)
		die("cannot rename %s: %s", tmp, strerror(errno));
	int dfd = open(argv[2], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd) < 0)
		die("cannot fsync %s: %s", argv[2], strerror(errno));
	close(dfd);
	free(arts);
	free(tp);
	free(tmp);
	free(ip);
	free(kp);
	return 0;
}

static int cmd_gitfloor(void)
{
	yoi_git_init();
	git_repository *repo = NULL;
	int rc = git_repository_open_ext(&repo, ".", 0, NULL);
	git_repository_free(repo);
	yoi_git_shutdown();
	return rc == 0 ? 0 : 1;
}

/*
 * What libgit2 must do anyway for a pre-commit check: start, open the
 * repository, read the index, look up HEAD's tree. The pre-commit target
 * (issue 12) is a ratio against this.
 */
static int cmd_indexfloor(void)
{
	yoi_git_init();
	git_repository *repo = NULL;
	git_index *idx = NULL;
	git_object *tree = NULL;
	int rc = git_repository_open_ext(&repo, ".", 0, NULL);
	if (rc == 0)
		rc = git_repository_index(&idx, repo);
	if (rc == 0)
		rc = git_index_read(idx, 0);
	if (rc == 0)
		rc = git_revparse_single(&tree, repo, "HEAD^{tree}");
	size_t n = idx ? git_index_entrycount(idx) : 0;
	git_object_free(tree);
	git_index_free(idx);
	git_repository_free(repo);
	yoi_git_shutdown();
	return rc == 0 && n > 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	if (!strcmp(mode, "gen"))
		return cmd_gen(argc, argv);
	if (!strcmp(mode, "time"))
		return cmd_time(argc, argv, false);
	if (!strcmp(mode, "rss"))
		return cmd_time(argc, argv, true);
	if (!strcmp(mode, "cat"))
		return cmd_cat(argc, argv);
	if (!strcmp(mode, "write2"))
		return cmd_write2(argc, argv);
	if (!strcmp(mode, "gitfloor"))
		return cmd_gitfloor();
	if (!strcmp(mode, "indexfloor"))
		return cmd_indexfloor();
	fprintf(stderr,
		"usage: bench-gen gen ROOT N [SEED] | time|rss CMD [ARG...] "
		"| cat ROOT item|all | write2 DIR | gitfloor | indexfloor\n");
	return 2;
}
