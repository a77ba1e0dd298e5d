#!/bin/sh
# install-test.sh - `make install-test`: install into a temporary prefix,
# build a small C program against the library with pkg-config (shared and
# static), run the installed binary from another directory, check the man
# pages and completion scripts, stage a DESTDIR install, then uninstall
# both and check that nothing is left. Run from the source tree's top.
set -eu

MAKE=${MAKE:-make}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/yoi-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
prefix=$tmp/prefix
fail() {
	echo "install-test: $*" >&2
	exit 1
}

$MAKE --no-print-directory -s install PREFIX="$prefix" >/dev/null

# Every kind of file is there.
for f in bin/yoi-tickets lib/libyoitickets.a lib/libyoitickets.so \
	lib/pkgconfig/yoitickets.pc include/yoi/store.h \
	share/man/man1/yoi-tickets.1 share/man/man1/yoi-tickets-state.1 \
	share/bash-completion/completions/yoi-tickets \
	share/zsh/site-functions/_yoi-tickets \
	share/fish/vendor_completions.d/yoi-tickets.fish; do
	test -e "$prefix/$f" || fail "missing $f"
done
# The shared library carries its soname; the link names lead to it.
soname=$(readelf -d "$prefix/lib/libyoitickets.so" |
	sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
case $soname in
libyoitickets.so.[0-9]*) ;;
*) fail "no soname in libyoitickets.so ($soname)" ;;
esac
test -e "$prefix/lib/$soname" || fail "no $soname link"

# A program built against the installed library with pkg-config.
cat >"$tmp/prog.c" <<'EOF'
#include <stdio.h>
#include <string.h>
#include <yoi/id.h>
#include <yoi/resource.h>
#include <yoi/state.h>

int main(void)
{
	char id[YOI_ID_LEN + 1];
	if (yoi_id_normalize("o1il", id, sizeof(id)) != 0 ||
	    strcmp(id, "0111") != 0)
		return 1;
	if (!yoi_resource_get("help/state.md"))
		return 1;
	printf("%s\n", yoi_state_name(YOI_ST_PLANNING));
	return 0;
}
EOF
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
cc -std=c17 -Wall -Werror -o "$tmp/prog" "$tmp/prog.c" \
	$(pkg-config --cflags --libs yoitickets)
out=$(cd / && LD_LIBRARY_PATH="$prefix/lib" "$tmp/prog") ||
	fail "the program built against the shared library failed"
test "$out" = planning || fail "program printed '$out'"
ldd "$tmp/prog" | grep -q "$prefix/lib/$soname" ||
	LD_LIBRARY_PATH="$prefix/lib" ldd "$tmp/prog" |
	grep -q "$prefix/lib/$soname" || fail "prog does not load $soname"
# And statically, with the private requirements.
cc -std=c17 -Wall -Werror -o "$tmp/prog-static" "$tmp/prog.c" \
	$(pkg-config --cflags yoitickets) "$prefix/lib/libyoitickets.a" \
	$(pkg-config --libs --static yoitickets | sed 's/-lyoitickets//')
test "$(cd / && "$tmp/prog-static")" = planning ||
	fail "the statically linked program failed"

# The installed binary, from another directory, in a new repository.
mkdir "$tmp/repo"
(
	cd "$tmp/repo"
	git init -q .
	"$prefix/bin/yoi-tickets" --version | grep -q '^yoi-tickets '
	"$prefix/bin/yoi-tickets" init >/dev/null
	id=$("$prefix/bin/yoi-tickets" create --title 'Installed')
	"$prefix/bin/yoi-tickets" show "$id" | grep -q Installed
	"$prefix/bin/yoi-tickets" help state | grep -q '^usage: yoi-tickets state'
) || fail "the installed binary does not work from another directory"

# Man pages: one per command, each renders without a warning.
for cmd in $("$prefix/bin/yoi-tickets" help | sed -n 's/^  \([a-z-]*\) .*/\1/p'); do
	test -f "$prefix/share/man/man1/yoi-tickets-$cmd.1" ||
		fail "no man page for $cmd"
done
for page in "$prefix"/share/man/man1/*.1; do
	grep -q '^\.TH ' "$page" || fail "$page has no .TH"
	if command -v groff >/dev/null 2>&1; then
		warn=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
		test -z "$warn" || fail "$page: $warn"
	fi
done
# Text the help pages show is all there: a '<' is never taken for HTML,
# and no '*' or '_' turned into emphasis.
grep -q '<ID>\\-<slug>' "$prefix/share/man/man1/yoi-tickets-worktrees.1" ||
	fail "yoi-tickets-worktrees(1) lost its <ID>-<slug>"
! grep -l '\\f\[[BI]\]' "$prefix"/share/man/man1/yoi-tickets-*.1 ||
	fail "emphasis in the man pages above: the help text has * or _"
if command -v man >/dev/null 2>&1; then
	MANPAGER=cat MANWIDTH=80 man -l "$prefix/share/man/man1/yoi-tickets-state.1" \
		2>/dev/null | grep -q 'transition table' ||
		fail "man -l does not show yoi-tickets-state(1)"
fi
# The bash completion script loads and completes.
bash -c ". '$prefix/share/bash-completion/completions/yoi-tickets'
	COMP_WORDS=(yoi-tickets sta) COMP_CWORD=1; _yoi_tickets
	test \"\${COMPREPLY[*]}\" = 'state start'" ||
	fail "the installed bash completion does not complete"

# A staged install (DESTDIR) writes the same files under DESTDIR.
stage=$tmp/stage
$MAKE --no-print-directory -s install DESTDIR="$stage" PREFIX=/usr/local \
	>/dev/null
a=$(cd "$prefix" && find . ! -type d | LC_ALL=C sort)
b=$(cd "$stage/usr/local" && find . ! -type d | LC_ALL=C sort)
test "$a" = "$b" || fail "DESTDIR install differs from the prefix install"
test -z "$(cd "$stage" && find . ! -type d ! -path './usr/local/*')" ||
	fail "DESTDIR install wrote outside DESTDIR/PREFIX"
grep -q '^prefix=/usr/local$' "$stage/usr/local/lib/pkgconfig/yoitickets.pc" ||
	fail "the staged yoitickets.pc does not name the PREFIX"

# Uninstall removes exactly what install wrote.
$MAKE --no-print-directory -s uninstall PREFIX="$prefix" >/dev/null
$MAKE --no-print-directory -s uninstall DESTDIR="$stage" PREFIX=/usr/local \
	>/dev/null
left=$(find "$prefix" "$stage" ! -type d)
test -z "$left" || fail "left after uninstall: $left"
test ! -e "$prefix/include/yoi" || fail "include/yoi left after uninstall"
echo "install-test: ok"
