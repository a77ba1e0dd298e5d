/*
 * End-to-end: `yoi-tickets serve`, the live board's HTTP server
 * (docs/serve.md). The built binary listens on a free port of 127.0.0.1
 * in a real repository; the tests read the URL it prints and talk HTTP
 * over a socket. Every wait is bounded (poll with a deadline) and waits
 * for an event (a line, a status, EOF), never for time to pass.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define WAIT_MS 30000 /* the bound of every wait: a busy 2-core machine */

typedef struct srv {
	pid_t pid;
	int out; /* the server's stdout (the URL line) */
	int err; /* its stderr, a temporary file */
	int port;
	char token[64];
	char host[64]; /* "127.0.0.1:PORT" */
} srv;

static long ms_since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000 +
	       (now.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Start `serve --port 0 [extra]` in dir; wait for its URL line. */
static srv start_args(const char *dir, const char *const *extra)
{
	srv s = {0};
	int p[2];
	cr_assert_eq(pipe(p), 0);
	char errpath[] = "/tmp/yoi-serve-err-XXXXXX";
	s.err = mkstemp(errpath);
	cr_assert(s.err >= 0);
	unlink(errpath);
	const char *bin = getenv("YOI_BIN");
	cr_assert_not_null(bin, "YOI_BIN is not set; run through 'make e2e'");
	s.pid = fork();
	cr_assert(s.pid >= 0);
	if (s.pid == 0) {
		/* A test that fails stops before it stops its server: the
		 * server goes with the test's process, never left running. */
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() == 1)
			_exit(125);
		if (chdir(dir) < 0)
			_exit(126);
		dup2(p[1], 1);
		dup2(s.err, 2);
		close(p[0]);
		close(p[1]);
		setenv("YOI_TICKETS_AUTHOR", "tester", 1);
		const char *argv[16] = {bin, "serve", "--port", "0"};
		size_t n = 4;
		for (size_t i = 0; extra && extra[i] && n < 15; i++)
			argv[n++] = extra[i];
		argv[n] = NULL;
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	s.out = p[0];
	char line[512];
	size_t len = 0;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!memchr(line, '\n', len) && len < sizeof(line) - 1) {
		long left = WAIT_MS - ms_since(&t0);
		cr_assert(left > 0, "serve printed no URL in time");
		struct pollfd pf = {s.out, POLLIN, 0};
		if (poll(&pf, 1, (int)left) <= 0)
			continue;
		ssize_t r = read(s.out, line + len, sizeof(line) - 1 - len);
		if (r <= 0) {
			/* It ended: show why. */
			char e[2048] = "";
			lseek(s.err, 0, SEEK_SET);
			ssize_t k = read(s.err, e, sizeof(e) - 1);
			e[k > 0 ? k : 0] = '\0';
			cr_assert_fail("serve ended before its URL: %s", e);
		}
		len += (size_t)r;
	}
	line[len] = '\0';
	cr_assert_eq(sscanf(line, "http://127.0.0.1:%d/?t=%63[0-9a-f]", &s.port,
			    s.token),
		     2, "the URL line: %s", line);
	cr_assert_eq(strlen(s.token), 32, "a 128-bit token in hex: %s", line);
	snprintf(s.host, sizeof(s.host), "127.0.0.1:%d", s.port);
	return s;
}

static srv start(const char *dir)
{
	return start_args(dir, NULL);
}

/* Signal the server; its exit status (bounded wait). */
static int stop_with(srv *s, int sig)
{
	kill(s->pid, sig);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int st = 0;
	for (;;) {
		pid_t w = waitpid(s->pid, &st, WNOHANG);
		if (w == s->pid)
			break;
		if (ms_since(&t0) > WAIT_MS) {
			kill(s->pid, SIGKILL);
			waitpid(s->pid, &st, 0);
			cr_assert_fail("serve did not end on signal %d", sig);
		}
		/* the child's exit is not an fd to poll: yield briefly */
		struct timespec ts = {0, 2000000};
		nanosleep(&ts, NULL);
	}
	close(s->out);
	/* What the server said on stderr: a sanitizer's report fails the
	 * test, and is shown where `make asan` looks for it. */
	char e[16384];
	lseek(s->err, 0, SEEK_SET);
	ssize_t k = read(s->err, e, sizeof(e) - 1);
	e[k > 0 ? k : 0] = '\0';
	close(s->err);
	if (strstr(e, "Sanitizer") || strstr(e, "runtime error:")) {
		fputs(e, stderr);
		cr_assert_fail("the server's stderr: %s", e);
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void stop(srv *s)
{
	cr_assert_eq(stop_with(s, SIGTERM), 0);
}

static int dial(const srv *s)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	cr_assert(fd >= 0);
	struct sockaddr_in a = {0};
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)s->port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0,
		     "connect: %s", strerror(errno));
	return fd;
}

