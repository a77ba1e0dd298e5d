/* Unit tests: notify runs real hook scripts written to a temporary
 * directory and checks every delivery reason, the pipes, the process
 * group, the signal mask and the file descriptors left behind. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "yoi/common.h"
#include "yoi/notify.h"

static char *tmpdir(void)
{
	char *d = strdup("/tmp/yoi-unit-notify.XXXXXX");
	cr_assert_not_null(mkdtemp(d));
	return d;
}

static void rmtree(char *d)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d);
	cr_assert_eq(system(cmd), 0);
	free(d);
}

static char *write_file(const char *dir, const char *name, const char *data,
			size_t len, mode_t mode)
{
	char *p = yoi_sprintf("%s/%s", dir, name);
	FILE *f = fopen(p, "wb");
	cr_assert_not_null(f, "%s", p);
	cr_assert_eq(fwrite(data, 1, len, f), len);
	cr_assert_eq(fclose(f), 0);
	cr_assert_eq(chmod(p, mode), 0);
	return p;
}

static char *write_exec(const char *dir, const char *name, const char *text)
{
	return write_file(dir, name, text, strlen(text), 0755);
}

static char *write_hook(const char *dir, const char *script)
{
	return write_exec(dir, "hook", script);
}

/* The whole file, NUL-terminated; *len gets its size. */
static char *slurp(const char *dir, const char *name, size_t *len)
{
	char *p = yoi_sprintf("%s/%s", dir, name);
	FILE *f = fopen(p, "rb");
	cr_assert_not_null(f, "%s was not written", p);
	yoi_buf b = YOI_BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		cr_assert_eq(yoi_buf_put(&b, chunk, n), 0);
	fclose(f);
	free(p);
	if (len)
		*len = b.len;
	return b.ptr ? yoi_buf_detach(&b) : strdup("");
}

static pid_t read_pid(const char *dir, const char *name)
{
	char *s = slurp(dir, name, NULL);
	long pid = strtol(s, NULL, 10);
	free(s);
	cr_assert_gt(pid, 1);
	return (pid_t)pid;
}

/*
 * True when pid dies within a few seconds. SIGKILL is delivered
 * asynchronously: kill(2) returns before the target has run to its death,
 * so the test waits for the exit (a pidfd turns readable) rather than
 * sampling its state once.
 */
static bool dies_soon(pid_t pid)
{
	int fd = pidfd_open(pid, 0);
	if (fd < 0)
		return errno == ESRCH; /* gone and reaped already */
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	int n;
	do
		n = poll(&pfd, 1, 10000);
	while (n < 0 && errno == EINTR);
	close(fd);
	return n == 1;
}

static size_t count_fds(void)
{
	DIR *dp = opendir("/proc/self/fd");
	cr_assert_not_null(dp);
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(dp)))
		n += de->d_name[0] != '.';
	closedir(dp);
	return n;
}

static void assert_no_children(void)
{
	int st;
	cr_assert_eq(waitpid(-1, &st, WNOHANG), -1, "a child was left behind");
	cr_assert_eq(errno, ECHILD);
}

static yoi_notify_result run(const char *path, const char *dir,
			     const char *input, size_t input_len,
			     long timeout_ms)
{
	char *denv = yoi_sprintf("D=%s", dir ? dir : "/nonexistent");
	const char *env[] = {denv, NULL};
	yoi_notify_req req = {.path = path,
			      .env = env,
			      .input = input,
			      .input_len = input_len,
			      .timeout_ms = timeout_ms};
	yoi_notify_result res;
	yoi_notify_run(&req, &res);
	free(denv);
	return res;
}

static void assert_reason(const yoi_notify_result *res, yoi_notify_reason want)
{
	cr_assert_eq(res->reason, want, "reason %s (%s), want %s",
		     yoi_notify_reason_name(res->reason), res->detail,
		     yoi_notify_reason_name(want));
}

