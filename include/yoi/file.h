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
 * and no temp file is left. Refuses when path is a symlink.
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

#endif