static void send_all(int fd, const char *data, size_t n)
{
	while (n) {
		ssize_t w = send(fd, data, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return; /* the server closed early (e.g. 413) */
		data += w;
		n -= (size_t)w;
	}
}

/* Read until EOF (the server closes: Connection: close). */
static char *read_all(int fd)
{
	size_t cap = 1 << 16, len = 0;
	char *b = malloc(cap);
	cr_assert_not_null(b);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		long left = WAIT_MS - ms_since(&t0);
		cr_assert(left > 0, "no answer in time");
		struct pollfd pf = {fd, POLLIN, 0};
		if (poll(&pf, 1, (int)left) <= 0)
			continue;
		if (len + 4096 > cap) {
			cap *= 2;
			b = realloc(b, cap);
			cr_assert_not_null(b);
		}
		ssize_t r = recv(fd, b + len, cap - len - 1, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	b[len] = '\0';
	return b;
}

/* One raw request; the whole answer (caller frees); *status its code. */
static char *raw(const srv *s, const char *req, size_t n, int *status)
{
	int fd = dial(s);
	send_all(fd, req, n);
	shutdown(fd, SHUT_WR);
	char *resp = read_all(fd);
	close(fd);
	*status = 0;
	sscanf(resp, "HTTP/1.%*d %d", status);
	return resp;
}

/* A request built from a format: "GET / HTTP/1.1\r\nHost: ...". */
static char *req(const srv *s, int *status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static char *req(const srv *s, int *status, const char *fmt, ...)
{
	char *text = NULL;
	va_list ap;
	va_start(ap, fmt);
	cr_assert(vasprintf(&text, fmt, ap) >= 0);
	va_end(ap);
	char *r = raw(s, text, strlen(text), status);
	free(text);
	return r;
}

/* GET path with the token cookie and the right Host. */
static char *get(const srv *s, const char *path, int *status)
{
	return req(s, status,
		   "GET %s HTTP/1.1\r\nHost: %s\r\nCookie: yoi_t=%s\r\n"
		   "Connection: close\r\n\r\n",
		   path, s->host, s->token);
}

/* POST a form body to path with the cookie, the right Host and Origin. */
static char *post(const srv *s, const char *path, const char *body, int *status)
{
	return req(s, status,
		   "POST %s HTTP/1.1\r\nHost: %s\r\nCookie: yoi_t=%s\r\n"
		   "Origin: http://%s\r\n"
		   "Content-Type: application/x-www-form-urlencoded\r\n"
		   "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
		   path, s->host, s->token, s->host, strlen(body), body);
}

/* The CSRF token of the forms on a page. */
static char *csrf_of(const srv *s, const char *path)
{
	int st;
	char *page = get(s, path, &st);
	cr_assert_eq(st, 200, "%s", page);
	char *p = strstr(page, "name=\"csrf\" value=\"");
	cr_assert_not_null(p, "no csrf field on %s", path);
	p += strlen("name=\"csrf\" value=\"");
	char *q = strchr(p, '"');
	cr_assert_not_null(q);
	char *tok = strndup(p, (size_t)(q - p));
	free(page);
	return tok;
}

static const char *body_of(const char *resp)
{
	const char *b = strstr(resp, "\r\n\r\n");
	return b ? b + 4 : "";
}

/* A store with A (ready) and B (ready, depends on A). */
static char *two(char a[32], char b[32])
{
	char *dir = e2e_store();
	char *l = OK_LINE(dir, "create", "--title", "Alpha one");
	snprintf(a, 32, "%s", l);
	free(l);
	l = OK_LINE(dir, "create", "--title", "Beta waits", "--depends-on", a);
	snprintf(b, 32, "%s", l);
	free(l);
	OK(dir, "state", a, "ready", "--summary", "s");
	OK(dir, "state", b, "ready", "--summary", "s");
	return dir;
}

Test(serve, start_stop_by_signal)
{
	char *dir = e2e_store();
	srv s = start(dir);
	int st;
	char *r = req(&s, &st,
		      "GET /?t=%s HTTP/1.1\r\nHost: %s\r\nConnection: "
		      "close\r\n\r\n",
		      s.token, s.host);
	cr_assert_eq(st, 200, "%s", r);
	cr_assert(strstr(r, "Content-Security-Policy: default-src 'none'"),
		  "%s", r);
	cr_assert(strstr(r, "frame-ancestors 'none'"));
	cr_assert(strstr(r, "X-Content-Type-Options: nosniff"));
	cr_assert(strstr(r, "Set-Cookie: yoi_t="), "%s", r);
	cr_assert(strstr(r, "HttpOnly; SameSite=Strict"), "%s", r);
	free(r);
	cr_assert_eq(stop_with(&s, SIGTERM), 0);
	s = start(dir);
	cr_assert_eq(stop_with(&s, SIGINT), 0);
	e2e_rm(dir);
}

Test(serve, token_missing_or_wrong_403)
{
	char *dir = e2e_store();
	srv s = start(dir);
	int st;
	char *r = req(&s, &st, "GET / HTTP/1.1\r\nHost: %s\r\n\r\n", s.host);
	cr_assert_eq(st, 403, "%s", r);
	cr_assert(strstr(body_of(r), "token"), "%s", r);
	free(r);
	r = req(&s, &st,
		"GET /?t=00000000000000000000000000000000 HTTP/1.1\r\nHost: "
		"%s\r\n\r\n",
		s.host);
	cr_assert_eq(st, 403, "%s", r);
	free(r);
	r = req(&s, &st,
		"GET / HTTP/1.1\r\nHost: %s\r\nCookie: yoi_t=%.31s\r\n\r\n",
		s.host, s.token);
	cr_assert_eq(st, 403, "a prefix of the token: %s", r);
	free(r);
	r = get(&s, "/static/board.css", &st);
	cr_assert_eq(st, 200, "the cookie is enough: %s", r);
	cr_assert(strstr(r, "Content-Type: text/css"));
	free(r);
	r = req(&s, &st, "GET /events HTTP/1.1\r\nHost: %s\r\n\r\n", s.host);
	cr_assert_eq(st, 403, "events need the token too: %s", r);
	free(r);
	stop(&s);
	e2e_rm(dir);
}

Test(serve, foreign_host_403)
{
	char *dir = e2e_store();
	srv s = start(dir);
	int st;
	char *r =
	    req(&s, &st, "GET /?t=%s HTTP/1.1\r\nHost: evil.example:%d\r\n\r\n",
		s.token, s.port);
	cr_assert_eq(st, 403, "%s", r);
	cr_assert(strstr(body_of(r), "Host"), "%s", r);
	free(r);
	r = req(&s, &st, "GET /?t=%s HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n",
		s.token);
	cr_assert_eq(st, 403, "another port: %s", r);
	free(r);
	r = req(&s, &st, "GET /?t=%s HTTP/1.0\r\n\r\n", s.token);
	cr_assert_eq(st, 403, "no Host at all: %s", r);
	free(r);
	r = req(&s, &st, "GET /?t=%s HTTP/1.1\r\nHost: localhost:%d\r\n\r\n",
		s.token, s.port);
	cr_assert_eq(st, 200, "localhost:PORT is this server: %s", r);
	free(r);
	stop(&s);
	e2e_rm(dir);
}

Test(serve, post_without_or_with_wrong_csrf_403)
{
	char a[32], b[32];
	char *dir = two(a, b);
	char *item = e2e_read(dir, e2e_tpath(a, "item.md"));
	srv s = start(dir);
	char path[64];
	snprintf(path, sizeof(path), "/t/%s/state", a);
	int st;
	char *r = post(&s, path, "to=queued", &st);
	cr_assert_eq(st, 403, "no csrf: %s", r);
	cr_assert(strstr(body_of(r), "csrf"), "%s", r);
	free(r);
	r = post(&s, path, "to=queued&csrf=0123456789abcdef0123456789abcdef",
		 &st);
	cr_assert_eq(st, 403, "a wrong csrf: %s", r);
	free(r);
	/* The right csrf from a foreign page (Origin) is refused too. */
	char *tok = csrf_of(&s, "/");
	char body[128];
	snprintf(body, sizeof(body), "to=queued&csrf=%s", tok);
	r = req(&s, &st,
		"POST %s HTTP/1.1\r\nHost: %s\r\nCookie: yoi_t=%s\r\n"
		"Origin: http://evil.example\r\n"
		"Content-Type: application/x-www-form-urlencoded\r\n"
		"Content-Length: %zu\r\n\r\n%s",
		path, s.host, s.token, strlen(body), body);
	cr_assert_eq(st, 403, "a foreign Origin: %s", r);
	free(r);
	r = req(&s, &st,
		"POST %s HTTP/1.1\r\nHost: %s\r\nCookie: yoi_t=%s\r\n"
		"Sec-Fetch-Site: cross-site\r\n"
		"Content-Type: application/x-www-form-urlencoded\r\n"
		"Content-Length: %zu\r\n\r\n%s",
		path, s.host, s.token, strlen(body), body);
	cr_assert_eq(st, 403, "a cross-site fetch: %s", r);
	free(r);
	/* And no form without the token (cookie) either. */
	r = req(&s, &st,
		"POST %s HTTP/1.1\r\nHost: %s\r\n"
		"Content-Type: application/x-www-form-urlencoded\r\n"
		"Content-Length: %zu\r\n\r\n%s",
		path, s.host, strlen(body), body);
	cr_assert_eq(st, 403, "no token: %s", r);
	free(r);
	free(tok);
	stop(&s);
	char *after = e2e_read(dir, e2e_tpath(a, "item.md"));
	cr_assert_str_eq(after, item, "a refused POST changed nothing");
	free(item);
	free(after);
	e2e_rm(dir);
}

Test(serve, path_traversal_refused)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "T");
	srv s = start(dir);
	const char *paths[] = {
	    "/t/../../etc/passwd",
	    "/t/%2e%2e/%2e%2e/etc/passwd",
	    "/t/..%2f..%2fetc%2fpasswd",
	    "/static/../item.md",
	    "/static/%2e%2e/item.md",
	    "/static/..%2f..%2f.yoi%2fconfig.yaml",
	    "/static/board.css/../../.yoi/config.yaml",
	    "/t/%00",
	    "/.yoi/config.yaml",
	    "//etc/passwd",
	};
	for (size_t i = 0; i < sizeof(paths) / sizeof(*paths); i++) {
		int st;
		char *r = get(&s, paths[i], &st);
		cr_assert(st == 404 || st == 400, "%s: %d %s", paths[i], st, r);
		cr_assert_null(strstr(r, "root:"), "%s", paths[i]);
		cr_assert_null(strstr(r, "tickets:"), "%s", paths[i]);
		free(r);
	}
	/* The ticket's own page by a valid ID still answers. */
	char p[64];
	snprintf(p, sizeof(p), "/t/%s", id);
	int st;
	char *r = get(&s, p, &st);
	cr_assert_eq(st, 200, "%s", r);
	free(r);
	/* An ID of the right shape that no ticket has: 404. */
	char other[32];
	snprintf(other, sizeof(other), "/t/%s", id);
	other[3] = other[3] == '0' ? '1' : '0';
	r = get(&s, other, &st);
	cr_assert_eq(st, 404, "no such ticket: %s", r);
	free(r);
	stop(&s);
	free(id);
	e2e_rm(dir);
}

Test(serve, huge_body_413)
{
	char a[32], b[32];
	char *dir = two(a, b);
	srv s = start(dir);
	char path[64];
	snprintf(path, sizeof(path), "/t/%s/comment", a);
	int st;
	/* Announced over the limit: refused before the body is read. */
	char *r = req(&s, &st,
		      "POST %s HTTP/1.1\r\nHost: %s\r\nCookie: yoi_t=%s\r\n"
		      "Content-Type: application/x-www-form-urlencoded\r\n"
		      "Content-Length: 100000000\r\n\r\ntext=x",
		      path, s.host, s.token);
	cr_assert_eq(st, 413, "%s", r);
	free(r);
	/* Sent whole, 100 KiB. */
	size_t n = 100 * 1024;
	char *big = malloc(n + 1);
	cr_assert_not_null(big);
	memcpy(big, "text=", 5);
	memset(big + 5, 'x', n - 5);
	big[n] = '\0';
	r = post(&s, path, big, &st);
	cr_assert_eq(st, 413, "%.300s", r);
	free(r);
	free(big);
	/* Another content type: refused. */
	r = req(&s, &st,
		"POST %s HTTP/1.1\r\nHost: %s\r\nCookie: yoi_t=%s\r\n"
		"Content-Type: multipart/form-data; boundary=x\r\n"
		"Content-Length: 4\r\n\r\nabcd",
		path, s.host, s.token);
	cr_assert_eq(st, 415, "%s", r);
	free(r);
	r = req(&s, &st,
		"DELETE / HTTP/1.1\r\nHost: %s\r\nCookie: yoi_t=%s\r\n\r\n",
		s.host, s.token);
	cr_assert_eq(st, 405, "%s", r);
	free(r);
	stop(&s);
	char *thread = e2e_read(dir, e2e_tpath(a, "thread.md"));
	cr_assert_null(strstr(thread, "xxx"), "no part of a refused body");
	free(thread);
	e2e_rm(dir);
}

Test(serve, stalled_client_does_not_block_others)
{
	char *dir = e2e_store();
	srv s = start(dir);
	/* One client opens a connection and sends half a request... */
	int stalled = dial(&s);
	send_all(stalled, "GET / HTTP/1.1\r\nHost: ", 23);
	int idle = dial(&s); /* ...another sends nothing at all */
	/* ...while another's requests are answered. */
	for (int i = 0; i < 3; i++) {
		int st;
		char *r = get(&s, "/", &st);
		cr_assert_eq(st, 200, "%s", r);
		free(r);
	}
	close(stalled);
	close(idle);
	stop(&s);
	e2e_rm(dir);
}

Test(serve, state_post_performs_the_transition)
{
	char a[32], b[32];
	char *dir = two(a, b);
	srv s = start(dir);
	char *tok = csrf_of(&s, "/");
	char path[64], body[256];
	snprintf(path, sizeof(path), "/t/%s/state", a);
	snprintf(body, sizeof(body), "to=queued&csrf=%s&back=%%2F%%3Fq%%3Dx",
		 tok);
	int st;
	/* As a browser posts the page's own form under its no-referrer
	 * policy: Origin null, Sec-Fetch-Site same-origin. */
	char *r = req(&s, &st,
		      "POST %s HTTP/1.1\r\nHost: %s\r\nCookie: yoi_t=%s\r\n"
		      "Origin: null\r\nSec-Fetch-Site: same-origin\r\n"
		      "Content-Type: application/x-www-form-urlencoded\r\n"
		      "Content-Length: %zu\r\n\r\n%s",
		      path, s.host, s.token, strlen(body), body);
	cr_assert_eq(st, 303, "%s", r);
	cr_assert(strstr(r, "Location: /?q=x\r\n"), "back to the board: %s", r);
	free(r);
	char *item = e2e_read(dir, e2e_tpath(a, "item.md"));
	cr_assert(strstr(item, "state: 'queued'"), "%s", item);
	free(item);
	/* A comment, made as the configured author. */
	snprintf(path, sizeof(path), "/t/%s/comment", a);
	snprintf(body, sizeof(body),
		 "text=from+the+board+%%3Cb%%3E&csrf=%s&back=https%%3A%%2F%%2F"
		 "evil.example%%2F",
		 tok);
	r = post(&s, path, body, &st);
	cr_assert_eq(st, 303, "%s", r);
	char loc[64];
	snprintf(loc, sizeof(loc), "Location: /t/%s\r\n", a);
	cr_assert(strstr(r, loc), "a foreign back is not followed: %s", r);
	free(r);
	char *thread = e2e_read(dir, e2e_tpath(a, "thread.md"));
	cr_assert(strstr(thread, "from the board <b>"), "%s", thread);
	cr_assert(strstr(thread, "tester"), "the author: %s", thread);
	free(thread);
	free(tok);
	stop(&s);
	e2e_rm(dir);
}

Test(serve, refused_state_post_shows_the_cli_message)
{
	char a[32], b[32];
	char *dir = two(a, b);
	char *item = e2e_read(dir, e2e_tpath(b, "item.md"));
	e2e_result cli = RUN(dir, "state", b, "queued");
	cr_assert_eq(cli.status, 4);
	srv s = start(dir);
	char *tok = csrf_of(&s, "/");
	char path[64], body[256];
	snprintf(path, sizeof(path), "/t/%s/state", b);
	snprintf(body, sizeof(body), "to=queued&csrf=%s", tok);
	int st;
	char *r = post(&s, path, body, &st);
	cr_assert_eq(st, 409, "%s", r);
	/* The CLI's message, which names the blocker. */
	char *msg = strstr(cli.err, "cannot go to queued");
	cr_assert_not_null(msg, "%s", cli.err);
	char want[128];
	snprintf(want, sizeof(want), "waiting for %s", a);
	cr_assert(strstr(cli.err, want), "%s", cli.err);
	cr_assert(strstr(body_of(r), "cannot go to queued"), "%s", r);
	cr_assert(strstr(body_of(r), want), "the blocker named: %s", r);
	free(r);
	/* A usage error (no target) is a 400 with the page. */
	snprintf(body, sizeof(body), "csrf=%s", tok);
	r = post(&s, path, body, &st);
	cr_assert_eq(st, 400, "%s", r);
	free(r);
	free(tok);
	stop(&s);
	char *after = e2e_read(dir, e2e_tpath(b, "item.md"));
	cr_assert_str_eq(after, item);
	free(item);
	free(after);
	e2e_free(&cli);
	e2e_rm(dir);
}

/* Read from fd until needle shows (bounded); what was read. */
static char *read_until(int fd, const char *needle, char *buf, size_t cap,
			size_t *len)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!strstr(buf, needle)) {
		long left = WAIT_MS - ms_since(&t0);
		cr_assert(left > 0, "'%s' did not come; got: %s", needle, buf);
		struct pollfd pf = {fd, POLLIN, 0};
		if (poll(&pf, 1, (int)left) <= 0)
			continue;
		cr_assert(*len < cap - 1, "too much before '%s'", needle);
		ssize_t r = recv(fd, buf + *len, cap - 1 - *len, 0);
		cr_assert(r > 0, "the stream ended before '%s': %s", needle,
			  buf);
		*len += (size_t)r;
		buf[*len] = '\0';
	}
	return strstr(buf, needle);
}