Test(notify, reason_names)
{
	cr_assert_str_eq(yoi_notify_reason_name(YOI_NOTIFY_DELIVERED),
			 "delivered");
	cr_assert_str_eq(yoi_notify_reason_name(YOI_NOTIFY_NOT_CONFIGURED),
			 "not_configured");
	cr_assert_str_eq(yoi_notify_reason_name(YOI_NOTIFY_MISSING), "missing");
	cr_assert_str_eq(yoi_notify_reason_name(YOI_NOTIFY_NOT_EXECUTABLE),
			 "not_executable");
	cr_assert_str_eq(yoi_notify_reason_name(YOI_NOTIFY_FAILED), "failed");
	cr_assert_str_eq(yoi_notify_reason_name(YOI_NOTIFY_TIMED_OUT),
			 "timed_out");
}

Test(notify, not_configured_for_null_and_empty_path)
{
	yoi_notify_result res = run(NULL, NULL, "x", 1, 1000);
	assert_reason(&res, YOI_NOTIFY_NOT_CONFIGURED);
	cr_assert_null(res.output);
	yoi_notify_result_free(&res);
	res = run("", NULL, "x", 1, 1000);
	assert_reason(&res, YOI_NOTIFY_NOT_CONFIGURED);
	yoi_notify_result_free(&res);
	yoi_notify_result_free(NULL);
}

Test(notify, missing_file_and_missing_directory)
{
	char *d = tmpdir();
	char *p = yoi_sprintf("%s/no-such-hook", d);
	yoi_notify_result res = run(p, d, "x", 1, 1000);
	assert_reason(&res, YOI_NOTIFY_MISSING);
	char *want = yoi_sprintf("no such file: %s", p);
	cr_assert_str_eq(res.detail, want);
	cr_assert_null(res.output);
	yoi_notify_result_free(&res);
	free(want);
	free(p);

	/* A path through a regular file: ENOTDIR. */
	char *f = write_file(d, "plain", "x", 1, 0644);
	p = yoi_sprintf("%s/hook", f);
	res = run(p, d, "x", 1, 1000);
	assert_reason(&res, YOI_NOTIFY_MISSING);
	yoi_notify_result_free(&res);
	free(p);
	free(f);
	rmtree(d);
}

Test(notify, not_executable_without_the_x_bit)
{
	char *d = tmpdir();
	const char *script = "#!/bin/sh\nexit 0\n";
	char *p = write_file(d, "hook", script, strlen(script), 0644);
	yoi_notify_result res = run(p, d, "x", 1, 1000);
	assert_reason(&res, YOI_NOTIFY_NOT_EXECUTABLE);
	cr_assert(strstr(res.detail, "no execute permission"), "%s",
		  res.detail);
	cr_assert_null(res.output);
	yoi_notify_result_free(&res);
	free(p);
	rmtree(d);
}

Test(notify, not_executable_directory)
{
	char *d = tmpdir();
	char *p = yoi_sprintf("%s/hooks.d", d);
	cr_assert_eq(mkdir(p, 0755), 0);
	yoi_notify_result res = run(p, d, "x", 1, 1000);
	assert_reason(&res, YOI_NOTIFY_NOT_EXECUTABLE);
	cr_assert(strstr(res.detail, "not a regular file"), "%s", res.detail);
	yoi_notify_result_free(&res);
	free(p);
	rmtree(d);
}

Test(notify, not_executable_when_exec_refuses_the_file)
{
	/* Executable bits, but no #! line and no binary format: execve
	 * says ENOEXEC. A shell would have run it; we do not use one. */
	char *d = tmpdir();
	static const char garbage[] = "\x01\x02\x03\x04\xff\xfe\x00 binary";
	char *p = write_file(d, "hook", garbage, sizeof(garbage) - 1, 0755);
	yoi_notify_result res = run(p, d, "x", 1, 1000);
	assert_reason(&res, YOI_NOTIFY_NOT_EXECUTABLE);
	cr_assert(strstr(res.detail, "exec format error"), "%s", res.detail);
	cr_assert_eq(res.status, 0);
	yoi_notify_result_free(&res);
	free(p);

	/* A missing interpreter is the file's fault too, not "missing". */
	p = write_hook(d, "#!/nonexistent/interpreter\nexit 0\n");
	res = run(p, d, "x", 1, 1000);
	assert_reason(&res, YOI_NOTIFY_NOT_EXECUTABLE);
	cr_assert(strstr(res.detail, "bad interpreter"), "%s", res.detail);
	yoi_notify_result_free(&res);
	free(p);
	assert_no_children();
	rmtree(d);
}

