/*
 * bench_import.c - the import benchmark's two halves (make bench):
 *
 *   bench-import gen N FILE [SEED]   write N beads issues to FILE: titles,
 *       descriptions, labels, a mix of statuses, comments on some, and a
 *       `blocks` dependency on an earlier issue for 20% of them (no
 *       cycles), created one second apart.
 *   bench-import create DIR N [SEED] create the same N tickets in the
 *       store of DIR in ONE process through the library (yoi_ticket_create,
 *       with --depends-on for the same 20%): what the import is compared
 *       with (the target: import <= 3x this).
 *
 * Linked against the library, as bench-gen.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "yoi/common.h"
#include "yoi/resource.h"
#include "yoi/store.h"
#include "yoi/ticket.h"

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("bench-import: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

static uint64_t state;
static uint64_t rnd(void)
{
	uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static const char *const words[] = {
    "parser", "config",	 "timeout", "cache", "index",	"retry",
    "socket", "release", "review",  "build", "logging", "metrics",
    "schema", "migrate", "flaky",   "test",  "memory",	"thread"};
#define NWORDS (sizeof(words) / sizeof(words[0]))

/* Issue i's dependency (an earlier issue), or -1: 20% of them. */
static long dep_of(long i)
{
	uint64_t h = (uint64_t)i * 0x9e3779b97f4a7c15ULL;
	h ^= h >> 29;
	if (i == 0 || h % 5)
		return -1;
	return (long)((h >> 8) % (uint64_t)i);
}

static void title(char *out, size_t cap, long i)
{
	snprintf(out, cap, "Fix the %s %s in the %s (%ld)",
		 words[(size_t)i % NWORDS], words[(size_t)(i / 3) % NWORDS],
		 words[(size_t)(i / 7) % NWORDS], i);
}

static void body(yoi_buf *b, long i)
{
	yoi_buf_clear(b);
	for (int s = 0; s < 6; s++)
		yoi_buf_printf(b, "The %s %s %s when the %s is %s. ",
			       words[(size_t)(i + s) % NWORDS],
			       words[(size_t)(i * 3 + s) % NWORDS],
			       words[(size_t)(i * 5 + s) % NWORDS],
			       words[(size_t)(i * 7 + s) % NWORDS],
			       words[(size_t)(i * 11 + s) % NWORDS]);
	yoi_buf_puts(b, "\n");
}

#define T0 1735689600 /* 2025-01-01T00:00:00Z */

static int cmd_gen(long n, const char *path)
{
	static const char *const status[] = {
	    "open", "open", "open", "closed", "in_progress", "deferred"};
	FILE *f = fopen(path, "w");
	yoi_buf b = YOI_BUF_INIT;
	if (!f)
		die("cannot write %s", path);
	for (long i = 0; i < n; i++) {
		char t[160], at[YOI_TIME_LEN + 1];
		const char *st = status[rnd() % 6];
		yoi_time_format(T0 + i, at);
		title(t, sizeof(t), i);
		body(&b, i);
		b.ptr[b.len - 1] = '\0'; /* no line break in the JSON */
		fprintf(f,
			"{\"id\":\"bench-%ld\",\"title\":\"%s\","
			"\"description\":\"%s\",\"status\":\"%s\","
			"\"priority\":%d,\"issue_type\":\"task\","
			"\"labels\":[\"%s\"],\"created_by\":\"bench\","
			"\"created_at\":\"%s\",\"updated_at\":\"%s\"",
			i, t, b.ptr, st, (int)(rnd() % 5),
			words[(size_t)i % NWORDS], at, at);
		if (!strcmp(st, "closed"))
			fprintf(f,
				",\"closed_at\":\"%s\",\"close_reason\":"
				"\"done\"",
				at);
		long d = dep_of(i);
		if (d >= 0)
			fprintf(
			    f,
			    ",\"dependencies\":[{\"issue_id\":\"bench-%ld\","
			    "\"depends_on_id\":\"bench-%ld\",\"type\":"
			    "\"blocks\"}]",
			    i, d);
		fputs("}\n", f);
	}
	yoi_buf_free(&b);
	if (fclose(f) != 0)
		die("cannot write %s", path);
	return 0;
}

static int cmd_create(const char *dir, long n)
{
	yoi_store *st;
	yoi_error err = {0};
	yoi_texts texts;
	if (yoi_store_open(&st, dir, NULL, &err) < 0)
		die("%s: %s", dir, err.msg);
	if (yoi_texts_load(&texts, YOI_LANG_EN) < 0)
		die("texts");
	char(*ids)[YOI_ID_LEN + 1] = calloc((size_t)n, sizeof(*ids));
	yoi_buf b = YOI_BUF_INIT;
	if (!ids)
		die("out of memory");
	for (long i = 0; i < n; i++) {
		yoi_opctx op = {.author = "bench",
				.now_ms = (int64_t)(T0 + i) * 1000,
				.wait_sec = 10,
				.texts = &texts};
		char t[160];
		title(t, sizeof(t), i);
		body(&b, i);
		long d = dep_of(i);
		const char *dep = d >= 0 ? ids[d] : NULL;
		yoi_create_opts o = {.title = t,
				     .body = b.ptr,
				     .priority = "P2",
				     .depends_on = &dep,
				     .ndeps = dep ? 1 : 0};
		if (yoi_ticket_create(st, &op, &o, ids[i], &err) < 0)
			die("create %ld: %s", i, err.msg);
	}
	yoi_buf_free(&b);
	free(ids);
	yoi_texts_free(&texts);
	yoi_store_free(st);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "gen")) {
		state = argc > 4 ? strtoull(argv[4], NULL, 10) : 20261203;
		return cmd_gen(strtol(argv[2], NULL, 10), argv[3]);
	}
	if (argc >= 4 && !strcmp(argv[1], "create"))
		return cmd_create(argv[2], strtol(argv[3], NULL, 10));
	die("usage: bench-import gen N FILE [SEED] | create DIR N");
}
