/* cmd_list.c - tickets filtered by state, assignee, risk flag, text. */
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "yoi/listcache.h"
#include "yoi/par.h"
#include "yoi/state.h"

typedef struct filter {
	bool states[YOI_ST__COUNT];
	const char *assignee;
	const char *risk;
	const char *search;
	long limit; /* -1: none */
} filter;

static int parse_states(yoi_ctx *ctx, const char *spec, filter *f)
{
	memset(f->states, 0, sizeof(f->states));
	if (strcmp(spec, "all") == 0 || strcmp(spec, "active") == 0) {
		for (int i = 0; i < YOI_ST__COUNT; i++)
			f->states[i] =
			    strcmp(spec, "all") == 0 || i != YOI_ST_CLOSED;
		return 0;
	}
	char *copy = yoi_strdup(spec), *save = NULL;
	if (!copy)
		return 6;
	int rc = 0;
	for (char *s = strtok_r(copy, ",", &save); s && !rc;
	     s = strtok_r(NULL, ",", &save)) {
		yoi_state st = yoi_state_parse(s);
		if (st == YOI_ST_INVALID)
			rc =
			    yoi_cli_usage(ctx,
					  "unknown state '%s' in --state; use "
					  "active, all, or a list of planning, "
					  "ready, queued, inprogress, done, "
					  "closed",
					  s);
		else
			f->states[st] = true;
	}
	free(copy);
	return rc;
}

static bool contains_ci(const char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	if (n == 0)
		return true;
	for (size_t i = 0; i + n <= len; i++)
		if (strncasecmp(hay + i, needle, n) == 0)
			return true;
	return false;
}

/* The filters that need only the row (state, assignee, risk flag). */
static bool row_matches(const yoi_row *r, const filter *f)
{
	yoi_state st = yoi_state_parse(r->col[YOI_ROW_STATE]);
	if (st == YOI_ST_INVALID || !f->states[st])
		return false;
	if (f->assignee && (!r->col[YOI_ROW_ASSIGNEE] ||
			    strcmp(r->col[YOI_ROW_ASSIGNEE], f->assignee) != 0))
		return false;
	return !f->risk || yoi_strv_contains(&r->risk, f->risk);
}

/* --search: title or body, case-insensitively (needs the whole item). */
static bool search_matches(const yoi_item *it, const char *needle)
{
	const char *title = yoi_item_get(it, "title");
	size_t blen;
	const char *body = yoi_item_body(it, &blen);
	return (title && contains_ci(title, strlen(title), needle)) ||
	       contains_ci(body, blen, needle);
}

/*
 * One slot per ticket, filled by the workers: the row comes from the
 * cache when item.md's stat matches, else from parsing the frontmatter.
 */
typedef struct slot {
	const yoi_row *row; /* cached or &fresh */
	yoi_row fresh;
	bool match;
	char *err; /* why the ticket could not be read */
} slot;

typedef struct load_job {
	const yoi_store *st;
	int root_fd; /* stat relative to the root: short path walks */
	const yoi_strv *ids;
	const filter *f;
	const yoi_listcache *cache;
	slot *slots;
	atomic_size_t misses;
} load_job;

