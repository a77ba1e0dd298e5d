/*
 * End-to-end: bad input and limits (SPEC 14) and bad flags and values
 * (SPEC 12). Every case must end in a clear message on stderr that names
 * the file (and line where known), the exit status of SPEC 12, never a
 * signal, never a partly written file, and never lost data: after a
 * refused or failed write the old bytes are still there and no temporary
 * file is left behind.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

/* ---- helpers ------------------------------------------------------------ */

static double now_sec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *join(const char *dir, const char *rel)
{
	char *p = malloc(strlen(dir) + strlen(rel) + 2);
	cr_assert_not_null(p);
	sprintf(p, "%s/%s", dir, rel);
	return p;
}

/* The whole file, binary-safe; *len gets its size. */
static char *slurp(const char *dir, const char *rel, size_t *len)
{
	char *p = join(dir, rel);
	int fd = open(p, O_RDONLY);
	cr_assert(fd >= 0, "open %s: %s", p, strerror(errno));
	size_t cap = 8192, n = 0;
	char *buf = malloc(cap + 1);
	cr_assert_not_null(buf);
	for (;;) {
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
			cr_assert_not_null(buf);
		}
		ssize_t k = read(fd, buf + n, cap - n);
		cr_assert(k >= 0);
		if (k == 0)
			break;
		n += (size_t)k;
	}
	buf[n] = '\0';
	close(fd);
	free(p);
	*len = n;
	return buf;
}

static void put_bytes(const char *dir, const char *rel, const char *data,
		      size_t len)
{
	char *p = join(dir, rel);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert(fd >= 0, "open %s: %s", p, strerror(errno));
	cr_assert_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
	free(p);
}

static long long file_size(const char *dir, const char *rel)
{
	char *p = join(dir, rel);
	struct stat sb;
	int rc = stat(p, &sb);
	free(p);
	return rc == 0 ? (long long)sb.st_size : -1;
}

/* Run, require the status (never a signal) and, if given, stderr text. */
static e2e_result expect_run(const char *dir, const char *in, int status,
			     const char *needle, const char *const *argv)
{
	e2e_result r = e2e_run(dir, in, argv);
	cr_assert_lt(r.status, 128, "%s %s: killed by signal %d; stderr: %s",
		     argv[0], argv[1] ? argv[1] : "", r.status - 128, r.err);
	cr_assert_eq(r.status, status, "%s %s: exit %d, want %d; stderr: %s",
		     argv[0], argv[1] ? argv[1] : "", r.status, status, r.err);
	/* doctor reports its findings on stdout; everything else errs. */
	if (status != 0 && strcmp(argv[0], "doctor") != 0)
		cr_assert(r.err[0], "%s: failed without a message", argv[0]);
	if (needle)
		cr_assert(strstr(r.err, needle), "%s %s: stderr lacks '%s': %s",
			  argv[0], argv[1] ? argv[1] : "", needle, r.err);
	return r;
}

static void expect_free(e2e_result r)
{
	e2e_free(&r);
}

/* EXPECT checks and frees; EXPECT_KEEP returns the result to look at. */
#define EXPECT(dir, status, needle, ...)                                       \
	expect_free(expect_run((dir), NULL, (status), (needle),                \
			       (const char *const[]){__VA_ARGS__, NULL}))
#define EXPECT_KEEP(dir, status, needle, ...)                                  \
	expect_run((dir), NULL, (status), (needle),                            \
		   (const char *const[]){__VA_ARGS__, NULL})

/* A ticket's two files as they are now, to prove nothing changed. */
typedef struct snap {
	char *item, *thread;
	size_t ilen, tlen;
} snap;

static snap snap_take(const char *dir, const char *id)
{
	snap s;
	s.item = slurp(dir, e2e_tpath(id, "item.md"), &s.ilen);
	s.thread = slurp(dir, e2e_tpath(id, "thread.md"), &s.tlen);
	return s;
}

static void no_temp_files(const char *dir, const char *id)
{
	char *p = join(dir, e2e_tpath(id, ""));
	DIR *d = opendir(p);
	cr_assert_not_null(d, "%s", p);
	struct dirent *de;
	while ((de = readdir(d)))
		cr_assert_null(strstr(de->d_name, ".tmp"),
			       "temporary file left behind: %s%s", p,
			       de->d_name);
	closedir(d);
	free(p);
}

/* Assert both files hold exactly the snapshot's bytes; frees it. */
static void snap_same(const char *dir, const char *id, snap *s)
{
	size_t il, tl;
	char *item = slurp(dir, e2e_tpath(id, "item.md"), &il);
	char *thread = slurp(dir, e2e_tpath(id, "thread.md"), &tl);
	cr_assert(il == s->ilen && memcmp(item, s->item, il) == 0,
		  "item.md changed:\n--- before\n%s\n--- after\n%s", s->item,
		  item);
	cr_assert(tl == s->tlen && memcmp(thread, s->thread, tl) == 0,
		  "thread.md changed:\n--- before\n%s\n--- after\n%s",
		  s->thread, thread);
	no_temp_files(dir, id);
	free(item);
	free(thread);
	free(s->item);
	free(s->thread);
}

static json_t *show_json(const char *dir, const char *id)
{
	e2e_result r = RUN(dir, "show", id, "--json");
	cr_assert_eq(r.status, 0, "show --json: %s", r.err);
	json_error_t je;
	json_t *j = json_loads(r.out, 0, &je);
	cr_assert_not_null(j, "show --json: %s\n%s", je.text, r.out);
	e2e_free(&r);
	return j;
}

static long long event_count(const char *dir, const char *id)
{
	json_t *j = show_json(dir, id);
	long long n = json_integer_value(json_object_get(j, "event_count"));
	cr_assert_eq((long long)json_array_size(json_object_get(j, "events")),
		     n, "event_count disagrees with the events listed");
	json_decref(j);
	return n;
}

/*
 * Run the binary through /bin/sh, with a prefix that ends in the program
 * to exec it with ("ulimit -f 2; exec", "setpriv ... env"). Returns the
 * exit status (128 when killed by a signal); *err gets stderr.
 */
static int sh_bin_at(const char *dir, const char *bin, const char *prefix,
		     const char *args, char **err)
{
	char errpath[] = "/tmp/yoi-e2e-err.XXXXXX";
	int fd = mkstemp(errpath);
	cr_assert(fd >= 0);
	close(fd);
	int st = e2e_sh(dir, "%s '%s' %s >/dev/null 2>'%s'", prefix, bin, args,
			errpath);
	size_t n;
	*err = slurp("/", errpath + 1, &n);
	unlink(errpath);
	return st;
}

static int sh_bin(const char *dir, const char *prefix, const char *args,
		  char **err)
{
	return sh_bin_at(dir, getenv("YOI_BIN"), prefix, args, err);
}

/* A valid item.md header the tests can append to or break. */
#define ITEM_HEAD                                                              \
	"---\ntitle: 'Victim'\nstate: 'planning'\n"                            \
	"created_at: '2026-01-01T00:00:00Z'\n"                                 \
	"updated_at: '2026-01-01T00:00:00Z'\n"

