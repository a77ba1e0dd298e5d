/*
 * diag.h - diagnostics: severity, stable code, path, line, message.
 *
 * A yoi_diag owns its entries and all their strings; yoi_diag_free
 * releases everything. Adding never fails visibly: on allocation failure
 * the entry is dropped and `dropped` is counted, so checkers stay simple.
 */
#ifndef YOI_DIAG_H
#define YOI_DIAG_H

#include <stdbool.h>
#include <stddef.h>

typedef enum { YOI_DIAG_ERROR = 0, YOI_DIAG_WARNING = 1 } yoi_severity;

typedef struct yoi_diag_entry {
	yoi_severity severity;
	char *code;    /* stable, kebab-case: "state-drift" */
	char *path;    /* file the finding is about */
	int line;      /* 1-based, 0 when unknown */
	char *message; /* one sentence: what is wrong and what to do */
} yoi_diag_entry;

typedef struct yoi_diag {
	yoi_diag_entry *v;
	size_t n;
	size_t cap;
	size_t dropped;
} yoi_diag;

#define YOI_DIAG_INIT                                                          \
	{                                                                      \
		NULL, 0, 0, 0                                                  \
	}

void yoi_diag_add(yoi_diag *d, yoi_severity sev, const char *code,
		  const char *path, int line, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
size_t yoi_diag_count(const yoi_diag *d, yoi_severity sev);
/* Index of the first entry with this code, or -1. For tests and --fix. */
long yoi_diag_find(const yoi_diag *d, const char *code);
/* Stable order: path, line, code. */
void yoi_diag_sort(yoi_diag *d);
void yoi_diag_free(yoi_diag *d);

/*
 * Where a checker's findings go: every one into d (when parsing, for
 * doctor), and the first into err (when a command needs one answer).
 */
typedef struct yoi_sink {
	yoi_diag *d;
	struct yoi_error *err;
	const char *path;
	int line;
	size_t n;  /* findings reported */
	int ecode; /* YOI_E* of the first */
} yoi_sink;

void yoi_sink_report(yoi_sink *s, const char *dcode, int ecode, const char *fmt,
		     ...) __attribute__((format(printf, 4, 5)));

/*
 * A text value of a record (what names it): at most max bytes and UTF-8.
 * Reports limit_code ("the value is N bytes, over the limit") or
 * schema_code (not UTF-8) and returns false, else true.
 */
bool yoi_sink_text_ok(yoi_sink *s, const char *limit_code,
		      const char *schema_code, const char *what, const char *v,
		      size_t max);

/* A value quoted in a message: at most 64 bytes, cut at a character
 * boundary, "..." when cut; control characters (line breaks, tabs, ESC,
 * DEL...) each shown as '?', so the message stays one line. */
#define YOI_QUOTE_MAX 64
void yoi_quote(char *out, size_t cap, const char *s);

#endif
