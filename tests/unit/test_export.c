/*
 * Unit tests of export.h: the ticket object built from a folder's files
 * (views and exact bytes), the checks on an export's ticket objects
 * (paths that would leave the folder, bad encodings), and the restore
 * into a store (round trip, skip, refusal, bad input, all or nothing).
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ufix.h"
#include "yoi/export.h"
#include "yoi/file.h"

#define ID  "00001KW55B33H"
#define ID2 "00001KW55B33J"

static char et_buf[YOI_ERRTEXT_MAX];
#define ETEXT(e) yoi_error_text(&(e), et_buf, sizeof(et_buf))

static const char ITEM[] = "---\n"
			   "title: 'Parse'\n"
			   "state: 'closed'\n"
			   "# a comment kept\n"
			   "created_at: '2026-06-27T19:08:16Z'\n"
			   "updated_at: '2026-06-27T19:08:16Z'\n"
			   "zeta: [a, b]\n"
			   "alpha: null\n"
			   "---\n"
			   "## Background\n";

static const char THREAD[] =
    "<!-- event: create author: ann at: 2026-06-27T19:08:16Z -->\n\n"
    "## Created\n\nTicket created.\n\n---\n"
    "<!-- event: comment author: \"b c\" at: 2026-06-27T19:08:17Z -->\n\n"
    "## Comment\n\nhello\n\n---\n";

static const char RELS[] = "{\n  \"version\": 1,\n  \"relations\": [\n    {\n"
			   "      \"ticket_id\": \"" ID "\",\n"
			   "      \"kind\": \"depends_on\",\n"
			   "      \"target\": \"" ID2 "\",\n"
			   "      \"author\": \"ann\",\n"
			   "      \"at\": \"2026-06-27T19:08:16Z\"\n"
			   "    }\n  ]\n}\n";

static void add(yoi_export_entry *e, const char *path, const char *data,
		size_t len)
{
	cr_assert_eq(YOI_GROW(e->v, e->n, e->cap, 8), 0);
	char *d = NULL;
	if (data) {
		d = malloc(len + 1);
		memcpy(d, data, len);
		d[len] = 0;
	}
	e->v[e->n++] = (yoi_export_file){strdup(path), d, len, data == NULL};
}

/* A folder as the reader gives it: sorted by path. */
static void sample(yoi_export_entry *e)
{
	memset(e, 0, sizeof(*e));
	strcpy(e->id, ID);
	add(e, "artifacts", NULL, 0);
	add(e, "artifacts/.gitkeep", "", 0);
	add(e, "artifacts/bin", "\x00\xff\x01z", 4);
	add(e, "artifacts/relations.json", RELS, strlen(RELS));
	add(e, "item.md", ITEM, strlen(ITEM));
	add(e, "resolution.md", "Fixed.\n", 7);
	add(e, "thread.md", THREAD, strlen(THREAD));
}

static json_t *to_json(const yoi_export_entry *e, yoi_buf *b)
{
	yoi_error err = {0};
	cr_assert_eq(yoi_export_ticket_json(b, e, NULL, &err), 0, "%s",
		     err.msg);
	cr_assert(!memchr(b->ptr, '\n', b->len), "one line: %s", b->ptr);
	json_error_t je;
	json_t *o = json_loadb(b->ptr, b->len, 0, &je);
	cr_assert_not_null(o, "%s", je.text);
	return o;
}

