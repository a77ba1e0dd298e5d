/*
 * notify.h - running the ticket-event hook (SPEC 11): an executable run
 * directly (no shell), the notice on its stdin, facts in its environment,
 * bounded by a timeout; the outcome is a delivery reason. Running a hook
 * never fails the caller: every failure is a reason with a detail.
 *
 * The hook runs in its own process group with stdin a pipe carrying the
 * notice (a hook that does not read it is fine), stdout and stderr one
 * pipe that is drained as the hook writes (a flood never blocks it); the
 * first YOI_NOTIFY_OUTPUT_MAX bytes are kept for the report, the rest is
 * counted and dropped. At the timeout the whole process group is killed
 * with SIGKILL and reaped. A grandchild left running in the background
 * that still holds the pipes does not delay the return once the hook
 * itself has exited. SIGPIPE is not raised in the caller: it is blocked
 * while the hook runs, one raised by writing to a hook that stopped
 * reading is consumed, and the caller's signal mask is restored.
 *
 * The hook gets default signal dispositions, an empty signal mask and no
 * file descriptors of ours beyond 0, 1 and 2. Only the calling thread's
 * signal mask is touched, so other threads are unaffected. A caller that
 * reaps children it did not start (SIGCHLD ignored, wait(-1) in a
 * handler) gets "failed", as its exit status is lost.
 *
 * Ownership: the result's output is malloc'd; yoi_notify_result_free
 * releases it (NULL-safe, and safe on a result that has no output).
 */
#ifndef YOI_NOTIFY_H
#define YOI_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "common.h"

#define YOI_NOTIFY_OUTPUT_MAX 4096

typedef enum yoi_notify_reason {
	YOI_NOTIFY_DELIVERED,	   /* ran and exited 0 */
	YOI_NOTIFY_NOT_CONFIGURED, /* no hook configured */
	YOI_NOTIFY_MISSING,	   /* configured path does not exist */
	YOI_NOTIFY_NOT_EXECUTABLE, /* not a regular file with x permission,
				      or exec refused it (ENOEXEC, EACCES) */
	YOI_NOTIFY_FAILED,	   /* non-zero exit, killed by a signal, or
				      could not be run (fork, pipe, no
				      memory, cwd cannot be entered) */
	YOI_NOTIFY_TIMED_OUT,	   /* still running at the timeout: killed */
	YOI_NOTIFY_UNTRUSTED,	   /* exists, but this clone's owner never
				      trusted it (or it changed since): not
				      run (set by yoi_notice_send, see
				      notice.h and hooktrust.h;
				      yoi_notify_run never returns it) */
} yoi_notify_reason;

/* "delivered", "not_configured", "missing", "not_executable", "failed",
 * "timed_out", "untrusted". */
const char *yoi_notify_reason_name(yoi_notify_reason r);

typedef struct yoi_notify_req {
	const char *path;	/* the executable; NULL or "": not configured;
				   relative: to cwd when given, as exec sees it */
	const char *cwd;	/* directory to run it in; NULL or "": ours */
	const char *const *env; /* extra "KEY=VALUE" entries, NULL-terminated,
				   added to (overriding) our environment; the
				   last of one key wins; no '=': ignored */
	const char *input;	/* stdin for the hook; NULL: empty */
	size_t input_len;
	long timeout_ms; /* > 0; clamped to [1 ms, 24 h] */
} yoi_notify_req;

typedef struct yoi_notify_result {
	yoi_notify_reason reason;
	int status;	    /* FAILED: the exit status, or 128+signal; else 0 */
	long elapsed_ms;    /* CLOCK_MONOTONIC, from the call to reaped */
	char detail[256];   /* one line for people: "exit status 3", ... */
	char *output;	    /* first bytes of stdout+stderr (NUL-ended);
			       NULL when the hook was not started */
	size_t output_len;  /* bytes kept in output */
	size_t output_lost; /* bytes written beyond the kept ones */
} yoi_notify_result;

/* Run the hook; *out is always filled (release with _free). */
void yoi_notify_run(const yoi_notify_req *req, yoi_notify_result *out);
void yoi_notify_result_free(yoi_notify_result *r);

#endif
