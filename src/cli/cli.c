/* cli.c - helpers shared by the commands. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "yoi/export.h"
#include "yoi/file.h"
#include "yoi/resource.h"
#include "yoi/termesc.h"

int yoi_cli_one_id(yoi_ctx *ctx, int argc, char **argv, char id[YOI_ID_LEN + 1])
{
	if (optind + 1 != argc)
		return yoi_cli_usage(ctx, YOI_CLI_ONE_ID);
	return yoi_cli_resolve(ctx, argv[optind], id);
}

int yoi_cli_fail(yoi_ctx *ctx, int rc)
{
	if (rc == 0)
		return 0;
	/* Messages quote ticket text (a bad state, a YAML value): the
	 * terminal sees it escaped, as on stdout. */
	char et[YOI_ERRTEXT_MAX];
	char *m = yoi_termesc_dup(yoi_error_text(&ctx->err, et, sizeof(et)), 0);
	fprintf(stderr, "%syoi-tickets %s:%s %s\n", yoi_cli_sgr(ctx, 2, "error"),
		ctx->cmd, yoi_cli_sgr_off(ctx, 2), m ? m : "?");
	free(m);
	return yoi_exit_status(rc);
}

bool yoi_cli_escape_bodies(yoi_ctx *ctx)
{
	if (!ctx->escape) {
		const char *e = getenv("YOI_TICKETS_ESCAPE");
		bool on = e && !strcmp(e, "always")  ? true
			  : e && !strcmp(e, "never") ? false
						     : isatty(STDOUT_FILENO);
		ctx->escape = on ? 2 : 1;
	}
	return ctx->escape == 2;
}

static int vline(yoi_buf *out, const char *fmt, va_list ap)
{
	yoi_buf raw = YOI_BUF_INIT;
	int rc = yoi_buf_vprintf(&raw, fmt, ap);
	if (rc == 0)
		rc = yoi_termesc(out, raw.ptr ? raw.ptr : "", raw.len,
				 YOI_TERMESC_LINE);
	if (rc == 0)
		rc = yoi_buf_putc(out, '\n');
	yoi_buf_free(&raw);
	return rc < 0 ? YOI_ENOMEM : 0;
}

int yoi_cli_println(const char *fmt, ...)
{
	yoi_buf b = YOI_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	int rc = vline(&b, fmt, ap);
	va_end(ap);
	if (rc == 0)
		fwrite(b.ptr, 1, b.len, stdout);
	yoi_buf_free(&b);
	return rc;
}

int yoi_cli_linef(yoi_buf *out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = vline(out, fmt, ap);
	va_end(ap);
	return rc;
}

void yoi_cli_eprintf(const char *fmt, ...)
{
	yoi_buf raw = YOI_BUF_INIT, b = YOI_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	int rc = yoi_buf_vprintf(&raw, fmt, ap);
	va_end(ap);
	if (rc == 0 && yoi_termesc(&b, raw.ptr ? raw.ptr : "", raw.len, 0) == 0)
		fputs(b.ptr, stderr);
	else
		fputs("yoi-tickets: out of memory\n", stderr);
	yoi_buf_free(&raw);
	yoi_buf_free(&b);
}

void yoi_cli_body(yoi_ctx *ctx, const char *s, size_t len)
{
	if (!yoi_cli_escape_bodies(ctx) || !yoi_termesc_needed(s, len, 0)) {
		fwrite(s, 1, len, stdout);
		return;
	}
	yoi_buf b = YOI_BUF_INIT;
	if (yoi_termesc(&b, s, len, 0) == 0)
		fwrite(b.ptr, 1, b.len, stdout);
	else /* out of memory: never the raw text */
		fputs("(not shown: out of memory)", stdout);
	yoi_buf_free(&b);
}

int yoi_cli_usage(yoi_ctx *ctx, const char *fmt, ...)
{
	/* Before the command is known, ctx->cmd is the program name. */
	if (strcmp(ctx->cmd, "yoi-tickets") == 0)
		fputs("yoi-tickets: ", stderr);
	else
		fprintf(stderr, "yoi-tickets %s: ", ctx->cmd);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (strcmp(ctx->cmd, "yoi-tickets") == 0)
		fprintf(stderr, "\n(see 'yoi-tickets help')\n");
	else
		fprintf(stderr, "\n(see 'yoi-tickets help %s')\n", ctx->cmd);
	return YOI_EXIT_USAGE;
}

