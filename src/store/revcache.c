/* revcache.c - the stat-validated links cache (who names whom). */
#include "yoi/revcache.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/store_int.h"
#include "yoi/diag.h"
#include "yoi/file.h"
#include "yoi/graph.h"
#include "yoi/par.h"
#include "yoi/plan.h"
#include "yoi/relations.h"

/* Format: magic, root, root key, count, entries, checksum before it. */
static const char magic[8] = {'Y', 'O', 'I', 'R', 'C', '0', '0', '1'};
#define NO_STRING   0xFFFFFFFFu
#define MAX_ENTRIES (16u * 1024 * 1024)
/* An entry stored racily clean: always re-read. */
#define STALE (1u << 1)

static bool key_eq(yoi_row_key a, yoi_row_key b)
{
	return a.size == b.size && a.mtime_ns == b.mtime_ns &&
	       a.ctime_ns == b.ctime_ns && a.ino == b.ino;
}

#ifdef YOI_FAULT_INJECTION
/* Test builds only: trust every stat at once, so that tests reach the
 * cached path without waiting (their edits change the size). */
static int64_t racy_ns(void)
{
	const char *f = getenv("YOI_FAULT");
	return f && (strcmp(f, "links-cache-no-racy") == 0 ||
		     strcmp(f, "links-cache-lie") == 0)
		   ? 0
		   : YOI_LISTCACHE_RACY_NS;
}
#else
#define racy_ns() YOI_LISTCACHE_RACY_NS
#endif

static bool racy(yoi_row_key k, int64_t now_ns)
{
	return k.ino && (k.mtime_ns > now_ns - racy_ns() ||
			 k.ctime_ns > now_ns - racy_ns());
}

void yoi_revcache_free(yoi_revcache *c)
{
	if (!c)
		return;
	free(c->e);
	free(c->targets);
	free(c->save_err);
	memset(c, 0, sizeof(*c));
}

