/* End-to-end: prompt ROLE [ID] and prompt --list (SPEC 11). */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* Each fragment's heading, and the roles that must receive it. */
static const struct {
	const char *path;
	const char *heading;
	const char *roles; /* space-separated */
} frag[] = {
    {"common/tickets.md", "## Using the ticket tool",
     "intake orchestrator coder reviewer"},
    {"common/worktrees.md", "## Worktrees and branches", "orchestrator"},
    {"common/queueing.md", "## Queueing and routing", "orchestrator"},
    {"common/completion.md", "## Evidence before completion",
     "orchestrator coder"},
    {"common/review.md", "## Review and evidence", "reviewer"},
    {"common/notifications.md", "## Notices",
     "intake orchestrator coder reviewer"},
};
#define NFRAG (sizeof(frag) / sizeof(*frag))
static const char *const roles[] = {"intake", "orchestrator", "coder",
				    "reviewer"};

static bool has_role(const char *list, const char *role)
{
	size_t n = strlen(role);
	for (const char *p = list; (p = strstr(p, role)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return true;
	return false;
}

/* Both directions: every role gets exactly the fragments of the table. */
Test(prompt, fragments_follow_the_capability_table)
{
	char *dir = e2e_store();
	for (size_t r = 0; r < 4; r++) {
		e2e_result res = RUN(dir, "prompt", roles[r], "--json");
		cr_assert_eq(res.status, 0, "%s: %s", roles[r], res.err);
		json_t *j = json_loads(res.out, 0, NULL);
		cr_assert_not_null(j, "%s", res.out);
		cr_assert_str_eq(json_string_value(json_object_get(j, "role")),
				 roles[r]);
		cr_assert(json_is_null(json_object_get(j, "ticket")));
		const char *text =
		    json_string_value(json_object_get(j, "text"));
		cr_assert_not_null(text);
		json_t *paths = json_object_get(j, "fragments");
		size_t want = 0;
		for (size_t f = 0; f < NFRAG; f++) {
			bool gets = has_role(frag[f].roles, roles[r]);
			bool listed = false;
			size_t i;
			json_t *p;
			json_array_foreach(paths, i, p) listed |=
			    strcmp(json_string_value(p), frag[f].path) == 0;
			cr_expect_eq(listed, gets, "%s and %s", roles[r],
				     frag[f].path);
			cr_expect_eq(strstr(text, frag[f].heading) != NULL,
				     gets, "%s and '%s' in:\n%s", roles[r],
				     frag[f].heading, text);
			want += gets;
		}
		cr_expect_eq(json_array_size(paths), want);
		char head[64];
		snprintf(head, sizeof(head), "# Role: %s", roles[r]);
		cr_expect(strstr(text, head), "%s", text);
		/* Template syntax never leaks into a brief. */
		cr_expect_null(strstr(text, "{{"), "%s", text);
		json_decref(j);
		e2e_free(&res);
	}
	e2e_rm(dir);
}

Test(prompt, list_shows_roles_capabilities_and_sources)
{
	char *dir = e2e_store();
	e2e_result r = RUN(dir, "prompt", "--list", "--json");
	cr_assert_eq(r.status, 0, "%s", r.err);
	json_t *j = json_loads(r.out, 0, NULL);
	cr_assert_not_null(j, "%s", r.out);
	json_t *rl = json_object_get(j, "roles");
	cr_assert_eq(json_array_size(rl), 4);
	json_t *orch = json_array_get(rl, 1);
	cr_assert_str_eq(json_string_value(json_object_get(orch, "name")),
			 "orchestrator");
	cr_assert_str_eq(
	    json_string_value(json_object_get(orch, "capabilities")),
	    "worktrees,state,queue");
	cr_assert_str_eq(json_string_value(json_object_get(orch, "template")),
			 "role/orchestrator.md");
	cr_assert_str_eq(json_string_value(json_object_get(orch, "source")),
			 "built-in");
	cr_assert_eq(json_array_size(json_object_get(orch, "fragments")), 5);
	cr_assert_str_eq(json_string_value(json_object_get(
			     json_array_get(rl, 0), "capabilities")),
			 "none");
	json_decref(j);
	e2e_free(&r);
	r = RUN(dir, "prompt", "--list");
	cr_assert_eq(r.status, 0);
	cr_assert(strstr(r.out, "reviewer"), "%s", r.out);
	cr_assert(strstr(r.out, "common/review.md"), "%s", r.out);
	e2e_free(&r);
	e2e_rm(dir);
}

Test(prompt, a_ticket_brief_carries_the_ticket)
{
	char *dir = e2e_store();
	char *dep = OK_LINE(dir, "create", "--title", "Schema first");
	char *t =
	    OK_LINE(dir, "create", "--title", "Login form", "--assignee", "ana",
		    "--risk-flag", "security", "--depends-on", dep);
	e2e_result r = RUN(dir, "prompt", "coder", t);
	cr_assert_eq(r.status, 0, "%s", r.err);
	char want[256];
	snprintf(want, sizeof(want), "## Ticket %s: Login form", t);
	cr_assert(strstr(r.out, want), "%s", r.out);
	cr_assert(strstr(r.out, "- State: planning"), "%s", r.out);
	cr_assert(strstr(r.out, "- Assignee: ana"), "%s", r.out);
	cr_assert(strstr(r.out, "- Risk flags: security"), "%s", r.out);
	snprintf(want, sizeof(want), "- %s via depends_on (state: planning)",
		 dep);
	cr_assert(strstr(r.out, want), "%s", r.out);
	snprintf(want, sizeof(want), "- depends_on %s (state: planning)", dep);
	cr_assert(strstr(r.out, want), "%s", r.out);
	cr_assert(strstr(r.out, "## Acceptance criteria") ||
		      strstr(r.out, "## Background"),
		  "the body is there: %s", r.out);
	e2e_free(&r);
	/* The other side sees the inverse relation, and no blockers. */
	r = RUN(dir, "prompt", "reviewer", dep);
	cr_assert_eq(r.status, 0, "%s", r.err);
	snprintf(want, sizeof(want), "- required by %s (state: planning)", t);
	cr_assert(strstr(r.out, want), "%s", r.out);
	cr_assert(strstr(r.out, "None: nothing this ticket depends on"), "%s",
		  r.out);
	e2e_free(&r);
	free(dep);
	free(t);
	e2e_rm(dir);
}

Test(prompt, the_orchestrator_sees_the_queue_bounded)
{
	char *dir = e2e_store();
	char *ids[12];
	for (int i = 0; i < 12; i++) {
		char title[32];
		snprintf(title, sizeof(title), "Task %02d", i);
		ids[i] = OK_LINE(dir, "create", "--title", title);
		free(OK_LINE(dir, "state", ids[i], "ready", "--summary", "s"));
		free(OK_LINE(dir, "state", ids[i], "queued"));
	}
	e2e_result r = RUN(dir, "prompt", "orchestrator");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "## Queue"), "%s", r.out);
	cr_assert(strstr(r.out, "Task 00 (queued)"), "%s", r.out);
	cr_assert(strstr(r.out, "- 2 more omitted"), "%s", r.out);
	cr_assert_null(strstr(r.out, "Task 11 (queued)"), "%s", r.out);
	e2e_free(&r);
	for (int i = 0; i < 12; i++)
		free(ids[i]);
	e2e_rm(dir);
}