int yoi_cli_help(const char *cmd, FILE *to)
{
	char path[128];
	snprintf(path, sizeof(path), "help/%s.md", cmd);
	const yoi_resource *r = yoi_resource_get(path);
	if (!r)
		return -1;
	fwrite(r->data, 1, r->len, to);
	return 0;
}

int yoi_cli_store(yoi_ctx *ctx, bool require, yoi_store **out)
{
	if (!ctx->store) {
		char cwd[PATH_MAX];
		if (!getcwd(cwd, sizeof(cwd)))
			return yoi_cli_fail(
			    ctx, yoi_error_set(&ctx->err, YOI_EIO, NULL, 0,
					       "cannot read the current "
					       "directory: %s",
					       strerror(errno)));
		int rc = yoi_store_open_ex(&ctx->store, cwd, ctx->root,
					   ctx->store_here ? YOI_STORE_HERE : 0,
					   &ctx->err);
		if (rc < 0)
			return yoi_cli_fail(ctx, rc);
	}
	if (require) {
		int rc = yoi_store_require(ctx->store, &ctx->err);
		if (rc < 0)
			return yoi_cli_fail(ctx, rc);
	}
	*out = ctx->store;
	return 0;
}

/* A helper's 0 as the parsers' "go on". */
static int go_on(int rc)
{
	return rc ? rc : YOI_CLI_GO;
}

int yoi_cli_open(yoi_ctx *ctx, int argc, char **argv, const yoi_option *opts,
		 bool require, yoi_store **st)
{
	int rc = yoi_cli_parse_none(ctx, argc, argv, opts);
	return rc == YOI_CLI_GO ? go_on(yoi_cli_store(ctx, require, st)) : rc;
}

int yoi_cli_store_id(yoi_ctx *ctx, const char *arg, yoi_store **st,
		     char id[YOI_ID_LEN + 1])
{
	*id = '\0';
	int rc = yoi_cli_store(ctx, true, st);
	if (rc == 0 && arg)
		rc = yoi_cli_resolve(ctx, arg, id);
	return rc;
}

/*
 * The clock: real time, or YOI_TICKETS_NOW (RFC 3339) so that tests and
 * the walkthrough can pin it.
 */
