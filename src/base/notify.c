/*
 * notify.c - run the ticket-event hook: fork + execve (no shell), then one
 * poll loop that feeds the notice to its stdin, drains its output and
 * watches for its exit under a deadline.
 *
 * The child reports a failure to set itself up or to exec through a
 * close-on-exec pipe, so the parent can tell "exec refused the file"
 * (not_executable) from "the hook ran and exited 127" (failed).
 */
#include "yoi/notify.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* waitpid is polled this often: a hook's exit is noticed within a tick. */
#define TICK_MS	   10
#define READ_CHUNK 65536
/* Reads between deadline checks, so a flood cannot starve the deadline. */
#define READS_PER_TICK 16
/* Reads after the hook exited: what is already in the pipe, not a stream a
 * grandchild keeps writing. */
#define READS_AFTER_EXIT 64
#define TIMEOUT_MAX_MS	 (24L * 3600 * 1000)
/* Fallback bound for marking inherited fds close-on-exec. */
#define FD_SCAN_MAX 65536

enum { STAGE_SETUP = 1, STAGE_CHDIR, STAGE_EXEC };

/* What the child writes to the report pipe when it cannot exec. */
typedef struct child_report {
	int stage;
	int err;
} child_report;

/* Everything the child needs, prepared before fork (no malloc after). */
typedef struct spawn {
	const char *path;
	const char *cwd;
	char *argv[2];
	char **envp;
	int in_r, out_w, report_w;
	int fd_max;
} spawn;

/* The parent's side of a running hook. */
typedef struct run {
	pid_t pid;
	int in_w, out_r;
	const char *input;
	size_t input_len, input_off;
	char *buf; /* YOI_NOTIFY_OUTPUT_MAX + 1 bytes */
	size_t len, lost;
	bool epipe;
} run;

static const char *const reason_names[] = {
    [YOI_NOTIFY_DELIVERED] = "delivered",
    [YOI_NOTIFY_NOT_CONFIGURED] = "not_configured",
    [YOI_NOTIFY_MISSING] = "missing",
    [YOI_NOTIFY_NOT_EXECUTABLE] = "not_executable",
    [YOI_NOTIFY_FAILED] = "failed",
    [YOI_NOTIFY_TIMED_OUT] = "timed_out",
    [YOI_NOTIFY_UNTRUSTED] = "untrusted",
};

const char *yoi_notify_reason_name(yoi_notify_reason r)
{
	if ((unsigned)r >= sizeof(reason_names) / sizeof(reason_names[0]))
		return "unknown";
	return reason_names[r];
}

void yoi_notify_result_free(yoi_notify_result *r)
{
	if (!r)
		return;
	free(r->output);
	r->output = NULL;
	r->output_len = 0;
}

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void set_reason(yoi_notify_result *out, yoi_notify_reason reason,
		       const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_reason(yoi_notify_result *out, yoi_notify_reason reason,
		       const char *fmt, ...)
{
	out->reason = reason;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out->detail, sizeof(out->detail), fmt, ap);
	va_end(ap);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static size_t key_len(const char *s)
{
	return (size_t)(strchrnul(s, '=') - s);
}

static bool same_key(const char *a, const char *b)
{
	size_t la = key_len(a);
	return la == key_len(b) && memcmp(a, b, la) == 0;
}

/*
 * Our environment with req->env laid over it: an extra entry replaces an
 * inherited one of the same key, and of two extra entries with one key the
 * later wins. Entries without '=' are ignored. Only the pointer array is
 * allocated; the strings stay where they are until the child execs.
 */
static char **build_env(const char *const *extra)
{
	size_t n_env = 0, n_extra = 0;
	while (environ && environ[n_env])
		n_env++;
	while (extra && extra[n_extra])
		n_extra++;
	char **envp = calloc(n_env + n_extra + 1, sizeof(*envp));
	if (!envp)
		return NULL;
	size_t n = 0;
	for (size_t i = 0; i < n_env; i++) {
		bool overridden = false;
		for (size_t j = 0; j < n_extra && !overridden; j++)
			overridden = strchr(extra[j], '=') &&
				     same_key(environ[i], extra[j]);
		if (!overridden)
			envp[n++] = environ[i];
	}
	for (size_t j = 0; j < n_extra; j++) {
		if (!strchr(extra[j], '='))
			continue;
		bool later = false;
		for (size_t k = j + 1; k < n_extra && !later; k++)
			later = same_key(extra[j], extra[k]);
		if (!later)
			envp[n++] = (char *)extra[j];
	}
	envp[n] = NULL;
	return envp;
}

/*
 * A close-on-exec pipe whose ends are both >= 3, so that the child's
 * dup2 onto 0, 1 and 2 never overwrites a pipe end it still needs (the
 * caller may run with stdin or stdout closed).
 */
static int pipe_high(int fds[2])
{
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	for (int i = 0; i < 2; i++) {
		if (fds[i] >= 3)
			continue;
		int fd = fcntl(fds[i], F_DUPFD_CLOEXEC, 3);
		if (fd < 0) {
			int e = errno;
			close(fds[0]);
			close(fds[1]);
			fds[0] = fds[1] = -1;
			errno = e;
			return -1;
		}
		close(fds[i]);
		fds[i] = fd;
	}
	return 0;
}

static int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0)
		return -1;
	return fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* Child only: async-signal-safe calls from here to execve. */