Test(notify, delivered_with_the_exact_notice_and_environment)
{
	char *d = tmpdir();
	char *p = write_hook(d, "#!/bin/sh\n"
				"cat > \"$D/stdin\"\n"
				"env > \"$D/env\"\n"
				"echo hello\n");
	cr_assert_eq(setenv("YOI_NOTIFY_T_INHERIT", "yes", 1), 0);
	cr_assert_eq(setenv("YOI_NOTIFY_T_OVERRIDE", "old", 1), 0);
	char *denv = yoi_sprintf("D=%s", d);
	const char *env[] = {denv,
			     "YOI_TICKET=01JABCDEFGHJKMNPQRSTVWXYZ0",
			     "YOI_NOTIFY_T_OVERRIDE=first",
			     "YOI_EVENT=state",
			     "YOI_NOTIFY_T_OVERRIDE=new",
			     "NO_EQUALS_SIGN",
			     NULL};
	static const char notice[] =
	    "# Ticket event\n\nbinary: \0\xff\x01 end\n";
	yoi_notify_req req = {.path = p,
			      .env = env,
			      .input = notice,
			      .input_len = sizeof(notice) - 1,
			      .timeout_ms = 10000};
	yoi_notify_result res;
	yoi_notify_run(&req, &res);
	assert_reason(&res, YOI_NOTIFY_DELIVERED);
	cr_assert_str_eq(res.detail, "exit status 0");
	cr_assert_eq(res.status, 0);
	cr_assert_str_eq(res.output, "hello\n");
	cr_assert_eq(res.output_len, 6);
	cr_assert_eq(res.output_lost, 0);
	cr_assert_geq(res.elapsed_ms, 0);

	size_t len;
	char *in = slurp(d, "stdin", &len);
	cr_assert_eq(len, sizeof(notice) - 1);
	cr_assert_eq(memcmp(in, notice, len), 0);
	free(in);

	char *envout = slurp(d, "env", NULL);
	cr_assert(strstr(envout, "\nYOI_TICKET=01JABCDEFGHJKMNPQRSTVWXYZ0\n"),
		  "%s", envout);
	cr_assert(strstr(envout, "\nYOI_EVENT=state\n"));
	cr_assert(strstr(envout, "\nYOI_NOTIFY_T_INHERIT=yes\n"));
	const char *ov = strstr(envout, "YOI_NOTIFY_T_OVERRIDE=");
	cr_assert_not_null(ov);
	cr_assert_eq(strncmp(ov, "YOI_NOTIFY_T_OVERRIDE=new\n", 26), 0);
	cr_assert_null(strstr(ov + 1, "YOI_NOTIFY_T_OVERRIDE="),
		       "one entry per key");
	cr_assert_null(strstr(envout, "NO_EQUALS_SIGN"));
	free(envout);

	yoi_notify_result_free(&res);
	cr_assert_null(res.output);
	assert_no_children();
	free(denv);
	free(p);
	rmtree(d);
}

Test(notify, stdout_and_stderr_share_one_pipe)
{
	char *d = tmpdir();
	char *p = write_hook(d, "#!/bin/sh\n"
				"echo out\n"
				"echo err >&2\n"
				"echo out again\n");
	yoi_notify_result res = run(p, d, NULL, 0, 10000);
	assert_reason(&res, YOI_NOTIFY_DELIVERED);
	cr_assert_str_eq(res.output, "out\nerr\nout again\n");
	yoi_notify_result_free(&res);
	free(p);
	rmtree(d);
}