/* The ID-taking commands with arguments that are otherwise valid. */
static const char *const *id_cmd(int i, const char *id, const char **argv)
{
	static const char *const rest[][6] = {
	    {"show", NULL},
	    {"show", "--json", NULL},
	    {"edit", "--title", "x", NULL},
	    {"comment", "--message", "x", NULL},
	    {"plan", "--message", "x", NULL},
	    {"decision", "--message", "x", NULL},
	    {"report", "--message", "x", NULL},
	    {"review", "--approve", "--message", "x", NULL},
	    {"state", "ready", "--summary", "s", NULL},
	    {"close", "--resolution", "x", NULL},
	    {"reopen", "--reason", "x", NULL},
	};
	if (i >= (int)(sizeof(rest) / sizeof(*rest)))
		return NULL;
	int n = 0;
	argv[n++] = rest[i][0];
	argv[n++] = id;
	for (int k = 1; rest[i][k]; k++)
		argv[n++] = rest[i][k];
	argv[n] = NULL;
	return argv;
}

/* ---- invalid UTF-8, NUL bytes, empty files ------------------------------ */

Test(badinput, invalid_utf8_in_item_md)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Victim");
	const char bad[] = ITEM_HEAD "assignee: 'caf\xc3'\n---\nbody\n";
	put_bytes(dir, e2e_tpath(id, "item.md"), bad, sizeof(bad) - 1);
	snap s = snap_take(dir, id);
	EXPECT(dir, 7, "item.md:6", "show", id);
	EXPECT(dir, 7, "UTF-8", "show", id, "--json");
	EXPECT(dir, 7, "item.md:6", "comment", id, "--message", "x");
	EXPECT(dir, 7, "item.md:6", "edit", id, "--title", "y");
	EXPECT(dir, 7, "item.md:6", "state", id, "ready", "--summary", "s");
	snap_same(dir, id, &s);
	e2e_result r = EXPECT_KEEP(dir, 1, NULL, "doctor");
	cr_assert(strstr(r.out, "item.md:6:"), "%s", r.out);
	cr_assert(strstr(r.out, "UTF-8"), "%s", r.out);
	e2e_free(&r);
	free(id);
	e2e_rm(dir);
}

Test(badinput, invalid_utf8_and_nul_in_thread_md)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Victim");
	/* The create event is 7 lines; the bad byte is on line 12. */
	static const char tail[] =
	    "<!-- event: comment author: x at: 2026-01-01T00:00:00Z -->\n\n"
	    "## Comment\n\nbad \xff byte\n\n---\n";
	for (int pass = 0; pass < 2; pass++) {
		char *t0 = e2e_read(dir, e2e_tpath(id, "thread.md"));
		size_t n0 = strlen(t0);
		char buf[512];
		memcpy(buf, t0, n0);
		memcpy(buf + n0, tail, sizeof(tail) - 1);
		if (pass == 1) /* a NUL byte instead */
			*(char *)memchr(buf + n0, '\xff', sizeof(tail)) = '\0';
		put_bytes(dir, e2e_tpath(id, "thread.md"), buf,
			  n0 + sizeof(tail) - 1);
		snap s = snap_take(dir, id);
		EXPECT(dir, 7, "thread.md:12", "show", id);
		EXPECT(dir, 7, "thread.md:12", "show", id, "--json");
		EXPECT(dir, 7, "thread.md:12", "comment", id, "--message", "x");
		snap_same(dir, id, &s);
		e2e_result r =
		    EXPECT_KEEP(dir, 1, NULL, "doctor", "--format", "json");
		json_t *j = json_loads(r.out, 0, NULL);
		cr_assert_not_null(j, "doctor json: %s", r.out);
		json_t *diags = json_object_get(j, "diagnostics");
		size_t errors = 0;
		bool found = false;
		for (size_t i = 0; i < json_array_size(diags); i++) {
			json_t *d = json_array_get(diags, i);
			const char *sev =
			    json_string_value(json_object_get(d, "severity"));
			errors += strcmp(sev, "error") == 0;
			if (strcmp(
				json_string_value(json_object_get(d, "code")),
				"thread-encoding") == 0) {
				found = true;
				cr_assert_eq(json_integer_value(
						 json_object_get(d, "line")),
					     12);
			}
		}
		cr_assert(found, "no thread-encoding finding: %s", r.out);
		/* Every counted error is listed (none lost to bad UTF-8). */
		cr_assert_eq(json_integer_value(json_object_get(j, "errors")),
			     (json_int_t)errors, "%s", r.out);
		json_decref(j);
		e2e_free(&r);
		put_bytes(dir, e2e_tpath(id, "thread.md"), t0, n0);
		free(t0);
	}
	free(id);
	e2e_rm(dir);
}

Test(badinput, binary_data_in_item_md)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Victim");
	const char bad[] = ITEM_HEAD "---\nbody\nmore \0 binary\n";
	put_bytes(dir, e2e_tpath(id, "item.md"), bad, sizeof(bad) - 1);
	snap s = snap_take(dir, id);
	EXPECT(dir, 7, "item.md:8", "show", id);
	EXPECT(dir, 7, "NUL", "comment", id, "--message", "x");
	snap_same(dir, id, &s);
	e2e_result r = EXPECT_KEEP(dir, 1, NULL, "doctor");
	cr_assert(strstr(r.out, "item.md:8:"), "%s", r.out);
	e2e_free(&r);
	/* All 256 byte values, no frontmatter at all. */
	char all[256];
	for (int i = 0; i < 256; i++)
		all[i] = (char)i;
	put_bytes(dir, e2e_tpath(id, "item.md"), all, sizeof(all));
	EXPECT(dir, 7, "item.md", "show", id);
	EXPECT(dir, 1, NULL, "doctor");
	free(id);
	e2e_rm(dir);
}

Test(badinput, binary_and_bad_text_inputs_to_file_flags)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Victim");
	snap s = snap_take(dir, id);
	put_bytes(dir, "nul.bin", "abc\0def\n", 8);
	put_bytes(dir, "bad.txt", "caf\xc3\n", 5);
	EXPECT(dir, 2, "NUL", "comment", id, "--file", "nul.bin");
	EXPECT(dir, 2, "UTF-8", "comment", id, "--file", "bad.txt");
	EXPECT(dir, 2, "NUL", "review", id, "--approve", "--file", "nul.bin");
	EXPECT(dir, 2, "NUL", "close", id, "--file", "nul.bin");
	EXPECT(dir, 2, "NUL", "edit", id, "--body-file", "nul.bin");
	EXPECT(dir, 2, "UTF-8", "edit", id, "--body-file", "bad.txt");
	e2e_result r = RUN_IN(dir, "caf\xc3\n", "comment", id, "--file", "-");
	cr_assert_eq(r.status, 2, "%s", r.err);
	cr_assert(strstr(r.err, "stdin"), "%s", r.err);
	e2e_free(&r);
	EXPECT(dir, 2, "nul.bin", "create", "--title", "t", "--body-file",
	       "nul.bin");
	EXPECT(dir, 3, "missing.txt", "comment", id, "--file", "missing.txt");
	EXPECT(dir, 2, "directory", "comment", id, "--file", ".yoi");
	/* Over the 16 MiB input limit: a bad value, refused quickly. */
	cr_assert_eq(e2e_sh(dir, "truncate -s 100M huge.txt"), 0);
	double t0 = now_sec();
	EXPECT(dir, 2, "huge.txt", "comment", id, "--file", "huge.txt");
	cr_assert_lt(now_sec() - t0, 10.0);
	snap_same(dir, id, &s);
	/* The user's own input may be a symlink (ticket files may not). */
	put_bytes(dir, "real.txt", "from a link\n", 12);
	cr_assert_eq(e2e_sh(dir, "ln -s real.txt link.txt"), 0);
	EXPECT(dir, 0, NULL, "comment", id, "--file", "link.txt");
	json_t *j = show_json(dir, id);
	json_t *ev = json_object_get(j, "events");
	cr_assert_str_eq(
	    json_string_value(json_object_get(
		json_array_get(ev, json_array_size(ev) - 1), "body")),
	    "from a link");
	json_decref(j);
	free(id);
	e2e_rm(dir);
}

