/*
 * options.h - declarative option tables for the commands, in the manner
 * of git's parse-options: each command declares what it accepts as data
 * and one parser walks argv against that table plus the global options.
 *
 * Spellings: --name VALUE, --name=VALUE, an unambiguous prefix of a long
 * name, and -x VALUE where the entry has a short letter; -h and --help
 * print the command's help. Options and positional arguments may be
 * mixed; the positionals end up in argv[optind..argc) (GNU getopt_long
 * underneath permutes them to the end).
 */
#ifndef YOI_CLI_OPTIONS_H
#define YOI_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "yoi/id.h"

struct yoi_ctx;

typedef enum yoi_opt_kind {
	YOI_OPT_END = 0,  /* ends a table */
	YOI_OPT_FLAG,	  /* no value; value: bool *, set to true */
	YOI_OPT_STRING,	  /* value: const char **, the last one wins */
	YOI_OPT_SETSTR,	  /* no value; value: const char **, set to str */
	YOI_OPT_UINT,	  /* value: long *, an integer in [0, max] */
	YOI_OPT_LIST,	  /* repeatable; value: yoi_optlist *, at most max */
	YOI_OPT_CALLBACK, /* value: passed to cb; noarg: takes no value */
} yoi_opt_kind;

/* The values of a repeatable option: v has room for the entry's max. */
typedef struct yoi_optlist {
	const char **v;
	size_t n;
} yoi_optlist;

typedef struct yoi_option yoi_option;
/*
 * A callback option: arg is the value (NULL for a noarg one). Returns 0,
 * or an exit status after printing the message (yoi_cli_usage...).
 */
typedef int (*yoi_opt_cb)(struct yoi_ctx *ctx, const yoi_option *opt,
			  const char *arg);

struct yoi_option {
	yoi_opt_kind kind;
	const char *name; /* the long name, without "--" */
	char short_name;  /* 0: none */
	void *value;	  /* where the value goes (see the kinds) */
	long max;	  /* UINT: largest value (0: LONG_MAX); LIST: most */
	const char *str;  /* SETSTR: the string stored */
	yoi_opt_cb cb;	  /* CALLBACK */
	bool noarg;	  /* CALLBACK: takes no value */
	const char *help; /* one line, for readers of the table */
	bool optarg;	  /* CALLBACK: a value only as --name=VALUE (arg NULL
			     without one), as git's --abbrev[=N] */
};

#define YOI_OPT_FLAG(n, s, v, h)                                               \
	{                                                                      \
		YOI_OPT_FLAG, n, s, v, 0, NULL, NULL, 0, h, 0                     \
	}
#define YOI_OPT_STRING(n, s, v, h)                                             \
	{                                                                      \
		YOI_OPT_STRING, n, s, v, 0, NULL, NULL, 0, h, 0                   \
	}
#define YOI_OPT_SETSTR(n, v, str, h)                                           \
	{                                                                      \
		YOI_OPT_SETSTR, n, 0, v, 0, str, NULL, 0, h, 0                    \
	}
#define YOI_OPT_UINT(n, v, max, h)                                             \
	{                                                                      \
		YOI_OPT_UINT, n, 0, v, max, NULL, NULL, 0, h, 0                   \
	}
#define YOI_OPT_LIST(n, v, max, h)                                             \
	{                                                                      \
		YOI_OPT_LIST, n, 0, v, max, NULL, NULL, 0, h, 0                   \
	}
#define YOI_OPT_CALLBACK(n, v, cb, h)                                          \
	{                                                                      \
		YOI_OPT_CALLBACK, n, 0, v, 0, NULL, cb, 0, h, 0                   \
	}
#define YOI_OPT_CALLBACK_OPTARG(n, v, cb, h)                                   \
	{                                                                      \
		YOI_OPT_CALLBACK, n, 0, v, 0, NULL, cb, 0, h, 1                \
	}
#define YOI_OPT_CALLBACK_NOARG(n, v, cb, h)                                    \
	{                                                                      \
		YOI_OPT_CALLBACK, n, 0, v, 0, NULL, cb, 1, h, 0                   \
	}
