/*
 * cmd_completion.c - `completion bash|zsh|fish`: a completion script made
 * from the command table (main.c) and each command's option table (read
 * with yoi_cli_collect_options, as git's --git-completion-helper), plus
 * the hidden `completion ids [--] [WORD]` the scripts call for ticket IDs.
 *
 * What a command's positional arguments are is declared here (grammar[]):
 * the option tables know flags, not positionals. Word lists that come
 * from the library (states, relation kinds, plan kinds, roles) are
 * expanded when the script is made; IDs, files and directories are
 * completed when the user presses TAB.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "yoi/id.h"
#include "yoi/plan.h"
#include "yoi/prompt.h"
#include "yoi/query.h"
#include "yoi/relations.h"
#include "yoi/state.h"

/*
 * Positional arguments, one kind per position (space-separated; the last
 * position's kind is not repeated): id, file, dir, w:a,b (these words),
 * @state, @relkind, @plankind, @role, @command (lists from the library or
 * the command table); "+" joins two kinds at one position.
 */
static const struct {
	const char *cmd, *pos;
} grammar[] = {
    {"show", "id"},
    {"edit", "id"},
    {"comment", "id"},
    {"plan", "w:add,list+id id"},
    {"decision", "id"},
    {"report", "id"},
    {"review", "id"},
    {"state", "id @state"},
    {"close", "id"},
    {"reopen", "id"},
    {"relation", "w:add,remove,list id"},
    {"deps", "id"},
    {"start", "id"},
    {"finish", "id"},
    {"cleanup", "id"},
    {"claims", "w:list,release id"},
    {"hooks", "w:install,uninstall,trust,untrust"},
    {"hook", "w:pre-commit,pre-merge-commit,commit-msg file"},
    {"merge-driver", "file file file file"},
    {"prompt", "@role id"},
    {"help", "@command"},
    {"completion", "w:bash,zsh,fish"},
    {"import", "file"},
};

/* The values of options, by command key (NULL: any command) and name. */
static const struct {
	const char *key, *opt, *kind;
} values[] = {
    {"relation", "kind", "@relkind"},
    {"plan/add", "kind", "@plankind"},
    {"list", "state", "w:active,all+@state"},
    {NULL, "target", "id"},
    {NULL, "depends-on", "id"},
    {NULL, "related", "id"},
    {NULL, "record", "id"},
    {NULL, "file", "file"},
    {NULL, "body-file", "file"},
    {NULL, "root", "dir"},
    {NULL, "html", "dir"},
    {"doctor", "format", "w:text,json"},
    {"import", "from", "w:beads,backlog,tk,github"},
    {NULL, "format", "w:text,json,github,junit"},
};

/*
 * The option tables read: key "cmd", or "cmd/sub" for a subcommand with
 * its own table, and the argv that reaches the command's parser.
 */
typedef struct table {
	char key[48];
	yoi_optcollect opts;
} table;

enum { MAX_TABLES = 64 };

typedef struct tables {
	table v[MAX_TABLES];
	size_t n;
} tables;

/* Commands whose parser is not reached by `CMD --help` alone. */
static bool skip_cmd(const char *name)
{
	return !strcmp(name, "help") || !strcmp(name, "hook") ||
	       !strcmp(name, "completion");
}

static void read_table(tables *t, const yoi_command *c, const char *sub)
{
	if (t->n >= MAX_TABLES)
		return;
	table *tb = &t->v[t->n];
	memset(tb, 0, sizeof(*tb));
	snprintf(tb->key, sizeof(tb->key), "%s%s%s", c->name, sub ? "/" : "",
		 sub ? sub : "");
	char *argv[4] = {(char *)c->name, NULL, NULL, NULL};
	int argc = 1;
	if (sub)
		argv[argc++] = (char *)sub;
	argv[argc++] = "--help";
	yoi_ctx ctx = {0};
	ctx.cmd = c->name;
	ctx.wait_sec = 10;
	yoi_cli_collect_options(&tb->opts);
	c->fn(argc, argv, &ctx);
	yoi_cli_collect_options(NULL);
	yoi_ctx_free(&ctx);
	t->n++;
}

