/*
 * Unit tests: the declarative option parser of the CLI (src/cli/options.h)
 * on argv arrays: each kind, both spellings, the errors with their
 * messages and exit status, the global options before and after the
 * command.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/cli/cli.h"
#include "../../src/cli/options.h"

/* What a parse printed on stderr (up to 4 KiB). */
static char errtext[4096];

typedef struct vals {
	bool flag;
	const char *str;
	const char *fmt;
	long num;
	const char *tagv[3];
	yoi_optlist tags;
	const char *cb_arg;
	int cb_calls;
} vals;

/* stderr into a temporary file while a parse runs, then into errtext. */
static FILE *capture_begin(int *saved)
{
	fflush(stderr);
	*saved = dup(2);
	FILE *tmp = tmpfile();
	cr_assert_not_null(tmp);
	dup2(fileno(tmp), 2);
	return tmp;
}

static void capture_end(FILE *tmp, int saved)
{
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	size_t n = fread(errtext, 1, sizeof(errtext) - 1, tmp);
	errtext[n] = '\0';
	fclose(tmp);
}

static int cb(yoi_ctx *ctx, const yoi_option *opt, const char *arg)
{
	vals *v = opt->value;
	v->cb_calls++;
	v->cb_arg = arg;
	if (arg && strcmp(arg, "refuse") == 0)
		return yoi_cli_usage(ctx, "refused '%s'", arg);
	return 0;
}

static int parse(yoi_ctx *ctx, vals *v, int argc, char **argv)
{
	v->tags = (yoi_optlist){v->tagv, 0};
	const yoi_option opts[] = {
	    YOI_OPT_FLAG("flag", 0, &v->flag, "a flag"),
	    YOI_OPT_STRING("name", 'n', &v->str, "a string"),
	    YOI_OPT_SETSTR("json", &v->fmt, "json", "a constant"),
	    YOI_OPT_UINT("limit", &v->num, 10, "0 to 10"),
	    YOI_OPT_LIST("tag", &v->tags, 3, "at most 3"),
	    YOI_OPT_CALLBACK("call", v, cb, "a callback with a value"),
	    YOI_OPT_CALLBACK_NOARG("poke", v, cb, "a callback without"),
	    YOI_OPT_END(),
	};
	int saved;
	FILE *tmp = capture_begin(&saved);
	int rc = yoi_cli_parse(ctx, argc, argv, opts);
	capture_end(tmp, saved);
	return rc;
}

#define ARGV(...)	   ((char *[]){"test", __VA_ARGS__, NULL})
#define ARGC(...)	   ((int)(sizeof(ARGV(__VA_ARGS__)) / sizeof(char *)) - 1)
#define PARSE(ctx, v, ...) parse(ctx, v, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__))

static yoi_ctx new_ctx(void)
{
	return (yoi_ctx){.cmd = "test", .wait_sec = 10};
}

Test(options, each_kind_and_positionals)
{
	yoi_ctx ctx = new_ctx();
	vals v = {0};
	char **argv =
	    ARGV("a", "--flag", "--name", "x", "b", "--json", "--limit=7",
		 "--tag", "t1", "--tag=t2", "--call", "c", "--poke", "c2");
	int rc = parse(&ctx, &v, 15, argv);
	cr_assert_eq(rc, YOI_CLI_GO, "%s", errtext);
	cr_assert_str_empty(errtext);
	cr_assert(v.flag);
	cr_assert_str_eq(v.str, "x");
	cr_assert_str_eq(v.fmt, "json");
	cr_assert_eq(v.num, 7);
	cr_assert_eq(v.tags.n, 2);
	cr_assert_str_eq(v.tags.v[0], "t1");
	cr_assert_str_eq(v.tags.v[1], "t2");
	cr_assert_eq(v.cb_calls, 2);
	cr_assert_null(v.cb_arg, "--poke takes no value");
	/* The positionals, in order, after the options. */
	cr_assert_eq(15 - optind, 3);
	cr_assert_str_eq(argv[optind], "a");
	cr_assert_str_eq(argv[optind + 1], "b");
	cr_assert_str_eq(argv[optind + 2], "c2");
}