Test(badinput, empty_item_md_and_empty_thread_md)
{
	char *dir = e2e_store();
	char *a = OK_LINE(dir, "create", "--title", "Empty item");
	char *b = OK_LINE(dir, "create", "--title", "Empty thread");
	e2e_write(dir, e2e_tpath(a, "item.md"), "");
	e2e_write(dir, e2e_tpath(b, "thread.md"), "");
	snap sa = snap_take(dir, a), sb = snap_take(dir, b);
	EXPECT(dir, 7, "item.md", "show", a);
	EXPECT(dir, 7, "item.md", "comment", a, "--message", "x");
	EXPECT(dir, 7, "item.md", "state", a, "ready", "--summary", "s");
	EXPECT(dir, 7, "thread.md", "show", b);
	EXPECT(dir, 7, "thread.md", "show", b, "--json");
	EXPECT(dir, 7, "thread.md", "comment", b, "--message", "x");
	EXPECT(dir, 7, "thread.md", "close", b, "--resolution", "x");
	snap_same(dir, a, &sa);
	snap_same(dir, b, &sb);
	e2e_result r = EXPECT_KEEP(dir, 1, NULL, "doctor");
	char want[128];
	snprintf(want, sizeof(want), "%s/item.md:1:", a);
	cr_assert(strstr(r.out, want), "%s", r.out);
	snprintf(want, sizeof(want), "%s/thread.md", b);
	cr_assert(strstr(r.out, want), "%s", r.out);
	cr_assert(strstr(r.out, "thread-empty"), "%s", r.out);
	e2e_free(&r);
	/* Only blank lines is no better than empty. */
	e2e_write(dir, e2e_tpath(b, "thread.md"), "\n\n\n");
	EXPECT(dir, 7, "thread.md", "show", b);
	/* An item.md that opens but never closes its frontmatter. */
	e2e_write(dir, e2e_tpath(a, "item.md"), ITEM_HEAD "no closer\n");
	EXPECT(dir, 7, "item.md:1", "show", a);
	free(a);
	free(b);
	e2e_rm(dir);
}

/* ---- line endings ------------------------------------------------------- */

static bool all_crlf(const char *s)
{
	for (const char *p = s; (p = strchr(p, '\n')); p++)
		if (p == s || p[-1] != '\r')
			return false;
	return true;
}

Test(badinput, crlf_files_are_read_and_written_back_as_crlf)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Windows");
	cr_assert_eq(
	    e2e_sh(dir, "sed -i 's/$/\\r/' %s", e2e_tpath(id, "item.md")), 0);
	cr_assert_eq(
	    e2e_sh(dir, "sed -i 's/$/\\r/' %s", e2e_tpath(id, "thread.md")), 0);
	char *item0 = e2e_read(dir, e2e_tpath(id, "item.md"));
	cr_assert(all_crlf(item0));
	json_t *j = show_json(dir, id);
	cr_assert_str_eq(json_string_value(json_object_get(j, "title")),
			 "Windows");
	cr_assert_str_eq(json_string_value(json_object_get(j, "state")),
			 "planning");
	cr_assert_eq(json_integer_value(json_object_get(j, "event_count")), 1);
	cr_assert_str_eq(
	    json_string_value(json_object_get(
		json_array_get(json_object_get(j, "events"), 0), "body")),
	    "Ticket created.");
	json_decref(j);
	EXPECT(dir, 0, NULL, "comment", id, "--message", "two\nlines");
	char *thread = e2e_read(dir, e2e_tpath(id, "thread.md"));
	cr_assert(all_crlf(thread), "a bare LF in a CRLF thread:\n%s", thread);
	cr_assert(strstr(thread, "two\r\nlines\r\n"), "%s", thread);
	free(thread);
	cr_assert_eq(event_count(dir, id), 2);
	j = show_json(dir, id);
	cr_assert_str_eq(
	    json_string_value(json_object_get(
		json_array_get(json_object_get(j, "events"), 1), "body")),
	    "two\nlines");
	json_decref(j);
	EXPECT(dir, 0, NULL, "edit", id, "--title", "Renamed");
	char *item = e2e_read(dir, e2e_tpath(id, "item.md"));
	cr_assert(all_crlf(item), "a bare LF in a CRLF item.md:\n%s", item);
	cr_assert(strstr(item, "title: 'Renamed'\r\n"), "%s", item);
	/* The body is kept byte for byte. */
	cr_assert_str_eq(strstr(item, "\r\n---\r\n"),
			 strstr(item0, "\r\n---\r\n"));
	free(item);
	free(item0);
	EXPECT(dir, 0, NULL, "state", id, "ready", "--summary", "scoped");
	thread = e2e_read(dir, e2e_tpath(id, "thread.md"));
	cr_assert(all_crlf(thread), "%s", thread);
	free(thread);
	EXPECT(dir, 0, NULL, "doctor");
	free(id);
	e2e_rm(dir);
}

Test(badinput, thread_without_trailing_newline_gets_a_separate_event)
{
	char *dir = e2e_store();
	for (int crlf = 0; crlf < 2; crlf++) {
		char *id = OK_LINE(dir, "create", "--title", "No newline");
		if (crlf)
			cr_assert_eq(e2e_sh(dir, "sed -i 's/$/\\r/' %s",
					    e2e_tpath(id, "thread.md")),
				     0);
		cr_assert_eq(e2e_sh(dir, "truncate -s -%d %s", crlf ? 2 : 1,
				    e2e_tpath(id, "thread.md")),
			     0);
		char *t0 = e2e_read(dir, e2e_tpath(id, "thread.md"));
		size_t n0 = strlen(t0);
		cr_assert(n0 > 3 && strcmp(t0 + n0 - 3, "---") == 0, "%s", t0);
		EXPECT(dir, 0, NULL, "comment", id, "--message", "glued?");
		char *t1 = e2e_read(dir, e2e_tpath(id, "thread.md"));
		/* The old bytes are a prefix; the new block starts a line. */
		cr_assert_eq(strncmp(t1, t0, n0), 0);
		const char *next = crlf ? "\r\n<!-- event: comment "
					: "\n<!-- event: comment ";
		cr_assert(strncmp(t1 + n0, next, strlen(next)) == 0, "%s",
			  t1 + n0);
		cr_assert(!crlf || all_crlf(t1), "%s", t1);
		json_t *j = show_json(dir, id);
		cr_assert_eq(
		    json_integer_value(json_object_get(j, "event_count")), 2);
		json_t *ev = json_object_get(j, "events");
		cr_assert_str_eq(json_string_value(json_object_get(
				     json_array_get(ev, 0), "body")),
				 "Ticket created.");
		cr_assert_str_eq(json_string_value(json_object_get(
				     json_array_get(ev, 1), "kind")),
				 "comment");
		cr_assert_str_eq(json_string_value(json_object_get(
				     json_array_get(ev, 1), "body")),
				 "glued?");
		json_decref(j);
		free(t0);
		free(t1);
		free(id);
	}
	EXPECT(dir, 0, NULL, "doctor");
	e2e_rm(dir);
}

