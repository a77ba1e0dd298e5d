/*
 * config.c - .yoi/config.yaml (SPEC 9) through libyaml's event parser.
 *
 * Two passes. The first pulls libyaml events into a small flat tree and
 * refuses what no config needs, wherever it appears: anchors, aliases,
 * tags, several documents, nesting deeper than MAX_DEPTH, more than
 * MAX_NODES nodes. The second walks the tree against the schema, so every
 * message can name the dotted key and the line of the node at fault.
 * Values are applied to a scratch config that replaces *cfg only when the
 * whole file is good.
 */
#include "yoi/config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "yoi/file.h"

#define MAX_DEPTH  32
#define MAX_NODES  65536
#define MAX_INT	   INT_MAX /* so consumers may pass integers on as int */
#define SHOW	   64	   /* bytes of an offending value quoted in messages */
#define NONE	   SIZE_MAX
#define READ_CHUNK 65536

enum node_type { N_SCALAR, N_SEQ, N_MAP };

struct node {
	enum node_type type;
	bool plain; /* scalar written without quotes: may be null or a number */
	int line;   /* 1-based */
	size_t off, len; /* scalar text in tree.text, NUL-terminated there */
	size_t first;	 /* first child; a mapping's are key, value, ... */
	size_t last;
	size_t next; /* next sibling */
	size_t nkids;
};

struct tree {
	struct node *v;
	size_t n, cap;
	yoi_buf text;
	size_t root;
};

struct ctx {
	const char *path;
	yoi_error *err;
	struct tree t;
	yoi_config *cfg;
};

static int fail(struct ctx *c, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct ctx *c, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = yoi_error_vset(c->err, YOI_ECORRUPT, c->path, line, fmt, ap);
	va_end(ap);
	return rc;
}

static int nomem(struct ctx *c)
{
	return yoi_error_set(c->err, YOI_ENOMEM, c->path, 0,
			     "out of memory while reading the config");
}

/* ---- pass 1: events to tree ---- */

static const struct node *node_at(const struct ctx *c, size_t i)
{
	return &c->t.v[i];
}

static const char *text_of(const struct ctx *c, const struct node *n)
{
	return c->t.text.ptr + n->off;
}

static int line_of_mark(const yaml_mark_t *m)
{
	return m->line < INT_MAX ? (int)m->line + 1 : INT_MAX;
}

static int yaml_error(struct ctx *c, const yaml_parser_t *p, const char *buf,
		      size_t len)
{
	const char *problem = p->problem ? p->problem : "unknown problem";
	switch (p->error) {
	case YAML_MEMORY_ERROR:
		return nomem(c);
	case YAML_READER_ERROR:
		return fail(c,
			    yoi_line_at(buf, p->problem_offset < len
						 ? p->problem_offset
						 : len),
			    "cannot read the file as YAML text: %s; the config "
			    "must be plain UTF-8 text",
			    problem);
	default:
		if (p->context)
			return fail(c, line_of_mark(&p->problem_mark),
				    "YAML syntax error: %s (%s on line %d); "
				    "fix the syntax",
				    problem, p->context,
				    line_of_mark(&p->context_mark));
		return fail(c, line_of_mark(&p->problem_mark),
			    "YAML syntax error: %s; fix the syntax", problem);
	}
}

/* Refuse anchors and tags on a node: a config is plain data. */
static int check_props(struct ctx *c, int line, const yaml_char_t *anchor,
		       const yaml_char_t *tag)
{
	if (anchor)
		return fail(c, line,
			    "YAML anchors are not allowed ('&%.*s'); write "
			    "each value out in full",
			    SHOW, (const char *)anchor);
	if (tag)
		return fail(c, line,
			    "YAML tags are not allowed ('%.*s'); remove the "
			    "tag",
			    SHOW, (const char *)tag);
	return 0;
}

struct open_coll {
	size_t node;
};

static int add_node(struct ctx *c, const struct open_coll *stack, size_t depth,
		    enum node_type type, int line, size_t *out)
{
	struct tree *t = &c->t;
	if (t->n >= MAX_NODES)
		return fail(c, line,
			    "the file has more than %d YAML nodes; a config "
			    "needs far fewer",
			    MAX_NODES);
	if (YOI_GROW(t->v, t->n, t->cap, 64) < 0)
		return nomem(c);
	size_t i = t->n++;
	struct node *n = &t->v[i];
	memset(n, 0, sizeof(*n));
	n->type = type;
	n->line = line;
	n->first = n->last = n->next = NONE;
	if (depth > 0) {
		struct node *parent = &t->v[stack[depth - 1].node];
		if (parent->last == NONE)
			parent->first = i;
		else
			t->v[parent->last].next = i;
		parent->last = i;
		parent->nkids++;
	} else if (t->root == NONE) {
		t->root = i;
	}
	*out = i;
	return 0;
}

