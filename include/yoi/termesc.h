/*
 * termesc.h - ticket text made unable to drive a terminal.
 *
 * Ticket files are written by anyone who can push; printed as is, an
 * escape sequence in a title or a comment can retitle the window, clear
 * the screen, move the cursor over earlier output or, on some terminals,
 * do worse. The text outputs of the CLI pass ticket text through
 * yoi_termesc first (which fields, and when, is the CLI's choice:
 * docs/format.md, "Control characters in text output").
 *
 * What is made visible, each as plain ASCII:
 *  - C0 controls U+0000-U+001F and DEL U+007F: "\t", "\n" and "\r" for
 *    those three, "\xHH" (two lowercase hex digits) for the others, so
 *    ESC is "\x1b". Without YOI_TERMESC_LINE (a multi-line body) LF and
 *    TAB are kept, and so is a CR right before an LF (a CRLF line end).
 *  - C1 controls U+0080-U+009F encoded in UTF-8: "\u0080" ... "\u009f".
 *  - Bytes that are not part of well-formed UTF-8 (a stray continuation
 *    byte, a truncated sequence, an overlong form, a surrogate, a code
 *    point above U+10FFFF, 0xF5-0xFF): "\xHH" each, so a raw 8-bit CSI
 *    (0x9b) is "\x9b".
 * Everything else, multibyte UTF-8 included, is copied unchanged. A
 * backslash is not doubled: text that already reads "\x1b" looks the
 * same as an escaped ESC (the JSON outputs carry the exact text).
 *
 * Pure: buffers in, buffers out.
 */
#ifndef YOI_TERMESC_H
#define YOI_TERMESC_H

#include <stdbool.h>
#include <stddef.h>

#include "common.h"

/* A single-line field (title, assignee, ID, table cell): LF, TAB and CR
 * are shown as "\n", "\t", "\r" too, so the field stays on its line. */
#define YOI_TERMESC_LINE 1u

/* Append s[0..len) escaped as above to out. 0 or YOI_ENOMEM. */
int yoi_termesc(yoi_buf *out, const char *s, size_t len, unsigned flags);

/* Whether yoi_termesc would change s[0..len) (false: print it as is). */
bool yoi_termesc_needed(const char *s, size_t len, unsigned flags);

/*
 * The escaped copy of the NUL-terminated s, owned by the caller (free).
 * NULL when s is NULL or out of memory.
 */
char *yoi_termesc_dup(const char *s, unsigned flags);

#endif
