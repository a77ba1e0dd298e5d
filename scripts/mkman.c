/*
 * mkman.c - build-time generator: the man pages from the help pages
 * (resources/prompts/help/CMD.md, what `help CMD` and `CMD --help` print),
 * rendered by cmark's man renderer, so that there is one text.
 *
 * Usage: mkman OUTDIR HELPDIR SOURCE < COMMANDS
 *   COMMANDS  the output of `yoi-tickets help`: its "  NAME  summary"
 *             lines name the commands and give each page's NAME line
 *   SOURCE    the footer's source, such as "yoi-tickets 0.1.0"
 * Writes OUTDIR/yoi-tickets.1 and OUTDIR/yoi-tickets-NAME.1 per command.
 *
 * A help page is its synopsis (the first block: "usage: ..." lines, shown
 * as they are) and a Markdown body (DESCRIPTION). The main page's body
 * ends with "Commands:", followed in the man page by the command list.
 */
#include <cmark.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_CMDS = 128, MAX_FILE = 1 << 20 };

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return NULL;
	}
	char *buf = malloc(MAX_FILE + 1);
	size_t n = buf ? fread(buf, 1, MAX_FILE, f) : 0;
	int bad = !buf || ferror(f) || n == MAX_FILE;
	fclose(f);
	if (bad) {
		fprintf(stderr, "mkman: cannot read %s (or larger than %d)\n",
			path, MAX_FILE);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Text as roff: backslash, hyphen, and a leading dot or quote escaped. */
static void roff(FILE *out, const char *s, size_t n, int line_start)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (line_start && (c == '.' || c == '\''))
			fputs("\\&", out);
		line_start = c == '\n';
		if (c == '\\')
			fputs("\\e", out);
		else if (c == '-')
			fputs("\\-", out);
		else
			fputc(c, out);
	}
}

static void upper(FILE *out, const char *s)
{
	for (; *s; s++)
		fputc(*s >= 'a' && *s <= 'z' ? *s - 'a' + 'A' : *s, out);
}

/*
 * The help pages use no raw HTML: a '<' is text (`<ID>`, "<branch>"), so
 * it is given to cmark escaped ("\\<"), except in code: a code span
 * (backticks) or an indented code block (four spaces after a blank line
 * or another code line). Returns a malloc'd copy, or NULL.
 */
static char *literal_lt(const char *s, size_t n, size_t *out_len)
{
	char *out = malloc(2 * n + 1);
	if (!out)
		return NULL;
	size_t o = 0;
	int prev_blank = 1, prev_code = 0;
	size_t tick = 0; /* the open code span's backtick run, or 0 */
	const char *end = s + n;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *e = nl ? nl : end;
		int blank = e == s;
		int code =
		    !blank && (prev_blank || prev_code) &&
		    ((e - s >= 4 && !strncmp(s, "    ", 4)) || *s == '\t');
		for (const char *p = s; p < e; p++) {
			if (!code && *p == '`') {
				size_t run = strspn(p, "`");
				if (run > (size_t)(e - p))
					run = (size_t)(e - p);
				if (!tick)
					tick = run;
				else if (run == tick)
					tick = 0;
				memcpy(out + o, p, run);
				o += run;
				p += run - 1;
				continue;
			}
			if (!code && !tick && *p == '<')
				out[o++] = '\\';
			out[o++] = *p;
		}
		if (nl)
			out[o++] = '\n';
		if (blank)
			tick = 0; /* a code span ends with its paragraph */
		prev_blank = blank;
		prev_code = code || (prev_code && blank);
		s = nl ? nl + 1 : end;
	}
	out[o] = '\0';
	*out_len = o;
	return out;
}

typedef struct cmd {
	char name[64];
	char summary[256];
} cmd;

/*
 * One page: name "yoi-tickets" or "yoi-tickets-CMD". Returns 0, or 1
 * after a message.
 */
