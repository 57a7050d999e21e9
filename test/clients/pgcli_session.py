"""pgcli's metadata refresh against a server; prints one JSON object with what it saw.

Run by test/pgcli.test.ts with Debian's /usr/bin/python3 (pgcli):
    python3 pgcli_session.py HOST PORT USER DBNAME
pgcli's completion refresher calls these PGExecute methods on connect and after DDL; each
runs pgcli's own catalog queries. Then a query runs the way pgcli's prompt runs it.
"""

import json
import os
import sys

from pgcli.pgexecute import PGExecute

host, port, user, dbname = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
executor = PGExecute(dbname, user, os.environ.get("MALAMUTE_PASSWORD"), host, port, None)
out = {}


def step(name, fn):
    try:
        out[name] = fn()
    except Exception as e:  # recorded, and the test asserts on it
        out[name] = {"error": type(e).__name__, "message": str(e).strip().split("\n")[0]}
        executor.conn.rollback()


def run(sql):
    """Runs `sql` as pgcli's prompt does; returns (title, rows, headers, status) of each statement."""
    return [[list(r) for r in (rows or [])] + [list(headers or []), status] for _, rows, headers, status, *_ in executor.run(sql)]


executor.conn.autocommit = True
step("search_path", executor.search_path)
step("create", lambda: run("CREATE TABLE pgcli_events (ts timestamptz, service text, n int8)"))
step("insert", lambda: run("INSERT INTO pgcli_events VALUES ('2024-01-01 00:00:00+00', 'api', 7)"))
step("schemata", lambda: sorted(executor.schemata()))
step("tables", lambda: sorted([list(t) for t in executor.tables() if t[0] == "public"]))
step("views", lambda: [list(v) for v in executor.views() if v[0] == "public"])
step("table_columns", lambda: [list(c)[:4] for c in executor.table_columns() if c[1] == "pgcli_events"])
step("view_columns", lambda: len(list(executor.view_columns())))
step("functions", lambda: len(list(executor.functions())) > 0)
step("datatypes", lambda: [list(d) for d in executor.datatypes() if d[0] == "public"])
step("foreignkeys", lambda: [list(f) for f in executor.foreignkeys()])
step("databases", lambda: dbname in executor.databases())
step("casing", lambda: len(list(executor.casing())) >= 0)
step("query", lambda: run("SELECT service, n FROM pgcli_events"))
print(json.dumps(out, default=str))