Test(prompt, an_override_replaces_a_template)
{
	char *dir = e2e_store();
	char *t = OK_LINE(dir, "create", "--title", "Overridden");
	cr_assert_eq(
	    e2e_sh(dir, "mkdir -p .yoi/prompts/role .yoi/prompts/common"), 0);
	e2e_write(dir, ".yoi/prompts/role/coder.md",
		  "# Our coder\n{{#ticket}}\nWork on {{id}}: {{title}}.\n"
		  "{{/ticket}}\n");
	e2e_result r = RUN(dir, "prompt", "coder", t);
	cr_assert_eq(r.status, 0, "%s", r.err);
	char want[128];
	snprintf(want, sizeof(want), "# Our coder\nWork on %s: Overridden.\n",
		 t);
	cr_assert_str_eq(r.out, want);
	e2e_free(&r);
	r = RUN(dir, "prompt", "--list", "--json");
	json_t *j = json_loads(r.out, 0, NULL);
	cr_assert_not_null(j);
	json_t *coder = json_array_get(json_object_get(j, "roles"), 2);
	cr_assert_str_eq(json_string_value(json_object_get(coder, "source")),
			 ".yoi/prompts");
	json_decref(j);
	e2e_free(&r);
	/* A fragment can be overridden too. */
	e2e_write(dir, ".yoi/prompts/common/review.md", "## House rules\n");
	r = RUN(dir, "prompt", "reviewer");
	cr_assert(strstr(r.out, "## House rules"), "%s", r.out);
	cr_assert_null(strstr(r.out, "## Review and evidence"), "%s", r.out);
	e2e_free(&r);
	free(t);
	e2e_rm(dir);
}