static void read_tables(tables *t)
{
	t->n = 0;
	for (const yoi_command *c = yoi_commands; c->name; c++) {
		if (skip_cmd(c->name))
			continue;
		read_table(t, c, NULL);
		if (!strcmp(c->name, "plan"))
			read_table(t, c, "add"), read_table(t, c, "list");
	}
}

/* Expand one kind ("@state" ...) into "w:a,b,c" on out. */
static void expand_one(yoi_buf *out, const char *k, size_t len)
{
	if (len < 1 || k[0] != '@') {
		yoi_buf_put(out, k, len);
		return;
	}
	yoi_buf_puts(out, "w:");
	const char *sep = "";
#define WORD(w) (yoi_buf_printf(out, "%s%s", sep, (w)), sep = ",")
	if (!strncmp(k, "@state", len))
		for (int s = 0; s < YOI_ST__COUNT; s++)
			WORD(yoi_state_name((yoi_state)s));
	else if (!strncmp(k, "@relkind", len))
		for (int r = 0; r < YOI_REL_KIND_COUNT; r++)
			WORD(yoi_rel_kind_name((yoi_rel_kind)r));
	else if (!strncmp(k, "@plankind", len)) {
		for (int p = 0; p < YOI_PLAN_KIND_COUNT; p++)
			WORD(yoi_plan_kind_name((yoi_plan_kind)p));
	} else if (!strncmp(k, "@role", len))
		for (size_t r = 0; r < yoi_prompt_roles_n; r++)
			WORD(yoi_prompt_roles[r].name);
	else if (!strncmp(k, "@command", len))
		for (const yoi_command *c = yoi_commands; c->name; c++)
			WORD(c->name);
#undef WORD
}

/* A spec with its "@" lists expanded ("+" and spaces kept). */
static void expand(yoi_buf *out, const char *spec)
{
	const char *p = spec;
	while (*p) {
		size_t n = strcspn(p, " +");
		expand_one(out, p, n);
		p += n;
		if (*p)
			yoi_buf_putc(out, *p++);
	}
}

/* The kind of option opt's value in table key, or NULL. */
static const char *value_kind(const char *key, const char *opt)
{
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		if (strcmp(values[i].opt, opt) != 0)
			continue;
		if (!values[i].key || !strcmp(values[i].key, key))
			return values[i].kind;
		const char *slash = strchr(key, '/');
		size_t n = slash ? (size_t)(slash - key) : strlen(key);
		if (strlen(values[i].key) == n &&
		    !strncmp(values[i].key, key, n))
			return values[i].kind;
	}
	return NULL;
}

/* Text in single quotes for sh, zsh and fish ('\'' for a quote). */
static void squote(yoi_buf *out, const char *s)
{
	yoi_buf_putc(out, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			yoi_buf_puts(out, "'\\''");
		else
			yoi_buf_putc(out, *s);
	}
	yoi_buf_putc(out, '\'');
}

/* The value-taking and the plain flags of a table, space-separated. */
static void flags(yoi_buf *out, const table *tb, bool with_value)
{
	const char *sep = "";
	for (size_t i = 0; i < tb->opts.n; i++) {
		const yoi_option *o = &tb->opts.v[i];
		if (yoi_cli_opt_takes_value(o) != with_value)
			continue;
		yoi_buf_printf(out, "%s--%s", sep, o->name);
		sep = " ";
		if (o->short_name)
			yoi_buf_printf(out, " -%c", o->short_name);
	}
	if (!with_value)
		yoi_buf_printf(out, "%s--help", sep);
}

/* The global options (the values-taking ones only: with_value). */
static void globals(yoi_buf *out, const tables *t, bool with_value)
{
	const yoi_optcollect *c = &t->v[0].opts;
	const char *sep = "";
	for (size_t i = c->n_own; i < c->n; i++) {
		if (with_value && !yoi_cli_opt_takes_value(&c->v[i]))
			continue;
		yoi_buf_printf(out, "%s--%s", sep, c->v[i].name);
		sep = " ";
	}
}

