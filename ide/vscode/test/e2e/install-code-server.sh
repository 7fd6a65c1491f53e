#!/bin/sh
# Installs code-server 4.100.3 (VS Code 1.100.3, the last release that runs on
# Node 20) from npm into DIR (default: .code-server) for `npm run test:e2e`.
# Needs the build deps first (as root):
#   apt-get install -y build-essential pkg-config libx11-dev libxkbfile-dev \
#     libsecret-1-dev libkrb5-dev python3 ripgrep chromium
set -eu
dest=${1:-.code-server}
mkdir -p "$dest"
cd "$dest"

# @vscode/ripgrep's postinstall downloads a release archive unless its cache
# holds one: seed the cache with Debian's rg under the expected name.
cache="$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-1.15.11"
mkdir -p "$cache"
t=$(mktemp -d)
cp "$(command -v rg)" "$t/rg"
tar czf "$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$t" rg
rm -rf "$t"

[ -f package.json ] || echo '{"private":true}' > package.json
export npm_config_yes=true npm_config_unsafe_perm=true
npm install --no-audit --no-fund code-server@4.100.3

# npm 11 holds back install scripts until they are approved; code-server's
# postinstall (which installs VS Code's own modules) must run.
if npm install-scripts --help >/dev/null 2>&1; then
  npm install-scripts approve code-server argon2
  npm rebuild code-server argon2 --foreground-scripts
fi
"$PWD/node_modules/.bin/code-server" --version
