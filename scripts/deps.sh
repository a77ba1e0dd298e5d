#!/bin/sh
# Install the Debian packages yoi-tickets builds against, if any are missing.
# Non-interactive. When not root, print the exact command and fail.
#   sh scripts/deps.sh            the build and test dependencies
#   sh scripts/deps.sh --browser  Debian's chromium, for make browser-test
#   sh scripts/deps.sh --fuzz     clang and its libFuzzer/sanitizer runtimes,
#                                 for make fuzz
#   sh scripts/deps.sh --mcp      Node and npm, for make mcp-test (the MCP
#                                 SDK itself goes into build/node/ by npm)
set -eu

pkgs="libgit2-dev libyaml-dev libcmark-dev libjansson-dev libcriterion-dev pkg-config libmicrohttpd-dev"
if [ "${1:-}" = --browser ]; then
	pkgs="chromium"
elif [ "${1:-}" = --fuzz ]; then
	pkgs="clang libclang-rt-14-dev"
elif [ "${1:-}" = --mcp ]; then
	pkgs="nodejs npm"
	# A Node already on PATH (nvm, a NodeSource build) will do.
	command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 &&
		exit 0
fi
missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing packages:$missing" >&2
	echo "deps.sh: run as root: apt-get update && $cmd" >&2
	exit 1
fi
echo "deps.sh: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
$cmd >&2
