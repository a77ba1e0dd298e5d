/* par.c - a small parallel for on pthreads. */
#include "yoi/par.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "yoi/common.h"

#define CHUNK	       32
#define MAX_THREADS    8
#define MIN_PER_THREAD 256

unsigned yoi_par_threads(size_t n)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned t = cpus < 1		  ? 1
		     : cpus > MAX_THREADS ? MAX_THREADS
					  : (unsigned)cpus;
	while (t > 1 && n / t < MIN_PER_THREAD)
		t--;
	return t;
}

typedef struct job {
	size_t n;
	atomic_size_t next;
	yoi_par_fn fn;
	void *ctx;
} job;

typedef struct worker {
	job *j;
	unsigned id;
} worker;

static void *run(void *arg)
{
	worker *w = arg;
	job *j = w->j;
	for (;;) {
		size_t begin = atomic_fetch_add(&j->next, CHUNK);
		if (begin >= j->n)
			break;
		size_t end = begin + CHUNK < j->n ? begin + CHUNK : j->n;
		for (size_t i = begin; i < end; i++)
			j->fn(j->ctx, i, w->id);
	}
	return NULL;
}

int yoi_par_for(size_t n, unsigned threads, yoi_par_fn fn, void *ctx)
{
	if (threads < 1)
		threads = 1;
	if (threads > MAX_THREADS)
		threads = MAX_THREADS;
	job j = {n, 0, fn, ctx};
	worker w[MAX_THREADS];
	pthread_t tid[MAX_THREADS];
	unsigned started = 0;
	/* Worker 0 is this thread; a failed pthread_create only means less
	 * parallelism, never less work: the shared counter hands it out. */
	for (unsigned k = 1; k < threads; k++) {
		w[k] = (worker){&j, k};
		if (pthread_create(&tid[k], NULL, run, &w[k]) != 0)
			break;
		started = k;
	}
	w[0] = (worker){&j, 0};
	run(&w[0]);
	for (unsigned k = 1; k <= started; k++)
		pthread_join(tid[k], NULL);
	return 0;
}
