/* common.c - errors, buffers, strings, UTF-8 and time helpers. */
#include "yoi/common.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int yoi_exit_status(int code)
{
	static const int table[] = {
	    [-YOI_OK] = YOI_EXIT_OK,
	    [-YOI_EFOUND_ERRORS] = YOI_EXIT_FINDINGS,
	    [-YOI_EUSAGE] = YOI_EXIT_USAGE,
	    [-YOI_ENOTFOUND] = YOI_EXIT_NOTFOUND,
	    [-YOI_EREFUSED] = YOI_EXIT_REFUSED,
	    [-YOI_EBUSY] = YOI_EXIT_BUSY,
	    [-YOI_EIO] = YOI_EXIT_IO,
	    [-YOI_ECORRUPT] = YOI_EXIT_CORRUPT,
	    [-YOI_ENOMEM] = YOI_EXIT_IO,
	};
	if (code > 0 || -(long)code >= (long)(sizeof(table) / sizeof(*table)))
		return YOI_EXIT_IO;
	return table[-code];
}

const char *yoi_error_text(const yoi_error *err, char *buf, size_t n)
{
	const char *msg = err->msg[0] ? err->msg : "failed";
	size_t pl = strlen(err->path);
	if (err->line > 0 && pl && strncmp(msg, err->path, pl) != 0)
		snprintf(buf, n, "%s:%d: %s", err->path, err->line, msg);
	else
		snprintf(buf, n, "%s", msg);
	return buf;
}

int yoi_error_vset(yoi_error *err, int code, const char *path, int line,
		   const char *fmt, va_list ap)
{
	if (!err)
		return code;
	err->code = code;
	err->line = line;
	snprintf(err->path, sizeof(err->path), "%s", path ? path : "");
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	return code;
}

int yoi_error_set(yoi_error *err, int code, const char *path, int line,
		  const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = yoi_error_vset(err, code, path, line, fmt, ap);
	va_end(ap);
	return rc;
}

int yoi_error_vat(yoi_error *err, int code, const char *path, int line,
		  const char *fmt, va_list ap)
{
	if (!err)
		return code;
	char msg[YOI_ERRMSG_MAX];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (line > 0)
		return yoi_error_set(err, code, path, line, "%s", msg);
	return yoi_error_set(err, code, path, 0, "%s: %s", path ? path : "",
			     msg);
}

int yoi_error_at(yoi_error *err, int code, const char *path, int line,
		 const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = yoi_error_vat(err, code, path, line, fmt, ap);
	va_end(ap);
	return rc;
}

void yoi_error_clear(yoi_error *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}

bool yoi_buf_oom(const yoi_buf *b)
{
	return b->oom;
}

int yoi_grow(void *vp, size_t n, size_t *cap, size_t size, size_t min)
{
	if (n < *cap)
		return 0;
	size_t nc = *cap ? *cap * 2 : (min ? min : 1);
	if (nc <= *cap || nc > SIZE_MAX / size)
		return YOI_ENOMEM;
	void *old;
	memcpy(&old, vp, sizeof(old)); /* vp is some T **: copied, not cast */
	void *v = realloc(old, nc * size);
	if (!v)
		return YOI_ENOMEM;
	memcpy(vp, &v, sizeof(v));
	*cap = nc;
	return 0;
}

int yoi_buf_grow(yoi_buf *b, size_t extra)
{
	if (b->oom)
		return YOI_ENOMEM;
	if (extra > SIZE_MAX - b->len - 1) {
		b->oom = true;
		return YOI_ENOMEM;
	}
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	char *p = realloc(b->ptr, cap);
	if (!p) {
		b->oom = true;
		return YOI_ENOMEM;
	}
	p[b->len] = '\0'; /* a buffer is a string from its first byte */
	b->ptr = p;
	b->cap = cap;
	return 0;
}

int yoi_buf_put(yoi_buf *b, const char *data, size_t len)
{
	if (yoi_buf_grow(b, len) < 0)
		return YOI_ENOMEM;
	if (len)
		memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
	return 0;
}

int yoi_buf_puts(yoi_buf *b, const char *s)
{
	return yoi_buf_put(b, s, strlen(s));
}

int yoi_buf_putc(yoi_buf *b, char c)
{
	return yoi_buf_put(b, &c, 1);
}

