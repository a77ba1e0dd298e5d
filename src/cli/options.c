/* options.c - the one option parser: a command's table plus the globals. */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static bool takes_value(const yoi_option *o);

/* --wait SECONDS: a non-negative integer, clamped to an int. */
static int wait_cb(yoi_ctx *ctx, const yoi_option *opt, const char *arg)
{
	(void)opt;
	long w;
	if (yoi_cli_uint(ctx, "--wait", arg, &w) != 0)
		return YOI_EXIT_USAGE;
	ctx->wait_sec = w > INT_MAX ? INT_MAX : (int)w;
	return 0;
}

enum { NGLOBAL = 8 };

/* -C DIR: run as if started in DIR (git's -C; relative to the previous). */
static int chdir_cb(yoi_ctx *ctx, const yoi_option *opt, const char *arg)
{
	(void)opt;
	if (!arg || !*arg)
		return yoi_cli_usage(ctx, "-C needs a folder");
	if (chdir(arg) == 0)
		return 0;
	return yoi_cli_fail(ctx, yoi_error_set(&ctx->err, YOI_ENOTFOUND, arg, 0,
					       "cannot change to '%s': %s", arg,
					       strerror(errno)));
}

/* The global options, writing into ctx: one table for both places. */
static void globals(yoi_ctx *ctx, yoi_option g[NGLOBAL])
{
	const yoi_option t[NGLOBAL] = {
	    YOI_OPT_STRING("root", 0, &ctx->root, "the ticket store's folder"),
	    YOI_OPT_STRING("author", 0, &ctx->author, "the author of events"),
	    YOI_OPT_CALLBACK("wait", NULL, wait_cb,
			     "seconds to wait for the store's lock"),
	    YOI_OPT_FLAG("verbose", 0, &ctx->verbose, "say more on stderr"),
	    YOI_OPT_FLAG("quiet", 0, &ctx->quiet, "say less on stdout"),
	    YOI_OPT_CALLBACK_OPTARG("color", NULL, yoi_cli_color_cb,
				    "colour: auto, always or never"),
	    YOI_OPT_FLAG("no-pager", 0, &ctx->no_pager, "never page output"),
	    /* -C stays last: the pre-command parser finds it there. */
	    {YOI_OPT_CALLBACK, "directory", 'C', NULL, 0, NULL, chdir_cb, 0,
	     "run as if started in DIR (-C DIR)", 0},
	};
	memcpy(g, t, sizeof(t));
}

static yoi_optcollect *collector;

void yoi_cli_collect_options(yoi_optcollect *c)
{
	collector = c;
}

/* The collector's copy of the tables (n own entries, then g). */
static void collect(const yoi_option *opts, size_t n, const yoi_option *g)
{
	collector->n = collector->n_own = 0;
	for (size_t i = 0; i < n + NGLOBAL && i < YOI_OPT_COLLECT_MAX; i++) {
		collector->v[collector->n++] = i < n ? opts[i] : g[i - n];
		if (i < n)
			collector->n_own++;
	}
}

bool yoi_cli_opt_takes_value(const yoi_option *o)
{
	return takes_value(o);
}

static bool takes_value(const yoi_option *o)
{
	switch (o->kind) {
	case YOI_OPT_STRING:
	case YOI_OPT_UINT:
	case YOI_OPT_LIST:
		return true;
	case YOI_OPT_CALLBACK:
		return !o->noarg;
	default:
		return false;
	}
}

/* Store one option's value. 0 or an exit status (message printed). */
static int apply(yoi_ctx *ctx, const yoi_option *o, const char *arg)
{
	switch (o->kind) {
	case YOI_OPT_FLAG:
		*(bool *)o->value = true;
		return 0;
	case YOI_OPT_STRING:
		*(const char **)o->value = arg;
		return 0;
	case YOI_OPT_SETSTR:
		*(const char **)o->value = o->str;
		return 0;
	case YOI_OPT_UINT: {
		char flag[64];
		long v;
		snprintf(flag, sizeof(flag), "--%s", o->name);
		if (yoi_cli_uint(ctx, flag, arg, &v) != 0)
			return YOI_EXIT_USAGE;
		if (o->max > 0 && v > o->max)
			return yoi_cli_usage(ctx,
					     "%s needs an integer from 0 to "
					     "%ld, got '%s'",
					     flag, o->max, arg);
		*(long *)o->value = v;
		return 0;
	}
	case YOI_OPT_LIST: {
		yoi_optlist *l = o->value;
		if (l->n >= (size_t)o->max)
			return yoi_cli_usage(ctx, "at most %ld --%s", o->max,
					     o->name);
		l->v[l->n++] = arg;
		return 0;
	}
	case YOI_OPT_CALLBACK:
		return o->cb(ctx, o, arg);
	case YOI_OPT_END:
		break;
	}
	return YOI_EXIT_USAGE;
}

/* An unknown option, with a guess among the command's and the global long
 * options when one is close. */
static int unknown_option(yoi_ctx *ctx, const char *arg, const yoi_option *opts,
			  size_t n, const yoi_option *g)
{
	const char *names[64];
	size_t k = 0;
	for (size_t i = 0; i < n && k < 64; i++)
		names[k++] = opts[i].name;
	for (size_t i = 0; i < NGLOBAL && k < 64; i++)
		names[k++] = g[i].name;
	char word[64];
	const char *guess = NULL;
	if (strncmp(arg, "--", 2) == 0) {
		snprintf(word, sizeof(word), "%.*s", (int)strcspn(arg + 2, "="),
			 arg + 2);
		guess = yoi_cli_guess(word, names, k);
	}
	if (guess)
		return yoi_cli_usage(ctx,
				     "unknown option '%s'; did you mean "
				     "'--%s'?",
				     arg, guess);
	return yoi_cli_usage(ctx, "unknown option '%s'", arg);
}

