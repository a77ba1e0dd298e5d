/* gitview.c - versions of the tickets read from git objects: a commit's
 * tree or the index, without a checkout. */
#include <git2.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "git/gitops.h"
#include "gitint.h"
#include "yoi/file.h"
#include "yoi/id.h"
#include "yoi/par.h"

struct yoi_git_view {
	git_repository *repo; /* borrowed */
	git_tree *tree;	      /* NULL: empty, or the index */
	git_index *index;     /* the index view */
	/*
	 * The tickets root's subtree, looked up once: libgit2 caches no
	 * tree over 4 KiB, so every path lookup through the root would
	 * inflate its ~400 KB tree again (10,000 tickets).
	 */
	char *root;
	size_t root_len;
	git_tree *root_tree;
	bool root_looked;
};

int yoi_git_view_set_root(yoi_git_view *v, const char *prefix)
{
	free(v->root);
	git_tree_free(v->root_tree);
	v->root_tree = NULL;
	v->root_looked = false;
	v->root = prefix ? yoi_strdup(prefix) : NULL;
	v->root_len = v->root ? strlen(v->root) : 0;
	return prefix && !v->root ? YOI_ENOMEM : 0;
}

/*
 * The tree to look path up in, and the path relative to it: the cached
 * root subtree for paths under the root. NULL: nothing there.
 */
static const git_tree *tree_for(const yoi_git_view *cv, const char *path,
				const char **rest)
{
	yoi_git_view *v = (yoi_git_view *)cv; /* the cache only */
	*rest = path;
	if (!v->tree || !v->root || strncmp(path, v->root, v->root_len) != 0 ||
	    path[v->root_len] != '/')
		return v->tree;
	if (!v->root_looked) {
		git_tree_entry *te = NULL;
		if (git_tree_entry_bypath(&te, v->tree, v->root) == 0 &&
		    git_tree_entry_type(te) == GIT_OBJECT_TREE)
			git_tree_lookup(&v->root_tree, v->repo,
					git_tree_entry_id(te));
		git_tree_entry_free(te);
		v->root_looked = true;
	}
	*rest = path + v->root_len + 1;
	return v->root_tree;
}

int yoi_git_view_open(yoi_git_view **out, git_repository *repo, const char *rev,
		      yoi_error *err)
{
	*out = NULL;
	yoi_git_view *v = calloc(1, sizeof(*v));
	if (!v)
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	v->repo = repo;
	int rc = 0, grc;
	if (!rev) {
		if ((grc = git_repository_index(&v->index, repo)) < 0)
			rc = yoi_git_fail(err, grc, "the index");
	} else {
		char hex[YOI_GIT_OID_HEX + 1];
		git_oid oid;
		git_commit *c = NULL;
		rc = yoi_git_resolve(repo, rev, hex, err);
		if (rc == 0 && ((grc = git_oid_fromstr(&oid, hex)) < 0 ||
				(grc = git_commit_lookup(&c, repo, &oid)) < 0 ||
				(grc = git_commit_tree(&v->tree, c)) < 0))
			rc = yoi_git_fail(err, grc, rev);
		git_commit_free(c);
	}
	if (rc < 0) {
		yoi_git_view_free(v);
		return rc;
	}
	*out = v;
	return 0;
}

int yoi_git_view_index(yoi_git_view **out, git_repository *repo,
		       const char *index_path, yoi_error *err)
{
	if (!index_path || !*index_path)
		return yoi_git_view_open(out, repo, NULL, err);
	*out = NULL;
	yoi_git_view *v = calloc(1, sizeof(*v));
	if (!v)
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	v->repo = repo;
	int grc = git_index_open(&v->index, index_path);
	if (grc < 0) {
		yoi_git_view_free(v);
		return yoi_git_fail(err, grc, index_path);
	}
	*out = v;
	return 0;
}

int yoi_git_view_head(yoi_git_view **out, git_repository *repo, yoi_error *err)
{
	int unborn = git_repository_head_unborn(repo);
	if (unborn < 0)
		return yoi_git_fail(err, unborn, "HEAD");
	if (!unborn)
		return yoi_git_view_open(out, repo, "HEAD", err);
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	(*out)->repo = repo;
	return 0;
}

void yoi_git_view_free(yoi_git_view *v)
{
	if (!v)
		return;
	git_tree_free(v->tree);
	git_index_free(v->index);
	git_tree_free(v->root_tree);
	free(v->root);
	free(v);
}

static int blob_into(git_repository *repo, const git_oid *id, const char *path,
		     size_t limit, yoi_buf *out, yoi_error *err)
{
	git_blob *blob = NULL;
	int grc = git_blob_lookup(&blob, repo, id);
	if (grc < 0)
		return yoi_git_fail(err, grc, path);
	git_object_size_t n = git_blob_rawsize(blob);
	int rc = 0;
	yoi_buf_clear(out);
	if (n > limit)
		rc = yoi_error_set(err, YOI_ECORRUPT, path, 0,
				   "%s: %llu bytes is over the limit of %zu",
				   path, (unsigned long long)n, limit);
	else if (yoi_buf_put(out, git_blob_rawcontent(blob), (size_t)n) < 0 ||
		 yoi_buf_grow(out, 1) < 0)
		rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	else
		out->ptr[out->len] = '\0';
	git_blob_free(blob);
	return rc;
}