/* ---- size limits -------------------------------------------------------- */

Test(badinput, a_100_mib_item_md_is_refused_quickly)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Huge");
	e2e_write(dir, e2e_tpath(id, "item.md"), ITEM_HEAD "---\nbody\n");
	cr_assert_eq(
	    e2e_sh(dir, "truncate -s 100M %s", e2e_tpath(id, "item.md")), 0);
	char *t0 = e2e_read(dir, e2e_tpath(id, "thread.md"));
	double t = now_sec();
	EXPECT(dir, 7, "item.md", "show", id);
	EXPECT(dir, 7, "limit", "show", id, "--json");
	EXPECT(dir, 7, "item.md", "comment", id, "--message", "x");
	EXPECT(dir, 7, "item.md", "edit", id, "--title", "y");
	e2e_result r = EXPECT_KEEP(dir, 1, NULL, "doctor");
	cr_assert(strstr(r.out, "item.md"), "%s", r.out);
	e2e_free(&r);
	/* list skips it with a message, reading only the frontmatter. */
	r = e2e_run(dir, NULL, (const char *const[]){"list", NULL});
	cr_assert_lt(r.status, 128);
	cr_assert(strstr(r.err, "item.md"), "%s", r.err);
	e2e_free(&r);
	/* Six commands over a 100 MiB file: none may read it all. */
	cr_assert_lt(now_sec() - t, 10.0, "too slow: the file was read");
	cr_assert_eq(file_size(dir, e2e_tpath(id, "item.md")), 100LL << 20);
	char *t1 = e2e_read(dir, e2e_tpath(id, "thread.md"));
	cr_assert_str_eq(t1, t0);
	no_temp_files(dir, id);
	free(t0);
	free(t1);
	free(id);
	e2e_rm(dir);
}

Test(badinput, a_100_mib_thread_md_is_refused_quickly)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Huge thread");
	cr_assert_eq(
	    e2e_sh(dir, "truncate -s 100M %s", e2e_tpath(id, "thread.md")), 0);
	char *i0 = e2e_read(dir, e2e_tpath(id, "item.md"));
	double t = now_sec();
	EXPECT(dir, 7, "thread.md", "show", id);
	EXPECT(dir, 7, "thread.md", "comment", id, "--message", "x");
	EXPECT(dir, 1, NULL, "doctor");
	cr_assert_lt(now_sec() - t, 10.0);
	cr_assert_eq(file_size(dir, e2e_tpath(id, "thread.md")), 100LL << 20);
	char *i1 = e2e_read(dir, e2e_tpath(id, "item.md"));
	cr_assert_str_eq(i1, i0);
	free(i0);
	free(i1);
	free(id);
	e2e_rm(dir);
}

Test(badinput, event_body_over_64_kib_needs_allow_large)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Large");
	size_t n = 64 * 1024 + 1;
	char *big = malloc(n + 1);
	cr_assert_not_null(big);
	memset(big, 'x', n);
	big[n] = '\0';
	snap s = snap_take(dir, id);
	EXPECT(dir, 2, "--allow-large", "comment", id, "--message", big);
	e2e_result r = RUN_IN(dir, big, "comment", id, "--file", "-");
	cr_assert_eq(r.status, 2, "%s", r.err);
	e2e_free(&r);
	snap_same(dir, id, &s);
	/* Exactly 64 KiB is allowed. */
	big[n - 1] = '\0';
	EXPECT(dir, 0, NULL, "comment", id, "--message", big);
	big[n - 1] = 'x';
	EXPECT(dir, 0, NULL, "comment", id, "--message", big, "--allow-large");
	json_t *j = show_json(dir, id);
	json_t *ev = json_object_get(j, "events");
	cr_assert_eq(json_array_size(ev), 3);
	cr_assert_eq(strlen(json_string_value(
			 json_object_get(json_array_get(ev, 2), "body"))),
		     n);
	json_decref(j);
	EXPECT(dir, 0, NULL, "doctor");
	free(big);
	free(id);
	e2e_rm(dir);
}

/* ---- YAML the engine refuses -------------------------------------------- */

Test(badinput, yaml_anchors_and_aliases_in_frontmatter)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Aliased");
	static const char *const bad[] = {
	    "---\ntitle: &t 'Victim'\nstate: 'planning'\n"
	    "created_at: '2026-01-01T00:00:00Z'\n"
	    "updated_at: '2026-01-01T00:00:00Z'\n---\n",
	    ITEM_HEAD "base: &b {a: 1}\n---\n",
	    ITEM_HEAD "assignee: *nobody\n---\n",
	    ITEM_HEAD "risk_flags: [&f a, *f]\n---\n",
	};
	static const char *const line[] = {"item.md:2", "item.md:6",
					   "item.md:6", "item.md:6"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		e2e_write(dir, e2e_tpath(id, "item.md"), bad[i]);
		snap s = snap_take(dir, id);
		EXPECT(dir, 7, line[i], "show", id);
		EXPECT(dir, 7, line[i], "comment", id, "--message", "x");
		snap_same(dir, id, &s);
		e2e_result r = EXPECT_KEEP(dir, 1, NULL, "doctor");
		cr_assert(strstr(r.out, line[i]), "%s", r.out);
		e2e_free(&r);
	}
	free(id);
	e2e_rm(dir);
}

Test(badinput, deeply_nested_yaml)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Nested");
	for (int kind = 0; kind < 3; kind++) {
		size_t depth = 10000;
		size_t cap = sizeof(ITEM_HEAD) + depth * 4 + 64;
		char *buf = malloc(cap);
		cr_assert_not_null(buf);
		size_t n = (size_t)sprintf(buf, "%sdeep: ", ITEM_HEAD);
		for (size_t i = 0; i < depth; i++) {
			if (kind == 0)
				buf[n++] = '[';
			else if (kind == 1)
				n += (size_t)sprintf(buf + n, "{a: ");
			else /* unbalanced the other way round */
				buf[n++] = ']';
		}
		n += (size_t)sprintf(buf + n, "\n---\nbody\n");
		put_bytes(dir, e2e_tpath(id, "item.md"), buf, n);
		double t = now_sec();
		EXPECT(dir, 7, "item.md:6", "show", id);
		EXPECT(dir, 7, "item.md", "comment", id, "--message", "x");
		EXPECT(dir, 1, NULL, "doctor");
		e2e_result r =
		    e2e_run(dir, NULL, (const char *const[]){"list", NULL});
		cr_assert_lt(r.status, 128);
		e2e_free(&r);
		cr_assert_lt(now_sec() - t, 10.0);
		free(buf);
	}
	free(id);
	e2e_rm(dir);
}

