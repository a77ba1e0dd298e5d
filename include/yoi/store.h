/*
 * store.h - the ticket store on disk: root discovery (libgit2), config,
 * the advisory lock, enumeration and ID lookup.
 *
 * Ownership: yoi_store_open allocates; yoi_store_free releases (and the
 * lock if held). Reads take no lock (doctor takes it shared); every
 * mutation runs under yoi_store_lock and writes through yoi_store_write,
 * _append and _mkdir, which never follow a symbolic link below the
 * repository top.
 */
#ifndef YOI_STORE_H
#define YOI_STORE_H

#include <stdbool.h>

#include "common.h"
#include "config.h"
#include "file.h"
#include "id.h"

/*
 * The store: opaque outside the library (src/store/store_int.h defines
 * it); front ends read it through the accessors below.
 */
typedef struct yoi_store yoi_store;

/* The tickets root (absolute, no trailing '/'). */
const char *yoi_store_root(const yoi_store *st);
/* The work tree's top directory, or NULL outside a git repository. */
const char *yoi_store_top(const yoi_store *st);
/* The .yoi directory that holds config.yaml and prompts/. */
const char *yoi_store_yoi_dir(const yoi_store *st);
/* The store's settings (.yoi/config.yaml, or the defaults). */
const yoi_config *yoi_store_config(const yoi_store *st);
/* Whether the store lies in a git repository. */
bool yoi_store_in_git(const yoi_store *st);
/*
 * When the store was opened from inside a linked worktree and is the main
 * worktree's (one store per clone): that linked worktree's top; else NULL.
 */
const char *yoi_store_linked_from(const yoi_store *st);

/*
 * Open the store for cwd: the repository is discovered from cwd with
 * libgit2 (any subdirectory, linked worktrees too); the config is
 * <top>/.yoi/config.yaml; the root is <top>/<tickets.root>.
 * root_override (--root DIR) names the tickets root directly; its config
 * is then read from DIR/../config.yaml. The root need not exist yet
 * (init makes it); yoi_store_require checks it does.
 *
 * Where the paths resolve (symbolic links of their existing part
 * followed; a dangling link on the way is refused): --root must lie in
 * the work tree (the top itself allowed) when cwd is in a repository,
 * and never in git's directories or any .git folder - else YOI_EUSAGE.
 * tickets.root must lie strictly inside the work tree and outside git's
 * directories; worktrees.dir (unless "../<name>") strictly inside the
 * main worktree's top, outside git's directories and not overlapping the
 * tickets root - else YOI_EREFUSED naming .yoi/config.yaml, the key's
 * line and the key.
 */
int yoi_store_open(yoi_store **out, const char *cwd, const char *root_override,
		   yoi_error *err);

/*
 * One store per clone: inside a linked worktree of a repository whose main
 * worktree holds a .yoi directory, yoi_store_open opens the main
 * worktree's store (its config, tickets root, lock and caches), unless
 * root_override names one or the main store's config says
 * `worktrees.store: branch`. YOI_STORE_HERE keeps the store of the
 * worktree cwd is in: for the commands that judge what git commits there
 * (pre-commit, check, the merge driver, hooks).
 */
#define YOI_STORE_HERE 1u
int yoi_store_open_ex(yoi_store **out, const char *cwd,
		      const char *root_override, unsigned flags,
		      yoi_error *err);
void yoi_store_free(yoi_store *st);

/* YOI_ENOTFOUND with "run yoi-tickets init" when the root is missing. */
int yoi_store_require(const yoi_store *st, yoi_error *err);

/*
 * Where the lock of the tickets root `root` lives (pure; absolute paths
 * with their symbolic links resolved, a trailing '/' allowed). When root
 * lies inside workdir, the work tree of the repository whose own git
 * directory (per worktree, as libgit2's git_repository_path) is gitdir:
 * <gitdir>/yoi/locks/<name>.lock, name being root relative to workdir
 * with '%' written %25 and '/' %2F ("" for the top itself), or, when
 * that is longer than 200 bytes, "%h" and a 64-bit hash of it (a clash
 * would only make two stores share one lock). Kept in the git
 * directory, as git keeps index.lock, so the work tree never shows it
 * whatever its ignore rules. Else (gitdir or workdir NULL: no
 * repository; or root outside workdir): <root>/.lock, in the store.
 * Caller frees; NULL on ENOMEM.
 */