int yoi_git_view_read(const yoi_git_view *v, const char *path, size_t limit,
		      yoi_buf *out, yoi_error *err)
{
	if (v->index) {
		const git_index_entry *e =
		    git_index_get_bypath(v->index, path, 0);
		if (!e)
			return YOI_ENOTFOUND;
		return blob_into(v->repo, &e->id, path, limit, out, err);
	}
	const char *rest;
	const git_tree *t = tree_for(v, path, &rest);
	if (!t)
		return YOI_ENOTFOUND;
	git_tree_entry *te = NULL;
	int grc = git_tree_entry_bypath(&te, t, rest);
	if (grc == GIT_ENOTFOUND)
		return YOI_ENOTFOUND;
	if (grc < 0)
		return yoi_git_fail(err, grc, path);
	int rc = git_tree_entry_type(te) == GIT_OBJECT_BLOB
		     ? blob_into(v->repo, git_tree_entry_id(te), path, limit,
				 out, err)
		     : YOI_ENOTFOUND;
	git_tree_entry_free(te);
	return rc;
}

bool yoi_git_view_has(const yoi_git_view *v, const char *path)
{
	if (v->index)
		return git_index_get_bypath(v->index, path, 0) != NULL;
	const char *rest;
	const git_tree *t = tree_for(v, path, &rest);
	if (!t)
		return false;
	git_tree_entry *te = NULL;
	bool has = git_tree_entry_bypath(&te, t, rest) == 0 &&
		   git_tree_entry_type(te) == GIT_OBJECT_BLOB;
	git_tree_entry_free(te);
	return has;
}

/* The ID in "<prefix>/<ID>/...", pushed once (paths come sorted). */
static int push_id(yoi_strv *ids, const char *path, const char *prefix)
{
	size_t n = strlen(prefix);
	if (strncmp(path, prefix, n) != 0 || path[n] != '/')
		return 0;
	const char *p = path + n + 1;
	if (strlen(p) < YOI_ID_LEN || (p[YOI_ID_LEN] && p[YOI_ID_LEN] != '/'))
		return 0;
	char id[YOI_ID_LEN + 1];
	memcpy(id, p, YOI_ID_LEN);
	id[YOI_ID_LEN] = '\0';
	if (!yoi_id_valid(id) ||
	    (ids->n && strcmp(ids->v[ids->n - 1], id) == 0))
		return 0;
	return yoi_strv_push(ids, id);
}

/*
 * A commit's tree against the index, for the tickets under prefix.
 *
 * git_diff_tree_to_index reads every ticket's subtree on the tree side:
 * about 200 ms on a packed store of 10,000 tickets, against a pre-commit
 * budget of 50 ms. git_index_write_tree would give the index side's trees,
 * but it writes every tree object and looks each directory up in the
 * cache-tree linearly (quadratic in tickets; 1.8 s measured). So each ticket
 * directory's tree id is computed from its index entries, exactly the id git
 * would write (git_odb_hash hashes the serialized entries), and compared
 * with the one entry for that ticket in the tree's tickets directory: one
 * tree read and one hash per ticket directory.
 */
#define MEMO_MAX 256 /* bytes of a tree remembered with its id */

typedef struct tree_hasher {
	git_index *ix;
	size_t i, n; /* the next entry, the entry count */
	yoi_buf buf; /* serialized entries, a region per open directory */
	/* The last small tree hashed below a ticket's own: most tickets'
	 * artifacts/ hold the same entries (an empty .gitkeep), so its id is
	 * asked again and again. A ticket's own tree (unique blob ids) is
	 * never remembered, or it would evict the next artifacts/. */
	size_t memo_len;
	unsigned char memo[MEMO_MAX];
	git_oid memo_id;
	/* A ticket's own tree (depth 0): its bytes, when known from the tree
	 * id cache, give the id without hashing; the bytes are kept for the
	 * next cache. */
	const char *known; /* the cached bytes, or NULL */
	size_t known_len;
	const git_oid *known_id;
	char *kept; /* a copy of the bytes (the caller frees) */
	size_t kept_len;
} tree_hasher;

/* Append one tree entry: "<octal mode> <name>\0<raw id>". */
static int put_entry(yoi_buf *b, unsigned mode, const char *name, size_t nl,
		     const unsigned char *id)
{
	if (yoi_buf_grow(b, 12 + nl + 1 + GIT_OID_RAWSZ) < 0)
		return YOI_ENOMEM;
	char digits[12];
	size_t k = sizeof(digits);
	do
		digits[--k] = (char)('0' + (mode & 7));
	while ((mode >>= 3) && k);
	char *p = b->ptr + b->len;
	memcpy(p, digits + k, sizeof(digits) - k);
	p += sizeof(digits) - k;
	*p++ = ' ';
	memcpy(p, name, nl);
	p += nl;
	*p++ = '\0';
	memcpy(p, id, GIT_OID_RAWSZ);
	p += GIT_OID_RAWSZ;
	b->len = (size_t)(p - b->ptr);
	b->ptr[b->len] = '\0';
	return 0;
}

/*
 * Hash the directory dir (dl bytes, ending in '/') whose entries start at
 * h->i, leaving h->i past them. Index order is git's tree order (a directory
 * sorts as its name plus '/'), so entries serialize as they come. Returns 1
 * with *out set, 0 when the directory has no tree id yet (an unmerged
 * entry: the caller counts it as changed), or a negative YOI_E* code.
 * Intent-to-add entries are left out, as git leaves them out of a commit.
 */