static int64_t now_ms(void)
{
	const char *pin = getenv("YOI_TICKETS_NOW");
	int64_t s;
	if (pin && yoi_time_parse(pin, &s) == 0)
		return s * 1000;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A repair the library made on its own (a torn thread tail moved aside). */
static void cli_report(void *arg, const char *code, const char *path,
		       const char *msg)
{
	const yoi_ctx *ctx = arg;
	(void)path;
	fprintf(stderr, "yoi-tickets %s: warning [%s]: %s\n", ctx->cmd, code,
		msg);
}

/*
 * Reproducible randomness for documentation and tests only:
 * YOI_TICKETS_SEED=N makes every random byte (IDs' random bits, event ids)
 * a function of N, the pinned clock and the arguments, so that a
 * script replays to the byte (scripts/tour.sh); distinct commands still
 * draw distinct bytes. Never for real stores.
 */
static uint64_t seeded_state;
static bool seeded;

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

void yoi_cli_seed(int argc, char **argv)
{
	const char *s = getenv("YOI_TICKETS_SEED");
	if (!s || !*s)
		return;
	uint64_t h = 1469598103934665603ull; /* FNV-1a over the inputs */
	const char *pin = getenv("YOI_TICKETS_NOW");
	const char *parts[2] = {s, pin ? pin : ""};
	for (int k = 0; k < 2; k++)
		for (const char *p = parts[k]; *p; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ull;
	/* Not argv[0]: the same script replays from any build path. */
	for (int i = 1; i < argc; i++)
		for (const char *p = argv[i]; ; p++) {
			h = (h ^ (unsigned char)*p) * 1099511628211ull;
			if (!*p)
				break;
		}
	seeded_state = h;
	seeded = true;
}

/* The kernel's randomness, for IDs and event identities. */
static int cli_random(void *unused, void *buf, size_t n)
{
	(void)unused;
	if (seeded) {
		unsigned char *b = buf;
		for (size_t i = 0; i < n; i++)
			b[i] = (unsigned char)splitmix(&seeded_state);
		return 0;
	}
	ssize_t got = getrandom(buf, n, 0);
	return got == (ssize_t)n ? 0 : -1;
}

int yoi_cli_opctx(yoi_ctx *ctx, yoi_opctx *op)
{
	memset(op, 0, sizeof(*op));
	yoi_store *st;
	int rc = yoi_cli_store(ctx, true, &st);
	if (rc)
		return rc;
	if (!ctx->texts_loaded) {
		if (yoi_texts_load(&ctx->texts,
				   yoi_store_config(st)->language) < 0)
			return yoi_cli_fail(
			    ctx, yoi_error_set(&ctx->err, YOI_ENOMEM, NULL, 0,
					       "cannot load texts"));
		ctx->texts_loaded = true;
	}
	/* Author: --author, YOI_TICKETS_AUTHOR, git user.name, login. */
	const char *a = ctx->author;
	if (!a || !*a)
		a = getenv("YOI_TICKETS_AUTHOR");
	if ((!a || !*a) && !ctx->git_user)
		ctx->git_user = yoi_store_git_user(st);
	if (!a || !*a)
		a = ctx->git_user;
	if (!a || !*a) {
		struct passwd *pw = getpwuid(getuid());
		a = pw ? pw->pw_name : getenv("USER");
	}
	if (!a || !*a)
		a = "unknown";
	if (strpbrk(a, "\r\n") || strlen(a) > YOI_THREAD_VALUE_MAX ||
	    !yoi_utf8_valid(a, strlen(a)))
		return yoi_cli_usage(ctx, "the author name must be one line of "
					  "at most 1024 bytes of UTF-8");
	op->author = a;
	op->now_ms = now_ms();
	op->report = cli_report;
	op->report_ctx = ctx;
	op->clock_ms = now_ms; /* stamps are read again under the lock */
	op->random = cli_random;
	op->wait_sec = ctx->wait_sec;
	op->texts = &ctx->texts;
	return 0;
}

int yoi_cli_resolve(yoi_ctx *ctx, const char *arg, char id[YOI_ID_LEN + 1])
{
	yoi_store *st;
	int rc = yoi_cli_store(ctx, true, &st);
	if (rc)
		return rc;
	rc = yoi_store_resolve(st, arg, id, &ctx->err);
	return rc < 0 ? yoi_cli_fail(ctx, rc) : 0;
}

int yoi_cli_resolve_op(yoi_ctx *ctx, const char *arg, char id[YOI_ID_LEN + 1],
		       yoi_opctx *op)
{
	int rc = yoi_cli_resolve(ctx, arg, id);
	return rc ? rc : yoi_cli_opctx(ctx, op);
}

int yoi_cli_parse_op(yoi_ctx *ctx, int argc, char **argv,
		     const yoi_option *opts, char id[YOI_ID_LEN + 1],
		     yoi_opctx *op)
{
	int rc = yoi_cli_parse_id(ctx, argc, argv, opts, id);
	return rc == YOI_CLI_GO ? go_on(yoi_cli_opctx(ctx, op)) : rc;
}

static int read_fd(yoi_ctx *ctx, int fd, const char *name, yoi_buf *out)
{
	for (;;) {
		if (yoi_buf_grow(out, 65536) < 0)
			return yoi_cli_fail(
			    ctx, yoi_error_set(&ctx->err, YOI_ENOMEM, NULL, 0,
					       "out of memory"));
		ssize_t n = read(fd, out->ptr + out->len, 65536);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return yoi_cli_fail(
			    ctx, yoi_error_set(&ctx->err, YOI_EIO, name, 0,
					       "%s: read failed: %s", name,
					       strerror(errno)));
		if (n == 0)
			break;
		out->len += (size_t)n;
		out->ptr[out->len] = '\0';
		if (out->len > YOI_TEXT_MAX)
			return yoi_cli_fail(
			    ctx, yoi_error_set(&ctx->err, YOI_EUSAGE, name, 0,
					       "%s: input over %u bytes; "
					       "shorten it",
					       name, YOI_TEXT_MAX));
	}
	return 0;
}

/*
 * No text given on a terminal: the editor, as git commit does ($VISUAL,
 * $EDITOR, else vi, run by /bin/sh on a temporary file holding the
 * template of resources/prompts/editor/text.txt). '#' lines are left out;
 * an empty result aborts (exit 2), nothing written.
 */
int yoi_cli_edit(yoi_ctx *ctx, const char *what, const char *initial,
		 char **out)
{
	const char *ed = getenv("VISUAL");
	if (!ed || !*ed)
		ed = getenv("EDITOR");
	if (!ed || !*ed)
		ed = "vi";
	const char *tmpdir = getenv("TMPDIR");
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/yoi-text-XXXXXX",
		 tmpdir && *tmpdir ? tmpdir : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0)
		return yoi_cli_fail(ctx, yoi_error_set(&ctx->err, YOI_EIO, NULL,
						       0,
						       "cannot make a file for "
						       "the editor: %s",
						       strerror(errno)));
	const yoi_resource *tpl = yoi_resource_get("editor/text.txt");
	const char *t = tpl ? tpl->data : "", *at = strstr(t, "{what}");
	yoi_buf b = YOI_BUF_INIT;
	if (initial)
		yoi_buf_puts(&b, initial);
	if (at) {
		yoi_buf_put(&b, t, (size_t)(at - t));
		yoi_buf_puts(&b, what);
		yoi_buf_puts(&b, at + 6);
	} else {
		yoi_buf_puts(&b, t);
	}
	bool ok = b.ptr && write(fd, b.ptr, b.len) == (ssize_t)b.len;
	close(fd);
	yoi_buf_free(&b);
	int rc = 0;
	pid_t pid = ok ? fork() : -1;
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", "$0 \"$1\"", ed, path,
		      (char *)NULL);
		_exit(127);
	}
	int st = 0;
	while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (pid < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		unlink(path);
		return yoi_cli_fail(ctx, yoi_error_set(&ctx->err, YOI_EIO, NULL,
						       0,
						       "the editor (%s) failed; "
						       "nothing written",
						       ed));
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	yoi_buf raw = YOI_BUF_INIT;
	rc = fd >= 0 ? read_fd(ctx, fd, path, &raw) : YOI_EXIT_IO;
	if (fd >= 0)
		close(fd);
	unlink(path);
	if (rc) {
		yoi_buf_free(&raw);
		return rc;
	}
	/* Leave out the scissors line and what follows (git's "scissors":
	 * '#' alone cannot mark comments in Markdown, where it starts a
	 * heading); trim the blank lines around the text. */
	yoi_buf txt = YOI_BUF_INIT;
	const char *p = raw.ptr ? raw.ptr : "", *end = p + raw.len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
		if (n >= 6 && strncmp(p, "# ----", 6) == 0 &&
		    memmem(p, n, ">8", 2))
			break;
		yoi_buf_put(&txt, p, n);
		p += n;
	}
	yoi_buf_free(&raw);
	size_t s0 = 0, s1 = txt.len;
	while (s0 < s1 && (txt.ptr[s0] == '\n' || txt.ptr[s0] == ' ' ||
			   txt.ptr[s0] == '\r' || txt.ptr[s0] == '\t'))
		s0++;
	while (s1 > s0 && (txt.ptr[s1 - 1] == '\n' || txt.ptr[s1 - 1] == ' ' ||
			   txt.ptr[s1 - 1] == '\r' || txt.ptr[s1 - 1] == '\t'))
		s1--;
	if (s1 == s0) {
		yoi_buf_free(&txt);
		return yoi_cli_usage(ctx, "empty text: aborted, nothing "
					  "written");
	}
	*out = yoi_strndup(txt.ptr + s0, s1 - s0);
	yoi_buf_free(&txt);
	return *out ? 0 : YOI_EXIT_IO;
}

