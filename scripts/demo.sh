#!/usr/bin/env bash
# The main job on embedded defaults: start a daemon in a private home, analyze
# the bundled example workspace through it, show the API with grpcurl, stop.
set -euo pipefail
cd "$(dirname "$0")/.."

export PATCHBAY_HOME="${PATCHBAY_HOME:-$PWD/.demo-home}"
pb=bin/patchbay
example=testdata/example

echo "== patchbay scan $example (one-shot, no daemon)"
$pb scan "$example"

echo
echo "== patchbay analyze $example (starts the daemon in $PATCHBAY_HOME)"
$pb analyze "$example"
$pb daemon status

addr=$(python3 -c 'import json,os;print(json.load(open(os.environ["PATCHBAY_HOME"]+"/daemon.json"))["address"])')
token=$(python3 -c 'import json,os;print(json.load(open(os.environ["PATCHBAY_HOME"]+"/daemon.json"))["token"])')
echo
echo "== grpcurl -plaintext -H 'Authorization: Bearer …' $addr list"
.bin/grpcurl -plaintext -H "Authorization: Bearer $token" "$addr" list
echo
echo "== curl DaemonService/Version (Connect protocol, JSON)"
curl -sS -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d '{}' "http://$addr/patchbay.v1.DaemonService/Version"
echo
echo
$pb daemon stop
