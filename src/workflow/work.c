/* work.c - start, finish, cleanup and the ticket worktrees. */
#include "yoi/work.h"
#include "git/gitops.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store_int.h"
#include "yoi/claimflow.h"
#include "yoi/file.h"
#include "yoi/plan.h"
#include "yoi/relate.h"
#include "yoi/thread.h"

#include "base/fault.h"

#define fault_fail(name) yoi_fault(name)

static const char *txt(const yoi_opctx *ctx, const char *key)
{
	return ctx->texts ? yoi_texts_get(ctx->texts, key) : key;
}

void yoi_work_slug(const char *title, char out[YOI_SLUG_MAX + 1])
{
	size_t n = 0;
	out[0] = '\0';
	for (const unsigned char *p = (const unsigned char *)title; p && *p;
	     p++)
		if (*p >= 0x80)
			return;
	char buf[4 * YOI_SLUG_MAX];
	for (const unsigned char *p = (const unsigned char *)title;
	     p && *p && n < sizeof(buf) - 1; p++) {
		if (isalnum(*p))
			buf[n++] = (char)tolower(*p);
		else if (n && buf[n - 1] != '-')
			buf[n++] = '-';
	}
	while (n && buf[n - 1] == '-')
		n--;
	if (n > YOI_SLUG_MAX) {
		size_t cut = YOI_SLUG_MAX;
		/* A cut inside a word: back up to the last '-' if near. */
		if (buf[cut] != '-')
			for (size_t k = cut; k > YOI_SLUG_MAX - 16; k--)
				if (buf[k - 1] == '-') {
					cut = k - 1;
					break;
				}
		n = cut;
		while (n && buf[n - 1] == '-')
			n--;
	}
	memcpy(out, buf, n);
	out[n] = '\0';
}

bool yoi_work_slug_valid(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > YOI_SLUG_MAX || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		bool ok = (s[i] >= 'a' && s[i] <= 'z') ||
			  (s[i] >= '0' && s[i] <= '9') ||
			  (s[i] == '-' && s[i + 1] != '-');
		if (!ok)
			return false;
	}
	return true;
}

void yoi_work_info_free(yoi_work_info *w)
{
	if (!w)
		return;
	free(w->branch);
	free(w->worktree);
	free(w->worktree_path);
	free(w->base);
	memset(w, 0, sizeof(*w));
}

static int oom(yoi_error *err)
{
	return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
}

static int need_repo(const yoi_store *st, yoi_error *err)
{
	return st->repo ? 0
			: yoi_error_set(err, YOI_EIO, NULL, 0,
					"the tickets root is not in a git "
					"repository; run this inside one");
}

/* The slug the ticket's create event recorded, or NULL. */
static const char *create_slug(const yoi_thread *th)
{
	for (size_t i = 0; th && i < th->n; i++)
		if (th->ev[i].kind && strcmp(th->ev[i].kind, "create") == 0)
			return yoi_event_attr(&th->ev[i], "slug");
	return NULL;
}

/* Whether text holds line (without its newline) as a whole line. */
static bool has_line(const char *text, size_t len, const char *line)
{
	size_t n = strlen(line);
	for (size_t i = 0; i + n <= len;) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len;
		if (end - i == n && memcmp(text + i, line, n) == 0)
			return true;
		i = end + 1;
	}
	return false;
}

/*
 * Keep the worktrees directory out of the main worktree's status: a
 * "/<dir>/" line in the common git dir's info/exclude (once). Best
 * effort: failing to write it only leaves the directory untracked.
 */
static void exclude_dir(const yoi_store *st, const char *dir)
{
	if (!dir[0] || strstr(dir, "..") || dir[0] == '/')
		return; /* the top itself, or outside it: nothing to hide */
	char *info = yoi_path_join(yoi_git_commondir(st->repo), "info");
	char *path = info ? yoi_path_join(info, "exclude") : NULL;
	char *line = yoi_sprintf("/%s/", dir);
	yoi_buf b = YOI_BUF_INIT;
	yoi_error err;
	int rc = path && line ? yoi_file_read(path, YOI_FILE_MAX, &b, &err)
			      : YOI_ENOMEM;
	if ((rc == 0 && !has_line(b.ptr, b.len, line)) || rc == YOI_ENOTFOUND) {
		mkdir(info, 0777);
		char *add = yoi_sprintf(
		    "%s%s\n", b.len && b.ptr[b.len - 1] != '\n' ? "\n" : "",
		    line);
		if (add)
			yoi_file_append(path, add, strlen(add),
					rc == YOI_ENOTFOUND, &err);
		free(add);
	}
	yoi_buf_free(&b);
	free(line);
	free(path);
	free(info);
}

/*
 * Paths. start makes a worktree only inside the main top (never in the
 * git directory) or in a folder right beside the top ("../<name>"), and
 * checks that after resolving the symlinks of the components that exist.
 */

/*
 * p normalised lexically: empty and "." components dropped, "x/.."
 * folded; a relative path keeps its leading "..", an absolute one drops
 * them at "/". "" for an empty relative result. Caller frees.
 */