static int hash_dir(tree_hasher *h, const char *dir, size_t dl, unsigned depth,
		    git_oid *out)
{
	size_t start = h->buf.len;
	int ok = 1;
	while (h->i < h->n) {
		const git_index_entry *e = git_index_get_byindex(h->ix, h->i);
		if (strncmp(e->path, dir, dl) != 0)
			break;
		const char *name = e->path + dl;
		const char *slash = strchr(name, '/');
		const unsigned char *id = e->id.id;
		git_oid sub = {{0}}; /* unset when the directory has no id */
		unsigned mode = 040000;
		if (slash) {
			int r =
			    hash_dir(h, e->path, (size_t)(slash - e->path) + 1,
				     depth + 1, &sub);
			if (r < 0)
				return r;
			ok &= r;
			id = sub.id;
		} else {
			h->i++;
			if (e->flags_extended & GIT_INDEX_ENTRY_INTENT_TO_ADD)
				continue; /* not in the commit, as in git */
			if (git_index_entry_stage(e) != 0)
				ok = 0;
			mode = e->mode;
		}
		size_t nl = slash ? (size_t)(slash - name) : strlen(name);
		if (put_entry(&h->buf, mode, name, nl, id) < 0)
			return YOI_ENOMEM;
	}
	const char *tree = h->buf.ptr + start;
	size_t len = h->buf.len - start;
	bool hit = ok && depth == 0 && h->known && h->known_len == len &&
		   memcmp(h->known, tree, len) == 0;
	if (ok && depth == 0 && !hit) { /* keep the bytes for the cache */
		if (!(h->kept = malloc(len ? len : 1)))
			return YOI_ENOMEM;
		memcpy(h->kept, tree, len);
		h->kept_len = len;
	}
	if (hit) {
		git_oid_cpy(out, h->known_id); /* kept stays NULL */
	} else if (ok && h->memo_len == len &&
		   memcmp(h->memo, tree, len) == 0) {
		git_oid_cpy(out, &h->memo_id);
	} else if (ok) {
		if (git_odb_hash(out, tree, len, GIT_OBJECT_TREE) < 0)
			return YOI_EIO;
		if (depth > 0 && len <= MEMO_MAX) {
			memcpy(h->memo, tree, len);
			h->memo_len = len;
			git_oid_cpy(&h->memo_id, out);
		}
	}
	h->buf.len = start;
	if (h->buf.ptr)
		h->buf.ptr[start] = '\0';
	return ok;
}

/* The next ticket directory in tickets from *j on (NULL at the end). */
static const git_tree_entry *next_ticket(git_tree *tickets, size_t *j)
{
	size_t n = tickets ? git_tree_entrycount(tickets) : 0;
	for (; *j < n; ++*j) {
		const git_tree_entry *te = git_tree_entry_byindex(tickets, *j);
		if (yoi_id_valid(git_tree_entry_name(te)))
			return te;
	}
	return NULL;
}

/*
 * The tree id cache, <gitdir>/yoi-tree-ids: for each ticket directory of
 * the index, the bytes of its tree object (its entries, serialized as git
 * does) and the id git gives them, as git's own index keeps tree ids (its
 * cache-tree extension, which libgit2 does not expose). pre-commit then
 * compares each ticket's serialized entries with the cached bytes (a
 * memcmp) instead of hashing them; only changed tickets are hashed. The
 * bytes themselves are compared, so a stale entry can only cost a hash,
 * never give a wrong id. The file ends in the caches' checksum
 * (yoi_cache_checksum) of what comes before: a torn or corrupt file is ignored
 * (and rewritten). It is rewritten when any ticket missed, never committed (it
 * lives in the git directory), and written atomically without fsync: losing it
 * costs one slower hook.
 *
 * Layout: "YOITREE1\n", then per entry the ticket ID (13 bytes), the
 * tree's length (4 bytes, little-endian), the bytes, the id (20 bytes);
 * then the checksum (8 bytes, little-endian). Entries in ID order.
 */
#define TREE_CACHE_MAGIC "YOITREE1\n"
#define TREE_CACHE_MAX	 ((size_t)64 << 20)

typedef struct tree_cache_entry {
	char id[YOI_ID_LEN + 1];
	const char *bytes; /* into the file's buffer */
	size_t len;
	git_oid oid;
} tree_cache_entry;

typedef struct tree_cache {
	yoi_buf file;
	tree_cache_entry *v;
	size_t n, cap;
} tree_cache;

static uint64_t get_le(const char *p, size_t n)
{
	uint64_t v = 0;
	for (size_t i = n; i-- > 0;)
		v = v << 8 | (unsigned char)p[i];
	return v;
}

static int put_le(yoi_buf *b, uint64_t v, size_t n)
{
	char d[8];
	for (size_t i = 0; i < n; i++, v >>= 8)
		d[i] = (char)(v & 0xff);
	return yoi_buf_put(b, d, n);
}

/* Load the cache at path; an unreadable, torn or corrupt one is empty. */
static void tree_cache_load(tree_cache *c, const char *path)
{
	yoi_error e;
	memset(c, 0, sizeof(*c));
	if (!path || yoi_file_read(path, TREE_CACHE_MAX, &c->file, &e) < 0)
		return;
	const char *p = c->file.ptr;
	size_t n = c->file.len, ml = strlen(TREE_CACHE_MAGIC);
	if (n < ml + 8 || memcmp(p, TREE_CACHE_MAGIC, ml) != 0 ||
	    yoi_cache_checksum(p, n - 8) != get_le(p + n - 8, 8))
		return;
	size_t off = ml, end = n - 8;
	while (off < end) {
		if (end - off < YOI_ID_LEN + 4 ||
		    YOI_GROW(c->v, c->n, c->cap, 1024) < 0)
			break;
		tree_cache_entry *t = &c->v[c->n];
		memcpy(t->id, p + off, YOI_ID_LEN);
		t->id[YOI_ID_LEN] = '\0';
		t->len = (size_t)get_le(p + off + YOI_ID_LEN, 4);
		off += YOI_ID_LEN + 4;
		if (t->len > end - off || end - off - t->len < GIT_OID_RAWSZ)
			break;
		t->bytes = p + off;
		git_oid_fromraw(&t->oid,
				(const unsigned char *)p + off + t->len);
		off += t->len + GIT_OID_RAWSZ;
		c->n++;
	}
	if (off != end) /* a record cut short: trust none of it */
		c->n = 0;
}