int yoi_cli_text(yoi_ctx *ctx, const char *message, const char *file,
		 const char *what, char **out)
{
	*out = NULL;
	if (!message && !file && isatty(STDIN_FILENO))
		return yoi_cli_edit(ctx, what, NULL, out);
	if (!!message == !!file)
		return yoi_cli_usage(ctx, "give exactly one of %s", what);
	yoi_buf b = YOI_BUF_INIT;
	int rc = 0;
	const char *name = file ? file : "--message";
	if (message) {
		rc = yoi_buf_puts(&b, message) < 0 ? YOI_EXIT_IO : 0;
	} else if (strcmp(file, "-") == 0) {
		name = "stdin";
		rc = read_fd(ctx, 0, name, &b);
	} else {
		/*
		 * The user's own input, not a ticket file: a symlink, a pipe
		 * or /dev/stdin is fine; only the size is bounded, as stdin's.
		 */
		int fd = open(file, O_RDONLY | O_CLOEXEC);
		struct stat sb;
		if (fd < 0) {
			int e = errno;
			rc = yoi_cli_fail(
			    ctx,
			    yoi_error_set(&ctx->err,
					  e == ENOENT ? YOI_ENOTFOUND : YOI_EIO,
					  file, 0, "%s: cannot open: %s", file,
					  strerror(e)));
		} else if (fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			rc = yoi_cli_usage(
			    ctx, "%s is a directory; give a file", file);
		} else {
			rc = read_fd(ctx, fd, file, &b);
		}
		if (fd >= 0)
			close(fd);
	}
	if (rc == 0 && !b.ptr)
		rc = yoi_buf_grow(&b, 0) < 0 ? YOI_EXIT_IO : 0;
	if (rc == 0 && memchr(b.ptr, '\0', b.len))
		rc = yoi_cli_usage(ctx, "%s holds binary data (NUL bytes)",
				   name);
	if (rc == 0 && !yoi_utf8_valid(b.ptr, b.len))
		rc = yoi_cli_usage(ctx, "%s is not valid UTF-8", name);
	if (rc) {
		yoi_buf_free(&b);
		return rc;
	}
	*out = yoi_buf_detach(&b);
	return 0;
}

