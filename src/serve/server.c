/*
 * server.c - the live board's HTTP server (serve.h, docs/serve.md) on
 * libmicrohttpd (mhd.h): routes, the token, Host, CSRF and Origin checks,
 * bounds, the actions through the runner, and Server-Sent Events.
 *
 * Threads: libmicrohttpd runs a thread per connection (a slow or idle
 * client holds only its own, up to YOI_SERVE_CONN_MAX connections, each
 * dropped after YOI_SERVE_TIMEOUT idle seconds), and watch.c one more.
 * Pages are rendered by the library under a read lock; the runner's
 * fork takes it for writing (pthread_atfork), so that no other thread is
 * inside the library (libgit2's mutexes) when the child is made. The
 * child execs the binary at once (runner.c), which alone keeps it clear
 * of locks other threads held; the lock is the older guard, kept.
 */
#include "serve/serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <unistd.h>

#include "serve/mhd.h"
#include "serve/watch.h"
#include "yoi/board.h"
#include "yoi/common.h"
#include "yoi/gitinit.h"
#include "yoi/id.h"
#include "yoi/resource.h"
#include "yoi/store.h"
#include "yoi/ticket.h"

extern char **environ;

#define STATES_MAX 16
#define BACK_MAX   2048

typedef struct server {
	const yoi_serve_opts *o;
	const yoi_mhd *m;
	char cwd[PATH_MAX];
	char token[YOI_SERVE_TOKEN_HEX + 1];
	char csrf[YOI_SERVE_TOKEN_HEX + 1];
	char cookie[YOI_SERVE_TOKEN_HEX + 64];
	char host[2][300];   /* the Host values accepted */
	char origin[2][320]; /* the Origin values accepted */
	pthread_rwlock_t lib;
	pthread_mutex_t act; /* one action at a time */
	pthread_mutex_t sse_mu;
	int sse_n;
	yoi_watch *w;
} server;

/* The POST fields the forms send (board.h). */
static const char *const field_names[] = {
    "csrf", "back",	  "to", "reason", "summary", "force",
    "text", "resolution", "op", "kind",	  "target",  "note",
};
#define NFIELDS (sizeof(field_names) / sizeof(*field_names))
enum {
	F_CSRF,
	F_BACK,
	F_TO,
	F_REASON,
	F_SUMMARY,
	F_FORCE,
	F_TEXT,
	F_RESOLUTION,
	F_OP,
	F_KIND,
	F_TARGET,
	F_NOTE
};

typedef struct req {
	bool post;
	bool cookie;   /* answer with Set-Cookie (the token came in ?t=) */
	bool too_big;  /* the body went over YOI_SERVE_BODY_MAX */
	bool bad_body; /* the body could not be parsed */
	size_t got;
	struct MHD_PostProcessor *pp;
	yoi_buf field[NFIELDS];
} req;

static server *the_server; /* for the fork handlers */

/* ---- responses ------------------------------------------------------ */

static void headers(server *s, struct MHD_Response *r, const req *q,
		    const char *ctype)
{
	const yoi_mhd *m = s->m;
	m->add_response_header(r, "Content-Type", ctype);
	m->add_response_header(r, "Content-Security-Policy", YOI_BOARD_CSP);
	m->add_response_header(r, "X-Content-Type-Options", "nosniff");
	m->add_response_header(r, "X-Frame-Options", "DENY");
	m->add_response_header(r, "Referrer-Policy", "no-referrer");
	m->add_response_header(r, "Cache-Control", "no-store");
	if (q && q->cookie)
		m->add_response_header(r, "Set-Cookie", s->cookie);
}