Test(prompt, broken_templates_name_the_file_and_line)
{
	char *dir = e2e_store();
	cr_assert_eq(e2e_sh(dir, "mkdir -p .yoi/prompts/role"), 0);
	e2e_write(dir, ".yoi/prompts/role/coder.md",
		  "# Coder\n\nHello {{nobody}}\n");
	e2e_result r = RUN(dir, "prompt", "coder");
	cr_assert_eq(r.status, 7, "%d %s", r.status, r.err);
	cr_assert(strstr(r.err, ".yoi/prompts/role/coder.md:3"), "%s", r.err);
	cr_assert(strstr(r.err, "nobody"), "%s", r.err);
	cr_assert_str_eq(r.out, "", "nothing half-rendered on stdout");
	e2e_free(&r);
	e2e_write(dir, ".yoi/prompts/role/coder.md",
		  "# Coder\n{{#fragments}}\n{{text}}\n");
	r = RUN(dir, "prompt", "coder");
	cr_assert_eq(r.status, 7, "%d %s", r.status, r.err);
	cr_assert(strstr(r.err, ".yoi/prompts/role/coder.md:2"), "%s", r.err);
	cr_assert(strstr(r.err, "fragments"), "%s", r.err);
	e2e_free(&r);
	e2e_rm(dir);
}

Test(prompt, refusals)
{
	char *dir = e2e_store();
	e2e_result r = RUN(dir, "prompt");
	cr_assert_eq(r.status, 2);
	e2e_free(&r);
	r = RUN(dir, "prompt", "janitor");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "intake, orchestrator, coder, reviewer"), "%s",
		  r.err);
	e2e_free(&r);
	r = RUN(dir, "prompt", "coder", "00001ZZZZZZZZ");
	cr_assert_eq(r.status, 3, "%d %s", r.status, r.err);
	e2e_free(&r);
	r = RUN(dir, "prompt", "coder", "not-an-id");
	cr_assert_eq(r.status, 2, "%d %s", r.status, r.err);
	e2e_free(&r);
	r = RUN(dir, "prompt", "--list", "coder");
	cr_assert_eq(r.status, 2);
	e2e_free(&r);
	/* A configured role without a template of its own. */
	e2e_write(dir, ".yoi/config.yaml",
		  "roles: [intake, orchestrator, coder, reviewer, janitor]\n");
	r = RUN(dir, "prompt", "janitor");
	cr_assert_eq(r.status, 3, "%d %s", r.status, r.err);
	cr_assert(strstr(r.err, "role/janitor.md"), "%s", r.err);
	e2e_free(&r);
	e2e_rm(dir);
}

/* prompt only reads: no event, no hook run. */
Test(prompt, is_read_only)
{
	char *dir = e2e_store();
	char *t = OK_LINE(dir, "create", "--title", "Quiet");
	cr_assert_eq(e2e_sh(dir, "mkdir -p .yoi/hooks"), 0);
	e2e_write(dir, ".yoi/hooks/ticket-event",
		  "#!/bin/sh\necho ran >> hook.log\n");
	cr_assert_eq(e2e_sh(dir, "chmod +x .yoi/hooks/ticket-event"), 0);
	free(OK_LINE(dir, "hooks", "trust"));
	char *before = e2e_read(dir, e2e_tpath(t, "thread.md"));
	for (size_t i = 0; i < 4; i++) {
		e2e_result r = RUN(dir, "prompt", roles[i], t);
		cr_assert_eq(r.status, 0, "%s", r.err);
		e2e_free(&r);
	}
	char *after = e2e_read(dir, e2e_tpath(t, "thread.md"));
	cr_assert_str_eq(before, after);
	cr_assert_not(e2e_exists(dir, "hook.log"));
	free(before);
	free(after);
	free(t);
	e2e_rm(dir);
}
