/*
 * End-to-end: a randomized merge simulation. From one base with 50
 * tickets, 6 branches each make 40 random operations with the binary
 * (comments, transitions, relations, plan records, new tickets); then all
 * are merged into master with `git merge` through the installed merge
 * driver. Expected: no conflict, `check` passing each merge from both
 * parents, every event block of every branch
 * present exactly once, every relation a branch kept present, doctor
 * without errors. Fixed seeds, so a failure replays.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define BASE_TICKETS 50
#define BRANCHES     6
#define OPS	     40
#define MAX_TICKETS  (BASE_TICKETS + BRANCHES * OPS)

typedef struct rng {
	uint64_t s;
} rng;

static uint32_t next(rng *r)
{
	r->s ^= r->s << 13;
	r->s ^= r->s >> 7;
	r->s ^= r->s << 17;
	return (uint32_t)(r->s >> 16);
}

static uint32_t pick(rng *r, uint32_t n)
{
	return next(r) % n;
}

/* stdout of a shell command in dir (caller frees); NULL when it fails. */
static char *sh_out(const char *dir, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static char *sh_out(const char *dir, const char *fmt, ...)
{
	char cmd[4096];
	int n = snprintf(cmd, sizeof(cmd), "cd '%s' && ", dir);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd + n, sizeof(cmd) - (size_t)n, fmt, ap);
	va_end(ap);
	FILE *p = popen(cmd, "r");
	cr_assert_not_null(p);
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	size_t got;
	while ((got = fread(buf + len, 1, cap - len - 1, p)) > 0) {
		len += got;
		if (cap - len < 2)
			buf = realloc(buf, cap *= 2);
	}
	buf[len] = '\0';
	int st = pclose(p);
	if (st != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

typedef struct ticket {
	char id[16];
	const char *state;
} ticket;

typedef struct rel {
	int from, to;
	bool kept;
} rel;

static const char *move(const char *dir, const ticket *t)
{
	const char *s = t->state;
	const char *to = strcmp(s, "planning") == 0	? "ready"
			 : strcmp(s, "ready") == 0	? "queued"
			 : strcmp(s, "queued") == 0	? "inprogress"
			 : strcmp(s, "inprogress") == 0 ? "done"
							: "inprogress";
	e2e_result r = strcmp(to, "ready") == 0
			   ? RUN(dir, "state", t->id, to, "--summary", "sim")
		       : strcmp(s, "done") == 0
			   ? RUN(dir, "state", t->id, to, "--reason", "rework")
			   : RUN(dir, "state", t->id, to);
	/* A guard may refuse (blockers): then nothing changed. */
	cr_assert(r.status == 0 || r.status == 4, "state %s %s: %d %s", t->id,
		  to, r.status, r.err);
	bool ok = r.status == 0;
	e2e_free(&r);
	return ok ? to : s;
}

static void branch_ops(const char *dir, int b, unsigned seed, ticket *tk,
		       int *nt, rel *rels, int *nrel)
{
	rng r = {((uint64_t)seed << 20) ^
		 (uint64_t)(b + 1) * 0x9e3779b97f4aULL};
	for (int k = 0; k < 8; k++)
		next(&r);
	for (int op = 0; op < OPS; op++) {
		uint32_t what = pick(&r, 100);
		ticket *t = &tk[pick(&r, (uint32_t)*nt)];
		e2e_result res = {0};
		char body[128];
		snprintf(body, sizeof(body), "sim seed %u branch %d op %d",
			 seed, b, op);
		if (what < 35) {
			res = RUN(dir, "comment", t->id, "--message", body);
			cr_assert_eq(res.status, 0, "%s", res.err);
		} else if (what < 55) {
			/* One branch moves a base ticket: two branches
			 * moving the same ticket is a real conflict (see
			 * test_gate.c), not what this simulation checks. */
			int idx = (int)(t - tk);
			if (idx >= BASE_TICKETS || idx % BRANCHES == b)
				t->state = move(dir, t);
			else
				res = RUN(dir, "comment", t->id, "--message",
					  body);
		} else if (what < 70) {
			/* depends_on only to an older base ticket: no cycle
			 * can form across branches. */
			int from = (int)pick(&r, BASE_TICKETS - 1) + 1;
			int to = (int)pick(&r, (uint32_t)from);
			res = RUN(dir, "relation", "add", tk[from].id, "--kind",
				  "depends_on", "--target", tk[to].id, "--note",
				  body);
			cr_assert(res.status == 0 || res.status == 4, "%s",
				  res.err);
			if (res.status == 0)
				rels[(*nrel)++] = (rel){from, to, true};
		} else if (what < 75) {
			for (int i = *nrel - 1; i >= 0; i--)
				if (rels[i].kept) {
					res = RUN(dir, "relation", "remove",
						  tk[rels[i].from].id, "--kind",
						  "depends_on", "--target",
						  tk[rels[i].to].id);
					cr_assert_eq(res.status, 0, "%s",
						     res.err);
					rels[i].kept = false;
					break;
				}
		} else if (what < 88) {
			ticket *o = &tk[pick(&r, (uint32_t)*nt)];
			if (o == t)
				continue;
			static const char *const kinds[] = {"before", "after",
							    "conflicts_with"};
			res = RUN(dir, "plan", "add", t->id, "--kind",
				  kinds[pick(&r, 3)], "--related", o->id,
				  "--note", body);
			cr_assert_eq(res.status, 0, "%s", res.err);
		} else {
			char *id = OK_LINE(dir, "create", "--title", body);
			snprintf(tk[*nt].id, sizeof(tk[*nt].id), "%s", id);
			tk[*nt].state = "planning";
			(*nt)++;
			free(id);
		}
		e2e_free(&res);
		if (op % 10 == 9)
			cr_assert_eq(e2e_sh(dir,
					    "git add -A && git commit "
					    "-qm 'b%d op %d'",
					    b, op),
				     0, "commit on branch %d", b);
	}
}

/* Each event block of text (from one event line to the next). */
static void each_block(const char *text,
		       void (*fn)(const char *, size_t, void *), void *ctx)
{
	const char *p = strstr(text, "<!-- event: ");
	while (p) {
		const char *q = strstr(p + 1, "\n<!-- event: ");
		size_t n = q ? (size_t)(q + 1 - p) : strlen(p);
		fn(p, n, ctx);
		p = q ? q + 1 : NULL;
	}
}

typedef struct verify {
	const char *final;
	const char *where;
	size_t blocks;
} verify;

static void once(const char *blk, size_t n, void *ctx)
{
	verify *v = ctx;
	/* Compare without trailing blank lines (the merge may add one). */
	while (n && (blk[n - 1] == '\n' || blk[n - 1] == '\r'))
		n--;
	size_t count = 0;
	for (const char *p = v->final; (p = strstr(p, "<!-- event: "));) {
		if (strncmp(p, blk, n) == 0)
			count++;
		p++;
	}
	cr_assert_eq(count, 1, "%s: block found %zu times:\n%.*s", v->where,
		     count, (int)n, blk);
	v->blocks++;
}

static void simulate(unsigned seed)
{
	char *dir = e2e_store();
	e2e_result r = RUN(dir, "hooks", "install");
	cr_assert_eq(r.status, 0, "hooks install: %s", r.err);
	e2e_free(&r);
	static ticket base[BASE_TICKETS];
	for (int i = 0; i < BASE_TICKETS; i++) {
		char title[64];
		snprintf(title, sizeof(title), "Base ticket %d", i);
		char *id = OK_LINE(dir, "create", "--title", title);
		snprintf(base[i].id, sizeof(base[i].id), "%s", id);
		free(id);
		base[i].state = "planning";
		if (i % 3 != 2)
			base[i].state = move(dir, &base[i]);
		if (i % 3 == 1)
			base[i].state = move(dir, &base[i]);
	}
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm base && git "
				 "tag base"),
		     0);
	static ticket tk[BRANCHES][MAX_TICKETS];
	static rel rels[BRANCHES][OPS];
	int nt[BRANCHES], nrel[BRANCHES];
	for (int b = 0; b < BRANCHES; b++) {
		memcpy(tk[b], base, sizeof(base));
		nt[b] = BASE_TICKETS;
		nrel[b] = 0;
		cr_assert_eq(e2e_sh(dir, "git checkout -q -b sim%d base", b),
			     0);
		branch_ops(dir, b, seed, tk[b], &nt[b], rels[b], &nrel[b]);
		cr_assert_eq(e2e_sh(dir,
				    "git add -A && git commit -qm 'b%d "
				    "end' --allow-empty",
				    b),
			     0);
	}
	cr_assert_eq(e2e_sh(dir, "git checkout -q master"), 0);
	for (int b = 0; b < BRANCHES; b++) {
		char *out = sh_out(dir,
				   "git merge --no-edit sim%d 2>&1; echo "
				   "status=$?",
				   b);
		cr_assert_not_null(out);
		cr_assert(strstr(out, "status=0\n"),
			  "seed %u: merging sim%d failed:\n%s", seed, b, out);
		free(out);
		/* The gate accepts what the driver made, from either parent
		 * (a fast-forward has no second parent). */
		for (int p = 1; p <= 2; p++) {
			char base[32];
			snprintf(base, sizeof(base), "HEAD^%d", p);
			if (p == 2 && e2e_sh(dir, "git rev-parse -q --verify "
						  "HEAD^2 >/dev/null") != 0)
				continue;
			e2e_result c =
			    RUN(dir, "check", "--base", base, "--head", "HEAD");
			cr_assert_eq(c.status, 0,
				     "seed %u: check from %s after merging "
				     "sim%d:\n%s%s",
				     seed, base, b, c.out, c.err);
			e2e_free(&c);
		}
	}
	cr_assert_neq(e2e_sh(dir, "grep -rq '^<<<<<<<' .yoi"), 0,
		      "conflict markers left");
	/* Every event of every branch exactly once. */
	size_t blocks = 0;
	for (int b = 0; b < BRANCHES; b++) {
		for (int i = 0; i < nt[b]; i++) {
			const char *id = tk[b][i].id;
			char *mine = sh_out(
			    dir, "git show sim%d:.yoi/tickets/%s/thread.md", b,
			    id);
			cr_assert_not_null(mine);
			char *old =
			    i < BASE_TICKETS
				? sh_out(dir,
					 "git show "
					 "base:.yoi/tickets/%s/thread.md",
					 id)
				: strdup("");
			cr_assert_not_null(old);
			cr_assert(strncmp(mine, old, strlen(old)) == 0);
			char *final = e2e_read(dir, e2e_tpath(id, "thread.md"));
			char where[96];
			snprintf(where, sizeof(where), "seed %u sim%d %s", seed,
				 b, id);
			verify v = {final, where, 0};
			each_block(mine + strlen(old), once, &v);
			blocks += v.blocks;
			free(final);
			free(old);
			free(mine);
		}
		for (int k = 0; k < nrel[b]; k++) {
			if (!rels[b][k].kept)
				continue;
			char *rj = e2e_read(
			    dir, e2e_tpath(tk[b][rels[b][k].from].id,
					   "artifacts/relations.json"));
			cr_assert(strstr(rj, tk[b][rels[b][k].to].id),
				  "seed %u: relation of sim%d lost", seed, b);
			free(rj);
		}
	}
	cr_assert_gt(blocks, (size_t)BRANCHES * OPS / 2);
	r = RUN(dir, "doctor");
	cr_assert_eq(r.status, 0, "seed %u: doctor after the merges:\n%s%s",
		     seed, r.out, r.err);
	e2e_free(&r);
	e2e_rm(dir);
}

Test(merge_sim, seed_1, .timeout = 600)
{
	simulate(1);
}

Test(merge_sim, seed_2, .timeout = 600)
{
	simulate(20261124);
}

Test(merge_sim, seed_3, .timeout = 600)
{
	simulate(77);
}
