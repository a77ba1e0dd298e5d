#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "yoi/common.h"
#include "yoi/config.h"
#include "yoi/state.h"

#define PATH "cfg.yaml"

static void assert_defaults(const yoi_config *cfg)
{
	cr_assert_str_eq(cfg->tickets_root, ".yoi/tickets");
	cr_assert_eq(cfg->language, YOI_LANG_EN);
	cr_assert_str_eq(cfg->worktrees_dir, ".worktree");
	cr_assert_str_eq(cfg->branch_prefix, "work/");
	cr_assert_eq(cfg->max_inprogress, 0);
	cr_assert_eq(cfg->roles.n, 4);
	cr_assert_str_eq(cfg->roles.v[0], "intake");
	cr_assert_str_eq(cfg->roles.v[1], "orchestrator");
	cr_assert_str_eq(cfg->roles.v[2], "coder");
	cr_assert_str_eq(cfg->roles.v[3], "reviewer");
	const yoi_state_table *def = yoi_state_default_table();
	cr_assert_eq(cfg->transitions.v, def->v);
	cr_assert_eq(cfg->transitions.n, def->n);
	cr_assert_not(cfg->transitions.owned);
	cr_assert_str_eq(cfg->hook_ticket_event, ".yoi/hooks/ticket-event");
	cr_assert_eq(cfg->hook_timeout_ms, 2000);
}

static int parse(yoi_config *cfg, const char *text, yoi_error *err)
{
	return yoi_config_parse(cfg, text, strlen(text), PATH, err);
}

static void parse_ok(yoi_config *cfg, const char *text)
{
	yoi_error err;
	yoi_error_clear(&err);
	int rc = parse(cfg, text, &err);
	cr_assert_eq(rc, 0, "text:\n%s\nerror: line %d: %s", text, err.line,
		     err.msg);
}

static void defaults_from(const char *text)
{
	yoi_config cfg = {0};
	parse_ok(&cfg, text);
	assert_defaults(&cfg);
	yoi_config_free(&cfg);
}

/* Parse must fail with the line and message; cfg must hold the defaults. */
static void bad_n(const char *text, size_t len, int line, const char *needle)
{
	yoi_config cfg = {0};
	yoi_error err;
	yoi_error_clear(&err);
	int rc = yoi_config_parse(&cfg, text, len, PATH, &err);
	cr_assert_eq(rc, YOI_ECORRUPT, "text:\n%s\nrc %d", text, rc);
	cr_assert_eq(err.code, YOI_ECORRUPT);
	cr_assert_str_eq(err.path, PATH);
	cr_assert(strstr(err.msg, needle), "text:\n%s\nwant '%s' in '%s'", text,
		  needle, err.msg);
	cr_assert_eq(err.line, line, "text:\n%s\nmessage: %s", text, err.msg);
	assert_defaults(&cfg);
	yoi_config_free(&cfg);
}

static void bad(const char *text, int line, const char *needle)
{
	bad_n(text, strlen(text), line, needle);
}

/* ---- defaults and valid files ---- */

Test(config, defaults)
{
	yoi_config cfg = {0};
	cr_assert_eq(yoi_config_defaults(&cfg), 0);
	assert_defaults(&cfg);
	yoi_config_free(&cfg);
	cr_assert_null(cfg.tickets_root);
	cr_assert_null(cfg.roles.v);
	cr_assert_null(cfg.transitions.v);
	yoi_config_free(&cfg); /* reset, so twice is harmless */
	yoi_config_free(NULL);
}

Test(config, empty_or_comment_only_gives_defaults)
{
	defaults_from("");
	defaults_from("\n\n");
	defaults_from("# nothing here\n  # still nothing\n");
	defaults_from("---\n");
	defaults_from("---\n...\n");
	defaults_from("~\n");
	defaults_from("null\n");
	defaults_from("{}\n");
	defaults_from("tickets:\n");
	defaults_from("tickets:\n#  root: x\nhooks: {}\nrouting: ~\n");

	yoi_config cfg = {0};
	cr_assert_eq(yoi_config_parse(&cfg, NULL, 0, PATH, NULL), 0);
	assert_defaults(&cfg);
	yoi_config_free(&cfg);
}

static const char full[] = "# yoi-tickets configuration\n"
			   "tickets:\n"
			   "  root: tickets/store\n"
			   "  language: Japanese\n"
			   "worktrees:\n"
			   "  dir: ../wt\n"
			   "  branch_prefix: \"feature/\"\n"
			   "routing:\n"
			   "  max_inprogress: 3\n"
			   "roles: [intake, coder, 'reviewer two']\n"
			   "transitions:\n"
			   "  - {from: planning, to: ready}\n"
			   "  - from: ready\n"
			   "    to: queued\n"
			   "  - {from: queued, to: inprogress}\n"
			   "  - {from: inprogress, to: done}\n"
			   "  - {from: inprogress, to: closed}\n"
			   "  - {from: closed, to: ready}\n"
			   "hooks:\n"
			   "  ticket_event: scripts/on-event\n"
			   "  timeout_ms: 150\n";

