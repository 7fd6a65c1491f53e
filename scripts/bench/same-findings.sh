#!/usr/bin/env bash
# Shows that a speed change changed no finding: runs two patchbay binaries
# over the same folders and compares their `scan --json` output with the
# timing fields removed (docs/benchmarks.md, "Same findings").
#
#   scripts/bench/same-findings.sh OLD_BIN NEW_BIN DIR...
#
# Exits 1 and prints a unified diff of the first differing folder's
# normalised JSON when any differs. SCAN_FLAGS adds flags to both scans
# (e.g. --no-go-packages).
set -euo pipefail
[[ $# -ge 3 ]] || { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
old=$1 new=$2
shift 2
work=$(mktemp -d "${TMPDIR:-/tmp}/patchbay-same.XXXXXX")
trap 'rm -rf "$work"' EXIT
# Durations and re-analysis counters differ between any two runs.
norm() { python3 -c '
import json, sys
d = json.load(sys.stdin)
d.pop("stats", None)
json.dump(d, sys.stdout, indent=1, sort_keys=True)
print()'; }
status=0
for dir in "$@"; do
  # shellcheck disable=SC2086
  "$old" scan --json ${SCAN_FLAGS:-} "$dir" | norm >"$work/old.json"
  # shellcheck disable=SC2086
  "$new" scan --json ${SCAN_FLAGS:-} "$dir" | norm >"$work/new.json"
  if cmp -s "$work/old.json" "$work/new.json"; then
    echo "same: $dir ($(grep -c '"kind"' "$work/new.json" || true) findings)"
  else
    echo "DIFFERENT: $dir"
    diff -u "$work/old.json" "$work/new.json" | head -200
    status=1
  fi
done
exit $status