/* ---- IDs ----------------------------------------------------------------- */

Test(badinput, garbage_ids_on_every_id_command)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Victim");
	/* A real ticket one level up, where ../ would reach. */
	cr_assert_eq(e2e_sh(dir,
			    "mkdir -p .yoi/x && cp -r .yoi/tickets/%s "
			    ".yoi/x/",
			    id),
		     0);
	char up[64], up13[64], slash[64], trail[64];
	snprintf(up, sizeof(up), "../x/%s", id);
	snprintf(up13, sizeof(up13), "00000000/../x");
	snprintf(slash, sizeof(slash), "%.6s/%.6s", id, id + 7);
	snprintf(trail, sizeof(trail), "%s/", id);
	const char *const bad[] = {
	    "..",
	    "../x",
	    up,
	    up13,
	    slash,
	    trail,
	    "/etc/passwd",
	    "",
	    ".",
	    "a b c d e f g",
	    "ZZZ",
	    "0000000000000000000000",
	    "ÄÖÜ0000000000",
	    "0000000000U00",
	    "00001M87\\QGTC",
	    "%2e%2e%2f",
	};
	cr_assert_eq(e2e_sh(dir,
			    "find . -path ./.git -prune -o -print | sort "
			    "> /tmp/yoi-e2e-tree.%d",
			    (int)getpid()),
		     0);
	snap s = snap_take(dir, id);
	for (size_t b = 0; b < sizeof(bad) / sizeof(*bad); b++) {
		const char *argv[8];
		for (int c = 0; id_cmd(c, bad[b], argv); c++) {
			e2e_result r = e2e_run(dir, NULL, argv);
			cr_assert_lt(r.status, 128);
			cr_assert_eq(r.status, 2, "%s '%s': exit %d: %s",
				     argv[0], bad[b], r.status, r.err);
			cr_assert(r.err[0]);
			cr_assert_eq(r.out[0], '\0', "%s", r.out);
			e2e_free(&r);
		}
	}
	snap_same(dir, id, &s);
	/* Nothing was created anywhere in the repository. */
	cr_assert_eq(e2e_sh(dir,
			    "find . -path ./.git -prune -o -print | sort "
			    "| cmp -s - /tmp/yoi-e2e-tree.%d",
			    (int)getpid()),
		     0, "files were created or removed");
	e2e_sh("/tmp", "rm -f /tmp/yoi-e2e-tree.%d", (int)getpid());
	/* A well-formed ID that does not exist is "not found". */
	const char *argv[8];
	for (int c = 0; id_cmd(c, "7ZZZZZZZZZZZZ", argv); c++) {
		e2e_result r = e2e_run(dir, NULL, argv);
		cr_assert_eq(r.status, 3, "%s: %d %s", argv[0], r.status,
			     r.err);
		e2e_free(&r);
	}
	free(id);
	e2e_rm(dir);
}

/* ---- symlinks ------------------------------------------------------------ */

Test(badinput, symlinked_item_md_is_refused_and_target_untouched)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Linked");
	cr_assert_eq(e2e_sh(dir,
			    "mv %s outside-item.md && ln -s "
			    "../../../outside-item.md %s",
			    e2e_tpath(id, "item.md"), e2e_tpath(id, "item.md")),
		     0);
	size_t n0, t0n;
	char *target0 = slurp(dir, "outside-item.md", &n0);
	char *thread0 = slurp(dir, e2e_tpath(id, "thread.md"), &t0n);
	EXPECT(dir, 4, "item.md", "show", id);
	EXPECT(dir, 4, "symbolic link", "comment", id, "--message", "x");
	EXPECT(dir, 4, "item.md", "edit", id, "--title", "y");
	EXPECT(dir, 4, "item.md", "state", id, "ready", "--summary", "s");
	EXPECT(dir, 4, "item.md", "close", id, "--resolution", "r");
	size_t n1, t1n;
	char *target1 = slurp(dir, "outside-item.md", &n1);
	char *thread1 = slurp(dir, e2e_tpath(id, "thread.md"), &t1n);
	cr_assert(n0 == n1 && memcmp(target0, target1, n0) == 0);
	cr_assert(t0n == t1n && memcmp(thread0, thread1, t0n) == 0);
	struct stat sb;
	char *p = join(dir, e2e_tpath(id, "item.md"));
	cr_assert_eq(lstat(p, &sb), 0);
	cr_assert(S_ISLNK(sb.st_mode), "the link was replaced");
	free(p);
	cr_assert(!e2e_exists(dir, e2e_tpath(id, "resolution.md")));
	e2e_result r = EXPECT_KEEP(dir, 1, NULL, "doctor");
	cr_assert(strstr(r.out, "item.md"), "%s", r.out);
	e2e_free(&r);
	free(target0);
	free(target1);
	free(thread0);
	free(thread1);
	free(id);
	e2e_rm(dir);
}

Test(badinput, symlinked_thread_md_is_refused_and_target_untouched)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Linked");
	cr_assert_eq(e2e_sh(dir,
			    "mv %s outside-thread.md && ln -s "
			    "\"$PWD/outside-thread.md\" %s",
			    e2e_tpath(id, "thread.md"),
			    e2e_tpath(id, "thread.md")),
		     0);
	size_t n0, i0n;
	char *target0 = slurp(dir, "outside-thread.md", &n0);
	char *item0 = slurp(dir, e2e_tpath(id, "item.md"), &i0n);
	EXPECT(dir, 4, "thread.md", "show", id);
	EXPECT(dir, 4, "symbolic link", "comment", id, "--message", "x");
	EXPECT(dir, 4, "thread.md", "review", id, "--approve", "--message",
	       "x");
	EXPECT(dir, 4, "thread.md", "state", id, "ready", "--summary", "s");
	size_t n1, i1n;
	char *target1 = slurp(dir, "outside-thread.md", &n1);
	char *item1 = slurp(dir, e2e_tpath(id, "item.md"), &i1n);
	cr_assert(n0 == n1 && memcmp(target0, target1, n0) == 0,
		  "the link target was written: %s", target1);
	cr_assert(i0n == i1n && memcmp(item0, item1, i0n) == 0);
	e2e_result r = EXPECT_KEEP(dir, 1, NULL, "doctor");
	cr_assert(strstr(r.out, "thread.md"), "%s", r.out);
	e2e_free(&r);
	free(target0);
	free(target1);
	free(item0);
	free(item1);
	free(id);
	e2e_rm(dir);
}

