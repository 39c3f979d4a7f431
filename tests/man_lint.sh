#!/bin/sh
# man_lint.sh PAGE...: mandoc -T lint finds no warning or error in the mdoc sources.
# Exit 77 (skipped) when mandoc is missing (Debian package mandoc; scripts/lib.sh installs it).
set -eu
command -v mandoc >/dev/null || { echo "skipped: mandoc not found (install mandoc)"; exit 77; }
mandoc -T lint -W warning "$@" && echo "mandoc -T lint -W warning: clean ($*)"