Test(config, full_file_field_by_field)
{
	yoi_config cfg = {0};
	parse_ok(&cfg, full);
	cr_assert_str_eq(cfg.tickets_root, "tickets/store");
	cr_assert_eq(cfg.language, YOI_LANG_JA);
	cr_assert_str_eq(cfg.worktrees_dir, "../wt");
	cr_assert_str_eq(cfg.branch_prefix, "feature/");
	cr_assert_eq(cfg.max_inprogress, 3);
	cr_assert_eq(cfg.roles.n, 3);
	cr_assert_str_eq(cfg.roles.v[0], "intake");
	cr_assert_str_eq(cfg.roles.v[1], "coder");
	cr_assert_str_eq(cfg.roles.v[2], "reviewer two");
	cr_assert_str_eq(cfg.hook_ticket_event, "scripts/on-event");
	cr_assert_eq(cfg.hook_timeout_ms, 150);

	const yoi_state_table *t = &cfg.transitions;
	cr_assert(t->owned);
	cr_assert_eq(t->n, 6);
	cr_assert_neq(t->v, yoi_state_default_table()->v);
	const yoi_transition *tr;
	tr = yoi_state_find(t, YOI_ST_PLANNING, YOI_ST_READY);
	cr_assert_not_null(tr);
	cr_assert_eq(tr->flags, YOI_TR_NEEDS_SUMMARY);
	tr = yoi_state_find(t, YOI_ST_READY, YOI_ST_QUEUED);
	cr_assert_not_null(tr);
	cr_assert_eq(tr->flags, YOI_TR_QUEUE_GUARD | YOI_TR_SETS_QUEUED);
	tr = yoi_state_find(t, YOI_ST_QUEUED, YOI_ST_INPROGRESS);
	cr_assert_not_null(tr);
	cr_assert_eq(tr->flags, YOI_TR_START_GUARD);
	tr = yoi_state_find(t, YOI_ST_INPROGRESS, YOI_ST_DONE);
	cr_assert_not_null(tr);
	cr_assert_eq(tr->flags, 0);
	tr = yoi_state_find(t, YOI_ST_INPROGRESS, YOI_ST_CLOSED);
	cr_assert_not_null(tr);
	cr_assert_eq(tr->flags, YOI_TR_VIA_CLOSE);
	tr = yoi_state_find(t, YOI_ST_CLOSED, YOI_ST_READY);
	cr_assert_not_null(tr);
	cr_assert_eq(tr->flags, YOI_TR_VIA_REOPEN | YOI_TR_NEEDS_REASON);
	/* Replaced, not merged: default rows that were left out are gone. */
	cr_assert_null(yoi_state_find(t, YOI_ST_PLANNING, YOI_ST_CLOSED));
	cr_assert_null(yoi_state_find(t, YOI_ST_DONE, YOI_ST_INPROGRESS));
	cr_assert_null(yoi_state_find(t, YOI_ST_CLOSED, YOI_ST_PLANNING));
	yoi_buf b = YOI_BUF_INIT;
	cr_assert_eq(yoi_state_targets(t, YOI_ST_INPROGRESS, &b), 0);
	cr_assert_str_eq(b.ptr, "done, closed (via close)");
	yoi_buf_free(&b);
	yoi_config_free(&cfg);
	cr_assert_null(cfg.transitions.v);
}

Test(config, partial_file_keeps_other_defaults)
{
	yoi_config cfg = {0};
	parse_ok(&cfg, "routing:\n  max_inprogress: 2\n");
	cr_assert_eq(cfg.max_inprogress, 2);
	cfg.max_inprogress = 0;
	assert_defaults(&cfg);
	yoi_config_free(&cfg);

	parse_ok(&cfg, "tickets: {root: elsewhere}\n");
	cr_assert_str_eq(cfg.tickets_root, "elsewhere");
	cr_assert_eq(cfg.language, YOI_LANG_EN);
	cr_assert_eq(cfg.transitions.v, yoi_state_default_table()->v);
	yoi_config_free(&cfg);
}

Test(config, languages)
{
	struct {
		const char *text;
		yoi_lang want;
	} cases[] = {
	    {"English", YOI_LANG_EN},  {"english", YOI_LANG_EN},
	    {"ENGLISH", YOI_LANG_EN},  {"en", YOI_LANG_EN},
	    {"EN", YOI_LANG_EN},       {"'en'", YOI_LANG_EN},
	    {"Japanese", YOI_LANG_JA}, {"japanese", YOI_LANG_JA},
	    {"JAPANESE", YOI_LANG_JA}, {"ja", YOI_LANG_JA},
	    {"Ja", YOI_LANG_JA},       {"\"Japanese\"", YOI_LANG_JA},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char text[128];
		snprintf(text, sizeof(text), "tickets:\n  language: %s\n",
			 cases[i].text);
		yoi_config cfg = {0};
		parse_ok(&cfg, text);
		cr_assert_eq(cfg.language, cases[i].want, "%s", cases[i].text);
		yoi_config_free(&cfg);
	}
}

Test(config, flow_style_and_quoting)
{
	yoi_config cfg = {0};
	parse_ok(&cfg, "{tickets: {root: 'a b', language: ja}, routing: "
		       "{max_inprogress: 0}, hooks: {timeout_ms: 1}}");
	cr_assert_str_eq(cfg.tickets_root, "a b");
	cr_assert_eq(cfg.language, YOI_LANG_JA);
	cr_assert_eq(cfg.hook_timeout_ms, 1);
	yoi_config_free(&cfg);

	/* Quoted keys are the same keys. */
	parse_ok(&cfg, "\"tickets\":\n  'root': x\n");
	cr_assert_str_eq(cfg.tickets_root, "x");
	yoi_config_free(&cfg);

	/* A plain scalar that YAML would read as a number is a string. */
	parse_ok(&cfg, "tickets:\n  root: 2026\n");
	cr_assert_str_eq(cfg.tickets_root, "2026");
	yoi_config_free(&cfg);

	/* Quoted "null" is the string, not null. */
	parse_ok(&cfg, "tickets:\n  root: 'null'\n");
	cr_assert_str_eq(cfg.tickets_root, "null");
	yoi_config_free(&cfg);

	parse_ok(&cfg, "tickets:\n  root: \"\\u65e5\\u672c\"\n");
	cr_assert_str_eq(cfg.tickets_root, "\xe6\x97\xa5\xe6\x9c\xac");
	yoi_config_free(&cfg);
}