/*
 * The functions bash and zsh share: _yoi_tickets_flags KEY,
 * _yoi_tickets_vflags KEY (the options that take a value),
 * _yoi_tickets_pos CMD (positional kinds), _yoi_tickets_val KEY OPT (the
 * kind of an option's value).
 */
static void sh_tables(yoi_buf *out, const tables *t)
{
	yoi_buf_puts(out, "_yoi_tickets_keys=' ");
	for (size_t i = 0; i < t->n; i++)
		yoi_buf_printf(out, "%s ", t->v[i].key);
	yoi_buf_puts(out, "'\n_yoi_tickets_globals='");
	globals(out, t, false);
	yoi_buf_puts(out, " --version --help'\n_yoi_tickets_gvflags='");
	globals(out, t, true);
	yoi_buf_puts(out, "'\n\n");
	for (int pass = 0; pass < 2; pass++) {
		yoi_buf_printf(out, "_yoi_tickets_%sflags() {\n\tcase $1 in\n",
			       pass ? "v" : "");
		for (size_t i = 0; i < t->n; i++) {
			yoi_buf_printf(out, "\t%s) echo '", t->v[i].key);
			flags(out, &t->v[i], pass == 1);
			yoi_buf_puts(out, "' ;;\n");
		}
		yoi_buf_puts(out, "\tesac\n}\n\n");
	}
	yoi_buf_puts(out, "_yoi_tickets_pos() {\n\tcase $1 in\n");
	for (size_t i = 0; i < sizeof(grammar) / sizeof(grammar[0]); i++) {
		yoi_buf_printf(out, "\t%s) echo '", grammar[i].cmd);
		expand(out, grammar[i].pos);
		yoi_buf_puts(out, "' ;;\n");
	}
	yoi_buf_puts(out, "\tesac\n}\n\n_yoi_tickets_val() {\n\tcase \"$1 $2\" "
			  "in\n");
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		if (values[i].key)
			yoi_buf_printf(out, "\t'%s --%s'|'%s/'*' --%s') echo '",
				       values[i].key, values[i].opt,
				       values[i].key, values[i].opt);
		else
			yoi_buf_printf(out, "\t*' --%s') echo '",
				       values[i].opt);
		expand(out, values[i].kind);
		yoi_buf_puts(out, "' ;;\n");
	}
	yoi_buf_puts(out, "\tesac\n}\n\n");
}

static int emit_resource(yoi_buf *out, const char *path)
{
	const yoi_resource *r = yoi_resource_get(path);
	if (!r)
		return -1;
	yoi_buf_put(out, r->data, r->len);
	return 0;
}

static void bash_script(yoi_buf *out, const tables *t)
{
	yoi_buf_puts(out,
		     "# bash completion for yoi-tickets, made by "
		     "'yoi-tickets completion bash'.\n"
		     "# Enable: source <(yoi-tickets completion bash)\n\n");
	yoi_buf_puts(out, "_yoi_tickets_commands='");
	for (const yoi_command *c = yoi_commands; c->name; c++)
		yoi_buf_printf(out, "%s%s", c == yoi_commands ? "" : " ",
			       c->name);
	yoi_buf_puts(out, "'\n");
	sh_tables(out, t);
}

static void zsh_describe(yoi_buf *out, const char *pre, const char *name,
			 const char *desc)
{
	yoi_buf_printf(out, " '%s", pre);
	for (const char *s = name; *s; s++) {
		if (*s == ':')
			yoi_buf_putc(out, '\\');
		yoi_buf_putc(out, *s);
	}
	yoi_buf_putc(out, ':');
	for (const char *s = desc ? desc : ""; *s; s++) {
		if (*s == '\'')
			yoi_buf_puts(out, "'\\''");
		else
			yoi_buf_putc(out, *s);
	}
	yoi_buf_putc(out, '\'');
}