#define YOI_OPT_END()                                                          \
	{                                                                      \
		YOI_OPT_END, NULL, 0, NULL, 0, NULL, NULL, 0, NULL, 0          \
	}

/* The entries several commands share, spelled and described once. */
#define YOI_OPT_JSON(v) YOI_OPT_FLAG("json", 0, v, "JSON output")
/* --format text|json|github|junit, checked by yoi_cli_format_check. */
#define YOI_OPT_FORMAT(v)                                                      \
	YOI_OPT_STRING("format", 0, v, "text, json, github or junit")
/* --json as a spelling of --format json (the last one given wins). */
#define YOI_OPT_FORMAT_JSON(v)                                                 \
	YOI_OPT_SETSTR("json", v, "json", "--format json")

/* The usage error of a command that takes one ticket ID. */
#define YOI_CLI_ONE_ID "expected one ticket ID"

/* yoi_cli_parse's "go on": anything else is the exit status to return. */
#define YOI_CLI_GO (-1)

/*
 * Parse argv (argv[0] is the command's name) against opts (may be NULL:
 * no options of its own) plus the global options (--root, --author,
 * --wait, --verbose, --quiet). Errors print today's messages ("unknown
 * option 'X'", "option 'X' needs a value", "--x needs a non-negative
 * integer, got 'V'", "at most N --x") and give 2. Returns YOI_CLI_GO with
 * the positionals in argv[optind..argc), 0 after printing --help, or an
 * exit status.
 */
int yoi_cli_parse(struct yoi_ctx *ctx, int argc, char **argv,
		  const yoi_option *opts);

/*
 * The global options before the command name, from argv[*i] on while
 * they start with '-': exact long names only, --opt VALUE or --opt=VALUE.
 * Stops at --version, -h and --help (left for the caller) and at the
 * first argument not starting with '-'. Returns YOI_CLI_GO, or 2 after
 * printing the error ("unknown or incomplete option 'X'").
 */
int yoi_cli_parse_globals(struct yoi_ctx *ctx, int argc, char **argv, int *i);

/*
 * Parse argv against opts, then require exactly n positional arguments;
 * else the usage error what (such as YOI_CLI_ONE_ID) and 2. YOI_CLI_GO
 * to go on, else the exit status (0 after --help).
 */
int yoi_cli_parse_n(struct yoi_ctx *ctx, int argc, char **argv,
		    const yoi_option *opts, int n, const char *what);

/*
 * A command without positional arguments: parse, then refuse the first
 * one given ("unexpected argument 'X'"). As yoi_cli_parse_n.
 */
int yoi_cli_parse_none(struct yoi_ctx *ctx, int argc, char **argv,
		       const yoi_option *opts);

/*
 * The common case: parse argv against opts, then take the one ticket ID
 * argument into id (resolved as show resolves it). YOI_CLI_GO to go on,
 * else the exit status (0 after --help).
 */
int yoi_cli_parse_id(struct yoi_ctx *ctx, int argc, char **argv,
		     const yoi_option *opts, char id[YOI_ID_LEN + 1]);

/*
 * Shell completion (cmd_completion.c), as git's --git-completion-helper:
 * while a collector is set, yoi_cli_parse copies the command's table and
 * then the global options into it (at most YOI_OPT_COLLECT_MAX entries)
 * and returns 0 at once, as after --help, printing nothing. Only the
 * copies' names, kinds and help lines are meant to be read (the value
 * pointers may point into a returned frame). NULL stops collecting.
 */
enum { YOI_OPT_COLLECT_MAX = 48 };
typedef struct yoi_optcollect {
	yoi_option v[YOI_OPT_COLLECT_MAX];
	size_t n;
	size_t n_own; /* the command's own entries come first */
} yoi_optcollect;
void yoi_cli_collect_options(yoi_optcollect *c);
/* True when the option takes a value (--name VALUE). */
bool yoi_cli_opt_takes_value(const yoi_option *o);

#endif
