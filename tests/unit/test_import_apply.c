/* test_import_apply.c - the import writer on a fresh store: dry run,
 * ID order, origin idempotence, the closed mapping, relations, kept
 * fields, refusal of a set with errors, and doctor on the result. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ufix.h"
#include "yoi/doctor.h"
#include "yoi/file.h"
#include "yoi/id.h"
#include "yoi/import.h"

static ufix fx;

static void setup(void)
{
	ufix_setup(&fx, "import");
}
static void teardown(void)
{
	ufix_teardown(&fx);
}
TestSuite(import_apply, .init = setup, .fini = teardown);

#define SRC "issues.jsonl"

static void set_of(yoi_import_set *set, const char *jsonl)
{
	yoi_error err;
	yoi_error_clear(&err);
	memset(set, 0, sizeof(*set));
	cr_assert_eq(
	    yoi_import_parse_beads(set, jsonl, strlen(jsonl), SRC, &err), 0);
	yoi_import_check(set);
}

static int apply(const yoi_import_set *set, bool dry, yoi_import_report *rep)
{
	yoi_error err;
	yoi_error_clear(&err);
	memset(rep, 0, sizeof(*rep));
	yoi_import_opts o = {.dry_run = dry, .ctx = &fx.op};
	return yoi_import_apply(fx.st, set, &o, rep, &err);
}

static size_t count_ids(void)
{
	yoi_strv ids = {0};
	yoi_error err;
	cr_assert_eq(yoi_store_ids(fx.st, &ids, &err), 0);
	size_t n = ids.n;
	yoi_strv_free(&ids);
	return n;
}

static char *read_of(const char *id, const char *file)
{
	char *p = yoi_store_path(fx.st, id, file);
	yoi_buf b = YOI_BUF_INIT;
	yoi_error err;
	cr_assert_eq(yoi_file_read(p, 1 << 24, &b, &err), 0, "%s: %s", p,
		     err.msg);
	free(p);
	if (!b.ptr)
		return strdup("");
	return yoi_buf_detach(&b);
}

static void doctor_clean(void)
{
	yoi_diag d = YOI_DIAG_INIT;
	yoi_error err;
	yoi_error_clear(&err);
	cr_assert_geq(yoi_doctor_run(fx.st, &d, &err), 0);
	for (size_t i = 0; i < d.n; i++)
		cr_log_error("%s %s:%d %s", d.v[i].code, d.v[i].path,
			     d.v[i].line, d.v[i].message);
	cr_assert_eq(d.n, 0, "doctor found %zu", d.n);
	yoi_diag_free(&d);
}

/* Three issues given newest first, two in one second. */
#define THREE                                                                  \
	"{\"id\":\"c\",\"title\":\"C\",\"created_at\":\"2025-03-01T00:00:"     \
	"00Z\"}"                                                               \
	"\n{\"id\":\"b2\",\"title\":\"B2\",\"created_at\":\"2025-02-01T00:00:" \
	"00Z\"}\n{\"id\":\"b1\",\"title\":\"B1\",\"created_at\":\"2025-02-01T" \
	"00:00:00Z\",\"dependencies\":[{\"depends_on_id\":\"c\",\"type\":"     \
	"\"blocks\"}]}\n"

Test(import_apply, dry_run_writes_nothing)
{
	yoi_import_set set;
	yoi_import_report rep;
	set_of(&set, THREE);
	cr_assert_eq(apply(&set, true, &rep), 0);
	cr_assert_eq(rep.ncreated, 3);
	cr_assert_eq(rep.relations, 1);
	cr_assert_eq(count_ids(), 0);
	yoi_import_report_free(&rep);
	yoi_import_set_free(&set);
}