char *yoi_store_lock_path_for(const char *root, const char *workdir,
			      const char *gitdir);

/*
 * The lock file of st (yoi_store_lock_path_for), with the repository
 * found from the tickets root itself (not from cwd), so that every
 * process on one store agrees: from its work tree, from a linked
 * worktree with --root, or from outside any repository. *gitdir (may be
 * NULL) receives the resolved git directory holding it, or NULL when
 * the lock is in the store. The root must exist. Caller frees both.
 */
int yoi_store_lock_path(const yoi_store *st, char **out, char **gitdir,
			yoi_error *err);

/*
 * Take the store lock (flock on the file yoi_store_lock_path names,
 * created with its folders on first use, never through a symbolic link
 * below the git directory or the store), waiting up to wait_sec
 * seconds (0 = try once). YOI_EBUSY when not obtained. Nests: a lock
 * taken while held only counts, and the matching unlock only uncounts, so
 * an operation built of others (start) holds it throughout.
 */
int yoi_store_lock(yoi_store *st, int wait_sec, yoi_error *err);
/*
 * The same lock taken shared, for readers that must see each ticket as
 * one writer left it (doctor): writers wait for it, other readers do not.
 * It does not nest with yoi_store_lock: release it before a mutation.
 * On a store where the lock file can be neither created nor opened (a
 * read-only store never locked before) it returns YOI_EREFUSED: read
 * unlocked then, and re-read a ticket whose yoi_store_ticket_sig changed.
 */
int yoi_store_lock_shared(yoi_store *st, int wait_sec, yoi_error *err);
/* Releases either lock (one nesting level of yoi_store_lock). */
void yoi_store_unlock(yoi_store *st);

/*
 * The scope of every write into the store (see yoi_file_scope): the base
 * is the repository top when the tickets root lies below it, else the
 * root; temp files go to tmp_dir. The strings are borrowed from st.
 */
void yoi_store_scope(const yoi_store *st, yoi_file_scope *out);
/* yoi_file_write_in / _append_in / yoi_mkdir_in in the store's scope. */
int yoi_store_write(const yoi_store *st, const char *path, const char *data,
		    size_t len, yoi_error *err);
int yoi_store_append(const yoi_store *st, const char *path, const char *data,
		     size_t len, bool create, yoi_error *err);
int yoi_store_mkdir(const yoi_store *st, const char *path, bool kept,
		    yoi_error *err);

/*
 * Which version of a ticket's item.md and thread.md is on disk (device,
 * inode, size, modification time of each; zeros for a missing file).
 * item.md is replaced by rename and thread.md grows, so equal signatures
 * before and after a read mean the read saw one writer's result.
 */
typedef struct yoi_store_sig {
	unsigned long long v[8];
} yoi_store_sig;
void yoi_store_ticket_sig(const yoi_store *st, const char *id,
			  yoi_store_sig *out);
bool yoi_store_sig_equal(const yoi_store_sig *a, const yoi_store_sig *b);
/*
 * thread.md is not older than item.md: a writer may be between its
 * append and its item.md replace (or died there).
 */
bool yoi_store_sig_mid_write(const yoi_store_sig *s);

/*
 * All ticket IDs: names that are valid IDs of real directories (never
 * symlinks), sorted.
 */
int yoi_store_ids(const yoi_store *st, yoi_strv *ids, yoi_error *err);

/*
 * Resolve a user-typed ID or unique suffix (>= 4 chars, case-insensitive,
 * I/L->1, O->0) to a full ID. YOI_EUSAGE for bad syntax or an ambiguous
 * suffix (message lists candidates); YOI_ENOTFOUND when none matches.
 */
int yoi_store_resolve(const yoi_store *st, const char *query,
		      char out[YOI_ID_LEN + 1], yoi_error *err);

/* <root>/<id>[/<file>]; id must be valid. Caller frees; NULL on ENOMEM. */
char *yoi_store_path(const yoi_store *st, const char *id, const char *file);

/*
 * <gitdir>/<name>: a place for per-worktree caches that are never
 * committed. NULL when there is no repository. Caller frees.
 */
char *yoi_store_cache_path(const yoi_store *st, const char *name);

/* git's user.name for the repository, or NULL. Caller frees. */
char *yoi_store_git_user(const yoi_store *st);

#endif