Test(badinput, symlinked_ticket_directory_and_root_are_refused)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Real");
	/* A copy outside the store, linked in under a valid ID. */
	const char *lid = "0000000000ZZZ";
	cr_assert_eq(e2e_sh(dir,
			    "cp -r .yoi/tickets/%s elsewhere && ln -s "
			    "\"$PWD/elsewhere\" .yoi/tickets/%s",
			    id, lid),
		     0);
	size_t n0;
	char *t0 = slurp(dir, "elsewhere/thread.md", &n0);
	EXPECT(dir, 4, lid, "show", lid);
	EXPECT(dir, 4, lid, "comment", lid, "--message", "x");
	EXPECT(dir, 4, lid, "state", lid, "ready", "--summary", "s");
	size_t n1;
	char *t1 = slurp(dir, "elsewhere/thread.md", &n1);
	cr_assert(n0 == n1 && memcmp(t0, t1, n0) == 0);
	e2e_result r = EXPECT_KEEP(dir, 1, NULL, "doctor");
	cr_assert(strstr(r.out, "layout-symlink"), "%s", r.out);
	e2e_free(&r);
	free(t0);
	free(t1);
	/* The tickets root itself as a symlink. */
	cr_assert_eq(e2e_sh(dir, "mv .yoi/tickets realroot && ln -s "
				 "\"$PWD/realroot\" .yoi/tickets"),
		     0);
	EXPECT(dir, 4, "tickets", "comment", id, "--message", "x");
	EXPECT(dir, 4, "tickets", "list");
	EXPECT(dir, 4, "tickets", "create", "--title", "t");
	cr_assert_eq(e2e_sh(dir, "ls realroot | grep -c . | grep -qx 2"), 0,
		     "a ticket was created through the link");
	free(id);
	e2e_rm(dir);
}

/* ---- a read-only store, a full disk, a busy store ----------------------- */

Test(badinput, read_only_store)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Frozen");
	snap s = snap_take(dir, id);
	const char *const writes[][6] = {
	    {"comment", id, "--message", "x", NULL},
	    {"edit", id, "--title", "y", NULL},
	    {"state", id, "ready", "--summary", "s", NULL},
	    {"close", id, "--resolution", "r", NULL},
	    {"create", "--title", "new", NULL},
	};
	if (geteuid() != 0) {
		cr_assert_eq(e2e_sh(dir, "chmod -R a-w .yoi"), 0);
		for (size_t i = 0; i < sizeof(writes) / sizeof(*writes); i++)
			expect_free(
			    expect_run(dir, NULL, 6, "writable", writes[i]));
		EXPECT(dir, 0, NULL, "show", id);
		EXPECT(dir, 0, NULL, "list");
		EXPECT(dir, 0, NULL, "doctor");
	} else {
		/* Root ignores permission bits: run as nobody instead. */
		if (e2e_sh(dir, "command -v setpriv >/dev/null") != 0)
			cr_skip_test("running as root without setpriv: "
				     "permission bits cannot stop root");
		cr_assert_eq(e2e_sh(dir,
				    "chmod 755 . && chown -R 65534:65534 . "
				    "&& chmod -R a-w .yoi"),
			     0);
		/* nobody may not reach the build tree (a clone under /root
		 * or a private folder): run a copy from a public place. */
		char *bindir = e2e_repo();
		char bin[4200];
		snprintf(bin, sizeof(bin), "%s/yoi-tickets", bindir);
		cr_assert_eq(e2e_sh(bindir, "cp '%s' '%s' && chmod 755 . '%s'",
				    getenv("YOI_BIN"), bin, bin),
			     0);
		const char *as = "setpriv --reuid=65534 --regid=65534 "
				 "--clear-groups env HOME=/nonexistent "
				 "XDG_CONFIG_HOME=/nonexistent "
				 "YOI_TICKETS_AUTHOR=tester";
		char args[256], *err;
		for (size_t i = 0; i < sizeof(writes) / sizeof(*writes); i++) {
			size_t n = 0;
			for (int k = 0; writes[i][k]; k++)
				n +=
				    (size_t)snprintf(args + n, sizeof(args) - n,
						     "'%s' ", writes[i][k]);
			int st = sh_bin_at(dir, bin, as, args, &err);
			cr_assert_eq(st, 6, "%s: exit %d: %s", args, st, err);
			cr_assert(strstr(err, "writable"), "%s", err);
			free(err);
		}
		snprintf(args, sizeof(args), "show %s", id);
		cr_assert_eq(sh_bin_at(dir, bin, as, args, &err), 0, "%s", err);
		free(err);
		cr_assert_eq(sh_bin_at(dir, bin, as, "doctor", &err), 0, "%s",
			     err);
		free(err);
		e2e_rm(bindir);
	}
	snap_same(dir, id, &s);
	cr_assert(!e2e_exists(dir, e2e_tpath(id, "resolution.md")));
	free(id);
	e2e_rm(dir);
}

Test(badinput, full_disk_thread_append_fails_and_nothing_is_added)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Full");
	snap s = snap_take(dir, id);
	/* RLIMIT_FSIZE of 512 bytes: the ~120-byte thread cannot take a
	 * 1000-byte block, the write stops part-way. No SIGXFSZ trap: the
	 * program must survive the limit on its own. */
	char args[1200];
	int n = snprintf(args, sizeof(args), "comment %s --message ", id);
	memset(args + n, 'y', 1000);
	args[n + 1000] = '\0';
	char *err;
	int st = sh_bin(dir, "ulimit -f 1; exec", args, &err);
	cr_assert_eq(st, 6, "exit %d (128: killed by a signal): %s", st, err);
	cr_assert(strstr(err, "thread.md"), "%s", err);
	cr_assert(strstr(err, "nothing was added"), "%s", err);
	free(err);
	snap_same(dir, id, &s);
	EXPECT(dir, 0, NULL, "doctor");
	free(id);
	e2e_rm(dir);
}

Test(badinput, full_disk_item_rewrite_fails_and_old_item_stays)
{
	/* A pinned clock: the failed comment is a day after the edit. */
	setenv("YOI_TICKETS_NOW", "2026-01-01T00:00:00Z", 1);
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Full");
	/* A 3 KiB item.md, a small thread: with a 1 KiB limit the thread
	 * append fits, the rewrite of item.md does not. */
	char *body = malloc(3200);
	cr_assert_not_null(body);
	int n = sprintf(body, "## Background\n\n");
	memset(body + n, 'z', 3000);
	strcpy(body + n + 3000, "\n");
	e2e_write(dir, "body.md", body);
	free(body);
	EXPECT(dir, 0, NULL, "edit", id, "--body-file", "body.md");
	size_t i0n;
	char *item0 = slurp(dir, e2e_tpath(id, "item.md"), &i0n);
	cr_assert_gt(i0n, 3000);
	long long t0 = file_size(dir, e2e_tpath(id, "thread.md"));
	cr_assert_lt(t0, 700);
	char args[64], *err;
	snprintf(args, sizeof(args), "comment %s --message small", id);
	setenv("YOI_TICKETS_NOW", "2026-01-02T00:00:00Z", 1);
	int st = sh_bin(dir, "ulimit -f 2; exec", args, &err);
	cr_assert_eq(st, 6, "exit %d (128: killed by a signal): %s", st, err);
	cr_assert(strstr(err, "item.md"), "%s", err);
	cr_assert(strstr(err, "unchanged"), "%s", err);
	free(err);
	size_t i1n;
	char *item1 = slurp(dir, e2e_tpath(id, "item.md"), &i1n);
	cr_assert(i0n == i1n && memcmp(item0, item1, i0n) == 0,
		  "item.md changed");
	no_temp_files(dir, id);
	/* The thread, written first, holds the one whole new event. */
	cr_assert_eq(event_count(dir, id), 3);
	e2e_result r = EXPECT_KEEP(dir, 0, NULL, "doctor");
	cr_assert(strstr(r.out, "item-stale-updated-at"), "%s", r.out);
	e2e_free(&r);
	EXPECT(dir, 0, NULL, "doctor", "--fix");
	r = EXPECT_KEEP(dir, 0, NULL, "doctor");
	cr_assert_eq(r.out[0], '\0', "%s", r.out);
	e2e_free(&r);
	free(item0);
	free(item1);
	free(id);
	e2e_rm(dir);
}

