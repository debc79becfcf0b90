#!/usr/bin/env bash
# Follows README.md's "Writing a plugin" to the letter: installs Warden and its SDK into a scratch
# prefix (not /usr/local), copies the page's files into an empty folder, runs the page's commands
# there (its /opt/warden being that prefix), and then has the installed `warden serve` load the
# folder those commands wrote and run a task with it: the help.md merged, the greeting returned.
# Usage: out_of_tree_test.sh <build-dir> <warden-binary> <source-dir>
set -euo pipefail
build_dir=$1 source_dir=$3
work=$(mktemp -d)
server_pid=
cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAILED: $*" >&2
  exit 1
}

cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
warden=$work/prefix/bin/warden

mkdir "$work/hello"
cd "$work/hello"
echo "README's files: $(python3 "$source_dir/tests/sdk/readme_plugin.py" "$source_dir/README.md" . \
  "$work/prefix")"
bash -euo pipefail commands.sh >"$work/commands.log" 2>&1 || {
  cat "$work/commands.log"
  fail "README's commands"
}
echo "README's commands: ok"
folder=build/plugins/hello
for file in libhello.so manifest.json help.md; do
  [[ -f $folder/$file ]] || fail "warden_add_plugin did not stage $file into $folder"
done
grep -q "WardenSDK" "$work/commands.log" && {
  cat "$work/commands.log"
  fail "find_package(WardenSDK) warned"
}

# An edited help.md reaches the folder at the next build, without relinking the library.
echo "Edited after the first build." >>help.md
cmake --build build >"$work/rebuild.log"
grep -q "Edited after the first build" "$folder/help.md" || fail "the edited help.md was not staged"
grep -q "Linking" "$work/rebuild.log" && fail "an edited help.md relinked the library"

AUTH_TOKEN=oot-secret "$warden" serve --listen 127.0.0.1:0 --plugins-dir build/plugins \
  --db "sqlite:$work/warden.db" >"$work/out.log" 2>"$work/err.log" &
server_pid=$!
for _ in $(seq 300); do
  grep -q "listening on" "$work/out.log" && break
  sleep 0.1
done
port=$(grep -o 'listening on http://[^ ]*' "$work/out.log" | sed 's/.*://')
[[ -n $port ]] || {
  cat "$work/err.log"
  fail "warden did not start"
}
api() { curl -sf -H "Authorization: oot-secret" "http://127.0.0.1:$port$1" "${@:2}"; }
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval('d' + sys.argv[1]))" "$1"; }

plugin=$(api /api/plugins/hello)
[[ $(field '["data"]["status"]' <<<"$plugin") == loaded ]] || fail "hello is not loaded: $plugin"
help_md=$(sed -n '/^## name$/{n;p;q}' help.md)
grep -qF "$help_md" <<<"$plugin" || fail "help.md's \"## name\" was not merged: $plugin"
echo "serve: hello loaded, its help.md merged"

created=$(api /api/create_task -X POST -d '{"data": {"service": "hello", "condition": {"name": "world"}}}')
task_id=$(field '["task_id"]' <<<"$created")
for _ in $(seq 600); do
  result=$(api /api/result_task -X POST -d "{\"data\": {\"task_id\": \"$task_id\"}}")
  [[ $(field '["status"]' <<<"$result") == finished ]] && break
  sleep 0.1
done
[[ $(field '["data"]["greeting"]' <<<"$result") == "hello, world" ]] || fail "task: $result"
echo "task: hello, world"
