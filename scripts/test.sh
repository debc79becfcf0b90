#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to every test passing: installs, builds, runs the whole
# suite (unit, end-to-end, out-of-tree SDK; the store tests and the ServeTest suites on PostgreSQL
# too), then builds again under AddressSanitizer and
# UndefinedBehaviorSanitizer and runs the suite there too, and last runs every fuzz target a little
# (scripts/fuzz.sh; WARDEN_SKIP_FUZZ=1 skips it).
set -euo pipefail
cd "$(dirname "$0")/.."

stage() { echo "test.sh: $1 at ${SECONDS} s"; }

BUILD_DIR=build bash scripts/build.sh
stage "built"

# The store tests run on SQLite and on this PostgreSQL 15 cluster (scripts/pg_cluster.sh).
pg_dir=$(mktemp -d /tmp/warden-pg.XXXXXX)
trap 'bash scripts/pg_cluster.sh stop "$pg_dir"' EXIT
WARDEN_TEST_POSTGRES=$(bash scripts/pg_cluster.sh start "$pg_dir")
export WARDEN_TEST_POSTGRES
stage "PostgreSQL cluster started"
(cd build && ctest --output-on-failure -j 2)
stage "suite passed"
# The end-to-end suites built on ServeTest again, each host on a fresh PostgreSQL schema.
(cd build && WARDEN_E2E_DATABASE=postgresql ctest --output-on-failure -j 2 \
  -R '^(AlertsApi|Automation|ChannelConfigLimits|Console|FlinkMonitor|Isolation|IsolationLoad|Kafka|PoliciesApi|SecretsAtRest|TaskApi|TimerApi|TimerCrash)\.')
stage "end-to-end suites passed on PostgreSQL"
# The console in a real browser: Debian's chromium driven by playwright-core (tests/console/).
bash tests/console/run.sh
stage "browser tests passed"

if [[ ${WARDEN_SKIP_SANITIZERS:-0} != 1 ]]; then
  BUILD_DIR=build-asan BUILD_TYPE=Debug bash scripts/build.sh -DWARDEN_SANITIZE=ON
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  stage "sanitizer build built"
  (cd build-asan && ctest --output-on-failure -j 2)
  stage "sanitizer suite passed"
fi

if [[ ${WARDEN_SKIP_FUZZ:-0} != 1 ]]; then
  bash scripts/fuzz.sh "${WARDEN_FUZZ_SECONDS:-45}"
  stage "fuzzing found nothing"
fi
