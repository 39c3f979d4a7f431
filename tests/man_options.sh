#!/bin/sh
# man_options.sh EXECUTABLE PAGE: the long options `EXECUTABLE --help` prints and the ones
# PAGE (mdoc source) documents in its OPTIONS section (".It Fl \-name") must be the same
# sets, so an option added to --help is documented and a documented one exists.
set -eu
exe=$1 page=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$exe" --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u >"$tmp/help"
sed -n '/^\.Sh OPTIONS/,/^\.Sh /p' "$page" | grep '^\.It Fl' | grep -o 'Fl \\-[a-z][a-z0-9-]*' |
	sed 's/^Fl \\-/--/' | sort -u >"$tmp/man"
[ -s "$tmp/help" ] || { echo "no long option in $exe --help"; exit 1; }

status=0
for opt in $(comm -23 "$tmp/help" "$tmp/man"); do
	echo "${exe##*/} --help lists $opt, which $page does not document:" \
		"add '.It Fl \\${opt#-} ...' and its text to the OPTIONS section"
	status=1
done
for opt in $(comm -13 "$tmp/help" "$tmp/man"); do
	echo "$page documents $opt, which ${exe##*/} --help does not list"
	status=1
done
[ $status -eq 0 ] && echo "${exe##*/}: $(wc -l <"$tmp/help") options, each in --help and in $page"
exit $status
