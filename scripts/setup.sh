#!/usr/bin/env bash
# Installs every Debian package Warden needs to build, test and run. Idempotent; run as root.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  libboost-dev libboost-program-options-dev libboost-filesystem-dev
  libpoco-dev libssl-dev libsqlite3-dev
  libpq-dev postgresql-15  # PostgreSQL: libpq for the store, the server for the tests (scripts/pg_cluster.sh)
  libspdlog-dev libfmt-dev
  libyaml-cpp-dev
  tzdata
  libkainjow-mustache-dev
  libgtest-dev libgmock-dev
  python3 curl
  ccache  # rebuilds across build folders (normal and sanitizer) and fresh clones stay cheap
  libmd4c-dev  # plugin help Markdown rendered to safe HTML for the console (md4c's parser only)
  libre2-dev  # policy match regexes (RE2: linear time, whatever the pattern)
  libabsl-dev  # absl::time_zone: IANA zones with their POSIX rule past the last explicit transition
  stress-ng  # the busy-machine check (tests/stress.sh)
  python3-aiosmtpd  # the email channel's tests: a real SMTP server
  prometheus-alertmanager  # the Alertmanager webhook e2e test: the real sender
  clang libclang-rt-14-dev  # the fuzz targets (scripts/fuzz.sh): clang 14 and its libFuzzer
  chromium  # the console's browser tests: playwright-core (npm, tests/console/) drives Debian's chromium
  librdkafka-dev  # the Kafka outbox relay (C++ API) and the tests' mock broker (rdkafka_mock.h)
  python3-confluent-kafka  # the README's Python worker, run by the tests and bench/kafka_handoff.py
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: these packages are missing and installing them needs root: ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
  # prometheus-alertmanager is only a peer the tests start themselves: where systemd runs, do not
  # leave Debian's service listening on :9093.
  if [[ " ${missing[*]} " == *" prometheus-alertmanager "* && -d /run/systemd/system ]]; then
    systemctl disable --now prometheus-alertmanager >/dev/null 2>&1 || true
  fi
fi