Test(import_apply, ids_follow_creation_time)
{
	yoi_import_set set;
	yoi_import_report rep;
	set_of(&set, THREE);
	cr_assert_eq(apply(&set, false, &rep), 0);
	cr_assert_eq(rep.ncreated, 3);
	/* creation order; b2 before b1: same second, file order */
	cr_assert_str_eq(rep.created[0].source_id, "b2");
	cr_assert_str_eq(rep.created[1].source_id, "b1");
	cr_assert_str_eq(rep.created[2].source_id, "c");
	cr_assert_lt(strcmp(rep.created[0].id, rep.created[1].id), 0);
	cr_assert_lt(strcmp(rep.created[1].id, rep.created[2].id), 0);
	int64_t ms;
	cr_assert_eq(yoi_id_time(rep.created[2].id, &ms), 0);
	int64_t want;
	cr_assert_eq(yoi_time_parse("2025-03-01T00:00:00Z", &want), 0);
	cr_assert_eq(ms, want * 1000);
	char *item = read_of(rep.created[2].id, "item.md");
	cr_assert_not_null(strstr(item, "origin: 'beads:c'"), "%s", item);
	cr_assert_not_null(strstr(item, "created_at: '2025-03-01T00:00:00Z'"));
	cr_assert_not_null(strstr(item, "state: 'ready'"));
	free(item);
	/* b1 depends on c: the relation names c's new ID */
	char *rel = read_of(rep.created[1].id, "artifacts/relations.json");
	cr_assert_not_null(strstr(rel, rep.created[2].id), "%s", rel);
	cr_assert_not_null(strstr(rel, "depends_on"));
	free(rel);
	doctor_clean();
	yoi_import_report_free(&rep);
	yoi_import_set_free(&set);
}

Test(import_apply, second_import_is_a_noop)
{
	yoi_import_set set;
	yoi_import_report rep;
	set_of(&set, THREE);
	cr_assert_eq(apply(&set, false, &rep), 0);
	char *before = read_of(rep.created[1].id, "thread.md");
	char first[YOI_ID_LEN + 1];
	memcpy(first, rep.created[1].id, sizeof(first));
	yoi_import_report_free(&rep);
	cr_assert_eq(apply(&set, false, &rep), 0);
	cr_assert_eq(rep.ncreated, 0);
	cr_assert_eq(rep.nskipped, 3);
	cr_assert_eq(rep.relations, 0);
	cr_assert_eq(count_ids(), 3);
	char *after = read_of(first, "thread.md");
	cr_assert_str_eq(before, after);
	free(before);
	free(after);
	yoi_import_report_free(&rep);
	yoi_import_set_free(&set);
}

Test(import_apply, closed_with_resolution_and_history)
{
	yoi_import_set set;
	yoi_import_report rep;
	set_of(&set,
	       "{\"id\":\"x\",\"title\":\"X\",\"status\":\"closed\","
	       "\"close_reason\":\"Shipped\",\"created_by\":\"ann\","
	       "\"created_at\":\"2025-01-01T10:00:00Z\",\"updated_at\":\"2025-"
	       "01-05T10:00:00Z\",\"closed_at\":\"2025-01-04T10:00:00Z\","
	       "\"comments\":[{\"author\":\"bob\",\"text\":\"looks "
	       "good\",\"created_at\":\"2025-01-02T10:00:00Z\"}],"
	       "\"owner\":\"zed\"}\n"
	       "{\"id\":\"y\",\"title\":\"Y\",\"status\":\"in_progress\","
	       "\"created_at\":\"2025-01-01T11:00:00Z\"}\n");
	cr_assert_eq(apply(&set, false, &rep), 0);
	const char *id = rep.created[0].id;
	char *item = read_of(id, "item.md");
	cr_assert_not_null(strstr(item, "state: 'closed'"), "%s", item);
	cr_assert_not_null(strstr(item, "updated_at: '2025-01-05T10:00:00Z'"));
	free(item);
	char *res = read_of(id, "resolution.md");
	cr_assert_str_eq(res, "Shipped\n");
	free(res);
	char *th = read_of(id, "thread.md");
	const char *c = strstr(th, "event: create author: ann at: "
				   "2025-01-01T10:00:00Z");
	const char *m = strstr(th, "event: comment author: bob at: "
				   "2025-01-02T10:00:00Z");
	const char *cl = strstr(th, "event: close author: unit at: "
				    "2025-01-04T10:00:00Z");
	const char *sc = strstr(th, "event: state_changed");
	const char *im = strstr(th, "event: import");
	cr_assert(c && m && cl && sc && im, "%s", th);
	cr_assert(c < m && m < cl && cl < sc && sc < im, "%s", th);
	cr_assert_not_null(strstr(th, "```json\n{\"owner\":\"zed\"}\n```"));
	free(th);
	/* in_progress: planning -> ready -> queued -> inprogress */
	char *th2 = read_of(rep.created[1].id, "thread.md");
	cr_assert_not_null(strstr(th2, "from: queued to: inprogress"), "%s",
			   th2);
	cr_assert_not_null(strstr(th2, "event: intake_summary"));
	free(th2);
	doctor_clean();
	yoi_import_report_free(&rep);
	yoi_import_set_free(&set);
}

