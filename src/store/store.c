/* store.c - root discovery, config, lock, enumeration, lookup. */
#include "yoi/store.h"
#include "store/store_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "git/gitops.h"
#include "yoi/file.h"

static char *absolute(const char *cwd, const char *p)
{
	if (p[0] == '/')
		return yoi_strdup(p);
	return yoi_path_join(cwd, p);
}

static char *strip_slash(char *s)
{
	size_t n = strlen(s);
	while (n > 1 && s[n - 1] == '/')
		s[--n] = '\0';
	return s;
}

/* Find the repository from cwd; keep it open for its config later. */
static char *discover_top(yoi_store *st, const char *cwd)
{
	char *top = NULL;
	st->repo = yoi_git_discover(cwd);
	const char *wd = st->repo ? yoi_git_workdir(st->repo) : NULL;
	if (wd)
		top = strip_slash(yoi_strdup(wd));
	return top;
}

/* ---- where the paths resolve (issue 11) ---- */

/*
 * Absolute path with its symbolic links resolved: the realpath of its
 * longest existing prefix, then the rest (which does not exist, so holds
 * no link) applied lexically. NULL with errno: ELOOP for a dangling link
 * on the way (creating through it would follow it), realpath's errors,
 * ENOMEM.
 */
static char *resolve_path(const char *path)
{
	char *head = yoi_strdup(path);
	char *real = NULL;
	if (!head)
		return NULL;
	size_t hl = strlen(head);
	while (!(real = realpath(head, NULL))) {
		struct stat sb;
		char *slash = strrchr(head, '/');
		if (errno != ENOENT || !slash || lstat(head, &sb) == 0) {
			int e = errno == ENOENT ? ELOOP : errno;
			free(head);
			errno = e;
			return NULL;
		}
		*(slash == head ? slash + 1 : slash) = '\0';
		hl = strlen(head);
	}
	free(head);
	yoi_buf b = YOI_BUF_INIT;
	bool ok = yoi_buf_puts(&b, real) == 0;
	free(real);
	for (const char *p = path + hl; ok && *p;) {
		while (*p == '/')
			p++;
		size_t n = strcspn(p, "/");
		if (n == 0 || (n == 1 && p[0] == '.')) {
			/* nothing */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			char *last = strrchr(b.ptr, '/');
			b.len =
			    last && last != b.ptr ? (size_t)(last - b.ptr) : 1;
			b.ptr[b.len] = '\0';
		} else {
			ok = (b.len == 1 || yoi_buf_putc(&b, '/') == 0) &&
			     yoi_buf_put(&b, p, n) == 0;
		}
		p += n;
	}
	if (!ok) {
		yoi_buf_free(&b);
		errno = ENOMEM;
		return NULL;
	}
	return b.ptr;
}

/* Whether a component of p from byte `from` on is .git (any case). */
static bool has_git_component(const char *p, size_t from)
{
	for (const char *c = p + from; *c;) {
		while (*c == '/')
			c++;
		size_t n = strcspn(c, "/");
		if (n == 4 && strncasecmp(c, ".git", 4) == 0)
			return true;
		c += n;
	}
	return false;
}

/* The resolved top and git directories a path is judged against. */
typedef struct bounds {
	char *top;	       /* realpath of the work tree top, or NULL */
	char *gitdir, *common; /* realpaths of git's directories, or NULL */
} bounds;

static int bounds_init(bounds *b, struct git_repository *repo, const char *top)
{
	memset(b, 0, sizeof(*b));
	/* Unresolvable (it should not be): judged as written, not skipped. */
	if (top && !(b->top = realpath(top, NULL)) &&
	    !(b->top = yoi_strdup(top)))
		return YOI_ENOMEM;
	if (repo) {
		b->gitdir = realpath(yoi_git_dir(repo), NULL);
		b->common = realpath(yoi_git_commondir(repo), NULL);
	}
	return 0;
}

static void bounds_free(bounds *b)
{
	free(b->top);
	free(b->gitdir);
	free(b->common);
}

/*
 * Judge absolute path: NULL when it resolves inside b->top (the top
 * itself only when allow_top) and outside git's directories, else why
 * (static or in buf). *res gets the resolved path (caller frees; NULL
 * when it cannot be resolved). ENOMEM: returns NULL with *res NULL and
 * errno ENOMEM.
 */