Test(options, both_spellings_short_and_last_wins)
{
	yoi_ctx ctx = new_ctx();
	vals v = {0};
	cr_assert_eq(PARSE(&ctx, &v, "--name=a=b"), YOI_CLI_GO);
	cr_assert_str_eq(v.str, "a=b");
	cr_assert_eq(PARSE(&ctx, &v, "--name", "--flag"), YOI_CLI_GO);
	cr_assert_str_eq(v.str, "--flag", "a value may start with -");
	cr_assert_eq(PARSE(&ctx, &v, "-n", "s1", "-ns2"), YOI_CLI_GO);
	cr_assert_str_eq(v.str, "s2");
	cr_assert_eq(PARSE(&ctx, &v, "--na", "pre"), YOI_CLI_GO);
	cr_assert_str_eq(v.str, "pre", "an unambiguous prefix");
	cr_assert_eq(PARSE(&ctx, &v, "--call=x"), YOI_CLI_GO);
	cr_assert_str_eq(v.cb_arg, "x");
}

Test(options, missing_value)
{
	yoi_ctx ctx = new_ctx();
	vals v = {0};
	cr_assert_eq(PARSE(&ctx, &v, "--name"), 2);
	cr_assert_str_eq(errtext, "yoi-tickets test: option '--name' needs a "
				  "value\n(see 'yoi-tickets help test')\n");
	cr_assert_eq(PARSE(&ctx, &v, "x", "-n"), 2);
	cr_assert(strstr(errtext, "option '-n' needs a value"), "%s", errtext);
	cr_assert_eq(PARSE(&ctx, &v, "--tag"), 2);
	cr_assert(strstr(errtext, "option '--tag' needs a value"));
}

Test(options, unknown_option)
{
	yoi_ctx ctx = new_ctx();
	vals v = {0};
	cr_assert_eq(PARSE(&ctx, &v, "--bogus"), 2);
	cr_assert_str_eq(errtext, "yoi-tickets test: unknown option "
				  "'--bogus'\n(see 'yoi-tickets help test')\n");
	cr_assert_eq(PARSE(&ctx, &v, "--flag=1"), 2);
	cr_assert(strstr(errtext, "unknown option '--flag=1'"), "%s", errtext);
	cr_assert_eq(PARSE(&ctx, &v, "-x"), 2);
	cr_assert(strstr(errtext, "unknown option '-x'"), "%s", errtext);
	/* An error stops the parse: nothing after it is applied. */
	cr_assert_eq(PARSE(&ctx, &v, "--bogus", "--flag"), 2);
	cr_assert_not(v.flag);
}

Test(options, list_over_its_maximum)
{
	yoi_ctx ctx = new_ctx();
	vals v = {0};
	cr_assert_eq(PARSE(&ctx, &v, "--tag", "1", "--tag", "2", "--tag", "3"),
		     YOI_CLI_GO);
	cr_assert_eq(v.tags.n, 3);
	cr_assert_eq(PARSE(&ctx, &v, "--tag", "1", "--tag", "2", "--tag", "3",
			   "--tag", "4"),
		     2);
	cr_assert_eq(v.tags.n, 3, "nothing written past the array");
	cr_assert_str_eq(errtext, "yoi-tickets test: at most 3 --tag\n"
				  "(see 'yoi-tickets help test')\n");
}

Test(options, bad_integer)
{
	yoi_ctx ctx = new_ctx();
	vals v = {.num = -1};
	const char *bad[] = {"abc", "", "-1", "5x", "99999999999999999999"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		cr_assert_eq(PARSE(&ctx, &v, "--limit", (char *)bad[i]), 2);
		char want[128];
		snprintf(want, sizeof(want),
			 "--limit needs a non-negative integer, got '%s'",
			 bad[i]);
		cr_assert(strstr(errtext, want), "%s", errtext);
		cr_assert_eq(v.num, -1, "left as it was");
	}
	cr_assert_eq(PARSE(&ctx, &v, "--limit=11"), 2);
	cr_assert(strstr(errtext, "--limit needs an integer from 0 to 10, got "
				  "'11'"),
		  "%s", errtext);
	cr_assert_eq(PARSE(&ctx, &v, "--limit=10"), YOI_CLI_GO);
	cr_assert_eq(v.num, 10);
	cr_assert_eq(PARSE(&ctx, &v, "--limit=0"), YOI_CLI_GO);
	cr_assert_eq(v.num, 0);
}

