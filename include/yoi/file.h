/*
 * file.h - bounded, symlink-refusing file I/O: whole-file and
 * frontmatter-only reads, atomic replace (temp + fsync + rename), and
 * single-write O_APPEND appends.
 *
 * Error codes: YOI_ENOTFOUND (missing), YOI_EREFUSED (symlink, not a
 * regular file), YOI_ECORRUPT (over the size limit), YOI_EIO (anything
 * else, with strerror in the message).
 */
#ifndef YOI_FILE_H
#define YOI_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common.h"

#define YOI_FILE_MAX (16u * 1024 * 1024) /* any ticket file */

/* Read the whole regular file at path (no symlinks) into out. */
int yoi_file_read(const char *path, size_t limit, yoi_buf *out, yoi_error *err);

/*
 * Read only as much of an item.md as holds its frontmatter: stops after
 * the closing "---" line (or at EOF / limit).
 */
int yoi_file_read_frontmatter(const char *path, size_t limit, yoi_buf *out,
			      yoi_error *err);

/*
 * The same, with path relative to the directory dirfd (AT_FDCWD: as
 * above): store-wide readers hold the root open and walk short paths.
 */
int yoi_file_read_at(int dirfd, const char *path, size_t limit, yoi_buf *out,
		     yoi_error *err);
int yoi_file_read_frontmatter_at(int dirfd, const char *path, size_t limit,
				 yoi_buf *out, yoi_error *err);

/*
 * Replace path atomically: write a temp file in the same directory, fsync,
 * rename over path, fsync the directory. On failure the old file is intact
 * and no temp file is left. Refuses when path is a symlink (or any other
 * non-regular file). For files of a store use yoi_file_write_in.
 */
int yoi_file_write_atomic(const char *path, const char *data, size_t len,
			  yoi_error *err);
/* The same with the file's permission bits (an executable hook: 0755). */
int yoi_file_write_mode(const char *path, const char *data, size_t len,
			mode_t mode, yoi_error *err);

/*
 * The same without the fsyncs when durable is false: for caches, whose
 * readers detect a torn file themselves.
 */
int yoi_file_replace(const char *path, const char *data, size_t len,
		     bool durable, yoi_error *err);

/*
 * Append data with one write(2) on an O_APPEND descriptor, then fsync.
 * create: make the file (O_EXCL) instead of requiring it to exist. A short
 * write is undone (truncated back) so no partial block stays.
 */
int yoi_file_append(const char *path, const char *data, size_t len, bool create,
		    yoi_error *err);

/*
 * Where the writes of a store may go (the store fills one, see
 * yoi_store_scope; both strings are borrowed).
 *
 * base: a trusted directory (the repository top, or the tickets root when
 * it lies elsewhere). Every component of a path below it is opened with
 * O_NOFOLLOW relative to its parent's descriptor (openat, all the way
 * down), so a symbolic link anywhere below base - a linked .yoi, ticket
 * directory or artifacts/ - is refused (YOI_EREFUSED naming the link), and
 * none can be swapped in between a check and the write. A path outside
 * base is refused. Links above base (a linked /tmp or home) are the
 * user's and are followed.
 *
 * tmpdir: where atomic replaces make their temporary files (created on
 * first use), inside the git directory so that git status never shows
 * them even when a writer is killed; NULL, unusable, or on another file
 * system (rename gives EXDEV): beside the target, as yoi_file_write_atomic.
 * A temp file there is held under flock by its writer until renamed, so
 * yoi_file_tmp_sweep removes exactly the files of dead writers.
 */
typedef struct yoi_file_scope {
	const char *base;
	const char *tmpdir;
} yoi_file_scope;

/* yoi_file_write_atomic, yoi_file_append and mkdir within a scope (NULL:
 * the unscoped behaviour). kept: also create an empty .gitkeep inside. */
int yoi_file_write_in(const yoi_file_scope *sc, const char *path,
		      const char *data, size_t len, yoi_error *err);
int yoi_file_append_in(const yoi_file_scope *sc, const char *path,
		       const char *data, size_t len, bool create,
		       yoi_error *err);
int yoi_mkdir_in(const yoi_file_scope *sc, const char *path, bool kept,
		 yoi_error *err);
/*
 * open(2) path within a scope with flags plus O_NOFOLLOW, O_NONBLOCK and
 * O_CLOEXEC; refuses anything but a regular file. Returns the descriptor
 * (the caller closes it) or a negative YOI_E* code.
 */
int yoi_file_open_in(const yoi_file_scope *sc, const char *path, int flags,
		     mode_t mode, yoi_error *err);

/*
 * Remove the temp files of dead writers from tmpdir (those no live
 * writer holds under flock). Returns how many. Never fails: what cannot
 * be removed stays for the next sweep.
 */
size_t yoi_file_tmp_sweep(const char *tmpdir);

/* lstat-based tests: a symlink is neither a dir nor a file here. */
bool yoi_is_dir(const char *path);
bool yoi_is_file(const char *path);
bool yoi_exists(const char *path); /* anything, including a symlink */

/* mkdir, succeeding when it exists as a directory. */
int yoi_mkdir(const char *path, yoi_error *err);
/*
 * mkdir plus an empty .gitkeep inside, so the directory survives a git
 * clone (git tracks files, not directories). Used for artifacts/.
 */
int yoi_mkdir_kept(const char *path, yoi_error *err);
/* mkdir -p */
int yoi_mkdir_p(const char *path, yoi_error *err);

/* Join a and b with one '/'. Caller frees. NULL on ENOMEM. */
char *yoi_path_join(const char *a, const char *b);

/*
 * Whether path p is dir or lies inside it, component by component ("a/bc"
 * is not inside "a/b"); every path is inside "/". Both spelled alike
 * (both absolute and normalised, or both relative); no file system access.
 */
bool yoi_path_within(const char *p, const char *dir);

/* ---- the engine's cache files (list, links, tree ids) ---- */

/*
 * A checksum of a cache file's bytes, 8 bytes a step: it tells a torn or
 * damaged file, it is not cryptographic. Every cache ends in it.
 */
uint64_t yoi_cache_checksum(const char *p, size_t n);

/* A bounds-checked reader over a cache file's bytes: a read past the end
 * sets bad (sticky) and yields zeros. */
typedef struct yoi_reader {
	const char *p;
	size_t left;
	bool bad;
} yoi_reader;

void yoi_reader_get(yoi_reader *r, void *out, size_t n);

#endif