static void child_fail(int report_w, int stage, int err)
    __attribute__((noreturn));

static void child_fail(int report_w, int stage, int err)
{
	child_report rep = {stage, err};
	ssize_t n;
	do
		n = write(report_w, &rep, sizeof(rep));
	while (n < 0 && errno == EINTR);
	_exit(127);
}

static void child_exec(const spawn *sp) __attribute__((noreturn));

static void child_exec(const spawn *sp)
{
	/* The parent does the same; whichever runs first makes the group. */
	setpgid(0, 0);

	/*
	 * All signals are still blocked (the parent blocked them before
	 * fork), so none of the caller's handlers can run here. Ignored
	 * signals would stay ignored across exec: reset every disposition.
	 */
	struct sigaction dfl;
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			sigaction(sig, &dfl, NULL); /* internal ones: EINVAL */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	if (dup2(sp->in_r, 0) < 0 || dup2(sp->out_w, 1) < 0 ||
	    dup2(sp->out_w, 2) < 0)
		child_fail(sp->report_w, STAGE_SETUP, errno);
	/* Our own pipe ends are close-on-exec already; the caller's fds
	 * may not be. */
	if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		for (int fd = 3; fd < sp->fd_max; fd++)
			fcntl(fd, F_SETFD, FD_CLOEXEC);

	if (sp->cwd && chdir(sp->cwd) < 0)
		child_fail(sp->report_w, STAGE_CHDIR, errno);
	execve(sp->path, sp->argv, sp->envp);
	child_fail(sp->report_w, STAGE_EXEC, errno);
}

/* Write as much of the notice as the pipe takes now; close it when done
 * or when the hook stopped reading. */
static void feed(run *r)
{
	while (r->in_w >= 0) {
		if (r->input_off >= r->input_len) {
			close_fd(&r->in_w);
			return;
		}
		ssize_t n = write(r->in_w, r->input + r->input_off,
				  r->input_len - r->input_off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0) {
			/* EPIPE: the hook exited or closed stdin unread,
			 * which is its right. */
			if (errno == EPIPE)
				r->epipe = true;
			close_fd(&r->in_w);
			return;
		}
		r->input_off += (size_t)n;
	}
}

/* Read what is readable now, at most max_reads times: keep the first
 * YOI_NOTIFY_OUTPUT_MAX bytes, count the rest. */
static void drain(run *r, char *scratch, int max_reads)
{
	for (int i = 0; i < max_reads && r->out_r >= 0; i++) {
		char *dst = scratch;
		size_t cap = READ_CHUNK;
		bool keep = r->len < YOI_NOTIFY_OUTPUT_MAX;
		if (keep) {
			dst = r->buf + r->len;
			cap = YOI_NOTIFY_OUTPUT_MAX - r->len;
		}
		ssize_t n = read(r->out_r, dst, cap);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			close_fd(&r->out_r);
			return;
		}
		if (keep)
			r->len += (size_t)n;
		else
			r->lost += (size_t)n;
	}
}