Test(config, crlf_bom_and_no_trailing_newline)
{
	yoi_config cfg = {0};
	parse_ok(&cfg, "tickets:\r\n  root: crlf\r\nrouting:\r\n  "
		       "max_inprogress: 4\r\n");
	cr_assert_str_eq(cfg.tickets_root, "crlf");
	cr_assert_eq(cfg.max_inprogress, 4);
	yoi_config_free(&cfg);

	parse_ok(&cfg, "\xef\xbb\xbftickets:\n  root: bom\n");
	cr_assert_str_eq(cfg.tickets_root, "bom");
	yoi_config_free(&cfg);

	parse_ok(&cfg, "tickets:\n  root: last");
	cr_assert_str_eq(cfg.tickets_root, "last");
	yoi_config_free(&cfg);

	parse_ok(&cfg, "tickets:\n  root: \xe6\x97\xa5\xe6\x9c\xac\n");
	cr_assert_str_eq(cfg.tickets_root, "\xe6\x97\xa5\xe6\x9c\xac");
	yoi_config_free(&cfg);
}

Test(config, integer_bounds)
{
	yoi_config cfg = {0};
	parse_ok(&cfg, "routing:\n  max_inprogress: 0\n");
	cr_assert_eq(cfg.max_inprogress, 0);
	yoi_config_free(&cfg);
	parse_ok(&cfg, "routing:\n  max_inprogress: 2147483647\n");
	cr_assert_eq(cfg.max_inprogress, 2147483647L);
	yoi_config_free(&cfg);
	parse_ok(&cfg, "hooks:\n  timeout_ms: 1\n");
	cr_assert_eq(cfg.hook_timeout_ms, 1);
	yoi_config_free(&cfg);
	parse_ok(&cfg, "hooks:\n  timeout_ms: 2147483647\n");
	cr_assert_eq(cfg.hook_timeout_ms, 2147483647L);
	yoi_config_free(&cfg);
}

Test(config, empty_lists_and_strings)
{
	yoi_config cfg = {0};
	parse_ok(&cfg, "roles: []\n");
	cr_assert_eq(cfg.roles.n, 0);
	yoi_config_free(&cfg);

	parse_ok(&cfg, "worktrees:\n  branch_prefix: ''\n");
	cr_assert_str_eq(cfg.branch_prefix, "");
	yoi_config_free(&cfg);
}

Test(config, single_transition_table)
{
	yoi_config cfg = {0};
	parse_ok(&cfg, "transitions:\n  - {from: planning, to: done}\n");
	cr_assert(cfg.transitions.owned);
	cr_assert_eq(cfg.transitions.n, 1);
	const yoi_transition *tr =
	    yoi_state_find(&cfg.transitions, YOI_ST_PLANNING, YOI_ST_DONE);
	cr_assert_not_null(tr);
	cr_assert_eq(tr->flags, 0);
	cr_assert_null(
	    yoi_state_find(&cfg.transitions, YOI_ST_PLANNING, YOI_ST_READY));
	yoi_config_free(&cfg);
}

Test(config, no_error_record_needed)
{
	yoi_config cfg = {0};
	cr_assert_eq(yoi_config_parse(&cfg, "bogus: 1", 8, NULL, NULL),
		     YOI_ECORRUPT);
	assert_defaults(&cfg);
	yoi_config_free(&cfg);
}

/* ---- errors ---- */

Test(config, yaml_syntax_errors)
{
	bad("tickets:\n  root: [a\nroles: []\n", 3, "YAML syntax error");
	bad("tickets:\n  root: x\n bad\n", 3, "YAML syntax error");
	bad("tickets:\n  root: 'unterminated\n", 3, "YAML syntax error");
	bad("tickets: {root: x\n", 2, "YAML syntax error");
	bad("a: b: c\n", 1, "YAML syntax error");
	bad("tickets:\n\troot: x\n", 2, "YAML syntax error");
	bad("%BOGUS directive\n---\nx: 1\n", 1, "YAML syntax error");
}

Test(config, top_level_not_a_mapping)
{
	bad("hello\n", 1, "top level must be a mapping");
	bad("# comment\n- a\n- b\n", 2, "top level must be a mapping");
	bad("[tickets]\n", 1, "got a list");
	bad("'quoted'\n", 1, "got a scalar");
	bad("''\n", 1, "top level must be a mapping");
	bad("? [a]\n: b\n", 1, "top-level keys must be plain words");
}

Test(config, unknown_keys)
{
	bad("ticket:\n  root: x\n", 1,
	    "unknown key 'ticket'; known keys: tickets, worktrees, routing, "
	    "roles, transitions, hooks");
	bad("tickets:\n  rot: x\n", 2,
	    "unknown key 'tickets.rot'; known keys: root, language");
	bad("tickets:\n  root: x\n  Language: en\n", 3,
	    "unknown key 'tickets.Language'");
	bad("worktrees:\n  prefix: w/\n", 2,
	    "unknown key 'worktrees.prefix'; known keys: dir, branch_prefix");
	bad("routing:\n  max: 1\n", 2,
	    "unknown key 'routing.max'; known keys: max_inprogress");
	bad("hooks:\n  timeout: 1\n", 2,
	    "unknown key 'hooks.timeout'; known keys: ticket_event, "
	    "timeout_ms");
	bad("transitions:\n  - {from: planning, to: ready}\n"
	    "  - {from: ready, to: queued, via: x}\n",
	    3, "unknown key 'transitions[1].via'; known keys: from, to");
	bad("tickets:\n  ? [a]\n  : b\n", 2,
	    "keys of 'tickets' must be plain words");
	bad("'': 1\n", 1, "unknown key ''");
	bad("<<: {tickets: {}}\n", 1, "unknown key '<<'");
}

