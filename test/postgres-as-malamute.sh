#!/usr/bin/env bash
# Runs PostgreSQL 15 behind Malamute's CLI contract, so the integration tests can be checked
# against PostgreSQL itself (the tests, not the server, are then under test):
#
#   MALAMUTE_BIN=$PWD/test/postgres-as-malamute.sh node --test dist/test/*.test.js
#
# Usage as the contract says: postgres-as-malamute.sh serve --host H --port P --data-dir DIR
# Makes superuser `malamute` and database `malamute` with trust auth on first start, then
# becomes the postmaster, which logs `listening on …` itself. Run as root.
set -euo pipefail

PG_BIN=/usr/lib/postgresql/15/bin
host=127.0.0.1 port=5432 data_dir=
shift # serve
while [[ $# -gt 0 ]]; do
  case "$1" in
    --host) host=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --data-dir) data_dir=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; }

chown postgres: "$data_dir"
if [[ ! -f "$data_dir/PG_VERSION" ]]; then
  as_postgres "$PG_BIN/initdb" -D "$data_dir" -U malamute --auth=trust --locale=C -E UTF8 \
    --no-sync >/dev/null
  echo 'CREATE DATABASE malamute' | as_postgres "$PG_BIN/postgres" --single -D "$data_dir" postgres \
    >/dev/null
fi
# After a kill -9 of the postmaster its backends linger for a moment, holding the shared
# memory block; a new postmaster refuses to start until they are gone. They run in the data dir.
for _ in $(seq 100); do
  busy=0
  for proc in /proc/[0-9]*; do
    if [[ "$(readlink "$proc/cwd" 2>/dev/null)" == "$data_dir" ]]; then busy=1; fi
  done
  [[ $busy -eq 0 ]] && break
  sleep 0.1
done
# exec, so that the harness's kill -9 hits the postmaster itself. PostgreSQL logs "listening on"
# before crash recovery ends; clients retry on 57P03 (the database system is starting up).
exec setpriv --reuid=postgres --regid=postgres --init-groups -- "$PG_BIN/postgres" \
  -D "$data_dir" -c listen_addresses="$host" -p "$port" -k "$data_dir" -c timezone=UTC
