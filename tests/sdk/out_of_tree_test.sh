#!/usr/bin/env bash
# Installs the SDK into a scratch prefix, builds tests/sdk/hello_plugin out of tree with
# find_package(WardenSDK), drops the folder into a plugins directory, and has the real `warden`
# load it: `warden validate` passes, and a running `warden serve` lists it as loaded.
# Usage: out_of_tree_test.sh <build-dir> <warden-binary> <source-dir>
set -euo pipefail
build_dir=$1 warden=$2 source_dir=$3
work=$(mktemp -d)
server_pid=
cleanup() { [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
cmake -S "$source_dir/tests/sdk/hello_plugin" -B "$work/build" -G Ninja \
  -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/build" >/dev/null

mkdir -p "$work/plugins"
cp -r "$work/build/hello" "$work/plugins/hello"
"$warden" validate "$work/plugins"
echo "validate: ok"

AUTH_TOKEN=oot-secret "$warden" serve --listen 127.0.0.1:0 --plugins-dir "$work/plugins" \
  --db "sqlite:$work/warden.db" >"$work/out.log" 2>"$work/err.log" &
server_pid=$!
for _ in $(seq 100); do
  grep -q "listening on" "$work/out.log" && break
  sleep 0.1
done
port=$(grep -o 'listening on http://[^ ]*' "$work/out.log" | sed 's/.*://')
[[ -n $port ]] || { cat "$work/err.log"; echo "warden did not start"; exit 1; }
answer=$(curl -sf -H "Authorization: oot-secret" "http://127.0.0.1:$port/api/plugins/hello")
echo "$answer"
grep -q '"status" *: *"loaded"' <<<"$answer" || { echo "hello is not loaded"; exit 1; }
grep -q 'Markdown help wins' <<<"$answer" || { echo "help.md was not merged"; exit 1; }
echo "serve: hello loaded"
