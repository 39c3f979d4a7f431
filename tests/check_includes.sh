#!/bin/sh
# check_includes.sh ROOT: no include cycle between the project's modules.
#
# A module is a file name without its extension (summary.c and summary.h are the module
# "summary"); an edge goes from the file that writes #include "x.h" to module x, for every
# .c and .h under the project's folders. A cycle (summary.c includes conditional.h, which
# includes summary.h) means two modules cannot be understood, tested or moved apart.
# Header names must be unique across the folders, or the graph would be ambiguous.
# tsort(1) finds the cycles. Exit 0 when there are none, 1 with the cycles on stderr.
set -eu
root=${1:?usage: check_includes.sh ROOT}
dirs="analysis common harness probe bench tests"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

(cd "$root" && find $dirs -name '*.h' -printf '%f\n' | sort | uniq -d) >"$tmp/dup"
if [ -s "$tmp/dup" ]; then
	echo "check_includes: header names used twice (the include graph would be ambiguous):" >&2
	cat "$tmp/dup" >&2
	exit 1
fi
(cd "$root" && find $dirs -name '*.h' -printf '%f\n' | sed 's/\.h$//' | sort -u) >"$tmp/modules"
# "from to" pairs: the including file's module, the included project header's module
(cd "$root" && find $dirs -name '*.[ch]' -exec grep -H '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' {} +) |
	sed -n 's|^\([^:]*/\)\{0,1\}\([^/:]*\)\.[ch]:[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)\.h".*|\2 \3|p' |
	awk 'NR == FNR { known[$1] = 1; next } known[$2] && $1 != $2' "$tmp/modules" - | sort -u >"$tmp/edges"
if ! tsort "$tmp/edges" >/dev/null 2>"$tmp/loops"; then
	echo "check_includes: include cycles between modules:" >&2
	grep -v '^tsort: .*input contains a loop' "$tmp/loops" | sed 's/^tsort: /  /' >&2
	exit 1
fi
echo "check_includes: $(wc -l <"$tmp/edges") module edges, no cycle"