Test(config, wrong_types)
{
	bad("tickets: x\n", 1,
	    "'tickets' must be a mapping with the keys root, language, got a "
	    "scalar");
	bad("tickets:\n  - root\n", 2, "'tickets' must be a mapping");
	bad("worktrees: []\n", 1, "'worktrees' must be a mapping");
	bad("routing: 3\n", 1, "'routing' must be a mapping");
	bad("hooks: ''\n", 1, "'hooks' must be a mapping");
	bad("tickets:\n  root: [a]\n", 2,
	    "'tickets.root' must be a string, got a list");
	bad("tickets:\n  root:\n    x: y\n", 3,
	    "'tickets.root' must be a string, got a mapping");
	bad("worktrees:\n  dir: {}\n", 2, "'worktrees.dir' must be a string");
	bad("worktrees:\n  branch_prefix: []\n", 2,
	    "'worktrees.branch_prefix' must be a string");
	bad("hooks:\n  ticket_event: [a]\n", 2,
	    "'hooks.ticket_event' must be a string");
	bad("tickets:\n  language: [en]\n", 2,
	    "'tickets.language' must be a string");
	bad("roles: coder\n", 1, "'roles' must be a list of role names");
	bad("roles: {a: b}\n", 1, "'roles' must be a list");
	bad("roles:\n", 1, "'roles' must be a list");
	bad("roles:\n  - intake\n  - [coder]\n", 3,
	    "'roles[1]' must be a string, got a list");
	bad("roles: [intake, ~]\n", 1,
	    "'roles[1]' must be a string, got an "
	    "empty value (null)");
	bad("roles: [intake, '']\n", 1, "'roles[1]' must not be empty");
	bad("roles: [coder, intake, coder]\n", 1,
	    "'roles' lists 'coder' twice");
	bad("transitions: {from: planning, to: ready}\n", 1,
	    "'transitions' must be a list");
	bad("transitions:\n", 1, "'transitions' must be a list");
	bad("transitions:\n  - planning\n", 2,
	    "'transitions[0]' must be a mapping {from: STATE, to: STATE}, got "
	    "a scalar");
	bad("transitions:\n  - [planning, ready]\n", 2,
	    "'transitions[0]' must be a mapping");
	bad("transitions:\n  - {from: [planning], to: ready}\n", 2,
	    "'transitions[0].from' must be a string, got a list");
}