Test(import_apply, errors_refuse_the_whole_set)
{
	yoi_import_set set;
	yoi_import_report rep;
	set_of(&set, "{\"id\":\"a\",\"title\":\"A\",\"created_at\":\"2025-01-"
		     "01T00:00:00Z\"}\n{\"id\":\"b\",\"title\":\"B\",\"cr");
	yoi_error err;
	yoi_error_clear(&err);
	memset(&rep, 0, sizeof(rep));
	yoi_import_opts o = {.ctx = &fx.op};
	cr_assert_eq(yoi_import_apply(fx.st, &set, &o, &rep, &err),
		     YOI_ECORRUPT);
	cr_assert_str_eq(err.path, SRC);
	cr_assert_eq(err.line, 2);
	cr_assert_eq(count_ids(), 0);
	yoi_import_report_free(&rep);
	yoi_import_set_free(&set);
}

Test(import_apply, dependency_cycle_is_refused)
{
	yoi_import_set set;
	yoi_import_report rep;
	set_of(&set,
	       "{\"id\":\"a\",\"title\":\"A\",\"created_at\":\"2025-01-"
	       "01T00:00:00Z\",\"dependencies\":[{\"depends_on_id\":\"b\","
	       "\"type\":\"blocks\"}]}\n{\"id\":\"b\",\"title\":\"B\","
	       "\"created_at\":\"2025-01-01T00:00:00Z\",\"dependencies\":[{"
	       "\"depends_on_id\":\"a\",\"type\":\"blocks\"}]}\n");
	cr_assert_eq(apply(&set, false, &rep), YOI_ECORRUPT);
	cr_assert_geq(yoi_diag_find(&rep.problems, "import-cycle"), 0);
	cr_assert_eq(count_ids(), 0);
	yoi_import_report_free(&rep);
	yoi_import_set_free(&set);
}

Test(import_apply, relation_to_an_earlier_import)
{
	yoi_import_set set;
	yoi_import_report rep;
	set_of(&set, "{\"id\":\"a\",\"title\":\"A\",\"created_at\":\"2025-01-"
		     "01T00:00:00Z\"}\n");
	cr_assert_eq(apply(&set, false, &rep), 0);
	char a[YOI_ID_LEN + 1];
	memcpy(a, rep.created[0].id, sizeof(a));
	yoi_import_report_free(&rep);
	yoi_import_set_free(&set);
	/* a second export that adds b, which depends on a */
	set_of(&set,
	       "{\"id\":\"a\",\"title\":\"A\",\"created_at\":\"2025-01-"
	       "01T00:00:00Z\"}\n{\"id\":\"b\",\"title\":\"B\",\"created_"
	       "at\":\"2025-01-02T00:00:00Z\",\"dependencies\":[{\"depends_"
	       "on_id\":\"a\",\"type\":\"blocks\"}]}\n");
	cr_assert_eq(apply(&set, false, &rep), 0);
	cr_assert_eq(rep.ncreated, 1);
	cr_assert_eq(rep.nskipped, 1);
	char *rel = read_of(rep.created[0].id, "artifacts/relations.json");
	cr_assert_not_null(strstr(rel, a), "%s", rel);
	free(rel);
	doctor_clean();
	yoi_import_report_free(&rep);
	yoi_import_set_free(&set);
}

Test(import_apply, value_an_event_cannot_hold_is_refused)
{
	yoi_import_set set;
	yoi_import_report rep;
	char *id = malloc(1200);
	memset(id, 'x', 1199);
	id[1199] = '\0';
	char *src =
	    yoi_sprintf("{\"id\":\"ok\",\"title\":\"OK\",\"created_at\":"
			"\"2025-01-01T00:00:00Z\"}\n{\"id\":\"%s\","
			"\"title\":\"T\",\"created_at\":\"2025-01-02T00:"
			"00:00Z\"}\n",
			id);
	set_of(&set, src);
	yoi_error err;
	yoi_error_clear(&err);
	memset(&rep, 0, sizeof(rep));
	yoi_import_opts o = {.ctx = &fx.op};
	cr_assert_eq(yoi_import_apply(fx.st, &set, &o, &rep, &err),
		     YOI_ECORRUPT, "%s", err.msg);
	cr_assert_str_eq(err.path, SRC);
	cr_assert_eq(err.line, 2);
	cr_assert_eq(count_ids(), 0);
	yoi_import_report_free(&rep);
	yoi_import_set_free(&set);
	free(src);
	free(id);
}
