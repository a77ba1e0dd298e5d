/*
 * par.h - a parallel for over [0, n): the per-ticket work of list and
 * doctor is independent, and these machines have more than one core.
 * Workers take chunks from a shared counter, so slow tickets do not stall
 * a whole stripe. fn must only touch item i's own output and its worker's
 * own state (worker is 0..threads-1).
 */
#ifndef YOI_PAR_H
#define YOI_PAR_H

#include <stddef.h>

typedef void (*yoi_par_fn)(void *ctx, size_t i, unsigned worker);

/* How many workers to use for n items (1 for small n). */
unsigned yoi_par_threads(size_t n);

/* Run fn(ctx, i, worker) for every i in [0, n) on `threads` workers. */
int yoi_par_for(size_t n, unsigned threads, yoi_par_fn fn, void *ctx);

#endif
