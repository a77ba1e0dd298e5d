/* harness.c - temporary repositories and runs of the binary. */
#include "harness.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "yoi/doctor.h"
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char *slurp_fd(int fd)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	cr_assert_not_null(buf);
	lseek(fd, 0, SEEK_SET);
	for (;;) {
		if (len + 4096 + 1 > cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			cr_assert_not_null(buf);
		}
		ssize_t n = read(fd, buf + len, 4096);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return buf;
}

static int tmpfd(void)
{
	char path[] = "/tmp/yoi-e2e-io.XXXXXX";
	int fd = mkstemp(path);
	cr_assert(fd >= 0, "mkstemp: %s", strerror(errno));
	unlink(path);
	return fd;
}

e2e_result e2e_run_bin(const char *bin, const char *dir, const char *stdin_text,
		       const char *const *argv)
{
	cr_assert_not_null(bin, "YOI_BIN is not set; run through 'make e2e'");
	int in = tmpfd(), out = tmpfd(), err = tmpfd();
	if (stdin_text) {
		size_t n = strlen(stdin_text);
		cr_assert_eq(write(in, stdin_text, n), (ssize_t)n);
		lseek(in, 0, SEEK_SET);
	}
	size_t argc = 0;
	while (argv[argc])
		argc++;
	const char **args = calloc(argc + 2, sizeof(*args));
	cr_assert_not_null(args);
	args[0] = bin;
	memcpy(args + 1, argv, argc * sizeof(*args));
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		if (chdir(dir) < 0)
			_exit(126);
		dup2(in, 0);
		dup2(out, 1);
		dup2(err, 2);
		setenv("YOI_TICKETS_AUTHOR",
		       getenv("YOI_TICKETS_AUTHOR")
			   ? getenv("YOI_TICKETS_AUTHOR")
			   : "tester",
		       1);
		execv(bin, (char *const *)args);
		_exit(127);
	}
	int status = 0;
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec > 60) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			cr_assert_fail("timed out: %s %s", bin, argv[0]);
			break;
		}
		struct timespec ts = {0, 1000000};
		nanosleep(&ts, NULL);
	}
	free(args);
	e2e_result r;
	r.status =
	    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	r.out = slurp_fd(out);
	r.err = slurp_fd(err);
	close(in);
	close(out);
	close(err);
	return r;
}

e2e_result e2e_run(const char *dir, const char *stdin_text,
		   const char *const *argv)
{
	return e2e_run_bin(getenv("YOI_BIN"), dir, stdin_text, argv);
}

void e2e_free(e2e_result *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

char *e2e_ok_line(const char *dir, const char *const *argv)
{
	e2e_result r = e2e_run(dir, NULL, argv);
	cr_assert_eq(r.status, 0, "%s failed (%d): %s", argv[0], r.status,
		     r.err);
	char *nl = strchr(r.out, '\n');
	if (nl)
		*nl = '\0';
	free(r.err);
	return r.out;
}

int e2e_sh(const char *dir, const char *fmt, ...)
{
	char cmd[8192];
	int n = snprintf(cmd, sizeof(cmd), "cd '%s' && ", dir);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd + n, sizeof(cmd) - (size_t)n, fmt, ap);
	va_end(ap);
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

char *e2e_repo(void)
{
	char *dir = strdup("/tmp/yoi-e2e.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	cr_assert_eq(e2e_sh(dir, "git init -q . && git config user.name "
				 "'E2E User' && git config user.email "
				 "e2e@example.invalid"),
		     0);
	return dir;
}

char *e2e_store(void)
{
	char *dir = e2e_repo();
	e2e_result r = RUN(dir, "init");
	cr_assert_eq(r.status, 0, "init: %s", r.err);
	e2e_free(&r);
	return dir;
}

void e2e_rm(char *dir)
{
	if (dir && strncmp(dir, "/tmp/yoi-e2e.", 13) == 0)
		e2e_sh("/tmp", "chmod -R u+w '%s' 2>/dev/null; rm -rf '%s'",
		       dir, dir);
	free(dir);
}

static char *join(const char *dir, const char *rel)
{
	char *p = malloc(strlen(dir) + strlen(rel) + 2);
	cr_assert_not_null(p);
	sprintf(p, "%s/%s", dir, rel);
	return p;
}

char *e2e_read(const char *dir, const char *rel)
{
	char *p = join(dir, rel);
	int fd = open(p, O_RDONLY);
	cr_assert(fd >= 0, "open %s: %s", p, strerror(errno));
	char *s = slurp_fd(fd);
	close(fd);
	free(p);
	return s;
}

static void put(const char *dir, const char *rel, const char *text, int flags)
{
	char *p = join(dir, rel);
	int fd = open(p, O_WRONLY | O_CREAT | flags, 0644);
	cr_assert(fd >= 0, "open %s: %s", p, strerror(errno));
	size_t n = strlen(text);
	cr_assert_eq(write(fd, text, n), (ssize_t)n);
	close(fd);
	free(p);
}

void e2e_write(const char *dir, const char *rel, const char *text)
{
	put(dir, rel, text, O_TRUNC);
}

void e2e_append(const char *dir, const char *rel, const char *text)
{
	put(dir, rel, text, O_APPEND);
}

bool e2e_exists(const char *dir, const char *rel)
{
	char *p = join(dir, rel);
	struct stat sb;
	bool ok = lstat(p, &sb) == 0;
	free(p);
	return ok;
}