Test(export, views_and_exact_bytes)
{
	yoi_export_entry e;
	sample(&e);
	yoi_buf b = YOI_BUF_INIT;
	json_t *o = to_json(&e, &b);
	cr_assert_str_eq(json_string_value(json_object_get(o, "id")), ID);
	cr_assert_str_eq(json_string_value(json_object_get(o, "state")),
			 "closed");
	/* Fields in file order, lists and nulls as JSON. */
	json_t *f = json_object_get(o, "fields");
	const char *want[] = {"title",	    "state", "created_at",
			      "updated_at", "zeta",  "alpha"};
	size_t i = 0;
	const char *key;
	json_t *v;
	json_object_foreach(f, key, v)
	{
		cr_assert_lt(i, 6);
		cr_assert_str_eq(key, want[i++]);
	}
	cr_assert_eq(i, 6);
	cr_assert(json_is_null(json_object_get(f, "alpha")));
	cr_assert_eq(json_array_size(json_object_get(f, "zeta")), 2);
	cr_assert_str_eq(json_string_value(json_object_get(o, "body")),
			 "## Background\n");
	json_t *ev = json_object_get(o, "events");
	cr_assert_eq(json_array_size(ev), 2);
	json_t *c = json_array_get(ev, 1);
	cr_assert_str_eq(json_string_value(json_object_get(c, "kind")),
			 "comment");
	cr_assert_str_eq(json_string_value(json_object_get(c, "author")),
			 "b c");
	cr_assert_str_eq(json_string_value(json_object_get(c, "body")),
			 "hello");
	json_t *r = json_array_get(json_object_get(o, "relations"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(r, "target")), ID2);
	cr_assert_eq(json_array_size(json_object_get(o, "plan")), 0);
	cr_assert_str_eq(json_string_value(json_object_get(o, "resolution")),
			 "Fixed.\n");
	/* Text files as strings, the binary one as base64. */
	json_t *files = json_object_get(o, "files");
	cr_assert_str_eq(json_string_value(json_object_get(files, "item.md")),
			 ITEM);
	json_t *bin = json_object_get(files, "artifacts/bin");
	cr_assert_str_eq(json_string_value(json_object_get(bin, "encoding")),
			 "base64");
	cr_assert_str_eq(json_string_value(json_object_get(bin, "data")),
			 "AP8Beg==");
	cr_assert_str_eq(
	    json_string_value(json_array_get(json_object_get(o, "dirs"), 0)),
	    "artifacts");
	cr_assert_null(json_object_get(o, "problems"));
	json_decref(o);

	/* Back from the text: the same paths and bytes. */
	yoi_export_entry back = {0};
	yoi_error err = {0};
	cr_assert_eq(
	    yoi_export_entry_parse(&back, b.ptr, b.len, "x.jsonl", 2, &err), 0,
	    "%s", ETEXT(err));
	cr_assert_str_eq(back.id, ID);
	cr_assert_eq(back.n, e.n);
	for (i = 0; i < e.n; i++) {
		cr_assert_str_eq(back.v[i].path, e.v[i].path);
		cr_assert_eq(back.v[i].dir, e.v[i].dir);
		cr_assert_eq(back.v[i].len, e.v[i].len, "%s", e.v[i].path);
		cr_assert(!e.v[i].len ||
			  !memcmp(back.v[i].data, e.v[i].data, e.v[i].len));
	}
	yoi_export_entry_free(&back);
	yoi_export_entry_free(&e);
	yoi_buf_free(&b);
}

Test(export, unparsable_files_leave_views_null_and_say_why)
{
	yoi_export_entry e = {0};
	strcpy(e.id, ID);
	add(&e, "item.md", "no frontmatter\n", 15);
	add(&e, "thread.md", "\xff\xfe", 2);
	yoi_buf b = YOI_BUF_INIT;
	json_t *o = to_json(&e, &b);
	cr_assert(json_is_null(json_object_get(o, "fields")));
	cr_assert(json_is_null(json_object_get(o, "events")));
	cr_assert(json_is_null(json_object_get(o, "state")));
	json_t *p = json_object_get(o, "problems");
	cr_assert_eq(json_array_size(p), 2, "%s", b.ptr);
	cr_assert(strstr(json_string_value(json_array_get(p, 0)), "item.md"));
	/* The bytes still go out. */
	cr_assert_str_eq(json_string_value(json_object_get(
			     json_object_get(o, "files"), "item.md")),
			 "no frontmatter\n");
	json_decref(o);
	yoi_buf_free(&b);
	yoi_export_entry_free(&e);
}