static enum MHD_Result send_buf(server *s, struct MHD_Connection *c,
				const req *q, unsigned status,
				const char *ctype, const char *data, size_t len,
				const char *location)
{
	struct MHD_Response *r = s->m->response_from_buffer(
	    len, (void *)data, MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	headers(s, r, q, ctype);
	if (location)
		s->m->add_response_header(r, "Location", location);
	enum MHD_Result ret = s->m->queue_response(c, status, r);
	s->m->destroy_response(r);
	return ret;
}

static enum MHD_Result send_text(server *s, struct MHD_Connection *c,
				 const req *q, unsigned status, const char *msg)
{
	char line[YOI_ERRTEXT_MAX + 64];
	int n = snprintf(line, sizeof(line), "%s\n", msg);
	if (n < 0 || (size_t)n >= sizeof(line))
		n = (int)strlen(line);
	return send_buf(s, c, q, status, "text/plain; charset=utf-8", line,
			(size_t)n, NULL);
}

static unsigned http_status(int code)
{
	switch (code) {
	case YOI_EUSAGE:
		return MHD_HTTP_BAD_REQUEST;
	case YOI_ENOTFOUND:
		return MHD_HTTP_NOT_FOUND;
	case YOI_EREFUSED:
		return MHD_HTTP_CONFLICT;
	case YOI_EBUSY:
		return MHD_HTTP_SERVICE_UNAVAILABLE;
	default:
		return MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
}

/* ---- checks --------------------------------------------------------- */

/* Equal strings, in time that depends on the length only. */
static bool same(const char *a, const char *b)
{
	if (!a || !b)
		return false;
	size_t n = strlen(b);
	if (strlen(a) != n)
		return false;
	unsigned char d = 0;
	for (size_t i = 0; i < n; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

/* A ticket ID or a suffix of one, as it may come in a URL. */
static bool id_like(const char *s, size_t n)
{
	if (n == 0 || n > YOI_ID_LEN)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= 'A' && s[i] <= 'Z')))
			return false;
	return true;
}

/* A word the CLI takes as a positional or option value (a state, a
 * relation kind, add/remove): never an option itself. */
static bool word(const yoi_buf *b)
{
	if (!b->ptr || b->len == 0 || b->len > 64 || b->ptr[0] == '-')
		return false;
	for (size_t i = 0; i < b->len; i++) {
		char ch = b->ptr[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		      ch == '-' || ch == '_'))
			return false;
	}
	return true;
}

/* A local path to go back to: "/..." but not "//..." (another host). */
static bool local_path(const yoi_buf *b)
{
	if (!b->ptr || b->len == 0 || b->len > BACK_MAX || b->ptr[0] != '/' ||
	    (b->len > 1 && (b->ptr[1] == '/' || b->ptr[1] == '\\')))
		return false;
	for (size_t i = 0; i < b->len; i++)
		if ((unsigned char)b->ptr[i] < 0x20 || b->ptr[i] == 0x7f ||
		    b->ptr[i] == '\\')
			return false;
	return true;
}

/* ---- pages ---------------------------------------------------------- */

typedef struct query_states {
	const char *v[STATES_MAX];
	size_t n;
	bool over;
} query_states;

static enum MHD_Result collect_state(void *cls, enum MHD_ValueKind kind,
				     const char *key, const char *value)
{
	(void)kind;
	query_states *qs = cls;
	if (strcmp(key, "state") != 0 || !value || !*value)
		return MHD_YES;
	if (qs->n == STATES_MAX) {
		qs->over = true;
		return MHD_NO;
	}
	qs->v[qs->n++] = value;
	return MHD_YES;
}

/* Render a page (ticket id, or the board when id is NULL) and send it
 * with status (200, or the status of the flash's refusal). */
static enum MHD_Result page(server *s, struct MHD_Connection *c, const req *q,
			    const char *id, const char *flash, unsigned status)
{
	const yoi_mhd *m = s->m;
	yoi_board_filter f = {0};
	query_states qs = {0};
	if (!id) {
		f.text =
		    m->lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "q");
		f.assignee = m->lookup_connection_value(
		    c, MHD_GET_ARGUMENT_KIND, "assignee");
		f.label = m->lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
						     "label");
		f.risk = m->lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
						    "risk");
		m->get_connection_values(c, MHD_GET_ARGUMENT_KIND,
					 collect_state, &qs);
		if (qs.over)
			return send_text(s, c, q, MHD_HTTP_BAD_REQUEST,
					 "at most 16 state parameters");
		f.states = qs.v;
		f.nstates = qs.n;
	}
	yoi_board_ctx bc = {s->csrf, s->o->author, flash, flash != NULL};
	yoi_buf out = {0};
	yoi_error err = {0};
	yoi_store *st = NULL;
	pthread_rwlock_rdlock(&s->lib);
	int rc = yoi_store_open(&st, s->cwd, s->o->root, &err);
	if (rc == 0)
		rc = yoi_store_require(st, &err);
	if (rc == 0)
		rc = id ? yoi_board_ticket_page(&out, st, id, &bc, &err)
			: yoi_board_page(&out, st, &f, &bc, &err);
	yoi_store_free(st);
	pthread_rwlock_unlock(&s->lib);
	if (rc == 0 && yoi_buf_oom(&out))
		rc = yoi_error_set(&err, YOI_ENOMEM, NULL, 0, "out of memory");
	enum MHD_Result ret;
	if (rc < 0) {
		char t[YOI_ERRTEXT_MAX];
		ret = send_text(s, c, q, http_status(rc),
				yoi_error_text(&err, t, sizeof(t)));
	} else {
		ret = send_buf(s, c, q, status, "text/html; charset=utf-8",
			       out.ptr ? out.ptr : "", out.len, NULL);
	}
	yoi_buf_free(&out);
	return ret;
}