Test(config, integers)
{
	const char *m = "'routing.max_inprogress' must be a non-negative "
			"integer, got ";
	struct {
		const char *v;
		const char *msg;
	} cases[] = {
	    {"abc", "'abc'"},
	    {"-1", "'-1'"},
	    {"1.5", "'1.5'"},
	    {"0x10", "'0x10'"},
	    {"1e3", "'1e3'"},
	    {"+3", "'+3'"},
	    {"007", "'007'"},
	    {"00", "'00'"},
	    {"1_000", "'1_000'"},
	    {".inf", "'.inf'"},
	    {"true", "'true'"},
	    {"3 4", "'3 4'"},
	    {"~", "an empty value (null)"},
	    {"", "an empty value"},
	    {"[1]", "a list"},
	    {"{a: 1}", "a mapping"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char text[128], want[160];
		snprintf(text, sizeof(text), "routing:\n  max_inprogress: %s\n",
			 cases[i].v);
		snprintf(want, sizeof(want), "%s%s", m, cases[i].msg);
		bad(text, 2, want);
	}
	bad("routing:\n  max_inprogress: '5'\n", 2,
	    "'routing.max_inprogress' must be a non-negative integer without "
	    "quotes, got '5' in quotes");
	bad("routing:\n  max_inprogress: 2147483648\n", 2,
	    "no larger than 2147483647, got '2147483648'");
	bad("routing:\n  max_inprogress: 99999999999999999999999999999\n", 2,
	    "no larger than 2147483647");
	bad("hooks:\n  timeout_ms: 0\n", 2,
	    "'hooks.timeout_ms' must be a positive integer, got '0'");
	bad("hooks:\n  timeout_ms: -5\n", 2,
	    "'hooks.timeout_ms' must be a positive integer, got '-5'");
	bad("hooks:\n  timeout_ms: \"2000\"\n", 2, "without quotes");
	bad("hooks:\n  timeout_ms:\n", 2,
	    "'hooks.timeout_ms' must be a positive integer, got an empty "
	    "value");
}

Test(config, languages_refused)
{
	bad("tickets:\n  language: French\n", 2,
	    "'tickets.language' must be English or Japanese (or en, ja), got "
	    "'French'");
	bad("tickets:\n  language: jp\n", 2, "got 'jp'");
	bad("tickets:\n  language: ''\n", 2, "got ''");
	bad("tickets:\n  language:\n", 2,
	    "'tickets.language' must be a string, got an empty value (null)");
	bad("tickets:\n  language: English \"x\"\n", 2, "got 'English \"x\"'");
}

Test(config, null_where_a_string_is_required)
{
	bad("tickets:\n  root:\n", 2,
	    "'tickets.root' must be a string, got an empty value (null)");
	bad("tickets:\n  root: ~\n", 2, "'tickets.root' must be a string");
	bad("tickets:\n  root: null\n", 2, "'tickets.root' must be a string");
	bad("tickets:\n  root: NULL\n", 2, "'tickets.root' must be a string");
	bad("tickets:\n  root: ''\n", 2, "'tickets.root' must not be empty");
	bad("worktrees:\n  dir: \"\"\n", 2,
	    "'worktrees.dir' must not be empty");
	bad("worktrees:\n  branch_prefix:\n", 2,
	    "'worktrees.branch_prefix' must be a string");
	bad("hooks:\n  ticket_event: ~\n", 2,
	    "'hooks.ticket_event' must be a string");
	bad("hooks:\n  ticket_event: ''\n", 2,
	    "'hooks.ticket_event' must not be empty");
	bad("tickets:\n  root: \"a\\0b\"\n", 2,
	    "'tickets.root' must not contain a NUL character");
}

Test(config, transitions_refused)
{
	bad("transitions:\n  - {from: planning, to: redy}\n", 2,
	    "'transitions[0].to' is not a known state: 'redy'; known states: "
	    "planning, ready, queued, inprogress, done, closed");
	bad("transitions:\n  - {from: Planning, to: ready}\n", 2,
	    "'transitions[0].from' is not a known state: 'Planning'");
	bad("transitions:\n  - from: planning\n    to: active\n", 3,
	    "'transitions[0].to' is not a known state: 'active'");
	bad("transitions:\n  - {from: planning, to: ready}\n"
	    "  - {from: planning}\n",
	    3, "'transitions[1]' is missing 'to'");
	bad("transitions:\n  - to: ready\n", 2,
	    "'transitions[0]' is missing 'from'");
	bad("transitions:\n  - {}\n", 2, "'transitions[0]' is missing 'from'");
	bad("transitions:\n  - {from: ~, to: ready}\n", 2,
	    "'transitions[0].from' must be a string, got an empty value");
	bad("transitions: []\n", 1, "'transitions' is an empty list");
	bad("transitions:\n  - {from: ready, to: ready}\n", 2,
	    "'transitions[0]' goes from 'ready' to itself");
	bad("transitions:\n  - {from: planning, to: ready}\n"
	    "  - {from: ready, to: queued}\n"
	    "  - {from: planning, to: ready}\n",
	    4,
	    "'transitions[2]' repeats planning -> ready (already "
	    "'transitions[0]')");
}

Test(config, anchors_and_aliases)
{
	bad("tickets: &t\n  root: x\n", 1,
	    "YAML anchors are not allowed ('&t')");
	bad("tickets:\n  root: &r x\n", 2, "YAML anchors are not allowed");
	bad("roles: &r [a]\n", 1, "YAML anchors are not allowed");
	bad("roles: [a, &r b]\n", 1, "YAML anchors are not allowed");
	bad("tickets:\n  root: *x\n", 2, "YAML aliases are not allowed ('*x')");
	bad("roles:\n  - a\n  - *x\n", 3, "YAML aliases are not allowed");
	bad("base: &b {root: x}\ntickets: *b\n", 1, "anchors are not allowed");
	bad("tickets:\n  <<: *b\n", 2, "aliases are not allowed");
	/* Refused even where the key would also be unknown: pass 1 first. */
	bad("x: 1\ny: *a\n", 2, "aliases are not allowed");
}

Test(config, tags_refused)
{
	bad("tickets:\n  root: !!str x\n", 2, "YAML tags are not allowed");
	bad("tickets: !custom\n  root: x\n", 1, "YAML tags are not allowed");
	bad("roles: !!seq [a]\n", 1, "YAML tags are not allowed");
}

Test(config, duplicate_keys)
{
	bad("tickets:\n  root: a\n  root: b\n", 3,
	    "duplicate key 'tickets.root' (first given on line 2)");
	bad("tickets: {}\nrouting: {}\ntickets: {}\n", 3,
	    "duplicate key 'tickets' (first given on line 1)");
	bad("roles: [a]\nroles: [b]\n", 2, "duplicate key 'roles'");
	bad("transitions:\n  - {from: planning, from: ready, to: done}\n", 2,
	    "duplicate key 'transitions[0].from'");
	bad("hooks:\n  timeout_ms: 1\n  \"timeout_ms\": 2\n", 3,
	    "duplicate key 'hooks.timeout_ms'");
}

Test(config, several_documents)
{
	bad("tickets: {}\n---\nroles: []\n", 2, "more than one YAML document");
}

static char *nested(size_t depth)
{
	/* roles: [[[ ... ]]] with depth brackets. */
	char *s = malloc(depth * 2 + 16);
	cr_assert_not_null(s);
	size_t n = 0;
	memcpy(s, "roles: ", 7);
	n = 7;
	for (size_t i = 0; i < depth; i++)
		s[n++] = '[';
	for (size_t i = 0; i < depth; i++)
		s[n++] = ']';
	s[n++] = '\n';
	s[n] = '\0';
	return s;
}

Test(config, nesting_limit)
{
	/* Root mapping + 31 lists = 32 levels: past pass 1, then a type error.
	 */
	char *s = nested(31);
	bad(s, 1, "'roles[0]' must be a string, got a list");
	free(s);
	s = nested(32);
	bad(s, 1, "YAML nested deeper than 32 levels");
	free(s);
	s = nested(100000);
	bad(s, 1, "YAML nested deeper than 32 levels");
	free(s);

	/* Deep block mappings too, on the line where the limit is crossed. */
	yoi_buf b = YOI_BUF_INIT;
	for (int i = 0; i < 40; i++) {
		for (int k = 0; k < i; k++)
			yoi_buf_puts(&b, " ");
		yoi_buf_printf(&b, "k%d:\n", i);
	}
	bad(b.ptr, 33, "YAML nested deeper than 32 levels");
	yoi_buf_free(&b);
}

Test(config, invalid_utf8_and_binary)
{
	bad("tickets:\n  root: \xff\n", 2, "invalid UTF-8 on line 2");
	bad("tickets:\n  root: \xc0\xaf\n", 2, "invalid UTF-8"); /* overlong */
	bad("tickets:\n  root: \xed\xa0\x80\n", 2,
	    "invalid UTF-8");					 /* surrogate */
	bad("tickets:\n  root: \xe6\x97\n", 2, "invalid UTF-8"); /* truncated */
	bad("\xff\xfet\0i\0", 1, "invalid UTF-8"); /* UTF-16 BOM */
	static const char nul[] = "tickets:\n  root: a\0b\n";
	bad_n(nul, sizeof(nul) - 1, 2, "NUL byte on line 2");
	bad("tickets:\n  root: a\x01z\n", 2, "cannot read the file as YAML");
	bad("tickets:\n  root: a\x7fz\n", 2, "cannot read the file as YAML");
}

Test(config, size_limit)
{
	size_t len = YOI_CONFIG_MAX_SIZE + 1;
	char *s = malloc(len + 1);
	cr_assert_not_null(s);
	memset(s, '#', len);
	s[len] = '\0';
	bad_n(s, len, 0, "the limit is 1048576 bytes");
	/* Exactly at the limit is fine. */
	yoi_config cfg = {0};
	cr_assert_eq(yoi_config_parse(&cfg, s, len - 1, PATH, NULL), 0);
	assert_defaults(&cfg);
	yoi_config_free(&cfg);
	free(s);
}

Test(config, too_many_nodes)
{
	yoi_buf b = YOI_BUF_INIT;
	yoi_buf_puts(&b, "roles: [");
	for (int i = 0; i < 70000; i++)
		yoi_buf_puts(&b, "a,");
	yoi_buf_puts(&b, "a]\n");
	bad(b.ptr, 1, "more than 65536 YAML nodes");
	yoi_buf_free(&b);
}

Test(config, error_keeps_no_part_of_the_file)
{
	/* Good values before the error must not leak into the result. */
	bad("tickets:\n  root: custom\n  language: ja\nroles: [x]\n"
	    "transitions:\n  - {from: planning, to: ready}\n"
	    "hooks:\n  timeout_ms: 0\n",
	    8, "'hooks.timeout_ms'");
}

Test(config, error_on_the_first_problem_only)
{
	bad("tickets:\n  rot: x\nrouting:\n  max_inprogress: abc\n", 2,
	    "tickets.rot");
}

/* ---- load ---- */

static char dir[64];

static int rm_one(const char *p, const struct stat *sb, int flag,
		  struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static void mkdir_tmp(void)
{
	snprintf(dir, sizeof(dir), "/tmp/yoi-config-test-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void rm_tmp(void)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static char *in_dir(const char *name)
{
	char *p = yoi_sprintf("%s/%s", dir, name);
	cr_assert_not_null(p);
	return p;
}

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	cr_assert_eq(fwrite(data, 1, len, f), len);
	cr_assert_eq(fclose(f), 0);
}

TestSuite(config_load, .init = mkdir_tmp, .fini = rm_tmp);

Test(config_load, missing_file_gives_defaults)
{
	char *p = in_dir("config.yaml");
	yoi_config cfg = {0};
	yoi_error err;
	yoi_error_clear(&err);
	cr_assert_eq(yoi_config_load(&cfg, p, &err), 0);
	assert_defaults(&cfg);
	yoi_config_free(&cfg);
	free(p);

	p = in_dir("no/such/dir/config.yaml");
	cr_assert_eq(yoi_config_load(&cfg, p, &err), 0);
	assert_defaults(&cfg);
	yoi_config_free(&cfg);
	free(p);
}

Test(config_load, regular_file)
{
	char *p = in_dir("config.yaml");
	write_file(p, full, strlen(full));
	yoi_config cfg = {0};
	yoi_error err;
	yoi_error_clear(&err);
	cr_assert_eq(yoi_config_load(&cfg, p, &err), 0, "%s", err.msg);
	cr_assert_str_eq(cfg.tickets_root, "tickets/store");
	cr_assert_eq(cfg.language, YOI_LANG_JA);
	cr_assert_eq(cfg.transitions.n, 6);
	cr_assert(cfg.transitions.owned);
	cr_assert_eq(cfg.hook_timeout_ms, 150);
	yoi_config_free(&cfg);
	free(p);
}

Test(config_load, empty_file_gives_defaults)
{
	char *p = in_dir("config.yaml");
	write_file(p, "", 0);
	yoi_config cfg = {0};
	cr_assert_eq(yoi_config_load(&cfg, p, NULL), 0);
	assert_defaults(&cfg);
	yoi_config_free(&cfg);
	free(p);
}

Test(config_load, error_names_file_and_line)
{
	char *p = in_dir("config.yaml");
	const char *text =
	    "tickets:\n  root: x\nrouting:\n  max_inprogress: -1\n";
	write_file(p, text, strlen(text));
	yoi_config cfg = {0};
	yoi_error err;
	yoi_error_clear(&err);
	cr_assert_eq(yoi_config_load(&cfg, p, &err), YOI_ECORRUPT);
	cr_assert_str_eq(err.path, p);
	cr_assert_eq(err.line, 4);
	cr_assert(strstr(err.msg, "'routing.max_inprogress' must be a "
				  "non-negative integer, got '-1'"),
		  "%s", err.msg);
	assert_defaults(&cfg);
	yoi_config_free(&cfg);
	free(p);
}

Test(config_load, symlink_refused)
{
	char *target = in_dir("real.yaml");
	char *link = in_dir("config.yaml");
	write_file(target, "tickets:\n  root: linked\n", 24);
	cr_assert_eq(symlink(target, link), 0);
	yoi_config cfg = {0};
	yoi_error err;
	yoi_error_clear(&err);
	cr_assert_eq(yoi_config_load(&cfg, link, &err), YOI_ECORRUPT);
	cr_assert_str_eq(err.path, link);
	cr_assert(strstr(err.msg, "symbolic link"), "%s", err.msg);
	assert_defaults(&cfg);
	yoi_config_free(&cfg);

	/* A dangling link is refused too, not taken for a missing file. */
	char *dangling = in_dir("dangling.yaml");
	cr_assert_eq(symlink("/nonexistent/yoi/config.yaml", dangling), 0);
	yoi_error_clear(&err);
	cr_assert_eq(yoi_config_load(&cfg, dangling, &err), YOI_ECORRUPT);
	cr_assert(strstr(err.msg, "symbolic link"), "%s", err.msg);
	yoi_config_free(&cfg);
	free(target);
	free(link);
	free(dangling);
}

Test(config_load, non_regular_files_refused)
{
	yoi_config cfg = {0};
	yoi_error err;
	yoi_error_clear(&err);
	cr_assert_eq(yoi_config_load(&cfg, dir, &err), YOI_ECORRUPT);
	cr_assert(strstr(err.msg, "not a regular file"), "%s", err.msg);
	assert_defaults(&cfg);
	yoi_config_free(&cfg);

	/* A FIFO without a writer must not hang the open. */
	char *fifo = in_dir("fifo.yaml");
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	yoi_error_clear(&err);
	cr_assert_eq(yoi_config_load(&cfg, fifo, &err), YOI_ECORRUPT);
	cr_assert(strstr(err.msg, "not a regular file"), "%s", err.msg);
	yoi_config_free(&cfg);
	free(fifo);

	cr_assert_eq(yoi_config_load(&cfg, "/dev/null", &err), YOI_ECORRUPT);
	yoi_config_free(&cfg);
}

Test(config_load, oversize_file_refused)
{
	char *p = in_dir("config.yaml");
	size_t len = YOI_CONFIG_MAX_SIZE + 1;
	char *data = malloc(len);
	cr_assert_not_null(data);
	memset(data, '#', len);
	write_file(p, data, len);
	yoi_config cfg = {0};
	yoi_error err;
	yoi_error_clear(&err);
	cr_assert_eq(yoi_config_load(&cfg, p, &err), YOI_ECORRUPT);
	cr_assert_str_eq(err.path, p);
	cr_assert(strstr(err.msg, "1048577 bytes; the limit is 1048576"), "%s",
		  err.msg);
	assert_defaults(&cfg);
	yoi_config_free(&cfg);

	/* Exactly at the limit: read and parsed (all comments). */
	write_file(p, data, len - 1);
	cr_assert_eq(yoi_config_load(&cfg, p, &err), 0, "%s", err.msg);
	assert_defaults(&cfg);
	yoi_config_free(&cfg);

	/* A 100 MiB sparse file is refused before any read. */
	int fd = open(p, O_WRONLY | O_TRUNC);
	cr_assert_geq(fd, 0);
	cr_assert_eq(ftruncate(fd, 100L * 1024 * 1024), 0);
	close(fd);
	cr_assert_eq(yoi_config_load(&cfg, p, &err), YOI_ECORRUPT);
	cr_assert(strstr(err.msg, "104857600 bytes"), "%s", err.msg);
	yoi_config_free(&cfg);
	free(data);
	free(p);
}

Test(config_load, unreadable_file)
{
	if (geteuid() == 0)
		cr_skip_test("root reads files regardless of permissions");
	char *p = in_dir("config.yaml");
	write_file(p, "tickets: {}\n", 12);
	cr_assert_eq(chmod(p, 0), 0);
	yoi_config cfg = {0};
	yoi_error err;
	yoi_error_clear(&err);
	cr_assert_eq(yoi_config_load(&cfg, p, &err), YOI_EIO);
	cr_assert(strstr(err.msg, "cannot open"), "%s", err.msg);
	assert_defaults(&cfg);
	yoi_config_free(&cfg);
	free(p);
}

Test(config_load, path_through_a_file_is_an_io_error)
{
	char *p = in_dir("file");
	write_file(p, "x", 1);
	char *q = in_dir("file/config.yaml");
	yoi_config cfg = {0};
	yoi_error err;
	yoi_error_clear(&err);
	cr_assert_eq(yoi_config_load(&cfg, q, &err), YOI_EIO);
	cr_assert_str_eq(err.path, q);
	yoi_config_free(&cfg);
	free(p);
	free(q);
}

/* ---- in-place semantics: old contents are released, never leaked ---- */

Test(config, parse_over_initialised_configs)
{
	/* The store's pattern: defaults first, then parse over them. */
	yoi_config cfg;
	cr_assert_eq(yoi_config_defaults(&cfg), 0);
	parse_ok(&cfg, "tickets:\n  root: first\nroles: [a]\n"
		       "transitions:\n  - {from: planning, to: done}\n");
	cr_assert_str_eq(cfg.tickets_root, "first");
	cr_assert(cfg.transitions.owned);

	/* Parsing again replaces everything, owned table included. */
	parse_ok(&cfg, "worktrees:\n  dir: second\n");
	cr_assert_str_eq(cfg.worktrees_dir, "second");
	cr_assert_str_eq(cfg.tickets_root, ".yoi/tickets");
	cr_assert_eq(cfg.roles.n, 4);
	cr_assert_eq(cfg.transitions.v, yoi_state_default_table()->v);

	/* A failed parse over a custom config leaves the plain defaults. */
	parse_ok(&cfg, "tickets:\n  root: third\n"
		       "transitions:\n  - {from: planning, to: done}\n");
	yoi_error err;
	cr_assert_eq(parse(&cfg, "tickets:\n  root: [x]\n", &err),
		     YOI_ECORRUPT);
	assert_defaults(&cfg);
	yoi_config_free(&cfg);
}

Test(config_load, load_over_initialised_configs)
{
	char *p = in_dir("config.yaml");
	write_file(p, full, strlen(full));
	char *missing = in_dir("missing.yaml");
	char *link = in_dir("link.yaml");
	cr_assert_eq(symlink(p, link), 0);

	yoi_config cfg;
	cr_assert_eq(yoi_config_defaults(&cfg), 0);
	cr_assert_eq(yoi_config_load(&cfg, p, NULL), 0);
	cr_assert_str_eq(cfg.tickets_root, "tickets/store");
	cr_assert_eq(yoi_config_load(&cfg, p, NULL), 0);
	cr_assert(cfg.transitions.owned);
	/* A missing file over a loaded config: back to the defaults. */
	cr_assert_eq(yoi_config_load(&cfg, missing, NULL), 0);
	assert_defaults(&cfg);
	cr_assert_eq(yoi_config_load(&cfg, p, NULL), 0);
	/* A refused file over a loaded config: the defaults too. */
	cr_assert_eq(yoi_config_load(&cfg, link, NULL), YOI_ECORRUPT);
	assert_defaults(&cfg);
	cr_assert_eq(yoi_config_load(&cfg, NULL, NULL), YOI_EUSAGE);
	assert_defaults(&cfg);
	yoi_config_free(&cfg);
	free(p);
	free(missing);
	free(link);
}

/* ---- paths from the config stay inside the repository (issue 11) ---- */

Test(config, tickets_root_must_be_a_plain_relative_path)
{
	bad("tickets:\n  root: /\n", 2, "'tickets.root' must be relative");
	bad("tickets:\n  root: /srv/tickets\n", 2,
	    "'tickets.root' must be relative");
	bad("tickets:\n  root: ../../x\n", 2, "'..'");
	bad("tickets:\n  root: a/../../x\n", 2, "'..'");
	bad("tickets:\n  root: ..\n", 2, "'..'");
	bad("tickets:\n  root: .\n", 2, "'.'");
	bad("tickets:\n  root: ./tix\n", 2, "'.'");
	bad("tickets:\n  root: a//b\n", 2, "empty component");
	bad("tickets:\n  root: tix/\n", 2, "empty component");
	bad("tickets:\n  root: .git\n", 2, "'.git'");
	bad("tickets:\n  root: .git/hooks\n", 2, "'.git'");
	bad("tickets:\n  root: sub/.GIT/x\n", 2, "'.git'");
	bad("tickets:\n  root: \"a\\nb\"\n", 2, "control character");
	/* The message names the key and the rule. */
	bad("tickets:\n  root: ../x\n", 2, "'tickets.root'");
}

Test(config, tickets_root_plain_paths_still_accepted)
{
	yoi_config cfg = {0};
	parse_ok(&cfg, "tickets:\n  root: work/tix\n");
	cr_assert_str_eq(cfg.tickets_root, "work/tix");
	cr_assert_eq(cfg.tickets_root_line, 2);
	parse_ok(&cfg, "tickets:\n  root: .yoi/t..x/.gitx/..y\n");
	cr_assert_str_eq(cfg.tickets_root, ".yoi/t..x/.gitx/..y");
	yoi_config_free(&cfg);
}

Test(config, worktrees_dir_inside_or_one_sibling_folder)
{
	bad("worktrees:\n  dir: /abs/wt\n", 2,
	    "'worktrees.dir' must be relative");
	bad("worktrees:\n  dir: ../..\n", 2, "'..'");
	bad("worktrees:\n  dir: ../../wt\n", 2, "'..'");
	bad("worktrees:\n  dir: ../a/b\n", 2, "'..'");
	bad("worktrees:\n  dir: a/../../wt\n", 2, "'..'");
	bad("worktrees:\n  dir: ..\n", 2, "'..'");
	bad("worktrees:\n  dir: .\n", 2, "'.'");
	bad("worktrees:\n  dir: ../.git\n", 2, "'.git'");
	bad("worktrees:\n  dir: .git/wt\n", 2, "'.git'");
	bad("worktrees:\n  dir: wt//x\n", 2, "empty component");
	/* Not the tickets root, nor inside it, nor holding it. */
	bad("worktrees:\n  dir: .yoi/tickets\n", 2, "tickets root");
	bad("worktrees:\n  dir: .yoi/tickets/wt\n", 2, "tickets root");
	bad("worktrees:\n  dir: .yoi\n", 2, "tickets root");
	bad("worktrees:\n  dir: tix\ntickets:\n  root: tix/store\n", 2,
	    "tickets root");

	yoi_config cfg = {0};
	parse_ok(&cfg, "worktrees:\n  dir: ../wt\n");
	cr_assert_str_eq(cfg.worktrees_dir, "../wt");
	cr_assert_eq(cfg.worktrees_dir_line, 2);
	parse_ok(&cfg, "worktrees:\n  dir: build/worktrees\n");
	cr_assert_str_eq(cfg.worktrees_dir, "build/worktrees");
	parse_ok(&cfg, "worktrees:\n  dir: .yoi/tickets2\n");
	cr_assert_str_eq(cfg.worktrees_dir, ".yoi/tickets2");
	yoi_config_free(&cfg);
}

Test(config, worktrees_store_main_or_branch)
{
	yoi_config cfg = {0};
	parse_ok(&cfg, "worktrees:\n  store: branch\n");
	cr_assert(cfg.worktrees_store_branch);
	yoi_config_free(&cfg);
	parse_ok(&cfg, "worktrees:\n  store: main\n");
	cr_assert_not(cfg.worktrees_store_branch);
	yoi_config_free(&cfg);
	parse_ok(&cfg, "worktrees:\n  dir: wt\n");
	cr_assert_not(cfg.worktrees_store_branch, "main is the default");
	yoi_config_free(&cfg);
	bad("worktrees:\n  store: elsewhere\n", 2,
	    "'worktrees.store' must be main or branch, got 'elsewhere'");
	bad("worktrees:\n  store: [main]\n", 2,
	    "'worktrees.store' must be a string");
}

Test(config, finish_require_merged_is_a_boolean)
{
	yoi_config cfg = {0};
	parse_ok(&cfg, "finish:\n  require_merged: true\n");
	cr_assert(cfg.finish_require_merged);
	yoi_config_free(&cfg);
	parse_ok(&cfg, "finish:\n  require_merged: false\n");
	cr_assert_not(cfg.finish_require_merged);
	yoi_config_free(&cfg);
	parse_ok(&cfg, "tickets:\n  root: t\n");
	cr_assert_not(cfg.finish_require_merged, "off by default");
	yoi_config_free(&cfg);
	bad("finish:\n  require_merged: yes\n", 2,
	    "'finish.require_merged' must be true or false, got 'yes'");
	bad("finish:\n  require_merged: 'true'\n", 2,
	    "'finish.require_merged' must be true or false, got 'true'");
	bad("finish:\n  require_merged:\n", 2,
	    "'finish.require_merged' must be true or false, got an empty "
	    "value (null)");
	bad("finish:\n  merged: true\n", 2, "finish.merged");
}

/* The section tables name their keys in these messages (issue 14). */
Test(config, section_messages_name_every_key)
{
	bad("worktrees: x\n", 1,
	    "'worktrees' must be a mapping with the keys dir, branch_prefix, store, "
	    "got a scalar");
	bad("routing: [1]\n", 1,
	    "'routing' must be a mapping with the keys max_inprogress, got a "
	    "list");
	bad("hooks: x\n", 1,
	    "'hooks' must be a mapping with the keys ticket_event, "
	    "timeout_ms, got a scalar");
	bad("roles: x\n", 1,
	    "'roles' must be a list of role names such as [intake, coder], "
	    "got a scalar");
	bad("transitions: {from: a}\n", 1,
	    "'transitions' must be a list of {from: STATE, to: STATE} "
	    "mappings, got a mapping");
	bad("routing:\n  max_inprogress: -1\n", 2,
	    "'routing.max_inprogress' must be a non-negative integer");
	bad("hooks:\n  timeout_ms: 0\n", 2,
	    "'hooks.timeout_ms' must be a positive integer");
}
