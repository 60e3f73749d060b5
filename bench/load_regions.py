"""Time `jaring load_regions` on an empty database and again (idempotent), on SQLite
and on PostgreSQL, each in a fresh database.

    .venv/bin/python bench/load_regions.py [--postgres-url postgres://postgres@127.0.0.1:5432]

Prints one line per database with the wall-clock seconds of the first and the second
run and the JSON each printed. The target (issue 2) is under 30 s for the first run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

JARING = str(Path(sys.executable).parent / "jaring")


def _run(args: list[str], env: dict) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run([JARING, *args], env=env, capture_output=True, text=True, check=True)
    return time.perf_counter() - started, result.stdout


def bench(label: str, database_url: str) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url}
    _run(["migrate", "--noinput", "-v0"], env)
    first, out1 = _run(["load_regions", "--json"], env)
    second, out2 = _run(["load_regions", "--json"], env)
    row = {
        "database": label,
        "first_run_s": round(first, 2),
        "second_run_s": round(second, 2),
        "first": json.loads(out1),
        "second": json.loads(out2),
    }
    print(json.dumps(row))
    return row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bench("sqlite", f"sqlite:///{tmp}/bench.sqlite3")
    if not args.skip_postgres:
        import psycopg

        name = f"jaring_bench_{os.getpid()}"
        with psycopg.connect(f"{args.postgres_url}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            bench("postgresql", f"{args.postgres_url}/{name}")
        finally:
            with psycopg.connect(f"{args.postgres_url}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