static char *norm_path(const char *p)
{
	size_t n = strlen(p);
	char *copy = yoi_strdup(p);
	const char **comp = calloc(n / 2 + 2, sizeof(*comp));
	char *out = malloc(n + 2);
	if (!copy || !comp || !out) {
		free(copy);
		free(comp);
		free(out);
		return NULL;
	}
	bool abs = p[0] == '/';
	size_t k = 0;
	char *save = NULL;
	for (char *c = strtok_r(copy, "/", &save); c;
	     c = strtok_r(NULL, "/", &save)) {
		if (strcmp(c, ".") == 0)
			continue;
		if (strcmp(c, "..") == 0) {
			if (k && strcmp(comp[k - 1], "..") != 0) {
				k--;
				continue;
			}
			if (abs)
				continue;
		}
		comp[k++] = c;
	}
	size_t len = 0;
	if (abs)
		out[len++] = '/';
	for (size_t i = 0; i < k; i++) {
		size_t cl = strlen(comp[i]);
		if (i)
			out[len++] = '/';
		memcpy(out + len, comp[i], cl);
		len += cl;
	}
	out[len] = '\0';
	free(comp);
	free(copy);
	return out;
}

/*
 * The real location of the absolute path p: realpath of its longest
 * existing prefix, the rest appended lexically (components that do not
 * exist are no symlinks). NULL when nothing resolves or on ENOMEM.
 */
static char *resolve_path(const char *p)
{
	char *head = yoi_strdup(p), *res = NULL;
	char real[PATH_MAX];
	if (!head)
		return NULL;
	size_t cut = strlen(head);
	for (;;) {
		if (realpath(head, real)) {
			char *joined = yoi_sprintf("%s/%s", real, p + cut);
			res = joined ? norm_path(joined) : NULL;
			free(joined);
			break;
		}
		if ((errno != ENOENT && errno != ENOTDIR) || cut <= 1)
			break;
		char *slash = strrchr(head, '/');
		if (!slash)
			break;
		cut = slash == head ? 1 : (size_t)(slash - head);
		head[cut] = '\0';
	}
	free(head);
	return res;
}

/* Whether a component of the '/'-separated path p is ".git". */
static bool has_git_component(const char *p)
{
	for (const char *c = p; c && *c;) {
		while (*c == '/')
			c++;
		const char *end = strchr(c, '/');
		size_t n = end ? (size_t)(end - c) : strlen(c);
		if (n == 4 && memcmp(c, ".git", 4) == 0)
			return true;
		c = end;
	}
	return false;
}

/* The parent of a normalised absolute path ("/" for "/x"). Caller frees. */
static char *path_parent(const char *p)
{
	const char *slash = strrchr(p, '/');
	size_t n = slash && slash != p ? (size_t)(slash - p) : 1;
	char *out = malloc(n + 1);
	if (out) {
		memcpy(out, p, n);
		out[n] = '\0';
	}
	return out;
}

/*
 * Whether the worktree path (absolute, lexical) lands in an allowed place
 * once the symlinks of its existing components are resolved: strictly
 * inside the main top and outside the git directory, or inside a folder
 * right beside the top. 1 allowed, 0 not, YOI_ENOMEM.
 */
static int place_allowed(const yoi_store *st, const char *top, const char *path,
			 char **resolved)
{
	char *common = NULL, *t = NULL, *g = NULL, *p = NULL, *pt = NULL,
	     *d = NULL, *pd = NULL;
	yoi_error e2;
	int ok = YOI_ENOMEM;
	*resolved = NULL;
	if (yoi_git_common_dir(st->repo, &common, &e2) < 0)
		goto out;
	t = resolve_path(top);
	g = resolve_path(common);
	p = resolve_path(path);
	if (!t || !g || !p)
		goto out;
	pt = path_parent(t);
	d = path_parent(p);
	pd = d ? path_parent(d) : NULL;
	if (!pt || !pd)
		goto out;
	ok = 0;
	if (yoi_path_within(p, g))
		goto out;
	if (yoi_path_within(p, t)) {
		/* Strictly inside, and never in a ".git" of the top. */
		const char *rest = p + strlen(t);
		ok = rest[0] == '/' && !has_git_component(rest);
	} else {
		/* In <parent of top>/<folder>/, the folder not the top. */
		ok = strcmp(pd, pt) == 0 && strcmp(d, t) != 0;
	}
out:
	if (ok >= 0 && p)
		*resolved = p;
	else
		free(p);
	free(common);
	free(t);
	free(g);
	free(pt);
	free(d);
	free(pd);
	return ok;
}

/*
 * worktrees.dir relative to the main top, normalised ("" for the top
 * itself): a relative value as it is, an absolute one when it names the
 * top, a folder inside it or one beside it. Lexically it must then stay
 * inside the top or be exactly "../<folder>"; place_allowed checks where
 * it really lands.
 */
