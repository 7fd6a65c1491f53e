#!/usr/bin/env bash
# Shows that a workspace of independent trees (the benchmark's `medium`:
# four repositories side by side; `large`: ten copies of medium) gives
# each top-level folder exactly the findings it gets scanned alone:
# nothing one repository declares leaks into another's routes, handlers
# or evidence (docs/benchmarks.md, "Route resolution across a workspace").
#
#   scripts/bench/same-alone.sh BIN DIR
#
# BIN is a patchbay binary; SCAN_FLAGS sets the scan flags (default
# --no-go-packages --no-cache). Exits 1 and lists the first differences.
set -euo pipefail
[[ $# -eq 2 ]] || { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
bin=$1 dir=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/patchbay-alone.XXXXXX")
trap 'rm -rf "$work"' EXIT
flags=${SCAN_FLAGS:---no-go-packages --no-cache}
# shellcheck disable=SC2086
"$bin" scan --json $flags "$dir" >"$work/all.json"
for sub in "$dir"/*/; do
  name=$(basename "$sub")
  # shellcheck disable=SC2086
  "$bin" scan --json $flags "$sub" >"$work/alone.$name.json"
done
python3 - "$work" <<'EOF'
import collections, glob, json, os, sys

work = sys.argv[1]

def findings(p):
    return json.load(open(p)).get("findings", [])

def key(f, path):
    g = dict(f, location=dict(f["location"], path=path))
    g.pop("id", None)       # ids hash the path
    g.pop("service", None)  # service paths carry the folder
    return json.dumps(g, sort_keys=True)

together = collections.defaultdict(collections.Counter)
for f in findings(os.path.join(work, "all.json")):
    top, _, rest = f["location"]["path"].partition("/")
    together[top][key(f, rest)] += 1
status = 0
for p in sorted(glob.glob(os.path.join(work, "alone.*.json"))):
    name = os.path.basename(p)[len("alone."):-len(".json")]
    alone = collections.Counter(key(f, f["location"]["path"]) for f in findings(p))
    extra, missing = together[name] - alone, alone - together[name]
    print(f"{name}: {sum(together[name].values())} findings in the workspace, "
          f"{sum(alone.values())} alone; {sum(extra.values())} extra, {sum(missing.values())} missing")
    for k in list(extra)[:3]:
        print("  +", k[:300])
    for k in list(missing)[:3]:
        print("  -", k[:300])
    status |= bool(extra or missing)
sys.exit(status)
EOF
