/*
 * common.h - error codes, the error record, growable buffers, small string
 * and time helpers shared by every module.
 *
 * Ownership: a yoi_buf owns its memory; yoi_buf_free releases it. Strings
 * returned by yoi_strdup/yoi_strndup/yoi_sprintf are owned by the caller.
 */
#ifndef YOI_COMMON_H
#define YOI_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Error codes. Negated, each maps 1:1 to the exit status table of SPEC 12
 * (YOI_EUSAGE -> 2 ... YOI_ECORRUPT -> 7). YOI_ENOMEM exits 6.
 */
enum {
	YOI_OK = 0,
	YOI_EFOUND_ERRORS = -1, /* doctor/check found errors */
	YOI_EUSAGE = -2,	/* bad flag, bad ID syntax, ambiguous ID */
	YOI_ENOTFOUND = -3,	/* ticket or file not found */
	YOI_EREFUSED = -4,	/* state machine, guard or safety check */
	YOI_EBUSY = -5,		/* store lock not obtained in time */
	YOI_EIO = -6,		/* I/O or git failure */
	YOI_ECORRUPT = -7,	/* corrupt record the command needed */
	YOI_ENOMEM = -8,
};

/* The exit statuses (SPEC 12): one table, used by every front end. */
enum {
	YOI_EXIT_OK = 0,
	YOI_EXIT_FINDINGS = 1, /* doctor/check/hooks found errors; a merge
				  driver conflict */
	YOI_EXIT_USAGE = 2,
	YOI_EXIT_NOTFOUND = 3,
	YOI_EXIT_REFUSED = 4,
	YOI_EXIT_BUSY = 5,
	YOI_EXIT_IO = 6, /* I/O, git, out of memory */
	YOI_EXIT_CORRUPT = 7,
};

/* Exit status for an error code (YOI_EXIT_OK for YOI_OK). */
int yoi_exit_status(int code);

#define YOI_ERRMSG_MAX	2048
#define YOI_ERRPATH_MAX 1024

/* Context of a failure, filled where it happened. */
typedef struct yoi_error {
	int code;
	int line; /* 1-based, 0 when unknown */
	char path[YOI_ERRPATH_MAX];
	char msg[YOI_ERRMSG_MAX];
} yoi_error;

/*
 * Fill *err (which may be NULL) and return code, so failures read
 * `return yoi_error_set(err, YOI_EIO, path, 0, "cannot read: %s", ...)`.
 */
