"""A psqlODBC session through unixODBC and pyodbc; prints one JSON object with what it saw.

Run by test/psqlodbc.test.ts with Debian's /usr/bin/python3 (python3-pyodbc, odbc-postgresql,
unixodbc), connecting without a DSN through the driver Debian registers as "PostgreSQL Unicode":
    python3 pyodbc_session.py HOST PORT USER DBNAME
MALAMUTE_PASSWORD, when set, is the password. Every step is recorded, so one failing step does
not hide the others.
"""

import datetime
import json
import os
import sys

import pyodbc

host, port, user, dbname = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
out = {"pyodbc": pyodbc.version}


def step(name, fn):
    try:
        out[name] = fn()
    except Exception as e:  # recorded, and the test asserts on it
        out[name] = {"error": type(e).__name__, "args": [str(a) for a in e.args]}


def plain(value):
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    return value


connection_string = (
    f"DRIVER={{PostgreSQL Unicode}};SERVER={host};PORT={port};DATABASE={dbname};UID={user};"
    f"PWD={os.environ.get('MALAMUTE_PASSWORD', '')};"
)
conn = pyodbc.connect(connection_string, autocommit=True, timeout=10)
out["dbms"] = [conn.getinfo(pyodbc.SQL_DBMS_NAME), conn.getinfo(pyodbc.SQL_DRIVER_NAME)]


def create_and_insert():
    cur = conn.cursor()
    cur.execute("CREATE TABLE odbc_events (id int4, service text, latency float8, at timestamptz)")
    cur.execute("INSERT INTO odbc_events VALUES (?, ?, ?, ?)", 1, "api", 1.5, "2024-01-01 00:00:00+00")
    cur.execute("INSERT INTO odbc_events VALUES (?, ?, ?, ?)", 2, "web", 2.25, "2024-01-02 12:30:00+00")
    cur.execute("INSERT INTO odbc_events VALUES (3, 'api', NULL, NULL)")
    return cur.rowcount


def tables():
    cur = conn.cursor()
    return [[r.table_schem, r.table_name, r.table_type] for r in cur.tables(table="odbc_events")]


def columns():
    cur = conn.cursor()
    return [
        [r.ordinal_position, r.column_name, r.data_type, r.type_name, r.nullable]
        for r in cur.columns(table="odbc_events")
    ]


def parameterised():
    cur = conn.cursor()
    cur.execute("SELECT id, service, latency, at FROM odbc_events WHERE id >= ? AND service = ? ORDER BY id", 1, "api")
    description = [[d[0], d[1].__name__] for d in cur.description]
    return {"description": description, "rows": [[plain(v) for v in r] for r in cur.fetchall()]}


def aggregate():
    cur = conn.cursor()
    cur.execute("SELECT count(*), sum(latency) FROM odbc_events WHERE id <= ?", 2)
    return [plain(v) for v in cur.fetchone()]


def undefined_table():
    cur = conn.cursor()
    cur.execute("SELECT * FROM odbc_no_such_table")
    return {"rows": cur.fetchall()}


step("create", create_and_insert)
step("tables", tables)
step("columns", columns)
step("parameterised", parameterised)
step("aggregate", aggregate)
step("undefined_table", undefined_table)
step("after_error", aggregate)
conn.close()


def manual_commit():
    """pyodbc's default, autocommit off: psqlODBC wraps statements in BEGIN and, with its
    default Protocol=7.4-2 (statement-level rollback), a SAVEPOINT per statement, RELEASE after
    it succeeds and ROLLBACK TO after it fails, so the transaction goes on after an error."""
    manual = pyodbc.connect(connection_string, timeout=10)
    try:
        cur = manual.cursor()
        cur.execute("INSERT INTO odbc_events VALUES (?, ?, ?, ?)", 4, "db", 0.5, None)
        manual.commit()
        cur.execute("SELECT count(*) FROM odbc_events")
        count = cur.fetchone()[0]
        manual.commit()
        cur.execute("INSERT INTO odbc_events VALUES (?, ?, ?, ?)", 5, "db", 0.25, None)
        try:
            cur.execute("SELECT * FROM odbc_no_such_table")
            failed = None
        except pyodbc.Error as e:
            failed = e.args[0]
        cur.execute("INSERT INTO odbc_events VALUES (?, ?, ?, ?)", 6, "db", 0.125, None)
        manual.commit()
        cur.execute("SELECT id, latency FROM odbc_events WHERE id >= ? ORDER BY id", 4)
        rows = [list(r) for r in cur.fetchall()]
        manual.commit()
        return {"count": count, "failed": failed, "rows": rows}
    finally:
        manual.close()


step("manual_commit", manual_commit)
print(json.dumps(out))