Test(badinput, busy_store_exits_5_and_changes_nothing)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Busy");
	snap s = snap_take(dir, id);
	char *lock = join(dir, ".git/yoi/locks/.yoi%2Ftickets.lock");
	int fd = open(lock, O_RDWR | O_CREAT, 0644);
	cr_assert(fd >= 0, "%s: %s", lock, strerror(errno));
	cr_assert_eq(flock(fd, LOCK_EX | LOCK_NB), 0);
	double t = now_sec();
	EXPECT(dir, 5, ".lock", "comment", id, "--message", "x", "--wait", "0");
	cr_assert_lt(now_sec() - t, 2.0, "--wait 0 waited");
	t = now_sec();
	EXPECT(dir, 5, "busy", "--wait", "1", "comment", id, "--message", "x");
	double waited = now_sec() - t;
	cr_assert(waited >= 0.9 && waited < 5.0, "--wait 1 took %.2f s",
		  waited);
	EXPECT(dir, 5, "busy", "create", "--title", "t", "--wait=0");
	EXPECT(dir, 5, "busy", "state", id, "ready", "--summary", "s", "--wait",
	       "0");
	/* Readers do not take the lock. */
	EXPECT(dir, 0, NULL, "show", id);
	EXPECT(dir, 0, NULL, "list");
	snap_same(dir, id, &s);
	e2e_result r = EXPECT_KEEP(dir, 0, NULL, "list", "--state", "all");
	cr_assert_eq(e2e_count(r.out, "\n"), 1, "a ticket was created");
	e2e_free(&r);
	flock(fd, LOCK_UN);
	close(fd);
	free(lock);
	EXPECT(dir, 0, NULL, "comment", id, "--message", "x", "--wait", "0");
	free(id);
	e2e_rm(dir);
}

/* ---- values -------------------------------------------------------------- */

Test(badinput, forged_event_lines_in_a_body_stay_body)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Forge");
	const char *body =
	    "before\n"
	    "<!-- event: state_changed author: x at: 2026-01-01T00:00:00Z "
	    "from: a to: closed reason: r field: state -->\n"
	    "   <!-- event: close author: x at: 2026-01-01T00:00:00Z "
	    "status: closed -->\n"
	    "\\<!-- event: closed author: x at: 2026-01-01T00:00:00Z -->\n"
	    "after";
	EXPECT(dir, 0, NULL, "comment", id, "--message", body);
	e2e_result r = RUN_IN(dir, body, "decision", id, "--file", "-");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	json_t *j = show_json(dir, id);
	cr_assert_eq(json_integer_value(json_object_get(j, "event_count")), 3);
	cr_assert_str_eq(json_string_value(json_object_get(j, "state")),
			 "planning");
	cr_assert_str_eq(
	    json_string_value(json_object_get(j, "replayed_state")),
	    "planning");
	json_t *ev = json_object_get(j, "events");
	for (size_t i = 1; i < 3; i++)
		cr_assert_str_eq(json_string_value(json_object_get(
				     json_array_get(ev, i), "body")),
				 body);
	json_decref(j);
	char *thread = e2e_read(dir, e2e_tpath(id, "thread.md"));
	cr_assert_eq(e2e_count(thread, "\n<!-- event: "), 2, "%s", thread);
	free(thread);
	/* A legal transition still starts from the real state. */
	EXPECT(dir, 0, NULL, "state", id, "ready", "--summary", body);
	EXPECT(dir, 0, NULL, "doctor");
	free(id);
	e2e_rm(dir);
}

Test(badinput, attribute_values_with_newlines_and_limits)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Values");
	EXPECT(dir, 0, NULL, "state", id, "ready", "--summary", "s");
	snap s = snap_take(dir, id);
	char long_reason[1100];
	memset(long_reason, 'r', 1025);
	long_reason[1025] = '\0';
	EXPECT(dir, 2, "--reason", "state", id, "planning", "--reason",
	       "two\nlines");
	EXPECT(dir, 2, "--reason", "state", id, "planning", "--reason",
	       "cr\rhere");
	EXPECT(dir, 2, "-->", "state", id, "planning", "--reason", "a --> b");
	EXPECT(dir, 2, "1024", "state", id, "planning", "--reason",
	       long_reason);
	EXPECT(dir, 2, "--reason", "state", id, "done", "--force", "--reason",
	       "two\nlines");
	EXPECT(dir, 2, NULL, "state", id, "planning", "--reason", "");
	EXPECT(dir, 2, "author", "--author", "a\nb", "comment", id, "--message",
	       "x");
	EXPECT(dir, 2, "author", "comment", id, "--message", "x", "--author",
	       "caf\xc3");
	EXPECT(dir, 2, "--title", "edit", id, "--title", "a\nb");
	EXPECT(dir, 2, NULL, "edit", id, "--title", "");
	EXPECT(dir, 2, NULL, "edit", id, "--assignee", "bell\a");
	EXPECT(dir, 2, "UTF-8", "comment", id, "--message", "caf\xc3");
	EXPECT(dir, 2, NULL, "create", "--title", "a\nb");
	EXPECT(dir, 2, NULL, "create", "--title", "");
	snap_same(dir, id, &s);
	EXPECT(dir, 0, NULL, "close", id, "--resolution", "done");
	s = snap_take(dir, id);
	EXPECT(dir, 2, "--reason", "reopen", id, "--reason", "two\nlines");
	EXPECT(dir, 2, NULL, "reopen", id, "--reason", "");
	snap_same(dir, id, &s);
	e2e_result r = EXPECT_KEEP(dir, 0, NULL, "list", "--state", "all");
	cr_assert_eq(e2e_count(r.out, "\n"), 1);
	e2e_free(&r);
	free(id);
	e2e_rm(dir);
}

/* ---- flags --------------------------------------------------------------- */

