/*
 * gitconfig.c - the repository settings the engine reads and writes, and
 * git's three-way text merge: the libgit2 calls of the hooks and merge
 * modules, so that only the git modules call libgit2.
 */
#include "git/gitops.h"

#include "gitint.h"

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int nomem(yoi_error *err)
{
	return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
}

/* The repository's own config file (.git/config), writable. */
static int local_config(git_config **out, git_repository *repo, yoi_error *err)
{
	*out = NULL;
	git_config *cfg = NULL;
	int grc = git_repository_config(&cfg, repo);
	if (grc == 0)
		grc = git_config_open_level(out, cfg, GIT_CONFIG_LEVEL_LOCAL);
	git_config_free(cfg);
	return grc < 0 ? yoi_git_fail(err, grc, "the repository's local config")
		       : 0;
}

int yoi_git_config_get(git_repository *repo, const char *key, bool local,
		       bool path, char **out, yoi_error *err)
{
	*out = NULL;
	git_config *cfg = NULL;
	int grc = local ? 0 : git_repository_config_snapshot(&cfg, repo);
	if (grc < 0)
		return yoi_git_fail(err, grc, "reading the repository config");
	if (local) {
		int rc = local_config(&cfg, repo, err);
		if (rc < 0)
			return rc;
	}
	git_buf b = GIT_BUF_INIT;
	grc = path ? git_config_get_path(&b, cfg, key)
		   : git_config_get_string_buf(&b, cfg, key);
	int rc = 0;
	if (grc == 0) {
		*out = yoi_strdup(b.ptr ? b.ptr : "");
		if (!*out)
			rc = nomem(err);
	} else if (grc != GIT_ENOTFOUND) {
		rc = yoi_git_fail(err, grc, key);
	}
	git_buf_dispose(&b);
	git_config_free(cfg);
	return rc;
}

int yoi_git_config_set(git_repository *repo, const char *key, const char *value,
		       yoi_error *err)
{
	git_config *cfg = NULL;
	int rc = local_config(&cfg, repo, err);
	if (rc < 0)
		return rc;
	int grc = git_config_set_string(cfg, key, value);
	git_config_free(cfg);
	return grc < 0 ? yoi_git_fail(err, grc, key) : 0;
}

int yoi_git_config_delete(git_repository *repo, const char *key, bool *removed,
			  yoi_error *err)
{
	*removed = false;
	git_config *cfg = NULL;
	int rc = local_config(&cfg, repo, err);
	if (rc < 0)
		return rc;
	int grc = git_config_delete_entry(cfg, key);
	git_config_free(cfg);
	if (grc == 0)
		*removed = true;
	else if (grc != GIT_ENOTFOUND)
		return yoi_git_fail(err, grc, key);
	return 0;
}

const char *yoi_git_dir(git_repository *repo)
{
	return git_repository_path(repo);
}

const char *yoi_git_commondir(git_repository *repo)
{
	return git_repository_commondir(repo);
}

const char *yoi_git_workdir(git_repository *repo)
{
	return git_repository_workdir(repo);
}

git_repository *yoi_git_discover(const char *cwd)
{
	git_repository *repo = NULL;
	return git_repository_open_ext(&repo, cwd, 0, NULL) == 0 ? repo : NULL;
}

void yoi_git_version_text(char *buf, size_t n)
{
	int maj = 0, min = 0, rev = 0;
	git_libgit2_version(&maj, &min, &rev);
	snprintf(buf, n, "libgit2 %d.%d.%d", maj, min, rev);
}

git_repository *yoi_git_main_worktree(git_repository *repo)
{
	git_repository *main = NULL;
	if (!repo || !git_repository_is_worktree(repo))
		return NULL;
	if (git_repository_open(&main, git_repository_commondir(repo)) != 0)
		return NULL;
	if (git_repository_is_bare(main) || !git_repository_workdir(main)) {
		git_repository_free(main);
		return NULL;
	}
	return main;
}

int yoi_git_hash_file(const char *path, char hex[YOI_GIT_OID_HEX + 1])
{
	git_oid oid;
	if (git_odb_hashfile(&oid, path, GIT_OBJECT_BLOB) != 0)
		return YOI_EIO;
	git_oid_tostr(hex, YOI_GIT_OID_HEX + 1, &oid);
	return 0;
}

void yoi_git_close(git_repository *repo)
{
	git_repository_free(repo);
}

char *yoi_git_user_name(git_repository *repo)
{
	git_config *cfg = NULL;
	git_buf buf = GIT_BUF_INIT;
	char *name = NULL;
	int rc = repo ? git_repository_config_snapshot(&cfg, repo)
		      : git_config_open_default(&cfg);
	if (rc == 0 && git_config_get_string_buf(&buf, cfg, "user.name") == 0 &&
	    buf.size)
		name = yoi_strndup(buf.ptr, buf.size);
	git_buf_dispose(&buf);
	git_config_free(cfg);
	return name;
}

int yoi_git_merge_file(yoi_buf *out, bool *clean, const char *const text[3],
		       const size_t len[3], const char *const labels[3])
{
	*clean = false;
	if (yoi_git_init() < 0)
		return YOI_EIO;
	git_merge_file_input in[3];
	for (size_t i = 0; i < 3; i++) {
		git_merge_file_input_init(&in[i], GIT_MERGE_FILE_INPUT_VERSION);
		in[i].ptr = text[i];
		in[i].size = len[i];
	}
	git_merge_file_options opts;
	git_merge_file_options_init(&opts, GIT_MERGE_FILE_OPTIONS_VERSION);
	opts.ancestor_label = labels[0];
	opts.our_label = labels[1];
	opts.their_label = labels[2];
	git_merge_file_result res;
	memset(&res, 0, sizeof(res));
	int rc = 0;
	if (git_merge_file(&res, &in[0], &in[1], &in[2], &opts) < 0) {
		const git_error *e = git_error_last();
		rc = e && e->klass == GIT_ERROR_NOMEMORY ? YOI_ENOMEM : YOI_EIO;
	} else {
		*clean = res.automergeable != 0;
		if (yoi_buf_put(out, res.ptr ? res.ptr : "", res.len) < 0)
			rc = YOI_ENOMEM;
	}
	git_merge_file_result_free(&res);
	yoi_git_shutdown();
	return rc;
}
