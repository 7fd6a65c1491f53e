#!/usr/bin/env bash
# Installs the Debian packages some tests drive: Chromium (webview pages in
# headless Chromium and the code-server end-to-end test), a Secret Service
# (gnome-keyring under dbus-run-session) for the real-keyring test, and what
# code-server's npm install builds with, and PostgreSQL (the store's and the
# engine's PostgreSQL tests run initdb in a temporary folder; nothing is
# started as a service), and openssl (the extension's TLS test makes a
# self-signed certificate with it). Without root it only reports
# what is missing; the tests that need a missing package then skip, and say so.
set -euo pipefail

pkgs=(chromium gnome-keyring dbus libsecret-tools build-essential pkg-config libx11-dev libxkbfile-dev libsecret-1-dev libkrb5-dev python3 ripgrep postgresql openssl)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: not a Debian system; install ${missing[*]} yourself (tests needing them will skip)" >&2
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; else
    echo "system-deps: run 'sudo apt-get install -y ${missing[*]}' (tests needing them will skip)" >&2
    exit 0
  fi
fi
echo "system-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