static void kill_group(pid_t pid)
{
	/* The child's group is its pid; if setpgid failed on both sides
	 * there is no such group, and the child alone is killed. */
	if (kill(-pid, SIGKILL) < 0)
		kill(pid, SIGKILL);
}

static int wait_blocking(pid_t pid, int *status)
{
	pid_t w;
	do
		w = waitpid(pid, status, 0);
	while (w < 0 && errno == EINTR);
	return w == pid ? 0 : -1;
}

/*
 * A SIGPIPE raised by our write to the hook's stdin is pending on this
 * thread (it was blocked); take it so that restoring the caller's mask
 * does not deliver it. One that was pending before we started is the
 * caller's and stays.
 */
static void consume_sigpipe(const sigset_t *pending_before)
{
	if (sigismember(pending_before, SIGPIPE))
		return;
	sigset_t pending;
	if (sigpending(&pending) < 0 || !sigismember(&pending, SIGPIPE))
		return;
	sigset_t only;
	sigemptyset(&only);
	sigaddset(&only, SIGPIPE);
	const struct timespec zero = {0, 0};
	for (int i = 0; i < 8; i++)
		if (sigtimedwait(&only, NULL, &zero) >= 0 || errno != EINTR)
			break;
}

static bool exec_errno_is_resource(int e)
{
	return e == ENOMEM || e == E2BIG || e == EAGAIN || e == EMFILE ||
	       e == ENFILE || e == ETXTBSY || e == EIO;
}

static void set_report_reason(yoi_notify_result *out, const child_report *rep,
			      const yoi_notify_req *req)
{
	int e = rep->err;
	if (rep->stage == STAGE_CHDIR)
		set_reason(out, YOI_NOTIFY_FAILED, "cannot enter %s: %s",
			   req->cwd, strerror(e));
	else if (rep->stage != STAGE_EXEC)
		set_reason(out, YOI_NOTIFY_FAILED,
			   "cannot set up the hook's stdio: %s", strerror(e));
	else if (exec_errno_is_resource(e))
		set_reason(out, YOI_NOTIFY_FAILED, "cannot execute (%s): %s",
			   strerror(e), req->path);
	else if (e == ENOEXEC)
		set_reason(out, YOI_NOTIFY_NOT_EXECUTABLE,
			   "not executable (exec format error; no #! line?): "
			   "%s",
			   req->path);
	else if (e == ENOENT || e == ENOTDIR)
		/* The file was there a moment ago: its #! interpreter (or
		 * ELF loader) is what is missing. */
		set_reason(out, YOI_NOTIFY_NOT_EXECUTABLE,
			   "not executable (bad interpreter: %s): %s",
			   strerror(e), req->path);
	else
		set_reason(out, YOI_NOTIFY_NOT_EXECUTABLE,
			   "not executable (%s): %s", strerror(e), req->path);
}

static void set_exit_reason(yoi_notify_result *out, int status)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		set_reason(out, YOI_NOTIFY_DELIVERED, "exit status 0");
	} else if (WIFEXITED(status)) {
		out->status = WEXITSTATUS(status);
		set_reason(out, YOI_NOTIFY_FAILED, "exit status %d",
			   out->status);
	} else if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);
		const char *abbrev = sigabbrev_np(sig);
		out->status = 128 + sig;
		set_reason(out, YOI_NOTIFY_FAILED, "killed by signal %d%s%s%s",
			   sig, abbrev ? " (SIG" : "", abbrev ? abbrev : "",
			   abbrev ? ")" : "");
	} else {
		set_reason(out, YOI_NOTIFY_FAILED, "unexpected wait status %#x",
			   (unsigned)status);
	}
}

/*
 * Checks before fork, on the file exec will see: a relative path is taken
 * relative to req->cwd when one is given, as execve after chdir will.
 */
