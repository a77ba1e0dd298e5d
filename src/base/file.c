/* file.c - bounded, symlink-refusing file I/O. */
#include "yoi/file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
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

/* fstat fd; on failure close it and fill err (YOI_EIO). */
static int fstat_or_close(int fd, struct stat *sb, const char *path,
			  yoi_error *err)
{
	if (fstat(fd, sb) == 0)
		return 0;
	int e = errno;
	close(fd);
	return yoi_error_at(err, YOI_EIO, path, 0, "cannot stat: %s",
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
	if (fstat_or_close(fd, &sb, path, err) < 0)
		return YOI_EIO;
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

#ifdef YOI_FAULT_INJECTION
/* Test builds only: die at a named point, as a crash or kill would. */
static void fault_point(const char *name)
{
	const char *f = getenv("YOI_FAULT");
	if (f && strcmp(f, name) == 0)
		raise(SIGKILL);
}
#else
#define fault_point(name) ((void)0)
#endif

static int link_refused(yoi_error *err, const char *link)
{
	return yoi_error_set(
	    err, YOI_EREFUSED, link, 0,
	    "%s: is a symbolic link; yoi-tickets never writes through a "
	    "link inside the repository: replace it with the real "
	    "directory or file ('yoi-tickets doctor' lists them)",
	    link);
}

/* Why openat(dfd, name) failed, for a path whose first n bytes name it. */
static int walk_error(yoi_error *err, int dfd, const char *name,
		      const char *path, size_t n, int e)
{
	char *sub = yoi_strndup(path, n);
	if (!sub)
		return yoi_error_set(err, YOI_ENOMEM, path, 0, "out of memory");
	struct stat sb;
	int rc;
	if (fstatat(dfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(sb.st_mode))
		rc = link_refused(err, sub);
	else if (e == ENOTDIR)
		rc = yoi_error_set(err, YOI_EREFUSED, sub, 0,
				   "%s: not a directory; cannot write %s", sub,
				   path);
	else if (e == ENOENT)
		rc = yoi_error_set(err, YOI_ENOTFOUND, sub, 0,
				   "%s: no such directory; cannot write %s",
				   sub, path);
	else
		rc = yoi_error_set(err, YOI_EIO, sub, 0, "%s: cannot open: %s",
				   sub, strerror(e));
	free(sub);
	return rc;
}

/*
 * Open the directory that holds path's last component (*leaf, pointing
 * into path). In a scope, every component below sc->base is opened with
 * O_NOFOLLOW relative to its parent's descriptor, so a symbolic link
 * anywhere on the way is refused, and nothing can swap one in between a
 * check and the open. Without a scope the parent is opened as named.
 */
static int open_parent(const yoi_file_scope *sc, const char *path,
		       const char **leaf, yoi_error *err)
{
	const char *slash = strrchr(path, '/');
	*leaf = slash ? slash + 1 : path;
	if (!**leaf || strcmp(*leaf, ".") == 0 || strcmp(*leaf, "..") == 0)
		return yoi_error_set(err, YOI_EUSAGE, path, 0,
				     "%s: not a file name", path);
	if (!sc || !sc->base) {
		size_t n =
		    slash ? (slash == path ? 1 : (size_t)(slash - path)) : 0;
		char *dir = n ? yoi_strndup(path, n) : yoi_strdup(".");
		if (!dir)
			return yoi_error_set(err, YOI_ENOMEM, path, 0,
					     "out of memory");
		int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		int e = errno;
		int rc = fd;
		if (fd < 0)
			rc =
			    walk_error(err, AT_FDCWD, dir, dir, strlen(dir), e);
		free(dir);
		return rc;
	}
	size_t bl = strlen(sc->base);
	while (bl > 1 && sc->base[bl - 1] == '/')
		bl--;
	if (strncmp(path, sc->base, bl) != 0 ||
	    (path[bl] != '/' && sc->base[bl - 1] != '/'))
		return yoi_error_set(err, YOI_EREFUSED, path, 0,
				     "%s: outside %.*s; refusing to write "
				     "there",
				     path, (int)bl, sc->base);
	char *base = yoi_strndup(sc->base, bl);
	if (!base)
		return yoi_error_set(err, YOI_ENOMEM, path, 0, "out of memory");
	/* The base itself is trusted: links above the top are the user's. */
	int fd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		int rc = walk_error(err, AT_FDCWD, base, base, bl, errno);
		free(base);
		return rc;
	}
	free(base);
	const char *p = path + bl;
	for (int depth = 0; depth < 256; depth++) {
		while (*p == '/')
			p++;
		if (p >= *leaf)
			return fd;
		size_t n = strcspn(p, "/");
		char *name = yoi_strndup(p, n);
		if (!name) {
			close(fd);
			return yoi_error_set(err, YOI_ENOMEM, path, 0,
					     "out of memory");
		}
		int rc = 0;
		if (strcmp(name, "..") == 0) {
			rc = yoi_error_set(err, YOI_EREFUSED, path, 0,
					   "%s: '..' in a store path", path);
		} else if (strcmp(name, ".") != 0) {
			int nfd = openat(fd, name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					     O_CLOEXEC);
			if (nfd < 0)
				rc = walk_error(err, fd, name, path,
						(size_t)(p - path) + n, errno);
			close(fd);
			fd = nfd;
		}
		free(name);
		if (rc < 0) {
			if (fd >= 0)
				close(fd);
			return rc;
		}
		p += n;
	}
	close(fd);
	return yoi_error_set(err, YOI_EREFUSED, path, 0, "%s: too deep a path",
			     path);
}

/* The last component must be a regular file when it exists at all. */
static int check_leaf(int dfd, const char *leaf, const char *path,
		      yoi_error *err)
{
	struct stat sb;
	if (fstatat(dfd, leaf, &sb, AT_SYMLINK_NOFOLLOW) < 0 ||
	    S_ISREG(sb.st_mode))
		return 0;
	if (S_ISLNK(sb.st_mode))
		return link_refused(err, path);
	return not_regular(err, path);
}

/*
 * Create a temporary file in dfd, named after leaf: ".<leaf>.tmp.<hex>"
 * beside the target (the fallback), "<leaf>.<hex>.tmp" in the temp
 * directory. In the temp directory the file is held under flock until
 * it is renamed away: that is how a sweeper tells a killed writer's file
 * from a live one, with no clock involved.
 */
static int make_temp(int dfd, const char *leaf, bool beside, char *name,
		     size_t cap)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	unsigned long long r = (unsigned long long)ts.tv_nsec ^
			       ((unsigned long long)getpid() << 32) ^
			       (unsigned long long)(uintptr_t)name;
	for (int tries = 0; tries < 64; tries++) {
		r = r * 6364136223846793005ULL + 1442695040888963407ULL;
		unsigned long long h = (r >> 24) & 0xffffffffffULL;
		int n = beside
			    ? snprintf(name, cap, ".%.64s.tmp.%010llx", leaf, h)
			    : snprintf(name, cap, "%.64s.%010llx.tmp", leaf, h);
		if (n < 0 || (size_t)n >= cap)
			return -1;
		int fd = openat(
		    dfd, name,
		    O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && errno == EEXIST)
			continue;
		if (fd < 0 || beside)
			return fd;
		/* A sweeper may have taken it before we locked it. */
		struct stat a, b;
		if (flock(fd, LOCK_EX) == 0 && fstat(fd, &a) == 0 &&
		    fstatat(dfd, name, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
		    a.st_ino == b.st_ino && a.st_dev == b.st_dev)
			return fd;
		close(fd);
	}
	errno = EEXIST;
	return -1;
}

/* The temp directory, made on first use; -1 when unusable. */
static int open_tmpdir(const char *tmpdir)
{
	const int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	int fd = open(tmpdir, flags);
	if (fd < 0 && errno == ENOENT) {
		yoi_error ignored;
		if (yoi_mkdir_p(tmpdir, &ignored) == 0)
			fd = open(tmpdir, flags);
	}
	return fd;
}

static int replace_in(const yoi_file_scope *sc, const char *path,
		      const char *data, size_t len, mode_t mode, bool durable,
		      yoi_error *err)
{
	const char *leaf;
	int pfd = open_parent(sc, path, &leaf, err);
	if (pfd < 0)
		return pfd;
	int rc = check_leaf(pfd, leaf, path, err);
	/*
	 * Attempt 0 writes the temp file in the temp directory (inside the
	 * git directory, so git status never shows it); attempt 1, beside
	 * the target, when there is none or rename(2) cannot cross to it.
	 */
	for (int attempt = sc && sc->tmpdir ? 0 : 1; rc == 0 && attempt < 2;
	     attempt++) {
		int tdir = attempt == 0 ? open_tmpdir(sc->tmpdir) : pfd;
		if (tdir < 0)
			continue;
		char name[128];
		int fd =
		    make_temp(tdir, leaf, attempt == 1, name, sizeof(name));
		if (fd < 0) {
			int e = errno;
			if (tdir != pfd)
				close(tdir);
			if (attempt == 0)
				continue;
			rc = yoi_error_set(
			    err, YOI_EIO, path, 0,
			    "%s: cannot create a temporary file: %s", path,
			    strerror(e));
			break;
		}
		if (write_all(fd, data, len) < 0 || fchmod(fd, mode) < 0 ||
		    (durable && fsync(fd) < 0))
			rc = yoi_error_set(err, YOI_EIO, path, 0,
					   "%s: write failed: %s; the old "
					   "file is unchanged",
					   path, strerror(errno));
		fault_point("mid-replace");
		bool retry = false;
		if (rc == 0 && renameat(tdir, name, pfd, leaf) < 0) {
			if (errno == EXDEV && attempt == 0)
				retry = true;
			else
				rc = yoi_error_set(
				    err, YOI_EIO, path, 0,
				    "%s: rename failed: %s; the old file is "
				    "unchanged",
				    path, strerror(errno));
		}
		if (rc < 0 || retry)
			unlinkat(tdir, name, 0);
		/* Closed after the rename: the flock covers it until then. */
		close(fd);
		if (tdir != pfd)
			close(tdir);
		if (!retry)
			break;
	}
	if (rc == 0 && durable)
		fsync(pfd);
	close(pfd);
	return rc;
}

int yoi_file_write_atomic(const char *path, const char *data, size_t len,
			  yoi_error *err)
{
	return replace_in(NULL, path, data, len, 0644, true, err);
}

int yoi_file_write_mode(const char *path, const char *data, size_t len,
			mode_t mode, yoi_error *err)
{
	return replace_in(NULL, path, data, len, mode, true, err);
}

int yoi_file_replace(const char *path, const char *data, size_t len,
		     bool durable, yoi_error *err)
{
	return replace_in(NULL, path, data, len, 0644, durable, err);
}

int yoi_file_write_in(const yoi_file_scope *sc, const char *path,
		      const char *data, size_t len, yoi_error *err)
{
	return replace_in(sc, path, data, len, 0644, true, err);
}

/*
 * Open path's last component in its parent (walked as open_parent does)
 * with O_NOFOLLOW and O_NONBLOCK (a FIFO neither blocks nor passes the
 * regular-file check that follows).
 */
int yoi_file_open_in(const yoi_file_scope *sc, const char *path, int flags,
		     mode_t mode, yoi_error *err)
{
	const char *leaf;
	int pfd = open_parent(sc, path, &leaf, err);
	if (pfd < 0)
		return pfd;
	int fd = openat(pfd, leaf, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
			mode);
	int e = errno;
	int rc = 0;
	if (fd < 0 && (e == ELOOP || e == ENXIO || e == EISDIR))
		rc = check_leaf(pfd, leaf, path, err);
	close(pfd);
	if (fd < 0)
		return rc < 0 ? rc : open_error(err, path, e);
	struct stat sb;
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return not_regular(err, path);
	}
	return fd;
}

int yoi_file_append_in(const yoi_file_scope *sc, const char *path,
		       const char *data, size_t len, bool create,
		       yoi_error *err)
{
	int flags = O_WRONLY | O_APPEND;
	if (create)
		flags |= O_CREAT | O_EXCL;
	int fd = yoi_file_open_in(sc, path, flags, 0644, err);
	if (fd < 0)
		return fd;
	struct stat sb;
	if (fstat_or_close(fd, &sb, path, err) < 0)
		return YOI_EIO;
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

int yoi_file_append(const char *path, const char *data, size_t len, bool create,
		    yoi_error *err)
{
	return yoi_file_append_in(NULL, path, data, len, create, err);
}

int yoi_mkdir_in(const yoi_file_scope *sc, const char *path, bool kept,
		 yoi_error *err)
{
	const char *leaf;
	int pfd = open_parent(sc, path, &leaf, err);
	if (pfd < 0)
		return pfd;
	int rc = 0;
	if (mkdirat(pfd, leaf, 0755) < 0 && errno != EEXIST)
		rc = yoi_error_set(err, YOI_EIO, path, 0,
				   "%s: cannot create: %s", path,
				   strerror(errno));
	int dfd = -1;
	if (rc == 0)
		dfd = openat(pfd, leaf,
			     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (rc == 0 && dfd < 0) {
		struct stat sb;
		if (fstatat(pfd, leaf, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISLNK(sb.st_mode))
			rc = link_refused(err, path);
		else
			rc = yoi_error_set(err, YOI_EREFUSED, path, 0,
					   "%s: exists and is not a directory; "
					   "move it away",
					   path);
	}
	if (rc == 0 && kept) {
		int fd = openat(dfd, ".gitkeep",
				O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK |
				    O_CLOEXEC,
				0644);
		if (fd < 0)
			rc = yoi_error_set(err, YOI_EIO, path, 0,
					   "%s/.gitkeep: cannot create: %s",
					   path, strerror(errno));
		else
			close(fd);
	}
	if (dfd >= 0)
		close(dfd);
	close(pfd);
	return rc;
}

size_t yoi_file_tmp_sweep(const char *tmpdir)
{
	int dfd = tmpdir ? open(tmpdir,
				O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
			 : -1;
	if (dfd < 0)
		return 0;
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return 0;
	}
	size_t removed = 0;
	struct dirent *de;
	for (int seen = 0; seen < 100000 && (de = readdir(d)); seen++) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		int fd = openat(dfd, de->d_name,
				O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			continue;
		/* Held by a live writer: not ours to take. */
		struct stat a, b;
		if (flock(fd, LOCK_EX | LOCK_NB) == 0 && fstat(fd, &a) == 0 &&
		    S_ISREG(a.st_mode) &&
		    fstatat(dfd, de->d_name, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
		    a.st_ino == b.st_ino && a.st_dev == b.st_dev &&
		    unlinkat(dfd, de->d_name, 0) == 0)
			removed++;
		close(fd);
	}
	closedir(d);
	return removed;
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

bool yoi_path_within(const char *p, const char *dir)
{
	size_t n = strlen(dir);
	if (n == 1 && dir[0] == '/')
		return true;
	return strncmp(p, dir, n) == 0 && (p[n] == '\0' || p[n] == '/');
}

uint64_t yoi_cache_checksum(const char *p, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	for (; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 0x100000001b3ull;
	return h ^ (h >> 29);
}

void yoi_reader_get(yoi_reader *r, void *out, size_t n)
{
	if (r->bad || r->left < n) {
		r->bad = true;
		memset(out, 0, n);
		return;
	}
	memcpy(out, r->p, n);
	r->p += n;
	r->left -= n;
}
