/* ticket.c - load and mutate one ticket: thread first, then item.md. */
#include "yoi/ticket.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "store/store_int.h"
#include "yoi/file.h"
#include "yoi/history.h"
#include "yoi/id.h"
#include "yoi/relations.h"
#include "yoi/routing.h"

#ifdef YOI_FAULT_INJECTION
/* Test builds only: die at a named point, as a crash or kill would. */
static void fault_point(const char *name)
{
	const char *f = getenv("YOI_FAULT");
	if (f && strcmp(f, name) == 0)
		raise(SIGKILL);
}
/* ... or fail there as a failed write would. */
static bool fault_fail(const char *name)
{
	const char *f = getenv("YOI_FAULT");
	return f && strcmp(f, name) == 0;
}
/* "name:N": N (>= 0) when armed, else -1. */
static long fault_arg(const char *name)
{
	const char *f = getenv("YOI_FAULT");
	size_t n = strlen(name);
	if (!f || strncmp(f, name, n) != 0 || f[n] != ':')
		return -1;
	char *end;
	long v = strtol(f + n + 1, &end, 10);
	return *end || v < 0 ? -1 : v;
}
/*
 * "torn-append:N" / "create-torn:N": write only the first N bytes of the
 * block (fewer than all of them), then die, as a writer killed in the
 * middle of a large write(2) would.
 */
static void fault_torn(const char *name, const char *path, const char *data,
		       size_t len, bool create)
{
	long n = fault_arg(name);
	if (n < 0)
		return;
	if ((size_t)n >= len)
		n = len ? (long)len - 1 : 0;
	yoi_error e = {0};
	if (n > 0)
		yoi_file_append(path, data, (size_t)n, create, &e);
	raise(SIGKILL);
}
#else
#define fault_point(name)		      ((void)0)
#define fault_fail(name)		      false
#define fault_torn(name, path, data, len, cr) ((void)0)
#endif