static void zsh_script(yoi_buf *out, const tables *t)
{
	yoi_buf_puts(out, "#compdef yoi-tickets\n# zsh completion for "
			  "yoi-tickets, made by 'yoi-tickets completion "
			  "zsh'.\n\n_yoi_tickets_commands=(");
	for (const yoi_command *c = yoi_commands; c->name; c++)
		zsh_describe(out, "", c->name, c->summary);
	yoi_buf_puts(out, ")\n\n_yoi_tickets_describe() {\n\tcase $1 in\n");
	for (size_t i = 0; i < t->n; i++) {
		yoi_buf_printf(out, "\t%s) _yoi_tickets_opts=(", t->v[i].key);
		for (size_t k = 0; k < t->v[i].opts.n; k++)
			zsh_describe(out, "--", t->v[i].opts.v[k].name,
				     t->v[i].opts.v[k].help);
		zsh_describe(out, "--", "help", "show the command's help");
		yoi_buf_puts(out, ") ;;\n");
	}
	yoi_buf_puts(out, "\t*) _yoi_tickets_opts=() ;;\n\tesac\n}\n\n");
	sh_tables(out, t);
}

static void fish_script(yoi_buf *out, const tables *t)
{
	yoi_buf_puts(out, "# fish completion for yoi-tickets, made by "
			  "'yoi-tickets completion fish'.\n\n");
	yoi_buf_puts(out, "set -g __yoi_tickets_keys");
	for (size_t i = 0; i < t->n; i++)
		yoi_buf_printf(out, " %s", t->v[i].key);
	yoi_buf_puts(out, "\nset -g __yoi_tickets_gv ");
	globals(out, t, true);
	yoi_buf_puts(out, "\n\ncomplete -c yoi-tickets -f\n"
			  "complete -c yoi-tickets -n '__yoi_tickets_nocmd' "
			  "-l version -d 'print the version'\n");
	for (const yoi_command *c = yoi_commands; c->name; c++) {
		yoi_buf_printf(out,
			       "complete -c yoi-tickets -n "
			       "'__yoi_tickets_nocmd' -a %s -d ",
			       c->name);
		squote(out, c->summary);
		yoi_buf_putc(out, '\n');
	}
	for (size_t i = 0; i < t->n; i++) {
		const table *tb = &t->v[i];
		for (size_t k = 0; k < tb->opts.n; k++) {
			const yoi_option *o = &tb->opts.v[k];
			yoi_buf_printf(out,
				       "complete -c yoi-tickets -n "
				       "'__yoi_tickets_key %s' -l %s",
				       tb->key, o->name);
			if (o->short_name)
				yoi_buf_printf(out, " -s %c", o->short_name);
			const char *vk = value_kind(tb->key, o->name);
			if (yoi_cli_opt_takes_value(o)) {
				if (vk && !strcmp(vk, "file"))
					yoi_buf_puts(out, " -r -F");
				else if (vk && !strcmp(vk, "dir"))
					yoi_buf_puts(out, " -r -x -a "
							  "'(__fish_complete_"
							  "directories)'");
				else if (vk && !strcmp(vk, "id"))
					yoi_buf_puts(out,
						     " -x -a "
						     "'(__yoi_tickets_ids)'");
				else if (vk) {
					yoi_buf b = YOI_BUF_INIT;
					expand(&b, vk);
					yoi_buf_puts(out, " -x -a '");
					for (const char *s = b.ptr ? b.ptr : "";
					     *s; s++)
						if (*s == ',' || *s == '+')
							yoi_buf_putc(out, ' ');
						else if (!strncmp(s, "w:", 2))
							s++;
						else
							yoi_buf_putc(out, *s);
					yoi_buf_putc(out, '\'');
					yoi_buf_free(&b);
				} else
					yoi_buf_puts(out, " -x");
			}
			yoi_buf_puts(out, " -d ");
			squote(out, o->help ? o->help : "");
			yoi_buf_putc(out, '\n');
		}
	}
	yoi_buf_puts(out, "\nfunction __yoi_tickets_pos_spec\n\tswitch $argv[1]"
			  "\n");
	for (size_t i = 0; i < sizeof(grammar) / sizeof(grammar[0]); i++) {
		yoi_buf_printf(out, "\tcase %s\n\t\techo '", grammar[i].cmd);
		expand(out, grammar[i].pos);
		yoi_buf_puts(out, "'\n");
	}
	yoi_buf_puts(out, "\tend\nend\n\nfunction __yoi_tickets_vflags\n"
			  "\tswitch $argv[1]\n");
	for (size_t i = 0; i < t->n; i++) {
		yoi_buf_printf(out, "\tcase %s\n\t\techo '", t->v[i].key);
		flags(out, &t->v[i], true);
		yoi_buf_puts(out, "'\n");
	}
	yoi_buf_puts(out, "\tend\nend\n\n");
}