int yoi_cli_uint(yoi_ctx *ctx, const char *flag, const char *s, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (!*s || *end || errno || v < 0)
		return yoi_cli_usage(ctx,
				     "%s needs a non-negative integer, "
				     "got '%s'",
				     flag, s);
	*out = v;
	return 0;
}

int yoi_cli_json(yoi_ctx *ctx, json_t *j)
{
	if (!j)
		return yoi_cli_fail(ctx,
				    yoi_error_set(&ctx->err, YOI_ENOMEM, NULL,
						  0, "out of memory"));
	int rc = json_dumpf(j, stdout, JSON_INDENT(2));
	json_decref(j);
	fputc('\n', stdout);
	return rc == 0 ? YOI_EXIT_OK : YOI_EXIT_IO;
}

int yoi_cli_note(int argc, char **argv, yoi_ctx *ctx, const char *kind)
{
	const char *message = NULL, *file = NULL;
	bool large = false;
	char id[YOI_ID_LEN + 1], *text;
	int rc;
	const yoi_option opts[] = {
	    YOI_OPT_STRING("message", 'm', &message, "the text"),
	    YOI_OPT_STRING("file", 'f', &file,
			   "the text from a file (-: stdin)"),
	    YOI_OPT_FLAG("allow-large", 0, &large, "past the size limit"),
	    YOI_OPT_JSON(&ctx->json),
	    YOI_OPT_END(),
	};
	if ((rc = yoi_cli_parse_id(ctx, argc, argv, opts, id)) != YOI_CLI_GO)
		return rc;
	if ((rc = yoi_cli_text(ctx, message, file, "--message or --file",
			       &text)))
		return rc;
	yoi_opctx op;
	rc = yoi_cli_opctx(ctx, &op);
	if (rc == 0) {
		op.allow_large = large;
		int e = yoi_ticket_append(ctx->store, &op, id, kind, NULL, 0,
					  text, &ctx->err);
		rc = yoi_cli_fail(ctx, e);
		if (e == 0 && ctx->json)
			rc = yoi_cli_json(ctx, json_pack("{s:s, s:s}", "id", id,
							 "event", kind));
		else if (e == 0 && !ctx->quiet)
			printf("%s\n", id);
	}
	free(text);
	return rc;
}

