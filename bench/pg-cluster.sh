#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster (Debian's postgresql-15) tuned for the benchmark, as
# test/pg-oracle.sh makes one for the SQL oracle but with analytics settings for this machine.
#
#   bash bench/pg-cluster.sh start DIR    initdb into DIR/data, start on a free 127.0.0.1 port,
#                                         print the port on stdout
#   bash bench/pg-cluster.sh stop DIR     stop that cluster (DIR is left for the caller to delete)
#
# Superuser `postgres`, trust auth on loopback, locale C.UTF-8, TimeZone UTC. wal_level=minimal
# lets COPY into a table created in the same transaction skip the WAL; fsync stays on.
set -euo pipefail

PG_BIN=/usr/lib/postgresql/15/bin

as_postgres() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

start() {
  local dir=${1:?usage: pg-cluster.sh start DIR}
  if [[ ! -x "$PG_BIN/postgres" ]]; then
    echo "pg-cluster: $PG_BIN/postgres is missing (apt-get install postgresql-15)" >&2
    exit 1
  fi
  mkdir -p "$dir"
  if [[ $(id -u) -eq 0 ]]; then chown postgres: "$dir"; fi
  as_postgres "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 \
    --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    exit 1
  }
  local port
  port=$(free_port)
  cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
timezone = 'UTC'
shared_buffers = 4GB
effective_cache_size = 12GB
work_mem = 256MB
maintenance_work_mem = 1GB
max_parallel_workers_per_gather = 2
max_parallel_maintenance_workers = 2
random_page_cost = 1.1
wal_level = minimal
max_wal_senders = 0
max_wal_size = 16GB
checkpoint_timeout = 30min
synchronous_commit = off
CONF
  if ! as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 120 start >&2; then
    cat "$dir/postgres.log" >&2
    exit 1
  fi
  echo "$port"
}

stop() {
  local dir=${1:?usage: pg-cluster.sh stop DIR}
  as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >&2 || true
}

case "${1:-}" in
  start) start "${2:-}" ;;
  stop) stop "${2:-}" ;;
  *)
    echo "usage: $0 start DIR | stop DIR" >&2
    exit 2
    ;;
esac