/* `completion ids [--] [WORD]`: "ID<TAB>title" for IDs WORD begins or
 * ends (as show resolves a suffix), every ticket for no WORD. */
static int ids(yoi_ctx *ctx, int argc, char **argv)
{
	yoi_store *st;
	int rc = yoi_cli_store(ctx, true, &st);
	if (rc)
		return rc;
	char want[YOI_ID_LEN + 1] = "";
	if (argc > 0 && argv[0][0] &&
	    yoi_id_normalize(argv[0], want, sizeof(want)) < 0)
		return 0; /* not an ID: no candidates */
	yoi_query q;
	yoi_query_init(&q);
	for (int s = 0; s < YOI_ST__COUNT; s++)
		q.states[s] = true;
	yoi_query_result res;
	int e = yoi_query_list(&res, st, &q, &ctx->err);
	if (e < 0)
		return yoi_cli_fail(ctx, e);
	size_t wl = strlen(want);
	for (size_t i = 0; i < res.n; i++) {
		const char *id = res.v[i].id;
		if (wl && strncmp(id, want, wl) != 0 &&
		    !yoi_id_has_suffix(id, want))
			continue;
		const yoi_row *r = res.v[i].row;
		const char *title =
		    r && r->col[YOI_ROW_TITLE] ? r->col[YOI_ROW_TITLE] : "";
		fputs(id, stdout);
		putchar('\t');
		for (const char *s = title; *s; s++) /* one line, no tabs */
			putchar((unsigned char)*s < 0x20 || *s == 0x7f ? ' '
								       : *s);
		putchar('\n');
	}
	yoi_query_result_free(&res);
	return 0;
}

int yoi_cmd_completion(int argc, char **argv, yoi_ctx *ctx)
{
	int rc = yoi_cli_parse(ctx, argc, argv, NULL);
	if (rc != YOI_CLI_GO)
		return rc;
	if (optind >= argc)
		return yoi_cli_usage(ctx, "expected bash, zsh or fish");
	const char *what = argv[optind++];
	if (!strcmp(what, "ids")) {
		if (argc - optind > 1)
			return yoi_cli_usage(ctx, "ids takes at most one word");
		return ids(ctx, argc - optind, argv + optind);
	}
	if (optind != argc)
		return yoi_cli_usage(ctx, "unexpected argument '%s'",
				     argv[optind]);
	bool bash = !strcmp(what, "bash"), zsh = !strcmp(what, "zsh");
	if (!bash && !zsh && strcmp(what, "fish") != 0)
		return yoi_cli_usage(ctx,
				     "unknown shell '%s'; use bash, zsh or "
				     "fish",
				     what);
	tables *t = calloc(1, sizeof(*t));
	if (!t)
		return yoi_cli_fail(ctx,
				    yoi_error_set(&ctx->err, YOI_ENOMEM, NULL,
						  0, "out of memory"));
	read_tables(t);
	yoi_buf out = YOI_BUF_INIT;
	char path[64];
	snprintf(path, sizeof(path), "completion/%s.%s", what,
		 bash  ? "bash"
		 : zsh ? "zsh"
		       : "fish");
	if (bash)
		bash_script(&out, t);
	else if (zsh)
		zsh_script(&out, t);
	else
		fish_script(&out, t);
	/* The shell's driver, the same for every table. */
	if (emit_resource(&out, path) < 0)
		rc =
		    yoi_cli_fail(ctx, yoi_error_set(&ctx->err, YOI_EIO, NULL, 0,
						    "no resource %s", path));
	else if (yoi_buf_oom(&out))
		rc = yoi_cli_fail(ctx, yoi_error_set(&ctx->err, YOI_ENOMEM,
						     NULL, 0, "out of memory"));
	else
		fwrite(out.ptr, 1, out.len, stdout), rc = 0;
	yoi_buf_free(&out);
	free(t);
	return rc;
}