static int worktrees_rel(const yoi_store *st, const char *top, char **out,
			 yoi_error *err)
{
	const char *dir = st->cfg.worktrees_dir;
	char *n = norm_path(dir), *t = norm_path(top), *pt = NULL;
	int rc = 0;
	*out = NULL;
	if (!n || !t || !(pt = path_parent(t))) {
		rc = oom(err);
		goto out;
	}
	size_t plen = strcmp(pt, "/") == 0 ? 0 : strlen(pt);
	if (dir[0] != '/') {
		*out = n;
		n = NULL;
	} else if (yoi_path_within(n, t)) {
		const char *rest = n + strlen(t);
		*out = yoi_strdup(rest[0] == '/' ? rest + 1 : rest);
	} else if (strncmp(n, pt, plen) == 0 && n[plen] == '/' && n[plen + 1]) {
		*out = yoi_sprintf("..%s", n + plen);
	} else {
		*out = yoi_strdup("..");
	}
	if (!*out) {
		rc = oom(err);
		goto out;
	}
	const char *r = *out;
	bool up = strcmp(r, "..") == 0 || strncmp(r, "../", 3) == 0;
	if (up && (strcmp(r, "..") == 0 || strchr(r + 3, '/') ||
		   strcmp(r + 3, "..") == 0)) {
		rc =
		    yoi_error_set(err, YOI_EREFUSED, ".yoi/config.yaml", 0,
				  "worktrees.dir '%s' in .yoi/config.yaml is "
				  "outside the repository; use a folder inside "
				  "it (e.g. .worktree) or one beside it "
				  "(../<name>)",
				  dir);
		free(*out);
		*out = NULL;
	}
out:
	free(n);
	free(t);
	free(pt);
	return rc;
}

/* "<rel>/<name>", or name when rel is the top itself. Caller frees. */
static char *rel_join(const char *rel, const char *name)
{
	return rel[0] ? yoi_sprintf("%s/%s", rel, name) : yoi_strdup(name);
}

/*
 * The local record of what start made in this clone, never committed:
 * <git common dir>/yoi/started/<ID>, a JSON object
 * {"version": 1, "started": [{"branch", "worktree", "name", "path", "at"}]}
 * (worktree relative to the main top as in the accepted_plan, name the
 * git worktree's admin name, path where it was made). cleanup acts only
 * on what an entry here names. Written atomically under the store lock.
 */
#define STARTED_MAX (1024 * 1024)

static char *started_path(const yoi_store *st, const char *id)
{
	char *common = NULL;
	yoi_error e2;
	if (yoi_git_common_dir(st->repo, &common, &e2) < 0)
		return NULL;
	char *p = yoi_sprintf("%s/yoi/started/%s", common, id);
	free(common);
	return p;
}

/* The record's entries (a new empty array when there is no record). */
static int started_load(const char *path, json_t **root, yoi_error *err)
{
	yoi_buf b = YOI_BUF_INIT;
	*root = NULL;
	int rc = yoi_file_read(path, STARTED_MAX, &b, err);
	if (rc == YOI_ENOTFOUND) {
		*root = json_pack("{s:i, s:[]}", "version", 1, "started");
		return *root ? 0 : oom(err);
	}
	if (rc < 0)
		return rc;
	json_error_t je;
	*root = json_loadb(b.ptr, b.len, 0, &je);
	yoi_buf_free(&b);
	if (!*root || !json_is_array(json_object_get(*root, "started"))) {
		json_decref(*root);
		*root = NULL;
		return yoi_error_set(
		    err, YOI_ECORRUPT, path, 0,
		    "%s is not a record of started work "
		    "(%s); it is local to this clone and "
		    "never committed: remove it, and clean up "
		    "the ticket's worktree and branch by hand",
		    path, je.text[0] ? je.text : "no 'started' list");
	}
	return 0;
}

static int started_save(const char *path, json_t *root, yoi_error *err)
{
	if (json_array_size(json_object_get(root, "started")) == 0)
		return unlink(path) == 0 || errno == ENOENT
			   ? 0
			   : yoi_error_set(err, YOI_EIO, path, 0,
					   "cannot remove: %s",
					   strerror(errno));
	char *dir = path_parent(path);
	char *text = json_dumps(root, JSON_INDENT(2));
	int rc = dir && text ? yoi_mkdir_p(dir, err) : oom(err);
	if (rc == 0) {
		size_t n = strlen(text);
		char *nl = yoi_sprintf("%s\n", text);
		rc =
		    nl ? yoi_file_write_atomic(path, nl, n + 1, err) : oom(err);
		free(nl);
	}
	free(text);
	free(dir);
	return rc;
}

static const char *entry_str(const json_t *e, const char *key)
{
	return json_string_value(json_object_get(e, key));
}

/* The entry naming branch and worktree, or NULL (index in *at). */
static json_t *started_find(json_t *root, const char *branch,
			    const char *worktree, size_t *at)
{
	json_t *arr = json_object_get(root, "started");
	for (size_t i = 0; i < json_array_size(arr); i++) {
		json_t *e = json_array_get(arr, i);
		const char *b = entry_str(e, "branch");
		const char *w = entry_str(e, "worktree");
		if (b && w && worktree && strcmp(b, branch) == 0 &&
		    strcmp(w, worktree) == 0) {
			if (at)
				*at = i;
			return e;
		}
	}
	return NULL;
}

static int started_add(const yoi_store *st, const yoi_opctx *ctx,
		       const char *id, const char *branch, const char *worktree,
		       const char *name, const char *path, yoi_error *err)
{
	char *file = started_path(st, id);
	json_t *root = NULL;
	if (!file)
		return oom(err);
	int rc = started_load(file, &root, err);
	if (rc == 0) {
		char at[YOI_TIME_LEN + 1];
		int64_t ms = ctx->clock_ms ? ctx->clock_ms() : ctx->now_ms;
		yoi_time_format(ms / 1000, at);
		size_t i;
		if (started_find(root, branch, worktree, &i))
			json_array_remove(json_object_get(root, "started"), i);
		json_t *e = json_pack("{s:s, s:s, s:s, s:s, s:s}", "branch",
				      branch, "worktree", worktree, "name",
				      name, "path", path, "at", at);
		if (!e || json_array_append_new(
			      json_object_get(root, "started"), e) < 0)
			rc = oom(err);
		else
			rc = started_save(file, root, err);
	}
	json_decref(root);
	free(file);
	return rc;
}