int yoi_error_set(yoi_error *err, int code, const char *path, int line,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* yoi_error_set for a wrapper that takes its own "...". */
int yoi_error_vset(yoi_error *err, int code, const char *path, int line,
		   const char *fmt, va_list ap)
    __attribute__((format(printf, 5, 0)));
/*
 * An error about a file that reads whole in yoi_error_text either way:
 * with a line (> 0) as yoi_error_set, without one the message starts
 * with "path: " (yoi_error_text shows the path only beside a line).
 */
int yoi_error_at(yoi_error *err, int code, const char *path, int line,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int yoi_error_vat(yoi_error *err, int code, const char *path, int line,
		  const char *fmt, va_list ap)
    __attribute__((format(printf, 5, 0)));
void yoi_error_clear(yoi_error *err);

/*
 * An error as one line for people: "path:line: message" when the error
 * names a line of a file (and the message does not start with the path),
 * else the message. Messages never embed their own "path:line:" (the error
 * carries both), so every consumer shows them this one way. Into buf (n bytes,
 * truncated); returns buf.
 */
#define YOI_ERRTEXT_MAX (YOI_ERRPATH_MAX + YOI_ERRMSG_MAX + 16)
const char *yoi_error_text(const yoi_error *err, char *buf, size_t n);

/*
 * Growable byte buffer, always NUL-terminated when ptr != NULL. Out of
 * memory is sticky (as libgit2's git_str): after one failed append every
 * later append fails too and changes nothing, so a writer may append
 * freely and check yoi_buf_oom once at the end; yoi_buf_detach returns
 * NULL for such a buffer.
 */
typedef struct yoi_buf {
	char *ptr;
	size_t len;
	size_t cap;
	bool oom;
} yoi_buf;

#define YOI_BUF_INIT                                                           \
	{                                                                      \
		NULL, 0, 0, false                                              \
	}

/* Whether an append to b has failed since it was last cleared. */
bool yoi_buf_oom(const yoi_buf *b);

int yoi_buf_grow(yoi_buf *b, size_t extra);
int yoi_buf_put(yoi_buf *b, const char *data, size_t len);
int yoi_buf_puts(yoi_buf *b, const char *s);
int yoi_buf_putc(yoi_buf *b, char c);
int yoi_buf_printf(yoi_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int yoi_buf_vprintf(yoi_buf *b, const char *fmt, va_list ap);
void yoi_buf_clear(yoi_buf *b);
/* Hand the buffer's memory to the caller (never NULL on success). */
char *yoi_buf_detach(yoi_buf *b);
void yoi_buf_free(yoi_buf *b);

/*
 * Room for one more element in a growable array: *vp (a pointer to the
 * array's pointer, e.g. &t->v) holds *cap elements of size bytes, n used.
 * When n == *cap the array doubles (to min at first). 0, or YOI_ENOMEM
 * with the array unchanged. YOI_GROW(v, n, cap, min) passes &v, &cap and
 * sizeof(*v).
 */
int yoi_grow(void *vp, size_t n, size_t *cap, size_t size, size_t min);
#define YOI_GROW(v, n, cap, min)                                               \
	yoi_grow(&(v), (n), &(cap), sizeof(*(v)), (min))

/* Allocation helpers: return NULL only when out of memory. */
char *yoi_strdup(const char *s);
char *yoi_strndup(const char *s, size_t n);
char *yoi_sprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Growable array of owned strings. */
typedef struct yoi_strv {
	char **v;
	size_t n;
	size_t cap;
} yoi_strv;

int yoi_strv_push(yoi_strv *sv, const char *s); /* copies s */
int yoi_strv_push_owned(yoi_strv *sv, char *s); /* takes s */
bool yoi_strv_contains(const yoi_strv *sv, const char *s);
void yoi_strv_sort(yoi_strv *sv);
/* The index of s in sv sorted by yoi_strv_sort (libc bsearch), or -1. */
long yoi_strv_find_sorted(const yoi_strv *sv, const char *s);
void yoi_strv_free(yoi_strv *sv);

/*
 * The 1-based line of byte offset off in buf: one more than the line
 * breaks ('\n') in buf[0, off); at most INT_MAX.
 */
int yoi_line_at(const char *buf, size_t off);

/* The index of the string equal to s among v[0..n), or n (also for NULL). */
size_t yoi_str_index(const char *const *v, size_t n, const char *s);

/*
 * Binary search of n elements of size bytes at base, sorted by strcmp of
 * the string each holds at byte offset off (a char array member, as
 * offsetof(type, id)): the index of the one equal to key, or (size_t)-1.
 */
size_t yoi_bsearch_str(const void *base, size_t n, size_t size, size_t off,
		       const char *key);

/* True when [s, s+len) is well-formed UTF-8 (no overlongs, no surrogates). */
bool yoi_utf8_valid(const char *s, size_t len);

/*
 * Times. RFC 3339 UTC with seconds: "2026-06-18T14:33:09Z" (20 chars).
 * yoi_time_parse accepts exactly that form (and a fractional-seconds or
 * numeric-offset variant, normalised to UTC) and returns Unix seconds.
 */
#define YOI_TIME_LEN 20
void yoi_time_format(int64_t unix_sec, char out[YOI_TIME_LEN + 1]);
int yoi_time_parse(const char *s, int64_t *unix_sec);

#endif