static enum MHD_Result asset(server *s, struct MHD_Connection *c, const req *q,
			     const char *res, const char *ctype)
{
	const yoi_resource *r = yoi_resource_get(res);
	if (!r)
		return send_text(s, c, q, MHD_HTTP_NOT_FOUND, "not found");
	return send_buf(s, c, q, MHD_HTTP_OK, ctype, r->data, r->len, NULL);
}

/* ---- Server-Sent Events -------------------------------------------- */

typedef struct sse {
	server *s;
	uint64_t seen;
	bool hello;
} sse;

static ssize_t sse_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	(void)pos;
	sse *e = cls;
	int n;
	if (!e->hello) {
		e->hello = true;
		/* The first bytes: the client knows it is subscribed. */
		n = snprintf(buf, max, ": subscribed %llu\nretry: 1000\n\n",
			     (unsigned long long)e->seen);
	} else {
		uint64_t gen;
		int w =
		    yoi_watch_wait(e->s->w, e->seen, YOI_SERVE_PING_SEC, &gen);
		if (w < 0)
			return MHD_CONTENT_READER_END_OF_STREAM;
		if (w == 0) {
			n = snprintf(buf, max, ": ping\n\n");
		} else {
			e->seen = gen;
			n = snprintf(buf, max, "event: change\ndata: %llu\n\n",
				     (unsigned long long)gen);
		}
	}
	return n < 0 || (size_t)n >= max ? MHD_CONTENT_READER_END_WITH_ERROR
					 : (ssize_t)n;
}

static void sse_free(void *cls)
{
	sse *e = cls;
	pthread_mutex_lock(&e->s->sse_mu);
	e->s->sse_n--;
	pthread_mutex_unlock(&e->s->sse_mu);
	free(e);
}

static enum MHD_Result events(server *s, struct MHD_Connection *c, const req *q)
{
	pthread_mutex_lock(&s->sse_mu);
	bool full = s->sse_n >= YOI_SERVE_SSE_MAX;
	if (!full)
		s->sse_n++;
	pthread_mutex_unlock(&s->sse_mu);
	if (full)
		return send_text(s, c, q, MHD_HTTP_SERVICE_UNAVAILABLE,
				 "too many live pages open; close some");
	sse *e = calloc(1, sizeof(*e));
	struct MHD_Response *r =
	    e ? s->m->response_from_callback(MHD_SIZE_UNKNOWN, 1024, sse_read,
					     e, sse_free)
	      : NULL;
	if (!r) {
		if (e)
			free(e);
		pthread_mutex_lock(&s->sse_mu);
		s->sse_n--;
		pthread_mutex_unlock(&s->sse_mu);
		return MHD_NO;
	}
	e->s = s;
	e->seen = yoi_watch_gen(s->w);
	headers(s, r, q, "text/event-stream");
	enum MHD_Result ret = s->m->queue_response(c, MHD_HTTP_OK, r);
	s->m->destroy_response(r);
	return ret;
}

/* ---- actions -------------------------------------------------------- */

static enum MHD_Result post_field(void *cls, enum MHD_ValueKind kind,
				  const char *key, const char *filename,
				  const char *content_type,
				  const char *transfer_encoding,
				  const char *data, uint64_t off, size_t size)
{
	(void)kind;
	(void)filename;
	(void)content_type;
	(void)transfer_encoding;
	(void)off;
	req *q = cls;
	for (size_t i = 0; i < NFIELDS; i++)
		if (strcmp(key, field_names[i]) == 0) {
			if (size && yoi_buf_put(&q->field[i], data, size) < 0)
				return MHD_NO;
			if (!q->field[i].ptr &&
			    yoi_buf_puts(&q->field[i], "") < 0)
				return MHD_NO;
			break;
		}
	return MHD_YES;
}

static const char *fv(const req *q, int i)
{
	return q->field[i].ptr ? q->field[i].ptr : "";
}

/* "--name=value" (freed by the caller). */
static char *opt(const char *name, const char *value)
{
	return yoi_sprintf("--%s=%s", name, value);
}