void yoi_ctx_free(yoi_ctx *ctx)
{
	yoi_store_free(ctx->store);
	ctx->store = NULL;
	if (ctx->texts_loaded)
		yoi_texts_free(&ctx->texts);
	free(ctx->git_user);
	ctx->git_user = NULL;
}

json_t *yoi_cli_fields_json(const yoi_item *it)
{
	yoi_buf b = YOI_BUF_INIT;
	json_t *o = yoi_export_fields_json(&b, it) == 0
			? json_loadb(b.ptr, b.len, JSON_ALLOW_NUL, NULL)
			: NULL;

	yoi_buf_free(&b);
	return o;
}

json_t *yoi_cli_event_json(const yoi_event *e)
{
	json_t *attrs = json_object();
	for (size_t i = 0; attrs && i < e->nattrs; i++)
		json_object_set_new(attrs, e->attrs[i].key,
				    json_string(e->attrs[i].value));
	return json_pack("{s:s?, s:s?, s:s?, s:o, s:s?, s:s, s:i}", "kind",
			 e->kind, "author", e->author, "at", e->at, "attrs",
			 attrs, "heading", e->heading, "body", e->body, "line",
			 e->line);
}

/* Optimal string alignment distance (a swap of neighbours is one edit),
 * stopping at 3: only small distances matter here. */
static size_t osa(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	if (n > 64 || m > 64 || (n > m ? n - m : m - n) > 2)
		return 3;
	size_t d[65][65];
	for (size_t i = 0; i <= n; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= n; i++)
		for (size_t j = 1; j <= m; j++) {
			size_t c = a[i - 1] != b[j - 1];
			size_t v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + c < v)
				v = d[i - 1][j - 1] + c;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[n][m];
}

const char *yoi_cli_guess(const char *word, const char *const *cands, size_t n)
{
	size_t limit = strlen(word) >= 5 ? 2 : 1, best = limit + 1;
	const char *pick = NULL;
	bool tie = false;
	for (size_t i = 0; i < n; i++) {
		size_t d = osa(word, cands[i]);
		if (d < best) {
			best = d;
			pick = cands[i];
			tie = false;
		} else if (d == best && pick) {
			tie = true;
		}
	}
	return pick && !tie && best > 0 ? pick : NULL;
}

int yoi_cli_abbrev_cb(yoi_ctx *ctx, const yoi_option *opt, const char *arg)
{
	yoi_cli_abbrev *a = opt->value;
	long v = 4;
	if (arg && (yoi_cli_uint(ctx, "--abbrev", arg, &v) != 0))
		return YOI_EXIT_USAGE;
	if (v < 4 || v > YOI_ID_LEN)
		return yoi_cli_usage(ctx, "--abbrev needs 4 to %d, got '%s'",
				     YOI_ID_LEN, arg);
	a->min = v;
	return 0;
}

int yoi_cli_abbrev_load(yoi_ctx *ctx, yoi_store *st, yoi_cli_abbrev *a)
{
	if (!a->min)
		return 0;
	int e = yoi_store_ids(st, &a->ids, &ctx->err);
	if (e == 0) {
		a->lens = calloc(a->ids.n ? a->ids.n : 1, sizeof(*a->lens));
		e = a->lens ? yoi_id_abbrev_lens((const char *const *)a->ids.v,
						 a->ids.n, (size_t)a->min,
						 a->lens)
			    : YOI_ENOMEM;
		if (e == YOI_ENOMEM)
			yoi_error_set(&ctx->err, e, NULL, 0, "out of memory");
	}
	for (size_t i = 0; e == 0 && i < a->ids.n; i++)
		if (a->lens[i] > a->width)
			a->width = a->lens[i];
	return e < 0 ? yoi_cli_fail(ctx, e) : 0;
}