static void refused(const char *text, const char *needle)
{
	yoi_export_entry e = {0};
	yoi_error err = {0};
	int rc =
	    yoi_export_entry_parse(&e, text, strlen(text), "x.jsonl", 7, &err);
	cr_assert_eq(rc, YOI_ECORRUPT, "%s: %d", text, rc);
	cr_assert_eq(err.line, 7);
	cr_assert_str_eq(err.path, "x.jsonl");
	cr_assert(strstr(err.msg, needle), "%s: %s", text, err.msg);
	yoi_export_entry_free(&e);
}

Test(export, paths_that_leave_the_ticket_folder_are_refused)
{
	refused("{\"id\":\"" ID "\",\"files\":{\"../x\":\"\"}}", "'..'");
	refused("{\"id\":\"" ID "\",\"files\":{\"a/../../x\":\"\"}}", "'..'");
	refused("{\"id\":\"" ID "\",\"files\":{\"/etc/passwd\":\"\"}}",
		"absolute");
	refused("{\"id\":\"" ID "\",\"files\":{\"a//b\":\"\"}}", "empty");
	refused("{\"id\":\"" ID "\",\"files\":{\"./a\":\"\"}}", "'.'");
	refused("{\"id\":\"" ID "\",\"files\":{\"a/\":\"\"}}", "trailing");
	refused("{\"id\":\"" ID "\",\"files\":{\"\":\"\"}}", "empty");
	refused("{\"id\":\"" ID "\",\"files\":{\"a\\nb\":\"\"}}", "control");
	refused("{\"id\":\"" ID "\",\"files\":{},\"dirs\":[\"..\"]}", "'..'");
	/* A file where a folder must be: the folder's files would go
	 * through whatever the file becomes. */
	refused("{\"id\":\"" ID "\",\"files\":{\"artifacts\":\"x\","
		"\"artifacts/y\":\"\"}}",
		"which is a file");
	refused("{\"id\":\"" ID "\",\"files\":{\"a\":\"\"},\"dirs\":[\"a\"]}",
		"twice");
}

Test(export, bad_ticket_objects_are_refused)
{
	refused("{\"id\":\"../../x\",\"files\":{}}", "\"id\"");
	refused("{\"files\":{}}", "\"id\"");
	refused("{\"id\":\"" ID "\"}", "\"files\"");
	refused("[1]", "not a JSON object");
	refused("{\"id\":\"" ID "\",\"files\":{\"a\":1}}", "base64");
	refused("{\"id\":\"" ID "\",\"files\":{\"a\":{\"encoding\":\"base64\","
		"\"data\":\"A\"}}}",
		"base64");
	refused("{\"id\":\"" ID "\",\"files\":{\"a\":{\"encoding\":\"hex\","
		"\"data\":\"00\"}}}",
		"base64");
	refused("{\"id\":\"" ID "\",\"id\":\"" ID2 "\",\"files\":{}}",
		"not JSON");
	refused("{\"id\":\"" ID "\",\"files\":{\"a\":\"", "not JSON");
}

/* ---- the store ---- */

static ufix fa, fb;

static void setup(void)
{
	ufix_setup(&fa, "export-a");
	ufix_setup(&fb, "export-b");
}

static void teardown(void)
{
	ufix_teardown(&fa);
	ufix_teardown(&fb);
}

static void put(ufix *fx, const char *id, const char *rel, const char *data,
		size_t len)
{
	char *dir = yoi_store_path(fx->st, id, NULL);
	char *p = yoi_path_join(dir, rel);
	char *slash = strrchr(p, '/');
	*slash = 0;
	yoi_error err = {0};
	cr_assert_eq(yoi_mkdir_p(p, &err), 0, "%s", err.msg);
	*slash = '/';
	FILE *f = fopen(p, "wb");
	cr_assert_not_null(f, "%s", p);
	cr_assert_eq(fwrite(data, 1, len, f), len);
	fclose(f);
	free(p);
	free(dir);
}