/* Drop the entry naming branch and worktree (best effort on undo). */
static int started_remove(const yoi_store *st, const char *id,
			  const char *branch, const char *worktree,
			  yoi_error *err)
{
	char *file = started_path(st, id);
	json_t *root = NULL;
	if (!file)
		return oom(err);
	int rc = started_load(file, &root, err);
	size_t i;
	if (rc == 0 && started_find(root, branch, worktree, &i)) {
		json_array_remove(json_object_get(root, "started"), i);
		rc = started_save(file, root, err);
	}
	json_decref(root);
	free(file);
	return rc;
}

/* What start's prepare and undo work on. */
typedef struct start_hook {
	yoi_store *st;
	const yoi_opctx *ctx;
	const char *id;
	const char *name, *path, *branch, *oid, *worktree_rel, *summary;
	char *plan_path;
	off_t plan_size; /* -1: there was no plan file */
	bool made, recorded;
	char *plan_id;
	bool claimed; /* claims.remote: the claim start took */
} start_hook;

static void plan_undo(start_hook *h)
{
	if (h->plan_size < 0) {
		unlink(h->plan_path);
	} else {
		/* Our own record, appended under the lock we still hold. */
		if (truncate(h->plan_path, h->plan_size) < 0)
			(void)0; /* best effort: doctor shows what stayed */
	}
}

static void start_undo(void *p)
{
	start_hook *h = p;
	if (h->plan_id[0])
		plan_undo(h);
	if (h->recorded) {
		yoi_error e2;
		(void)started_remove(h->st, h->id, h->branch, h->worktree_rel,
				     &e2); /* best effort */
	}
	if (h->made)
		yoi_git_worktree_undo(h->st->repo, h->name, h->branch);
	if (h->claimed) { /* last: the claim was taken first */
		yoi_error e2;
		(void)yoi_claimflow_release(h->st, h->id, false, NULL, &e2);
	}
}

static int start_prepare(void *p, yoi_error *err)
{
	start_hook *h = p;
	struct stat sb;
	h->plan_size = stat(h->plan_path, &sb) == 0 ? sb.st_size : -1;
	/* The claim across clones comes before anything is made. */
	int rc = yoi_claimflow_take(h->st, h->ctx, h->id, &h->claimed, err);
	if (rc < 0)
		return rc;
	rc = yoi_git_worktree_create(h->st->repo, h->name, h->path, h->branch,
				     h->oid, err);
	if (rc < 0)
		goto undo;
	h->made = true;
	if (fault_fail("start-after-worktree")) {
		rc = yoi_error_set(err, YOI_EIO, NULL, 0, "fault injected");
		goto undo;
	}
	rc = started_add(h->st, h->ctx, h->id, h->branch, h->worktree_rel,
			 h->name, h->path, err);
	if (rc < 0)
		goto undo;
	h->recorded = true;
	yoi_plan_accepted acc = {(char *)h->summary, (char *)h->branch,
				 (char *)h->worktree_rel, NULL};
	yoi_plan_record rec = {.kind = YOI_PLAN_ACCEPTED_PLAN,
			       .accepted = &acc};
	rc = yoi_plan_record_add(h->st, h->ctx, h->id, &rec, h->plan_id, err);
	if (rc < 0)
		goto undo;
	if (fault_fail("start-after-plan")) {
		rc = yoi_error_set(err, YOI_EIO, NULL, 0, "fault injected");
		goto undo;
	}
	return 0;
undo:
	start_undo(h);
	h->made = h->recorded = h->claimed = false;
	h->plan_id[0] = '\0';
	return rc;
}

