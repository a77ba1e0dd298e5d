/*
 * fuzz_plan.c - artifacts/orchestration-plan.jsonl: yoi_plan_parse on
 * arbitrary bytes (owner FUZZ_OWNER, the ticket of the seeds).
 *
 * Properties (abort on violation): every kept record renders as one line
 * (yoi_plan_render_record) that parses back without findings to the same
 * record; kept ids are unique and well-formed; a record's id parses.
 */
#include <stdint.h>

#include "fuzz.h"
#include "yoi/diag.h"
#include "yoi/plan.h"

#define FUZZ_OWNER "00001JNB6FN20"

static int str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void same_record(const yoi_plan_record *x, const yoi_plan_record *y)
{
	FUZZ_CHECK(
	    strcmp(x->id, y->id) == 0 &&
		strcmp(x->ticket_id, y->ticket_id) == 0 && x->kind == y->kind &&
		strcmp(x->related_ticket, y->related_ticket) == 0 &&
		str_eq(x->note, y->note) && strcmp(x->author, y->author) == 0 &&
		strcmp(x->at, y->at) == 0 && !x->accepted == !y->accepted,
	    "record %s changed by a round trip", x->id);
	if (x->accepted)
		FUZZ_CHECK(
		    str_eq(x->accepted->summary, y->accepted->summary) &&
			str_eq(x->accepted->branch, y->accepted->branch) &&
			str_eq(x->accepted->worktree, y->accepted->worktree) &&
			str_eq(x->accepted->role_plan, y->accepted->role_plan),
		    "accepted plan of %s changed by a round trip", x->id);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	yoi_plan *p = NULL;
	yoi_diag d = YOI_DIAG_INIT;
	yoi_error err;
	int rc = yoi_plan_parse(&p, (const char *)data, size, FUZZ_OWNER, NULL,
				&d, &err);
	yoi_diag_free(&d);
	if (rc != 0) {
		FUZZ_CHECK(!p && rc != YOI_ENOMEM, "failed parse: %d", rc);
		return 0;
	}
	for (size_t i = 0; i < p->n; i++) {
		const yoi_plan_record *x = &p->v[i];
		FUZZ_CHECK(yoi_plan_id_parse(NULL, NULL, x->id) == 0,
			   "kept id '%s' does not parse", x->id);
		for (size_t j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(p->v[j].id, x->id) != 0,
				   "id %s kept twice", x->id);
		yoi_buf line = YOI_BUF_INIT;
		rc = yoi_plan_render_record(&line, x, p->crlf, &err);
		FUZZ_CHECK(rc == 0, "kept record %s does not render: %s", x->id,
			   err.msg);
		yoi_plan *back = NULL;
		rc = yoi_plan_parse(&back, line.ptr, line.len, FUZZ_OWNER, NULL,
				    &d, &err);
		FUZZ_CHECK(rc == 0 && d.n == 0 && back->n == 1,
			   "rendered record does not parse cleanly\n%s",
			   line.ptr);
		same_record(x, &back->v[0]);
		yoi_plan_free(back);
		yoi_diag_free(&d);
		yoi_buf_free(&line);
	}
	for (int k = 0; k < YOI_PLAN_KIND_COUNT; k++)
		(void)yoi_plan_latest(p, (yoi_plan_kind)k);
	char id[YOI_PLAN_ID_MAX + 1];
	(void)yoi_plan_next_id(id, sizeof(id), p, FUZZ_OWNER, 1751000000);
	yoi_plan_free(p);
	return 0;
}