static void tree_cache_free(tree_cache *c)
{
	yoi_buf_free(&c->file);
	free(c->v);
}

/* The entry of ticket id, searching on from *k (both sides in ID order). */
static const tree_cache_entry *tree_cache_find(const tree_cache *c,
					       const char *id, size_t *k)
{
	while (*k < c->n && strcmp(c->v[*k].id, id) < 0)
		++*k;
	return *k < c->n && strcmp(c->v[*k].id, id) == 0 ? &c->v[*k] : NULL;
}

/* One name under the tickets root: a directory's entries [i0, ...) with
 * its path prefix (glen bytes, ending in '/'), or a file (glen 0). */
typedef struct hash_group {
	size_t i0;
	const char *path;
	size_t glen;
	git_oid oid; /* a directory's tree id, when r is 1 */
	int r;	     /* hash_dir's answer (1 for a file) */
	const struct tree_cache_entry *known; /* from the cache, or NULL */
	char *bytes; /* the directory's tree, serialized (for the cache) */
	size_t len;
} hash_group;

typedef struct hash_job {
	git_index *ix;
	size_t n;
	hash_group *g;
	size_t ng, cap;
	tree_hasher *h; /* one per worker: its buffer and memo */
} hash_job;

/* yoi_par_fn: hash group i's directory on worker w's hasher. */
static void hash_group_fn(void *ctx, size_t i, unsigned w)
{
	hash_job *job = ctx;
	hash_group *g = &job->g[i];
	if (!g->glen)
		return;
	tree_hasher *h = &job->h[w];
	h->i = g->i0;
	h->known = g->known ? g->known->bytes : NULL;
	h->known_len = g->known ? g->known->len : 0;
	h->known_id = g->known ? &g->known->oid : NULL;
	h->kept = NULL;
	g->r = hash_dir(h, g->path, g->glen, 0, &g->oid);
	g->bytes = h->kept;
	g->len = h->kept_len;
}

/*
 * Write the cache of the groups just hashed when it differs from what was
 * loaded (a ticket missed, or tickets came or went). Failure is silent:
 * the cache only saves time.
 */
static void tree_cache_save(const hash_job *job, size_t dl, const char *path,
			    const tree_cache *old)
{
	size_t n = 0, hits = 0;
	for (size_t gi = 0; gi < job->ng; gi++) {
		const hash_group *g = &job->g[gi];
		if (g->glen == dl + YOI_ID_LEN + 1 && g->r == 1) {
			n++;
			hits += !g->bytes;
		}
	}
	if (!path || (hits == n && n == old->n))
		return;
	yoi_buf b = YOI_BUF_INIT;
	yoi_buf_puts(&b, TREE_CACHE_MAGIC);
	for (size_t gi = 0; gi < job->ng; gi++) {
		const hash_group *g = &job->g[gi];
		if (g->glen != dl + YOI_ID_LEN + 1 || g->r != 1)
			continue;
		/* A hit kept no copy: its bytes are the cache's. */
		const char *bytes = g->bytes ? g->bytes : g->known->bytes;
		size_t len = g->bytes ? g->len : g->known->len;
		yoi_buf_put(&b, g->path + dl, YOI_ID_LEN);
		put_le(&b, len, 4);
		yoi_buf_put(&b, bytes, len);
		yoi_buf_put(&b, (const char *)g->oid.id, GIT_OID_RAWSZ);
	}
	if (!yoi_buf_oom(&b))
		put_le(&b, yoi_cache_checksum(b.ptr, b.len), 8);
	yoi_error e;
	if (!yoi_buf_oom(&b))
		yoi_file_replace(path, b.ptr, b.len, false, &e);
	yoi_buf_free(&b);
}

/*
 * The ticket IDs whose directory differs between tree and ix, pushed in
 * order. IDs have one length and no '/', so both sides list ticket
 * directories in strcmp order (git's tree order, the index's path order):
 * one merge pass pairs them up.
 */