/* Subscribe to /events; returns the socket once the server said so. */
static int subscribe(const srv *s)
{
	int fd = dial(s);
	char rq[256];
	int n = snprintf(rq, sizeof(rq),
			 "GET /events HTTP/1.1\r\nHost: %s\r\nCookie: "
			 "yoi_t=%s\r\n\r\n",
			 s->host, s->token);
	send_all(fd, rq, (size_t)n);
	char buf[4096] = "";
	size_t len = 0;
	read_until(fd, ": subscribed", buf, sizeof(buf), &len);
	cr_assert(strstr(buf, "Content-Type: text/event-stream"), "%s", buf);
	cr_assert_null(strstr(buf, "event: change"), "%s", buf);
	return fd;
}

static void wait_change(int fd, const char *what)
{
	char buf[4096] = "";
	size_t len = 0;
	(void)what;
	read_until(fd, "event: change\ndata: ", buf, sizeof(buf), &len);
}

/* Each of these runs with a fresh server, so that the one change after
 * subscribing can only come from the writer named. */
Test(serve, sse_sees_a_cli_write)
{
	char a[32], b[32];
	char *dir = two(a, b);
	srv s = start(dir);
	int fd = subscribe(&s);
	OK(dir, "comment", a, "--message", "seen live");
	wait_change(fd, "a CLI comment");
	close(fd);
	stop(&s);
	e2e_rm(dir);
}