static int page(const char *outdir, const char *helpdir, const char *source,
		const char *cmdname, const char *summary, const cmd *cmds,
		size_t ncmds)
{
	char src[4096], dst[4096], name[128];
	snprintf(name, sizeof(name), "yoi-tickets%s%s", cmdname ? "-" : "",
		 cmdname ? cmdname : "");
	snprintf(src, sizeof(src), "%s/%s.md", helpdir,
		 cmdname ? cmdname : "yoi-tickets");
	snprintf(dst, sizeof(dst), "%s/%s.1", outdir, name);
	size_t len;
	char *text = read_file(src, &len);
	if (!text)
		return 1;
	/* The synopsis: up to the first blank line. */
	char *body = strstr(text, "\n\n");
	size_t syn_len = body ? (size_t)(body - text) : len;
	body = body ? body + 2 : text + len;
	if (strncmp(text, "usage: ", 7) != 0) {
		fprintf(stderr, "mkman: %s does not start with 'usage: '\n",
			src);
		free(text);
		return 1;
	}
	/* The main page: its trailing "Commands:" becomes a section. */
	size_t body_len = strlen(body);
	while (body_len && body[body_len - 1] == '\n')
		body_len--;
	if (!cmdname && body_len >= 9 &&
	    strncmp(body + body_len - 9, "Commands:", 9) == 0)
		body_len -= 9;
	size_t md_len;
	char *md = literal_lt(body, body_len, &md_len);
	cmark_node *doc =
	    md ? cmark_parse_document(md, md_len, CMARK_OPT_DEFAULT) : NULL;
	free(md);
	char *man = doc ? cmark_render_man(doc, CMARK_OPT_DEFAULT, 0) : NULL;
	FILE *out = man ? fopen(dst, "w") : NULL;
	if (!out) {
		perror(man ? dst : "mkman: cmark");
		free(man);
		cmark_node_free(doc);
		free(text);
		return 1;
	}
	fprintf(out, ".\\\" Made by scripts/mkman.c from %s. Do not edit.\n",
		src);
	fputs(".TH \"", out);
	upper(out, name);
	fprintf(out, "\" \"1\" \"\" \"%s\" \"yoi-tickets Manual\"\n", source);
	fputs(".SH NAME\n", out);
	roff(out, name, strlen(name), 0);
	fputs(" \\- ", out);
	roff(out, summary, strlen(summary), 0);
	fputs("\n.SH SYNOPSIS\n.nf\n", out);
	/* "usage: " off the first line, its width off the others. */
	const char *p = text + 7, *end = text + syn_len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		roff(out, p, (size_t)(e - p), 1);
		fputc('\n', out);
		p = e + 1;
		for (int k = 0; k < 7 && p < end && *p == ' '; k++)
			p++;
	}
	fputs(".fi\n.SH DESCRIPTION\n", out);
	fputs(man, out);
	if (!cmdname) {
		fputs(".SH COMMANDS\n", out);
		for (size_t i = 0; i < ncmds; i++) {
			fputs(".TP\n\\fByoi\\-tickets\\-", out);
			roff(out, cmds[i].name, strlen(cmds[i].name), 0);
			fputs("\\fR(1)\n", out);
			roff(out, cmds[i].summary, strlen(cmds[i].summary), 1);
			fputc('\n', out);
		}
	} else {
		fputs(".SH SEE ALSO\n\\fByoi\\-tickets\\fR(1)\n", out);
	}
	int bad = ferror(out);
	if (fclose(out) != 0 || bad) {
		perror(dst);
		bad = 1;
	}
	free(man);
	cmark_node_free(doc);
	free(text);
	return bad;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr,
			"usage: mkman OUTDIR HELPDIR SOURCE < COMMANDS\n");
		return 2;
	}
	static cmd cmds[MAX_CMDS];
	size_t n = 0;
	char line[512];
	while (fgets(line, sizeof(line), stdin)) {
		/* "  NAME  summary": two spaces, then a name. */
		if (strncmp(line, "  ", 2) != 0 || line[2] == ' ')
			continue;
		if (n == MAX_CMDS) {
			fprintf(stderr, "mkman: more than %d commands\n",
				MAX_CMDS);
			return 1;
		}
		line[strcspn(line, "\n")] = '\0';
		char *s = line + 2;
		size_t k = strcspn(s, " ");
		snprintf(cmds[n].name, sizeof(cmds[n].name), "%.*s", (int)k, s);
		s += k;
		s += strspn(s, " ");
		snprintf(cmds[n].summary, sizeof(cmds[n].summary), "%s", s);
		n++;
	}
	if (n == 0) {
		fprintf(stderr, "mkman: no commands on stdin\n");
		return 1;
	}
	int bad = page(argv[1], argv[2], argv[3], NULL,
		       "tickets as plain files in a git repository", cmds, n);
	for (size_t i = 0; i < n; i++)
		bad |= page(argv[1], argv[2], argv[3], cmds[i].name,
			    cmds[i].summary, cmds, n);
	return bad;
}
