#!/usr/bin/env bash
# Benchmark a cold `patchbay scan` against ripgrep and ast-grep on the same
# files, in one run. See docs/benchmarks.md for the numbers and how to read
# them.
#
#   scripts/bench-analyzer.sh [CORPUS_DIR] [COPIES]
#
# Without CORPUS_DIR a corpus is built in $TMPDIR/patchbay-corpus from what
# this machine already has: the Go module cache (Go, plus the JS/Python/...
# files some modules ship) and the npm packages in $NPM_CORPUS_PACKAGES
# installed into a scratch directory. COPIES (default 1) repeats it to make
# a larger tree (COPIES=4 gives ~300,000 files). REPEAT (default 3) is how
# many times patchbay and rg run, interleaved; medians are compared. Directory names the analyzer
# skips by design (node_modules, vendor, dist, build, ...) and .gitignore
# files are renamed in the corpus so all three tools read the same files.
#
# Needs: go, rg (Debian package ripgrep), ast-grep (npm package
# @ast-grep/cli; found on PATH or in $AST_GREP), GNU time (/usr/bin/time), bc.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
corpus=${1:-}
copies=${2:-1}
npm_packages=${NPM_CORPUS_PACKAGES:-"stripe @sendgrid/mail twilio mongodb ioredis @slack/web-api @octokit/rest @supabase/supabase-js firebase-admin @aws-sdk/client-s3 express next"}
work=${TMPDIR:-/tmp}/patchbay-bench
mkdir -p "$work"

if [[ -z "$corpus" ]]; then
  corpus=${TMPDIR:-/tmp}/patchbay-corpus
  if [[ ! -d "$corpus/base" ]]; then
    echo "building corpus in $corpus" >&2
    mkdir -p "$corpus/base"
    modcache=$(go env GOMODCACHE)
    mkdir -p "$corpus/base/gomod"
    (cd "$modcache" && tar --exclude=./cache -cf - .) | tar -xf - -C "$corpus/base/gomod"
    if [[ -n "$npm_packages" ]]; then
      npmdir="$work/npm"
      mkdir -p "$npmdir"
      (cd "$npmdir" && npm init -y >/dev/null 2>&1 && npm install --no-audit --no-fund --ignore-scripts $npm_packages >/dev/null 2>&1) || echo "npm install failed; corpus has Go module cache files only" >&2
      [[ -d "$npmdir/node_modules" ]] && cp -r "$npmdir/node_modules" "$corpus/base/npm"
    fi
    chmod -R u+w "$corpus/base"
    # Same files for every tool: no ignore files, no directory the analyzer skips by design.
    find "$corpus/base" -name .gitignore -delete
    for d in node_modules vendor bower_components dist build out target bin obj .next .nuxt coverage .venv venv __pycache__ .git .hg; do
      find "$corpus/base" -depth -type d -name "$d" -execdir mv {} {}_ \; 2>/dev/null || true
    done
  fi
  for i in $(seq 2 "$copies"); do
    [[ -d "$corpus/copy$i" ]] || cp -r "$corpus/base" "$corpus/copy$i"
  done
  if [[ "$copies" -le 1 ]]; then corpus="$corpus/base"; fi
fi

sg=${AST_GREP:-$(command -v ast-grep || true)}
echo "corpus: $corpus" >&2
exts='go,js,jsx,mjs,cjs,ts,mts,cts,tsx,py,rb,php,java,cs'
files=$(find "$corpus" -type f | wc -l)
code=$(find "$corpus" -type f \( -name '*.go' -o -name '*.js' -o -name '*.jsx' -o -name '*.mjs' -o -name '*.cjs' -o -name '*.ts' -o -name '*.mts' -o -name '*.cts' -o -name '*.tsx' -o -name '*.py' -o -name '*.rb' -o -name '*.php' -o -name '*.java' -o -name '*.cs' \) | wc -l)
echo "files: $files (source files in the analyzed languages: $code)"

go build -o "$work/patchbay" "$repo/cmd/patchbay"

# Drop the page cache effect: one warm-up read of the tree by each tool is
# what "cold" means here (same for all three; nothing is cached in-process).
cat_tree() { find "$corpus" -type f -print0 | xargs -0 cat > /dev/null 2>&1 || true; }
cat_tree

measure() { # name cmd...
  local name=$1; shift
  local out="$work/$name.time"
  /usr/bin/time -f '%e %M %U %S' -o "$out" "$@" > "$work/$name.out" 2> "$work/$name.err" || true
  read -r secs rss user sys < "$out" || true
  printf '%-10s %8.2f s wall  %8.2f s CPU  %7d MB peak RSS  %s\n' "$name" "$secs" "$(echo "$user + $sys" | bc)" "$((rss / 1024))" "$(wc -c < "$work/$name.out") bytes of output"
  echo "$secs $(echo "$user + $sys" | bc)" >> "$work/$name.runs"
}

# patchbay and rg take seconds, so they run $REPEAT times, interleaved, and
# the medians are compared: on a shared machine single runs move by up to
# 2x. ast-grep takes a minute and runs once.
repeat=${REPEAT:-3}
rm -f "$work"/*.runs
for _ in $(seq "$repeat"); do
  measure patchbay "$work/patchbay" scan --json --no-go-packages "$corpus"
  measure rg rg --no-ignore --hidden -n -f "$here/bench/rg-patterns.txt" -g "*.{$exts}" -g 'package.json' -g 'go.mod' -g '.env*' -g 'Dockerfile' -g '*compose*.y*ml' "$corpus"
done
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
pw=$(cut -d' ' -f1 "$work/patchbay.runs" | median); pc=$(cut -d' ' -f2 "$work/patchbay.runs" | median)
rw=$(cut -d' ' -f1 "$work/rg.runs" | median); rc=$(cut -d' ' -f2 "$work/rg.runs" | median)
printf 'median of %d: patchbay %.2f s wall, %.2f s CPU; rg %.2f s wall, %.2f s CPU; patchbay/rg %.2fx wall, %.2fx CPU\n' \
  "$repeat" "$pw" "$pc" "$rw" "$rc" "$(echo "$pw / $rw" | bc -l)" "$(echo "$pc / $rc" | bc -l)"
if [[ -n "$sg" ]]; then
  measure ast-grep "$sg" scan --no-ignore hidden --no-ignore dot --no-ignore vcs -c "$here/bench/sgconfig.yml" --json=stream --threads 2 "$corpus"
else
  echo "ast-grep not found (npm install @ast-grep/cli, or set AST_GREP)"
fi
python3 - "$work/patchbay.out" <<'PY' || true
import json, sys
d = json.load(open(sys.argv[1]))
st = d.get("stats", {})
print(f"patchbay: {len(d.get('findings', []))} findings, {len(d.get('services', []))} services, "
      f"{len(d.get('diagnostics', []))} diagnostics, {st.get('filesSeen', 0)} files seen, {st.get('filesAnalyzed', 0)} analyzed")
PY
echo "rg: $(wc -l < "$work/rg.out") matching lines"
[[ -n "$sg" ]] && echo "ast-grep: $(wc -l < "$work/ast-grep.out") matches"