static bool is(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static void report(const yoi_opctx *ctx, const char *code, const char *path,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void report(const yoi_opctx *ctx, const char *code, const char *path,
		   const char *fmt, ...)
{
	if (!ctx || !ctx->report)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (msg)
		ctx->report(ctx->report_ctx, code, path, msg);
	free(msg);
}

static const char *txt(const yoi_opctx *ctx, const char *key)
{
	return ctx->texts ? yoi_texts_get(ctx->texts, key) : key;
}

/* Stamps for events and updated_at, taken when they are written. */
static void now_str(const yoi_opctx *ctx, char out[YOI_TIME_LEN + 1])
{
	int64_t ms = ctx->clock_ms ? ctx->clock_ms() : ctx->now_ms;
	yoi_time_format(ms / 1000, out);
}

void yoi_ticket_free(yoi_ticket *t)
{
	if (!t)
		return;
	free(t->dir);
	free(t->item_path);
	free(t->thread_path);
	free(t->recovered);
	yoi_item_free(t->item);
	yoi_thread_free(t->thread);
	free(t);
}

/* item.md behind the thread: another state, or an older updated_at. */
static bool item_lags(const yoi_item *it, const yoi_thread *th)
{
	const char *replay = yoi_ticket_replay(th);
	const char *state = yoi_item_get(it, "state");
	if (replay && state && strcmp(replay, state) != 0)
		return true;
	const char *ua = yoi_item_get(it, "updated_at");
	int64_t u, x;
	if (!ua || yoi_time_parse(ua, &u) < 0)
		return false;
	for (size_t i = 0; i < th->n; i++)
		if (th->ev[i].at && yoi_time_parse(th->ev[i].at, &x) == 0 &&
		    x > u)
			return true;
	return false;
}

int yoi_ticket_load(yoi_ticket **out, const yoi_store *st, const char *id,
		    unsigned what, yoi_error *err)
{
	*out = NULL;
	if (!yoi_id_valid(id))
		return yoi_error_set(err, YOI_EUSAGE, NULL, 0,
				     "'%s' is not a ticket ID", id);
	yoi_ticket *t = calloc(1, sizeof(*t));
	if (!t)
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	memcpy(t->id, id, YOI_ID_LEN + 1);
	t->st = st;
	t->dir = yoi_store_path(st, id, NULL);
	t->item_path = yoi_store_path(st, id, "item.md");
	t->thread_path = yoi_store_path(st, id, "thread.md");
	int rc = 0;
	yoi_buf buf = YOI_BUF_INIT;
	if (!t->dir || !t->item_path || !t->thread_path) {
		rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	if (!(what & YOI_LOAD_DIR_CHECKED) && !yoi_is_dir(t->dir)) {
		rc = yoi_exists(t->dir)
			 ? yoi_error_set(err, YOI_EREFUSED, t->dir, 0,
					 "%s: not a directory (symlink?); "
					 "ticket directories must be real "
					 "directories",
					 t->dir)
			 : yoi_error_set(err, YOI_ENOTFOUND, t->dir, 0,
					 "no ticket %s", id);
		goto out;
	}
	if (what & (YOI_LOAD_FRONTMATTER | YOI_LOAD_ITEM)) {
		rc = (what & YOI_LOAD_ITEM)
			 ? yoi_file_read(t->item_path, YOI_FILE_MAX, &buf, err)
			 : yoi_file_read_frontmatter(t->item_path, YOI_FILE_MAX,
						     &buf, err);
		if (rc == YOI_ENOTFOUND)
			rc = yoi_error_set(err, YOI_ECORRUPT, t->item_path, 0,
					   "%s: missing; the ticket has no "
					   "item.md (run 'yoi-tickets doctor')",
					   t->item_path);
		if (rc < 0)
			goto out;
		rc = yoi_item_parse(&t->item, buf.ptr, buf.len, t->item_path,
				    err);
		if (rc < 0)
			goto out;
	}
	if (what & YOI_LOAD_THREAD) {
		rc = yoi_file_read(t->thread_path, YOI_FILE_MAX, &buf, err);
		if (rc == YOI_ENOTFOUND)
			rc = yoi_error_set(
			    err, YOI_ECORRUPT, t->thread_path, 0,
			    "%s: missing; the ticket has no "
			    "thread.md (run 'yoi-tickets doctor')",
			    t->thread_path);
		if (rc < 0)
			goto out;
		/* A torn tail is no event: read the complete part only. */
		t->thread_size = buf.len;
		t->thread_torn =
		    yoi_thread_torn_tail(buf.ptr, buf.len, &t->thread_keep);
		if (t->thread_torn) {
			buf.len = t->thread_keep;
			buf.ptr[buf.len] = '\0';
		}
		const char *what;
		int bad = yoi_thread_bad_text(buf.ptr, buf.len, &what);
		if (bad) {
			rc = yoi_error_set(err, YOI_ECORRUPT, t->thread_path,
					   bad,
					   "%s; thread.md must be UTF-8 "
					   "text (run 'yoi-tickets doctor')",
					   what);
			goto out;
		}
		t->thread_crlf = yoi_thread_is_crlf(buf.ptr, buf.len);
		t->thread_needs_nl = buf.len && buf.ptr[buf.len - 1] != '\n';
		rc = yoi_thread_parse(&t->thread, buf.ptr, buf.len,
				      t->thread_path, NULL);
		if (rc < 0)
			rc = yoi_error_set(err, rc, t->thread_path, 0,
					   "%s: cannot parse", t->thread_path);
		else if (t->thread->n == 0 && t->thread_torn)
			rc = yoi_error_set(
			    err, YOI_ECORRUPT, t->thread_path, 0,
			    "%s: no complete event block, only one cut short "
			    "(an interrupted write); restore thread.md from "
			    "git",
			    t->thread_path);
		else if (t->thread->n == 0)
			rc = yoi_error_set(err, YOI_ECORRUPT, t->thread_path, 0,
					   "%s: no events; the history starts "
					   "with a create or migration event, "
					   "restore it from git",
					   t->thread_path);
	}
out:
	yoi_buf_free(&buf);
	if (rc < 0)
		yoi_ticket_free(t);
	else
		*out = t;
	return rc;
}

static bool kind_is(const yoi_event *e, const char *k)
{
	return e->kind && strcmp(e->kind, k) == 0;
}

const char *yoi_ticket_replay(const yoi_thread *t)
{
	const char *state = NULL;
	for (size_t i = 0; t && i < t->n; i++) {
		const yoi_event *e = &t->ev[i];
		const char *to = NULL;
		if (kind_is(e, "state_changed")) {
			to = yoi_event_attr(e, "to");
		} else if (kind_is(e, "migration")) {
			to = yoi_event_attr(e, "to");
			if (!to)
				to = yoi_event_attr(e, "state");
		} else if (kind_is(e, "close") || kind_is(e, "closed")) {
			to = "closed";
		} else if (kind_is(e, "reopen")) {
			/* An older tool's reopen without its transition. */
			to = "planning";
		}
		if (to && *to)
			state = to;
	}
	return state;
}

const char *yoi_ticket_replay_or(const yoi_thread *t, const char *item_state)
{
	const char *s = yoi_ticket_replay(t);
	return s ? s : item_state;
}

/*
 * Events carry an identity when the caller gives a random source: two
 * distinct events with the same author, second, attributes and body are
 * then two blocks to the merge driver, not one (YOI_EVENT_ID_HEX hex
 * digits of randomness in an `id` attribute, last).
 */
static int render_event(yoi_buf *events, const yoi_opctx *ctx, const char *at,
			bool crlf, const char *kind, const yoi_attr *attrs,
			size_t nattrs, const char *body, yoi_error *err)
{
	yoi_attr all[16];
	char hex[YOI_EVENT_ID_HEX + 1];
	if (ctx->random && nattrs < sizeof(all) / sizeof(all[0])) {
		unsigned char raw[YOI_EVENT_ID_HEX / 2];
		if (ctx->random(ctx->random_ctx, raw, sizeof(raw)) < 0)
			return yoi_error_set(err, YOI_EIO, NULL, 0,
					     "no randomness for the event's "
					     "id: %s",
					     strerror(errno));
		for (size_t i = 0; i < sizeof(raw); i++)
			snprintf(hex + 2 * i, 3, "%02x", raw[i]);
		for (size_t i = 0; i < nattrs; i++)
			all[i] = attrs[i];
		all[nattrs++] = (yoi_attr){"id", hex};
		attrs = all;
	}
	yoi_event_spec spec = {kind,   ctx->author, at,	  attrs,
			       nattrs, NULL,	    body, ctx->allow_large};
	return yoi_event_render(events, &spec, crlf, err);
}

/* Render one event into events; the author and time come from ctx. */
int yoi_ticket_event(yoi_buf *events, const yoi_opctx *ctx, bool crlf,
		     const char *kind, const yoi_attr *attrs, size_t nattrs,
		     const char *body, yoi_error *err)
{
	char at[YOI_TIME_LEN + 1];
	now_str(ctx, at);
	return render_event(events, ctx, at, crlf, kind, attrs, nattrs, body,
			    err);
}

int yoi_ticket_write_item(const yoi_ticket *t, const yoi_item *it,
			  yoi_error *err)
{
	yoi_buf out = YOI_BUF_INIT;
	int rc = yoi_item_render(it, &out);
	if (rc < 0)
		rc = yoi_error_set(err, rc, t->item_path, 0,
				   "%s: cannot render", t->item_path);
	else
		rc =
		    yoi_store_write(t->st, t->item_path, out.ptr, out.len, err);
	yoi_buf_free(&out);
	return rc;
}

/* Equal strings, NULL equal to NULL only. */
static bool same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* The same event but for its time and identity. */
static bool same_event(const yoi_event *a, const yoi_event *b)
{
	if (!same(a->kind, b->kind) || !same(a->author, b->author) ||
	    !same(a->heading, b->heading) || !same(a->body, b->body) ||
	    a->nattrs != b->nattrs)
		return false;
	for (size_t i = 0; i < a->nattrs; i++)
		if (!same(a->attrs[i].key, b->attrs[i].key) ||
		    (!is(a->attrs[i].key, "at") && !is(a->attrs[i].key, "id") &&
		     !same(a->attrs[i].value, b->attrs[i].value)))
			return false;
	return true;
}

/*
 * The retry of a mutation that appended its events and stopped before
 * item.md: item.md lags and the thread ends with these very events.
 */
static int already_recorded(const yoi_ticket *t, const yoi_buf *events,
			    bool *yes)
{
	*yes = false;
	if (!t->item_lags || !t->thread || !events->len)
		return 0;
	yoi_thread *mine = NULL;
	if (yoi_thread_parse(&mine, events->ptr, events->len, NULL, NULL) < 0)
		return YOI_ENOMEM;
	size_t k = mine->n, n = t->thread->n;
	/* Never the whole thread: its first event is the ticket's origin. */
	if (k && n > k) {
		*yes = true;
		for (size_t i = 0; i < k && *yes; i++)
			*yes =
			    same_event(&t->thread->ev[n - k + i], &mine->ev[i]);
	}
	yoi_thread_free(mine);
	return 0;
}

/*
 * Before anything is written: the ticket directory must be writable and
 * its file system must have room for the append plus the new item.md.
 */
static int preflight(const yoi_ticket *t, size_t need, yoi_error *err)
{
	if (faccessat(AT_FDCWD, t->dir, W_OK | X_OK, AT_EACCESS) < 0)
		return yoi_error_set(err, YOI_EIO, t->dir, 0,
				     "%s: not writable (%s); nothing was "
				     "written: make the ticket directory "
				     "writable and run the command again",
				     t->dir, strerror(errno));
	struct statvfs vfs;
	if (statvfs(t->dir, &vfs) < 0)
		return 0; /* cannot tell: the writes will say */
	unsigned long long room =
	    (unsigned long long)vfs.f_bavail * (unsigned long long)vfs.f_frsize;
	if (fault_fail("no-space"))
		room = 0;
	/* The new blocks, rounded up, plus one block of slack. */
	unsigned long long bs = vfs.f_frsize ? vfs.f_frsize : 4096;
	unsigned long long want = (need + 2 * bs - 1) / bs * bs + bs;
	if (room < want)
		return yoi_error_at(
		    err, YOI_EIO, t->dir, 0,
		    "no room on the file system (%llu bytes free, the "
		    "change needs about %llu); nothing was written: free "
		    "some space and run the command again",
		    room, want);
	return 0;
}

/* thread.md and item.md must stay readable: refuse to pass the limit. */
static int check_limits(const yoi_ticket *t, size_t add, size_t item_len,
			yoi_error *err)
{
	size_t have = t->thread_torn ? t->thread_keep : t->thread_size;
	if (add > YOI_FILE_MAX || have > YOI_FILE_MAX - add)
		return yoi_error_at(
		    err, YOI_EREFUSED, t->thread_path, 0,
		    "this event would make thread.md %zu bytes, over the "
		    "%u-byte (16 MiB) limit that every command reads it "
		    "with; nothing was written: put the large text in a file "
		    "under the ticket's artifacts/ and reference it in a "
		    "short event",
		    have + add, YOI_FILE_MAX);
	if (item_len > YOI_FILE_MAX)
		return yoi_error_at(err, YOI_EREFUSED, t->item_path, 0,
				    "item.md would be %zu bytes, over the "
				    "%u-byte (16 MiB) limit; nothing was "
				    "written: put the large text in a file "
				    "under the ticket's artifacts/ and "
				    "reference it",
				    item_len, YOI_FILE_MAX);
	return 0;
}

/*
 * updated_at for a mutation: now, but never older than the thread's last
 * event, item.md's created_at or its updated_at so far (a clock behind
 * the recorded times would leave item.md stale again, and doctor --fix
 * would repair it on every run).
 */
static void stamp_updated(const yoi_ticket *t, const yoi_opctx *ctx,
			  char out[YOI_TIME_LEN + 1])
{
	int64_t ms = ctx->clock_ms ? ctx->clock_ms() : ctx->now_ms;
	int64_t at = ms / 1000, x;
	for (size_t i = 0; t->thread && i < t->thread->n; i++)
		if (t->thread->ev[i].at &&
		    yoi_time_parse(t->thread->ev[i].at, &x) == 0 && x > at)
			at = x;
	static const char *const fields[] = {"created_at", "updated_at"};
	for (size_t i = 0; i < 2; i++) {
		const char *v = yoi_item_get(t->item, fields[i]);
		if (v && yoi_time_parse(v, &x) == 0 && x > at)
			at = x;
	}
	yoi_time_format(at, out);
}

/*
 * The common tail of every mutation: stamp updated_at (plus the caller's
 * field changes already made on t->item), check, append the rendered
 * events with one write, then rewrite item.md.
 */
int yoi_ticket_commit(const yoi_ticket *t, const yoi_opctx *ctx,
		      const yoi_buf *events, yoi_error *err)
{
	if (fault_fail("commit-fails"))
		return yoi_error_set(err, YOI_EIO, t->thread_path, 0,
				     "%s: fault injected", t->thread_path);
	bool retry = false;
	int rc = already_recorded(t, events, &retry);
	if (rc < 0)
		return yoi_error_set(err, rc, NULL, 0, "out of memory");
	char at[YOI_TIME_LEN + 1];
	stamp_updated(t, ctx, at);
	if (yoi_item_set(t->item, "updated_at", at) < 0)
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	yoi_buf item = YOI_BUF_INIT;
	rc = yoi_item_render(t->item, &item);
	if (rc < 0) {
		rc = yoi_error_set(err, rc, t->item_path, 0,
				   "%s: cannot render", t->item_path);
		goto out;
	}
	size_t add = retry ? 0 : events->len;
	rc = check_limits(t, add, item.len, err);
	if (rc == 0)
		rc = preflight(t, add + item.len, err);
	if (rc < 0)
		goto out;
	if (retry)
		report(ctx, "retry-completed", t->thread_path,
		       "%s: the thread already ends with this change (an "
		       "earlier run stopped before item.md); not appended "
		       "again, item.md completed",
		       t->thread_path);
	if (add) {
		fault_torn("torn-append", t->thread_path, events->ptr,
			   events->len, false);
		rc = yoi_store_append(t->st, t->thread_path, events->ptr,
				      events->len, false, err);
		if (rc < 0)
			goto out;
	}
	fault_point("after-thread-append");
	if (fault_fail("item-write-fails"))
		rc = yoi_error_set(err, YOI_EIO, t->item_path, 0,
				   "%s: write failed: No space left on device "
				   "(fault injected); the old file is "
				   "unchanged",
				   t->item_path);
	else
		rc = yoi_store_write(t->st, t->item_path, item.ptr, item.len,
				     err);
out:
	yoi_buf_free(&item);
	return rc;
}

/* Lock, load item + thread. On success the caller must unlock. */
int yoi_ticket_begin(yoi_store *st, const yoi_opctx *ctx, const char *id,
		     yoi_ticket **t, yoi_error *err)
{
	int rc = yoi_store_lock(st, ctx->wait_sec, err);
	if (rc < 0)
		return rc;
	rc = yoi_ticket_load(t, st, id, YOI_LOAD_ITEM | YOI_LOAD_THREAD, err);
	if (rc == 0)
		(*t)->item_lags = item_lags((*t)->item, (*t)->thread);
	if (rc == 0 && (*t)->thread_torn) {
		rc = yoi_ticket_recover_tail(*t, ctx, err);
		if (rc < 0) {
			yoi_ticket_free(*t);
			*t = NULL;
		}
	}
	if (rc < 0)
		yoi_store_unlock(st);
	return rc;
}

/* A name for the recovery file that is not taken yet. */
static char *recovery_path(const yoi_ticket *t, const yoi_opctx *ctx)
{
	int64_t ms = ctx->clock_ms ? ctx->clock_ms() : ctx->now_ms;
	char stamp[YOI_TIME_LEN + 1], compact[YOI_TIME_LEN + 1];
	yoi_time_format(ms / 1000, stamp);
	size_t j = 0;
	for (size_t i = 0; stamp[i]; i++)
		if (stamp[i] != '-' && stamp[i] != ':')
			compact[j++] = stamp[i];
	compact[j] = '\0';
	for (int n = 1; n < 1000; n++) {
		char *name = n == 1 ? yoi_sprintf("artifacts/recovered-thread-"
						  "%s.md",
						  compact)
				    : yoi_sprintf("artifacts/recovered-thread-"
						  "%s-%d.md",
						  compact, n);
		char *p = name ? yoi_path_join(t->dir, name) : NULL;
		free(name);
		if (!p || !yoi_exists(p))
			return p;
		free(p);
	}
	return NULL;
}

int yoi_ticket_recover_tail(yoi_ticket *t, const yoi_opctx *ctx, yoi_error *err)
{
	if (!t->thread_torn)
		return 0;
	if (t->thread_keep == 0)
		return yoi_error_set(err, YOI_ECORRUPT, t->thread_path, 0,
				     "%s: no complete event block, only a "
				     "torn one; restore thread.md from git",
				     t->thread_path);
	int fd =
	    open(t->thread_path, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return yoi_error_set(err, YOI_EIO, t->thread_path, 0,
				     "%s: cannot open to repair its torn "
				     "tail: %s",
				     t->thread_path, strerror(errno));
	size_t tl = t->thread_size - t->thread_keep;
	char *tail = malloc(tl ? tl : 1);
	char *path = NULL, *arts = yoi_path_join(t->dir, "artifacts");
	struct stat sb;
	int rc = 0;
	if (!tail || !arts) {
		rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	/* Under the lock nobody appends; make sure of what we cut. */
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) ||
	    (size_t)sb.st_size != t->thread_size ||
	    pread(fd, tail, tl, (off_t)t->thread_keep) != (ssize_t)tl) {
		rc = yoi_error_set(err, YOI_EIO, t->thread_path, 0,
				   "%s: changed while its torn tail was being "
				   "repaired; run the command again",
				   t->thread_path);
		goto out;
	}
	if (!yoi_exists(arts))
		rc = yoi_store_mkdir(t->st, arts, true, err);
	if (rc == 0 && !(path = recovery_path(t, ctx)))
		rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0,
				   "cannot name a recovery file");
	/* The copy first, durable; only then the cut. */
	if (rc == 0)
		rc = yoi_store_append(t->st, path, tail, tl, true, err);
	fault_point("after-recovery-copy");
	if (rc == 0 &&
	    (ftruncate(fd, (off_t)t->thread_keep) < 0 || fsync(fd) < 0))
		rc = yoi_error_set(err, YOI_EIO, t->thread_path, 0,
				   "%s: cannot cut its torn tail: %s (a copy "
				   "is in %s)",
				   t->thread_path, strerror(errno), path);
	if (rc == 0) {
		report(ctx, "thread-torn-tail", t->thread_path,
		       "%s: its last %zu bytes were an event block cut short "
		       "(a writer was interrupted); moved to %s, the thread "
		       "now ends at its last complete event",
		       t->thread_path, tl, path);
		t->thread_size = t->thread_keep;
		t->thread_torn = false;
		t->recovered = path;
		path = NULL;
	}
out:
	close(fd);
	free(tail);
	free(arts);
	free(path);
	return rc;
}

void yoi_ticket_end(yoi_store *st, yoi_ticket *t)
{
	yoi_ticket_free(t);
	yoi_store_unlock(st);
}

/* A thread that does not end in a newline gets one before the new block. */
int yoi_ticket_lead_newline(const yoi_ticket *t, yoi_buf *events)
{
	if (!t->thread_needs_nl)
		return 0;
	return yoi_buf_puts(events, t->thread_crlf ? "\r\n" : "\n");
}

/* True when setting key to value (NULL = null) would change the item. */
static bool field_differs(const yoi_item *it, const char *key,
			  const char *value)
{
	const yoi_field *f = yoi_item_field(it, key);
	if (!f)
		return value != NULL;
	if (!value)
		return f->type != YOI_FIELD_NULL;
	return f->type != YOI_FIELD_SCALAR || strcmp(f->value, value) != 0;
}

/* A priority is one short word: letters, digits, '.', '_', '-' (P1, high). */
static int check_priority(const char *p, yoi_error *err)
{
	size_t n = p ? strlen(p) : 0;
	bool ok = n <= 32;
	for (size_t i = 0; ok && i < n; i++)
		ok = isalnum((unsigned char)p[i]) || strchr("._-", p[i]);
	if (ok)
		return 0;
	return yoi_error_set(
	    err, YOI_EUSAGE, NULL, 0,
	    "a priority is one word of at most 32 letters, "
	    "digits, '.', '_' or '-' (such as P1), got '%.40s'",
	    p);
}

static int check_text(const char *what, const char *s, bool one_line,
		      yoi_error *err)
{
	if (!s || !*s)
		return yoi_error_set(err, YOI_EUSAGE, NULL, 0,
				     "%s must not be empty", what);
	if (!yoi_utf8_valid(s, strlen(s)))
		return yoi_error_set(err, YOI_EUSAGE, NULL, 0,
				     "%s is not valid UTF-8", what);
	if (one_line && strpbrk(s, "\r\n"))
		return yoi_error_set(err, YOI_EUSAGE, NULL, 0,
				     "%s must be a single line", what);
	if (one_line && strlen(s) > YOI_THREAD_VALUE_MAX)
		return yoi_error_set(err, YOI_EUSAGE, NULL, 0,
				     "%s is longer than %d bytes", what,
				     YOI_THREAD_VALUE_MAX);
	return 0;
}

/*
 * yoi_ticket_begin for a change that carries an optional one-line text
 * (the flag what): the text is checked first, before the lock.
 */
static int begin_checked(yoi_store *st, const yoi_opctx *ctx, const char *id,
			 yoi_ticket **t, const char *what, const char *text,
			 yoi_error *err)
{
	int rc = text ? check_text(what, text, true, err) : 0;
	return rc < 0 ? rc : yoi_ticket_begin(st, ctx, id, t, err);
}

/* relations.json of a new ticket id with its depends_on edges. */
static int deps_file(yoi_buf *out, const yoi_opctx *ctx, const char *id,
		     const char *at, const yoi_create_opts *o, yoi_error *err)
{
	yoi_relations *rels = NULL;
	int rc = yoi_relations_new(&rels, id);
	if (rc < 0)
		return yoi_error_set(err, rc, NULL, 0, "out of memory");
	for (size_t i = 0; rc == 0 && i < o->ndeps; i++) {
		yoi_relation rel = {.kind = YOI_REL_DEPENDS_ON,
				    .author = (char *)ctx->author,
				    .at = (char *)at};
		memcpy(rel.ticket_id, id, YOI_ID_LEN + 1);
		snprintf(rel.target, sizeof(rel.target), "%s",
			 o->depends_on[i]);
		rc = yoi_relations_add(rels, &rel, err);
	}
	if (rc == 0)
		rc = yoi_relations_render(out, rels, err);
	yoi_relations_free(rels);
	return rc;
}

/*
 * The largest clone-unique ID in the root of the millisecond ms (same
 * first YOI_ID_TIME_DIGITS digits) into last, or "" when there is none.
 * Any entry counts, not only ticket directories: its name is taken.
 */
static int last_of_ms(const yoi_store *st, int64_t ms,
		      char last[YOI_ID_LEN + 1], yoi_error *err)
{
	char prefix[YOI_ID_LEN + 1];
	last[0] = '\0';
	if (yoi_id_make(prefix, ms, 0) < 0)
		return 0;
	DIR *d = opendir(st->root);
	if (!d)
		return yoi_error_set(err, YOI_EIO, st->root, 0,
				     "cannot list the tickets root to "
				     "allocate an ID: %s",
				     strerror(errno));
	struct dirent *de;
	while ((de = readdir(d)))
		if (strncmp(de->d_name, prefix, YOI_ID_TIME_DIGITS) == 0 &&
		    yoi_id_valid(de->d_name) && strcmp(de->d_name, last) > 0)
			memcpy(last, de->d_name, YOI_ID_LEN + 1);
	closedir(d);
	return 0;
}

/*
 * Allocate an ID (SPEC 2, id.h): the current millisecond and 20 random
 * bits from ctx->random (none: 0), above every ID of that millisecond
 * the store holds (so one clone's IDs increase), the next millisecond
 * when that one is full, and never a name that exists. Bounded. Under
 * the lock. *dir gets the ticket's directory (caller frees).
 */
static int alloc_id(const yoi_store *st, const yoi_opctx *ctx,
		    char id[YOI_ID_LEN + 1], char **dir, yoi_error *err)
{
	int64_t ms = ctx->now_ms;
	*dir = NULL;
	for (int tries = 0; tries < 64; tries++) {
		uint32_t rnd = 0;
		if (ctx->random &&
		    ctx->random(ctx->random_ctx, &rnd, sizeof(rnd)) < 0)
			return yoi_error_set(err, YOI_EIO, NULL, 0,
					     "no randomness for the ticket "
					     "ID: %s",
					     strerror(errno));
		char last[YOI_ID_LEN + 1];
		int rc = last_of_ms(st, ms, last, err);
		if (rc < 0)
			return rc;
		rc = yoi_id_pick(id, ms, rnd, last[0] ? last : NULL);
		if (rc == YOI_EUSAGE) {
			char when[YOI_TIME_LEN + 1];
			yoi_time_format(ms / 1000, when);
			return yoi_error_set(
			    err, YOI_EREFUSED, NULL, 0,
			    "the clock reads %s, outside what a ticket ID can "
			    "hold (1970 to 2109); set the system clock (or "
			    "YOI_TICKETS_NOW) right",
			    ms < 0 ? "a time before 1970" : when);
		}
		if (rc == YOI_EREFUSED) { /* that millisecond is full */
			ms++;
			continue;
		}
		*dir = yoi_store_path(st, id, NULL);
		if (!*dir)
			return yoi_error_set(err, YOI_ENOMEM, NULL, 0,
					     "out of memory");
		if (!yoi_exists(*dir))
			return 0;
		free(*dir);
		*dir = NULL;
	}
	return yoi_error_set(err, YOI_EIO, st->root, 0,
			     "cannot allocate a ticket ID: every try is taken");
}

int yoi_ticket_create(yoi_store *st, const yoi_opctx *ctx,
		      const yoi_create_opts *o, char id[YOI_ID_LEN + 1],
		      yoi_error *err)
{
	int rc = check_text("--title", o->title, true, err);
	if (rc < 0)
		return rc;
	const char *body = o->body;
	if (!body) {
		const yoi_resource *r = yoi_resource_get(
		    st->cfg.language == YOI_LANG_JA ? "ticket/body-ja.md"
						    : "ticket/body-en.md");
		body = r ? r->data : "";
	}
	if (!yoi_utf8_valid(body, strlen(body)))
		return yoi_error_set(err, YOI_EUSAGE, NULL, 0,
				     "the body is not valid UTF-8");
	if (o->priority && (rc = check_priority(o->priority, err)) < 0)
		return rc;
	/* One time for the ID, created_at, updated_at and the create event. */
	char at[YOI_TIME_LEN + 1];
	yoi_time_format(ctx->now_ms / 1000, at);
	const char *none = NULL;
	yoi_item_kv kv[10] = {
	    {"title", o->title, NULL, 0},	{"state", "planning", NULL, 0},
	    {"created_at", at, NULL, 0},	{"updated_at", at, NULL, 0},
	    {"assignee", o->assignee, NULL, 0},
	};
	size_t nkv = 5;
	/* Optional fields are written only when given. */
	if (o->readiness)
		kv[nkv++] = (yoi_item_kv){"readiness", o->readiness, NULL, 0};
	if (o->priority && *o->priority)
		kv[nkv++] = (yoi_item_kv){"priority", o->priority, NULL, 0};
	kv[nkv++] = (yoi_item_kv){"risk_flags", NULL,
				  o->nrisk ? o->risk_flags : &none, o->nrisk};
	if (o->nlabels)
		kv[nkv++] = (yoi_item_kv){"tags", NULL, o->labels, o->nlabels};
	yoi_buf item = YOI_BUF_INIT, events = YOI_BUF_INIT;
	yoi_attr slug = {"slug", (char *)o->slug};
	rc = yoi_item_compose(&item, kv, nkv, body);
	if (rc < 0) {
		rc = yoi_error_set(
		    err, rc, NULL, 0,
		    "cannot compose item.md: invalid field value");
		goto out;
	}
	rc = render_event(&events, ctx, at, false, "create", &slug,
			  o->slug ? 1 : 0, txt(ctx, "created"), err);
	for (size_t i = 0; rc == 0 && i < o->ndeps; i++) {
		yoi_attr a[] = {
		    {"action", "add"},
		    {"kind", (char *)yoi_rel_kind_name(YOI_REL_DEPENDS_ON)},
		    {"target", (char *)o->depends_on[i]}};
		rc = render_event(&events, ctx, at, false, "relation", a, 3,
				  NULL, err);
	}
	if (rc < 0)
		goto out;
	rc = yoi_store_lock(st, ctx->wait_sec, err);
	if (rc < 0)
		goto out;
	/* Every target must be a ticket before anything is written. */
	for (size_t i = 0; rc == 0 && i < o->ndeps; i++) {
		char *tdir = yoi_store_path(st, o->depends_on[i], NULL);
		if (!tdir)
			rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0,
					   "out of memory");
		else if (!yoi_id_valid(o->depends_on[i]) || !yoi_is_dir(tdir))
			rc = yoi_error_set(err, YOI_ENOTFOUND, tdir, 0,
					   "no ticket %s to depend on",
					   o->depends_on[i]);
		free(tdir);
	}
	if (rc < 0)
		goto unlock;

	char *dir = NULL;
	rc = alloc_id(st, ctx, id, &dir, err);
	if (rc < 0)
		goto unlock;
	char *arts = yoi_path_join(dir, "artifacts");
	char *thread = yoi_path_join(dir, "thread.md");
	char *itemp = yoi_path_join(dir, "item.md");
	char *relp = yoi_path_join(dir, "artifacts/relations.json");
	yoi_buf rels = YOI_BUF_INIT;
	if (!arts || !thread || !itemp || !relp) {
		rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	} else if (o->ndeps &&
		   (rc = deps_file(&rels, ctx, id, at, o, err)) < 0) {
		/* reported */
	} else if ((rc = yoi_store_mkdir(st, dir, false, err)) == 0) {
		fault_point("create-after-mkdir");
		rc = yoi_store_mkdir(st, arts, true, err);
		fault_point("create-after-artifacts");
		if (rc == 0)
			fault_torn("create-torn", thread, events.ptr,
				   events.len, true);
		if (rc == 0)
			rc = yoi_store_append(st, thread, events.ptr,
					      events.len, true, err);
		fault_point("create-after-thread");
		if (rc == 0 && o->ndeps)
			rc = yoi_store_write(st, relp, rels.ptr, rels.len, err);
		if (rc == 0)
			rc =
			    yoi_store_write(st, itemp, item.ptr, item.len, err);
		if (rc < 0) { /* all or nothing */
			char *keep = yoi_path_join(arts, ".gitkeep");
			if (keep)
				unlink(keep);
			free(keep);
			unlink(relp);
			unlink(thread);
			rmdir(arts);
			rmdir(dir);
		}
	}
	free(arts);
	free(thread);
	free(itemp);
	free(relp);
	yoi_buf_free(&rels);
	free(dir);
unlock:
	yoi_store_unlock(st);
out:
	yoi_buf_free(&item);
	yoi_buf_free(&events);
	return rc;
}

int yoi_ticket_append(yoi_store *st, const yoi_opctx *ctx, const char *id,
		      const char *kind, const yoi_attr *attrs, size_t nattrs,
		      const char *body, yoi_error *err)
{
	yoi_ticket *t;
	int rc = yoi_ticket_begin(st, ctx, id, &t, err);
	if (rc < 0)
		return rc;
	yoi_buf events = YOI_BUF_INIT;
	rc = yoi_ticket_lead_newline(t, &events);
	if (rc == 0)
		rc = yoi_ticket_event(&events, ctx, t->thread_crlf, kind, attrs,
				      nattrs, body, err);
	if (rc == 0)
		rc = yoi_ticket_commit(t, ctx, &events, err);
	yoi_buf_free(&events);
	yoi_ticket_end(st, t);
	return rc;
}

/* The current state: the thread's replay, else item.md's field. */
static int current_state(const yoi_ticket *t, yoi_state *out, yoi_error *err)
{
	const char *s =
	    yoi_ticket_replay_or(t->thread, yoi_item_get(t->item, "state"));
	*out = yoi_state_parse(s);
	if (*out == YOI_ST_INVALID)
		return yoi_error_set(err, YOI_ECORRUPT, t->item_path, 0,
				     "%s: state '%s' is not a known state; fix "
				     "it (see 'yoi-tickets doctor')",
				     t->item_path, s ? s : "(none)");
	return 0;
}

typedef enum { VIA_STATE, VIA_CLOSE, VIA_REOPEN } via;

/*
 * The retry of this very transition: the thread ends with its events (a
 * state_changed to `to`, after a close or reopen event for those
 * commands) and item.md still shows the state it came from. The earlier
 * run passed every check and appended; it stopped before item.md.
 * *from gets that state.
 */
static bool retried_transition(const yoi_ticket *t, yoi_state to, via how,
			       yoi_state *from)
{
	const yoi_thread *th = t->thread;
	if (!t->item_lags || !th || th->n < 2)
		return false;
	const yoi_event *last = &th->ev[th->n - 1];
	const char *was = yoi_item_get(t->item, "state");
	if (!is(last->kind, "state_changed") ||
	    !is(yoi_event_attr(last, "to"), yoi_state_name(to)) ||
	    !is(yoi_event_attr(last, "from"), was))
		return false;
	const char *before = th->ev[th->n - 2].kind;
	if ((how == VIA_CLOSE && !is(before, "close")) ||
	    (how == VIA_REOPEN && !is(before, "reopen")) ||
	    (how == VIA_STATE && (is(before, "close") || is(before, "reopen"))))
		return false;
	*from = yoi_state_parse(was);
	return *from != YOI_ST_INVALID && *from != to;
}

/*
 * Validate from -> to for the `via` command; fill *forced when --force
 * overrode the table, a guard or a broken history.
 */
static int check_transition(const yoi_store *st, const yoi_opctx *ctx,
			    const yoi_ticket *t, yoi_state from, yoi_state to,
			    via how, const yoi_transition_req *req,
			    bool *forced, yoi_error *err)
{
	const yoi_state_table *tab = &st->cfg.transitions;
	const char *id = t->id;
	*forced = false;
	if (req->force && (!req->reason || !*req->reason))
		return yoi_error_set(err, YOI_EUSAGE, NULL, 0,
				     "--force needs --reason TEXT: say why "
				     "the override is right");
	if (from == to)
		return yoi_error_set(err, YOI_EREFUSED, t->item_path, 0,
				     "%s is already %s", id,
				     yoi_state_name(to));
	if (how == VIA_STATE && to == YOI_ST_CLOSED)
		return yoi_error_set(err, YOI_EREFUSED, t->item_path, 0,
				     "closing goes through 'yoi-tickets close "
				     "%s --resolution TEXT'",
				     id);
	if (how == VIA_STATE && from == YOI_ST_CLOSED)
		return yoi_error_set(err, YOI_EREFUSED, t->item_path, 0,
				     "%s is closed; reopen it with "
				     "'yoi-tickets reopen %s --reason TEXT'",
				     id, id);
	const yoi_transition *tr = yoi_state_find(tab, from, to);
	if (!tr) {
		yoi_buf allowed = YOI_BUF_INIT;
		yoi_state_targets(tab, from, &allowed);
		int rc = 0;
		if (!req->force)
			rc = yoi_error_set(
			    err, YOI_EREFUSED, t->item_path, 0,
			    "%s cannot go from %s to %s; allowed from %s: "
			    "%s (or --force --reason TEXT)",
			    id, yoi_state_name(from), yoi_state_name(to),
			    yoi_state_name(from),
			    allowed.ptr ? allowed.ptr : "(none)");
		yoi_buf_free(&allowed);
		*forced = true;
		return rc;
	}
	if ((tr->flags & YOI_TR_NEEDS_REASON) &&
	    (!req->reason || !*req->reason))
		return yoi_error_set(err, YOI_EUSAGE, NULL, 0,
				     "%s -> %s needs --reason TEXT",
				     yoi_state_name(from), yoi_state_name(to));
	if ((tr->flags & YOI_TR_NEEDS_SUMMARY) &&
	    (!req->summary || !*req->summary))
		return yoi_error_set(
		    err, YOI_EUSAGE, NULL, 0,
		    "%s -> %s needs --summary TEXT: the intake "
		    "summary recorded on the thread",
		    yoi_state_name(from), yoi_state_name(to));
	if ((tr->flags & (YOI_TR_QUEUE_GUARD | YOI_TR_START_GUARD)) &&
	    !ctx->unguarded) {
		yoi_buf why = YOI_BUF_INIT;
		yoi_routing_guard own = {.st = st};
		int rc = ctx->guard ? ctx->guard(ctx->guard_ctx, id, from, to,
						 tr->flags, &why)
				    : yoi_routing_guard_fn(&own, id, from, to,
							   tr->flags, &why);
		yoi_routing_guard_free(&own);
		if (rc == YOI_ECORRUPT && !req->force)
			rc = yoi_error_set(
			    err, YOI_ECORRUPT, t->item_path, 0,
			    "%s cannot go to %s: %s", id, yoi_state_name(to),
			    why.ptr ? why.ptr : "corrupt record");
		else if (rc < 0 && !req->force)
			rc = yoi_error_set(err, YOI_EREFUSED, t->item_path, 0,
					   "%s cannot go to %s: %s (or --force "
					   "--reason TEXT)",
					   id, yoi_state_name(to),
					   why.ptr ? why.ptr : "guard refused");
		else if (rc < 0)
			*forced = true, rc = 0;
		yoi_buf_free(&why);
		if (rc < 0)
			return rc;
	}
	/* Two histories merged into one (history.h): the state is not
	 * known until a person records it with a forced transition. */
	yoi_chain_break br[1];
	size_t nbr = t->thread ? yoi_history_chain(t->thread, br, 1, NULL) : 0;
	if (nbr && !br[0].settled) {
		if (!req->force)
			return yoi_error_set(
			    err, YOI_EREFUSED, t->thread_path,
			    t->thread->ev[br[0].at].line,
			    "%s: line %d: the transition there starts from %s, "
			    "but the thread had reached %s: two histories were "
			    "merged into one; check the state the ticket is "
			    "really in and record it with --force --reason "
			    "TEXT",
			    t->thread_path, t->thread->ev[br[0].at].line,
			    br[0].from, br[0].reached);
		*forced = true;
	}
	return 0;
}

/* Append the state_changed event for from -> to to events. */
#define MAX_EXTRA_ATTRS 8

static int add_state_changed(yoi_buf *events, const yoi_opctx *ctx,
			     const yoi_ticket *t, yoi_state from, yoi_state to,
			     const char *reason, bool forced,
			     const yoi_transition_req *req, yoi_error *err)
{
	yoi_attr a[5 + MAX_EXTRA_ATTRS] = {
	    {"from", (char *)yoi_state_name(from)},
	    {"to", (char *)yoi_state_name(to)},
	    {"reason", (char *)reason},
	    {"field", "state"},
	};
	size_t n = 4;
	if (forced)
		a[n++] = (yoi_attr){"forced", "true"};
	if (req->nattrs > MAX_EXTRA_ATTRS)
		return yoi_error_set(err, YOI_EUSAGE, NULL, 0,
				     "too many event attributes");
	for (size_t i = 0; i < req->nattrs; i++)
		a[n++] = req->attrs[i];
	return yoi_ticket_event(events, ctx, t->thread_crlf, "state_changed", a,
				n, NULL, err);
}

/*
 * One transition: optional leading event (intake_summary, close, reopen),
 * then state_changed, in one append; then item.md.
 */
static int transition(yoi_store *st, const yoi_opctx *ctx, const char *id,
		      via how, const yoi_transition_req *req,
		      yoi_state *from_out, yoi_error *err)
{
	yoi_state to = yoi_state_parse(req->target);
	if (to == YOI_ST_INVALID)
		return yoi_error_set(err, YOI_EUSAGE, NULL, 0,
				     "unknown state '%s'; states: planning, "
				     "ready, queued, inprogress, done, closed",
				     req->target);
	yoi_ticket *t;
	int rc = begin_checked(st, ctx, id, &t, "--reason", req->reason, err);
	if (rc < 0)
		return rc;
	yoi_buf events = YOI_BUF_INIT;
	yoi_state from;
	bool forced = false;
	bool retry = retried_transition(t, to, how, &from);
	rc = retry ? 0 : current_state(t, &from, err);
	if (rc == 0 && !retry)
		rc = check_transition(st, ctx, t, from, to, how, req, &forced,
				      err);
	if (rc < 0)
		goto out;
	if (from_out)
		*from_out = from;
	if (req->forced_out)
		*req->forced_out = forced;
	const yoi_transition *tr =
	    yoi_state_find(&st->cfg.transitions, from, to);
	unsigned flags = tr ? tr->flags : 0;
	const char *reason = req->reason;
	if (retry) { /* the events are in the thread: item.md only */
		report(ctx, "retry-completed", t->thread_path,
		       "%s: the thread already ends with this transition (an "
		       "earlier run stopped before item.md); not appended "
		       "again, item.md completed",
		       t->thread_path);
		goto item;
	}
	rc = yoi_ticket_lead_newline(t, &events);
	if (rc == 0 && (flags & YOI_TR_NEEDS_SUMMARY))
		rc = yoi_ticket_event(&events, ctx, t->thread_crlf,
				      "intake_summary", NULL, 0, req->summary,
				      err);
	if (rc == 0 && how == VIA_CLOSE) {
		yoi_attr s = {"status", "closed"};
		rc = yoi_ticket_event(&events, ctx, t->thread_crlf, "close", &s,
				      1, req->summary, err);
		if (!reason)
			reason = txt(ctx, "reason_close");
	}
	if (rc == 0 && how == VIA_REOPEN)
		rc = yoi_ticket_event(&events, ctx, t->thread_crlf, "reopen",
				      NULL, 0, req->reason, err);
	if (!reason)
		reason = txt(ctx, "reason_default");
	if (rc == 0)
		rc = add_state_changed(&events, ctx, t, from, to, reason,
				       forced, req, err);
	if (rc < 0)
		goto out;
item:;
	bool prepared = false;
	if (yoi_item_set(t->item, "state", yoi_state_name(to)) < 0)
		rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	if (rc == 0 && (flags & YOI_TR_SETS_QUEUED)) {
		char at[YOI_TIME_LEN + 1];
		now_str(ctx, at);
		if (yoi_item_set(t->item, "queued_by", ctx->author) < 0 ||
		    yoi_item_set(t->item, "queued_at", at) < 0)
			rc = yoi_error_set(err, YOI_EUSAGE, NULL, 0,
					   "invalid author name");
	}
	if (rc == 0 && how == VIA_CLOSE) {
		/* resolution.md first: a close that fails leaves it only. */
		char *res = yoi_path_join(t->dir, "resolution.md");
		yoi_buf text = YOI_BUF_INIT;
		if (!res || yoi_buf_printf(&text, "%s\n", req->summary) < 0)
			rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0,
					   "out of memory");
		else
			rc = yoi_store_write(t->st, res, text.ptr, text.len,
					     err);
		yoi_buf_free(&text);
		free(res);
	}
	if (rc == 0 && req->prepare) {
		rc = req->prepare(req->hook, err);
		prepared = rc == 0;
	}
	if (rc == 0)
		rc = yoi_ticket_commit(t, ctx, &events, err);
	if (rc < 0 && prepared && req->undo)
		req->undo(req->hook);
out:
	yoi_buf_free(&events);
	yoi_ticket_end(st, t);
	return rc;
}

