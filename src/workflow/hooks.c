/* hooks.c - hooks install/uninstall and the commit message scan. */
#include "yoi/hooks.h"
#include "git/gitops.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store_int.h"
#include "yoi/file.h"
#include "yoi/resource.h"

#define HOOK_READ_MAX (1u << 20) /* a hook script we look into */
#define ATTR_MAX      (4u << 20) /* .gitattributes */

/* The hooks we install, with the arguments git gives them. */
static const struct {
	const char *name;
	const char *args; /* appended to "hook <name>" */
} hook_tab[YOI_HOOKS_N] = {
    {"pre-commit", ""},
    {"commit-msg", " \"$1\""},
    /* git runs no pre-commit for a merge it commits itself */
    {"pre-merge-commit", ""},
};

/* The ticket files routed to the merge driver, relative to a ticket. */
static const char *const attr_files[] = {
    "thread.md",
    "item.md",
    "artifacts/relations.json",
    "artifacts/orchestration-plan.jsonl",
};
#define ATTR_N (sizeof(attr_files) / sizeof(*attr_files))

static const char *const result_names[] = {
    "installed", "updated", "unchanged", "removed", "absent", "foreign",
};

const char *yoi_hooks_result_name(yoi_hooks_result r)
{
	return (size_t)r < sizeof(result_names) / sizeof(*result_names)
		   ? result_names[r]
		   : "unknown";
}

static int nomem(yoi_error *err)
{
	return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
}

char *yoi_hooks_sh_quote(const char *s)
{
	yoi_buf b = YOI_BUF_INIT;
	int rc = yoi_buf_putc(&b, '\'');
	for (const char *p = s; *p && rc == 0; p++)
		rc = *p == '\'' ? yoi_buf_puts(&b, "'\\''")
				: yoi_buf_putc(&b, *p);
	if (rc == 0)
		rc = yoi_buf_putc(&b, '\'');
	if (rc < 0) {
		yoi_buf_free(&b);
		return NULL;
	}
	return yoi_buf_detach(&b);
}

/* Append tmpl to b with each @KEY@ of keys replaced by its value. */
static int substitute(yoi_buf *b, const char *tmpl, const char *const *keys,
		      const char *const *vals, size_t n)
{
	const char *p = tmpl;
	while (*p) {
		const char *at = strchr(p, '@');
		if (!at)
			return yoi_buf_puts(b, p);
		if (yoi_buf_put(b, p, (size_t)(at - p)) < 0)
			return YOI_ENOMEM;
		size_t k = 0;
		for (; k < n; k++)
			if (strncmp(at, keys[k], strlen(keys[k])) == 0)
				break;
		if (k < n) {
			if (yoi_buf_puts(b, vals[k]) < 0)
				return YOI_ENOMEM;
			p = at + strlen(keys[k]);
		} else {
			if (yoi_buf_putc(b, '@') < 0)
				return YOI_ENOMEM;
			p = at + 1;
		}
	}
	return 0;
}

/* Whether text holds the marker as a line of its own. */
static bool has_marker(const char *text)
{
	size_t m = strlen(YOI_HOOKS_MARKER);
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len && p[len - 1] == '\r')
			len--;
		if (len == m && memcmp(p, YOI_HOOKS_MARKER, m) == 0)
			return true;
		p = nl ? nl + 1 : NULL;
	}
	return false;
}

int yoi_hooks_script(char **out, const char *hook, const char *bin,
		     yoi_error *err)
{
	*out = NULL;
	const char *args = NULL;
	for (size_t i = 0; i < YOI_HOOKS_N; i++)
		if (strcmp(hook_tab[i].name, hook) == 0)
			args = hook_tab[i].args;
	const yoi_resource *r = yoi_resource_get("hooks/hook.sh");
	if (!args || !r || !has_marker(r->data))
		return yoi_error_set(err, YOI_EIO, NULL, 0,
				     "no hook template for %s (or it lacks "
				     "the marker line '%s'); rebuild "
				     "yoi-tickets",
				     hook, YOI_HOOKS_MARKER);
	char *qbin = yoi_hooks_sh_quote(bin);
	if (!qbin)
		return nomem(err);
	static const char *const keys[] = {"@BIN@", "@HOOK@", "@ARGS@"};
	const char *const vals[] = {qbin, hook, args};
	yoi_buf b = YOI_BUF_INIT;
	int rc = substitute(&b, r->data, keys, vals, 3);
	free(qbin);
	if (rc < 0) {
		yoi_buf_free(&b);
		return nomem(err);
	}
	*out = yoi_buf_detach(&b);
	return 0;
}

