#!/bin/sh
# yoi-tickets hook
# The @HOOK@ hook of yoi-tickets, written by 'yoi-tickets hooks install';
# 'yoi-tickets hooks uninstall' removes it. Install rewrites it, so put
# checks of your own in @HOOK@.yoi-chained beside this file, not here.
#
# A @HOOK@ hook that was here before was kept as @HOOK@.yoi-chained. It
# runs first, with the same arguments and input, and its failure stops
# the commit with its exit status.
# The binary is found when the hook runs: yoi-tickets on PATH first, then
# the one that installed this hook. Plain shell, no command run for it: a
# hook runs on every commit, and each fork costs about a millisecond.
installer=@BIN@
bin=
rest=$PATH:
while [ -n "$rest" ]; do
	d=${rest%%:*}
	rest=${rest#*:}
	[ -n "$d" ] || d=.
	if [ -f "$d/yoi-tickets" ] && [ -x "$d/yoi-tickets" ]; then
		bin=$d/yoi-tickets
		break
	fi
done
[ -n "$bin" ] || bin=$installer
case $0 in */*) here=${0%/*} ;; *) here=. ;; esac
chained="$here/@HOOK@.yoi-chained"
if [ -f "$chained" ] && [ -x "$chained" ]; then
	"$chained" "$@" || exit $?
fi
if [ ! -x "$bin" ]; then
	echo "@HOOK@ hook: yoi-tickets is not on PATH and $installer (which installed this hook) is gone; put yoi-tickets on PATH, or run 'yoi-tickets hooks install' again, or remove the hooks with 'yoi-tickets hooks uninstall'" >&2
	exit 1
fi
# Transparent huge pages for malloc (glibc 2.35+; older ones ignore it):
# reading a large index touches thousands of fresh pages, and on a VM each
# page fault is dear. About a third off the pre-commit time at 10,000
# tickets; see scripts/bench.sh.
GLIBC_TUNABLES="${GLIBC_TUNABLES:+$GLIBC_TUNABLES:}glibc.malloc.hugetlb=1" \
	exec "$bin" hook @HOOK@@ARGS@
