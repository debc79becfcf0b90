#!/usr/bin/env bash
# Installs the Debian 12 packages the benchmarks under bench/ need on top of scripts/setup.sh:
# Redis and Celery for the peer of bench/tasks_throughput.py, wrk for bench/status_task.py,
# confluent_kafka for bench/kafka_handoff.py.
# Idempotent; run as root (it installs only what is missing, and runs `apt-get update` only then).
set -euo pipefail

packages=(
  redis-server      # the Celery broker and result backend
  python3-celery    # the peer task queue (prefork worker)
  python3-redis     # Celery's Redis transport
  wrk               # HTTP load generator (LuaJIT scripts)
  python3-confluent-kafka  # bench/kafka_handoff.py's consumer (also in scripts/setup.sh)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "bench/setup: these packages are missing and installing them needs root: ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