static bool precheck(const yoi_notify_req *req, yoi_notify_result *out)
{
	char *joined = NULL;
	const char *p = req->path;
	if (req->cwd && p[0] != '/') {
		joined = yoi_sprintf("%s/%s", req->cwd, p);
		if (!joined) {
			set_reason(out, YOI_NOTIFY_FAILED, "out of memory");
			return false;
		}
		p = joined;
	}
	bool ok = false;
	struct stat sb;
	if (stat(p, &sb) < 0) {
		int e = errno;
		if (e == ENOENT || e == ENOTDIR)
			set_reason(out, YOI_NOTIFY_MISSING, "no such file: %s",
				   req->path);
		else
			set_reason(out, YOI_NOTIFY_NOT_EXECUTABLE,
				   "not executable (cannot stat: %s): %s",
				   strerror(e), req->path);
	} else if (!S_ISREG(sb.st_mode)) {
		set_reason(out, YOI_NOTIFY_NOT_EXECUTABLE,
			   "not a regular file: %s", req->path);
	} else if (faccessat(AT_FDCWD, p, X_OK, AT_EACCESS) < 0) {
		set_reason(out, YOI_NOTIFY_NOT_EXECUTABLE,
			   "not executable (no execute permission): %s",
			   req->path);
	} else {
		ok = true;
	}
	free(joined);
	return ok;
}

/*
 * The poll loop. Returns with the child reaped: *status is its wait
 * status, or *timed_out is set (killed at the deadline), or *fail_errno
 * says why the loop itself failed (the child was killed and reaped).
 */
static void supervise(run *r, int64_t deadline, int *status, bool *timed_out,
		      int *fail_errno, const char **fail_what)
{
	char scratch[READ_CHUNK];
	bool gone = false; /* reaped, by us or (ECHILD) by someone else */
	feed(r);
	for (;;) {
		pid_t w = waitpid(r->pid, status, WNOHANG);
		if (w == r->pid) {
			gone = true;
			break;
		}
		if (w < 0 && errno != EINTR) {
			/* ECHILD: reaped behind our back (SIGCHLD set to
			 * SIG_IGN, or a handler calling wait). */
			*fail_errno = errno;
			*fail_what = "cannot wait for the hook";
			gone = true;
			break;
		}
		int64_t now = now_ns();
		if (now >= deadline) {
			*timed_out = true;
			break;
		}
		struct pollfd pfd[2];
		nfds_t n = 0;
		int in_i = -1, out_i = -1;
		if (r->in_w >= 0) {
			in_i = (int)n;
			pfd[n++] =
			    (struct pollfd){.fd = r->in_w, .events = POLLOUT};
		}
		if (r->out_r >= 0) {
			out_i = (int)n;
			pfd[n++] =
			    (struct pollfd){.fd = r->out_r, .events = POLLIN};
		}
		int64_t left_ms = (deadline - now + 999999) / 1000000;
		int ms = left_ms < TICK_MS ? (int)left_ms : TICK_MS;
		int pr = poll(pfd, n, ms);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr < 0) {
			*fail_errno = errno;
			*fail_what = "poll failed";
			break;
		}
		/* POLLERR on stdin: the hook closed it; the write says so. */
		if (in_i >= 0 && pfd[in_i].revents)
			feed(r);
		if (out_i >= 0 && pfd[out_i].revents)
			drain(r, scratch, READS_PER_TICK);
	}
	if (!gone) {
		kill_group(r->pid);
		if (wait_blocking(r->pid, status) < 0 && !*fail_errno) {
			*fail_errno = errno;
			*fail_what = "cannot wait for the hook";
		}
	}
	/*
	 * What the hook wrote before it exited is in the pipe now. A
	 * background grandchild may hold the write end open forever, so
	 * take what is there and do not wait for EOF.
	 */
	drain(r, scratch, READS_AFTER_EXIT);
}

static int fd_scan_max(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur > FD_SCAN_MAX)
		return FD_SCAN_MAX;
	return (int)rl.rlim_cur;
}

