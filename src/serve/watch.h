/*
 * watch.h - the store's changes, seen with inotify (watch.c): the tickets
 * root and every ticket folder (new folders get a watch as they come),
 * the store's config.yaml, and git's HEAD and branch refs so that a
 * checkout or a pull is seen. Events are coalesced (a burst is one
 * change) and counted in a generation number; waiters (the SSE clients)
 * wake on each new generation.
 */
#ifndef YOI_SERVE_WATCH_H
#define YOI_SERVE_WATCH_H

#include <stdint.h>
#include <stdio.h>

typedef struct yoi_watch yoi_watch;

/*
 * Start watching (a thread). gitdir may be NULL (no repository). What
 * cannot be watched (no inotify, the watch limit reached) is said once
 * on diag; the server runs on without it. NULL on ENOMEM or when the
 * thread cannot start.
 */
yoi_watch *yoi_watch_start(const char *root, const char *yoi_dir,
			   const char *gitdir, FILE *diag);

/* The current generation (0 at start). */
uint64_t yoi_watch_gen(yoi_watch *w);

/*
 * Wait until the generation differs from seen (1, *gen set), timeout_sec
 * passes (0) or the watch is stopping (-1).
 */
int yoi_watch_wait(yoi_watch *w, uint64_t seen, int timeout_sec, uint64_t *gen);

/* Wake every waiter with -1 from now on. */
void yoi_watch_stopping(yoi_watch *w);

/* Stop the thread and free (NULL allowed). */
void yoi_watch_free(yoi_watch *w);

#endif
