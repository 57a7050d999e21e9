"""A psycopg 3 session against a server; prints one JSON object with what it saw.

Run by test/psycopg3.test.ts with Debian's /usr/bin/python3 (python3-psycopg):
    python3 psycopg3_session.py HOST PORT USER DBNAME
psycopg 3 uses the extended protocol with server-side parameters, binary results on request,
automatic prepared statements, pipelines, COPY row by row and server cursors that it describes
as portals. MALAMUTE_PASSWORD, when set, is the password. Each step is recorded on its own.
"""

import datetime
import json
import os
import sys

import psycopg

host, port, user, dbname = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
out = {"psycopg": psycopg.__version__}
utc = datetime.timezone.utc


def connect(**kwargs):
    return psycopg.connect(
        host=host, port=port, user=user, dbname=dbname, password=os.environ.get("MALAMUTE_PASSWORD"),
        connect_timeout=10,
        **kwargs,
    )


def step(name, fn):
    try:
        out[name] = fn()
    except Exception as e:  # recorded, and the test asserts on it
        out[name] = {"error": type(e).__name__, "sqlstate": getattr(e, "sqlstate", None), "message": str(e).strip()}


def when(value):
    return None if value is None else value.isoformat()


def create_and_insert():
    with connect() as conn:
        cur = conn.cursor()
        cur.execute("CREATE TABLE p3_events (id int8, service text, duration float8, ok bool, ts timestamptz)")
        cur.executemany(
            "INSERT INTO p3_events VALUES (%s, %s, %s, %s, %s)",
            [
                (1, "api", 12.5, True, datetime.datetime(2024, 1, 1, 0, 0, 1, tzinfo=utc)),
                (2, "web", None, False, datetime.datetime(2024, 1, 1, 0, 0, 2, 500000, tzinfo=utc)),
                (3, "api", -0.25, None, None),
                (4, "Zoë's", 1e300, True, datetime.datetime(1999, 12, 31, 23, 59, 59, tzinfo=utc)),
            ],
        )
        rowcount = cur.rowcount
        conn.commit()
        return {"rowcount": rowcount, "count": cur.execute("SELECT count(*) FROM p3_events").fetchone()[0]}


def rows_of(cur):
    return [[r[0], r[1], r[2], r[3], when(r[4])] for r in cur.fetchall()]


def binary_results():
    with connect() as conn:
        cur = conn.cursor(binary=True)
        cur.execute("SELECT id, service, duration, ok, ts FROM p3_events WHERE id >= %s ORDER BY id", (1,))
        return {"formats": [d.type_code for d in cur.description], "rows": rows_of(cur)}


def text_results_with_binary_params():
    with connect() as conn:
        cur = conn.cursor()
        # %b sends the parameter in binary.
        cur.execute("SELECT id, service, duration, ok, ts FROM p3_events WHERE service = %b ORDER BY id", ("api",))
        return rows_of(cur)


def prepared_statement_reused():
    # prepare_threshold=0: prepared on first use, then Bind/Execute only.
    with connect(prepare_threshold=0) as conn:
        got = []
        for i in range(1, 5):
            got.append(conn.execute("SELECT service FROM p3_events WHERE id = %s", (i,)).fetchone()[0])
        return got


def pipeline():
    with connect() as conn:
        with conn.pipeline():
            a = conn.execute("SELECT count(*) FROM p3_events")
            b = conn.execute("SELECT max(id) FROM p3_events WHERE ok")
        return [a.fetchone()[0], b.fetchone()[0]]


def server_cursor():
    with connect() as conn:
        with conn.cursor(name="p3_cursor") as cur:
            cur.itersize = 2
            cur.execute("SELECT id FROM p3_events ORDER BY id")
            first = cur.fetchmany(3)
            rest = cur.fetchall()
            return {"columns": [d.name for d in cur.description], "first": first, "rest": rest}


def copy_in_and_out():
    with connect() as conn:
        cur = conn.cursor()
        with cur.copy("COPY p3_events (id, service) FROM STDIN") as copy:
            for i in range(5, 8):
                copy.write_row((i, f"copied {i}\ttab"))
        conn.commit()
        rows = []
        with cur.copy("COPY (SELECT id, service FROM p3_events WHERE id >= 5 ORDER BY id) TO STDOUT") as copy:
            copy.set_types(["int8", "text"])
            for row in copy.rows():
                rows.append(list(row))
        return rows


def error_sqlstate():
    with connect() as conn:
        try:
            conn.execute("SELECT no_such_column FROM p3_events")
        except psycopg.Error as e:
            return {"sqlstate": e.sqlstate, "class": type(e).__name__, "status": conn.info.transaction_status.name}


step("create", create_and_insert)
step("binary", binary_results)
step("binary_params", text_results_with_binary_params)
step("prepared", prepared_statement_reused)
step("pipeline", pipeline)
step("server_cursor", server_cursor)
step("copy", copy_in_and_out)
step("error", error_sqlstate)
print(json.dumps(out))