static const char *judge(const bounds *b, const char *path, bool allow_top,
			 char *buf, size_t bufsz, char **res)
{
	errno = 0;
	*res = resolve_path(path);
	if (!*res && errno == ENOMEM)
		return NULL;
	if (!*res && errno == ELOOP)
		return "goes through a symbolic link that points nowhere (or a "
		       "loop of links); remove the link";
	if (!*res) {
		snprintf(buf, bufsz, "cannot be resolved: %s", strerror(errno));
		return buf;
	}
	const char *r = *res;
	if ((b->gitdir && yoi_path_within(r, b->gitdir)) ||
	    (b->common && yoi_path_within(r, b->common))) {
		snprintf(buf, bufsz,
			 "resolves to %s, inside git's own directory; choose "
			 "a folder of the work tree",
			 r);
		return buf;
	}
	if (!b->top)
		return has_git_component(r, 0)
			   ? "lies inside a .git directory; choose another "
			     "folder"
			   : NULL;
	if (!yoi_path_within(r, b->top)) {
		snprintf(buf, bufsz,
			 "resolves to %s, not inside the work tree %s "
			 "(outside the repository); choose a folder inside it "
			 "and no symbolic link that leads out",
			 r, b->top);
		return buf;
	}
	if (!allow_top && strcmp(r, b->top) == 0)
		return "resolves to the repository top itself; choose a "
		       "folder inside it";
	if (has_git_component(r, strlen(b->top)))
		return "lies inside a .git directory; choose another folder";
	return NULL;
}

/* A config path refused by where it resolves: the key's line, or the
 * default named as such. */
static int path_refused(yoi_error *err, const char *cfg_path, const char *key,
			const char *val, int line, const char *why)
{
	if (line > 0)
		return yoi_error_set(err, YOI_EREFUSED, cfg_path, line,
				     "'%s' (%s) %s; fix %s or the link in the "
				     "work tree",
				     key, val, why, key);
	return yoi_error_set(err, YOI_EREFUSED, cfg_path, 0,
			     "'%s' (%s, the default) %s; set %s in %s, or "
			     "fix the link in the work tree",
			     key, val, why, key, cfg_path);
}

/*
 * The resolved paths of the store must stay where they belong: --root in
 * the work tree when there is one (never in git's directories),
 * tickets.root and worktrees.dir (unless "../<name>") strictly inside it.
 */
static int check_paths(yoi_store *st, const char *cfg_path, yoi_error *err)
{
	bounds b, mb = {0};
	char why_buf[PATH_MAX * 2 + 160];
	char *main_top = NULL, *root_res = NULL, *wt_res = NULL, *wt = NULL;
	const yoi_config *cfg = &st->cfg;
	int rc = bounds_init(&b, st->repo, st->top);
	/* Linked worktrees go under the main worktree's top (work.c). */
	if (rc == 0 && st->repo && st->top) {
		yoi_error e2;
		if (yoi_git_main_top(st->repo, &main_top, &e2) < 0)
			rc = e2.code == YOI_ENOMEM ? YOI_ENOMEM : 0;
		else
			rc = bounds_init(&mb, st->repo, main_top);
	}
	if (rc < 0)
		goto out;
	const char *why = judge(&b, st->root, st->root_override, why_buf,
				sizeof(why_buf), &root_res);
	/* --root from a linked worktree may name the main one's store. */
	if (why && st->root_override && mb.top && b.top &&
	    strcmp(mb.top, b.top) != 0) {
		free(root_res);
		why = judge(&mb, st->root, true, why_buf, sizeof(why_buf),
			    &root_res);
	}
	if (!why && !root_res) {
		rc = YOI_ENOMEM;
	} else if (why && st->root_override) {
		rc = yoi_error_set(err, YOI_EUSAGE, st->root, 0,
				   "--root %s: the tickets root %s", st->root,
				   why);
	} else if (why) {
		rc = path_refused(err, cfg_path, "tickets.root",
				  cfg->tickets_root, cfg->tickets_root_line,
				  why);
	}
	if (rc < 0 || !mb.top || strncmp(cfg->worktrees_dir, "../", 3) == 0)
		goto out;
	wt = yoi_path_join(main_top, cfg->worktrees_dir);
	why = wt ? judge(&mb, wt, false, why_buf, sizeof(why_buf), &wt_res)
		 : NULL;
	if (!why && !wt_res)
		rc = YOI_ENOMEM;
	else if (!why && b.top && strcmp(b.top, mb.top) == 0 &&
		 (yoi_path_within(wt_res, root_res) ||
		  yoi_path_within(root_res, wt_res)))
		why = "overlaps the tickets root once links are resolved; "
		      "choose another folder";
	if (why)
		rc = path_refused(err, cfg_path, "worktrees.dir",
				  cfg->worktrees_dir, cfg->worktrees_dir_line,
				  why);
out:
	if (rc == YOI_ENOMEM)
		rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	bounds_free(&b);
	bounds_free(&mb);
	free(main_top);
	free(root_res);
	free(wt_res);
	free(wt);
	return rc;
}

