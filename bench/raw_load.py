"""Load an extract's CSV files raw (all text, no validation): the floor an import is
compared with.

    python bench/raw_load.py duckdb EXTRACT_DIR DB_FILE
    python bench/raw_load.py postgresql EXTRACT_DIR POSTGRES_URL
"""

from __future__ import annotations

import sys
from pathlib import Path

TABLES = [
    "companies",
    "persons",
    "roles",
    "workplaces",
    "payroll",
    "permits",
    "controls",
    "findings",
    "tips",
    "encounters",
]


def duckdb_load(folder: Path, target: str) -> None:
    import duckdb

    con = duckdb.connect(target)
    for table in TABLES:
        path = folder / f"{table}.csv"
        con.execute(
            f"CREATE TABLE {table} AS SELECT * FROM read_csv(?, all_varchar=true)",  # noqa: S608
            [str(path)],
        )
    con.close()


def postgresql_copy(folder: Path, url: str) -> None:
    import polars as pl
    import psycopg

    with psycopg.connect(url) as con, con.cursor() as cur:
        for table in TABLES:
            path = folder / f"{table}.csv"
            cols = pl.read_csv(path, n_rows=0, infer_schema=False).columns
            column_list = ", ".join(f'"{c}" text' for c in cols)
            cur.execute(f"DROP TABLE IF EXISTS raw_{table}")
            cur.execute(f"CREATE TABLE raw_{table} ({column_list})")
            copy_sql = f"COPY raw_{table} FROM STDIN WITH (FORMAT csv, HEADER true)"
            with path.open("rb") as source, cur.copy(copy_sql) as copy:
                while chunk := source.read(1 << 20):
                    copy.write(chunk)


if __name__ == "__main__":
    kind, folder, target = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    (duckdb_load if kind == "duckdb" else postgresql_copy)(folder, target)