Test(badinput, bad_flags_missing_values_and_arguments)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Flags");
	snap s = snap_take(dir, id);
	static const char *const cmds[] = {
	    "init",    "create", "show",     "list",   "edit",
	    "comment", "plan",	 "decision", "report", "review",
	    "state",   "close",	 "reopen",   "doctor",
	};
	for (size_t i = 0; i < sizeof(cmds) / sizeof(*cmds); i++) {
		EXPECT(dir, 2, "--bogus", cmds[i], "--bogus");
		EXPECT(dir, 2, "-Q", cmds[i], "-Q");
		EXPECT(dir, 2, "--wait", cmds[i], "--wait", "abc");
		EXPECT(dir, 2, "--wait", cmds[i], "--wait", "-1");
		EXPECT(dir, 2, "--wait", cmds[i], "--wait");
		EXPECT(dir, 2, "--root", cmds[i], "--root");
		EXPECT(dir, 2, "--author", cmds[i], "--author");
	}
	/* Missing values of command flags. */
	EXPECT(dir, 2, "--title", "create", "--title");
	EXPECT(dir, 2, "--body-file", "create", "--title", "t", "--body-file");
	EXPECT(dir, 2, "--events", "show", id, "--events");
	EXPECT(dir, 2, "--events", "show", id, "--events", "abc");
	EXPECT(dir, 2, "--events", "show", id, "--events", "-3");
	EXPECT(dir, 2, "--events", "show", id, "--events",
	       "99999999999999999999999");
	EXPECT(dir, 2, "--state", "list", "--state");
	EXPECT(dir, 2, "bogus", "list", "--state", "bogus");
	EXPECT(dir, 2, "--limit", "list", "--limit", "abc");
	EXPECT(dir, 2, "--limit", "list", "--limit");
	EXPECT(dir, 2, "--title", "edit", id, "--title");
	EXPECT(dir, 2, "--message", "comment", id, "--message");
	EXPECT(dir, 2, "-m", "plan", id, "-m");
	EXPECT(dir, 2, "--file", "report", id, "--file");
	EXPECT(dir, 2, "--summary", "state", id, "ready", "--summary");
	EXPECT(dir, 2, "--reason", "state", id, "ready", "--reason");
	EXPECT(dir, 2, "--resolution", "close", id, "--resolution");
	EXPECT(dir, 2, "--reason", "reopen", id, "--reason");
	EXPECT(dir, 2, "--format", "doctor", "--format");
	EXPECT(dir, 2, "--format", "doctor", "--format", "xml");
	/* Missing positional arguments and required flags. */
	EXPECT(dir, 2, "--title", "create");
	EXPECT(dir, 2, "ID", "show");
	EXPECT(dir, 2, "ID", "edit");
	EXPECT(dir, 2, NULL, "edit", id);
	EXPECT(dir, 2, "ID", "comment", "--message", "x");
	EXPECT(dir, 2, "--message", "comment", id);
	EXPECT(dir, 2, "--message", "decision", id, "--message", "x", "--file",
	       "-");
	EXPECT(dir, 2, "ID", "review", "--approve", "--message", "x");
	EXPECT(dir, 2, "--approve", "review", id, "--message", "x");
	EXPECT(dir, 2, "--approve", "review", id, "--approve",
	       "--request-changes", "--message", "x");
	EXPECT(dir, 2, NULL, "state");
	EXPECT(dir, 2, "state", "state", id);
	EXPECT(dir, 2, "unknown state", "state", id, "nowhere");
	EXPECT(dir, 2, "--summary", "state", id, "ready");
	EXPECT(dir, 2, "ID", "close", "--resolution", "x");
	EXPECT(dir, 2, "--resolution", "close", id);
	EXPECT(dir, 2, "ID", "reopen", "--reason", "x");
	EXPECT(dir, 2, "--reason", "reopen", id);
	/* Extra arguments. */
	EXPECT(dir, 2, "init", "init", "extra");
	EXPECT(dir, 2, "extra", "create", "--title", "t", "extra");
	EXPECT(dir, 2, NULL, "show", id, "extra");
	EXPECT(dir, 2, "extra", "list", "extra");
	EXPECT(dir, 2, NULL, "edit", id, "extra", "--title", "t");
	EXPECT(dir, 2, NULL, "comment", id, "extra", "--message", "x");
	EXPECT(dir, 2, NULL, "review", id, id, "--approve", "--message", "x");
	EXPECT(dir, 2, NULL, "state", id, "ready", "extra", "--summary", "s");
	EXPECT(dir, 2, NULL, "close", id, "extra", "--resolution", "x");
	EXPECT(dir, 2, NULL, "reopen", id, "extra", "--reason", "x");
	EXPECT(dir, 2, NULL, "doctor", "extra");
	EXPECT(dir, 2, NULL, "help", "nosuch");
	/* Global options before the command. */
	e2e_result r = EXPECT_KEEP(dir, 2, "--wait", "--wait", "abc", "list");
	/* One clear message, not a second, wrong one about 'abc'. */
	cr_assert_eq(e2e_count(r.err, "abc"), 1, "%s", r.err);
	cr_assert_null(strstr(r.err, "yoi-tickets yoi-tickets"), "%s", r.err);
	e2e_free(&r);
	EXPECT(dir, 2, "--bogus", "--bogus", "list");
	EXPECT(dir, 2, "--root", "--root");
	EXPECT(dir, 2, "unknown command", "frobnicate", id);
	snap_same(dir, id, &s);
	r = EXPECT_KEEP(dir, 0, NULL, "list", "--state", "all");
	cr_assert_eq(e2e_count(r.out, "\n"), 1, "a ticket was created");
	e2e_free(&r);
	free(id);
	e2e_rm(dir);
}

/* ---- config -------------------------------------------------------------- */

Test(badinput, config_errors_stop_every_store_command)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Configured");
	snap s = snap_take(dir, id);
	static const struct {
		const char *text, *where, *what;
	} bad[] = {
	    {"tickets:\n  language: English\n  colour: blue\n", "config.yaml:3",
	     "colour"},
	    {"routing:\n  max_inprogress: lots\n", "config.yaml:2",
	     "max_inprogress"},
	    {"routing:\n  max_inprogress: [1]\n", "config.yaml:2",
	     "max_inprogress"},
	    {"tickets: &t\n  language: English\nworktrees: *t\n",
	     "config.yaml:1", "anchor"},
	    {"roles: [intake]\nother: *r\n", "config.yaml:2", "alias"},
	    {"tickets: [\n", "config.yaml", "YAML"},
	    {"\xff\xfe: x\n", "config.yaml:1", NULL},
	};
	const char *const cmds[][7] = {
	    {"list", NULL},
	    {"show", id, NULL},
	    {"create", "--title", "t", NULL},
	    {"edit", id, "--title", "y", NULL},
	    {"comment", id, "--message", "x", NULL},
	    {"plan", id, "--message", "x", NULL},
	    {"decision", id, "--message", "x", NULL},
	    {"report", id, "--message", "x", NULL},
	    {"review", id, "--approve", "--message", "x", NULL},
	    {"state", id, "ready", "--summary", "s", NULL},
	    {"close", id, "--resolution", "x", NULL},
	    {"reopen", id, "--reason", "x", NULL},
	    {"doctor", NULL},
	};
	for (size_t b = 0; b < sizeof(bad) / sizeof(*bad); b++) {
		e2e_write(dir, ".yoi/config.yaml", bad[b].text);
		for (size_t c = 0; c < sizeof(cmds) / sizeof(*cmds); c++) {
			e2e_result r =
			    expect_run(dir, NULL, 7, bad[b].where, cmds[c]);
			if (bad[b].what)
				cr_assert(strcasestr(r.err, bad[b].what),
					  "%s: %s", cmds[c][0], r.err);
			e2e_free(&r);
		}
	}
	snap_same(dir, id, &s);
	cr_assert_eq(e2e_sh(dir, "ls .yoi/tickets | grep -c . | grep -qx 1"), 0,
		     "a ticket was created");
	free(id);
	e2e_rm(dir);
}