const yoi_revcache_entry *yoi_revcache_find(const yoi_revcache *c,
					    const char *id)
{
	size_t lo = 0, hi = c->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(c->e[mid].id, id);
		if (cmp == 0)
			return &c->e[mid];
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ---- codec ----------------------------------------------------------------
 */

static void put_key(yoi_buf *b, yoi_row_key k)
{
	yoi_buf_put(b, (const char *)&k, sizeof(k));
}

int yoi_revcache_encode(yoi_buf *b, const yoi_revcache *c, const char *root,
			int64_t now_ns)
{
	yoi_buf_put(b, magic, sizeof(magic));
	uint32_t rl = (uint32_t)strlen(root);
	yoi_buf_put(b, (const char *)&rl, sizeof(rl));
	yoi_buf_put(b, root, rl);
	put_key(b, racy(c->root_key, now_ns) ? (yoi_row_key){0} : c->root_key);
	uint32_t n = (uint32_t)c->n;
	yoi_buf_put(b, (const char *)&n, sizeof(n));
	for (size_t i = 0; i < c->n; i++) {
		const yoi_revcache_entry *e = &c->e[i];
		uint32_t flags = e->flags;
		/* Racily clean: a change in the same tick could look equal. */
		if (racy(e->akey, now_ns) || racy(e->rkey, now_ns) ||
		    racy(e->pkey, now_ns))
			flags |= STALE;
		yoi_buf_put(b, e->id, YOI_ID_LEN);
		put_key(b, e->akey);
		put_key(b, e->rkey);
		put_key(b, e->pkey);
		yoi_buf_put(b, (const char *)&flags, sizeof(flags));
		yoi_buf_put(b, (const char *)&e->n, sizeof(e->n));
		for (uint32_t k = 0; k < e->n; k++) {
			const yoi_revcache_target *t =
			    &c->targets[e->first + k];
			yoi_buf_put(b, t->id, YOI_ID_LEN);
			yoi_buf_put(b, (const char *)&t->kind, 1);
		}
	}
	if (!b->ptr || yoi_buf_grow(b, 8) < 0)
		return YOI_ENOMEM;
	uint64_t h = yoi_cache_checksum(b->ptr, b->len);
	return yoi_buf_put(b, (const char *)&h, sizeof(h)) < 0 ? YOI_ENOMEM : 0;
}

static bool get_id(yoi_reader *r, char id[YOI_ID_LEN + 1])
{
	yoi_reader_get(r, id, YOI_ID_LEN);
	id[YOI_ID_LEN] = '\0';
	return !r->bad && yoi_id_valid(id);
}

int yoi_revcache_decode(yoi_revcache *c, const char *p, size_t len,
			const char *root)
{
	memset(c, 0, sizeof(*c));
	uint64_t h;
	if (len < sizeof(magic) + 8)
		return 0;
	memcpy(&h, p + len - 8, sizeof(h));
	if (yoi_cache_checksum(p, len - 8) != h)
		return 0;
	yoi_reader r = {p, len - 8, false};
	char m[sizeof(magic)];
	uint32_t rl = 0, n = 0;
	yoi_reader_get(&r, m, sizeof(m));
	yoi_reader_get(&r, &rl, sizeof(rl));
	size_t want = strlen(root);
	if (r.bad || memcmp(m, magic, sizeof(m)) != 0 || rl != want ||
	    r.left < rl || memcmp(r.p, root, rl) != 0)
		return 0;
	r.p += rl;
	r.left -= rl;
	yoi_reader_get(&r, &c->root_key, sizeof(c->root_key));
	yoi_reader_get(&r, &n, sizeof(n));
	/* Each entry takes at least 73 bytes: a count past them is bad. */
	if (r.bad || n > MAX_ENTRIES || n > r.left / 73)
		return 0;
	c->e = calloc(n ? n : 1, sizeof(*c->e));
	if (!c->e)
		return YOI_ENOMEM;
	size_t cap = 0;
	bool ok = true;
	for (uint32_t i = 0; ok && i < n; i++) {
		yoi_revcache_entry *e = &c->e[i];
		ok = get_id(&r, e->id);
		yoi_reader_get(&r, &e->akey, sizeof(e->akey));
		yoi_reader_get(&r, &e->rkey, sizeof(e->rkey));
		yoi_reader_get(&r, &e->pkey, sizeof(e->pkey));
		yoi_reader_get(&r, &e->flags, sizeof(e->flags));
		yoi_reader_get(&r, &e->n, sizeof(e->n));
		ok = ok && !r.bad && e->n <= r.left / (YOI_ID_LEN + 1) &&
		     (i == 0 || strcmp(c->e[i - 1].id, e->id) < 0);
		if (ok && c->ntargets + e->n > cap) {
			size_t nc = (c->ntargets + e->n) * 2 + 16;
			yoi_revcache_target *t =
			    realloc(c->targets, nc * sizeof(*t));
			if (!t) {
				yoi_revcache_free(c);
				return YOI_ENOMEM;
			}
			c->targets = t;
			cap = nc;
		}
		e->first = (uint32_t)c->ntargets;
		for (uint32_t k = 0; ok && k < e->n; k++) {
			yoi_revcache_target *t = &c->targets[c->ntargets++];
			ok = get_id(&r, t->id);
			yoi_reader_get(&r, &t->kind, 1);
			ok = ok && !r.bad && t->kind >= -1 &&
			     t->kind < YOI_GRAPH__KIND_COUNT;
		}
		c->n = i + 1;
	}
	if (!ok || r.bad || r.left != 0) {
		yoi_revcache_free(c);
		memset(c, 0, sizeof(*c));
	}
	return 0;
}

/* ---- validation and rebuild ---------------------------------------------- */

typedef struct ent_work {
	yoi_revcache_entry e;
	const yoi_revcache_target *src; /* fresh: the old cache's targets */
	yoi_revcache_target *own;	/* re-read: its own */
	bool miss;
	bool nomem;
} ent_work;

typedef struct load_job {
	int root_fd;
	const yoi_revcache *old;
	const yoi_strv *ids;
	ent_work *w;
} load_job;

static bool stat_at(int dirfd, const char *rel, struct stat *sb)
{
	return dirfd >= 0 && fstatat(dirfd, rel, sb, AT_SYMLINK_NOFOLLOW) == 0;
}

/* Whether the old entry still holds: its directory and files kept their
 * stat (no directory: still none). */
static bool fresh(int root_fd, const yoi_revcache_entry *o)
{
	if (o->flags & STALE)
		return false;
	char rel[128];
	struct stat sb;
	snprintf(rel, sizeof(rel), "%s/artifacts", o->id);
	if (!stat_at(root_fd, rel, &sb))
		return errno == ENOENT && o->akey.ino == 0;
	if (!S_ISDIR(sb.st_mode) || !o->akey.ino ||
	    !key_eq(yoi_row_key_of(&sb), o->akey))
		return false;
	if (o->rkey.ino) {
		snprintf(rel, sizeof(rel), "%s/artifacts/relations.json",
			 o->id);
		if (!stat_at(root_fd, rel, &sb) ||
		    !key_eq(yoi_row_key_of(&sb), o->rkey))
			return false;
	}
	if (o->pkey.ino) {
		snprintf(rel, sizeof(rel),
			 "%s/artifacts/orchestration-plan.jsonl", o->id);
		if (!stat_at(root_fd, rel, &sb) ||
		    !key_eq(yoi_row_key_of(&sb), o->pkey))
			return false;
	}
	return true;
}

static int push_target(ent_work *w, size_t *cap, const char *id, int kind)
{
	if (!yoi_id_valid(id))
		return 0;
	if (w->e.n == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		yoi_revcache_target *t = realloc(w->own, nc * sizeof(*t));
		if (!t)
			return YOI_ENOMEM;
		w->own = t;
		*cap = nc;
	}
	yoi_revcache_target *t = &w->own[w->e.n++];
	memcpy(t->id, id, YOI_ID_LEN + 1);
	t->kind = (int8_t)kind;
	return 0;
}

/*
 * One links file: its key (taken before the read: a later change only
 * misses) and its targets. Unreadable or bad records: BAD.
 */
static int read_file(ent_work *w, size_t *cap, int root_fd, bool plan,
		     yoi_row_key *key)
{
	char rel[128];
	struct stat sb;
	snprintf(rel, sizeof(rel), "%s/artifacts/%s", w->e.id,
		 plan ? "orchestration-plan.jsonl" : "relations.json");
	*key = (yoi_row_key){0};
	if (!stat_at(root_fd, rel, &sb)) {
		if (errno != ENOENT)
			w->e.flags |= YOI_REVCACHE_BAD | STALE;
		return 0;
	}
	*key = yoi_row_key_of(&sb);
	yoi_buf b = YOI_BUF_INIT;
	yoi_error err;
	int rc = yoi_file_read_at(root_fd, rel,
				  plan ? YOI_PLAN_FILE_MAX : YOI_REL_FILE_MAX,
				  &b, &err);
	if (rc < 0) {
		yoi_buf_free(&b);
		w->e.flags |= YOI_REVCACHE_BAD;
		return rc == YOI_ENOMEM ? rc : 0;
	}
	if (plan) {
		yoi_plan *p = NULL;
		rc = yoi_plan_parse(&p, b.ptr, b.len, w->e.id, rel, NULL, &err);
		if (rc < 0 || (p && p->nerrors))
			w->e.flags |= YOI_REVCACHE_BAD;
		for (size_t k = 0; rc == 0 && p && k < p->n; k++)
			if (p->v[k].related_ticket[0])
				rc = push_target(
				    w, cap, p->v[k].related_ticket,
				    yoi_graph_kind_from_plan(
					yoi_plan_kind_name(p->v[k].kind)));
		yoi_plan_free(p);
	} else {
		yoi_relations *rs = NULL;
		rc = yoi_relations_parse(&rs, b.ptr, b.len, w->e.id, rel, NULL,
					 &err);
		if (rc < 0 || (rs && rs->nerrors))
			w->e.flags |= YOI_REVCACHE_BAD;
		for (size_t k = 0; rc == 0 && rs && k < rs->n; k++)
			rc = push_target(w, cap, rs->v[k].target,
					 yoi_graph_kind_from_relation(
					     yoi_rel_kind_name(rs->v[k].kind)));
		yoi_relations_free(rs);
	}
	yoi_buf_free(&b);
	return rc == YOI_ENOMEM ? rc : 0;
}

static void reread(ent_work *w, int root_fd)
{
	char rel[128];
	struct stat sb;
	size_t cap = 0;
	snprintf(rel, sizeof(rel), "%s/artifacts", w->e.id);
	if (!stat_at(root_fd, rel, &sb)) {
		if (errno != ENOENT)
			w->e.flags |= YOI_REVCACHE_BAD | STALE;
		return;
	}
	w->e.akey = yoi_row_key_of(&sb);
	if (!S_ISDIR(sb.st_mode)) {
		/* Not a directory: routing reports it; check it each time. */
		w->e.flags |= YOI_REVCACHE_BAD | STALE;
		return;
	}
	if (read_file(w, &cap, root_fd, false, &w->e.rkey) < 0 ||
	    read_file(w, &cap, root_fd, true, &w->e.pkey) < 0)
		w->nomem = true;
}

static void load_nth(void *ctx, size_t i, unsigned worker)
{
	(void)worker;
	load_job *j = ctx;
	ent_work *w = &j->w[i];
	const char *id = j->ids->v[i];
	const yoi_revcache_entry *o = yoi_revcache_find(j->old, id);
	if (o && fresh(j->root_fd, o)) {
		w->e = *o;
		w->src = &j->old->targets[o->first];
		return;
	}
	memset(&w->e, 0, sizeof(w->e));
	memcpy(w->e.id, id, YOI_ID_LEN + 1);
	w->miss = true;
	reread(w, j->root_fd);
}

/* Assemble c from the work items (every entry, sorted by id). */
static int assemble(yoi_revcache *c, ent_work *w, size_t n)
{
	size_t nt = 0;
	for (size_t i = 0; i < n; i++)
		nt += w[i].e.n;
	c->e = calloc(n ? n : 1, sizeof(*c->e));
	c->targets = calloc(nt ? nt : 1, sizeof(*c->targets));
	if (!c->e || !c->targets)
		return YOI_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const yoi_revcache_target *src = w[i].own ? w[i].own : w[i].src;
		c->e[i] = w[i].e;
		c->e[i].first = (uint32_t)c->ntargets;
		if (w[i].e.n)
			memcpy(&c->targets[c->ntargets], src,
			       w[i].e.n * sizeof(*src));
		c->ntargets += w[i].e.n;
		c->misses += w[i].miss;
	}
	c->n = n;
	return 0;
}