Test(notify, failed_with_the_exit_status)
{
	char *d = tmpdir();
	char *p = write_hook(d, "#!/bin/sh\necho cannot reach chat >&2\n"
				"exit 3\n");
	yoi_notify_result res = run(p, d, "x", 1, 10000);
	assert_reason(&res, YOI_NOTIFY_FAILED);
	cr_assert_eq(res.status, 3);
	cr_assert_str_eq(res.detail, "exit status 3");
	cr_assert_str_eq(res.output, "cannot reach chat\n");
	yoi_notify_result_free(&res);

	/* 127 from the hook itself is an exit status, not an exec failure. */
	free(p);
	p = write_hook(d, "#!/bin/sh\nexit 127\n");
	res = run(p, d, "x", 1, 10000);
	assert_reason(&res, YOI_NOTIFY_FAILED);
	cr_assert_eq(res.status, 127);
	yoi_notify_result_free(&res);
	assert_no_children();
	free(p);
	rmtree(d);
}

Test(notify, failed_when_killed_by_a_signal)
{
	char *d = tmpdir();
	char *p = write_hook(d, "#!/bin/sh\nkill -TERM $$\nsleep 30\n");
	yoi_notify_result res = run(p, d, "x", 1, 10000);
	assert_reason(&res, YOI_NOTIFY_FAILED);
	cr_assert_eq(res.status, 143);
	cr_assert_str_eq(res.detail, "killed by signal 15 (SIGTERM)");
	yoi_notify_result_free(&res);
	free(p);
	rmtree(d);
}

Test(notify, timed_out_kills_the_whole_group)
{
	char *d = tmpdir();
	char *p = write_hook(d, "#!/bin/sh\n"
				"sleep 30 &\n"
				"echo $! > \"$D/pid.tmp\"\n"
				"mv \"$D/pid.tmp\" \"$D/pid\"\n"
				"echo waiting\n"
				"wait\n");
	yoi_notify_result res = run(p, d, "x", 1, 1000);
	assert_reason(&res, YOI_NOTIFY_TIMED_OUT);
	cr_assert_str_eq(res.detail, "timed out after 1000 ms, killed");
	cr_assert_geq(res.elapsed_ms, 1000);
	cr_assert_lt(res.elapsed_ms, 30000, "waited for the sleep to end");
	cr_assert_str_eq(res.output, "waiting\n");
	pid_t grandchild = read_pid(d, "pid");
	cr_assert(dies_soon(grandchild),
		  "the hook's background sleep survived the timeout");
	assert_no_children();
	yoi_notify_result_free(&res);
	free(p);
	rmtree(d);
}

Test(notify, output_flood_is_drained_and_capped)
{
	char *d = tmpdir();
	char *p = write_hook(d, "#!/bin/sh\n"
				"head -c 20000000 /dev/zero\n"
				"exit 0\n");
	yoi_notify_result res = run(p, d, "x", 1, 60000);
	assert_reason(&res, YOI_NOTIFY_DELIVERED);
	cr_assert_eq(res.output_len, YOI_NOTIFY_OUTPUT_MAX);
	cr_assert_eq(res.output_lost, 20000000 - YOI_NOTIFY_OUTPUT_MAX);
	cr_assert_eq(res.output[YOI_NOTIFY_OUTPUT_MAX], '\0');
	yoi_notify_result_free(&res);
	free(p);
	rmtree(d);
}

static char *big_notice(size_t len)
{
	char *s = malloc(len);
	cr_assert_not_null(s);
	for (size_t i = 0; i < len; i++)
		s[i] = (char)('a' + i % 26);
	return s;
}