const char *e2e_tpath(const char *id, const char *file)
{
	static char buf[512];
	snprintf(buf, sizeof(buf), ".yoi/tickets/%s/%s", id, file);
	return buf;
}

size_t e2e_count(const char *hay, const char *needle)
{
	size_t n = 0, len = strlen(needle);
	for (const char *p = hay; (p = strstr(p, needle)); p += len)
		n++;
	return n;
}

void e2e_ok(const char *dir, const char *const *argv)
{
	e2e_result r = e2e_run(dir, NULL, argv);
	cr_assert_eq(r.status, 0, "%s: %s%s", argv[0], r.out, r.err);
	e2e_free(&r);
}

/* doctor --format json as a parsed document (caller json_decref). */
static json_t *doctor_doc(const char *dir, bool fix, int *status)
{
	e2e_result r = fix ? RUN(dir, "doctor", "--fix", "--format", "json")
			   : RUN(dir, "doctor", "--format", "json");
	json_error_t je;
	json_t *j = json_loads(r.out, 0, &je);
	cr_assert_not_null(j, "doctor json: %s\n%s\n%s", je.text, r.out, r.err);
	cr_assert(json_is_array(json_object_get(j, "diagnostics")), "%s",
		  r.out);
	*status = r.status;
	e2e_free(&r);
	return j;
}

void e2e_doctor_clean(const char *dir)
{
	e2e_result r = RUN(dir, "doctor");
	cr_assert_eq(r.status, 0, "doctor: %s%s", r.out, r.err);
	cr_assert_eq(r.out[0], '\0', "doctor found:\n%s", r.out);
	cr_assert(strstr(r.err, "0 error(s), 0 warning(s)"), "%s", r.err);
	e2e_free(&r);
	int st;
	json_t *j = doctor_doc(dir, false, &st);
	cr_assert_eq(st, 0);
	cr_assert_eq(json_array_size(json_object_get(j, "diagnostics")), 0);
	json_decref(j);
}

void e2e_put_ticket(const char *dir, const char *id, const char *item,
		    const char *thread)
{
	cr_assert_eq(e2e_sh(dir, "mkdir -p .yoi/tickets/%s/artifacts", id), 0);
	char rel[600];
	snprintf(rel, sizeof(rel), "%s", e2e_tpath(id, "item.md"));
	e2e_write(dir, rel, item);
	snprintf(rel, sizeof(rel), "%s", e2e_tpath(id, "thread.md"));
	e2e_write(dir, rel, thread);
}

/* Every file of the store, concatenated in path order. */
static char *store_bytes(const char *dir)
{
	cr_assert_eq(e2e_sh(dir, "find .yoi/tickets -type f -print0 | "
				 "sort -z | xargs -0 -r cat > .git/snap.txt"),
		     0);
	return e2e_read(dir, ".git/snap.txt");
}

void e2e_fix_twice(const char *dir)
{
	int st;
	json_decref(doctor_doc(dir, true, &st));
	cr_assert_lt(st, 2, "doctor --fix exited %d", st);
	char *once = store_bytes(dir);
	e2e_result r = RUN(dir, "doctor", "--fix");
	cr_assert_lt(r.status, 2, "%s%s", r.out, r.err);
	cr_assert_null(strstr(r.err, "fixed "), "the second --fix fixed: %s",
		       r.err);
	e2e_free(&r);
	char *twice = store_bytes(dir);
	cr_assert_str_eq(twice, once, "the second doctor --fix changed files");
	free(once);
	free(twice);
	json_t *j = doctor_doc(dir, false, &st);
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(j, "diagnostics"), i, e)
	{
		const char *code =
		    json_string_value(json_object_get(e, "code"));
		cr_assert(code && !yoi_doctor_fixable(code),
			  "a fixable finding is left after --fix: %s %s", code,
			  json_string_value(json_object_get(e, "path")));
	}
	json_decref(j);
}

void e2e_comment_commits(const char *dir, const char *id)
{
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -q --no-verify "
				 "--allow-empty -m fixture"),
		     0);
	OK(dir, "hooks", "install");
	OK(dir, "comment", id, "--message", "A new note.");
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm comment "
				 ">.git/commit.out 2>&1"),
		     0, "the hooks refused a new comment: %s",
		     e2e_read(dir, ".git/commit.out"));
	cr_assert_eq(e2e_sh(dir, "test -z \"$(git status --porcelain "
				 "--untracked-files=all)\""),
		     0, "the work tree is not clean after the commit");
}

json_t *e2e_run_json(const char *dir, const char *const *argv, int want)
{
	e2e_result r = e2e_run(dir, NULL, argv);
	json_t *j;

	cr_assert_eq(r.status, want, "status %d: %s", r.status, r.err);
	j = json_loads(r.out, 0, NULL);
	cr_assert_not_null(j, "not JSON: %s", r.out);
	e2e_free(&r);
	return j;
}

char *e2e_import_fixture(const char *rel)
{
	const char *src = getenv("YOI_SRCDIR");
	char *p = NULL;

	cr_assert_not_null(src, "YOI_SRCDIR is not set; run 'make e2e'");
	cr_assert(asprintf(&p, "%s/tests/fixtures/import/%s", src, rel) > 0);
	return p;
}

size_t e2e_tickets(const char *dir)
{
	json_t *l = E2E_JSON(dir, 0, "list", "--state", "all", "--json");
	size_t n = json_array_size(l);

	json_decref(l);
	return n;
}