int yoi_buf_vprintf(yoi_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0) {
		b->oom = true;
		return YOI_ENOMEM;
	}
	if (yoi_buf_grow(b, (size_t)n) < 0)
		return YOI_ENOMEM;
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int yoi_buf_printf(yoi_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = yoi_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

void yoi_buf_clear(yoi_buf *b)
{
	b->len = 0;
	b->oom = false;
	if (b->ptr)
		b->ptr[0] = '\0';
}

char *yoi_buf_detach(yoi_buf *b)
{
	if (b->oom || (!b->ptr && yoi_buf_grow(b, 0) < 0)) {
		yoi_buf_free(b);
		return NULL;
	}
	char *p = b->ptr;
	b->ptr = NULL;
	b->len = b->cap = 0;
	return p;
}

void yoi_buf_free(yoi_buf *b)
{
	if (!b)
		return;
	free(b->ptr);
	b->ptr = NULL;
	b->len = b->cap = 0;
	b->oom = false;
}

char *yoi_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

char *yoi_strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (!p)
		return NULL;
	if (n) /* s may be NULL when n is 0 */
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *yoi_sprintf(const char *fmt, ...)
{
	yoi_buf b = YOI_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	int rc = yoi_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (rc < 0) {
		yoi_buf_free(&b);
		return NULL;
	}
	return yoi_buf_detach(&b);
}

int yoi_strv_push_owned(yoi_strv *sv, char *s)
{
	if (!s)
		return YOI_ENOMEM;
	if (YOI_GROW(sv->v, sv->n, sv->cap, 8) < 0) {
		free(s);
		return YOI_ENOMEM;
	}
	sv->v[sv->n++] = s;
	return 0;
}

int yoi_strv_push(yoi_strv *sv, const char *s)
{
	return yoi_strv_push_owned(sv, yoi_strdup(s));
}

bool yoi_strv_contains(const yoi_strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return true;
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void yoi_strv_sort(yoi_strv *sv)
{
	if (sv->n > 1)
		qsort(sv->v, sv->n, sizeof(*sv->v), cmp_str);
}

long yoi_strv_find_sorted(const yoi_strv *sv, const char *s)
{
	if (!sv->n)
		return -1;
	char **hit = bsearch(&s, sv->v, sv->n, sizeof(*sv->v), cmp_str);
	return hit ? (long)(hit - sv->v) : -1;
}

void yoi_strv_free(yoi_strv *sv)
{
	if (!sv)
		return;
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = sv->cap = 0;
}

int yoi_line_at(const char *buf, size_t off)
{
	size_t n = 1;
	for (const char *p = buf, *end = buf + off;
	     off && (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
		n++;
	return n > INT_MAX ? INT_MAX : (int)n;
}

size_t yoi_str_index(const char *const *v, size_t n, const char *s)
{
	size_t i = 0;
	while (s && i < n && strcmp(v[i], s) != 0)
		i++;
	return s ? i : n;
}

size_t yoi_bsearch_str(const void *base, size_t n, size_t size, size_t off,
		       const char *key)
{
	const char *v = base;
	size_t lo = 0, hi = base ? n : 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(v + mid * size + off, key);
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (size_t)-1;
}

bool yoi_utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < len) {
		/* Tickets are mostly ASCII: skip 8 bytes at a time. */
		while (len - i >= 8) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			if (w & 0x8080808080808080ull)
				break;
			i += 8;
		}
		if (i >= len)
			break;
		unsigned char c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t n;
		unsigned int cp;
		if (c >= 0xC2 && c <= 0xDF) {
			n = 1;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 2;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (len - i <= n)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += n + 1;
	}
	return true;
}

void yoi_time_format(int64_t unix_sec, char out[YOI_TIME_LEN + 1])
{
	time_t t = (time_t)unix_sec;
	struct tm tm;
	if (!gmtime_r(&t, &tm)) {
		snprintf(out, YOI_TIME_LEN + 1, "1970-01-01T00:00:00Z");
		return;
	}
	strftime(out, YOI_TIME_LEN + 1, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int yoi_time_parse(const char *s, int64_t *unix_sec)
{
	int Y, M, D, h, m, sec;
	if (!s || strlen(s) < 20)
		return YOI_EUSAGE;
	if (digits(s, 4, &Y) || s[4] != '-' || digits(s + 5, 2, &M) ||
	    s[7] != '-' || digits(s + 8, 2, &D) || s[10] != 'T' ||
	    digits(s + 11, 2, &h) || s[13] != ':' || digits(s + 14, 2, &m) ||
	    s[16] != ':' || digits(s + 17, 2, &sec))
		return YOI_EUSAGE;
	static const int mdays[] = {31, 29, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31};
	if (M < 1 || M > 12 || D < 1 || D > mdays[M - 1] || h > 23 || m > 59 ||
	    sec > 60)
		return YOI_EUSAGE;
	bool leap = (Y % 4 == 0 && Y % 100 != 0) || Y % 400 == 0;
	if (M == 2 && D == 29 && !leap)
		return YOI_EUSAGE;
	const char *p = s + 19;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return YOI_EUSAGE;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	int64_t off = 0;
	if (*p == 'Z' && p[1] == '\0') {
		off = 0;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
		int oh, om;
		if (digits(p + 1, 2, &oh) || digits(p + 4, 2, &om) || oh > 23 ||
		    om > 59)
			return YOI_EUSAGE;
		off = (int64_t)(oh * 3600 + om * 60) * (*p == '+' ? 1 : -1);
	} else {
		return YOI_EUSAGE;
	}
	/* Days from civil (Howard Hinnant's algorithm), no timegm needed. */
	int y = Y - (M <= 2);
	int era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy =
	    (153 * (unsigned)(M + (M > 2 ? -3 : 9)) + 2) / 5 + (unsigned)D - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	int64_t days = (int64_t)era * 146097 + (int64_t)doe - 719468;
	*unix_sec = days * 86400 + h * 3600 + m * 60 + sec - off;
	return 0;
}