int yoi_work_start(yoi_store *st, const yoi_opctx *ctx, const char *id,
		   const yoi_work_start_opts *o, yoi_work_info *out,
		   yoi_error *err)
{
	memset(out, 0, sizeof(*out));
	int rc = need_repo(st, err);
	if (rc < 0)
		return rc;
	if (o->slug && !yoi_work_slug_valid(o->slug))
		return yoi_error_set(err, YOI_EUSAGE, NULL, 0,
				     "--slug '%s': use lowercase letters, "
				     "digits and single '-' (at most %d)",
				     o->slug, YOI_SLUG_MAX);
	if ((rc = yoi_store_lock(st, ctx->wait_sec, err)) < 0)
		return rc;
	yoi_ticket *t = NULL;
	char *top = NULL, *name = NULL, *dir = NULL, *rel = NULL,
	     *resolved = NULL;
	char oid[YOI_GIT_OID_HEX + 1];
	start_hook h = {0};
	rc = yoi_ticket_load(&t, st, id, YOI_LOAD_FRONTMATTER | YOI_LOAD_THREAD,
			     err);
	if (rc < 0)
		goto out;
	char slug[YOI_SLUG_MAX + 1];
	const char *s = o->slug ? o->slug : create_slug(t->thread);
	if (s && yoi_work_slug_valid(s))
		snprintf(slug, sizeof(slug), "%s", s);
	else
		yoi_work_slug(yoi_item_get(t->item, "title"), slug);
	name = slug[0] ? yoi_sprintf("%s-%s", id, slug) : yoi_strdup(id);
	if (!name) {
		rc = oom(err);
		goto out;
	}
	if ((rc = yoi_git_main_top(st->repo, &top, err)) < 0 ||
	    (rc = worktrees_rel(st, top, &rel, err)) < 0)
		goto out;
	/* Recorded relative to the top, made exactly there. */
	out->branch = yoi_sprintf("%s%s", st->cfg.branch_prefix, name);
	out->worktree = rel_join(rel, name);
	out->worktree_path =
	    out->worktree ? yoi_path_join(top, out->worktree) : NULL;
	if (!out->branch || !out->worktree || !out->worktree_path) {
		rc = oom(err);
		goto out;
	}
	int allowed = place_allowed(st, top, out->worktree_path, &resolved);
	if (allowed < 0) {
		rc = oom(err);
		goto out;
	}
	if (!allowed) {
		rc = yoi_error_set(
		    err, YOI_EREFUSED, ".yoi/config.yaml", 0,
		    "worktrees.dir '%s' in .yoi/config.yaml would put the "
		    "worktree at %s, which "
		    "is neither inside the repository (outside its git "
		    "directory) nor in a folder beside it; set worktrees.dir "
		    "to a folder inside it (e.g. .worktree) or beside it "
		    "(../<name>), with no symlink leading elsewhere",
		    st->cfg.worktrees_dir, resolved ? resolved : "?");
		goto out;
	}
	if (o->base)
		out->base = yoi_strdup(o->base);
	else if ((rc = yoi_git_head_name(st->repo, &out->base, err)) < 0)
		goto out;
	if (!out->worktree_path || !out->base) {
		rc = oom(err);
		goto out;
	}
	if ((rc = yoi_git_resolve(st->repo, out->base, oid, err)) < 0)
		goto out;
	/* The parent of the worktree: made now, kept (harmless if empty). */
	dir = rel[0] ? yoi_path_join(top, rel) : yoi_strdup(top);
	struct stat sb;
	/* Checked above: a symlinked folder that resolves to an allowed place
	 * is used as it is. */
	if (!dir || ((stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode)) &&
		     yoi_mkdir_p(dir, err) < 0)) {
		rc = dir ? err->code : oom(err);
		goto out;
	}
	exclude_dir(st, rel);
	h = (start_hook){
	    st,
	    ctx,
	    id,
	    name,
	    out->worktree_path,
	    out->branch,
	    oid,
	    out->worktree,
	    o->summary ? o->summary : txt(ctx, "start_summary"),
	    yoi_store_path(st, id, "artifacts/orchestration-plan.jsonl"),
	    -1,
	    false,
	    false,
	    out->plan_id,
	    false};
	if (!h.plan_path) {
		rc = oom(err);
		goto out;
	}
	yoi_attr attrs[] = {{"branch", out->branch},
			    {"worktree", out->worktree},
			    {"base", out->base}};
	yoi_transition_req req = {
	    .target = "inprogress",
	    .reason = o->reason ? o->reason : txt(ctx, "reason_start"),
	    .force = o->force,
	    .attrs = attrs,
	    .nattrs = 3,
	    .prepare = start_prepare,
	    .undo = start_undo,
	    .hook = &h,
	    .forced_out = &out->forced,
	};
	rc = yoi_ticket_transition(st, ctx, id, &req, NULL, err);
out:
	free(h.plan_path);
	free(resolved);
	free(rel);
	free(dir);
	free(name);
	free(top);
	yoi_ticket_free(t);
	yoi_store_unlock(st);
	if (rc < 0)
		yoi_work_info_free(out);
	return rc;
}

int yoi_work_recorded(const yoi_store *st, const char *id, yoi_work_info *out,
		      yoi_error *err)
{
	memset(out, 0, sizeof(*out));
	char *path =
	    yoi_store_path(st, id, "artifacts/orchestration-plan.jsonl");
	yoi_buf b = YOI_BUF_INIT;
	yoi_plan *plan = NULL;
	yoi_ticket *t = NULL;
	if (!path)
		return oom(err);
	int rc = yoi_file_read(path, YOI_PLAN_FILE_MAX, &b, err);
	if (rc == 0)
		rc = yoi_plan_parse(&plan, b.ptr, b.len, id, path, NULL, err);
	const yoi_plan_record *acc =
	    rc == 0 ? yoi_plan_latest(plan, YOI_PLAN_ACCEPTED_PLAN) : NULL;
	if (rc == YOI_ENOTFOUND ||
	    (rc == 0 && (!acc || !acc->accepted || !acc->accepted->branch))) {
		rc = yoi_error_set(err, YOI_ENOTFOUND, path, 0,
				   "ticket %s has no recorded branch (no "
				   "accepted_plan with a branch); was it "
				   "started with 'yoi-tickets start'?",
				   id);
		goto out;
	}
	if (rc < 0)
		goto out;
	out->branch = yoi_strdup(acc->accepted->branch);
	if (acc->accepted->worktree) {
		char *top = NULL;
		out->worktree = yoi_strdup(acc->accepted->worktree);
		if (st->repo && yoi_git_main_top(st->repo, &top, err) == 0)
			out->worktree_path =
			    acc->accepted->worktree[0] == '/'
				? yoi_strdup(acc->accepted->worktree)
				: yoi_path_join(top, acc->accepted->worktree);
		free(top);
	}
	snprintf(out->plan_id, sizeof(out->plan_id), "%s", acc->id);
	/* The base: the latest state_changed that named this branch. */
	if (yoi_ticket_load(&t, st, id, YOI_LOAD_THREAD | YOI_LOAD_DIR_CHECKED,
			    err) == 0)
		for (size_t i = t->thread->n; i-- > 0;) {
			const yoi_event *e = &t->thread->ev[i];
			const char *br = yoi_event_attr(e, "branch");
			const char *base = yoi_event_attr(e, "base");
			if (br && base && strcmp(br, out->branch) == 0) {
				out->base = yoi_strdup(base);
				break;
			}
		}
	rc = out->branch ? 0 : oom(err);
out:
	yoi_ticket_free(t);
	yoi_plan_free(plan);
	yoi_buf_free(&b);
	free(path);
	if (rc < 0)
		yoi_work_info_free(out);
	return rc;
}

