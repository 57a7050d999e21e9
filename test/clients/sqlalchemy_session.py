"""SQLAlchemy inspection and pandas against a server; prints one JSON object with what it saw.

Run by test/sqlalchemy.test.ts with Debian's /usr/bin/python3 (python3-sqlalchemy,
python3-pandas, python3-psycopg2):
    python3 sqlalchemy_session.py HOST PORT USER DBNAME
SQLAlchemy's PostgreSQL dialect reads pg_catalog with correlated subqueries, regclass casts and
json_build_object; pandas.read_sql and to_sql go through it. Each step is recorded on its own.
"""

import json
import os
import sys
import urllib.parse

import pandas as pd
import sqlalchemy as sa

host, port, user, dbname = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
password = os.environ.get("MALAMUTE_PASSWORD")
auth = user if password is None else f"{user}:{urllib.parse.quote(password)}"
engine = sa.create_engine(f"postgresql+psycopg2://{auth}@{host}:{port}/{dbname}")
out = {"sqlalchemy": sa.__version__, "pandas": pd.__version__}


def step(name, fn):
    try:
        out[name] = fn()
    except Exception as e:  # recorded, and the test asserts on it
        out[name] = {"error": type(e).__name__, "message": str(e).strip().split("\n")[0]}


def create():
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE sa_events (ts timestamptz, service text, duration float8, n int8, ok bool)"))
        conn.execute(
            sa.text("INSERT INTO sa_events VALUES (:ts, :service, :duration, :n, :ok)"),
            [
                {"ts": "2024-01-01 00:00:00+00", "service": "api", "duration": 1.5, "n": 1, "ok": True},
                {"ts": "2024-01-01 00:01:00+00", "service": "web", "duration": None, "n": 2, "ok": False},
                {"ts": "2024-01-01 00:02:00+00", "service": "api", "duration": 4.0, "n": 3, "ok": True},
            ],
        )
    return "ok"


def inspection():
    inspector = sa.inspect(engine)
    return {
        "has_table": inspector.has_table("sa_events"),
        "schemas": "public" in inspector.get_schema_names(),
        "tables": "sa_events" in inspector.get_table_names(),
        "columns": [
            {"name": c["name"], "type": str(c["type"]), "nullable": c["nullable"], "default": c["default"]}
            for c in inspector.get_columns("sa_events")
        ],
        "pk": inspector.get_pk_constraint("sa_events"),
        "foreign_keys": inspector.get_foreign_keys("sa_events"),
        "indexes": inspector.get_indexes("sa_events"),
        "unique": inspector.get_unique_constraints("sa_events"),
        "checks": inspector.get_check_constraints("sa_events"),
        "comment": inspector.get_table_comment("sa_events"),
        "views": inspector.get_view_names(),
    }


def reflected_query():
    table = sa.Table("sa_events", sa.MetaData(), autoload_with=engine)
    query = (
        sa.select(table.c.service, sa.func.count().label("n"), sa.func.sum(table.c.duration).label("total"))
        .where(table.c.ok)
        .group_by(table.c.service)
        .order_by(table.c.service)
    )
    with engine.connect() as conn:
        return [list(row) for row in conn.execute(query)]


def pandas_read_sql():
    frame = pd.read_sql("SELECT ts, service, duration, n, ok FROM sa_events ORDER BY n", engine)
    return {
        "dtypes": {name: str(dtype) for name, dtype in frame.dtypes.items()},
        "services": frame["service"].tolist(),
        "duration_sum": float(frame["duration"].sum()),
        "first_ts": frame["ts"].iloc[0].isoformat(),
    }


def pandas_read_sql_table():
    frame = pd.read_sql_table("sa_events", engine)
    return {"columns": list(frame.columns), "rows": len(frame)}


def pandas_to_sql():
    frame = pd.DataFrame({"k": [1, 2, 3], "label": ["a", "b", None], "x": [0.5, None, 2.5]})
    written = frame.to_sql("sa_frame", engine, index=False, if_exists="fail")
    back = pd.read_sql("SELECT k, label, x FROM sa_frame ORDER BY k", engine)
    return {
        "written": written,
        "rows": [[int(r.k), r.label, None if pd.isna(r.x) else float(r.x)] for r in back.itertuples()],
    }


step("create", create)
step("inspection", inspection)
step("reflected_query", reflected_query)
step("read_sql", pandas_read_sql)
step("read_sql_table", pandas_read_sql_table)
step("to_sql", pandas_to_sql)
print(json.dumps(out, default=str))