Test(notify, hook_that_never_reads_stdin)
{
	char *d = tmpdir();
	char *p = write_hook(d, "#!/bin/sh\necho ignored the notice\n");
	size_t len = 1 << 20;
	char *notice = big_notice(len);
	yoi_notify_result res = run(p, d, notice, len, 60000);
	assert_reason(&res, YOI_NOTIFY_DELIVERED);
	cr_assert_str_eq(res.output, "ignored the notice\n");
	yoi_notify_result_free(&res);
	free(notice);
	free(p);
	rmtree(d);
}

Test(notify, hook_that_writes_before_reading_does_not_deadlock)
{
	/* Both pipes full at once: the hook blocks on stdout until we read
	 * it, while we still have most of the notice to write. */
	char *d = tmpdir();
	char *p = write_hook(d, "#!/bin/sh\n"
				"head -c 1000000 /dev/zero\n"
				"wc -c > \"$D/count\"\n");
	size_t len = 1 << 20;
	char *notice = big_notice(len);
	yoi_notify_result res = run(p, d, notice, len, 60000);
	assert_reason(&res, YOI_NOTIFY_DELIVERED);
	cr_assert_eq(res.output_len + res.output_lost, 1000000);
	char *count = slurp(d, "count", NULL);
	cr_assert_eq(strtol(count, NULL, 10), (long)len);
	free(count);
	yoi_notify_result_free(&res);
	free(notice);
	free(p);
	rmtree(d);
}

Test(notify, background_grandchild_does_not_delay_the_return)
{
	char *d = tmpdir();
	char *p = write_hook(d, "#!/bin/sh\n"
				"sleep 30 &\n"
				"echo $! > \"$D/pid\"\n"
				"echo started\n"
				"exit 0\n");
	yoi_notify_result res = run(p, d, "x", 1, 5000);
	assert_reason(&res, YOI_NOTIFY_DELIVERED);
	cr_assert_lt(res.elapsed_ms, 5000);
	cr_assert_str_eq(res.output, "started\n");
	assert_no_children();
	pid_t bg = read_pid(d, "pid");
	kill(bg, SIGKILL); /* not ours to reap: it was the hook's child */
	yoi_notify_result_free(&res);
	free(p);
	rmtree(d);
}

Test(notify, runs_in_the_given_directory)
{
	char *d = tmpdir();
	char *p = write_hook(d, "#!/bin/sh\npwd -P > \"$D/pwd\"\n");
	char *work = yoi_sprintf("%s/work", d);
	cr_assert_eq(mkdir(work, 0755), 0);
	char *denv = yoi_sprintf("D=%s", d);
	const char *env[] = {denv, NULL};
	yoi_notify_req req = {
	    .path = p, .cwd = work, .env = env, .timeout_ms = 10000};
	yoi_notify_result res;
	yoi_notify_run(&req, &res);
	assert_reason(&res, YOI_NOTIFY_DELIVERED);
	yoi_notify_result_free(&res);
	char real[PATH_MAX];
	cr_assert_not_null(realpath(work, real));
	char *pwd = slurp(d, "pwd", NULL);
	char *want = yoi_sprintf("%s\n", real);
	cr_assert_str_eq(pwd, want);
	free(want);
	free(pwd);

	/* A relative path is found in cwd, where exec looks for it. */
	req.path = "hook";
	req.cwd = d;
	yoi_notify_run(&req, &res);
	assert_reason(&res, YOI_NOTIFY_DELIVERED);
	yoi_notify_result_free(&res);
	req.cwd = work;
	yoi_notify_run(&req, &res);
	assert_reason(&res, YOI_NOTIFY_MISSING);
	yoi_notify_result_free(&res);

	free(denv);
	free(work);
	free(p);
	rmtree(d);
}