Test(serve, sse_sees_a_checkout)
{
	char *dir = e2e_store();
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm init"), 0);
	srv s = start(dir);
	int fd = subscribe(&s);
	cr_assert_eq(e2e_sh(dir, "git checkout -q -b other"), 0);
	wait_change(fd, "a checkout (git's HEAD)");
	close(fd);
	stop(&s);
	e2e_rm(dir);
}

Test(serve, sse_sees_a_commit)
{
	char *dir = e2e_store();
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm init"), 0);
	srv s = start(dir);
	int fd = subscribe(&s);
	cr_assert_eq(e2e_sh(dir, "git commit -q --allow-empty -m empty"), 0);
	wait_change(fd, "a commit (the branch's ref)");
	close(fd);
	stop(&s);
	e2e_rm(dir);
}

Test(serve, sse_sees_the_config)
{
	char *dir = e2e_store();
	srv s = start(dir);
	int fd = subscribe(&s);
	e2e_write(dir, ".yoi/config.yaml", "# edited while serving\n");
	wait_change(fd, "config.yaml");
	close(fd);
	stop(&s);
	e2e_rm(dir);
}

Test(serve, sse_sees_a_hand_edit_in_a_new_ticket_folder)
{
	/* A ticket made while serving gets a watch: an editor's write in
	 * its folder, which nothing else sees, is a change. */
	char *dir = e2e_store();
	srv s = start(dir);
	int fd = subscribe(&s);
	char *id = OK_LINE(dir, "create", "--title", "New");
	wait_change(fd, "a new ticket");
	close(fd);
	fd = subscribe(&s);
	e2e_append(dir, e2e_tpath(id, "thread.md"), "");
	char *item = e2e_read(dir, e2e_tpath(id, "item.md"));
	e2e_write(dir, e2e_tpath(id, "item.md"), item);
	free(item);
	wait_change(fd, "a write in the new folder");
	close(fd);
	free(id);
	stop(&s);
	e2e_rm(dir);
}

