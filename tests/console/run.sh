#!/usr/bin/env bash
# Runs the console's browser tests: installs playwright-core from the lock file (only when
# node_modules is older than it) and runs every tests/console/*.test.js with node's test runner.
# WARDEN_BIN (default build/host/warden), WARDEN_SCREENSHOT_DIR (default build/console-screenshots),
# WARDEN_UI_DIR (serve that folder instead of the embedded console) and CHROMIUM_PATH apply.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=tests/console
# Debian's chromium is the browser (no browser download); node and npm come with the image.
if [[ -z ${CHROMIUM_PATH:-} ]] && ! command -v chromium >/dev/null; then
  if [[ $(id -u) -ne 0 ]]; then
    echo "tests/console: chromium is missing; install it (apt-get install chromium) or set CHROMIUM_PATH" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium
fi
if [[ ! -d $dir/node_modules/playwright-core || $dir/package-lock.json -nt $dir/node_modules/.package-lock.json ]]; then
  # --ignore-scripts: playwright-core fetches no browser; the tests drive Debian's chromium.
  npm ci --prefix "$dir" --ignore-scripts --no-audit --no-fund
fi
exec node --test --test-concurrency=1 "$dir"/*.test.js