/* The ticket's state is closed now (its item.md says so). The way out of
 * closed is the CLI's reopen, not state: the ticket page's Reopen form
 * and a drag out of the closed lane post to=planning all the same. */
static bool is_closed(server *s, const char *id)
{
	yoi_error err = {0};
	yoi_store *st = NULL;
	yoi_ticket *t = NULL;
	char full[YOI_ID_LEN + 1];
	bool closed = false;
	pthread_rwlock_rdlock(&s->lib);
	if (yoi_store_open(&st, s->cwd, s->o->root, &err) == 0 &&
	    yoi_store_resolve(st, id, full, &err) == 0 &&
	    yoi_ticket_load(&t, st, full, YOI_LOAD_FRONTMATTER, &err) == 0) {
		const char *state = yoi_item_get(t->item, "state");
		closed = state && strcmp(state, "closed") == 0;
	}
	yoi_ticket_free(t);
	yoi_store_free(st);
	pthread_rwlock_unlock(&s->lib);
	return closed;
}

static enum MHD_Result act(server *s, struct MHD_Connection *c, req *q,
			   const char *id, const char *action)
{
	if (!same(fv(q, F_CSRF), s->csrf))
		return send_text(s, c, q, MHD_HTTP_FORBIDDEN,
				 "the form's csrf token is missing or wrong: "
				 "reload the page and try again");
	for (size_t i = 0; i < NFIELDS; i++)
		if (q->field[i].ptr &&
		    strlen(q->field[i].ptr) != q->field[i].len)
			return send_text(s, c, q, MHD_HTTP_BAD_REQUEST,
					 "a form field holds a NUL byte");
	char *argv[12] = {0};
	char *own[6] = {0}; /* what argv holds that we allocated */
	size_t n = 0, k = 0;
	const char *bad = NULL;
	if (strcmp(action, "state") == 0 && !strcmp(fv(q, F_TO), "planning") &&
	    is_closed(s, id)) {
		argv[n++] = "reopen";
		argv[n++] = (char *)id;
		argv[n++] = own[k++] = opt("reason", fv(q, F_REASON));
	} else if (strcmp(action, "state") == 0) {
		if (!word(&q->field[F_TO]))
			bad = "the target state ('to') is missing or not a "
			      "state name";
		argv[n++] = "state";
		argv[n++] = (char *)id;
		argv[n++] = (char *)fv(q, F_TO);
		if (q->field[F_REASON].len)
			argv[n++] = own[k++] = opt("reason", fv(q, F_REASON));
		if (q->field[F_SUMMARY].len)
			argv[n++] = own[k++] = opt("summary", fv(q, F_SUMMARY));
		if (strcmp(fv(q, F_FORCE), "1") == 0)
			argv[n++] = "--force";
	} else if (strcmp(action, "comment") == 0) {
		argv[n++] = "comment";
		argv[n++] = (char *)id;
		argv[n++] = own[k++] = opt("message", fv(q, F_TEXT));
	} else if (strcmp(action, "close") == 0) {
		argv[n++] = "close";
		argv[n++] = (char *)id;
		argv[n++] = own[k++] = opt("resolution", fv(q, F_RESOLUTION));
	} else {
		const char *op = fv(q, F_OP);
		if (strcmp(op, "add") != 0 && strcmp(op, "remove") != 0)
			bad = "the relation's op must be add or remove";
		else if (!word(&q->field[F_KIND]))
			bad = "the relation's kind is missing or not a name";
		argv[n++] = "relation";
		argv[n++] = (char *)op;
		argv[n++] = (char *)id;
		argv[n++] = own[k++] = opt("kind", fv(q, F_KIND));
		argv[n++] = own[k++] = opt("target", fv(q, F_TARGET));
		if (q->field[F_NOTE].len && strcmp(op, "add") == 0)
			argv[n++] = own[k++] = opt("note", fv(q, F_NOTE));
	}
	for (size_t i = 0; i < k; i++)
		if (!own[i])
			bad = "out of memory";
	enum MHD_Result ret;
	if (bad) {
		ret = page(s, c, q, id, bad, MHD_HTTP_BAD_REQUEST);
		goto done;
	}
	yoi_serve_result res = {0};
	pthread_mutex_lock(&s->act);
	int rc = s->o->run(s->o->run_data, argv, &res);
	pthread_mutex_unlock(&s->act);
	if (rc == 0 && res.status == 0) {
		char *loc = local_path(&q->field[F_BACK])
				? yoi_strdup(fv(q, F_BACK))
				: yoi_sprintf("/t/%s", id);
		ret = loc ? send_buf(s, c, q, MHD_HTTP_SEE_OTHER,
				     "text/plain; charset=utf-8", "", 0, loc)
			  : MHD_NO;
		free(loc);
	} else {
		/* The CLI's message, as the command line shows it. */
		char *msg = res.err && *res.err ? res.err : res.out;
		if (msg) {
			size_t l = strlen(msg);
			while (l && (msg[l - 1] == '\n' || msg[l - 1] == ' '))
				msg[--l] = '\0';
		}
		unsigned status =
		    rc < 0 ? MHD_HTTP_INTERNAL_SERVER_ERROR
		    : res.status == YOI_EXIT_USAGE    ? MHD_HTTP_BAD_REQUEST
		    : res.status == YOI_EXIT_NOTFOUND ? MHD_HTTP_NOT_FOUND
		    : res.status == YOI_EXIT_REFUSED  ? MHD_HTTP_CONFLICT
		    : res.status == YOI_EXIT_BUSY
			? MHD_HTTP_SERVICE_UNAVAILABLE
			: MHD_HTTP_INTERNAL_SERVER_ERROR;
		ret = page(s, c, q, id,
			   msg && *msg ? msg : "the command failed", status);
		/* A ticket page that cannot be shown still says why. */
	}
	free(res.out);
	free(res.err);
done:
	for (size_t i = 0; i < k; i++)
		free(own[i]);
	return ret;
}