#ifdef YOI_FAULT_INJECTION
/* Test builds only: the cache written half, then a crash. */
static bool torn_write(const char *path, const yoi_buf *b)
{
	const char *f = getenv("YOI_FAULT");
	if (!f || strcmp(f, "links-cache-torn") != 0)
		return false;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0) {
		ssize_t w = write(fd, b->ptr, b->len / 2);
		(void)w;
		close(fd);
	}
	raise(SIGKILL);
	return true;
}
#else
#define torn_write(path, b) false
#endif

/* Rewrite the cache file; no fsync: a torn file fails its checksum. */
static void save(yoi_revcache *c, const yoi_store *st, const char *path)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	yoi_buf b = YOI_BUF_INIT;
	yoi_error err;
	char et[YOI_ERRTEXT_MAX];
#ifdef YOI_FAULT_INJECTION
	/* Test builds only: a cache that forgot every link (for doctor). */
	const char *f = getenv("YOI_FAULT");
	for (size_t i = 0; f && strcmp(f, "links-cache-lie") == 0 && i < c->n;
	     i++)
		c->e[i].n = 0;
#endif
	int rc = yoi_revcache_encode(
	    &b, c, st->root, (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
	if (rc < 0)
		c->save_err = yoi_strdup("out of memory");
	else if (!torn_write(path, &b) &&
		 yoi_file_replace(path, b.ptr, b.len, false, &err) < 0)
		c->save_err = yoi_strdup(yoi_error_text(&err, et, sizeof(et)));
	yoi_buf_free(&b);
}

static int read_cache(yoi_revcache *old, const char *path, const char *root)
{
	memset(old, 0, sizeof(*old));
	yoi_buf b = YOI_BUF_INIT;
	yoi_error err;
	int rc = 0;
	if (path && yoi_file_read(path, YOI_FILE_MAX, &b, &err) == 0)
		rc = yoi_revcache_decode(old, b.ptr, b.len, root);
	yoi_buf_free(&b);
	return rc;
}

int yoi_revcache_load(yoi_revcache *c, const yoi_store *st, yoi_error *err)
{
	memset(c, 0, sizeof(*c));
	char *path = yoi_store_cache_path(st, YOI_REVCACHE_NAME);
	yoi_revcache old;
	yoi_strv ids = {0};
	ent_work *w = NULL;
	int root_fd = open(st->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct stat sb;
	int rc = 0;
	if (root_fd < 0 || fstat(root_fd, &sb) < 0) {
		rc = yoi_error_set(err, YOI_EIO, st->root, 0,
				   "%s: cannot open the tickets root: %s",
				   st->root, strerror(errno));
		memset(&old, 0, sizeof(old));
		goto out;
	}
	if (read_cache(&old, path, st->root) < 0) {
		rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	c->root_key = yoi_row_key_of(&sb);
	/* The root kept its stat: no ticket directory came or went. */
	if (old.root_key.ino && key_eq(old.root_key, c->root_key)) {
		for (size_t i = 0; rc == 0 && i < old.n; i++)
			if (yoi_strv_push(&ids, old.e[i].id) < 0)
				rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0,
						   "out of memory");
	} else {
		c->ids_listed = true;
		rc = yoi_store_ids(st, &ids, err);
	}
	if (rc < 0)
		goto out;
	w = calloc(ids.n ? ids.n : 1, sizeof(*w));
	if (!w) {
		rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	load_job j = {root_fd, &old, &ids, w};
	yoi_par_for(ids.n, yoi_par_threads(ids.n), load_nth, &j);
	for (size_t i = 0; i < ids.n; i++)
		if (w[i].nomem)
			rc = YOI_ENOMEM;
	if (rc == 0)
		rc = assemble(c, w, ids.n);
	if (rc < 0) {
		rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	if (path && (c->misses || c->ids_listed))
		save(c, st, path);
out:
	for (size_t i = 0; w && i < ids.n; i++)
		free(w[i].own);
	free(w);
	yoi_strv_free(&ids);
	yoi_revcache_free(&old);
	if (root_fd >= 0)
		close(root_fd);
	free(path);
	if (rc < 0)
		yoi_revcache_free(c);
	return rc;
}

/* ---- the neighbourhood ------------------------------------------------------
 */

static size_t index_of(const yoi_revcache *c, const char *id)
{
	const yoi_revcache_entry *e = yoi_revcache_find(c, id);
	return e ? (size_t)(e - c->e) : (size_t)-1;
}

/* Edge kinds where the owner waits for the target, and the reverse. */
static bool waits_fwd(int k)
{
	return k == YOI_GRAPH_DEPENDS_ON || k == YOI_GRAPH_PLAN_BLOCKED_BY;
}

static bool waits_back(int k)
{
	return k == YOI_GRAPH_BLOCKS || k == YOI_GRAPH_PLAN_BLOCKS;
}

int yoi_revcache_near(const yoi_revcache *c, const char *const *seeds,
		      size_t nseeds, bool waits, yoi_strv *out)
{
	size_t n = c->n;
	size_t *tgt = calloc(c->ntargets ? c->ntargets : 1, sizeof(*tgt));
	size_t *ioff = calloc(n + 1, sizeof(*ioff));
	size_t *isrc = calloc(c->ntargets ? c->ntargets : 1, sizeof(*isrc));
	int8_t *ikind = calloc(c->ntargets ? c->ntargets : 1, 1);
	size_t *queue = calloc(n ? n : 1, sizeof(*queue));
	unsigned char *seen = calloc(n ? n : 1, 1);
	int rc = 0;
	if (!tgt || !ioff || !isrc || !ikind || !queue || !seen) {
		rc = YOI_ENOMEM;
		goto out;
	}
	/* Incoming edges, by target: a counting sort of the sources. */
	for (size_t i = 0; i < n; i++)
		for (uint32_t k = 0; k < c->e[i].n; k++) {
			size_t f = c->e[i].first + k;
			tgt[f] = index_of(c, c->targets[f].id);
			if (tgt[f] != (size_t)-1)
				ioff[tgt[f] + 1]++;
		}
	for (size_t i = 0; i < n; i++)
		ioff[i + 1] += ioff[i];
	size_t *fill = calloc(n ? n : 1, sizeof(*fill));
	if (!fill) {
		rc = YOI_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		for (uint32_t k = 0; k < c->e[i].n; k++) {
			size_t f = c->e[i].first + k, t = tgt[f];
			if (t != (size_t)-1) {
				ikind[ioff[t] + fill[t]] = c->targets[f].kind;
				isrc[ioff[t] + fill[t]++] = i;
			}
		}
	free(fill);
	size_t qn = 0, qi = 0;
	for (size_t s = 0; s < nseeds; s++) {
		size_t i = index_of(c, seeds[s]);
		if (i != (size_t)-1 && !seen[i]) {
			seen[i] = 1;
			queue[qn++] = i;
		}
	}
	/* Breadth first: one step over every edge, or every waits-for. */
	size_t expand = qn;
	while (qi < qn && (waits || qi < expand)) {
		size_t v = queue[qi++];
		for (uint32_t k = 0; k < c->e[v].n; k++) {
			size_t f = c->e[v].first + k, t = tgt[f];
			if (t != (size_t)-1 && !seen[t] &&
			    (!waits || waits_fwd(c->targets[f].kind))) {
				seen[t] = 1;
				queue[qn++] = t;
			}
		}
		for (size_t k = ioff[v]; k < ioff[v + 1]; k++)
			if (!seen[isrc[k]] &&
			    (!waits || waits_back(ikind[k]))) {
				seen[isrc[k]] = 1;
				queue[qn++] = isrc[k];
			}
	}
	for (size_t i = 0; rc == 0 && i < n; i++)
		if ((seen[i] || (c->e[i].flags & YOI_REVCACHE_BAD)) &&
		    yoi_strv_push(out, c->e[i].id) < 0)
			rc = YOI_ENOMEM;
out:
	free(tgt);
	free(ioff);
	free(isrc);
	free(ikind);
	free(queue);
	free(seen);
	return rc;
}

/* ---- doctor
 * ------------------------------------------------------------------ */

static bool same_targets(const yoi_revcache_target *a, uint32_t na,
			 const yoi_revcache_target *b, uint32_t nb)
{
	if (na != nb)
		return false;
	for (uint32_t k = 0; k < na; k++)
		if (strcmp(a[k].id, b[k].id) != 0 || a[k].kind != b[k].kind)
			return false;
	return true;
}

int yoi_revcache_check(const yoi_store *st, const yoi_revcache *seen,
		       yoi_diag *d, yoi_error *err)
{
	char *path = yoi_store_cache_path(st, YOI_REVCACHE_NAME);
	yoi_revcache old;
	int rc = path ? read_cache(&old, path, st->root) : 0;
	if (!path)
		memset(&old, 0, sizeof(old));
	int bad = 0;
	for (size_t i = 0; rc == 0 && i < old.n; i++) {
		const yoi_revcache_entry *o = &old.e[i];
		const yoi_revcache_entry *w = yoi_revcache_find(seen, o->id);
		if (!w || (o->flags & STALE) || !key_eq(w->akey, o->akey) ||
		    !key_eq(w->rkey, o->rkey) || !key_eq(w->pkey, o->pkey))
			continue; /* stale: it would be re-read anyway */
		if (same_targets(&old.targets[o->first], o->n,
				 &seen->targets[w->first], w->n) &&
		    (o->flags & YOI_REVCACHE_BAD) ==
			(w->flags & YOI_REVCACHE_BAD))
			continue;
		bad++;
		yoi_diag_add(d, YOI_DIAG_WARNING, "links-cache-stale", path, 0,
			     "the links cache disagrees with %s/artifacts "
			     "although its files kept their stat; the cache "
			     "was removed and the next command rebuilds it",
			     o->id);
	}
	yoi_revcache_free(&old);
	free(path);
	if (rc < 0)
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	if (bad)
		return yoi_revcache_drop(st, err);
	return 0;
}

int yoi_revcache_drop(const yoi_store *st, yoi_error *err)
{
	char *path = yoi_store_cache_path(st, YOI_REVCACHE_NAME);
	int rc = 0;
	if (path && unlink(path) < 0 && errno != ENOENT)
		rc = yoi_error_set(err, YOI_EIO, path, 0,
				   "%s: cannot remove the links cache: %s",
				   path, strerror(errno));
	free(path);
	return rc;
}