Test(notify, unusable_directory_is_failed)
{
	char *d = tmpdir();
	char *p = write_hook(d, "#!/bin/sh\nexit 0\n");
	char *gone = yoi_sprintf("%s/gone", d);
	yoi_notify_req req = {.path = p, .cwd = gone, .timeout_ms = 10000};
	yoi_notify_result res;
	yoi_notify_run(&req, &res);
	assert_reason(&res, YOI_NOTIFY_FAILED);
	cr_assert(strstr(res.detail, "cannot enter"), "%s", res.detail);
	cr_assert(strstr(res.detail, gone), "%s", res.detail);
	assert_no_children();
	yoi_notify_result_free(&res);
	free(gone);
	free(p);
	rmtree(d);
}

static volatile sig_atomic_t sigpipes;

static void on_sigpipe(int sig)
{
	(void)sig;
	sigpipes++;
}

static bool same_mask(const sigset_t *a, const sigset_t *b)
{
	for (int sig = 1; sig < NSIG; sig++)
		if (sigismember(a, sig) != sigismember(b, sig))
			return false;
	return true;
}

Test(notify, sigpipe_is_not_raised_in_the_caller)
{
	struct sigaction sa, now;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigpipe;
	sigemptyset(&sa.sa_mask);
	cr_assert_eq(sigaction(SIGPIPE, &sa, NULL), 0);
	sigset_t before, after, pending;
	sigprocmask(SIG_SETMASK, NULL, &before);

	char *d = tmpdir();
	char *p = write_hook(d, "#!/bin/sh\nexit 0\n");
	size_t len = 1 << 20;
	char *notice = big_notice(len);
	for (int i = 0; i < 5; i++) {
		yoi_notify_result res = run(p, d, notice, len, 60000);
		assert_reason(&res, YOI_NOTIFY_DELIVERED);
		yoi_notify_result_free(&res);
	}
	cr_assert_eq(sigpipes, 0, "SIGPIPE reached the caller");
	cr_assert_eq(sigaction(SIGPIPE, NULL, &now), 0);
	cr_assert(now.sa_handler == on_sigpipe, "disposition changed");
	sigprocmask(SIG_SETMASK, NULL, &after);
	cr_assert(same_mask(&before, &after), "signal mask changed");
	sigpending(&pending);
	cr_assert_not(sigismember(&pending, SIGPIPE));
	free(notice);
	free(p);
	rmtree(d);
}

Test(notify, sigpipe_blocked_by_the_caller_stays_blocked_and_clear)
{
	sigset_t block, before, after, pending;
	sigemptyset(&block);
	sigaddset(&block, SIGPIPE);
	sigprocmask(SIG_BLOCK, &block, &before);
	sigprocmask(SIG_SETMASK, NULL, &before);

	char *d = tmpdir();
	char *p = write_hook(d, "#!/bin/sh\nexit 0\n");
	size_t len = 1 << 20;
	char *notice = big_notice(len);
	for (int i = 0; i < 5; i++) {
		yoi_notify_result res = run(p, d, notice, len, 60000);
		assert_reason(&res, YOI_NOTIFY_DELIVERED);
		yoi_notify_result_free(&res);
	}
	sigprocmask(SIG_SETMASK, NULL, &after);
	cr_assert(same_mask(&before, &after), "signal mask changed");
	sigpending(&pending);
	cr_assert_not(sigismember(&pending, SIGPIPE), "SIGPIPE left pending");
	free(notice);
	free(p);
	rmtree(d);
}