static char *strip_slash(char *s)
{
	size_t n = s ? strlen(s) : 0;
	while (n > 1 && s[n - 1] == '/')
		s[--n] = '\0';
	return s;
}

/* The hooks directory of repo, whose hooks git runs from top. */
static int hooks_dir(char **out, struct git_repository *repo, const char *top,
		     yoi_error *err)
{
	*out = NULL;
	char *v = NULL;
	int rc =
	    yoi_git_config_get(repo, "core.hooksPath", false, true, &v, err);
	if (rc < 0)
		return rc;
	if (v && v[0]) {
		/* git runs hooks from the worktree top: relative to it. */
		if (v[0] == '/')
			*out = yoi_strdup(v);
		else
			*out = yoi_path_join(top ? top : yoi_git_dir(repo), v);
	} else {
		char *common = NULL;
		rc = yoi_git_common_dir(repo, &common, err);
		if (rc == 0)
			*out = yoi_path_join(common, "hooks");
		free(common);
	}
	free(v);
	if (rc == 0 && !*out)
		rc = nomem(err);
	strip_slash(*out);
	return rc;
}

/* Lexically drop ".", "..", and repeated '/' from an absolute path. */
static void normalize(char *p)
{
	char *w = p;
	const char *r = p;
	while (*r) {
		while (*r == '/')
			r++;
		const char *e = strchr(r, '/');
		size_t n = e ? (size_t)(e - r) : strlen(r);
		if (n == 0)
			break;
		if (n == 1 && r[0] == '.') {
			/* skip */
		} else if (n == 2 && r[0] == '.' && r[1] == '.') {
			while (w > p && *--w != '/')
				;
		} else {
			*w++ = '/';
			memmove(w, r, n);
			w += n;
		}
		r += n;
	}
	if (w == p)
		*w++ = '/';
	*w = '\0';
}

/*
 * path with symlinks resolved as far as it exists, the rest (which init
 * may not have made yet) joined lexically. Caller frees.
 */
static char *canonical(const char *path)
{
	char *head = yoi_strdup(path);
	if (!head)
		return NULL;
	char real[PATH_MAX];
	size_t cut = strlen(head);
	for (;;) {
		if (realpath(head, real)) {
			char *res = yoi_sprintf("%s/%s", real, path + cut);
			free(head);
			if (res)
				normalize(res);
			return res;
		}
		char *slash = strrchr(head, '/');
		if (!slash || slash == head) {
			free(head);
			char *res = yoi_strdup(path);
			if (res)
				normalize(res);
			return res;
		}
		*slash = '\0';
		cut = (size_t)(slash - head);
		while (path[cut] == '/')
			cut++;
	}
}

/* The tickets root relative to top ("" when they are one), or an error. */
static int root_rel(char **out, const char *top, const char *root,
		    yoi_error *err)
{
	*out = NULL;
	char *t = canonical(top), *r = canonical(root);
	int rc = 0;
	size_t n = t ? strlen(t) : 0;
	if (!t || !r)
		rc = nomem(err);
	else if (strcmp(t, r) == 0)
		*out = yoi_strdup("");
	else if (strncmp(r, t, n) == 0 && (r[n] == '/' || n == 1))
		*out = yoi_strdup(r + (n == 1 ? 1 : n + 1));
	else
		rc = yoi_error_set(err, YOI_EUSAGE, root, 0,
				   "the tickets root %s is not inside the "
				   "work tree %s, so .gitattributes there "
				   "cannot route its files to the merge "
				   "driver; run 'hooks install' without "
				   "--root, or keep tickets.root under the "
				   "repository",
				   root, top);
	if (rc == 0 && !*out)
		rc = nomem(err);
	if (rc == 0 && strpbrk(*out, " \t\r\n\"\\*?[]!#")) {
		rc = yoi_error_set(err, YOI_EUSAGE, root, 0,
				   "the tickets root '%s' holds a space or "
				   "a pattern character, which a "
				   ".gitattributes pattern cannot carry; "
				   "choose a plain tickets.root",
				   *out);
		free(*out);
		*out = NULL;
	}
	free(t);
	free(r);
	return rc;
}

