#!/bin/sh
# man_render.sh PAGE...: each page, as installed (gzipped), renders with `man -l` without a
# warning from groff, and shows its NAME and SYNOPSIS or DESCRIPTION. Exit 77 (skipped)
# when man is missing (Debian package man-db; scripts/lib.sh installs it).
set -eu
command -v man >/dev/null || { echo "skipped: man not found (install man-db)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
for page in "$@"; do
	if ! MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings -l "$page" >"$tmp/out" 2>"$tmp/err" || [ -s "$tmp/err" ]; then
		echo "$page: man -l failed or warned:"; cat "$tmp/err"; status=1
	elif ! grep -q '^NAME' "$tmp/out" || ! grep -q '^DESCRIPTION' "$tmp/out"; then
		echo "$page: rendered without NAME or DESCRIPTION"; status=1
	else
		echo "$page: $(wc -l <"$tmp/out") lines"
	fi
done
exit $status
