#!/usr/bin/env bash
# The suite on a busy machine: runs the whole CTest suite of a build folder RUNS times in a row
# while `stress-ng --cpu 2` keeps both cores busy beside it. Flaky is failing: every run must pass.
#   tests/stress.sh [BUILD_DIR] [RUNS]     (defaults: build 3)
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
runs=${2:-3}
command -v stress-ng >/dev/null || { echo "stress.sh: stress-ng is missing (scripts/setup.sh)" >&2; exit 1; }

stress-ng --cpu 2 --timeout 0 --quiet &
stress_pid=$!
trap 'kill $stress_pid 2>/dev/null || true; wait $stress_pid 2>/dev/null || true' EXIT

for ((i = 1; i <= runs; i++)); do
  start=$(date +%s)
  echo "stress.sh: run $i of $runs with stress-ng --cpu 2 beside it"
  log="$build_dir/stress-run-$i.log"
  if ! (cd "$build_dir" && ctest --output-on-failure -j 2) >"$log" 2>&1; then
    sed -n '/The following tests FAILED/,$p' "$log" | head -n 40
    echo "stress.sh: run $i FAILED (whole output: $log)"
    exit 1
  fi
  tail -n 3 "$log"
  echo "stress.sh: run $i passed in $(($(date +%s) - start)) s"
done