static int changed_tree_index(git_repository *repo, git_tree *tree,
			      git_index *ix, const char *prefix, yoi_strv *ids,
			      yoi_error *err)
{
	git_tree *tickets = NULL;
	if (tree) {
		git_tree_entry *te = NULL;
		int grc = git_tree_entry_bypath(&te, tree, prefix);
		if (grc == 0 && git_tree_entry_type(te) == GIT_OBJECT_TREE)
			grc = git_tree_lookup(&tickets, repo,
					      git_tree_entry_id(te));
		git_tree_entry_free(te);
		if (grc < 0 && grc != GIT_ENOTFOUND)
			return yoi_git_fail(err, grc, prefix);
	}
	char *dir = yoi_sprintf("%s/", prefix);
	if (!dir) {
		git_tree_free(tickets);
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	}
	size_t dl = strlen(dir);
	size_t n = git_index_entrycount(ix), start = 0;
	if (git_index_find_prefix(&start, ix, dir) < 0)
		start = n;
	/* Each directory's entries are contiguous (index order): one group
	 * per name under the root, hashed in parallel, then paired with the
	 * tree's entries in one pass. */
	hash_job job = {.ix = ix, .n = n};
	int rc = 0;
	for (size_t i = start; rc == 0 && i < n;) {
		const git_index_entry *e = git_index_get_byindex(ix, i);
		if (strncmp(e->path, dir, dl) != 0)
			break;
		const char *slash = strchr(e->path + dl, '/');
		size_t glen = slash ? (size_t)(slash - e->path) + 1 : 0;
		size_t k = i + 1;
		while (glen && k < n &&
		       strncmp(git_index_get_byindex(ix, k)->path, e->path,
			       glen) == 0)
			k++;
		if (YOI_GROW(job.g, job.ng, job.cap, 256) < 0) {
			rc = YOI_ENOMEM;
			break;
		}
		job.g[job.ng++] = (hash_group){
		    .i0 = i, .path = e->path, .glen = glen, .r = 1};
		i = k;
	}
	/* Known ticket trees from the cache, by ID. */
	tree_cache cache;
	char *cache_path =
	    yoi_path_join(git_repository_path(repo), "yoi-tree-ids");
	tree_cache_load(&cache, cache_path);
	for (size_t gi = 0, k = 0; rc == 0 && gi < job.ng; gi++) {
		hash_group *g = &job.g[gi];
		char id[YOI_ID_LEN + 1];
		if (g->glen != dl + YOI_ID_LEN + 1)
			continue;
		memcpy(id, g->path + dl, YOI_ID_LEN);
		id[YOI_ID_LEN] = '\0';
		if (yoi_id_valid(id))
			g->known = tree_cache_find(&cache, id, &k);
	}
	unsigned threads = yoi_par_threads(job.ng);
	job.h = rc == 0 ? calloc(threads, sizeof(*job.h)) : NULL;
	if (rc == 0 && !job.h)
		rc = YOI_ENOMEM;
	for (unsigned w = 0; job.h && w < threads; w++)
		job.h[w] = (tree_hasher){.ix = ix,
					 .n = n,
					 .buf = YOI_BUF_INIT,
					 .memo_len = SIZE_MAX};
	if (rc == 0 && job.ng &&
	    yoi_par_for(job.ng, threads, hash_group_fn, &job) < 0)
		rc = YOI_ENOMEM;
	size_t j = 0; /* the next tree entry to pair */
	const git_tree_entry *te = next_ticket(tickets, &j);
	for (size_t gi = 0; rc == 0 && gi < job.ng; gi++) {
		const hash_group *g = &job.g[gi];
		const git_index_entry *e = git_index_get_byindex(ix, g->i0);
		const char *name = e->path + dl;
		size_t nl = g->glen ? g->glen - dl - 1 : strlen(name);
		char id[YOI_ID_LEN + 1] = "";
		if (nl == YOI_ID_LEN) {
			memcpy(id, name, nl);
			id[nl] = '\0';
		}
		int r = g->r;
		if (r < 0) {
			rc = r;
			break;
		}
		if (!yoi_id_valid(id))
			continue;
		/* Tickets the tree has before this one: gone from the index. */
		int c = -1;
		while (te && (c = strcmp(git_tree_entry_name(te), id)) < 0) {
			if (yoi_strv_push(ids, git_tree_entry_name(te)) < 0)
				rc = YOI_ENOMEM;
			j++;
			te = next_ticket(tickets, &j);
		}
		/* A ticket directory by its hashed tree; a file where one
		 * belongs by its own entry. */
		bool same =
		    c == 0 &&
		    (g->glen
			 ? r == 1 &&
			       git_tree_entry_type(te) == GIT_OBJECT_TREE &&
			       git_oid_equal(&g->oid, git_tree_entry_id(te))
			 : (unsigned)git_tree_entry_filemode(te) == e->mode &&
			       git_index_entry_stage(e) == 0 &&
			       git_oid_equal(&e->id, git_tree_entry_id(te)));
		if (c == 0) {
			j++;
			te = next_ticket(tickets, &j);
		}
		if (!same && yoi_strv_push(ids, id) < 0)
			rc = YOI_ENOMEM;
	}
	for (; rc == 0 && te; j++, te = next_ticket(tickets, &j))
		if (yoi_strv_push(ids, git_tree_entry_name(te)) < 0)
			rc = YOI_ENOMEM;
	if (rc == 0)
		tree_cache_save(&job, dl, cache_path, &cache);
	tree_cache_free(&cache);
	free(cache_path);
	for (unsigned w = 0; job.h && w < threads; w++)
		yoi_buf_free(&job.h[w].buf);
	free(job.h);
	for (size_t gi = 0; gi < job.ng; gi++)
		free(job.g[gi].bytes);
	free(job.g);
	free(dir);
	git_tree_free(tickets);
	if (rc == YOI_ENOMEM)
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	if (rc < 0)
		return yoi_error_set(err, rc, NULL, 0, "hashing the index: %s",
				     yoi_git_msg());
	return 0;
}

/* Sort ids and drop repeats. */
static void sort_unique(yoi_strv *ids)
{
	yoi_strv_sort(ids);
	size_t k = 0;
	for (size_t i = 0; i < ids->n; i++) {
		if (k && strcmp(ids->v[k - 1], ids->v[i]) == 0) {
			free(ids->v[i]);
			continue;
		}
		ids->v[k++] = ids->v[i];
	}
	ids->n = k;
}

/* The subtree at prefix of tree t (NULL: t is NULL, or no such tree). */
static int prefix_tree(git_tree **out, git_repository *repo, const git_tree *t,
		       const char *prefix, yoi_error *err)
{
	*out = NULL;
	if (!t)
		return 0;
	git_tree_entry *te = NULL;
	int grc = git_tree_entry_bypath(&te, t, prefix);
	if (grc == GIT_ENOTFOUND)
		return 0;
	if (grc == 0 && git_tree_entry_type(te) == GIT_OBJECT_TREE)
		grc = git_tree_lookup(out, repo, git_tree_entry_id(te));
	git_tree_entry_free(te);
	return grc < 0 ? yoi_git_fail(err, grc, prefix) : 0;
}

/*
 * Call fn(ex, ey, ctx) for every entry of tree x or tree y that the other
 * does not hold with the same name, mode and id: ex or ey is NULL when
 * only one side has the name. Trees list their entries in git's order, so
 * one merge pass pairs them and an unchanged entry costs one comparison
 * (no lookup by name, nothing validated). Entries out of order (a tree git
 * itself would not write) only ever come out as changed on both sides. fn
 * returns 0 to go on, or a negative code that stops the walk.
 */
