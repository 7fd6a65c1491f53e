#!/usr/bin/env bash
# Runs a node:test command (spec reporter) and fails when it skipped a test
# or a suite: `make test` on a fresh clone runs everything, so a skip means
# a missing build step or tool, and the skip's reason says which.
set -uo pipefail
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
[ "$rc" -eq 0 ] || exit "$rc"
# The spec reporter marks a skipped test or suite with U+FE63 (UTF-8 bytes) and prints
# its reason after '#': "﹣ name (0.4ms) # no provider fakes at ...".
if grep -q $'^[[:space:]]*\xef\xb9\xa3 ' "$log"; then
	echo >&2
	echo "skipped (make test must run every test; build or install what the reason names):" >&2
	grep $'^[[:space:]]*\xef\xb9\xa3 ' "$log" >&2
	exit 1
fi
