/*
 * harness.h - end-to-end helpers: temporary git repositories and runs of
 * the built binary (YOI_BIN, or YOI_FAULT_BIN for the fault build) with
 * captured stdout, stderr and exit status.
 */
#ifndef YOI_E2E_HARNESS_H
#define YOI_E2E_HARNESS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct e2e_result {
	int status; /* exit status, or 128+signal */
	char *out;
	char *err;
} e2e_result;

/* A fresh git repository in a temporary directory (removed by e2e_rm). */
char *e2e_repo(void);
/* ... with `yoi-tickets init` done. */
char *e2e_store(void);
void e2e_rm(char *dir);

/*
 * Run the binary in dir with argv (NULL-terminated, without the program)
 * and optional stdin text. Killed after 60 s. Caller frees with
 * e2e_free. YOI_TICKETS_AUTHOR is "tester" unless the test sets it.
 */
e2e_result e2e_run(const char *dir, const char *stdin_text,
		   const char *const *argv);
e2e_result e2e_run_bin(const char *bin, const char *dir, const char *stdin_text,
		       const char *const *argv);
void e2e_free(e2e_result *r);

#define RUN(dir, ...)                                                          \
	e2e_run((dir), NULL, (const char *const[]){__VA_ARGS__, NULL})
#define RUN_IN(dir, in, ...)                                                   \
	e2e_run((dir), (in), (const char *const[]){__VA_ARGS__, NULL})

/* Run, require status 0, return stdout's first line (static buffer copy). */
char *e2e_ok_line(const char *dir, const char *const *argv);
#define OK_LINE(dir, ...)                                                      \
	e2e_ok_line((dir), (const char *const[]){__VA_ARGS__, NULL})

/* Run a shell command in dir (git setup/inspection); returns exit status. */
int e2e_sh(const char *dir, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Files. Caller frees read results. */
char *e2e_read(const char *dir, const char *rel);
void e2e_write(const char *dir, const char *rel, const char *text);
void e2e_append(const char *dir, const char *rel, const char *text);
bool e2e_exists(const char *dir, const char *rel);
/* "<dir>/.yoi/tickets/<id>/<file>" relative part. Static buffer. */
const char *e2e_tpath(const char *id, const char *file);

/* Number of non-overlapping occurrences of needle in hay. */
size_t e2e_count(const char *hay, const char *needle);

/* Run, require status 0. */
void e2e_ok(const char *dir, const char *const *argv);
#define OK(dir, ...) e2e_ok((dir), (const char *const[]){__VA_ARGS__, NULL})

/* doctor finds nothing at all: exit 0, no finding in text or JSON. */
void e2e_doctor_clean(const char *dir);

/* A ticket written by hand, as another tool would: <id>/artifacts/ (empty),
 * item.md and thread.md with exactly these bytes. */
void e2e_put_ticket(const char *dir, const char *id, const char *item,
		    const char *thread);

/*
 * The idempotence of `doctor --fix`: after one run, a second run changes
 * no file of the store (byte for byte), reports nothing fixed, and leaves
 * no finding --fix could repair (yoi_doctor_fixable).
 */
void e2e_fix_twice(const char *dir);

/*
 * A store written by another tool must never freeze a ticket: commit the
 * store as it is (without hooks), install the hooks, add a comment to id
 * and commit it through them; the work tree is clean afterwards.
 */
void e2e_comment_commits(const char *dir, const char *id);

struct json_t;
/*
 * Run argv in dir; the exit status must be want and stdout JSON, which is
 * returned (a new reference: json_decref it). E2E_JSON(dir, want, args...)
 * takes the arguments in place of the NULL-terminated array.
 */
struct json_t *e2e_run_json(const char *dir, const char *const *argv, int want);
#define E2E_JSON(dir, want, ...)                                               \
	e2e_run_json((dir), (const char *const[]){__VA_ARGS__, NULL}, (want))

/* <YOI_SRCDIR>/tests/fixtures/import/<rel>, absolute (caller frees). */
char *e2e_import_fixture(const char *rel);

/* How many tickets the store in dir holds, in any state. */
size_t e2e_tickets(const char *dir);

#endif
