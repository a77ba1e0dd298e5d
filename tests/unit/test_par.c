#include <criterion/criterion.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "yoi/par.h"

typedef struct counts {
	atomic_int *hits;
	unsigned threads;
	atomic_int bad_worker;
} counts;

static void visit(void *ctx, size_t i, unsigned worker)
{
	counts *c = ctx;
	atomic_fetch_add(&c->hits[i], 1);
	if (worker >= c->threads)
		atomic_fetch_add(&c->bad_worker, 1);
}

Test(par, every_index_exactly_once)
{
	const size_t sizes[] = {0, 1, 31, 32, 33, 1000, 10007};
	for (size_t s = 0; s < sizeof(sizes) / sizeof(*sizes); s++) {
		for (unsigned threads = 1; threads <= 4; threads++) {
			size_t n = sizes[s];
			counts c = {calloc(n + 1, sizeof(atomic_int)), threads,
				    0};
			cr_assert_eq(yoi_par_for(n, threads, visit, &c), 0);
			for (size_t i = 0; i < n; i++)
				cr_assert_eq(c.hits[i], 1, "n=%zu t=%u i=%zu",
					     n, threads, i);
			cr_assert_eq(c.bad_worker, 0);
			free(c.hits);
		}
	}
}

Test(par, small_jobs_stay_on_one_thread)
{
	cr_assert_eq(yoi_par_threads(0), 1);
	cr_assert_eq(yoi_par_threads(10), 1);
	cr_assert(yoi_par_threads(100000) >= 1);
	cr_assert(yoi_par_threads(100000) <= 8);
}
