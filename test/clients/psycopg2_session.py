"""A psycopg2 session against a server; prints one JSON object with what it saw.

Run by test/psycopg2.test.ts with Debian's /usr/bin/python3 (python3-psycopg2):
    python3 psycopg2_session.py HOST PORT USER DBNAME
MALAMUTE_PASSWORD, when set, is the password. Every step is recorded, so one failing step does
not hide the others.
"""

import datetime
import json
import os
import sys

import psycopg2

host, port, user, dbname = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
out = {"psycopg2": psycopg2.__version__.split(" ")[0]}


def error_of(e):
    return {"error": type(e).__name__, "pgcode": getattr(e, "pgcode", None), "message": str(e).strip()}


def step(name, fn):
    try:
        out[name] = fn()
    except Exception as e:  # recorded, and the test asserts on it
        out[name] = error_of(e)
        try:
            conn.rollback()
        except Exception:
            pass


def when(value):
    return None if value is None else {"iso": value.isoformat(), "tz": value.tzinfo is not None}


conn = psycopg2.connect(
    host=host, port=port, user=user, dbname=dbname, password=os.environ.get("MALAMUTE_PASSWORD"), connect_timeout=10
)
utc = datetime.timezone.utc


def create_and_insert():
    cur = conn.cursor()
    cur.execute("CREATE TABLE py_people (id int4, name text, score float8, born timestamptz)")
    cur.execute(
        "INSERT INTO py_people VALUES (%s, %s, %s, %s)",
        (1, "O'Brien", 2.5, datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=utc)),
    )
    cur.executemany(
        "INSERT INTO py_people VALUES (%s, %s, %s, %s)",
        [
            (2, "Zoë", None, None),
            (3, "c", -1.25, datetime.datetime(2023, 6, 1, 12, 0, 0, 250000, tzinfo=utc)),
            (4, "d", 1e100, datetime.datetime(1999, 12, 31, 23, 59, 59, tzinfo=utc)),
        ],
    )
    conn.commit()
    return {"status": cur.statusmessage}


def typed_select():
    cur = conn.cursor()
    cur.execute("SELECT id, name, score, born FROM py_people WHERE id >= %s ORDER BY id", (1,))
    rows = cur.fetchall()
    return {
        "columns": [d.name for d in cur.description],
        "type_codes": [d.type_code for d in cur.description],
        "rows": [[r[0], r[1], r[2], when(r[3])] for r in rows],
        "python_types": [[type(v).__name__ for v in r] for r in rows],
    }


def fetchmany_client_side():
    cur = conn.cursor()
    cur.execute("SELECT id FROM py_people ORDER BY id")
    return [cur.fetchmany(3), cur.fetchmany(3), cur.fetchmany(3)]


def named_cursor():
    cur = conn.cursor("py_named")
    cur.execute("SELECT id, name FROM py_people ORDER BY id")
    batches = [cur.fetchmany(3), cur.fetchmany(3), cur.fetchmany(3)]
    cur.close()
    conn.commit()
    return {"batches": batches}


def named_cursor_many(rows=5000, size=700):
    """A named cursor over a few thousand rows, read with fetchmany in a loop."""
    cur = conn.cursor()
    cur.execute("CREATE TABLE py_many (id int4, label text)")
    values = ",".join(cur.mogrify("(%s, %s)", (i, f"row {i}")).decode() for i in range(1, rows + 1))
    cur.execute("INSERT INTO py_many VALUES " + values)
    conn.commit()
    named = conn.cursor("py_many_cursor")
    named.execute("SELECT id, label FROM py_many WHERE id > %s ORDER BY id", (0,))
    sizes, count, total, wrong = [], 0, 0, 0
    while True:
        batch = named.fetchmany(size)
        sizes.append(len(batch))
        if not batch:
            break
        for id_, label in batch:
            count += 1
            total += id_
            wrong += int(id_ != count or label != f"row {id_}")
    named.close()
    conn.commit()
    return {"sizes": sizes, "count": count, "sum": total, "wrong": wrong}


def undefined_table():
    cur = conn.cursor()
    cur.execute("SELECT * FROM py_no_such_table")
    return {"rows": cur.fetchall()}


def after_rollback():
    status_before = conn.info.transaction_status
    conn.rollback()
    cur = conn.cursor()
    cur.execute("SELECT count(*), sum(id) FROM py_people")
    count, total = cur.fetchone()
    conn.commit()
    return {"closed": conn.closed, "count": count, "sum": total, "status_before_rollback": status_before}


def arrays():
    # psycopg2 parses array text (int4[] 1007, text[] 1009, float8[] 1022, bool[] 1000) into
    # Python lists, and adapts a Python list parameter into ARRAY[...].
    cur = conn.cursor()
    cur.execute("CREATE TABLE py_arrays (id int4, tags text[], nums int4[])")
    cur.execute("INSERT INTO py_arrays VALUES (%s, %s, %s)", (1, ["a", "b c", None, 'q"'], [1, 2]))
    cur.execute("INSERT INTO py_arrays VALUES (2, '{}', NULL)")
    conn.commit()  # reads inside a block do not see its own rows (docs/sql.md)
    cur.execute(
        "SELECT id, tags, nums, ARRAY[1.5, 2]::float8[], ARRAY[true, NULL], cardinality(tags)"
        " FROM py_arrays ORDER BY id"
    )
    rows = cur.fetchall()
    type_codes = [d.type_code for d in cur.description]
    cur.execute("SELECT unnest(tags) FROM py_arrays WHERE id = 1")
    unnested = [r[0] for r in cur.fetchall()]
    conn.commit()
    return {"rows": rows, "type_codes": type_codes, "unnested": unnested}


step("create", create_and_insert)
step("arrays", arrays)
step("select", typed_select)
step("fetchmany", fetchmany_client_side)
step("named_cursor", named_cursor)
step("recovered_after_named_cursor", after_rollback)
step("named_cursor_many", named_cursor_many)
# Not through step(): the error must be left in the transaction for after_rollback to clear.
try:
    out["undefined_table"] = undefined_table()
except psycopg2.Error as e:
    out["undefined_table"] = error_of(e)
step("recovered", after_rollback)
conn.close()
print(json.dumps(out))