Test(serve, sse_clients_end_on_stop)
{
	char *dir = e2e_store();
	srv s = start(dir);
	int fd = dial(&s);
	char rq[256];
	int n = snprintf(rq, sizeof(rq),
			 "GET /events HTTP/1.1\r\nHost: %s\r\nCookie: "
			 "yoi_t=%s\r\n\r\n",
			 s.host, s.token);
	send_all(fd, rq, (size_t)n);
	char buf[4096] = "";
	size_t len = 0;
	read_until(fd, ": subscribed", buf, sizeof(buf), &len);
	/* SIGTERM with a live client open: the server still ends, 0. */
	cr_assert_eq(stop_with(&s, SIGTERM), 0);
	close(fd);
	e2e_rm(dir);
}

Test(serve, bad_options)
{
	char *dir = e2e_store();
	e2e_result r = RUN(dir, "serve", "--bind", "not-an-address");
	cr_assert_eq(r.status, 2, "%s", r.err);
	cr_assert(strstr(r.err, "--bind"), "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "serve", "--port", "70000");
	cr_assert_eq(r.status, 2, "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "serve", "extra");
	cr_assert_eq(r.status, 2, "%s", r.err);
	e2e_free(&r);
	char *bare = e2e_repo();
	r = RUN(bare, "serve");
	cr_assert_eq(r.status, 3, "no store: %s", r.err);
	cr_assert(strstr(r.err, "init"), "%s", r.err);
	e2e_free(&r);
	e2e_rm(bare);
	e2e_rm(dir);
}

Test(serve, libmicrohttpd_is_not_linked)
{
	/* Loaded by `serve` only: no other command pays for it. */
	cr_assert_neq(e2e_sh(".", "readelf -d \"$YOI_BIN\" | grep -q "
				  "microhttpd"),
		      0, "the binary links libmicrohttpd");
}

Test(serve, close_and_relation_posts)
{
	char a[32], b[32];
	char *dir = two(a, b);
	char *c = OK_LINE(dir, "create", "--title", "Gamma");
	srv s = start(dir);
	char *tok = csrf_of(&s, "/");
	char path[64], body[256];
	int st;
	/* relation add, then remove: relations.json follows. */
	snprintf(path, sizeof(path), "/t/%s/relation", c);
	snprintf(body, sizeof(body),
		 "op=add&kind=related&target=%s&note=see+also&csrf=%s", a, tok);
	char *r = post(&s, path, body, &st);
	cr_assert_eq(st, 303, "%s", r);
	free(r);
	e2e_result rel = RUN(dir, "relation", "list", c);
	cr_assert(strstr(rel.out, a), "%s", rel.out);
	cr_assert(strstr(rel.out, "see also"), "%s", rel.out);
	e2e_free(&rel);
	snprintf(body, sizeof(body), "op=remove&kind=related&target=%s&csrf=%s",
		 a, tok);
	r = post(&s, path, body, &st);
	cr_assert_eq(st, 303, "%s", r);
	free(r);
	rel = RUN(dir, "relation", "list", c);
	cr_assert_null(strstr(rel.out, a), "%s", rel.out);
	e2e_free(&rel);
	/* Option-looking values stay values: the CLI refuses the target. */
	snprintf(body, sizeof(body),
		 "op=add&kind=related&target=--force&csrf=%s", tok);
	r = post(&s, path, body, &st);
	cr_assert_eq(st, 400, "%s", r);
	free(r);
	snprintf(body, sizeof(body), "op=add&kind=--help&target=%s&csrf=%s", a,
		 tok);
	r = post(&s, path, body, &st);
	cr_assert_eq(st, 400, "%s", r);
	free(r);
	snprintf(body, sizeof(body), "op=list&kind=related&target=%s&csrf=%s",
		 a, tok);
	r = post(&s, path, body, &st);
	cr_assert_eq(st, 400, "only add and remove: %s", r);
	free(r);
	/* close with a resolution. */
	snprintf(path, sizeof(path), "/t/%s/close", c);
	snprintf(body, sizeof(body), "resolution=not+needed&csrf=%s", tok);
	r = post(&s, path, body, &st);
	cr_assert_eq(st, 303, "%s", r);
	free(r);
	char *item = e2e_read(dir, e2e_tpath(c, "item.md"));
	cr_assert(strstr(item, "closed"), "%s", item);
	free(item);
	/* The ticket page's Reopen form (and a drag out of the closed lane)
	 * posts to=planning with a reason: from closed that is the CLI's
	 * reopen, the only way out of closed. */
	snprintf(path, sizeof(path), "/t/%s/state", c);
	snprintf(body, sizeof(body), "to=planning&reason=needed+after+all&csrf=%s",
		 tok);
	r = post(&s, path, body, &st);
	cr_assert_eq(st, 303, "%s", r);
	free(r);
	item = e2e_read(dir, e2e_tpath(c, "item.md"));
	cr_assert(strstr(item, "state: 'planning'"), "%s", item);
	free(item);
	char *thread = e2e_read(dir, e2e_tpath(c, "thread.md"));
	cr_assert(strstr(thread, "<!-- event: reopen"), "%s", thread);
	free(thread);
	/* An unknown action is not a route. */
	snprintf(path, sizeof(path), "/t/%s/edit", c);
	snprintf(body, sizeof(body), "csrf=%s", tok);
	r = post(&s, path, body, &st);
	cr_assert_eq(st, 404, "%s", r);
	free(r);
	free(tok);
	free(c);
	stop(&s);
	e2e_rm(dir);
}

Test(serve, hostile_ticket_text_is_escaped)
{
	char *dir = e2e_store();
	e2e_write(dir, "body.md",
		  "see [x](javascript:alert(1)) and [ok](https://example.com/)"
		  "\n\n<script>alert(2)</script>\n");
	char *id = (OK_LINE(dir, "create", "--title",
			    "<script>alert(1)</script>\" onmouseover=\"x",
			    "--body-file", "body.md"));
	OK(dir, "comment", id, "--message", "<img src=x onerror=alert(3)>");
	srv s = start(dir);
	char p[64];
	snprintf(p, sizeof(p), "/t/%s", id);
	const char *pages[] = {"/", p};
	for (int i = 0; i < 2; i++) {
		int st;
		char *r = get(&s, pages[i], &st);
		cr_assert_eq(st, 200, "%s", r);
		const char *b = body_of(r);
		cr_assert_null(strstr(b, "<script>alert"), "%s: %s", pages[i],
			       b);
		cr_assert_null(strstr(b, "<img src=x"), "%s", pages[i]);
		cr_assert_null(strstr(b, "href=\"javascript:"), "%s", pages[i]);
		cr_assert_null(strstr(b, "\" onmouseover=\""), "%s", pages[i]);
		cr_assert(strstr(b, "&lt;script&gt;alert(1)"), "%s: %s",
			  pages[i], b);
		if (i == 1)
			cr_assert(strstr(b, "href=\"https://example.com/\""),
				  "a safe link stays a link: %s", b);
		free(r);
	}
	stop(&s);
	free(id);
	e2e_rm(dir);
}

Test(serve, sse_clients_are_bounded)
{
	char *dir = e2e_store();
	srv s = start(dir);
	int fds[64];
	char rq[256];
	int n = snprintf(rq, sizeof(rq),
			 "GET /events HTTP/1.1\r\nHost: %s\r\nCookie: "
			 "yoi_t=%s\r\n\r\n",
			 s.host, s.token);
	for (int i = 0; i < 64; i++) {
		fds[i] = dial(&s);
		send_all(fds[i], rq, (size_t)n);
		char buf[2048] = "";
		size_t len = 0;
		read_until(fds[i], ": subscribed", buf, sizeof(buf), &len);
	}
	int st;
	char *r = get(&s, "/events", &st);
	cr_assert_eq(st, 503, "the 65th live page: %s", r);
	free(r);
	r = get(&s, "/", &st);
	cr_assert_eq(st, 200, "pages are still served: %s", r);
	free(r);
	for (int i = 0; i < 64; i++)
		close(fds[i]);
	stop(&s);
	e2e_rm(dir);
}

/* One thread of pages for parallel_pages_and_actions. */
typedef struct pager {
	const srv *s;
	const char *path;
	int ok;
} pager;

static void *pages(void *arg)
{
	pager *p = arg;
	for (int i = 0; i < 10; i++) {
		int st;
		char *r = get(p->s, p->path, &st);
		p->ok += st == 200;
		free(r);
	}
	return NULL;
}

Test(serve, parallel_pages_and_actions)
{
	/* Pages render in threads while actions fork their commands: every
	 * request is answered, every comment written once. */
	char a[32], b[32];
	char *dir = two(a, b);
	srv s = start(dir);
	char *tok = csrf_of(&s, "/");
	char tp[64];
	snprintf(tp, sizeof(tp), "/t/%s", b);
	pager pg[4] = {{&s, "/", 0}, {&s, tp, 0}, {&s, "/", 0}, {&s, tp, 0}};
	pthread_t th[4];
	for (int i = 0; i < 4; i++)
		cr_assert_eq(pthread_create(&th[i], NULL, pages, &pg[i]), 0);
	char path[64], body[256];
	snprintf(path, sizeof(path), "/t/%s/comment", a);
	for (int i = 0; i < 6; i++) {
		snprintf(body, sizeof(body), "text=parallel+%d&csrf=%s", i,
			 tok);
		int st;
		char *r = post(&s, path, body, &st);
		cr_assert_eq(st, 303, "%s", r);
		free(r);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		cr_assert_eq(pg[i].ok, 10, "thread %d: %d of 10 pages", i,
			     pg[i].ok);
	}
	char *thread = e2e_read(dir, e2e_tpath(a, "thread.md"));
	for (int i = 0; i < 6; i++) {
		char want[32];
		snprintf(want, sizeof(want), "parallel %d\n", i);
		cr_assert_eq(e2e_count(thread, want), 1, "%s in %s", want,
			     thread);
	}
	free(thread);
	free(tok);
	stop(&s);
	e2e_doctor_clean(dir);
	e2e_rm(dir);
}

Test(serve, long_url_and_headers_refused)
{
	char *dir = e2e_store();
	srv s = start(dir);
	size_t n = 100 * 1024;
	char *big = malloc(n + 1);
	cr_assert_not_null(big);
	memset(big, 'a', n);
	big[n] = '\0';
	int st;
	char *r =
	    req(&s, &st,
		"GET /?q=%s HTTP/1.1\r\nHost: %s\r\nCookie: yoi_t=%s\r\n\r\n",
		big, s.host, s.token);
	cr_assert_eq(st, 414, "%.200s", r);
	free(r);
	r = req(
	    &s, &st,
	    "GET /t/%.5000s HTTP/1.1\r\nHost: %s\r\nCookie: yoi_t=%s\r\n\r\n",
	    big, s.host, s.token);
	cr_assert_eq(st, 414, "a long path: %.200s", r);
	free(r);
	r = req(&s, &st,
		"GET / HTTP/1.1\r\nHost: %s\r\nCookie: yoi_t=%s\r\nX-Big: "
		"%s\r\n\r\n",
		s.host, s.token, big);
	cr_assert_eq(st, 431, "%.200s", r);
	free(r);
	free(big);
	/* And the server goes on serving. */
	r = get(&s, "/", &st);
	cr_assert_eq(st, 200, "%s", r);
	free(r);
	stop(&s);
	e2e_rm(dir);
}

Test(serve, open_without_xdg_open_is_silent)
{
	/* --open where there is no xdg-open: nothing said, the server runs. */
	char *dir = e2e_store();
	const char *path = getenv("PATH");
	char *saved = strdup(path ? path : "");
	setenv("PATH", "/nonexistent", 1);
	const char *extra[] = {"--open", NULL};
	srv s = start_args(dir, extra);
	setenv("PATH", saved, 1);
	free(saved);
	int st;
	char *r = get(&s, "/", &st);
	cr_assert_eq(st, 200, "%s", r);
	free(r);
	stop(&s);
	e2e_rm(dir);
}