/*
 * Temp files of atomic replaces: inside the git directory, where git
 * never shows them, and on the work tree's file system in the usual
 * layout (file.c falls back to the target's directory when not).
 */
static char *tmp_dir_of(const yoi_store *st)
{
	const char *common = st->repo ? yoi_git_commondir(st->repo) : NULL;
	return common ? yoi_path_join(common, "yoi/tmp") : NULL;
}

/*
 * One store per clone: from a linked worktree, the main worktree's top
 * when it holds a .yoi directory (st->repo becomes the main worktree's
 * repository, so the lock and the caches are the main store's).
 */
static int follow_main(yoi_store *st)
{
	struct git_repository *main = yoi_git_main_worktree(st->repo);
	if (!main)
		return 0;
	char *top = strip_slash(yoi_strdup(yoi_git_workdir(main)));
	char *yoi = top ? yoi_path_join(top, ".yoi") : NULL;
	struct stat sb;
	if (!yoi || stat(yoi, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		yoi_git_close(main);
		free(top);
		free(yoi);
		return yoi ? 0 : YOI_ENOMEM;
	}
	free(yoi);
	st->linked = st->top;
	st->top = top;
	yoi_git_close(st->repo);
	st->repo = main;
	return 0;
}

/* Back to the linked worktree's own store (worktrees.store: branch). */
static int stay_here(yoi_store *st, const char *cwd)
{
	free(st->top);
	free(st->linked);
	st->linked = NULL;
	yoi_git_close(st->repo);
	st->top = discover_top(st, cwd);
	free(st->yoi_dir);
	st->yoi_dir = st->top ? yoi_path_join(st->top, ".yoi") : NULL;
	yoi_config_free(&st->cfg);
	if (yoi_config_defaults(&st->cfg) < 0 || !st->yoi_dir)
		return YOI_ENOMEM;
	return 0;
}

/*
 * --root must name a tickets root: not a repository's top, nor a folder
 * holding .git or .yoi (a mistaken --root would otherwise list nothing,
 * or write tickets and a lock into the repository's top).
 */
static int not_a_root(const yoi_store *st, const char *given, yoi_error *err)
{
	struct stat sb;
	const char *what = NULL;
	char *p = yoi_path_join(st->root, ".git");
	if (!p)
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	if (st->top && strcmp(st->root, st->top) == 0)
		what = "the repository's top";
	else if (lstat(p, &sb) == 0)
		what = "a folder holding .git";
	free(p);
	p = what ? NULL : yoi_path_join(st->root, ".yoi");
	if (p && lstat(p, &sb) == 0)
		what = "a folder holding .yoi";
	free(p);
	if (!what)
		return 0;
	return yoi_error_set(err, YOI_EUSAGE, NULL, 0,
			     "--root %s: not a tickets root (%s); to run as "
			     "if started there use -C %s, or name the tickets "
			     "folder itself (such as %s/.yoi/tickets)",
			     given, what, given, given);
}

int yoi_store_open(yoi_store **out, const char *cwd, const char *root_override,
		   yoi_error *err)
{
	return yoi_store_open_ex(out, cwd, root_override, 0, err);
}

int yoi_store_open_ex(yoi_store **out, const char *cwd,
		      const char *root_override, unsigned flags, yoi_error *err)
{
	*out = NULL;
	yoi_store *st = calloc(1, sizeof(*st));
	if (!st)
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	st->lock_fd = -1;
	yoi_git_init();
	int rc = yoi_config_defaults(&st->cfg);
	if (rc < 0)
		goto fail_nomem;

	st->root_override = root_override != NULL;
	if (root_override) {
		st->root = strip_slash(absolute(cwd, root_override));
		char *copy = st->root ? yoi_strdup(st->root) : NULL;
		st->yoi_dir = copy ? yoi_strdup(dirname(copy)) : NULL;
		free(copy);
		st->top = discover_top(st, cwd);
		if (!st->root || !st->yoi_dir)
			goto fail_nomem;
		if ((rc = not_a_root(st, root_override, err)) < 0)
			goto fail;
	} else {
		st->top = discover_top(st, cwd);
		if (!st->top) {
			rc = yoi_error_set(
			    err, YOI_ENOTFOUND, cwd, 0,
			    "%s: not inside a git work tree; run inside a "
			    "repository (git init) or pass --root DIR",
			    cwd);
			goto fail;
		}
		if (!(flags & YOI_STORE_HERE) && follow_main(st) < 0)
			goto fail_nomem;
		st->yoi_dir = yoi_path_join(st->top, ".yoi");
		if (!st->yoi_dir)
			goto fail_nomem;
	}
	char *cfg_path = yoi_path_join(st->yoi_dir, "config.yaml");
	if (!cfg_path)
		goto fail_nomem;
	rc = yoi_config_load(&st->cfg, cfg_path, err);
	free(cfg_path);
	if (rc < 0)
		goto fail;
	if (st->linked && st->cfg.worktrees_store_branch) {
		if (stay_here(st, cwd) < 0)
			goto fail_nomem;
		cfg_path = yoi_path_join(st->yoi_dir, "config.yaml");
		rc = cfg_path ? yoi_config_load(&st->cfg, cfg_path, err)
			      : YOI_ENOMEM;
		free(cfg_path);
		if (rc == YOI_ENOMEM)
			goto fail_nomem;
		if (rc < 0)
			goto fail;
	}
	if (!st->root) {
		/* The config refuses absolute roots (yoi_config_parse). */
		st->root = yoi_path_join(st->top, st->cfg.tickets_root);
		if (!st->root)
			goto fail_nomem;
		strip_slash(st->root);
	}
	cfg_path = yoi_path_join(st->yoi_dir, "config.yaml");
	rc = cfg_path ? check_paths(st, cfg_path, err) : YOI_ENOMEM;
	free(cfg_path);
	if (rc == YOI_ENOMEM)
		goto fail_nomem;
	if (rc < 0)
		goto fail;
	st->tmp_dir = tmp_dir_of(st);
	*out = st;
	return 0;
fail_nomem:
	rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
fail:
	yoi_store_free(st);
	return rc;
}

void yoi_store_free(yoi_store *st)
{
	if (!st)
		return;
	st->lock_depth = 0;
	yoi_store_unlock(st);
	yoi_config_free(&st->cfg);
	free(st->top);
	free(st->yoi_dir);
	free(st->root);
	free(st->tmp_dir);
	free(st->linked);
	yoi_git_close(st->repo);
	free(st);
	yoi_git_shutdown();
}

int yoi_store_require(const yoi_store *st, yoi_error *err)
{
	if (yoi_is_dir(st->root))
		return 0;
	if (yoi_exists(st->root))
		return yoi_error_set(err, YOI_EREFUSED, st->root, 0,
				     "%s: the tickets root is not a directory "
				     "(a symlink or a file); replace it with a "
				     "directory",
				     st->root);
	return yoi_error_set(err, YOI_ENOTFOUND, st->root, 0,
			     "%s: no ticket store here; run 'yoi-tickets init' "
			     "first",
			     st->root);
}

void yoi_store_scope(const yoi_store *st, yoi_file_scope *out)
{
	out->base = st->root;
	out->tmpdir = st->tmp_dir;
	size_t n = st->top ? strlen(st->top) : 0;
	if (n && strncmp(st->root, st->top, n) == 0 && st->root[n] == '/' &&
	    !strstr(st->root + n, "/../") &&
	    strcmp(st->root + strlen(st->root) - 3, "/..") != 0)
		out->base = st->top;
}

int yoi_store_write(const yoi_store *st, const char *path, const char *data,
		    size_t len, yoi_error *err)
{
	yoi_file_scope sc;
	yoi_store_scope(st, &sc);
	return yoi_file_write_in(&sc, path, data, len, err);
}

int yoi_store_append(const yoi_store *st, const char *path, const char *data,
		     size_t len, bool create, yoi_error *err)
{
	yoi_file_scope sc;
	yoi_store_scope(st, &sc);
	return yoi_file_append_in(&sc, path, data, len, create, err);
}

int yoi_store_mkdir(const yoi_store *st, const char *path, bool kept,
		    yoi_error *err)
{
	yoi_file_scope sc;
	yoi_store_scope(st, &sc);
	return yoi_mkdir_in(&sc, path, kept, err);
}

/* Poll flock(op) with a short sleep: flock has no timeout of its own. */
static int take(int fd, int op, const char *path, int wait_sec, yoi_error *err)
{
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		if (flock(fd, op | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return yoi_error_set(err, YOI_EIO, path, 0,
					     "%s: flock failed: %s", path,
					     strerror(errno));
		clock_gettime(CLOCK_MONOTONIC, &now);
		double waited = (double)(now.tv_sec - start.tv_sec) +
				(double)(now.tv_nsec - start.tv_nsec) / 1e9;
		if (waited >= wait_sec)
			return yoi_error_set(
			    err, YOI_EBUSY, path, 0,
			    "%s: the store is busy (locked by "
			    "another yoi-tickets process for "
			    "%d s); retry, or pass --wait SECONDS",
			    path, wait_sec);
		struct timespec ts = {0, 2 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
}

/* Names of lock files longer than this are hashed (NAME_MAX is 255). */
#define LOCK_NAME_MAX 200

/* p is dir or below it, component-wise (dir may end in '/'); *rest is
 * what follows, without leading '/'. */
static bool under(const char *p, const char *dir, const char **rest)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (strncmp(p, dir, n) != 0 || (p[n] != '\0' && p[n] != '/'))
		return false;
	*rest = p + n;
	while (**rest == '/')
		(*rest)++;
	return true;
}

char *yoi_store_lock_path_for(const char *root, const char *workdir,
			      const char *gitdir)
{
	const char *rel;
	if (!gitdir || !workdir || !under(root, workdir, &rel)) {
		size_t n = strlen(root);
		return yoi_sprintf("%s%s.lock", root,
				   n && root[n - 1] == '/' ? "" : "/");
	}
	yoi_buf name = YOI_BUF_INIT;
	size_t n = strlen(rel);
	while (n && rel[n - 1] == '/')
		n--;
	bool ok = yoi_buf_puts(&name, "") == 0;
	for (size_t i = 0; ok && i < n; i++) {
		const char one[2] = {rel[i], '\0'};
		const char *piece = rel[i] == '%'   ? "%25"
				    : rel[i] == '/' ? "%2F"
						    : one;
		ok = yoi_buf_puts(&name, piece) == 0;
	}
	if (!ok) {
		yoi_buf_free(&name);
		return NULL;
	}
	if (name.len > LOCK_NAME_MAX) {
		/* FNV-1a: stable across versions and machines. */
		unsigned long long h = 0xcbf29ce484222325ULL;
		for (size_t i = 0; i < name.len; i++)
			h = (h ^ (unsigned char)name.ptr[i]) * 0x100000001b3ULL;
		yoi_buf_clear(&name);
		if (yoi_buf_printf(&name, "%%h%016llx", h) < 0) {
			yoi_buf_free(&name);
			return NULL;
		}
	}
	size_t g = strlen(gitdir);
	while (g > 1 && gitdir[g - 1] == '/')
		g--;
	char *out =
	    yoi_sprintf("%.*s/yoi/locks/%s.lock", (int)g, gitdir, name.ptr);
	yoi_buf_free(&name);
	return out;
}

/*
 * The repository of the work tree holding path (absolute, resolved): the
 * nearest folder at or above it with a .git - a directory, or a file
 * "gitdir: DIR" as linked worktrees and separate git directories have -
 * that is a repository (holds HEAD). *workdir is that folder, *gitdir the
 * resolved git directory; both NULL when there is none. Found by hand,
 * not by libgit2, so that the answer never depends on who asks (libgit2
 * refuses to open a repository another user owns) or from where.
 */
static int git_of(const char *path, char **workdir, char **gitdir,
		  yoi_error *err)
{
	*workdir = *gitdir = NULL;
	char *dir = yoi_strdup(path);
	if (!dir)
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	int rc = 0;
	/* Each turn drops one component: bounded by the path's length. */
	for (;;) {
		char *dotgit = yoi_path_join(dir, ".git");
		char *gd = NULL;
		struct stat sb;
		int src = dotgit ? stat(dotgit, &sb) : -1;
		if (!dotgit) {
			rc = YOI_ENOMEM;
		} else if (src == 0 && S_ISDIR(sb.st_mode)) {
			gd = realpath(dotgit, NULL);
		} else if (src == 0 && S_ISREG(sb.st_mode)) {
			yoi_buf b = YOI_BUF_INIT;
			yoi_error e2;
			if (yoi_file_read(dotgit, 4096, &b, &e2) == 0 &&
			    b.ptr && strncmp(b.ptr, "gitdir: ", 8) == 0) {
				char *v = b.ptr + 8;
				v[strcspn(v, "\r\n")] = '\0';
				char *p = v[0] == '/' ? yoi_strdup(v)
						      : yoi_path_join(dir, v);
				gd = p ? realpath(p, NULL) : NULL;
				free(p);
			}
			yoi_buf_free(&b);
		}
		char *head = gd ? yoi_path_join(gd, "HEAD") : NULL;
		bool found = head && yoi_exists(head);
		free(head);
		free(dotgit);
		if (found) {
			*workdir = dir;
			*gitdir = gd;
			return 0;
		}
		free(gd);
		char *slash = strrchr(dir, '/');
		if (rc < 0 || !slash || (slash == dir && !dir[1]))
			break;
		*(slash == dir ? slash + 1 : slash) = '\0';
	}
	free(dir);
	if (rc == YOI_ENOMEM)
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	return 0;
}

int yoi_store_lock_path(const yoi_store *st, char **out, char **gitdir,
			yoi_error *err)
{
	*out = NULL;
	if (gitdir)
		*gitdir = NULL;
	char *root = realpath(st->root, NULL);
	if (!root)
		return yoi_error_set(
		    err, errno == ENOMEM ? YOI_ENOMEM : YOI_EIO, st->root, 0,
		    "%s: cannot resolve: %s", st->root, strerror(errno));
	/* Found from the root: the same answer from every cwd. */
	char *wd = NULL, *gd = NULL;
	int rc = git_of(root, &wd, &gd, err);
	if (rc == 0 && !(*out = yoi_store_lock_path_for(root, wd, gd)))
		rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	/* wd is the root or above it: the lock is in gd when there is one. */
	if (rc == 0 && gitdir) {
		*gitdir = gd;
		gd = NULL;
	}
	free(root);
	free(wd);
	free(gd);
	return rc;
}

/*
 * Make <gitdir>/yoi/locks (each folder opened without following a
 * symbolic link below the git directory).
 */
static int lock_dirs(const yoi_file_scope *sc, const char *gitdir,
		     yoi_error *err)
{
	char *yoi = yoi_path_join(gitdir, "yoi");
	char *locks = yoi ? yoi_path_join(yoi, "locks") : NULL;
	int rc = locks
		     ? yoi_mkdir_in(sc, yoi, false, err)
		     : yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	if (rc == 0)
		rc = yoi_mkdir_in(sc, locks, false, err);
	free(yoi);
	free(locks);
	return rc;
}

/*
 * Open the lock file (yoi_store_lock_path: in the git directory, or in
 * the store's scope when there is no repository) and flock it, exclusive
 * or shared; on success the store holds it. A shared lock makes do with
 * an existing lock file it cannot write (a read-only store or git
 * directory); failing to open one is YOI_EREFUSED there (doctor then
 * reads unlocked), YOI_EIO for a writer.
 */
static int lock_take(yoi_store *st, bool shared, int wait_sec, yoi_error *err)
{
	int rc = yoi_store_require(st, err);
	if (rc < 0)
		return rc;
	/* The lock no longer needs the store writable to be taken: a writer
	 * still says so first, before it writes anything. */
	if (!shared && faccessat(AT_FDCWD, st->root, W_OK, AT_EACCESS) < 0 &&
	    (errno == EACCES || errno == EROFS || errno == EPERM))
		return yoi_error_set(err, YOI_EIO, st->root, 0,
				     "%s: the store is not writable (%s); "
				     "check its permissions and the file "
				     "system's mount options",
				     st->root, strerror(errno));
	char *path = NULL, *gitdir = NULL;
	if ((rc = yoi_store_lock_path(st, &path, &gitdir, err)) < 0)
		return rc;
	yoi_file_scope sc;
	yoi_store_scope(st, &sc);
	if (gitdir)
		sc = (yoi_file_scope){gitdir, NULL};
	int fd = gitdir ? lock_dirs(&sc, gitdir, err) : 0;
	if (fd == 0)
		fd = yoi_file_open_in(&sc, path, O_RDWR | O_CREAT, 0644, err);
	if (shared && (fd == YOI_EIO || fd == YOI_ENOTFOUND))
		fd = yoi_file_open_in(&sc, path, O_RDONLY, 0, err);
	if (fd < 0) {
		char why[YOI_ERRMSG_MAX];
		snprintf(why, sizeof(why), "%s", err ? err->msg : "");
		if (shared)
			fd =
			    yoi_error_set(err, YOI_EREFUSED, path, 0,
					  "cannot open the lock file: %s", why);
		else if (fd == YOI_EIO || fd == YOI_ENOTFOUND)
			fd = yoi_error_set(err, YOI_EIO, path, 0,
					   "cannot open the lock file: %s; "
					   "check that %s is writable",
					   why, gitdir ? gitdir : st->root);
		free(path);
		free(gitdir);
		return fd;
	}
	rc = take(fd, shared ? LOCK_SH : LOCK_EX, path, wait_sec, err);
	free(path);
	free(gitdir);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	st->lock_fd = fd;
	st->lock_shared = shared;
	return 0;
}

int yoi_store_lock(yoi_store *st, int wait_sec, yoi_error *err)
{
	if (st->lock_fd >= 0 && st->lock_shared)
		return yoi_error_set(err, YOI_EBUSY, st->root, 0,
				     "%s: the store lock is held shared by "
				     "this process; release it first",
				     st->root);
	if (st->lock_fd >= 0) {
		st->lock_depth++;
		return 0;
	}
	int rc = lock_take(st, false, wait_sec, err);
	if (rc < 0)
		return rc;
	/* The next writer sweeps what a killed one left (see file.h). */
	yoi_file_tmp_sweep(st->tmp_dir);
	return 0;
}

int yoi_store_lock_shared(yoi_store *st, int wait_sec, yoi_error *err)
{
	if (st->lock_fd >= 0)
		return yoi_error_set(err, YOI_EBUSY, st->root, 0,
				     "%s: the store lock is already held",
				     st->root);
	return lock_take(st, true, wait_sec, err);
}

void yoi_store_unlock(yoi_store *st)
{
	if (st && st->lock_depth > 0) {
		st->lock_depth--;
	} else if (st && st->lock_fd >= 0) {
		flock(st->lock_fd, LOCK_UN);
		close(st->lock_fd);
		st->lock_fd = -1;
		st->lock_shared = false;
	}
}

static void sig_of(const char *path, unsigned long long *v)
{
	struct stat sb;
	if (!path || lstat(path, &sb) < 0) {
		memset(v, 0, 4 * sizeof(*v));
		return;
	}
	v[0] = ((unsigned long long)sb.st_dev << 32) ^ sb.st_ino;
	v[1] = (unsigned long long)sb.st_size;
	v[2] = (unsigned long long)sb.st_mtim.tv_sec;
	v[3] = (unsigned long long)sb.st_mtim.tv_nsec;
}

void yoi_store_ticket_sig(const yoi_store *st, const char *id,
			  yoi_store_sig *out)
{
	char *item = yoi_store_path(st, id, "item.md");
	char *thread = yoi_store_path(st, id, "thread.md");
	sig_of(item, out->v);
	sig_of(thread, out->v + 4);
	free(item);
	free(thread);
}

bool yoi_store_sig_mid_write(const yoi_store_sig *s)
{
	/* v[2], v[3]: item.md's mtime; v[6], v[7]: thread.md's. */
	return s->v[6] > s->v[2] || (s->v[6] == s->v[2] && s->v[7] >= s->v[3]);
}

bool yoi_store_sig_equal(const yoi_store_sig *a, const yoi_store_sig *b)
{
	return memcmp(a->v, b->v, sizeof(a->v)) == 0;
}

int yoi_store_ids(const yoi_store *st, yoi_strv *ids, yoi_error *err)
{
	int rc = yoi_store_require(st, err);
	if (rc < 0)
		return rc;
	DIR *d = opendir(st->root);
	if (!d)
		return yoi_error_set(err, YOI_EIO, st->root, 0,
				     "%s: cannot list: %s", st->root,
				     strerror(errno));
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!yoi_id_valid(de->d_name))
			continue;
		/* Only real directories: a symlink is never a ticket. */
		if (de->d_type == DT_UNKNOWN) {
			char *p = yoi_path_join(st->root, de->d_name);
			bool dir = p && yoi_is_dir(p);
			free(p);
			if (!dir)
				continue;
		} else if (de->d_type != DT_DIR) {
			continue;
		}
		if (yoi_strv_push(ids, de->d_name) < 0) {
			rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0,
					   "out of memory");
			break;
		}
	}
	closedir(d);
	yoi_strv_sort(ids);
	return rc;
}

