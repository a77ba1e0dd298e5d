#!/bin/sh
# scripts/layers.sh - the library's layering rule (docs/architecture.md),
# checked: a file in src/<layer>/ includes public headers (yoi/<name>.h)
# only of its own layer or of the layers below it. A header belongs to the
# layer that holds src/<layer>/<name>.c. Prints each breach; exit 1 if any.
set -eu
cd "$(dirname "$0")/.."
order="base format git store workflow present cli"
rank() { i=0; for l in $order; do [ "$l" = "$1" ] && { echo $i; return; }; i=$((i + 1)); done; echo 99; }
layer_of() { # header name -> layer
	for l in $order; do [ -f "src/$l/$1.c" ] && { echo "$l"; return; }; done
	echo none
}
bad=0
for l in $order; do
	r=$(rank "$l")
	for f in src/$l/*.c; do
		[ -f "$f" ] || continue
		for h in $(sed -n 's/^#include "yoi\/\([a-z_]*\)\.h"/\1/p' "$f"); do
			hl=$(layer_of "$h")
			[ "$hl" = none ] && { echo "layers: $f includes yoi/$h.h, which no layer's .c defines" >&2; bad=1; continue; }
			if [ "$(rank "$hl")" -gt "$r" ]; then
				echo "layers: $f ($l) includes yoi/$h.h of $hl, a layer above it" >&2
				bad=1
			fi
		done
	done
done
# The library's private headers (src/<layer>/*.h) stay in the library:
# the front end includes only include/yoi/ (unit tests of a module may
# include its private header).
for f in src/cli/*.c src/cli/*.h; do
	[ -f "$f" ] || continue
	if grep -q '^#include "\(base\|format\|git\|store\|workflow\|present\)/[a-z_]*\.h"' "$f"; then
		echo "layers: $f includes a private header of the library; use include/yoi/" >&2
		bad=1
	fi
done
# The MCP server (src/mcp/) is a front end too: it includes the public
# headers (yoi/), jansson and its own headers (mcp/), nothing of the
# library's private headers and nothing of the CLI.
for f in src/mcp/*.c src/mcp/*.h; do
	[ -f "$f" ] || continue
	if grep '^#include "' "$f" | grep -qv '^#include "\(yoi\|mcp\)/[a-z_]*\.h"'; then
		echo "layers: $f includes a header outside include/yoi/ and src/mcp/" >&2
		bad=1
	fi
done
# The board's HTTP server (src/serve/) is a front end too: it includes
# the public headers (yoi/) and its own headers (serve/), nothing of the
# library's private headers, of the CLI or of the MCP server.
for f in src/serve/*.c src/serve/*.h; do
	[ -f "$f" ] || continue
	if grep '^#include "' "$f" | grep -qv '^#include "\(yoi\|serve\)/[a-z_]*\.h"'; then
		echo "layers: $f includes a header outside include/yoi/ and src/serve/" >&2
		bad=1
	fi
done
# A library file may include the private headers of its own layer and
# the layers below, as the public ones.
for l in $order; do
	[ "$l" = cli ] && continue
	r=$(rank "$l")
	for f in src/$l/*.c src/$l/*.h; do
		[ -f "$f" ] || continue
		for hl in $(sed -n 's/^#include "\(base\|format\|git\|store\|workflow\|present\)\/[a-z_]*\.h"/\1/p' "$f"); do
			if [ "$(rank "$hl")" -gt "$r" ]; then
				echo "layers: $f ($l) includes a private header of $hl, a layer above it" >&2
				bad=1
			fi
		done
	done
done
# The public headers hand out no libgit2 or jansson types.
for h in include/yoi/*.h; do
	if grep -q '^#include <\(git2\|jansson\)\.h>\|struct git_repository\|json_t \*' "$h"; then
		echo "layers: $h exposes a libgit2 or jansson type; keep it in the library's private headers" >&2
		bad=1
	fi
done
[ "$bad" = 0 ] && echo "layers: every include goes to the same layer or below ($order)"
exit $bad