Test(options, callback_refusal_is_the_status)
{
	yoi_ctx ctx = new_ctx();
	vals v = {0};
	cr_assert_eq(PARSE(&ctx, &v, "--call", "refuse", "--flag"), 2);
	cr_assert(strstr(errtext, "refused 'refuse'"), "%s", errtext);
	cr_assert_not(v.flag);
}

Test(options, globals_after_the_command)
{
	yoi_ctx ctx = new_ctx();
	vals v = {0};
	cr_assert_eq(PARSE(&ctx, &v, "pos", "--root", "/r", "--author=Ann",
			   "--wait=3", "--verbose", "--quiet", "--flag"),
		     YOI_CLI_GO, "%s", errtext);
	cr_assert_str_eq(ctx.root, "/r");
	cr_assert_str_eq(ctx.author, "Ann");
	cr_assert_eq(ctx.wait_sec, 3);
	cr_assert(ctx.verbose && ctx.quiet && v.flag);
	cr_assert_eq(PARSE(&ctx, &v, "--wait", "99999999999"), YOI_CLI_GO);
	cr_assert_eq(ctx.wait_sec, 2147483647, "clamped to an int");
	cr_assert_eq(PARSE(&ctx, &v, "--wait", "soon"), 2);
	cr_assert(strstr(errtext, "--wait needs a non-negative integer, got "
				  "'soon'"),
		  "%s", errtext);
	cr_assert_eq(PARSE(&ctx, &v, "--root"), 2);
	cr_assert(strstr(errtext, "option '--root' needs a value"));
	/* A command without options of its own still takes the globals. */
	yoi_ctx c2 = new_ctx();
	char **argv = ARGV("--quiet", "x");
	cr_assert_eq(yoi_cli_parse(&c2, 3, argv, NULL), YOI_CLI_GO);
	cr_assert(c2.quiet);
	cr_assert_str_eq(argv[optind], "x");
}

static int globals(yoi_ctx *ctx, int argc, char **argv, int *i)
{
	int saved;
	FILE *tmp = capture_begin(&saved);
	int rc = yoi_cli_parse_globals(ctx, argc, argv, i);
	capture_end(tmp, saved);
	return rc;
}

Test(options, globals_before_the_command)
{
	yoi_ctx ctx = {.cmd = "yoi-tickets", .wait_sec = 10};
	char **argv = (char *[]){
	    "yoi-tickets", "--root=/r", "--author", "Bo",     "--wait", "4",
	    "--verbose",   "--quiet",	"list",	    "--flag", NULL};
	int i = 1;
	cr_assert_eq(globals(&ctx, 10, argv, &i), YOI_CLI_GO, "%s", errtext);
	cr_assert_eq(i, 8, "stops at the command name");
	cr_assert_str_eq(ctx.root, "/r");
	cr_assert_str_eq(ctx.author, "Bo");
	cr_assert_eq(ctx.wait_sec, 4);
	cr_assert(ctx.verbose && ctx.quiet);
	/* --version and --help are left for the caller. */
	char **v2 = (char *[]){"yoi-tickets", "--quiet", "--version", NULL};
	i = 1;
	cr_assert_eq(globals(&ctx, 3, v2, &i), YOI_CLI_GO);
	cr_assert_eq(i, 2);
	/* Exact names only before the command; a missing value; a flag
	 * given a value; a bad number. */
	const char *bad[][2] = {
	    {"--verb", "unknown or incomplete option '--verb'"},
	    {"--root", "unknown or incomplete option '--root'"},
	    {"--quiet=1", "unknown or incomplete option '--quiet=1'"},
	    {"-q", "unknown or incomplete option '-q'"},
	    {"--wait=x", "--wait needs a non-negative integer, got 'x'"},
	};
	for (size_t k = 0; k < sizeof(bad) / sizeof(*bad); k++) {
		char *a[] = {"yoi-tickets", (char *)bad[k][0], NULL};
		i = 1;
		cr_assert_eq(globals(&ctx, 2, a, &i), 2, "%s", bad[k][0]);
		char want[256];
		snprintf(want, sizeof(want),
			 "yoi-tickets: %s\n(see 'yoi-tickets help')\n",
			 bad[k][1]);
		cr_assert_str_eq(errtext, want);
	}
}