int yoi_work_finish(yoi_store *st, const yoi_opctx *ctx, const char *id,
		    const char *reason, int *merged, yoi_work_info *info,
		    yoi_error *err)
{
	*merged = -1;
	if (info)
		memset(info, 0, sizeof(*info));
	yoi_work_info w;
	yoi_error e2;
	bool recorded = st->repo && yoi_work_recorded(st, id, &w, &e2) == 0;
	if (recorded && w.base) {
		bool m;
		if (yoi_git_merged(st->repo, w.branch, w.base, &m, &e2) == 0)
			*merged = m;
	}
	/* finish.require_merged: the branch first (a ticket started without
	 * a branch has nothing to wait for). */
	int rc = 0;
	if (recorded && st->cfg.finish_require_merged && *merged != 1)
		rc = yoi_error_set(
		    err, YOI_EREFUSED, NULL, 0,
		    *merged == 0
			? "branch %s is not merged into %s and "
			  "finish.require_merged is set; merge it first"
			: "branch %s: whether it is merged into %s cannot be "
			  "told and finish.require_merged is set",
		    w.branch, w.base ? w.base : "its base");
	if (rc == 0) {
		yoi_transition_req req = {
		    .target = "done",
		    .reason = reason ? reason : txt(ctx, "reason_finish"),
		};
		rc = yoi_ticket_transition(st, ctx, id, &req, NULL, err);
	}
	if (recorded && info && rc == 0)
		*info = w;
	else if (recorded)
		yoi_work_info_free(&w);
	return rc;
}

int yoi_work_owned(const yoi_store *st, const char *id, const yoi_work_info *w,
		   bool *owned, yoi_error *err)
{
	*owned = false;
	if (!st->repo || !w->worktree)
		return 0;
	yoi_git_worktrees wts = {0};
	int rc = yoi_git_worktrees_list(st->repo, &wts, err);
	if (rc < 0)
		return rc;
	/* git's own list: a worktree of this clone, even a deleted one
	 * that was never pruned. */
	if (w->worktree_path &&
	    yoi_git_worktrees_find_path(&wts, w->worktree_path))
		*owned = true;
	yoi_git_worktrees_free(&wts);
	if (*owned)
		return 0;
	char *file = started_path(st, id);
	char *norm = norm_path(w->worktree);
	json_t *root = NULL;
	if (!file || !norm)
		rc = oom(err);
	else if ((rc = started_load(file, &root, err)) == 0)
		*owned = started_find(root, w->branch, norm, NULL) != NULL;
	json_decref(root);
	free(norm);
	free(file);
	return rc;
}

/* Whether comp is a name start makes for id: "<ID>" or "<ID>-...". */
static bool ticket_name(const char *comp, const char *id)
{
	return strncmp(comp, id, YOI_ID_LEN) == 0 &&
	       (comp[YOI_ID_LEN] == '\0' || comp[YOI_ID_LEN] == '-') &&
	       !strchr(comp, '/');
}

/*
 * cleanup's safety check. The records are data anyone can commit, so
 * they only say what to look for; cleanup acts when the branch and the
 * worktree are what start makes for this ticket (under the configured
 * prefix and folder, carrying the ID, in an allowed place) AND what
 * start made in this clone (an entry of the local record, the worktree
 * there being the git worktree it made). YOI_EREFUSED otherwise.
 */
