#!/usr/bin/env bash
# The one test command (`npm test`). Stages, each counted, all run even when one fails:
#
#   1. build            npx tsc -b
#   2. unit             node --test over dist/{common,storage,executor,planner,gateway,sqllogic,bin}
#   3. sqllogic/pg      every .slt file against PostgreSQL 15 (confirms the expected output)
#   4. sqllogic/mal     every .slt file against a fresh Malamute server
#   5. integration      node --test dist/test/*.test.js (psql, node-postgres, errors, durability,
#                       and the real drivers psycopg2, pgjdbc and psqlODBC via pyodbc; Kafka
#                       intake against librdkafka's mock cluster)
#
# Installs postgresql-15 and postgresql-client-15, and the drivers and librdkafka-dev
# (ensure_client_packages), from Debian when missing (needs root). The last line is
# `N passed, N failed`; the exit code is non-zero when anything failed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
work_dir=$(mktemp -d "${TMPDIR:-/tmp}/malamute-run-all.XXXXXX")
oracle_port=
malamute_pid=
malamute_port=
total_passed=0
total_failed=0
summary=()

cleanup() {
  if [[ -n "$malamute_pid" ]]; then kill -9 "$malamute_pid" 2>/dev/null || true; fi
  if [[ -n "$oracle_port" ]]; then bash test/pg-oracle.sh stop "$oracle_port" || true; fi
  rm -rf "$work_dir"
}
trap cleanup EXIT

banner() { printf '\n==== %s ====\n' "$*"; }

# record STAGE PASSED FAILED: adds a stage's counts to the totals and the summary.
record() {
  total_passed=$((total_passed + $2))
  total_failed=$((total_failed + $3))
  summary+=("$(printf '%-16s %6d passed, %d failed' "$1" "$2" "$3")")
}

