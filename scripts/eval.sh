#!/usr/bin/env bash
# Re-creates the development corpus from eval/corpus.txt outside the
# repository, then scores bin/patchbay on it (eval/README.md).
#
#   scripts/eval.sh [patchbay-eval flags...]     e.g. -repo stripe -quiet
#
# CORPUS (default $PATCHBAY_CORPUS, else ~/.cache/patchbay/corpus) receives
# one plain work tree per repository, OWNER__NAME, at the pinned commit.
# Each repository comes from a bare mirror under $PATCHBAY_EVAL_MIRRORS
# (OWNER+NAME/repo or OWNER+NAME.git) when there is one, else from a clone.
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=${PATCHBAY_CORPUS:-${XDG_CACHE_HOME:-$HOME/.cache}/patchbay/corpus}
MIRRORS=${PATCHBAY_EVAL_MIRRORS:-}
mkdir -p "$CORPUS"

export_repo() { # owner/name commit
  local repo=$1 commit=$2 dest="$CORPUS/${1/\//__}" git=""
  if [[ -f "$dest.commit" && "$(cat "$dest.commit")" == "$commit" ]]; then return; fi
  for c in "$MIRRORS/${repo/\//+}/repo" "$MIRRORS/${repo/\//+}.git"; do
    [[ -n "$MIRRORS" && -d "$c" ]] && git=$c && break
  done
  if [[ -z "$git" ]]; then
    git="$CORPUS/.git/${repo/\//+}.git"
    [[ -d "$git" ]] || git clone --quiet --bare "https://github.com/$repo" "$git" ||
      { echo "eval: cannot get $repo: set PATCHBAY_EVAL_MIRRORS to a folder of bare mirrors" >&2; return 1; }
  fi
  echo "eval: exporting $repo@${commit:0:12}" >&2
  rm -rf "$dest" && mkdir -p "$dest"
  # A mirror may lack large blobs; leave those paths out.
  local excl=() path
  while IFS= read -r path; do excl+=(":(exclude)$path"); done < <(
    git -C "$git" ls-tree -r --format='%(objectname) %(path)' "$commit" |
      git -C "$git" cat-file --batch-check='%(objectname) %(rest)' 2>/dev/null |
      awk '$2=="missing"{print $1}' | sort -u > "$dest.missing-objs"
    git -C "$git" ls-tree -r --format='%(objectname) %(path)' "$commit" |
      awk 'NR==FNR{m[$1]=1; next} ($1 in m){sub(/^[^ ]+ /,""); print}' "$dest.missing-objs" -
    rm -f "$dest.missing-objs")
  git -C "$git" archive "$commit" -- . "${excl[@]}" | tar -x -C "$dest"
  find "$dest" -type d \( -name node_modules -o -name vendor \) -prune -exec rm -rf {} +
  echo "$commit" > "$dest.commit"
}

while read -r repo commit; do
  [[ -z "$repo" || "$repo" == \#* ]] && continue
  export_repo "$repo" "$commit"
done < eval/corpus.txt

go run ./cmd/patchbay-eval -corpus "$CORPUS" -labels eval/labels -bin bin/patchbay "$@"
