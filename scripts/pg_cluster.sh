#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests: `start DIR` makes one in DIR (initdb as an
# unprivileged user, listening only on a unix socket in DIR, fsync off) and prints its URI;
# `stop DIR` stops it. No system service is used or assumed. WARDEN_PG_DURABLE=1 keeps fsync and
# synchronous commit on, as a production server has them (the benchmarks).
set -euo pipefail

bin=${WARDEN_PG_BIN:-/usr/lib/postgresql/15/bin}
command=${1:?usage: pg_cluster.sh start|stop DIR}
dir=${2:?usage: pg_cluster.sh start|stop DIR}

# initdb refuses root: as root the cluster belongs to nobody.
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u nobody -- "$@"; else "$@"; fi
}

case $command in
start)
  mkdir -p "$dir"
  [[ $(id -u) -eq 0 ]] && chown nobody "$dir"
  as_owner "$bin/initdb" -D "$dir/data" -U warden --auth=trust -E UTF8 --locale=C.UTF-8 \
    --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
  # Three hosts of up to 48 connections each, the tests' admin connections and headroom.
  durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  [[ ${WARDEN_PG_DURABLE:-0} == 1 ]] && durability=""
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
    -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c max_connections=400 \
        $durability" >/dev/null ||
    { cat "$dir/server.log" >&2; exit 1; }
  as_owner "$bin/createdb" -h "$dir" -U warden warden
  echo "postgresql://warden@/warden?host=$dir"
  ;;
stop)
  [[ -d $dir/data ]] && as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1
  rm -rf "$dir"
  ;;
*)
  echo "usage: pg_cluster.sh start|stop DIR" >&2
  exit 2
  ;;
esac