static int build_tree(struct ctx *c, const char *buf, size_t len)
{
	yaml_parser_t p;
	if (!yaml_parser_initialize(&p))
		return nomem(c);
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);

	struct open_coll stack[MAX_DEPTH];
	size_t depth = 0;
	int docs = 0, rc = 0;
	bool done = false;
	while (!done && rc == 0) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&p, &ev)) {
			rc = yaml_error(c, &p, buf, len);
			break;
		}
		int line = line_of_mark(&ev.start_mark);
		size_t idx;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1)
				rc =
				    fail(c, line,
					 "more than one YAML document ('---'); "
					 "the config is a single mapping");
			break;
		case YAML_ALIAS_EVENT:
			rc = fail(c, line,
				  "YAML aliases are not allowed ('*%.*s'); "
				  "write each value out in full",
				  SHOW, (const char *)ev.data.alias.anchor);
			break;
		case YAML_SCALAR_EVENT:
			rc = check_props(c, line, ev.data.scalar.anchor,
					 ev.data.scalar.tag);
			if (rc == 0)
				rc = add_node(c, stack, depth, N_SCALAR, line,
					      &idx);
			if (rc == 0) {
				struct node *n = &c->t.v[idx];
				n->plain = ev.data.scalar.style ==
					   YAML_PLAIN_SCALAR_STYLE;
				n->off = c->t.text.len;
				n->len = ev.data.scalar.length;
				if (yoi_buf_put(
					&c->t.text,
					(const char *)ev.data.scalar.value,
					n->len) < 0 ||
				    yoi_buf_putc(&c->t.text, '\0') < 0)
					rc = nomem(c);
			}
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT: {
			bool seq = ev.type == YAML_SEQUENCE_START_EVENT;
			rc = check_props(c, line,
					 seq ? ev.data.sequence_start.anchor
					     : ev.data.mapping_start.anchor,
					 seq ? ev.data.sequence_start.tag
					     : ev.data.mapping_start.tag);
			if (rc == 0 && depth == MAX_DEPTH)
				rc = fail(c, line,
					  "YAML nested deeper than %d levels; "
					  "the config needs at most 3",
					  MAX_DEPTH);
			if (rc == 0)
				rc = add_node(c, stack, depth,
					      seq ? N_SEQ : N_MAP, line, &idx);
			if (rc == 0)
				stack[depth++].node = idx;
			break;
		}
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (depth > 0)
				depth--;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return rc;
}

/* ---- pass 2: tree to config ---- */

static bool is_null(const struct ctx *c, const struct node *n)
{
	if (n->type != N_SCALAR || !n->plain)
		return false;
	const char *s = text_of(c, n);
	return n->len == 0 || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	       strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

static const char *kind(const struct ctx *c, const struct node *n)
{
	switch (n->type) {
	case N_MAP:
		return "a mapping";
	case N_SEQ:
		return "a list";
	default:
		return is_null(c, n) ? "an empty value (null)" : "a scalar";
	}
}

static const char *const state_list =
    "planning, ready, queued, inprogress, done, closed";

/* Called for each known key of a mapping with its dotted path. */
typedef int (*key_fn)(struct ctx *c, int key, const char *dotted,
		      const struct node *val, void *arg);

/* How the value of a section's key is read. */
enum key_kind {
	K_NONE,		/* the key's handler reads it */
	K_PATH,		/* a path inside the repository (get_path) */
	K_SIBLING_PATH, /* the same, or "../<name>" beside it */
	K_TEXT,		/* a string, empty allowed */
	K_FLAGGED,	/* a non-empty string, and a flag that it was given */
	K_INT,		/* an integer no smaller than min */
	K_LANGUAGE,	/* English or Japanese (the config's language) */
	K_BOOL,		/* a plain true or false */
	K_WT_STORE,	/* main or branch: whether the value is branch */
	K_NAMED,	/* a non-empty string, and its line */
};

/*
 * A key of a mapping; a section's keys say where their value goes, so one
 * handler (section_key) reads them all.
 */
struct key {
	const char *name;
	enum key_kind kind;
	size_t off; /* offsetof(yoi_config, the value) */
	size_t aux; /* K_*PATH: offsetof its int line; K_FLAGGED: its bool */
	long min;   /* K_INT */
	const struct key *sub; /* a top-level section: its keys */
};

/* "a, b, c": the names of keys (NULL-terminated, at most 8), truncated. */
static void key_names(const struct key *keys, char *buf, size_t n)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int i = 0; i < 8 && keys[i].name; i++) {
		int w = snprintf(buf + used, n - used, "%s%s", i ? ", " : "",
				 keys[i].name);
		if (w < 0 || (size_t)w >= n - used)
			break;
		used += (size_t)w;
	}
}