int yoi_hooks_attr_lines(yoi_strv *out, const char *rel, yoi_error *err)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < ATTR_N; i++) {
		char *l = yoi_sprintf("%s%s*/%s merge=%s", rel, *rel ? "/" : "",
				      attr_files[i], YOI_HOOKS_DRIVER);
		if (!l || yoi_strv_push_owned(out, l) < 0) {
			free(l);
			yoi_strv_free(out);
			return nomem(err);
		}
	}
	return 0;
}

/* One line without its end-of-line and trailing blanks. */
static size_t line_trim(const char *p, size_t len)
{
	while (len &&
	       (p[len - 1] == '\r' || p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	return len;
}

/*
 * Whether a .gitattributes line is one we write: the pattern ends with
 * "*\/<ticket file>" and the only attribute is merge=yoi-tickets.
 */
static bool attr_ours(const char *p, size_t len)
{
	while (len && (*p == ' ' || *p == '\t')) {
		p++;
		len--;
	}
	size_t pl = 0;
	while (pl < len && p[pl] != ' ' && p[pl] != '\t')
		pl++;
	const char *a = p + pl;
	size_t al = len - pl;
	while (al && (*a == ' ' || *a == '\t')) {
		a++;
		al--;
	}
	static const char attr[] = "merge=" YOI_HOOKS_DRIVER;
	if (al != sizeof(attr) - 1 || memcmp(a, attr, al) != 0)
		return false;
	for (size_t i = 0; i < ATTR_N; i++) {
		char tail[64];
		int tl = snprintf(tail, sizeof(tail), "*/%s", attr_files[i]);
		size_t t = (size_t)tl;
		if (pl == t && memcmp(p, tail, t) == 0)
			return true;
		if (pl > t && memcmp(p + pl - t, tail, t) == 0 &&
		    p[pl - t - 1] == '/')
			return true;
	}
	return false;
}

static int read_opt(const char *path, size_t limit, yoi_buf *b, bool *exists,
		    yoi_error *err)
{
	int rc = yoi_file_read(path, limit, b, err);
	*exists = rc == 0;
	if (rc == YOI_ENOTFOUND) {
		yoi_error_clear(err);
		return 0;
	}
	return rc;
}

/* The state of one hook path before anything is changed. */
typedef struct hook_plan {
	char *path;
	char *chained;
	bool present; /* something is at path */
	bool ours;
	bool chained_present;
} hook_plan;

static void plans_free(hook_plan *pl)
{
	for (size_t i = 0; i < YOI_HOOKS_N; i++) {
		free(pl[i].path);
		free(pl[i].chained);
	}
}

static int plan_hook(hook_plan *pl, const char *dir, const char *name,
		     yoi_error *err)
{
	pl->path = yoi_path_join(dir, name);
	pl->chained =
	    pl->path ? yoi_sprintf("%s%s", pl->path, YOI_HOOKS_CHAINED_SUFFIX)
		     : NULL;
	if (!pl->path || !pl->chained)
		return nomem(err);
	struct stat sb;
	pl->chained_present = lstat(pl->chained, &sb) == 0;
	if (lstat(pl->path, &sb) < 0) {
		if (errno == ENOENT)
			return 0;
		return yoi_error_set(err, YOI_EIO, pl->path, 0, "%s: %s",
				     pl->path, strerror(errno));
	}
	pl->present = true;
	if (S_ISLNK(sb.st_mode))
		return 0; /* a link to a hook manager: foreign */
	if (!S_ISREG(sb.st_mode))
		return yoi_error_set(err, YOI_EREFUSED, pl->path, 0,
				     "%s: not a file; move it away and run "
				     "'yoi-tickets hooks install' again",
				     pl->path);
	if (sb.st_size > (off_t)HOOK_READ_MAX)
		return 0; /* not a script of ours */
	yoi_buf b = YOI_BUF_INIT;
	int rc = yoi_file_read(pl->path, HOOK_READ_MAX, &b, err);
	if (rc == 0)
		pl->ours = has_marker(b.ptr);
	yoi_buf_free(&b);
	return rc;
}

static int install_hook(yoi_hooks_hook *h, const hook_plan *pl, const char *bin,
			yoi_error *err)
{
	char *script = NULL;
	int rc = yoi_hooks_script(&script, h->name, bin, err);
	if (rc < 0)
		return rc;
	h->result = YOI_HOOKS_INSTALLED;
	if (pl->present && pl->ours) {
		yoi_buf b = YOI_BUF_INIT;
		struct stat sb;
		rc = yoi_file_read(pl->path, HOOK_READ_MAX, &b, err);
		bool same = rc == 0 && strcmp(b.ptr, script) == 0 &&
			    stat(pl->path, &sb) == 0 &&
			    (sb.st_mode & 07777) == 0755;
		yoi_buf_free(&b);
		if (rc == 0)
			h->result =
			    same ? YOI_HOOKS_UNCHANGED : YOI_HOOKS_UPDATED;
	} else if (pl->present) {
		/* Foreign: keep it, run it first. plan refused a clash. */
		if (rename(pl->path, pl->chained) < 0)
			rc = yoi_error_set(err, YOI_EIO, pl->path, 0,
					   "%s: cannot move it to %s: %s",
					   pl->path, pl->chained,
					   strerror(errno));
		else
			h->moved = true;
	}
	if (rc == 0 && h->result != YOI_HOOKS_UNCHANGED)
		rc = yoi_file_write_mode(pl->path, script, strlen(script), 0755,
					 err);
	free(script);
	h->chains = h->moved || pl->chained_present;
	return rc;
}

static int uninstall_hook(yoi_hooks_hook *h, const hook_plan *pl,
			  yoi_error *err)
{
	if (pl->present && !pl->ours) {
		h->result = YOI_HOOKS_FOREIGN;
		return 0;
	}
	h->result = YOI_HOOKS_ABSENT;
	if (pl->present) {
		if (unlink(pl->path) < 0)
			return yoi_error_set(err, YOI_EIO, pl->path, 0,
					     "%s: cannot remove it: %s",
					     pl->path, strerror(errno));
		h->result = YOI_HOOKS_REMOVED;
	}
	if (pl->chained_present) {
		if (rename(pl->chained, pl->path) < 0)
			return yoi_error_set(err, YOI_EIO, pl->chained, 0,
					     "%s: cannot move it back to %s: "
					     "%s",
					     pl->chained, pl->path,
					     strerror(errno));
		h->moved = true;
	}
	return 0;
}

#define KEY_NAME   "merge." YOI_HOOKS_DRIVER ".name"
#define KEY_DRIVER "merge." YOI_HOOKS_DRIVER ".driver"

static int install_driver(yoi_hooks_report *r, struct git_repository *repo,
			  const char *bin, const char *texts_name,
			  yoi_error *err)
{
	char *qbin = yoi_hooks_sh_quote(bin);
	/* git runs the driver through the shell: find the binary then, as
	 * the hook scripts do (PATH first, the installing one as fallback).
	 */
	r->driver_cmd = qbin ? yoi_sprintf("\"$(command -v yoi-tickets || "
					   "echo %s)\" merge-driver %%O %%A "
					   "%%B %%P",
					   qbin)
			     : NULL;
	free(qbin);
	if (!r->driver_cmd)
		return nomem(err);
	int rc = 0;
	const char *keys[] = {KEY_NAME, KEY_DRIVER};
	const char *vals[] = {texts_name, r->driver_cmd};
	int unset = 0, differ = 0;
	for (size_t i = 0; i < 2 && rc == 0; i++) {
		char *cur = NULL;
		rc = yoi_git_config_get(repo, keys[i], true, false, &cur, err);
		if (rc == 0 && (!cur || strcmp(cur, vals[i]) != 0)) {
			unset += !cur;
			differ += cur != NULL;
			rc = yoi_git_config_set(repo, keys[i], vals[i], err);
		}
		free(cur);
	}
	r->driver = differ	 ? YOI_HOOKS_UPDATED
		    : unset == 2 ? YOI_HOOKS_INSTALLED
		    : unset	 ? YOI_HOOKS_UPDATED
				 : YOI_HOOKS_UNCHANGED;
	return rc;
}

static int uninstall_driver(yoi_hooks_report *r, struct git_repository *repo,
			    yoi_error *err)
{
	int rc = 0;
	r->driver = YOI_HOOKS_ABSENT;
	const char *keys[] = {KEY_NAME, KEY_DRIVER};
	for (size_t i = 0; i < 2 && rc == 0; i++) {
		bool removed = false;
		rc = yoi_git_config_delete(repo, keys[i], &removed, err);
		if (removed)
			r->driver = YOI_HOOKS_REMOVED;
	}
	return rc;
}

/* Whether buf holds line (compared without end-of-line and blanks). */
static bool has_line(const yoi_buf *b, const char *line)
{
	size_t ll = strlen(line);
	for (const char *p = b->ptr; p && p < b->ptr + b->len;) {
		const char *nl = memchr(p, '\n', (size_t)(b->ptr + b->len - p));
		size_t len =
		    nl ? (size_t)(nl - p) : (size_t)(b->ptr + b->len - p);
		if (line_trim(p, len) == ll && memcmp(p, line, ll) == 0)
			return true;
		p = nl ? nl + 1 : NULL;
	}
	return false;
}

static int install_attrs(yoi_hooks_report *r, const yoi_strv *lines,
			 yoi_error *err)
{
	yoi_buf b = YOI_BUF_INIT;
	bool exists;
	int rc = read_opt(r->attr_path, ATTR_MAX, &b, &exists, err);
	size_t len0 = b.len;
	for (size_t i = 0; i < lines->n && rc == 0; i++) {
		if (has_line(&b, lines->v[i]))
			continue;
		if (b.len && b.ptr[b.len - 1] != '\n' &&
		    yoi_buf_putc(&b, '\n') < 0)
			rc = nomem(err);
		else if (yoi_buf_printf(&b, "%s\n", lines->v[i]) < 0 ||
			 yoi_strv_push(&r->attr_lines, lines->v[i]) < 0)
			rc = nomem(err);
	}
	r->attr = !r->attr_lines.n ? YOI_HOOKS_UNCHANGED
		  : exists	   ? YOI_HOOKS_UPDATED
				   : YOI_HOOKS_INSTALLED;
	if (rc == 0 && b.len != len0)
		rc = yoi_file_write_atomic(r->attr_path, b.ptr, b.len, err);
	yoi_buf_free(&b);
	return rc;
}

/* <common dir>/info/attributes: acts on every branch and worktree of this
 * clone, and is never committed. Caller frees; NULL on ENOMEM. */
static char *info_attributes(struct git_repository *repo)
{
	char *common = NULL;
	yoi_error e = {0};
	if (yoi_git_common_dir(repo, &common, &e) < 0)
		return NULL;
	char *p = yoi_path_join(common, "info/attributes");
	free(common);
	return p;
}

/* Remove our lines from the attributes file at path (either place). */
static int uninstall_attrs_at(yoi_hooks_report *r, const char *path,
			      yoi_error *err)
{
	yoi_buf b = YOI_BUF_INIT, keep = YOI_BUF_INIT;
	bool exists;
	struct stat sb;
	if (lstat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
		return yoi_error_set(err, YOI_EREFUSED, path, 0,
				     "%s: not a regular file (a symlink?); "
				     "replace it with a file",
				     path);
	int rc = read_opt(path, ATTR_MAX, &b, &exists, err);
	size_t before = r->attr_lines.n;
	for (const char *p = b.ptr; rc == 0 && p && p < b.ptr + b.len;) {
		const char *nl = memchr(p, '\n', (size_t)(b.ptr + b.len - p));
		size_t len =
		    nl ? (size_t)(nl - p + 1) : (size_t)(b.ptr + b.len - p);
		size_t tl = line_trim(p, nl ? len - 1 : len);
		if (attr_ours(p, tl)) {
			char *l = yoi_strndup(p, tl);
			if (!l || yoi_strv_push_owned(&r->attr_lines, l) < 0) {
				free(l);
				rc = nomem(err);
			}
		} else if (yoi_buf_put(&keep, p, len) < 0) {
			rc = nomem(err);
		}
		p = nl ? nl + 1 : NULL;
	}
	if (rc == 0 && r->attr_lines.n > before) {
		r->attr = YOI_HOOKS_REMOVED;
		char *p2 = strcmp(r->attr_path, path) ? yoi_strdup(path) : NULL;
		if (p2) { /* report where the lines were */
			free(r->attr_path);
			r->attr_path = p2;
		}
		if (keep.len) {
			rc = yoi_file_write_atomic(path, keep.ptr, keep.len,
						   err);
		} else if (unlink(path) < 0) {
			rc = yoi_error_set(err, YOI_EIO, path, 0,
					   "%s: cannot remove it: %s", path,
					   strerror(errno));
		} else {
			r->attr_deleted = true;
		}
	}
	yoi_buf_free(&b);
	yoi_buf_free(&keep);
	return rc;
}

/*
 * Uninstall takes our lines out of both places install may have put
 * them: this clone's info/attributes and the shared .gitattributes.
 */
static int uninstall_attrs(yoi_hooks_report *r, const yoi_hooks_opts *o,
			   yoi_error *err)
{
	r->attr = YOI_HOOKS_ABSENT;
	char *info = info_attributes(o->st->repo);
	char *shared = yoi_path_join(o->st->top, ".gitattributes");
	int rc = info && shared ? 0 : nomem(err);
	if (rc == 0)
		rc = uninstall_attrs_at(r, info, err);
	if (rc == 0)
		rc = uninstall_attrs_at(r, shared, err);
	free(info);
	free(shared);
	return rc;
}

/* What both directions share: the report's paths and the hook plans. */
static int prepare(yoi_hooks_report *r, hook_plan *pl, const yoi_hooks_opts *o,
		   yoi_error *err)
{
	memset(r, 0, sizeof(*r));
	memset(pl, 0, YOI_HOOKS_N * sizeof(*pl));
	if (!o->st->repo || !o->st->top)
		return yoi_error_set(err, YOI_ENOTFOUND, NULL, 0,
				     "not inside a git work tree; run 'hooks' "
				     "in the repository's checkout");
	int rc = hooks_dir(&r->dir, o->st->repo, o->st->top, err);
	if (rc < 0)
		return rc;
	r->attr_path = o->shared_attributes
			   ? yoi_path_join(o->st->top, ".gitattributes")
			   : info_attributes(o->st->repo);
	if (!r->attr_path)
		return nomem(err);
	struct stat sb;
	if (lstat(r->dir, &sb) == 0 && !S_ISDIR(sb.st_mode))
		return yoi_error_set(err, YOI_EREFUSED, r->dir, 0,
				     "%s: the hooks directory is not a "
				     "directory; fix core.hooksPath or move "
				     "the file away",
				     r->dir);
	for (size_t i = 0; i < YOI_HOOKS_N && rc == 0; i++) {
		r->hooks[i].name = hook_tab[i].name;
		rc = plan_hook(&pl[i], r->dir, hook_tab[i].name, err);
		if (rc == 0 && !(r->hooks[i].path = yoi_strdup(pl[i].path)))
			rc = nomem(err);
	}
	if (rc == 0 && lstat(r->attr_path, &sb) == 0 && !S_ISREG(sb.st_mode))
		rc = yoi_error_set(err, YOI_EREFUSED, r->attr_path, 0,
				   "%s: not a regular file (a symlink?); "
				   "replace it with a file",
				   r->attr_path);
	return rc;
}

int yoi_hooks_install(yoi_hooks_report *out, const yoi_hooks_opts *o,
		      yoi_error *err)
{
	hook_plan pl[YOI_HOOKS_N];
	char *rel = NULL;
	yoi_strv lines = {0};
	int rc = prepare(out, pl, o, err);
	if (rc == 0)
		rc = root_rel(&rel, o->st->top, o->st->root, err);
	if (rc == 0)
		rc = yoi_hooks_attr_lines(&lines, rel, err);
	/* Everything that refuses is checked before anything changes. */
	for (size_t i = 0; i < YOI_HOOKS_N && rc == 0; i++)
		if (pl[i].present && !pl[i].ours && pl[i].chained_present)
			rc = yoi_error_set(
			    err, YOI_EREFUSED, pl[i].path, 0,
			    "%s is not a yoi-tickets hook, and %s%s is "
			    "there too (left by an earlier install); "
			    "merge the two into %s%s (it runs first), "
			    "remove %s, and run 'yoi-tickets hooks "
			    "install' again",
			    pl[i].path, pl[i].path, YOI_HOOKS_CHAINED_SUFFIX,
			    pl[i].path, YOI_HOOKS_CHAINED_SUFFIX, pl[i].path);
	if (rc == 0 && !yoi_is_dir(out->dir)) {
		rc = yoi_mkdir_p(out->dir, err);
		out->dir_created = rc == 0;
	}
	for (size_t i = 0; i < YOI_HOOKS_N && rc == 0; i++)
		rc = install_hook(&out->hooks[i], &pl[i], o->bin, err);
	if (rc == 0)
		rc = install_driver(out, o->st->repo, o->bin,
				    "yoi-tickets ticket files", err);
	if (rc == 0 && !o->shared_attributes) {
		char *info = yoi_strdup(out->attr_path);
		if (!info)
			rc = nomem(err);
		else
			*strrchr(info, '/') = '\0';
		if (rc == 0)
			rc = yoi_mkdir_p(info, err);
		free(info);
	}
	if (rc == 0)
		rc = install_attrs(out, &lines, err);
	plans_free(pl);
	yoi_strv_free(&lines);
	free(rel);
	return rc;
}

int yoi_hooks_uninstall(yoi_hooks_report *out, const yoi_hooks_opts *o,
			yoi_error *err)
{
	hook_plan pl[YOI_HOOKS_N];
	int rc = prepare(out, pl, o, err);
	for (size_t i = 0; i < YOI_HOOKS_N && rc == 0; i++)
		rc = uninstall_hook(&out->hooks[i], &pl[i], err);
	if (rc == 0)
		rc = uninstall_driver(out, o->st->repo, err);
	if (rc == 0)
		rc = uninstall_attrs(out, o, err);
	plans_free(pl);
	return rc;
}

void yoi_hooks_report_free(yoi_hooks_report *r)
{
	if (!r)
		return;
	free(r->dir);
	for (size_t i = 0; i < YOI_HOOKS_N; i++)
		free(r->hooks[i].path);
	free(r->driver_cmd);
	free(r->attr_path);
	yoi_strv_free(&r->attr_lines);
	memset(r, 0, sizeof(*r));
}

/* ---- the commit message scan ---- */

static bool id_char(char c)
{
	return c && strchr("0123456789ABCDEFGHJKMNPQRSTVWXYZ", c) != NULL;
}

static int add_ref(yoi_hooks_refs *out, const char *v, size_t vl, int line,
		   bool trailer)
{
	yoi_hooks_ref *nv = realloc(out->v, (out->n + 1) * sizeof(*nv));
	if (!nv)
		return YOI_ENOMEM;
	out->v = nv;
	yoi_hooks_ref *r = &nv[out->n];
	memset(r, 0, sizeof(*r));
	r->line = line;
	r->trailer = trailer;
	if (!(r->value = yoi_strndup(v, vl)))
		return YOI_ENOMEM;
	out->n++;
	if (yoi_id_validn(v, vl)) {
		memcpy(r->id, v, YOI_ID_LEN);
		return 0;
	}
	/* A lower-case or I/L/O-typed ID: say which one was meant. */
	char norm[YOI_ID_LEN + 2];
	if (vl <= YOI_ID_LEN &&
	    yoi_id_normalize(r->value, norm, sizeof(norm)) == 0 &&
	    yoi_id_valid(norm) && !(r->hint = yoi_strdup(norm)))
		return YOI_ENOMEM;
	return 0;
}

/* A "Ticket:" trailer: key case-insensitive, blanks before the ':'. */
static bool trailer_value(const char *p, size_t len, const char **v, size_t *vl)
{
	static const char key[] = "ticket";
	size_t k = sizeof(key) - 1;
	if (len < k + 1 || strncasecmp(p, key, k) != 0)
		return false;
	size_t i = k;
	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (i >= len || p[i] != ':')
		return false;
	i++;
	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		i++;
	*v = p + i;
	*vl = len - i;
	return true;
}

int yoi_hooks_msg_refs(yoi_hooks_refs *out, const char *msg, size_t len,
		       char comment_char, yoi_error *err)
{
	memset(out, 0, sizeof(*out));
	static const char scissors[] =
	    " ------------------------ >8 ------------------------";
	bool subject_seen = false;
	int line = 0, rc = 0;
	for (const char *p = msg; rc == 0 && p && p < msg + len;) {
		const char *nl = memchr(p, '\n', (size_t)(msg + len - p));
		size_t ll = line_trim(p, nl ? (size_t)(nl - p)
					    : (size_t)(msg + len - p));
		const char *cur = p;
		p = nl ? nl + 1 : NULL;
		line++;
		if (ll && cur[0] == comment_char) {
			if (ll == sizeof(scissors) &&
			    memcmp(cur + 1, scissors, ll - 1) == 0)
				break;
			continue;
		}
		bool subject = !subject_seen && ll > 0;
		subject_seen = subject_seen || ll > 0;
		const char *v;
		size_t vl;
		if (!subject && trailer_value(cur, ll, &v, &vl)) {
			if (add_ref(out, v, vl, line, true) < 0)
				rc = YOI_ENOMEM;
			continue;
		}
		for (size_t i = 0; rc == 0 && i + YOI_ID_LEN + 1 < ll; i++) {
			if (cur[i] != '[' || cur[i + YOI_ID_LEN + 1] != ']')
				continue;
			size_t k = 1;
			while (k <= YOI_ID_LEN && id_char(cur[i + k]))
				k++;
			if (k == YOI_ID_LEN + 1 &&
			    add_ref(out, cur + i + 1, YOI_ID_LEN, line, false) <
				0)
				rc = YOI_ENOMEM;
		}
	}
	if (rc < 0) {
		yoi_hooks_refs_free(out);
		return nomem(err);
	}
	return 0;
}

void yoi_hooks_refs_free(yoi_hooks_refs *refs)
{
	if (!refs)
		return;
	for (size_t i = 0; i < refs->n; i++) {
		free(refs->v[i].value);
		free(refs->v[i].hint);
	}
	free(refs->v);
	refs->v = NULL;
	refs->n = 0;
}

int yoi_hooks_dir(char **out, const yoi_store *st, yoi_error *err)
{
	*out = NULL;
	if (!st->repo)
		return yoi_error_set(err, YOI_EIO, st->root, 0,
				     "not in a git repository");
	return hooks_dir(out, st->repo, st->top, err);
}

char yoi_hooks_comment_char(const yoi_store *st)
{
	struct git_repository *repo = st ? st->repo : NULL;
	char *v = NULL;
	yoi_error e = {0};
	char c = '#';
	if (repo &&
	    yoi_git_config_get(repo, "core.commentChar", false, false, &v,
			       &e) == 0 &&
	    v && v[0] && !v[1])
		c = v[0];
	free(v);
	return c;
}