int yoi_cli_parse(yoi_ctx *ctx, int argc, char **argv, const yoi_option *opts)
{
	yoi_option g[NGLOBAL];
	globals(ctx, g);
	size_t n = 0;
	while (opts && opts[n].kind != YOI_OPT_END)
		n++;
	if (collector) {
		collect(opts, n, g);
		return 0;
	}
	size_t total = n + NGLOBAL;
	/* The long options (plus --help and the terminator), the short
	 * ones (":h" first: we report errors ourselves). */
	struct option *lo = calloc(total + 2, sizeof(*lo));
	char *so = malloc(2 * total + 3);
	if (!lo || !so) {
		free(lo);
		free(so);
		return yoi_cli_fail(ctx,
				    yoi_error_set(&ctx->err, YOI_ENOMEM, NULL,
						  0, "out of memory"));
	}
	size_t k = 0;
	so[k++] = ':';
	so[k++] = 'h';
	for (size_t i = 0; i < total; i++) {
		const yoi_option *o = i < n ? &opts[i] : &g[i - n];
		lo[i] = (struct option){
		    o->name,
		    o->optarg	      ? optional_argument
		    : takes_value(o) ? required_argument
				     : no_argument,
		    NULL, 0x100 + (int)i};
		if (o->short_name) {
			so[k++] = o->short_name;
			if (takes_value(o))
				so[k++] = ':';
		}
	}
	so[k] = '\0';
	lo[total] = (struct option){"help", no_argument, NULL, 'h'};
	optind = 0; /* full re-initialisation of GNU getopt */
	opterr = 1;
	int rc = YOI_CLI_GO;
	while (rc == YOI_CLI_GO) {
		int c = getopt_long(argc, argv, so, lo, NULL);
		if (c == -1)
			break;
		if (c == 'h') {
			yoi_cli_help(ctx->cmd, stdout);
			rc = 0;
		} else if (c == ':') {
			rc = yoi_cli_usage(ctx, "option '%s' needs a value",
					   argv[optind - 1]);
		} else if (c == '?') {
			rc = unknown_option(ctx, argv[optind - 1], opts, n, g);
		} else {
			const yoi_option *o = NULL;
			if (c >= 0x100) {
				size_t i = (size_t)(c - 0x100);
				o = i < n ? &opts[i] : &g[i - n];
			}
			for (size_t i = 0; !o && i < n; i++)
				if (opts[i].short_name == c)
					o = &opts[i];
			for (size_t i = 0; !o && i < NGLOBAL; i++)
				if (g[i].short_name == c)
					o = &g[i];
			rc = o ? apply(ctx, o, optarg) : YOI_EXIT_USAGE;
			if (rc == 0)
				rc = YOI_CLI_GO;
		}
	}
	free(lo);
	free(so);
	return rc;
}

int yoi_cli_parse_globals(yoi_ctx *ctx, int argc, char **argv, int *i)
{
	yoi_option g[NGLOBAL];
	globals(ctx, g);
	for (; *i < argc && argv[*i][0] == '-'; ++*i) {
		const char *a = argv[*i];
		if (strcmp(a, "--version") == 0 || strcmp(a, "-h") == 0 ||
		    strcmp(a, "--help") == 0)
			return YOI_CLI_GO;
		const yoi_option *o = NULL;
		const char *v = NULL;
		if (a[1] == 'C') { /* -C DIR or -CDIR */
			o = &g[NGLOBAL - 1];
			v = a[2] ? a + 2 : NULL;
		}
		for (size_t k = 0; a[1] == '-' && !o && k < NGLOBAL; k++) {
			size_t len = strlen(g[k].name);
			if (strncmp(a + 2, g[k].name, len) != 0)
				continue;
			if (a[2 + len] == '\0')
				o = &g[k];
			else if (a[2 + len] == '=' && takes_value(&g[k]))
				o = &g[k], v = a + 3 + len;
		}
		if (o && takes_value(o) && !v && !o->optarg) {
			if (*i + 1 < argc)
				v = argv[++*i];
			else
				o = NULL;
		}
		if (!o)
			return yoi_cli_usage(
			    ctx, "unknown or incomplete option '%s'", a);
		int rc = apply(ctx, o, v);
		if (rc)
			return rc;
	}
	return YOI_CLI_GO;
}

/*
 * Parse, then exactly n positionals; else the usage error what, or with
 * what NULL (n is 0 then) one naming the first argument given.
 */
static int parse_count(yoi_ctx *ctx, int argc, char **argv,
		       const yoi_option *opts, int n, const char *what)
{
	int rc = yoi_cli_parse(ctx, argc, argv, opts);
	if (rc != YOI_CLI_GO || argc - optind == n)
		return rc;
	if (what)
		return yoi_cli_usage(ctx, "%s", what);
	return yoi_cli_usage(ctx, "unexpected argument '%s'", argv[optind]);
}

int yoi_cli_parse_n(yoi_ctx *ctx, int argc, char **argv, const yoi_option *opts,
		    int n, const char *what)
{
	return parse_count(ctx, argc, argv, opts, n, what);
}

int yoi_cli_parse_none(yoi_ctx *ctx, int argc, char **argv,
		       const yoi_option *opts)
{
	return parse_count(ctx, argc, argv, opts, 0, NULL);
}

int yoi_cli_parse_id(yoi_ctx *ctx, int argc, char **argv,
		     const yoi_option *opts, char id[YOI_ID_LEN + 1])
{
	int pr = yoi_cli_parse(ctx, argc, argv, opts);
	if (pr != YOI_CLI_GO)
		return pr;
	int rc = yoi_cli_one_id(ctx, argc, argv, id);
	return rc ? rc : YOI_CLI_GO;
}