static void store_sample(ufix *fx)
{
	put(fx, ID, "item.md", ITEM, strlen(ITEM));
	put(fx, ID, "thread.md", THREAD, strlen(THREAD));
	put(fx, ID, "artifacts/relations.json", RELS, strlen(RELS));
	put(fx, ID, "artifacts/deep/er/bin", "\x00\x01\xff", 3);
	put(fx, ID2, "item.md", "---\ntitle: x\r\n---\r\n", 19);
	put(fx, ID2, "thread.md", THREAD, strlen(THREAD));
	char *empty = yoi_store_path(fx->st, ID2, "artifacts");
	yoi_error err = {0};
	cr_assert_eq(yoi_mkdir_p(empty, &err), 0);
	free(empty);
}

static int buf_sink(void *ctx, const char *p, size_t n, yoi_error *err)
{
	(void)err;
	return yoi_buf_put(ctx, p, n);
}

/* Export fx's store to a file of its directory; returns the path. */
static char *export_to(ufix *fx, yoi_export_format fmt, yoi_buf *text)
{
	yoi_export_opts o = {.format = fmt, .wait_sec = 1};
	yoi_export_result res;
	yoi_error err = {0};
	char *path = yoi_path_join(fx->dir, "export.out");
	cr_assert_eq(yoi_export_write_file(&res, fx->st, &o, path, &err), 0,
		     "%s", ETEXT(err));
	yoi_export_result_free(&res);
	if (text) {
		yoi_export_result r2;
		cr_assert_eq(
		    yoi_export_write(&r2, fx->st, &o, buf_sink, text, &err), 0);
		yoi_export_result_free(&r2);
	}
	return path;
}

static void same_folders(void)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd),
		 "diff -r '%s/.yoi/tickets' '%s/.yoi/tickets'", fa.dir, fb.dir);
	cr_assert_eq(system(cmd), 0, "the trees differ");
}

static int restore(const char *path, bool dry, yoi_export_restore_result *res,
		   yoi_error *err)
{
	yoi_export_restore_opts o = {.dry_run = dry, .wait_sec = 1};
	return yoi_export_restore(res, fb.st, path, NULL, &o, err);
}

Test(export_store, round_trip_both_formats_then_skip, .init = setup,
     .fini = teardown)
{
	store_sample(&fa);
	for (int fmt = 0; fmt < 2; fmt++) {
		char *path = export_to(&fa, (yoi_export_format)fmt, NULL);
		yoi_export_restore_result res;
		yoi_error err = {0};
		cr_assert_eq(restore(path, false, &res, &err), 0, "%s",
			     ETEXT(err));
		cr_assert_eq(res.tickets, 2);
		cr_assert_eq(res.created.n, fmt == 0 ? 2 : 0);
		cr_assert_eq(res.skipped.n, fmt == 0 ? 0 : 2);
		yoi_export_restore_result_free(&res);
		same_folders();
		free(path);
	}
}

Test(export_store, state_filter_and_header, .init = setup, .fini = teardown)
{
	store_sample(&fa);
	const char *states[] = {"closed"};
	yoi_export_opts o = {.format = YOI_EXPORT_JSONL,
			     .states = states,
			     .nstates = 1,
			     .exported_at = "2026-06-27T19:08:16Z"};
	yoi_buf b = YOI_BUF_INIT;
	yoi_export_result res;
	yoi_error err = {0};
	cr_assert_eq(yoi_export_write(&res, fa.st, &o, buf_sink, &b, &err), 0);
	cr_assert_eq(res.tickets, 1);
	cr_assert(!strncmp(b.ptr,
			   "{\"format\":\"yoi-tickets-export\",\"version\":1,",
			   42),
		  "%s", b.ptr);
	cr_assert(strstr(b.ptr, "\"id\":\"" ID "\""));
	cr_assert_null(strstr(b.ptr, "\"id\":\"" ID2 "\""));
	cr_assert(strstr(b.ptr, "{\"format\":\"yoi-tickets-export\",\"end\":"
				"true,\"tickets\":1}\n"));
	yoi_export_result_free(&res);
	yoi_buf_free(&b);
}