/* yoi_cli_parse_n / yoi_cli_parse_none with stderr captured. */
static int parse_n(yoi_ctx *ctx, int argc, char **argv, int n,
		   const char *what)
{
	const yoi_option opts[] = {
	    YOI_OPT_JSON(&ctx->json),
	    YOI_OPT_END(),
	};
	int saved;
	FILE *tmp = capture_begin(&saved);
	int rc = what ? yoi_cli_parse_n(ctx, argc, argv, opts, n, what)
		      : yoi_cli_parse_none(ctx, argc, argv, opts);
	capture_end(tmp, saved);
	return rc;
}

Test(options, positional_count)
{
	yoi_ctx ctx = new_ctx();
	/* None wanted: the first extra one is named. */
	cr_assert_eq(parse_n(&ctx, 1, ARGV(NULL), 0, NULL), YOI_CLI_GO);
	cr_assert_eq(parse_n(&ctx, 3, ARGV("--json", "extra"), 0, NULL), 2);
	cr_assert_str_eq(errtext, "yoi-tickets test: unexpected argument "
				  "'extra'\n(see 'yoi-tickets help test')\n");
	cr_assert(ctx.json, "--json was parsed before the refusal");
	/* Exactly n, else the command's own message. */
	cr_assert_eq(parse_n(&ctx, 3, ARGV("a", "b"), 2, "want two"),
		     YOI_CLI_GO);
	cr_assert_str_eq(ARGV("a", "b")[optind], "a");
	cr_assert_eq(parse_n(&ctx, 2, ARGV("a"), 2, "want two"), 2);
	cr_assert_str_eq(errtext, "yoi-tickets test: want two\n"
				  "(see 'yoi-tickets help test')\n");
	cr_assert_eq(parse_n(&ctx, 4, ARGV("a", "b", "c"), 2, "want two"), 2);
	cr_assert(strstr(errtext, "want two"), "%s", errtext);
	cr_assert_eq(parse_n(&ctx, 2, ARGV("x"), 0, "takes none"), 2);
	cr_assert(strstr(errtext, "test: takes none"), "%s", errtext);
	/* A parse error comes first; --help is 0, whatever the count. */
	cr_assert_eq(parse_n(&ctx, 3, ARGV("a", "--bogus"), 2, "want two"), 2);
	cr_assert(strstr(errtext, "unknown option '--bogus'"), "%s", errtext);
	cr_assert_eq(parse_n(&ctx, 3, ARGV("a", "--help"), 2, "want two"), 0);
}

Test(options, guess_finds_one_close_candidate)
{
	const char *const cmds[] = {"list", "show", "state", "start", "route",
				    "relation", "review", "reopen"};
	size_t n = sizeof(cmds) / sizeof(*cmds);
	cr_assert_str_eq(yoi_cli_guess("lsit", cmds, n), "list", "a swap");
	cr_assert_str_eq(yoi_cli_guess("shw", cmds, n), "show", "a deletion");
	cr_assert_str_eq(yoi_cli_guess("relatoin", cmds, n), "relation");
	cr_assert_str_eq(yoi_cli_guess("raute", cmds, n), "route");
	cr_assert_null(yoi_cli_guess("stat", cmds, n),
		       "state and start are both one away: no guess");
	cr_assert_null(yoi_cli_guess("list", cmds, n), "an exact word");
	cr_assert_null(yoi_cli_guess("frobnicate", cmds, n));
	cr_assert_null(yoi_cli_guess("xy", cmds, n));
	cr_assert_null(yoi_cli_guess("", cmds, n));
}
