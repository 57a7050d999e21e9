#!/usr/bin/env bash
# PostgreSQL 15 as the SQL oracle: a throwaway cluster that sqllogic files are checked against.
#
#   bash test/pg-oracle.sh start [PORT]   installs PostgreSQL 15 when missing (Debian 12, as root),
#                                         starts a cluster on 127.0.0.1:PORT (a free port when
#                                         omitted) and prints the port on stdout
#   bash test/pg-oracle.sh stop PORT      stops that cluster and deletes its directory
#
# The cluster runs as the `postgres` OS user in a temporary directory with trust auth, fsync off,
# locale C.UTF-8 (codepoint text order and Unicode case mapping, which is what Malamute promises) and TimeZone UTC. Superuser:
# `postgres`, database `postgres`. Progress goes to stderr so stdout carries only the port.
set -euo pipefail

PG_BIN=/usr/lib/postgresql/15/bin
STATE_DIR=${TMPDIR:-/tmp}

log() { echo "pg-oracle: $*" >&2; }

ensure_installed() {
  if [[ -x "$PG_BIN/postgres" ]]; then
    return
  fi
  log "installing postgresql-15 (missing $PG_BIN/postgres)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >&2
  apt-get install -y --no-install-recommends postgresql-15 postgresql-client-15 >&2
}

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# Runs a command as the postgres OS user (we are root in CI; when already postgres, as is).
as_postgres() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start() {
  local port=${1:-}
  ensure_installed
  if [[ -z "$port" ]]; then
    port=$(free_port)
  fi
  local dir
  dir=$(mktemp -d "$STATE_DIR/malamute-pg-oracle.XXXXXX")
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres: "$dir"
  fi
  as_postgres "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 \
    --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    exit 1
  }
  local options="-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off"
  options+=" -c synchronous_commit=off -c full_page_writes=off -c timezone=UTC"
  options+=" -c max_connections=50 -c shared_buffers=32MB"
  if ! as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" -o "$options" -l "$dir/postgres.log" -w \
    -t 60 start >&2; then
    cat "$dir/postgres.log" >&2
    exit 1
  fi
  echo "$dir" >"$STATE_DIR/malamute-pg-oracle-$port.dir"
  log "PostgreSQL 15 listening on 127.0.0.1:$port (cluster in $dir)"
  echo "$port"
}

stop() {
  local port=${1:?usage: pg-oracle.sh stop PORT}
  local state="$STATE_DIR/malamute-pg-oracle-$port.dir"
  if [[ ! -f "$state" ]]; then
    log "no oracle cluster recorded for port $port"
    return 0
  fi
  local dir
  dir=$(cat "$state")
  as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >&2 || true
  rm -rf "$dir" "$state"
  log "stopped the cluster on port $port"
}

case "${1:-}" in
  start) start "${2:-}" ;;
  stop) stop "${2:-}" ;;
  *)
    echo "usage: $0 start [PORT] | stop PORT" >&2
    exit 2
    ;;
esac