typedef int (*pair_fn)(const git_tree_entry *ex, const git_tree_entry *ey,
		       void *ctx);

static int tree_pairs(const git_tree *x, const git_tree *y, pair_fn fn,
		      void *ctx)
{
	size_t nx = x ? git_tree_entrycount(x) : 0;
	size_t ny = y ? git_tree_entrycount(y) : 0;
	size_t i = 0, j = 0;
	int rc = 0;
	while (rc == 0 && (i < nx || j < ny)) {
		const git_tree_entry *ex =
		    i < nx ? git_tree_entry_byindex(x, i) : NULL;
		const git_tree_entry *ey =
		    j < ny ? git_tree_entry_byindex(y, j) : NULL;
		int c = !ex ? 1 : !ey ? -1 : git_tree_entry_cmp(ex, ey);
		if (c < 0) {
			rc = fn(ex, NULL, ctx);
			i++;
		} else if (c > 0) {
			rc = fn(NULL, ey, ctx);
			j++;
		} else {
			i++;
			j++;
			if (git_tree_entry_filemode(ex) !=
				git_tree_entry_filemode(ey) ||
			    !git_oid_equal(git_tree_entry_id(ex),
					   git_tree_entry_id(ey)))
				rc = fn(ex, ey, ctx);
		}
	}
	return rc;
}

/* pair_fn: the ticket IDs whose entries differ. */
static int changed_id(const git_tree_entry *ex, const git_tree_entry *ey,
		      void *ctx)
{
	const char *name = git_tree_entry_name(ex ? ex : ey);
	if (!yoi_id_valid(name))
		return 0;
	return yoi_strv_push(ctx, name) < 0 ? YOI_ENOMEM : 0;
}

/*
 * Two commits' trees, for the tickets under prefix: one entry per ticket
 * directory compared by id, never reading an unchanged ticket's subtree
 * (git_diff_tree_to_tree with a pathspec read them all: 10x git's own
 * diff of the range at 10,000 tickets).
 */
static int changed_tree_tree(git_repository *repo, const git_tree *a,
			     const git_tree *b, const char *prefix,
			     yoi_strv *ids, yoi_error *err)
{
	git_tree *ta = NULL, *tb = NULL;
	int rc = prefix_tree(&ta, repo, a, prefix, err);
	if (rc == 0)
		rc = prefix_tree(&tb, repo, b, prefix, err);
	if (rc == 0 &&
	    !(ta && tb && git_oid_equal(git_tree_id(ta), git_tree_id(tb))) &&
	    tree_pairs(ta, tb, changed_id, ids) < 0)
		rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	git_tree_free(ta);
	git_tree_free(tb);
	return rc;
}

int yoi_git_view_changed(const yoi_git_view *a, const yoi_git_view *b,
			 const char *prefix, yoi_strv *ids, yoi_error *err)
{
	if (a->index)
		return yoi_error_set(err, YOI_EUSAGE, NULL, 0,
				     "the index can only be the new side");
	if (b->index &&
	    !(git_index_caps(b->index) & GIT_INDEX_CAPABILITY_IGNORE_CASE)) {
		int rc = changed_tree_index(a->repo, a->tree, b->index, prefix,
					    ids, err);
		if (rc == 0)
			sort_unique(ids);
		return rc;
	}
	if (!b->index) {
		int rc = changed_tree_tree(a->repo, a->tree, b->tree, prefix,
					   ids, err);
		if (rc == 0)
			sort_unique(ids);
		return rc;
	}
	git_diff_options o;
	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	char *spec = yoi_sprintf("%s/", prefix);
	if (!spec)
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	o.pathspec.strings = &spec;
	o.pathspec.count = 1;
	o.flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH; /* a plain prefix */
	git_diff *diff = NULL;
	int grc;
	if (b->index) /* a case-insensitive index: git's own order */
		grc = git_diff_tree_to_index(&diff, a->repo, a->tree, b->index,
					     &o);
	else
		grc =
		    git_diff_tree_to_tree(&diff, a->repo, a->tree, b->tree, &o);
	free(spec);
	if (grc < 0)
		return yoi_git_fail(err, grc, "diff");
	int rc = 0;
	size_t n = git_diff_num_deltas(diff);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		rc = push_id(ids, d->new_file.path, prefix);
		if (rc == 0 && d->old_file.path &&
		    strcmp(d->old_file.path, d->new_file.path) != 0)
			rc = push_id(ids, d->old_file.path, prefix);
	}
	git_diff_free(diff);
	if (rc < 0)
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	sort_unique(ids); /* renames can repeat an ID out of order */
	return 0;
}

int yoi_git_view_ticket_ids(const yoi_git_view *v, const char *prefix,
			    yoi_strv *ids, yoi_error *err)
{
	int rc = 0;
	if (v->index) {
		size_t n = git_index_entrycount(v->index);
		for (size_t i = 0; rc == 0 && i < n; i++)
			rc = push_id(ids,
				     git_index_get_byindex(v->index, i)->path,
				     prefix);
	} else if (v->tree) {
		git_tree_entry *te = NULL;
		git_tree *sub = NULL;
		int grc = git_tree_entry_bypath(&te, v->tree, prefix);
		if (grc == 0 && git_tree_entry_type(te) == GIT_OBJECT_TREE)
			grc = git_tree_lookup(&sub, v->repo,
					      git_tree_entry_id(te));
		git_tree_entry_free(te);
		if (grc < 0 && grc != GIT_ENOTFOUND)
			return yoi_git_fail(err, grc, prefix);
		size_t n = sub ? git_tree_entrycount(sub) : 0;
		for (size_t i = 0; rc == 0 && i < n; i++) {
			const git_tree_entry *e =
			    git_tree_entry_byindex(sub, i);
			if (git_tree_entry_type(e) == GIT_OBJECT_TREE &&
			    yoi_id_valid(git_tree_entry_name(e)))
				rc = yoi_strv_push(ids, git_tree_entry_name(e));
		}
		git_tree_free(sub);
	}
	if (rc < 0)
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	yoi_strv_sort(ids);
	return 0;
}