/* ---- the access handler -------------------------------------------- */

static bool host_ok(server *s, struct MHD_Connection *c)
{
	const char *h =
	    s->m->lookup_connection_value(c, MHD_HEADER_KIND, "Host");
	return h && (strcmp(h, s->host[0]) == 0 || strcmp(h, s->host[1]) == 0);
}

/*
 * Where a form comes from. Origin, when sent, must be this server, or
 * "null": the pages' referrer policy (no-referrer) makes browsers send
 * that for their own forms. Sec-Fetch-Site, when sent, must say
 * same-origin (or none: typed by the user). The CSRF token is checked
 * besides, always.
 */
static bool origin_ok(server *s, struct MHD_Connection *c)
{
	const char *o =
	    s->m->lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
	const char *site =
	    s->m->lookup_connection_value(c, MHD_HEADER_KIND, "Sec-Fetch-Site");
	if (site && strcmp(site, "same-origin") != 0 &&
	    strcmp(site, "none") != 0)
		return false;
	return !o || strcmp(o, "null") == 0 || strcmp(o, s->origin[0]) == 0 ||
	       strcmp(o, s->origin[1]) == 0;
}

/* The route of a URL: "/t/<id>" (action NULL) or "/t/<id>/<action>". */
static bool ticket_route(const char *url, char id[YOI_ID_LEN + 1],
			 const char **action)
{
	if (strncmp(url, "/t/", 3) != 0)
		return false;
	const char *p = url + 3, *slash = strchr(p, '/');
	size_t n = slash ? (size_t)(slash - p) : strlen(p);
	if (!id_like(p, n))
		return false;
	memcpy(id, p, n);
	id[n] = '\0';
	*action = slash ? slash + 1 : NULL;
	return true;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c,
			      const char *url, const char *method,
			      const char *version, const char *upload,
			      size_t *upsize, void **con_cls)
{
	(void)version;
	server *s = cls;
	const yoi_mhd *m = s->m;
	req *q = *con_cls;
	char id[YOI_ID_LEN + 1];
	const char *action = NULL;
	if (!q) {
		q = calloc(1, sizeof(*q));
		if (!q)
			return MHD_NO;
		*con_cls = q;
		bool get =
		    strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
		q->post = strcmp(method, "POST") == 0;
		if (strlen(url) > YOI_SERVE_URL_MAX)
			return send_text(s, c, q, MHD_HTTP_URI_TOO_LONG,
					 "the URL is too long");
		if (!get && !q->post)
			return send_text(s, c, q, MHD_HTTP_METHOD_NOT_ALLOWED,
					 "only GET and POST are served");
		if (!host_ok(s, c))
			return send_text(
			    s, c, q, MHD_HTTP_FORBIDDEN,
			    "the Host header is not this server's address: "
			    "open the URL serve printed");
		const char *t =
		    m->lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "t");
		const char *ck =
		    m->lookup_connection_value(c, MHD_COOKIE_KIND, "yoi_t");
		bool by_query = same(t, s->token);
		if (!by_query && !same(ck, s->token))
			return send_text(s, c, q, MHD_HTTP_FORBIDDEN,
					 "missing or wrong access token: open "
					 "the URL serve printed (with ?t=)");
		q->cookie = by_query && !same(ck, s->token);
		if (get) {
			if (strcmp(url, "/") == 0)
				return page(s, c, q, NULL, NULL, MHD_HTTP_OK);
			if (strcmp(url, "/events") == 0)
				return events(s, c, q);
			if (strcmp(url, "/static/board.css") == 0)
				return asset(s, c, q, YOI_BOARD_CSS_RES,
					     "text/css; charset=utf-8");
			if (strcmp(url, "/favicon.ico") == 0)
				return send_buf(s, c, q, MHD_HTTP_NO_CONTENT,
						"text/plain; charset=utf-8", "",
						0, NULL);
			if (strcmp(url, "/static/board.js") == 0)
				return asset(s, c, q, YOI_BOARD_JS_RES,
					     "text/javascript; charset=utf-8");
			if (ticket_route(url, id, &action) && !action)
				return page(s, c, q, id, NULL, MHD_HTTP_OK);
			return send_text(s, c, q, MHD_HTTP_NOT_FOUND,
					 "not found");
		}
		/* POST */
		if (!origin_ok(s, c))
			return send_text(s, c, q, MHD_HTTP_FORBIDDEN,
					 "the form comes from another site "
					 "(Origin, Sec-Fetch-Site)");
		if (!ticket_route(url, id, &action) || !action ||
		    (strcmp(action, "state") && strcmp(action, "comment") &&
		     strcmp(action, "close") && strcmp(action, "relation")))
			return send_text(s, c, q, MHD_HTTP_NOT_FOUND,
					 "not found");
		const char *ct = m->lookup_connection_value(c, MHD_HEADER_KIND,
							    "Content-Type");
		size_t fl = strlen(YOI_BOARD_FORM_ENCTYPE);
		if (!ct || strncasecmp(ct, YOI_BOARD_FORM_ENCTYPE, fl) != 0 ||
		    (ct[fl] && ct[fl] != ';'))
			return send_text(
			    s, c, q, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
			    "forms are posted as " YOI_BOARD_FORM_ENCTYPE);
		const char *cl = m->lookup_connection_value(c, MHD_HEADER_KIND,
							    "Content-Length");
		if (cl && strtoull(cl, NULL, 10) > YOI_SERVE_BODY_MAX)
			return send_text(s, c, q, MHD_HTTP_CONTENT_TOO_LARGE,
					 "the form is over 64 KiB");
		q->pp = m->create_post_processor(c, 4096, post_field, q);
		if (!q->pp)
			return send_text(s, c, q, MHD_HTTP_BAD_REQUEST,
					 "the form cannot be read");
		return MHD_YES;
	}
	if (*upsize) {
		q->got += *upsize;
		if (q->got > YOI_SERVE_BODY_MAX)
			q->too_big = true;
		else if (!q->bad_body &&
			 m->post_process(q->pp, upload, *upsize) != MHD_YES)
			q->bad_body = true;
		*upsize = 0;
		return MHD_YES;
	}
	if (q->too_big)
		return send_text(s, c, q, MHD_HTTP_CONTENT_TOO_LARGE,
				 "the form is over 64 KiB");
	if (q->bad_body)
		return send_text(s, c, q, MHD_HTTP_BAD_REQUEST,
				 "the form cannot be read");
	ticket_route(url, id, &action);
	return act(s, c, q, id, action);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	(void)c;
	(void)toe;
	server *s = cls;
	req *q = *con_cls;
	if (!q)
		return;
	if (q->pp)
		s->m->destroy_post_processor(q->pp);
	for (size_t i = 0; i < NFIELDS; i++)
		yoi_buf_free(&q->field[i]);
	free(q);
	*con_cls = NULL;
}