ensure_debian_packages() {
  local missing=()
  [[ -x /usr/lib/postgresql/15/bin/postgres ]] || missing+=(postgresql-15)
  command -v psql >/dev/null || missing+=(postgresql-client-15)
  if [[ ${#missing[@]} -eq 0 ]]; then return; fi
  echo "installing ${missing[*]}"
  local sudo=
  if [[ $(id -u) -ne 0 ]]; then sudo=sudo; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update
  $sudo apt-get install -y --no-install-recommends postgresql-15 postgresql-client-15
}

# The real drivers and tools the integration tests run (test/psycopg2, psycopg3, sqlalchemy,
# pgcli, pgjdbc, psqlodbc .test.ts): Debian's python3 with psycopg2, psycopg 3, SQLAlchemy,
# pandas, pgcli and pyodbc, psqlODBC on unixODBC, pgjdbc, and a JDK (single-file source
# launch needs jdk.compiler). Installed only when missing.
ensure_client_packages() {
  local missing=()
  /usr/bin/python3 -c 'import psycopg2' 2>/dev/null || missing+=(python3-psycopg2)
  /usr/bin/python3 -c 'import psycopg' 2>/dev/null || missing+=(python3-psycopg)
  /usr/bin/python3 -c 'import sqlalchemy, pandas' 2>/dev/null || missing+=(python3-sqlalchemy python3-pandas)
  /usr/bin/python3 -c 'import pgcli.pgexecute' 2>/dev/null || missing+=(pgcli)
  /usr/bin/python3 -c 'import pyodbc' 2>/dev/null || missing+=(python3-pyodbc)
  command -v odbcinst >/dev/null || missing+=(unixodbc)
  odbcinst -q -d -n 'PostgreSQL Unicode' >/dev/null 2>&1 || missing+=(odbc-postgresql)
  [[ -f /usr/share/java/postgresql.jar ]] || missing+=(libpostgresql-jdbc-java)
  # librdkafka's mock cluster for test/kafka.test.ts (test/kafka/mock-cluster.c, built with cc).
  [[ -f /usr/include/librdkafka/rdkafka_mock.h ]] || missing+=(librdkafka-dev)
  command -v cc >/dev/null || missing+=(gcc libc6-dev)
  java --list-modules 2>/dev/null | grep '^jdk.compiler' >/dev/null || missing+=(default-jdk-headless)
  if [[ ${#missing[@]} -eq 0 ]]; then return; fi
  echo "installing ${missing[*]}"
  local sudo=
  if [[ $(id -u) -ne 0 ]]; then sudo=sudo; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update
  $sudo apt-get install -y --no-install-recommends "${missing[@]}"
}

# node_tests STAGE FILES...: runs node --test, spec output on the terminal, TAP kept for counts.
node_tests() {
  local stage=$1
  shift
  if [[ $# -eq 0 ]]; then
    echo "no test files found"
    record "$stage" 0 0
    return
  fi
  local tap="$work_dir/${stage//\//-}.tap"
  local status=0
  node --test --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$tap" "$@" || status=$?
  local passed failed cancelled
  passed=$(grep -E '^# pass [0-9]+' "$tap" | tail -1 | awk '{print $3}' || true)
  failed=$(grep -E '^# fail [0-9]+' "$tap" | tail -1 | awk '{print $3}' || true)
  cancelled=$(grep -E '^# cancelled [0-9]+' "$tap" | tail -1 | awk '{print $3}' || true)
  passed=${passed:-0}
  failed=$((${failed:-0} + ${cancelled:-0}))
  if [[ $status -ne 0 && $failed -eq 0 ]]; then failed=1; fi
  record "$stage" "$passed" "$failed"
}

# sqllogic STAGE RUNNER-ARGS...: runs the runner over sqllogic/ and counts its final line.
sqllogic() {
  local stage=$1
  shift
  local log="$work_dir/${stage//\//-}.log"
  local status=0
  node dist/sqllogic/runner.js "$@" sqllogic 2>&1 | tee "$log" || status=$?
  local counts
  counts=$(grep -E '^sqllogic: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -1 || true)
  if [[ -z "$counts" ]]; then
    record "$stage" 0 1
    return
  fi
  local passed failed
  passed=$(echo "$counts" | awk '{print $2}')
  failed=$(echo "$counts" | awk '{print $4}')
  if [[ $status -ne 0 && $failed -eq 0 ]]; then failed=1; fi
  record "$stage" "$passed" "$failed"
}

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# Starts Malamute on a fresh data dir; sets malamute_pid and malamute_port (no subshell, so the
# pid survives for the cleanup trap).
start_malamute() {
  local data_dir="$work_dir/malamute-data" log="$work_dir/malamute.log"
  malamute_port=$(free_port)
  mkdir -p "$data_dir"
  node dist/bin/malamute.js serve --host 127.0.0.1 --port "$malamute_port" \
    --data-dir "$data_dir" >"$log" 2>&1 &
  malamute_pid=$!
  for _ in $(seq 300); do
    if grep -q listening "$log"; then return 0; fi
    if ! kill -0 "$malamute_pid" 2>/dev/null; then break; fi
    sleep 0.1
  done
  echo "malamute did not start:"
  cat "$log"
  return 1
}

banner 'debian packages'
ensure_debian_packages
ensure_client_packages

banner 'build: npx tsc -b'
if npx tsc -b; then
  record build 1 0
else
  record build 0 1
fi

banner 'unit tests'
mapfile -t unit_files < <(
  find dist/common dist/storage dist/executor dist/planner dist/gateway dist/sqllogic dist/bin \
    -name '*.test.js' -type f 2>/dev/null | sort
)
node_tests unit "${unit_files[@]}"

banner 'sqllogic on PostgreSQL 15 (the oracle)'
if oracle_port=$(bash test/pg-oracle.sh start); then
  sqllogic sqllogic/pg --host 127.0.0.1 --port "$oracle_port" --user postgres \
    --database-prefix slt --engine postgresql
  bash test/pg-oracle.sh stop "$oracle_port"
else
  record sqllogic/pg 0 1
fi
oracle_port=

banner 'sqllogic on Malamute'
malamute_password_args=()
if [[ -n "${MALAMUTE_PASSWORD:-}" ]]; then malamute_password_args=(--password "$MALAMUTE_PASSWORD"); fi
if [[ ! -f dist/bin/malamute.js ]]; then
  echo 'dist/bin/malamute.js is missing'
  record sqllogic/mal 0 1
elif start_malamute; then
  sqllogic sqllogic/mal --host 127.0.0.1 --port "$malamute_port" --user malamute \
    "${malamute_password_args[@]}" --database-prefix slt --engine malamute
  kill -9 "$malamute_pid" 2>/dev/null || true
  malamute_pid=
else
  record sqllogic/mal 0 1
fi

banner 'integration tests'
mapfile -t integration_files < <(find dist/test -maxdepth 1 -name '*.test.js' -type f | sort)
node_tests integration "${integration_files[@]}"

banner summary
printf '%s\n' "${summary[@]}"
echo "$total_passed passed, $total_failed failed"
[[ $total_failed -eq 0 ]]