const char *yoi_cli_abbrev_of(const yoi_cli_abbrev *a, const char *id)
{
	if (!a->min || !a->lens)
		return id;
	long k = yoi_strv_find_sorted(&a->ids, id);
	if (k < 0)
		return id;
	return id + strlen(id) - a->lens[k];
}

void yoi_cli_abbrev_free(yoi_cli_abbrev *a)
{
	yoi_strv_free(&a->ids);
	free(a->lens);
	memset(a, 0, sizeof(*a));
}

int yoi_cli_color_cb(yoi_ctx *ctx, const yoi_option *opt, const char *arg)
{
	(void)opt;
	const char *w = arg ? arg : "always";
	if (strcmp(w, "auto") != 0 && strcmp(w, "always") != 0 &&
	    strcmp(w, "never") != 0)
		return yoi_cli_usage(ctx,
				     "--color takes auto, always or never, "
				     "got '%s'",
				     w);
	ctx->color = w;
	ctx->colored[1] = ctx->colored[2] = 0;
	return 0;
}

static bool colored(yoi_ctx *ctx, int fd)
{
	if (fd != 1 && fd != 2)
		return false;
	if (!ctx->colored[fd]) {
		const char *w = ctx->color ? ctx->color : "auto";
		const char *no = getenv("NO_COLOR"), *term = getenv("TERM");
		bool on = strcmp(w, "always") == 0 ||
			  (strcmp(w, "auto") == 0 && isatty(fd) &&
			   !(no && *no) && !(term && strcmp(term, "dumb") == 0));
		ctx->colored[fd] = on ? 2 : 1;
	}
	return ctx->colored[fd] == 2;
}

/* Roles and their SGR codes (git's palette where git has one). */
static const struct {
	const char *role, *sgr;
} palette[] = {
    {"id", "\033[33m"},	     {"error", "\033[1;31m"},
    {"warning", "\033[1;33m"}, {"planning", "\033[34m"},
    {"ready", "\033[36m"},    {"queued", "\033[35m"},
    {"inprogress", "\033[1;32m"}, {"done", "\033[32m"},
    {"closed", "\033[2m"},
};

const char *yoi_cli_sgr(yoi_ctx *ctx, int fd, const char *role)
{
	if (!role || !colored(ctx, fd))
		return "";
	for (size_t i = 0; i < sizeof(palette) / sizeof(*palette); i++)
		if (strcmp(palette[i].role, role) == 0)
			return palette[i].sgr;
	return "";
}

const char *yoi_cli_sgr_off(yoi_ctx *ctx, int fd)
{
	return colored(ctx, fd) ? "\033[m" : "";
}

void yoi_cli_pager_start(yoi_ctx *ctx)
{
	if (ctx->no_pager || ctx->pager_pid || !isatty(STDOUT_FILENO))
		return;
	const char *p = getenv("YOI_PAGER");
	if (!p)
		p = getenv("PAGER");
	if (!p || !*p)
		p = "less";
	if (strcmp(p, "cat") == 0)
		return;
	/* Decided for the terminal, before stdout becomes the pipe. */
	(void)colored(ctx, STDOUT_FILENO);
	(void)yoi_cli_escape_bodies(ctx);
	int fds[2];
	if (pipe(fds) < 0)
		return;
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return;
	}
	if (pid == 0) {
		dup2(fds[0], STDIN_FILENO);
		close(fds[0]);
		close(fds[1]);
		setenv("LESS", "FRX", 0);
		execl("/bin/sh", "sh", "-c", p, (char *)NULL);
		_exit(127);
	}
	dup2(fds[1], STDOUT_FILENO);
	close(fds[0]);
	close(fds[1]);
	ctx->pager_pid = (int)pid;
}

void yoi_cli_pager_finish(yoi_ctx *ctx)
{
	if (!ctx->pager_pid)
		return;
	fflush(stdout);
	close(STDOUT_FILENO);
	int st;
	while (waitpid((pid_t)ctx->pager_pid, &st, 0) < 0 && errno == EINTR)
		;
	ctx->pager_pid = 0;
}