int yoi_ticket_transition(yoi_store *st, const yoi_opctx *ctx, const char *id,
			  const yoi_transition_req *req, yoi_state *from_out,
			  yoi_error *err)
{
	return transition(st, ctx, id, VIA_STATE, req, from_out, err);
}

int yoi_ticket_close(yoi_store *st, const yoi_opctx *ctx, const char *id,
		     const char *resolution, yoi_error *err)
{
	if (!resolution || !*resolution)
		return yoi_error_set(
		    err, YOI_EUSAGE, NULL, 0,
		    "close needs --resolution TEXT or --file F");
	yoi_transition_req req = {.target = "closed", .summary = resolution};
	return transition(st, ctx, id, VIA_CLOSE, &req, NULL, err);
}

int yoi_ticket_reopen(yoi_store *st, const yoi_opctx *ctx, const char *id,
		      const char *reason, yoi_error *err)
{
	if (!reason || !*reason)
		return yoi_error_set(err, YOI_EUSAGE, NULL, 0,
				     "reopen needs --reason TEXT");
	yoi_transition_req req = {.target = "planning", .reason = reason};
	return transition(st, ctx, id, VIA_REOPEN, &req, NULL, err);
}

/* The list key less the removes, plus the adds not there yet: 1 when that
 * changed the list, 0 when not, or an error of yoi_item_set_list. */