void yoi_notify_run(const yoi_notify_req *req, yoi_notify_result *out)
{
	int64_t start = now_ns();
	memset(out, 0, sizeof(*out));
	if (!req || !req->path || !req->path[0]) {
		set_reason(out, YOI_NOTIFY_NOT_CONFIGURED,
			   "no hook configured");
		return;
	}
	yoi_notify_req rq = *req;
	if (rq.cwd && !rq.cwd[0])
		rq.cwd = NULL;
	if (!rq.input)
		rq.input_len = 0;
	long timeout_ms = rq.timeout_ms;
	if (timeout_ms < 1)
		timeout_ms = 1;
	if (timeout_ms > TIMEOUT_MAX_MS)
		timeout_ms = TIMEOUT_MAX_MS;

	if (!precheck(&rq, out)) {
		out->elapsed_ms = (long)((now_ns() - start) / 1000000);
		return;
	}

	spawn sp = {.path = rq.path,
		    .cwd = rq.cwd,
		    .argv = {(char *)rq.path, NULL},
		    .fd_max = fd_scan_max()};
	run r = {.pid = -1,
		 .in_w = -1,
		 .out_r = -1,
		 .input = rq.input,
		 .input_len = rq.input_len};
	int in[2] = {-1, -1}, outp[2] = {-1, -1}, rep[2] = {-1, -1};
	sp.envp = build_env(rq.env);
	r.buf = malloc(YOI_NOTIFY_OUTPUT_MAX + 1);
	if (!sp.envp || !r.buf) {
		set_reason(out, YOI_NOTIFY_FAILED, "out of memory");
		goto done;
	}
	if (pipe_high(in) < 0 || pipe_high(outp) < 0 || pipe_high(rep) < 0 ||
	    set_nonblock(in[1]) < 0 || set_nonblock(outp[0]) < 0 ||
	    set_nonblock(rep[0]) < 0) {
		set_reason(out, YOI_NOTIFY_FAILED, "cannot make pipes: %s",
			   strerror(errno));
		goto done;
	}
	sp.in_r = in[0];
	sp.out_w = outp[1];
	sp.report_w = rep[1];

	/*
	 * Block every signal across fork so that none of the caller's
	 * handlers runs in the child before it resets them; in the parent,
	 * keep SIGPIPE blocked while we write to the hook's stdin.
	 */
	sigset_t all, caller_mask, loop_mask, pending_before;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &caller_mask);
	if (sigpending(&pending_before) < 0)
		sigemptyset(&pending_before);
	r.pid = fork();
	if (r.pid == 0)
		child_exec(&sp);
	int fork_errno = errno;
	loop_mask = caller_mask;
	sigaddset(&loop_mask, SIGPIPE);
	pthread_sigmask(SIG_SETMASK, &loop_mask, NULL);
	if (r.pid < 0) {
		pthread_sigmask(SIG_SETMASK, &caller_mask, NULL);
		set_reason(out, YOI_NOTIFY_FAILED, "cannot fork: %s",
			   strerror(fork_errno));
		goto done;
	}
	/* Also here, so the group exists before any kill(-pid); EACCES
	 * means the child has exec'd, having done it itself. */
	setpgid(r.pid, r.pid);
	close_fd(&in[0]);
	close_fd(&outp[1]);
	close_fd(&rep[1]);
	r.in_w = in[1];
	r.out_r = outp[0];
	in[1] = outp[0] = -1;

	int status = 0, fail_errno = 0;
	bool timed_out = false;
	const char *fail_what = NULL;
	supervise(&r, start + (int64_t)timeout_ms * 1000000, &status,
		  &timed_out, &fail_errno, &fail_what);
	close_fd(&r.in_w);
	close_fd(&r.out_r);
	if (r.epipe)
		consume_sigpipe(&pending_before);
	pthread_sigmask(SIG_SETMASK, &caller_mask, NULL);

	/* The child is gone, so its report (if any) is in the pipe. */
	child_report report;
	ssize_t got;
	do
		got = read(rep[0], &report, sizeof(report));
	while (got < 0 && errno == EINTR);

	if (got == (ssize_t)sizeof(report))
		set_report_reason(out, &report, &rq);
	else if (timed_out)
		set_reason(out, YOI_NOTIFY_TIMED_OUT,
			   "timed out after %ld ms, killed", timeout_ms);
	else if (fail_errno)
		set_reason(out, YOI_NOTIFY_FAILED, "%s: %s", fail_what,
			   strerror(fail_errno));
	else
		set_exit_reason(out, status);

	r.buf[r.len] = '\0';
	out->output = r.buf;
	out->output_len = r.len;
	out->output_lost = r.lost;
	r.buf = NULL;
done:
	close_fd(&in[0]);
	close_fd(&in[1]);
	close_fd(&outp[0]);
	close_fd(&outp[1]);
	close_fd(&rep[0]);
	close_fd(&rep[1]);
	free(sp.envp);
	free(r.buf);
	out->elapsed_ms = (long)((now_ns() - start) / 1000000);
}
