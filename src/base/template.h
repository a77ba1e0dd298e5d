/*
 * template.h - the Mustache subset our templates use (SPEC 11): variables
 * {{name}} (also {{{name}}} and {{&name}}, the same thing here: output is
 * Markdown, nothing is HTML-escaped), dotted names {{a.b}}, the implicit
 * iterator {{.}}, sections {{#name}}...{{/name}} (once per element of a
 * list, once with an object or other truthy value pushed as the context,
 * never for false, null or an empty list), inverted sections
 * {{^name}}...{{/name}}, and comments {{! ...}} (which may span lines).
 * Blanks inside a tag are ignored ({{ name }}, {{# name }}). The spec's
 * standalone-line rules apply: a line holding only a section, inverted,
 * closing or comment tag (and blanks) leaves no trace in the output, its
 * "\n" or "\r\n" included.
 *
 * Names resolve as in Mustache: the first part of a dotted name is looked
 * up from the innermost context outwards, each further part only in the
 * value the previous part found. Only false, null and [] are falsey: "",
 * 0 and {} are truthy (a section over one of them renders once).
 *
 * Strict where Mustache is lenient: a name found in no context on the
 * stack (or a dotted part missing from the value before it) is an error,
 * in any tag, as are an unclosed section, a closing tag that does not
 * match, an unterminated tag, an empty or malformed name (blanks or braces
 * inside it, an empty part as in "a..b"), and the tags outside the subset
 * (partials {{>x}}, delimiter changes {{=a b=}}). The structure is checked
 * before anything renders; names are checked when their tag is reached, so
 * a typo inside a section that renders zero times goes unnoticed. Errors
 * are YOI_ECORRUPT with "<name>:<line>: <what>; <what to do>" in err->msg
 * (err->path is name, err->line the line), naming the template and the
 * 1-based line of the offending tag (of its "{{" for a tag spanning
 * lines). Nothing is written to out on error (out is left as it was).
 *
 * The view is a jansson value (usually an object; NULL is an empty view).
 * Strings interpolate as they are; integers in decimal; reals in their
 * shortest round-trip form, written as JavaScript writes numbers (1.21,
 * 100.0 as "100", 1e21 as "1e+21", 1.5e-7 as "1.5e-7"); true as "true",
 * false as "false"; null as "". Interpolating an object or array is an
 * error.
 *
 * Limits (each an error, not a crash or a hang): the template's size,
 * section nesting depth, the rendered output's size, and the number of
 * render steps (tags and list elements visited), which bounds sections
 * over large lists nested deep that would print little or nothing.
 *
 * Pure: no I/O, no globals. The function keeps no pointer into tmpl or
 * view after it returns; out is the caller's.
 */
#ifndef YOI_TEMPLATE_H
#define YOI_TEMPLATE_H

#include <jansson.h>
#include <stddef.h>

#include "yoi/common.h"

#define YOI_TEMPLATE_MAX       (16u * 1024 * 1024) /* bytes of a template */
#define YOI_TEMPLATE_DEPTH_MAX 64		   /* nested sections */
#define YOI_TEMPLATE_OUT_MAX   (64u * 1024 * 1024) /* bytes of one rendering */
#define YOI_TEMPLATE_STEPS_MAX (16u * 1024 * 1024) /* nodes + list elements */

/*
 * Append the rendering of tmpl (len bytes, any bytes, no NUL needed; NULL
 * when len is 0) with view to out. name is the template's name for error
 * messages (e.g. "role/coder.md"). Returns 0, YOI_ECORRUPT (template or
 * view error, or a limit), YOI_ENOMEM, or YOI_EUSAGE (out NULL); out is
 * unchanged on every error.
 */
int yoi_template_render(const char *name, const char *tmpl, size_t len,
			const json_t *view, yoi_buf *out, yoi_error *err);

#endif
