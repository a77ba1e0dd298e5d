/* file.c - bounded, symlink-refusing file I/O. */
#include "yoi/file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int open_error(yoi_error *err, const char *path, int e)
{
	if (e == ENOENT || e == ENOTDIR)
		return yoi_error_set(err, YOI_ENOTFOUND, path, 0,
				     "%s: no such file", path);
	if (e == ELOOP)
		return yoi_error_set(
		    err, YOI_EREFUSED, path, 0,
		    "%s: is a symbolic link; ticket files must "
		    "be regular files, replace the link with "
		    "the file itself",
		    path);
	return yoi_error_set(err, YOI_EIO, path, 0, "%s: cannot open: %s", path,
			     strerror(e));
}

static int not_regular(yoi_error *err, const char *path)
{
	return yoi_error_set(err, YOI_EREFUSED, path, 0,
			     "%s: not a regular file (a FIFO, socket, device "
			     "or directory); ticket files must be regular "
			     "files: remove it and restore the file",
			     path);
}

static int open_regular_at(int dirfd, const char *path, size_t limit,
			   size_t *size, yoi_error *err)
{
	/*
	 * O_NONBLOCK: opening a FIFO for reading would otherwise wait for a
	 * writer forever; it has no effect on the regular files we accept.
	 */
	int fd =
	    openat(dirfd, path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return open_error(err, path, errno);
	struct stat sb;
	if (fstat(fd, &sb) < 0) {
		int e = errno;
		close(fd);
		return yoi_error_set(err, YOI_EIO, path, 0,
				     "%s: cannot stat: %s", path, strerror(e));
	}
	if (!S_ISREG(sb.st_mode)) {
		close(fd);
		return not_regular(err, path);
	}
	if ((unsigned long long)sb.st_size > limit) {
		close(fd);
		return yoi_error_set(err, YOI_ECORRUPT, path, 0,
				     "%s: %lld bytes is over the limit of %zu "
				     "bytes; split or shrink the file",
				     path, (long long)sb.st_size, limit);
	}
	*size = (size_t)sb.st_size;
	return fd;
}

/*
 * Read up to want bytes, appending to out. A short read of a regular file
 * means EOF (POSIX), so we stop there rather than pay one more read(2).
 */
static int read_some(int fd, const char *path, yoi_buf *out, size_t want,
		     size_t *got, yoi_error *err)
{
	if (yoi_buf_grow(out, want) < 0)
		return yoi_error_set(err, YOI_ENOMEM, path, 0, "out of memory");
	*got = 0;
	while (*got < want) {
		size_t ask = want - *got;
		ssize_t n = read(fd, out->ptr + out->len, ask);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return yoi_error_set(err, YOI_EIO, path, 0,
					     "%s: read failed: %s", path,
					     strerror(errno));
		out->len += (size_t)n;
		*got += (size_t)n;
		if ((size_t)n < ask)
			break; /* EOF */
	}
	out->ptr[out->len] = '\0';
	return 0;
}

int yoi_file_read(const char *path, size_t limit, yoi_buf *out, yoi_error *err)
{
	return yoi_file_read_at(AT_FDCWD, path, limit, out, err);
}

int yoi_file_read_at(int dirfd, const char *path, size_t limit, yoi_buf *out,
		     yoi_error *err)
{
	size_t size;
	int fd = open_regular_at(dirfd, path, limit, &size, err);
	if (fd < 0)
		return fd;
	yoi_buf_clear(out);
	/*
	 * fstat gave the size: one read of size + 1 bytes sees both the data
	 * and EOF for a file that did not change. A file that grew meanwhile
	 * is read on, still bounded by the limit.
	 */
	size_t want = size + 1;
	int rc = 0;
	for (;;) {
		size_t got;
		rc = read_some(fd, path, out, want, &got, err);
		if (rc < 0 || got < want)
			break;
		if (out->len > limit) {
			rc = yoi_error_set(err, YOI_ECORRUPT, path, 0,
					   "%s: over the limit of %zu bytes",
					   path, limit);
			break;
		}
		want = 4096;
	}
	close(fd);
	if (rc == 0 && !out->ptr && yoi_buf_grow(out, 0) < 0)
		rc = yoi_error_set(err, YOI_ENOMEM, path, 0, "out of memory");
	return rc;
}

/* Offset just past the closing "---" line, or 0 when not (yet) found. */
static size_t closer_end(const char *s, size_t len)
{
	const char *nl = memchr(s, '\n', len);
	while (nl) {
		size_t start = (size_t)(nl - s) + 1;
		const char *next = memchr(s + start, '\n', len - start);
		size_t l = (next ? (size_t)(next - s) : len) - start;
		if (!next)
			return 0; /* last line may be incomplete: read more */
		if ((l == 3 || (l == 4 && s[start + 3] == '\r')) &&
		    memcmp(s + start, "---", 3) == 0)
			return (size_t)(next - s) + 1;
		nl = next;
	}
	return 0;
}

int yoi_file_read_frontmatter(const char *path, size_t limit, yoi_buf *out,
			      yoi_error *err)
{
	return yoi_file_read_frontmatter_at(AT_FDCWD, path, limit, out, err);
}

int yoi_file_read_frontmatter_at(int dirfd, const char *path, size_t limit,
				 yoi_buf *out, yoi_error *err)
{
	size_t size;
	int fd = open_regular_at(dirfd, path, limit, &size, err);
	if (fd < 0)
		return fd;
	yoi_buf_clear(out);
	int rc = 0;
	size_t chunk = 4096;
	for (;;) {
		size_t got;
		rc = read_some(fd, path, out, chunk, &got, err);
		if (rc < 0)
			break;
		size_t end = closer_end(out->ptr, out->len);
		if (end) {
			out->len = end;
			out->ptr[end] = '\0';
			break;
		}
		if (got < chunk || out->len >= limit)
			break;
		chunk *= 2;
	}
	close(fd);
	if (rc == 0 && !out->ptr && yoi_buf_grow(out, 0) < 0)
		rc = yoi_error_set(err, YOI_ENOMEM, path, 0, "out of memory");
	return rc;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = ENOSPC;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

static void fsync_dir_of(const char *path)
{
	char *copy = yoi_strdup(path);
	if (!copy)
		return;
	int dfd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	free(copy);
}

static int replace(const char *path, const char *data, size_t len, mode_t mode,
		   bool durable, yoi_error *err);

int yoi_file_write_atomic(const char *path, const char *data, size_t len,
			  yoi_error *err)
{
	return replace(path, data, len, 0644, true, err);
}

int yoi_file_write_mode(const char *path, const char *data, size_t len,
			mode_t mode, yoi_error *err)
{
	return replace(path, data, len, mode, true, err);
}

int yoi_file_replace(const char *path, const char *data, size_t len,
		     bool durable, yoi_error *err)
{
	return replace(path, data, len, 0644, durable, err);
}

static int replace(const char *path, const char *data, size_t len, mode_t mode,
		   bool durable, yoi_error *err)
{
	struct stat sb;
	if (lstat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
		return yoi_error_set(err, YOI_EREFUSED, path, 0,
				     "%s: not a regular file (symlink?); "
				     "refusing to replace it",
				     path);
	char *copy = yoi_strdup(path);
	char *tmpl =
	    copy ? yoi_sprintf("%s/.%s.tmp.XXXXXX", dirname(copy),
			       strrchr(path, '/') ? strrchr(path, '/') + 1
						  : path)
		 : NULL;
	free(copy);
	if (!tmpl)
		return yoi_error_set(err, YOI_ENOMEM, path, 0, "out of memory");
	int fd = mkostemp(tmpl, O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		free(tmpl);
		return yoi_error_set(err, YOI_EIO, path, 0,
				     "%s: cannot create a temporary file: %s",
				     path, strerror(e));
	}
	int rc = 0;
	if (write_all(fd, data, len) < 0 || fchmod(fd, mode) < 0 ||
	    (durable && fsync(fd) < 0)) {
		rc = yoi_error_set(err, YOI_EIO, path, 0,
				   "%s: write failed: %s; the old file is "
				   "unchanged",
				   path, strerror(errno));
	}
	if (close(fd) < 0 && rc == 0)
		rc =
		    yoi_error_set(err, YOI_EIO, path, 0, "%s: close failed: %s",
				  path, strerror(errno));
	if (rc == 0 && rename(tmpl, path) < 0)
		rc = yoi_error_set(err, YOI_EIO, path, 0,
				   "%s: rename failed: %s; the old file is "
				   "unchanged",
				   path, strerror(errno));
	if (rc < 0)
		unlink(tmpl);
	else if (durable)
		fsync_dir_of(path);
	free(tmpl);
	return rc;
}

int yoi_file_append(const char *path, const char *data, size_t len, bool create,
		    yoi_error *err)
{
	int flags = O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC;
	if (create)
		flags |= O_CREAT | O_EXCL;
	int fd = open(path, flags, 0644);
	if (fd < 0)
		return open_error(err, path, errno);
	struct stat sb;
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return yoi_error_set(err, YOI_EREFUSED, path, 0,
				     "%s: not a regular file", path);
	}
	int rc = 0;
	ssize_t n;
	do
		n = write(fd, data, len);
	while (n < 0 && errno == EINTR);
	if (n < 0 || (size_t)n != len) {
		int e = n < 0 ? errno : ENOSPC;
		/* Undo a partial block: the store lock keeps others out. */
		if (n > 0 && ftruncate(fd, sb.st_size) < 0)
			e = errno;
		rc = yoi_error_set(err, YOI_EIO, path, 0,
				   "%s: append failed: %s; nothing was added",
				   path, strerror(e));
	} else if (fsync(fd) < 0) {
		rc =
		    yoi_error_set(err, YOI_EIO, path, 0, "%s: fsync failed: %s",
				  path, strerror(errno));
	}
	close(fd);
	return rc;
}

bool yoi_is_dir(const char *path)
{
	struct stat sb;
	return lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

bool yoi_is_file(const char *path)
{
	struct stat sb;
	return lstat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

bool yoi_exists(const char *path)
{
	struct stat sb;
	return lstat(path, &sb) == 0;
}

int yoi_mkdir(const char *path, yoi_error *err)
{
	if (mkdir(path, 0755) == 0)
		return 0;
	if (errno == EEXIST && yoi_is_dir(path))
		return 0;
	return yoi_error_set(err, YOI_EIO, path, 0, "%s: cannot create: %s",
			     path, strerror(errno));
}

int yoi_mkdir_kept(const char *path, yoi_error *err)
{
	int rc = yoi_mkdir(path, err);
	if (rc < 0)
		return rc;
	char *keep = yoi_path_join(path, ".gitkeep");
	if (!keep)
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	int fd = open(keep, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		rc = yoi_error_set(err, YOI_EIO, keep, 0,
				   "%s: cannot create: %s", keep,
				   strerror(errno));
	else
		close(fd);
	free(keep);
	return rc;
}

int yoi_mkdir_p(const char *path, yoi_error *err)
{
	char *p = yoi_strdup(path);
	if (!p)
		return yoi_error_set(err, YOI_ENOMEM, path, 0, "out of memory");
	int rc = 0;
	for (char *s = p + 1; *s && rc == 0; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		rc = yoi_mkdir(p, err);
		*s = '/';
	}
	if (rc == 0)
		rc = yoi_mkdir(p, err);
	free(p);
	return rc;
}

char *yoi_path_join(const char *a, const char *b)
{
	size_t la = strlen(a);
	while (la > 1 && a[la - 1] == '/')
		la--;
	return yoi_sprintf("%.*s/%s", (int)la, a, b);
}
