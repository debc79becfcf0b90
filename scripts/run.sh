#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to a running host: installs, builds, and starts
# `warden serve` with the bundled plugins, config/warden.yaml and the SQLite file var/warden.db.
# The API token comes from AUTH_TOKEN; when it is unset, a random one is made and printed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
if [[ -z ${AUTH_TOKEN:-} ]]; then
  AUTH_TOKEN=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
  echo "AUTH_TOKEN was not set; using a new token for this run: $AUTH_TOKEN"
  echo "Call the API with:  curl -H \"Authorization: $AUTH_TOKEN\" http://127.0.0.1:8080/api/plugins"
fi
export AUTH_TOKEN
exec build/host/warden serve --config config/warden.yaml "$@"