int yoi_store_resolve(const yoi_store *st, const char *query,
		      char out[YOI_ID_LEN + 1], yoi_error *err)
{
	char norm[YOI_ID_LEN + 1];
	if (yoi_id_normalize(query, norm, sizeof(norm)) < 0)
		return yoi_error_set(err, YOI_EUSAGE, NULL, 0,
				     "'%s' is not a ticket ID: an ID is 13 "
				     "characters of 0-9 and A-Z without I, L, "
				     "O, U (or a unique suffix of at least 4)",
				     query);
	size_t len = strlen(norm);
	if (len < 4)
		return yoi_error_set(err, YOI_EUSAGE, NULL, 0,
				     "'%s' is too short: give the full ID or "
				     "a suffix of at least 4 characters",
				     query);
	int rc = yoi_store_require(st, err);
	if (rc < 0)
		return rc;
	if (len == YOI_ID_LEN) {
		if (!yoi_id_valid(norm))
			return yoi_error_set(err, YOI_EUSAGE, NULL, 0,
					     "'%s' is not a valid ticket ID",
					     query);
		char *dir = yoi_store_path(st, norm, NULL);
		bool found = dir && yoi_is_dir(dir);
		/* A symlink (or a file) in place of the directory is refused,
		 * not "not found": it exists, and we will not follow it. */
		if (!found && dir && yoi_exists(dir)) {
			rc = yoi_error_set(err, YOI_EREFUSED, dir, 0,
					   "%s: not a directory (a symbolic "
					   "link?); ticket directories must be "
					   "real directories",
					   dir);
			free(dir);
			return rc;
		}
		free(dir);
		if (!found)
			return yoi_error_set(err, YOI_ENOTFOUND, st->root, 0,
					     "no ticket %s in %s; 'yoi-tickets "
					     "list --state all' shows the IDs",
					     norm, st->root);
		memcpy(out, norm, YOI_ID_LEN + 1);
		return 0;
	}
	yoi_strv ids = {0};
	rc = yoi_store_ids(st, &ids, err);
	if (rc < 0)
		return rc;
	yoi_buf cands = YOI_BUF_INIT;
	size_t hits = 0;
	for (size_t i = 0; i < ids.n; i++) {
		if (!yoi_id_has_suffix(ids.v[i], norm))
			continue;
		if (hits++ == 0)
			memcpy(out, ids.v[i], YOI_ID_LEN + 1);
		yoi_buf_printf(&cands, " %s", ids.v[i]);
	}
	if (hits == 0)
		rc = yoi_error_set(err, YOI_ENOTFOUND, st->root, 0,
				   "no ticket ends in '%s'; 'yoi-tickets list "
				   "--state all' shows the IDs",
				   query);
	else if (hits > 1)
		rc = yoi_error_set(err, YOI_EUSAGE, NULL, 0,
				   "'%s' is ambiguous: %zu tickets match:%s; "
				   "give more characters",
				   query, hits, cands.ptr ? cands.ptr : "");
	yoi_buf_free(&cands);
	yoi_strv_free(&ids);
	return rc;
}

char *yoi_store_path(const yoi_store *st, const char *id, const char *file)
{
	if (!yoi_id_valid(id))
		return NULL;
	if (file)
		return yoi_sprintf("%s/%s/%s", st->root, id, file);
	return yoi_sprintf("%s/%s", st->root, id);
}

char *yoi_store_cache_path(const yoi_store *st, const char *name)
{
	const char *gitdir = st->repo ? yoi_git_dir(st->repo) : NULL;
	return gitdir ? yoi_path_join(gitdir, name) : NULL;
}

char *yoi_store_git_user(const yoi_store *st)
{
	return yoi_git_user_name(st->repo);
}

const char *yoi_store_root(const yoi_store *st)
{
	return st->root;
}

const char *yoi_store_top(const yoi_store *st)
{
	return st->top;
}

const char *yoi_store_yoi_dir(const yoi_store *st)
{
	return st->yoi_dir;
}

const yoi_config *yoi_store_config(const yoi_store *st)
{
	return &st->cfg;
}

const char *yoi_store_linked_from(const yoi_store *st)
{
	return st->linked;
}

bool yoi_store_in_git(const yoi_store *st)
{
	return st->repo != NULL;
}