static int change_list(yoi_item *it, const char *key, const char *const *add,
		       size_t nadd, const char *const *remove, size_t nremove)
{
	const yoi_field *f = yoi_item_field(it, key);
	size_t have = f && f->type == YOI_FIELD_LIST ? f->nlist : 0;
	const char **v = calloc(have + nadd + 1, sizeof(*v));
	if (!v)
		return YOI_ENOMEM;
	size_t n = 0;
	bool changed = false;
	for (size_t i = 0; i < have; i++) {
		bool drop = false;
		for (size_t k = 0; k < nremove; k++)
			drop |= strcmp(f->list[i], remove[k]) == 0;
		if (drop)
			changed = true;
		else
			v[n++] = f->list[i];
	}
	for (size_t k = 0; k < nadd; k++) {
		bool there = false;
		for (size_t i = 0; i < n; i++)
			there |= strcmp(v[i], add[k]) == 0;
		if (!there) {
			v[n++] = add[k];
			changed = true;
		}
	}
	int rc = changed ? yoi_item_set_list(it, key, v, n) : 0;
	free(v);
	return rc < 0 ? rc : changed;
}

int yoi_ticket_edit(yoi_store *st, const yoi_opctx *ctx, const char *id,
		    const yoi_edit_opts *o, yoi_error *err)
{
	yoi_ticket *t;
	int rc = o->priority ? check_priority(o->priority, err) : 0;
	if (rc < 0)
		return rc;
	rc = begin_checked(st, ctx, id, &t, "--title", o->title, err);
	if (rc < 0)
		return rc;
	yoi_buf before = YOI_BUF_INIT, after = YOI_BUF_INIT,
		events = YOI_BUF_INIT, fields = YOI_BUF_INIT;
	struct {
		const char *key;
		bool set;
		const char *value;
	} scal[] = {
	    {"title", o->title != NULL, o->title},
	    {"assignee", o->assignee || o->clear_assignee, o->assignee},
	    {"readiness", o->readiness != NULL, o->readiness},
	    {"priority", o->priority != NULL,
	     o->priority && *o->priority ? o->priority : NULL},
	};
	rc = yoi_item_render(t->item, &before);
	for (size_t i = 0; rc == 0 && i < sizeof(scal) / sizeof(*scal); i++) {
		if (!scal[i].set ||
		    !field_differs(t->item, scal[i].key, scal[i].value))
			continue;
		rc = yoi_item_set(t->item, scal[i].key, scal[i].value);
		if (rc == 0)
			rc = yoi_buf_printf(&fields, "%s%s",
					    fields.len ? "," : "", scal[i].key);
	}
	if (rc == 0 && o->set_risk) {
		rc = yoi_item_set_list(t->item, "risk_flags", o->risk_flags,
				       o->nrisk);
		yoi_buf_printf(&fields, "%srisk_flags", fields.len ? "," : "");
	} else if (rc == 0 && (o->nadd_risk || o->nremove_risk)) {
		rc = change_list(t->item, "risk_flags", o->add_risk,
				 o->nadd_risk, o->remove_risk, o->nremove_risk);
		if (rc == 1) /* the list changed */
			rc = yoi_buf_printf(&fields, "%srisk_flags",
					    fields.len ? "," : "");
	}
	if (rc == 0 && (o->nadd_label || o->nremove_label)) {
		rc = change_list(t->item, "tags", o->add_label, o->nadd_label,
				 o->remove_label, o->nremove_label);
		if (rc == 1)
			rc = yoi_buf_printf(&fields, "%stags",
					    fields.len ? "," : "");
	}
	if (rc == 0 && o->set_body) {
		rc = yoi_item_set_body(t->item, o->body, o->body_len);
		yoi_buf_printf(&fields, "%sbody", fields.len ? "," : "");
	}
	if (rc < 0) {
		rc = yoi_error_set(err, YOI_EUSAGE, NULL, 0,
				   "invalid value: values must be valid UTF-8 "
				   "on one line");
		goto out;
	}
	if (rc == 0)
		rc = yoi_item_render(t->item, &after);
	if (rc == 0 && after.len == before.len &&
	    memcmp(after.ptr, before.ptr, before.len) == 0) {
		rc = yoi_error_set(err, YOI_EUSAGE, NULL, 0,
				   "nothing to change: the values given are "
				   "the current ones");
		goto out;
	}
	yoi_attr a = {"fields", fields.ptr ? fields.ptr : ""};
	if (rc == 0)
		rc = yoi_ticket_lead_newline(t, &events);
	if (rc == 0)
		rc = yoi_ticket_event(&events, ctx, t->thread_crlf, "edit", &a,
				      1, txt(ctx, "edit_body"), err);
	if (rc == 0)
		rc = yoi_ticket_commit(t, ctx, &events, err);
out:
	yoi_buf_free(&before);
	yoi_buf_free(&after);
	yoi_buf_free(&events);
	yoi_buf_free(&fields);
	yoi_ticket_end(st, t);
	return rc;
}