static int cleanup_owned(const yoi_store *st, const char *id,
			 const yoi_work_info *w, const char *norm,
			 const char *top, const yoi_worktree *wt,
			 yoi_error *err)
{
	const char *prefix = st->cfg.branch_prefix;
	size_t plen = strlen(prefix);
	char *plan =
	    yoi_store_path(st, id, "artifacts/orchestration-plan.jsonl");
	char *rel = NULL, *path = NULL, *resolved = NULL, *file = NULL;
	json_t *root = NULL;
	int rc = 0;
	if (!plan) {
		rc = oom(err);
		goto out;
	}
	if (strncmp(w->branch, prefix, plen) != 0 ||
	    !ticket_name(w->branch + plen, id)) {
		rc = yoi_error_set(
		    err, YOI_EREFUSED, plan, 0,
		    "the accepted_plan record in %s names branch '%s', which "
		    "is not a branch 'yoi-tickets start' makes for %s "
		    "(%s%s-...); cleanup deletes nothing it did not make: if "
		    "that branch is done with, delete it by hand (git branch "
		    "-d %s)",
		    plan, w->branch, id, prefix, id, w->branch);
		goto out;
	}
	if ((rc = worktrees_rel(st, top, &rel, err)) < 0)
		goto out;
	const char *slash = norm ? strrchr(norm, '/') : NULL;
	size_t dlen = slash ? (size_t)(slash - norm) : 0;
	const char *comp = slash ? slash + 1 : norm;
	int allowed = 0;
	if (norm && w->worktree[0] != '/' && strlen(rel) == dlen &&
	    strncmp(norm, rel, dlen) == 0 && ticket_name(comp, id)) {
		path = yoi_path_join(top, norm);
		allowed =
		    path ? place_allowed(st, top, path, &resolved) : YOI_ENOMEM;
		if (allowed < 0) {
			rc = oom(err);
			goto out;
		}
	}
	if (!allowed) {
		rc = yoi_error_set(
		    err, YOI_EREFUSED, plan, 0,
		    "the accepted_plan record in %s names worktree '%s', "
		    "which is not a worktree 'yoi-tickets start' makes for %s "
		    "(%s%s%s-...); cleanup "
		    "removes nothing it did not make: if that worktree is done "
		    "with, remove it by hand (git worktree remove %s)",
		    plan, w->worktree ? w->worktree : "(none)", id, rel,
		    rel[0] ? "/" : "", id, w->worktree ? w->worktree : "PATH");
		goto out;
	}
	if (!(file = started_path(st, id))) {
		rc = oom(err);
		goto out;
	}
	if ((rc = started_load(file, &root, err)) < 0)
		goto out;
	const json_t *e = started_find(root, w->branch, norm, NULL);
	if (!e) {
		rc = yoi_error_set(
		    err, YOI_EREFUSED, file, 0,
		    "branch %s and worktree %s were not made by 'yoi-tickets "
		    "start' in this clone (%s, its local record of started "
		    "work, does not list them); cleanup removes only what "
		    "start made here: if they are done with, remove them by "
		    "hand (git worktree remove %s; git branch -d %s)",
		    w->branch, norm, file, norm, w->branch);
		goto out;
	}
	const char *name = entry_str(e, "name");
	if (wt && (!name || strcmp(wt->name, name) != 0)) {
		rc = yoi_error_set(
		    err, YOI_EREFUSED, wt->path, 0,
		    "the worktree at %s is git worktree '%s', not '%s' that "
		    "'yoi-tickets start' made there; cleanup removes nothing "
		    "it did not make: remove it by hand if it is done with "
		    "(git worktree remove %s)",
		    wt->path, wt->name, name ? name : "?", wt->path);
		goto out;
	}
out:
	json_decref(root);
	free(file);
	free(resolved);
	free(path);
	free(rel);
	free(plan);
	return rc;
}