Test(export_store, other_content_under_the_same_id_is_refused_whole,
     .init = setup, .fini = teardown)
{
	store_sample(&fa);
	char *path = export_to(&fa, YOI_EXPORT_JSONL, NULL);
	put(&fb, ID2, "item.md", "---\ntitle: other\n---\n", 21);
	put(&fb, ID2, "thread.md", THREAD, strlen(THREAD));
	char *art = yoi_store_path(fb.st, ID2, "artifacts");
	cr_assert_eq(yoi_mkdir_p(art, NULL), 0);
	free(art);
	yoi_export_restore_result res;
	yoi_error err = {0};
	cr_assert_eq(restore(path, false, &res, &err), YOI_EREFUSED);
	cr_assert(strstr(err.msg, ID2), "%s", err.msg);
	cr_assert(strstr(err.msg, "item.md"), "%s", err.msg);
	cr_assert_eq(res.created.n, 0);
	/* Nothing written: the other ticket did not come in. */
	char *dir = yoi_store_path(fb.st, ID, NULL);
	cr_assert(!yoi_exists(dir));
	free(dir);
	yoi_export_restore_result_free(&res);
	free(path);
}

/* Write text to a file of fb's directory and restore it: the error. */
static int restore_text(const char *text, yoi_error *err)
{
	char *path = yoi_path_join(fb.dir, "in.jsonl");
	FILE *f = fopen(path, "wb");
	fputs(text, f);
	fclose(f);
	yoi_export_restore_result res;
	int rc = restore(path, false, &res, err);
	cr_assert_eq(res.created.n, 0);
	yoi_export_restore_result_free(&res);
	free(path);
	char *dir = yoi_store_path(fb.st, ID, NULL);
	cr_assert(!yoi_exists(dir), "nothing may be written");
	free(dir);
	return rc;
}

Test(export_store, bad_exports_write_nothing, .init = setup, .fini = teardown)
{
	store_sample(&fa);
	yoi_buf b = YOI_BUF_INIT;
	free(export_to(&fa, YOI_EXPORT_JSONL, &b));
	yoi_error err = {0};

	/* Cut at a line break: the end line is missing. */
	char *cut = strndup(b.ptr, (size_t)(strrchr(b.ptr, '{') - b.ptr));
	cr_assert_eq(restore_text(cut, &err), YOI_ECORRUPT);
	cr_assert(strstr(err.msg, "end line"), "%s", err.msg);
	free(cut);

	/* Cut inside a ticket's line. */
	char *mid = strndup(b.ptr, b.len / 2);
	cr_assert_eq(restore_text(mid, &err), YOI_ECORRUPT);
	cr_assert_gt(err.line, 1);
	free(mid);

	/* Not ours, another version, empty. */
	cr_assert_eq(restore_text("{\"format\":\"beads\"}\n", &err),
		     YOI_ECORRUPT);
	cr_assert(strstr(err.msg, "not a yoi-tickets export"), "%s", err.msg);
	cr_assert_eq(
	    restore_text("{\"format\":\"yoi-tickets-export\",\"version\":2}\n",
			 &err),
	    YOI_ECORRUPT);
	cr_assert(strstr(err.msg, "version"), "%s", err.msg);
	cr_assert_eq(restore_text("", &err), YOI_ECORRUPT);
	cr_assert_eq(restore_text("hello\n", &err), YOI_ECORRUPT);

	/* A ticket twice. */
	char *first = strchr(b.ptr, '\n') + 1;
	char *second = strchr(first, '\n') + 1;
	yoi_buf twice = YOI_BUF_INIT;
	yoi_buf_put(&twice, b.ptr, (size_t)(second - b.ptr));
	yoi_buf_put(&twice, first, (size_t)(second - first));
	yoi_buf_puts(&twice, "{\"format\":\"yoi-tickets-export\",\"end\":true,"
			     "\"tickets\":2}\n");
	cr_assert_eq(restore_text(twice.ptr, &err), YOI_ECORRUPT);
	cr_assert(strstr(err.msg, "twice"), "%s", err.msg);
	cr_assert_eq(err.line, 3);

	/* A good ticket, then one with an escaping path: nothing of either. */
	yoi_buf evil = YOI_BUF_INIT;
	yoi_buf_put(&evil, b.ptr, (size_t)(second - b.ptr));
	yoi_buf_puts(&evil,
		     "{\"id\":\"" ID2 "\",\"files\":{\"../../x\":\"\"}}\n"
		     "{\"format\":\"yoi-tickets-export\",\"end\":true,"
		     "\"tickets\":2}\n");
	cr_assert_eq(restore_text(evil.ptr, &err), YOI_ECORRUPT);
	cr_assert_eq(err.line, 3, "%s", ETEXT(err));
	yoi_buf_free(&evil);
	yoi_buf_free(&twice);
	yoi_buf_free(&b);
}