/* ---- start and stop ------------------------------------------------- */

static int stop_pipe[2] = {-1, -1};

static void on_signal(int sig)
{
	int e = errno;
	char ch = (char)sig;
	if (write(stop_pipe[1], &ch, 1) < 0) {
		/* the pipe is full: a stop is pending already */
	}
	errno = e;
}

static void fork_prepare(void)
{
	if (the_server)
		pthread_rwlock_wrlock(&the_server->lib);
}

static void fork_parent(void)
{
	if (the_server)
		pthread_rwlock_unlock(&the_server->lib);
}

static void fork_child(void)
{
	if (the_server)
		pthread_rwlock_unlock(&the_server->lib);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
}

static void register_atfork(void)
{
	pthread_atfork(fork_prepare, fork_parent, fork_child);
}

static int random_hex(char *out, size_t hex)
{
	unsigned char b[64];
	size_t n = hex / 2, got = 0;
	while (got < n) {
		ssize_t r = getrandom(b + got, n - got, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	out[hex] = '\0';
	return 0;
}

static void open_browser(const char *url)
{
	/*
	 * xdg-open where there is one, in the background of a shell that
	 * ends at once (waited for here): the opener is nobody's child to
	 * reap, and its output goes nowhere.
	 */
	char *const argv[] = {"sh",
			      "-c",
			      "command -v xdg-open >/dev/null 2>&1 || exit 0; "
			      "xdg-open \"$1\" </dev/null >/dev/null 2>&1 &",
			      "sh",
			      (char *)url,
			      NULL};
	pid_t pid;
	if (posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ) == 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
}

int yoi_serve(const yoi_serve_opts *o)
{
	FILE *diag = o->diag;
	char why[768];
	const yoi_mhd *m = yoi_mhd_load(why, sizeof(why));
	if (!m) {
		fprintf(diag, "yoi-tickets serve: %s\n", why);
		return YOI_EXIT_IO;
	}
	server *s = calloc(1, sizeof(*s));
	if (!s) {
		fprintf(diag, "yoi-tickets serve: out of memory\n");
		return YOI_EXIT_IO;
	}
	s->o = o;
	s->m = m;
	int rc = YOI_EXIT_IO;
	struct MHD_Daemon *d = NULL;
	bool sig_set = false, git_held = false;
	struct sigaction old_int, old_term, old_pipe;

	/* The address. */
	const char *bind = o->bind && *o->bind ? o->bind : "127.0.0.1";
	if (strcmp(bind, "localhost") == 0)
		bind = "127.0.0.1";
	struct sockaddr_in a4 = {0};
	struct sockaddr_in6 a6 = {0};
	bool v6 = false;
	if (inet_pton(AF_INET, bind, &a4.sin_addr) == 1) {
		a4.sin_family = AF_INET;
		a4.sin_port = htons((uint16_t)o->port);
	} else if (inet_pton(AF_INET6, bind, &a6.sin6_addr) == 1) {
		v6 = true;
		a6.sin6_family = AF_INET6;
		a6.sin6_port = htons((uint16_t)o->port);
	} else {
		fprintf(diag,
			"yoi-tickets serve: --bind '%s' is not an IP address "
			"(e.g. 127.0.0.1, ::1)\n",
			bind);
		rc = YOI_EXIT_USAGE;
		goto out;
	}
	if (!getcwd(s->cwd, sizeof(s->cwd))) {
		fprintf(diag,
			"yoi-tickets serve: cannot read the current "
			"directory: %s\n",
			strerror(errno));
		goto out;
	}

	/*
	 * libgit2 set up once for the server's life: the pages' threads then
	 * only count references, and never set it up or shut it down
	 * against each other.
	 */
	git_held = yoi_git_init() == 0;
	/* The store must be there; its paths for the watch. */
	yoi_store *st = NULL;
	yoi_error err = {0};
	char *gitdir = NULL, *lock = NULL;
	int src = yoi_store_open(&st, s->cwd, o->root, &err);
	if (src == 0)
		src = yoi_store_require(st, &err);
	if (src == 0 && yoi_store_in_git(st))
		yoi_store_lock_path(st, &lock, &gitdir, &err);
	if (src < 0) {
		char t[YOI_ERRTEXT_MAX];
		fprintf(diag, "yoi-tickets serve: %s\n",
			yoi_error_text(&err, t, sizeof(t)));
		yoi_store_free(st);
		rc = yoi_exit_status(src);
		goto out;
	}
	s->w = yoi_watch_start(yoi_store_root(st), yoi_store_yoi_dir(st),
			       gitdir, diag);
	yoi_store_free(st);
	free(gitdir);
	free(lock);
	if (!s->w) {
		fprintf(diag, "yoi-tickets serve: cannot start the watch: "
			      "out of memory or threads\n");
		goto out;
	}

	if (random_hex(s->token, YOI_SERVE_TOKEN_HEX) < 0 ||
	    random_hex(s->csrf, YOI_SERVE_TOKEN_HEX) < 0) {
		fprintf(diag, "yoi-tickets serve: no random bytes: %s\n",
			strerror(errno));
		goto out;
	}
	snprintf(s->cookie, sizeof(s->cookie),
		 "yoi_t=%s; Path=/; HttpOnly; SameSite=Strict", s->token);
	pthread_rwlockattr_t ra;
	pthread_rwlockattr_init(&ra);
	pthread_rwlockattr_setkind_np(
	    &ra, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&s->lib, &ra);
	pthread_rwlockattr_destroy(&ra);
	pthread_mutex_init(&s->act, NULL);
	pthread_mutex_init(&s->sse_mu, NULL);
	static pthread_once_t atfork = PTHREAD_ONCE_INIT;
	the_server = s;
	pthread_once(&atfork, register_atfork);

	if (pipe2(stop_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		fprintf(diag, "yoi-tickets serve: %s\n", strerror(errno));
		goto out;
	}
	struct sigaction sa = {0};
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	struct sigaction ign = {0};
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &old_pipe);
	sig_set = true;

	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD |
			 MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL |
			 (v6 ? MHD_USE_IPv6 : 0);
	const struct sockaddr *sa_bind =
	    v6 ? (const struct sockaddr *)&a6 : (const struct sockaddr *)&a4;
	d = m->start_daemon(
	    flags, (uint16_t)o->port, NULL, NULL, handle, s,
	    MHD_OPTION_SOCK_ADDR, sa_bind, MHD_OPTION_CONNECTION_LIMIT,
	    (unsigned)YOI_SERVE_CONN_MAX, MHD_OPTION_CONNECTION_TIMEOUT,
	    (unsigned)YOI_SERVE_TIMEOUT, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	    (size_t)(64 * 1024), MHD_OPTION_NOTIFY_COMPLETED, completed, s,
	    MHD_OPTION_END);
	if (!d) {
		fprintf(diag,
			"yoi-tickets serve: cannot listen on %s port %d (%s); "
			"is the port taken? --port 0 picks a free one\n",
			bind, o->port, strerror(errno));
		goto out;
	}
	const union MHD_DaemonInfo *info =
	    m->get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	unsigned port = info ? info->port : (unsigned)o->port;
	const char *lb = v6 ? "[" : "", *rb = v6 ? "]" : "";
	snprintf(s->host[0], sizeof(s->host[0]), "%s%s%s:%u", lb, bind, rb,
		 port);
	snprintf(s->host[1], sizeof(s->host[1]), "localhost:%u", port);
	for (int i = 0; i < 2; i++) { /* "http://" + host: it fits */
		memcpy(s->origin[i], "http://", 7);
		memcpy(s->origin[i] + 7, s->host[i], strlen(s->host[i]) + 1);
	}
	char url[400];
	snprintf(url, sizeof(url), "http://%s/?t=%s", s->host[0], s->token);
	fprintf(o->out, "%s\n", url);
	fflush(o->out);
	if (o->author && *o->author)
		fprintf(diag, "yoi-tickets serve: actions are made as '%s'\n",
			o->author);
	if (!(v6 ? IN6_IS_ADDR_LOOPBACK(&a6.sin6_addr)
		 : (ntohl(a4.sin_addr.s_addr) >> 24) == 127))
		fprintf(diag,
			"yoi-tickets serve: warning: %s is not a loopback "
			"address: whoever reaches it with the URL can change "
			"tickets\n",
			bind);
	fflush(diag);
	if (o->open)
		open_browser(url);

	/* Until SIGINT or SIGTERM. */
	for (;;) {
		char ch;
		struct pollfd p = {stop_pipe[0], POLLIN, 0};
		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			break;
		if (read(stop_pipe[0], &ch, 1) == 1)
			break;
	}
	rc = 0;
out:
	if (s->w)
		yoi_watch_stopping(s->w);
	if (d)
		m->stop_daemon(d);
	yoi_watch_free(s->w);
	if (sig_set) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
		sigaction(SIGPIPE, &old_pipe, NULL);
	}
	for (int i = 0; i < 2; i++)
		if (stop_pipe[i] >= 0) {
			close(stop_pipe[i]);
			stop_pipe[i] = -1;
		}
	if (the_server == s) {
		pthread_rwlock_destroy(&s->lib);
		pthread_mutex_destroy(&s->act);
		pthread_mutex_destroy(&s->sse_mu);
		the_server = NULL;
	}
	if (git_held)
		yoi_git_shutdown();
	free(s);
	return rc;
}