Test(notify, hook_gets_default_signals_and_none_of_our_fds)
{
	/* The caller ignores SIGTERM, blocks SIGUSR1 and holds an fd that
	 * is not close-on-exec: none of it reaches the hook. */
	signal(SIGTERM, SIG_IGN);
	sigset_t block;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, NULL);
	int leak = open("/dev/null", O_RDONLY);
	cr_assert_geq(leak, 3);

	/* No shell between us and the process that reports (sh clears its
	 * signal mask at start): the kernel runs "cat /proc/self/status
	 * hook", and cat shows what it inherited. */
	char *d = tmpdir();
	char *p = write_hook(d, "#!/bin/cat /proc/self/status\n");
	yoi_notify_result res = run(p, d, NULL, 0, 10000);
	assert_reason(&res, YOI_NOTIFY_DELIVERED);
	cr_assert(strstr(res.output, "\nSigBlk:\t0000000000000000\n"), "%s",
		  res.output);
	/* Signals 32 and 33 are glibc's own (sigaction refuses them), and
	 * make passes 32 ignored: only the standard signals are ours. */
	const char *ign = strstr(res.output, "\nSigIgn:\t");
	cr_assert_not_null(ign, "%s", res.output);
	unsigned long long mask = strtoull(ign + 9, NULL, 16);
	cr_assert_eq(mask & 0x7fffffffull, 0, "%s", res.output);
	yoi_notify_result_free(&res);
	free(p);

	p = write_hook(d, "#!/bin/sh\n"
			  "if [ -e /proc/$$/fd/$FD ]; then echo open;"
			  " else echo closed; fi\n");
	char *denv = yoi_sprintf("D=%s", d);
	char *fdenv = yoi_sprintf("FD=%d", leak);
	const char *env[] = {denv, fdenv, NULL};
	yoi_notify_req req = {.path = p, .env = env, .timeout_ms = 10000};
	yoi_notify_run(&req, &res);
	assert_reason(&res, YOI_NOTIFY_DELIVERED);
	cr_assert_str_eq(res.output, "closed\n");
	yoi_notify_result_free(&res);

	cr_assert(signal(SIGTERM, SIG_DFL) == SIG_IGN, "our SIGTERM kept");
	sigset_t now;
	sigprocmask(SIG_SETMASK, NULL, &now);
	cr_assert(sigismember(&now, SIGUSR1), "our mask kept");
	free(fdenv);
	free(denv);
	close(leak);
	free(p);
	rmtree(d);
}

Test(notify, works_when_the_caller_has_no_stdio)
{
	/* Pipes then land on fds 0-2; the child must not dup2 one of them
	 * over another or leave its stdin close-on-exec. */
	int saved[3];
	for (int i = 0; i < 3; i++)
		cr_assert_geq(saved[i] = dup(i), 0);
	char *d = tmpdir();
	char *p = write_hook(d, "#!/bin/sh\ncat\necho done >&2\n");
	for (int i = 0; i < 3; i++)
		close(i);
	yoi_notify_result res = run(p, d, "notice\n", 7, 10000);
	for (int i = 0; i < 3; i++) {
		dup2(saved[i], i);
		close(saved[i]);
	}
	assert_reason(&res, YOI_NOTIFY_DELIVERED);
	cr_assert_str_eq(res.output, "notice\ndone\n");
	yoi_notify_result_free(&res);
	free(p);
	rmtree(d);
}

Test(notify, no_fd_is_leaked_and_no_child_is_left)
{
	char *d = tmpdir();
	char *ok = write_exec(d, "ok", "#!/bin/sh\ncat >/dev/null\n");
	char *fail = write_exec(d, "fail", "#!/bin/sh\nexit 3\n");
	char *slow = write_exec(d, "slow", "#!/bin/sh\nsleep 30\n");
	char *bad = write_exec(d, "bad", "\x01\x02garbage");
	char *bg = write_exec(d, "bg",
			      "#!/bin/sh\nsleep 30 &\n"
			      "echo $! > \"$D/pid\"\n");
	char *gone = yoi_sprintf("%s/gone", d);
	const char *hooks[] = {ok, fail, slow, bad, bg, gone, NULL};

	size_t before = count_fds();
	for (int i = 0; hooks[i]; i++) {
		long timeout = hooks[i] == slow ? 100 : 10000;
		yoi_notify_result res = run(hooks[i], d, "notice", 6, timeout);
		yoi_notify_result_free(&res);
	}
	cr_assert_eq(count_fds(), before, "fds leaked");
	assert_no_children();
	kill(read_pid(d, "pid"), SIGKILL);

	free(ok);
	free(fail);
	free(slow);
	free(bad);
	free(bg);
	free(gone);
	rmtree(d);
}