Test(export_store, dry_run_writes_nothing, .init = setup, .fini = teardown)
{
	store_sample(&fa);
	char *path = export_to(&fa, YOI_EXPORT_JSONL, NULL);
	yoi_export_restore_result res;
	yoi_error err = {0};
	cr_assert_eq(restore(path, true, &res, &err), 0, "%s", ETEXT(err));
	cr_assert_eq(res.created.n, 2);
	char *dir = yoi_store_path(fb.st, ID, NULL);
	cr_assert(!yoi_exists(dir));
	free(dir);
	yoi_export_restore_result_free(&res);
	free(path);
}

Test(export_store, a_killed_imports_staging_folders_are_swept, .init = setup,
     .fini = teardown)
{
	store_sample(&fa);
	char *path = export_to(&fa, YOI_EXPORT_JSONL, NULL);
	char *stale = yoi_path_join(yoi_store_root(fb.st),
				    ".yoi-import-" ID ".1/artifacts");
	yoi_error err = {0};
	cr_assert_eq(yoi_mkdir_p(stale, &err), 0);
	yoi_export_restore_result res;
	cr_assert_eq(restore(path, false, &res, &err), 0, "%s", ETEXT(err));
	*strrchr(stale, '/') = 0;
	cr_assert(!yoi_exists(stale), "%s", stale);
	same_folders();
	yoi_export_restore_result_free(&res);
	free(stale);
	free(path);
}

Test(export_store, links_and_unportable_names_are_left_out_and_named,
     .init = setup, .fini = teardown)
{
	store_sample(&fa);
	char *link = yoi_store_path(fa.st, ID, "artifacts/link");
	cr_assert_eq(symlink("/etc/passwd", link), 0);
	/* A name an import would refuse is not exported either. */
	put(&fa, ID, "artifacts/a\nb", "x", 1);
	yoi_export_entry e = {0};
	yoi_strv skipped = {0};
	yoi_error err = {0};
	cr_assert_eq(yoi_export_read_ticket(&e, fa.st, ID, &skipped, &err), 0);
	cr_assert_eq(skipped.n, 2);
	cr_assert(strstr(skipped.v[0], "artifacts/a\nb: a control character"),
		  "%s", skipped.v[0]);
	cr_assert(strstr(skipped.v[1], "artifacts/link: a symbolic link"), "%s",
		  skipped.v[1]);
	for (size_t i = 0; i < e.n; i++)
		cr_assert_str_neq(e.v[i].path, "artifacts/link");
	yoi_strv_free(&skipped);
	yoi_export_entry_free(&e);
	free(link);
}