/*
 * Walk mapping m whose keys must come from keys[] (NULL-terminated, at most
 * 8): refuses unknown, non-scalar and duplicate keys.
 */
static int walk_map(struct ctx *c, const struct node *m, const char *prefix,
		    const struct key *keys, key_fn fn, void *arg)
{
	int seen[8] = {0};
	size_t k = m->first;
	while (k != NONE) {
		const struct node *kn = node_at(c, k);
		if (kn->next == NONE) /* libyaml always pairs; be safe */
			break;
		const struct node *vn = node_at(c, kn->next);
		k = vn->next;
		const char *sep = *prefix ? "." : "";
		if (kn->type != N_SCALAR && *prefix)
			return fail(c, kn->line,
				    "keys of '%s' must be plain words, got %s",
				    prefix, kind(c, kn));
		if (kn->type != N_SCALAR)
			return fail(
			    c, kn->line,
			    "top-level keys must be plain words, got %s",
			    kind(c, kn));
		int which = -1;
		for (int i = 0; i < 8 && keys[i].name; i++)
			if (strlen(keys[i].name) == kn->len &&
			    memcmp(keys[i].name, text_of(c, kn), kn->len) == 0)
				which = i;
		if (which < 0) {
			char known[256];
			key_names(keys, known, sizeof(known));
			return fail(c, kn->line,
				    "unknown key '%s%s%.*s'; known keys: %s",
				    prefix, sep, SHOW, text_of(c, kn), known);
		}
		char dotted[160];
		snprintf(dotted, sizeof(dotted), "%s%s%s", prefix, sep,
			 keys[which].name);
		if (seen[which])
			return fail(c, kn->line,
				    "duplicate key '%s' (first given on line "
				    "%d); keep only one",
				    dotted, seen[which]);
		seen[which] = kn->line;
		int rc = fn(c, which, dotted, vn, arg);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int get_string(struct ctx *c, const char *dotted, const struct node *v,
		      bool allow_empty, char **out)
{
	if (v->type != N_SCALAR || is_null(c, v))
		return fail(c, v->line, "'%s' must be a string, got %s", dotted,
			    kind(c, v));
	const char *s = text_of(c, v);
	if (memchr(s, '\0', v->len))
		return fail(c, v->line, "'%s' must not contain a NUL character",
			    dotted);
	if (!allow_empty && v->len == 0)
		return fail(c, v->line, "'%s' must not be empty", dotted);
	char *dup = yoi_strndup(s, v->len);
	if (!dup)
		return nomem(c);
	free(*out);
	*out = dup;
	return 0;
}

/* Plain decimal: digits only, no sign, no leading zero, at most MAX_INT. */
static int get_int(struct ctx *c, const char *dotted, const struct node *v,
		   long min, long *out)
{
	const char *what =
	    min > 0 ? "a positive integer" : "a non-negative integer";
	if (v->type != N_SCALAR || is_null(c, v))
		return fail(c, v->line, "'%s' must be %s, got %s", dotted, what,
			    kind(c, v));
	const char *s = text_of(c, v);
	if (!v->plain)
		return fail(c, v->line,
			    "'%s' must be %s without quotes, got '%.*s' in "
			    "quotes",
			    dotted, what, SHOW, s);
	bool ok = v->len > 0 && !(v->len > 1 && s[0] == '0');
	long val = 0;
	for (size_t i = 0; ok && i < v->len; i++) {
		if (s[i] < '0' || s[i] > '9') {
			ok = false;
			break;
		}
		val = val * 10 + (s[i] - '0');
		if (val > MAX_INT)
			return fail(c, v->line,
				    "'%s' must be %s no larger than %d, got "
				    "'%.*s'",
				    dotted, what, MAX_INT, SHOW, s);
	}
	if (!ok || val < min)
		return fail(c, v->line, "'%s' must be %s, got '%.*s'", dotted,
			    what, SHOW, s);
	*out = val;
	return 0;
}

/* A plain true or false. */
static int get_bool(struct ctx *c, const char *dotted, const struct node *v,
		    bool *out)
{
	const char *s =
	    v->type == N_SCALAR && !is_null(c, v) ? text_of(c, v) : NULL;
	if (s && v->plain && v->len == 4 && memcmp(s, "true", 4) == 0)
		*out = true;
	else if (s && v->plain && v->len == 5 && memcmp(s, "false", 5) == 0)
		*out = false;
	else if (s)
		return fail(c, v->line,
			    "'%s' must be true or false, got '%.*s'", dotted,
			    SHOW, s);
	else
		return fail(c, v->line, "'%s' must be true or false, got %s",
			    dotted, kind(c, v));
	return 0;
}

/* worktrees.store: main (one store per clone) or branch. */
static int get_wt_store(struct ctx *c, const char *dotted, const struct node *v,
			bool *branch)
{
	char *w = NULL;
	int rc = get_string(c, dotted, v, false, &w);
	if (rc < 0)
		return rc;
	if (strcmp(w, "main") == 0 || strcmp(w, "branch") == 0)
		*branch = strcmp(w, "branch") == 0;
	else
		rc = fail(c, v->line, "'%s' must be main or branch, got '%.*s'",
			  dotted, SHOW, w);
	free(w);
	return rc;
}

static int get_state(struct ctx *c, const char *dotted, const struct node *v,
		     yoi_state *out)
{
	char *name = NULL;
	int rc = get_string(c, dotted, v, true, &name);
	if (rc < 0)
		return rc;
	yoi_state s = yoi_state_parse(name);
	if (s == YOI_ST_INVALID)
		rc = fail(c, v->line,
			  "'%s' is not a known state: '%.*s'; known states: %s",
			  dotted, SHOW, name, state_list);
	free(name);
	*out = s;
	return rc;
}

#define AT(field) offsetof(yoi_config, field)
static const struct key tickets_keys[] = {
    {"root", K_PATH, AT(tickets_root), AT(tickets_root_line), 0, NULL},
    {"language", K_LANGUAGE, AT(language), 0, 0, NULL},
    {NULL, K_NONE, 0, 0, 0, NULL}};
static const struct key worktrees_keys[] = {
    {"dir", K_SIBLING_PATH, AT(worktrees_dir), AT(worktrees_dir_line), 0, NULL},
    /* An empty prefix is legitimate: branches named by the ID alone. */
    {"branch_prefix", K_TEXT, AT(branch_prefix), 0, 0, NULL},
    {"store", K_WT_STORE, AT(worktrees_store_branch), 0, 0, NULL},
    {NULL, K_NONE, 0, 0, 0, NULL}};
static const struct key routing_keys[] = {
    {"max_inprogress", K_INT, AT(max_inprogress), 0, 0, NULL},
    {NULL, K_NONE, 0, 0, 0, NULL}};
static const struct key hooks_keys[] = {
    {"ticket_event", K_FLAGGED, AT(hook_ticket_event),
     AT(hook_ticket_event_set), 0, NULL},
    {"timeout_ms", K_INT, AT(hook_timeout_ms), 0, 1, NULL},
    {NULL, K_NONE, 0, 0, 0, NULL}};
static const struct key finish_keys[] = {
    {"require_merged", K_BOOL, AT(finish_require_merged), 0, 0, NULL},
    {NULL, K_NONE, 0, 0, 0, NULL}};
/* claims.remote: a git remote's name (SPEC 10, claims across clones). */
static const struct key claims_keys[] = {
    {"remote", K_NAMED, AT(claims_remote), AT(claims_remote_line), 0, NULL},
    {NULL, K_NONE, 0, 0, 0, NULL}};
static const struct key transition_keys[] = {{"from", K_NONE, 0, 0, 0, NULL},
					     {"to", K_NONE, 0, 0, 0, NULL},
					     {NULL, K_NONE, 0, 0, 0, NULL}};
/* In this order: top_key tells roles from transitions by the index. */
static const struct key top_keys[] = {
    {"tickets", K_NONE, 0, 0, 0, tickets_keys},
    {"worktrees", K_NONE, 0, 0, 0, worktrees_keys},
    {"routing", K_NONE, 0, 0, 0, routing_keys},
    {"roles", K_NONE, 0, 0, 0, NULL},
    {"transitions", K_NONE, 0, 0, 0, NULL},
    {"hooks", K_NONE, 0, 0, 0, hooks_keys},
    {"finish", K_NONE, 0, 0, 0, finish_keys},
    {"claims", K_NONE, 0, 0, 0, claims_keys},
    {NULL, K_NONE, 0, 0, 0, NULL}};
enum { TOP_ROLES = 3 };
#undef AT

/*
 * The rule path s breaks, or NULL: relative, plain components, no '.',
 * '..' or '.git'. sibling: "../<name>" (one folder beside the repository)
 * is allowed too.
 */
static const char *path_rule(const char *s, bool sibling)
{
	if (s[0] == '/')
		return "must be relative to the repository top, not an "
		       "absolute path";
	for (const unsigned char *u = (const unsigned char *)s; *u; u++)
		if (*u < 0x20 || *u == 0x7f)
			return "must not contain a control character";
	const char *p = s;
	for (size_t i = 0;; i++) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		if (n == 0)
			return "must not have an empty component ('//', or a "
			       "leading or trailing '/')";
		if (n == 1 && p[0] == '.')
			return "must not have a '.' component; write the path "
			       "without it";
		if (n == 2 && p[0] == '.' && p[1] == '.' &&
		    !(sibling && i == 0 && slash && !strchr(slash + 1, '/')))
			return sibling
				   ? "may use '..' only as '../<name>' (one "
				     "folder beside the repository); otherwise "
				     "it must stay inside the repository"
				   : "must not have a '..' component: it must "
				     "stay inside the repository";
		if (n == 4 && strncasecmp(p, ".git", 4) == 0)
			return "must not name '.git' or anything in it: that "
			       "is git's own directory";
		if (!slash)
			return NULL;
		p = slash + 1;
	}
}

static int get_path(struct ctx *c, const char *dotted, const struct node *v,
		    bool sibling, char **out, int *line)
{
	int rc = get_string(c, dotted, v, false, out);
	if (rc < 0)
		return rc;
	const char *rule = path_rule(*out, sibling);
	if (rule && strstr(rule, "control"))
		return fail(c, v->line, "'%s' %s", dotted, rule);
	if (rule)
		return fail(c, v->line, "'%s' %s, got '%.*s'", dotted, rule,
			    SHOW, *out);
	*line = v->line;
	return 0;
}

/* After the whole file: worktrees.dir and tickets.root must not overlap. */
static int check_overlap(struct ctx *c)
{
	const yoi_config *cfg = c->cfg;
	const char *wt = cfg->worktrees_dir, *root = cfg->tickets_root;
	if (strncmp(wt, "../", 3) == 0 ||
	    !(yoi_path_within(wt, root) || yoi_path_within(root, wt)))
		return 0;
	return fail(c,
		    cfg->worktrees_dir_line ? cfg->worktrees_dir_line
					    : cfg->tickets_root_line,
		    "'worktrees.dir' ('%.*s') and 'tickets.root' ('%.*s') "
		    "overlap: the worktrees must not be in the tickets root "
		    "nor hold it (their folder is ignored by git); choose "
		    "another folder",
		    SHOW, wt, SHOW, root);
}

static int get_language(struct ctx *c, const char *dotted, const struct node *v)
{
	char *lang = NULL;
	int rc = get_string(c, dotted, v, true, &lang);
	if (rc < 0)
		return rc;
	if (strcasecmp(lang, "English") == 0 || strcasecmp(lang, "en") == 0)
		c->cfg->language = YOI_LANG_EN;
	else if (strcasecmp(lang, "Japanese") == 0 ||
		 strcasecmp(lang, "ja") == 0)
		c->cfg->language = YOI_LANG_JA;
	else
		rc = fail(c, v->line,
			  "'%s' must be English or Japanese (or en, ja), got "
			  "'%.*s'",
			  dotted, SHOW, lang);
	free(lang);
	return rc;
}

/* A key of a section (arg: its keys), read by its kind into the config. */
static int section_key(struct ctx *c, int key, const char *dotted,
		       const struct node *v, void *arg)
{
	const struct key *k = (const struct key *)arg + key;
	char *cfg = (char *)c->cfg;
	char **str = (char **)(cfg + k->off);
	switch (k->kind) {
	case K_PATH:
	case K_SIBLING_PATH:
		return get_path(c, dotted, v, k->kind == K_SIBLING_PATH, str,
				(int *)(cfg + k->aux));
	case K_FLAGGED:
		*(bool *)(cfg + k->aux) = true;
		return get_string(c, dotted, v, false, str);
	case K_TEXT:
		return get_string(c, dotted, v, true, str);
	case K_INT:
		return get_int(c, dotted, v, k->min, (long *)(cfg + k->off));
	case K_BOOL:
		return get_bool(c, dotted, v, (bool *)(cfg + k->off));
	case K_NAMED:
		*(int *)(cfg + k->aux) = v->line;
		return get_string(c, dotted, v, false, str);
	case K_WT_STORE:
		return get_wt_store(c, dotted, v, (bool *)(cfg + k->off));
	default: /* K_LANGUAGE */
		return get_language(c, dotted, v);
	}
}

/* A section: a mapping, or null (all keys commented out) for none. */
static int section(struct ctx *c, const char *dotted, const struct node *v,
		   const struct key *keys)
{
	if (is_null(c, v))
		return 0;
	if (v->type != N_MAP) {
		char names[256];
		key_names(keys, names, sizeof(names));
		return fail(c, v->line,
			    "'%s' must be a mapping with the keys %s, got %s",
			    dotted, names, kind(c, v));
	}
	return walk_map(c, v, dotted, keys, section_key, (void *)keys);
}

/* v must be a list: what says of what ("'roles' must be a list of ..."). */
static int need_list(struct ctx *c, const struct node *v, const char *what)
{
	if (v->type == N_SEQ)
		return 0;
	return fail(c, v->line, "%s, got %s", what, kind(c, v));
}

static int parse_roles(struct ctx *c, const struct node *v)
{
	if (need_list(c, v,
		      "'roles' must be a list of role names such as [intake, "
		      "coder]") < 0)
		return YOI_ECORRUPT;
	yoi_strv roles = {NULL, 0, 0};
	size_t i = 0;
	for (size_t k = v->first; k != NONE; k = node_at(c, k)->next, i++) {
		const struct node *item = node_at(c, k);
		char dotted[64];
		snprintf(dotted, sizeof(dotted), "roles[%zu]", i);
		char *role = NULL;
		int rc = get_string(c, dotted, item, false, &role);
		if (rc == 0 && yoi_strv_contains(&roles, role)) {
			rc = fail(c, item->line,
				  "'roles' lists '%.*s' twice; keep only one",
				  SHOW, role);
			free(role);
		} else if (rc == 0 && yoi_strv_push_owned(&roles, role) < 0) {
			rc = nomem(c);
		}
		if (rc < 0) {
			yoi_strv_free(&roles);
			return rc;
		}
	}
	yoi_strv_free(&c->cfg->roles);
	c->cfg->roles = roles;
	return 0;
}

struct pair {
	yoi_state from, to;
};

static int transition_key(struct ctx *c, int key, const char *dotted,
			  const struct node *v, void *arg)
{
	struct pair *pr = arg;
	return get_state(c, dotted, v, key == 0 ? &pr->from : &pr->to);
}

static int parse_transitions(struct ctx *c, const struct node *v)
{
	if (need_list(c, v,
		      "'transitions' must be a list of {from: STATE, to: "
		      "STATE} mappings") < 0)
		return YOI_ECORRUPT;
	if (v->nkids == 0)
		return fail(c, v->line,
			    "'transitions' is an empty list; list the allowed "
			    "transitions, or remove the key to keep the "
			    "built-in table");
	yoi_state *from = calloc(v->nkids, sizeof(*from));
	yoi_state *to = calloc(v->nkids, sizeof(*to));
	int rc = 0;
	if (!from || !to)
		rc = nomem(c);
	size_t n = 0;
	for (size_t k = v->first; rc == 0 && k != NONE;
	     k = node_at(c, k)->next, n++) {
		const struct node *item = node_at(c, k);
		char dotted[64];
		snprintf(dotted, sizeof(dotted), "transitions[%zu]", n);
		if (item->type != N_MAP) {
			rc = fail(c, item->line,
				  "'%s' must be a mapping {from: STATE, to: "
				  "STATE}, got %s",
				  dotted, kind(c, item));
			break;
		}
		struct pair pr = {YOI_ST_INVALID, YOI_ST_INVALID};
		rc = walk_map(c, item, dotted, transition_keys, transition_key,
			      &pr);
		if (rc < 0)
			break;
		if (pr.from == YOI_ST_INVALID || pr.to == YOI_ST_INVALID) {
			rc = fail(c, item->line,
				  "'%s' is missing '%s'; each transition needs "
				  "both from and to",
				  dotted,
				  pr.from == YOI_ST_INVALID ? "from" : "to");
			break;
		}
		if (pr.from == pr.to) {
			rc = fail(c, item->line,
				  "'%s' goes from '%s' to itself; a transition "
				  "must change the state",
				  dotted, yoi_state_name(pr.from));
			break;
		}
		for (size_t j = 0; rc == 0 && j < n; j++)
			if (from[j] == pr.from && to[j] == pr.to)
				rc = fail(c, item->line,
					  "'%s' repeats %s -> %s (already "
					  "'transitions[%zu]'); keep only one",
					  dotted, yoi_state_name(pr.from),
					  yoi_state_name(pr.to), j);
		from[n] = pr.from;
		to[n] = pr.to;
	}
	if (rc == 0) {
		yoi_state_table tab;
		if (yoi_state_table_from_pairs(&tab, from, to, n) < 0) {
			rc = nomem(c);
		} else {
			yoi_state_table_free(&c->cfg->transitions);
			c->cfg->transitions = tab;
		}
	}
	free(from);
	free(to);
	return rc;
}

static int top_key(struct ctx *c, int key, const char *dotted,
		   const struct node *v, void *arg)
{
	(void)arg;
	if (top_keys[key].sub)
		return section(c, dotted, v, top_keys[key].sub);
	if (key == TOP_ROLES)
		return parse_roles(c, v);
	return parse_transitions(c, v);
}

/* Per line, so the message can say where: '\n' never splits a sequence. */
static int check_text(struct ctx *c, const char *buf, size_t len)
{
	size_t start = 0;
	int line = 1;
	while (start < len) {
		const char *nl = memchr(buf + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - buf) : len;
		if (!yoi_utf8_valid(buf + start, end - start))
			return fail(c, line,
				    "invalid UTF-8 on line %d; the config must "
				    "be UTF-8 text",
				    line);
		if (memchr(buf + start, '\0', end - start))
			return fail(c, line,
				    "NUL byte on line %d; the config must be "
				    "text, not binary data",
				    line);
		start = end + 1;
		line++;
	}
	return 0;
}

static int parse_into(struct ctx *c, const char *buf, size_t len)
{
	if (len > YOI_CONFIG_MAX_SIZE)
		return fail(c, 0,
			    "the config is %zu bytes; the limit is %d bytes",
			    len, YOI_CONFIG_MAX_SIZE);
	int rc = check_text(c, buf, len);
	if (rc < 0)
		return rc;
	rc = build_tree(c, buf, len);
	if (rc < 0)
		return rc;
	if (c->t.root == NONE) /* empty, or only comments */
		return 0;
	const struct node *root = node_at(c, c->t.root);
	if (is_null(c, root))
		return 0;
	if (root->type != N_MAP)
		return fail(c, root->line,
			    "the top level must be a mapping of sections "
			    "(tickets, worktrees, routing, roles, transitions, "
			    "hooks, finish, claims), got %s",
			    kind(c, root));
	rc = walk_map(c, root, "", top_keys, top_key, NULL);
	return rc < 0 ? rc : check_overlap(c);
}

/* ---- public ---- */

int yoi_config_defaults(yoi_config *cfg)
{
	static const char *const roles[] = {"intake", "orchestrator", "coder",
					    "reviewer"};
	memset(cfg, 0, sizeof(*cfg));
	cfg->language = YOI_LANG_EN;
	cfg->max_inprogress = 0;
	cfg->hook_timeout_ms = 2000;
	cfg->transitions = *yoi_state_default_table();
	cfg->transitions.owned = false;
	cfg->tickets_root = yoi_strdup(".yoi/tickets");
	cfg->worktrees_dir = yoi_strdup(".worktree");
	cfg->branch_prefix = yoi_strdup("work/");
	cfg->hook_ticket_event = yoi_strdup(".yoi/hooks/ticket-event");
	bool ok = cfg->tickets_root && cfg->worktrees_dir &&
		  cfg->branch_prefix && cfg->hook_ticket_event;
	for (size_t i = 0; ok && i < sizeof(roles) / sizeof(*roles); i++)
		ok = yoi_strv_push(&cfg->roles, roles[i]) == 0;
	if (!ok) {
		yoi_config_free(cfg);
		return YOI_ENOMEM;
	}
	return 0;
}

/* Back to the plain defaults; zero-filled if even those cannot be had. */
static void reset_to_defaults(yoi_config *cfg)
{
	yoi_config_free(cfg);
	yoi_config_defaults(cfg); /* zero-fills itself on failure */
}

int yoi_config_parse(yoi_config *cfg, const char *buf, size_t len,
		     const char *path, yoi_error *err)
{
	yoi_config tmp;
	struct ctx c = {
	    path ? path : "", err, {NULL, 0, 0, YOI_BUF_INIT, NONE}, &tmp};
	int rc = yoi_config_defaults(&tmp);
	if (rc < 0) {
		yoi_config_free(cfg);
		return nomem(&c);
	}
	if (!buf && len > 0)
		rc = yoi_error_set(err, YOI_EUSAGE, c.path, 0,
				   "no config text given");
	else
		rc = parse_into(&c, buf ? buf : "", len);
	free(c.t.v);
	yoi_buf_free(&c.t.text);
	if (rc == 0) {
		yoi_config_free(cfg);
		*cfg = tmp;
		return 0;
	}
	/* A failed parse leaves the defaults, never half a file. */
	yoi_config_free(&tmp);
	reset_to_defaults(cfg);
	return rc;
}

/* Read path into b, bounded by YOI_CONFIG_MAX_SIZE; *missing on ENOENT. */
static int read_config(yoi_buf *b, const char *path, bool *missing,
		       yoi_error *err)
{
	*missing = false;
	/* O_NONBLOCK: opening a FIFO must not wait for a writer. */
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		if (e == ENOENT) {
			*missing = true;
			return 0;
		}
		if (e == ELOOP)
			return yoi_error_set(err, YOI_ECORRUPT, path, 0,
					     "%s is a symbolic link; refusing "
					     "to follow it (replace it with a "
					     "regular file)",
					     path);
		return yoi_error_set(err, YOI_EIO, path, 0,
				     "cannot open %s: %s", path, strerror(e));
	}
	struct stat st;
	int rc = 0;
	if (fstat(fd, &st) < 0)
		rc = yoi_error_set(err, YOI_EIO, path, 0, "cannot stat %s: %s",
				   path, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		rc = yoi_error_set(err, YOI_ECORRUPT, path, 0,
				   "%s is not a regular file", path);
	else if (st.st_size > YOI_CONFIG_MAX_SIZE)
		rc = yoi_error_set(err, YOI_ECORRUPT, path, 0,
				   "%s is %lld bytes; the limit is %d bytes",
				   path, (long long)st.st_size,
				   YOI_CONFIG_MAX_SIZE);
	/* Bounded even if the file grows after fstat. */
	while (rc == 0) {
		if (b->len > YOI_CONFIG_MAX_SIZE) {
			rc = yoi_error_set(err, YOI_ECORRUPT, path, 0,
					   "%s is larger than the limit of %d "
					   "bytes",
					   path, YOI_CONFIG_MAX_SIZE);
			break;
		}
		if (yoi_buf_grow(b, READ_CHUNK) < 0) {
			rc = yoi_error_set(err, YOI_ENOMEM, path, 0,
					   "out of memory while reading %s",
					   path);
			break;
		}
		ssize_t got = read(fd, b->ptr + b->len, READ_CHUNK);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = yoi_error_set(err, YOI_EIO, path, 0,
					   "cannot read %s: %s", path,
					   strerror(errno));
			break;
		}
		if (got == 0)
			break;
		b->len += (size_t)got;
		b->ptr[b->len] = '\0';
	}
	close(fd);
	return rc;
}

int yoi_config_load(yoi_config *cfg, const char *path, yoi_error *err)
{
	if (!path) {
		reset_to_defaults(cfg);
		return yoi_error_set(err, YOI_EUSAGE, "", 0,
				     "no config path given");
	}
	yoi_buf b = YOI_BUF_INIT;
	bool missing;
	int rc = read_config(&b, path, &missing, err);
	if (rc == 0 && !missing) {
		rc =
		    yoi_config_parse(cfg, b.ptr ? b.ptr : "", b.len, path, err);
	} else {
		reset_to_defaults(cfg);
		if (rc == 0 && !cfg->tickets_root)
			rc = yoi_error_set(err, YOI_ENOMEM, path, 0,
					   "out of memory while reading the "
					   "config");
	}
	yoi_buf_free(&b);
	return rc;
}

void yoi_config_free(yoi_config *cfg)
{
	if (!cfg)
		return;
	free(cfg->tickets_root);
	free(cfg->worktrees_dir);
	free(cfg->branch_prefix);
	free(cfg->hook_ticket_event);
	free(cfg->claims_remote);
	yoi_strv_free(&cfg->roles);
	yoi_state_table_free(&cfg->transitions);
	memset(cfg, 0, sizeof(*cfg));
}