/* ---- symbolic links and gitlinks (issue 11, finding 3) ---- */

static bool special_mode(unsigned mode)
{
	return mode == GIT_FILEMODE_LINK || mode == GIT_FILEMODE_COMMIT;
}

/* path at or under prefix (n bytes), component by component. */
static bool at_or_under(const char *path, const char *prefix, size_t n)
{
	return strncmp(path, prefix, n) == 0 &&
	       (path[n] == '\0' || path[n] == '/');
}

/* Whether commit view a holds path with this mode and id. */
static int same_in(const yoi_git_view *a, const char *path, unsigned mode,
		   const git_oid *id, yoi_error *err)
{
	if (!a->tree)
		return 0;
	git_tree_entry *te = NULL;
	int grc = git_tree_entry_bypath(&te, a->tree, path);
	if (grc == GIT_ENOTFOUND)
		return 0;
	if (grc < 0)
		return yoi_git_fail(err, grc, path);
	int same = (unsigned)git_tree_entry_filemode(te) == mode &&
		   git_oid_equal(git_tree_entry_id(te), id);
	git_tree_entry_free(te);
	return same;
}

static int push_special(yoi_strv *links, yoi_strv *gitlinks, const char *path,
			unsigned mode)
{
	return yoi_strv_push(mode == GIT_FILEMODE_LINK ? links : gitlinks,
			     path);
}

/*
 * The index side: its entries under prefix are contiguous (sorted by
 * path), so one pass over them; only the rare special entries look
 * anything up in a.
 */
static int specials_index(const yoi_git_view *a, git_index *ix,
			  const char *prefix, yoi_strv *links,
			  yoi_strv *gitlinks, yoi_error *err)
{
	size_t n = strlen(prefix), i = 0, count = git_index_entrycount(ix);
	if (git_index_find_prefix(&i, ix, prefix) < 0)
		return 0;
	for (; i < count; i++) {
		const git_index_entry *e = git_index_get_byindex(ix, i);
		if (strncmp(e->path, prefix, n) != 0)
			break;
		if (!at_or_under(e->path, prefix, n) || !special_mode(e->mode))
			continue;
		int same = same_in(a, e->path, e->mode, &e->id, err);
		if (same < 0)
			return same;
		if (!same &&
		    push_special(links, gitlinks, e->path, e->mode) < 0)
			return yoi_error_set(err, YOI_ENOMEM, NULL, 0,
					     "out of memory");
	}
	return 0;
}

/* Two commits: what b adds or alters under prefix, a pair walk per tree. */
typedef struct specials_ctx {
	git_repository *repo;
	const char *dir;
	unsigned depth;
	yoi_strv *links, *gitlinks;
	yoi_error *err;
} specials_ctx;

static int specials_walk(git_repository *repo, const git_tree *x,
			 const git_tree *y, const char *dir, unsigned depth,
			 yoi_strv *links, yoi_strv *gitlinks, yoi_error *err);

/* pair_fn: one entry y adds or alters (ey), with x's (ex) when it has one. */
static int special_entry(const git_tree_entry *ex, const git_tree_entry *ey,
			 void *ctx)
{
	specials_ctx *c = ctx;
	if (!ey)
		return 0; /* only in the old version */
	unsigned mode = (unsigned)git_tree_entry_filemode(ey);
	bool tree = git_tree_entry_type(ey) == GIT_OBJECT_TREE;
	if (!special_mode(mode) && !(tree && c->depth < 32))
		return 0;
	char *path = yoi_sprintf("%s/%s", c->dir, git_tree_entry_name(ey));
	if (!path)
		return yoi_error_set(c->err, YOI_ENOMEM, NULL, 0,
				     "out of memory");
	int rc = 0;
	if (special_mode(mode)) {
		if (push_special(c->links, c->gitlinks, path, mode) < 0)
			rc = yoi_error_set(c->err, YOI_ENOMEM, NULL, 0,
					   "out of memory");
	} else {
		git_tree *sy = NULL, *sx = NULL;
		int grc = git_tree_lookup(&sy, c->repo, git_tree_entry_id(ey));
		if (grc == 0 && ex &&
		    git_tree_entry_type(ex) == GIT_OBJECT_TREE)
			grc = git_tree_lookup(&sx, c->repo,
					      git_tree_entry_id(ex));
		if (grc < 0)
			rc = yoi_git_fail(c->err, grc, path);
		else
			rc = specials_walk(c->repo, sx, sy, path, c->depth + 1,
					   c->links, c->gitlinks, c->err);
		git_tree_free(sx);
		git_tree_free(sy);
	}
	free(path);
	return rc;
}

/*
 * Special entries of tree y (at path dir) that x (the same place in the
 * old version, or NULL) does not hold identically: subtrees with equal
 * ids are skipped, so only what changed is read. depth bounds the walk.
 */
static int specials_walk(git_repository *repo, const git_tree *x,
			 const git_tree *y, const char *dir, unsigned depth,
			 yoi_strv *links, yoi_strv *gitlinks, yoi_error *err)
{
	specials_ctx c = {repo, dir, depth, links, gitlinks, err};
	return tree_pairs(x, y, special_entry, &c);
}