static void load_nth(void *ctx, size_t i, unsigned worker)
{
	(void)worker;
	load_job *j = ctx;
	slot *s = &j->slots[i];
	const char *id = j->ids->v[i];
	char rel[YOI_ID_LEN + sizeof("/item.md")];
	snprintf(rel, sizeof(rel), "%s/item.md", id);
	struct stat sb;
	yoi_row_key key = {0};
	if (j->root_fd >= 0 &&
	    fstatat(j->root_fd, rel, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISREG(sb.st_mode))
		key = yoi_row_key_of(&sb);
	if (!j->f->search && key.ino &&
	    (s->row = yoi_listcache_find(j->cache, id, key))) {
		s->match = row_matches(s->row, j->f);
		return;
	}
	atomic_fetch_add(&j->misses, 1);
	/* The key was taken before the read: a later change only misses. */
	yoi_ticket *t;
	yoi_error err;
	unsigned what = (j->f->search ? YOI_LOAD_ITEM : YOI_LOAD_FRONTMATTER) |
			YOI_LOAD_DIR_CHECKED;
	if (yoi_ticket_load(&t, j->st, id, what, &err) < 0) {
		s->err = yoi_strdup(err.msg);
		return;
	}
	if (yoi_row_from_item(&s->fresh, id, t->item, key) < 0) {
		s->err = yoi_strdup("out of memory");
	} else {
		s->row = &s->fresh;
		s->match =
		    row_matches(s->row, j->f) &&
		    (!j->f->search || search_matches(t->item, j->f->search));
	}
	yoi_ticket_free(t);
}

static json_t *row_json(const yoi_row *r)
{
	json_t *risk = json_array();
	for (size_t i = 0; i < r->risk.n; i++)
		json_array_append_new(risk, json_string(r->risk.v[i]));
	return json_pack(
	    "{s:s, s:s?, s:s?, s:s?, s:s?, s:o, s:s?, s:s?, s:s?}", "id", r->id,
	    "title", r->col[YOI_ROW_TITLE], "state", r->col[YOI_ROW_STATE],
	    "assignee", r->col[YOI_ROW_ASSIGNEE], "readiness",
	    r->col[YOI_ROW_READINESS], "risk_flags", risk, "priority",
	    r->col[YOI_ROW_PRIORITY], "created_at", r->col[YOI_ROW_CREATED],
	    "updated_at", r->col[YOI_ROW_UPDATED]);
}

/* Keep the cache fresh for the next list; failing to is not an error. */
static void save_cache(yoi_ctx *ctx, const yoi_store *st, const char *path,
		       const slot *slots, size_t n)
{
	const yoi_row **rows = calloc(n ? n : 1, sizeof(*rows));
	if (!rows)
		return;
	for (size_t i = 0; i < n; i++)
		rows[i] = slots[i].row;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	yoi_error err;
	if (yoi_listcache_save(rows, n, path, st->root,
			       (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec,
			       &err) < 0 &&
	    ctx->verbose)
		fprintf(stderr, "yoi-tickets list: cache not saved: %s\n",
			err.msg);
	free(rows);
}

int yoi_cmd_list(int argc, char **argv, yoi_ctx *ctx)
{
	static const struct option opts[] = {
	    {"state", required_argument, NULL, 's'},
	    {"assignee", required_argument, NULL, 'a'},
	    {"risk-flag", required_argument, NULL, 'x'},
	    {"search", required_argument, NULL, 'q'},
	    {"limit", required_argument, NULL, 'n'},
	    {"json", no_argument, NULL, 'j'},
	    {NULL, 0, NULL, 0},
	};
	filter f = {.limit = -1};
	bool json = false;
	int c, rc = parse_states(ctx, "active", &f);
	while ((c = yoi_cli_getopt(ctx, argc, argv, "", opts)) != -1) {
		switch (c) {
		case 's':
			if ((rc = parse_states(ctx, optarg, &f)))
				return rc;
			break;
		case 'a':
			f.assignee = optarg;
			break;
		case 'x':
			f.risk = optarg;
			break;
		case 'q':
			f.search = optarg;
			break;
		case 'n':
			if (yoi_cli_uint(ctx, "--limit", optarg, &f.limit))
				return 2;
			break;
		case 'j':
			json = true;
			break;
		default:
			return yoi_cli_opt_end(ctx, c);
		}
	}
	if (optind != argc)
		return yoi_cli_usage(ctx, "unexpected argument '%s'",
				     argv[optind]);
	yoi_store *st;
	if ((rc = yoi_cli_store(ctx, true, &st)))
		return rc;
	yoi_strv ids = {0};
	int e = yoi_store_ids(st, &ids, &ctx->err);
	if (e < 0)
		return yoi_cli_fail(ctx, e);
	char *cache_path = yoi_store_cache_path(st, "yoi-list-cache");
	yoi_listcache cache = {0};
	if (cache_path && !f.search)
		yoi_listcache_load(&cache, cache_path, st->root);
	load_job j = {
	    st,	    open(st->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC),
	    &ids,   &f,
	    &cache, calloc(ids.n ? ids.n : 1, sizeof(slot)),
	    0};
	if (!j.slots) {
		if (j.root_fd >= 0)
			close(j.root_fd);
		yoi_listcache_free(&cache);
		free(cache_path);
		yoi_strv_free(&ids);
		return yoi_cli_fail(ctx,
				    yoi_error_set(&ctx->err, YOI_ENOMEM, NULL,
						  0, "out of memory"));
	}
	yoi_par_for(ids.n, yoi_par_threads(ids.n), load_nth, &j);
	json_t *arr = json ? json_array() : NULL;
	long shown = 0;
	for (size_t i = 0; i < ids.n; i++) {
		const slot *s = &j.slots[i];
		if (!s->row) {
			fprintf(stderr, "yoi-tickets list: skipping %s: %s\n",
				ids.v[i], s->err ? s->err : "unreadable");
			continue;
		}
		if (!s->match || (f.limit >= 0 && shown >= f.limit))
			continue;
		shown++;
		const yoi_row *r = s->row;
		const char *a = r->col[YOI_ROW_ASSIGNEE];
		if (arr)
			json_array_append_new(arr, row_json(r));
		else
			printf("%s  %-10s  %-12s  %s\n", r->id,
			       r->col[YOI_ROW_STATE], a && *a ? a : "-",
			       r->col[YOI_ROW_TITLE] ? r->col[YOI_ROW_TITLE]
						     : "-");
	}
	if (cache_path && !f.search && atomic_load(&j.misses))
		save_cache(ctx, st, cache_path, j.slots, ids.n);
	for (size_t i = 0; i < ids.n; i++) {
		yoi_row_free(&j.slots[i].fresh);
		free(j.slots[i].err);
	}
	free(j.slots);
	if (j.root_fd >= 0)
		close(j.root_fd);
	yoi_listcache_free(&cache);
	free(cache_path);
	yoi_strv_free(&ids);
	return arr ? yoi_cli_json(ctx, arr) : 0;
}
