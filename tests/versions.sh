#!/bin/sh
# versions.sh VERSION EXECUTABLE...: each prints "<its name> VERSION" for --version, VERSION
# being CMake's project(VERSION), the one place the version is set.
set -eu
want=$1
shift
status=0
for exe in "$@"; do
	got=$("$exe" --version)
	if [ "$got" != "${exe##*/} $want" ]; then
		echo "$exe --version printed '$got', want '${exe##*/} $want'"
		status=1
	else
		echo "$got"
	fi
done
exit $status