int yoi_work_cleanup(yoi_store *st, const yoi_opctx *ctx, const char *id,
		     bool force, yoi_buf *removed, yoi_error *err)
{
	yoi_buf_clear(removed);
	int rc = need_repo(st, err);
	if (rc < 0)
		return rc;
	if ((rc = yoi_store_lock(st, ctx->wait_sec, err)) < 0)
		return rc;
	yoi_work_info w = {0};
	yoi_git_worktrees wts = {0};
	yoi_ticket *t = NULL;
	char *first = NULL, *top = NULL, *norm = NULL, *wpath = NULL;
	if ((rc = yoi_work_recorded(st, id, &w, err)) < 0 ||
	    (rc = yoi_git_worktrees_list(st->repo, &wts, err)) < 0 ||
	    (rc = yoi_git_main_top(st->repo, &top, err)) < 0)
		goto out;
	if (w.worktree) {
		norm = norm_path(w.worktree);
		wpath = norm ? (w.worktree[0] == '/' ? yoi_strdup(norm)
						     : yoi_path_join(top, norm))
			     : NULL;
		if (!wpath) {
			rc = oom(err);
			goto out;
		}
	}
	const yoi_worktree *wt =
	    wpath ? yoi_git_worktrees_find_path(&wts, wpath) : NULL;
	int has_branch = yoi_git_branch_exists(st->repo, w.branch);
	if (has_branch < 0) {
		rc = yoi_error_set(err, YOI_EIO, NULL, 0,
				   "cannot read branch %s", w.branch);
		goto out;
	}
	if (!wt && !has_branch) {
		rc = yoi_error_set(err, YOI_ENOTFOUND, NULL, 0,
				   "nothing to clean up for %s: neither the "
				   "worktree %s nor the branch %s exists",
				   id, w.worktree ? w.worktree : "(none)",
				   w.branch);
		goto out;
	}
	if ((rc = cleanup_owned(st, id, &w, norm, top, wt, err)) < 0)
		goto out;
	if ((rc = yoi_ticket_load(&t, st, id, YOI_LOAD_FRONTMATTER, err)) < 0)
		goto out;
	if (!force && yoi_state_parse(yoi_item_get(t->item, "state")) ==
			  YOI_ST_INPROGRESS) {
		rc = yoi_error_set(err, YOI_EREFUSED, NULL, 0,
				   "ticket %s is inprogress: its work is not "
				   "finished; finish it first (yoi-tickets "
				   "finish %s), or pass --force to remove its "
				   "worktree and branch anyway",
				   id, id);
		goto out;
	}
	if (wt && wt->exists && !force) {
		bool dirty;
		if ((rc = yoi_git_dirty(wt->path, &dirty, &first, err)) < 0)
			goto out;
		if (dirty) {
			rc = yoi_error_set(
			    err, YOI_EREFUSED, wt->path, 0,
			    "worktree %s has uncommitted or untracked changes "
			    "(%s); commit or remove them, or pass --force to "
			    "discard them",
			    w.worktree, first ? first : "?");
			goto out;
		}
	}
	if (has_branch && !force) {
		bool merged = false;
		if (!w.base) {
			rc = yoi_error_set(err, YOI_EREFUSED, NULL, 0,
					   "no base recorded for branch %s, so "
					   "its merge cannot be checked; pass "
					   "--force to delete it anyway",
					   w.branch);
			goto out;
		}
		if ((rc = yoi_git_merged(st->repo, w.branch, w.base, &merged,
					 err)) < 0)
			goto out;
		if (!merged) {
			rc = yoi_error_set(err, YOI_EREFUSED, NULL, 0,
					   "branch %s is not merged into %s; "
					   "merge it first, or pass --force to "
					   "delete it unmerged",
					   w.branch, w.base);
			goto out;
		}
	}
	if (wt) {
		if ((rc = yoi_git_worktree_remove(st->repo, wt->name, err)) < 0)
			goto out;
		yoi_buf_puts(removed, "worktree");
	}
	if (has_branch) {
		if ((rc = yoi_git_branch_delete(st->repo, w.branch, err)) < 0)
			goto out;
		yoi_buf_printf(removed, "%sbranch", removed->len ? "," : "");
	}
	/* Both gone: the local record forgets them (a stale entry would only
	 * make a later cleanup find nothing to do). */
	yoi_error e2;
	(void)started_remove(st, id, w.branch, norm, &e2);
	yoi_attr attrs[] = {{"branch", w.branch},
			    {"worktree", w.worktree ? w.worktree : ""},
			    {"removed", removed->ptr},
			    {"forced", "true"}};
	rc = yoi_ticket_append(st, ctx, id, "cleanup", attrs, force ? 4 : 3,
			       txt(ctx, "cleanup_body"), err);
	if (rc == 0) /* the work is gone: so is this clone's claim */
		yoi_claimflow_settle(st, ctx, id);
out:
	yoi_ticket_free(t);
	free(wpath);
	free(norm);
	free(top);
	free(first);
	yoi_git_worktrees_free(&wts);
	yoi_work_info_free(&w);
	yoi_store_unlock(st);
	return rc;
}

static int cmp_tree(const void *a, const void *b)
{
	return strcmp(((const yoi_work_tree *)a)->wt.name,
		      ((const yoi_work_tree *)b)->wt.name);
}

int yoi_work_trees_list(const yoi_store *st, yoi_work_trees *out,
			yoi_error *err)
{
	memset(out, 0, sizeof(*out));
	int rc = need_repo(st, err);
	if (rc < 0)
		return rc;
	yoi_git_worktrees wts;
	if ((rc = yoi_git_worktrees_list(st->repo, &wts, err)) < 0)
		return rc;
	out->v = calloc(wts.n ? wts.n : 1, sizeof(*out->v));
	if (!out->v)
		rc = oom(err);
	for (size_t i = 0; rc == 0 && i < wts.n; i++) {
		yoi_worktree *g = &wts.v[i];
		char id[YOI_ID_LEN + 1];
		if (strlen(g->name) < YOI_ID_LEN ||
		    (g->name[YOI_ID_LEN] && g->name[YOI_ID_LEN] != '-'))
			continue;
		memcpy(id, g->name, YOI_ID_LEN);
		id[YOI_ID_LEN] = '\0';
		if (!yoi_id_valid(id))
			continue;
		yoi_work_tree *w = &out->v[out->n++];
		memcpy(w->id, id, sizeof(id));
		w->wt = *g; /* the strings move over */
		memset(g, 0, sizeof(*g));
		w->state = YOI_ST_INVALID;
		yoi_ticket *t;
		yoi_error e2;
		if (yoi_ticket_load(&t, st, id, YOI_LOAD_FRONTMATTER, &e2) ==
		    0) {
			w->state =
			    yoi_state_parse(yoi_item_get(t->item, "state"));
			yoi_ticket_free(t);
		}
	}
	yoi_git_worktrees_free(&wts);
	if (rc < 0) {
		yoi_work_trees_free(out);
		return rc;
	}
	if (out->n > 1) /* out->v is NULL when there are none */
		qsort(out->v, out->n, sizeof(*out->v), cmp_tree);
	return 0;
}

void yoi_work_trees_free(yoi_work_trees *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->n; i++)
		yoi_worktree_clear(&w->v[i].wt);
	free(w->v);
	memset(w, 0, sizeof(*w));
}

char *yoi_work_store_for(const yoi_store *st, const char *worktree_path)
{
	size_t n = st->top ? strlen(st->top) : 0;
	if (!st->cfg.worktrees_store_branch || !worktree_path || !n ||
	    strncmp(st->root, st->top, n) != 0 || st->root[n] != '/')
		return yoi_strdup(st->root);
	return yoi_path_join(worktree_path, st->root + n + 1);
}