/* Two commits: the root entry itself, then what changed below it. */
static int specials_trees(const yoi_git_view *a, const yoi_git_view *b,
			  const char *prefix, yoi_strv *links,
			  yoi_strv *gitlinks, yoi_error *err)
{
	git_tree_entry *eb = NULL, *ea = NULL;
	int grc = git_tree_entry_bypath(&eb, b->tree, prefix);
	if (grc == GIT_ENOTFOUND)
		return 0;
	if (grc < 0)
		return yoi_git_fail(err, grc, prefix);
	if (a->tree && git_tree_entry_bypath(&ea, a->tree, prefix) < 0)
		ea = NULL;
	unsigned mode = (unsigned)git_tree_entry_filemode(eb);
	int rc = 0;
	bool same =
	    ea && git_tree_entry_filemode(ea) == git_tree_entry_filemode(eb) &&
	    git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb));
	if (!same && special_mode(mode)) {
		if (push_special(links, gitlinks, prefix, mode) < 0)
			rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0,
					   "out of memory");
	} else if (!same && git_tree_entry_type(eb) == GIT_OBJECT_TREE) {
		git_tree *ty = NULL, *tx = NULL;
		grc = git_tree_lookup(&ty, b->repo, git_tree_entry_id(eb));
		if (grc == 0 && ea &&
		    git_tree_entry_type(ea) == GIT_OBJECT_TREE)
			grc = git_tree_lookup(&tx, b->repo,
					      git_tree_entry_id(ea));
		rc = grc < 0 ? yoi_git_fail(err, grc, prefix)
			     : specials_walk(b->repo, tx, ty, prefix, 0, links,
					     gitlinks, err);
		git_tree_free(tx);
		git_tree_free(ty);
	}
	git_tree_entry_free(ea);
	git_tree_entry_free(eb);
	return rc;
}

int yoi_git_view_specials(const yoi_git_view *a, const yoi_git_view *b,
			  const char *prefix, yoi_strv *links,
			  yoi_strv *gitlinks, yoi_error *err)
{
	if (a->index)
		return yoi_error_set(err, YOI_EUSAGE, NULL, 0,
				     "the index can only be the new side");
	int rc = 0;
	if (b->index)
		rc = specials_index(a, b->index, prefix, links, gitlinks, err);
	else if (b->tree)
		rc = specials_trees(a, b, prefix, links, gitlinks, err);
	if (rc == 0) {
		yoi_strv_sort(links);
		yoi_strv_sort(gitlinks);
	}
	return rc;
}

/* ---- entries of the tickets root that are not tickets (issue 12) ---- */

static int push_once(yoi_strv *v, const char *s, size_t n)
{
	if (v->n && strlen(v->v[v->n - 1]) == n &&
	    memcmp(v->v[v->n - 1], s, n) == 0)
		return 0;
	char *c = yoi_strndup(s, n);
	return c ? yoi_strv_push_owned(v, c) : YOI_ENOMEM;
}

/* pair_fn: an entry b adds or alters that is not a ticket directory. */
static int stray_entry(const git_tree_entry *ex, const git_tree_entry *ey,
		       void *ctx)
{
	(void)ex;
	yoi_strv **out = ctx; /* dirs, files */
	if (!ey)
		return 0;
	const char *name = git_tree_entry_name(ey);
	bool dir = git_tree_entry_type(ey) == GIT_OBJECT_TREE;
	if (dir && yoi_id_valid(name))
		return 0;
	return push_once(out[dir ? 0 : 1], name, strlen(name));
}

int yoi_git_view_root_strays(const yoi_git_view *a, const yoi_git_view *b,
			     const char *prefix, yoi_strv *dirs,
			     yoi_strv *files, yoi_error *err)
{
	int rc = 0;
	size_t pn = strlen(prefix);
	if (b->index) {
		/* Entries under prefix are contiguous and sorted; a ticket's
		 * files follow one another, so its ID is checked once. */
		size_t n = git_index_entrycount(b->index), i = 0;
		char last[YOI_ID_LEN + 1] = ""; /* the last valid ticket ID */
		if (git_index_find_prefix(&i, b->index, prefix) < 0)
			i = n;
		for (; rc == 0 && i < n; i++) {
			const git_index_entry *e =
			    git_index_get_byindex(b->index, i);
			if (strncmp(e->path, prefix, pn) != 0)
				break;
			if (e->path[pn] != '/')
				continue;
			const char *name = e->path + pn + 1;
			const char *slash = strchr(name, '/');
			size_t nl =
			    slash ? (size_t)(slash - name) : strlen(name);
			if (slash && nl == YOI_ID_LEN && last[0] &&
			    memcmp(name, last, nl) == 0)
				continue; /* the same ticket's next file */
			char id[YOI_ID_LEN + 1] = "";
			if (nl == YOI_ID_LEN) {
				memcpy(id, name, nl);
				id[nl] = '\0';
			}
			if (slash && yoi_id_valid(id)) {
				memcpy(last, id, sizeof(last));
				continue; /* a ticket's own file */
			}
			/* Unchanged since a? Then it is not this change's. */
			const char *rest;
			const git_tree *t =
			    a ? tree_for(a, e->path, &rest) : NULL;
			git_tree_entry *te = NULL;
			bool same =
			    t && git_tree_entry_bypath(&te, t, rest) == 0 &&
			    git_oid_equal(git_tree_entry_id(te), &e->id);
			git_tree_entry_free(te);
			if (!same)
				rc = push_once(slash ? dirs : files, name, nl);
		}
	} else {
		git_tree *ta = NULL, *tb = NULL;
		rc = prefix_tree(&ta, a->repo, a->tree, prefix, err);
		if (rc == 0)
			rc = prefix_tree(&tb, b->repo, b->tree, prefix, err);
		yoi_strv *out[2] = {dirs, files};
		if (rc == 0 && tb)
			rc = tree_pairs(ta, tb, stray_entry, out);
		git_tree_free(ta);
		git_tree_free(tb);
	}
	if (rc == YOI_ENOMEM)
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	return rc;
}
