"""Benchmark the participant import (registry.imports.import_participants).

    .venv/bin/python bench/import_participants.py [--rows 1000000] [--xlsx-rows 100000]
        [--skip-csv] [--skip-xlsx] [--xlsx-db postgres|sqlite] [--postgres-url URL]
        [--profile OUT.prof] [--debug] [--seed N] [--workdir DIR]

a. CSV into PostgreSQL: a fresh database, migrated, Jambi and Bengkulu regions loaded;
   a generated file of ``--rows`` rows (about 10% invalid) imported with full
   validation and duplicate checks; then the same file COPYed into a bare table of
   12 text columns; then the same file imported again, unchanged. Goals: peak RSS of
   the importing process < 500 MB, import time / COPY time <= 5, and the unchanged
   re-import <= 3x COPY with 0 created and 0 updated (--profile runs the first import
   under cProfile, which slows it).
b. XLSX: a generated workbook of ``--xlsx-rows`` rows read bare with python-calamine,
   then imported into a fresh database (PostgreSQL by default, or SQLite in a
   temporary directory). Goal: import time / calamine time <= 2.

Every timed part runs in its own process (bench/_import_runner.py) with DATABASE_URL
set and DEBUG off, as in production (with DEBUG on Django keeps the SQL of the last
9,000 queries in memory). Prints one JSON line per step and a final summary line.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUNNER = HERE / "_import_runner.py"
GENERATOR = HERE / "gen_participants.py"
GOALS = {"peak_rss_mb": 500, "csv_vs_copy": 5.0, "reimport_vs_copy": 3.0, "xlsx_vs_calamine": 2.0}


def emit(step: str, **figures) -> dict:
    row = {"step": step, **figures}
    print(json.dumps(row), flush=True)
    return row


def _child(argv: list[str], env: dict | None = None) -> dict:
    """Run a Python script, return the JSON object on its last line of output."""
    started = time.perf_counter()
    result = subprocess.run([sys.executable, *argv], env=env, capture_output=True, text=True, check=False)
    if result.returncode:
        sys.stderr.write(result.stderr)
        raise SystemExit(f"{' '.join(argv[:2])} failed with exit code {result.returncode}")
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures["process_s"] = round(time.perf_counter() - started, 2)
    return figures


def runner(task: str, *args: str, database_url: str | None = None, debug: bool = False) -> dict:
    env = {**os.environ, "DEBUG": "1" if debug else "0"}
    if database_url:
        env["DATABASE_URL"] = database_url
    return _child([str(RUNNER), task, *args], env)


@contextlib.contextmanager
def fresh_postgres(server_url: str, label: str) -> Iterator[str]:
    import psycopg

    name = f"jaring_bench_{label}_{os.getpid()}"
    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server_url}/{name}"
    finally:
        with psycopg.connect(f"{server_url}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def generate(path: Path, rows: int, seed: int) -> dict:
    """Generate in a child process, so that this one stays small: Linux carries
    ru_maxrss across execve, so the children's ru_maxrss is at least this process's."""
    stats = _child([str(GENERATOR), str(path), "--rows", str(rows), "--seed", str(seed)])
    stats.pop("file")
    emit(f"generate_{path.suffix[1:]}", file=path.name, bytes=path.stat().st_size, **stats)
    return stats


def _counts_match(imported: dict, stats: dict) -> bool:
    return imported["created"] == stats["valid"] and imported["rejected"] == stats["invalid"]


def bench_csv(args, workdir: Path) -> dict:
    path = workdir / "participants.csv"
    stats = generate(path, args.rows, args.seed)
    with fresh_postgres(args.postgres_url, "csv") as url:
        emit("setup_postgresql", **runner("setup", database_url=url))
        profile = ["--profile", str(args.profile)] if args.profile else []
        imported = runner("import", str(path), *profile, database_url=url, debug=args.debug)
        emit("import_csv", rows=args.rows, counts_match=_counts_match(imported, stats), **imported)
        copied = runner("copy", str(path), database_url=url)
        emit("copy_csv", **copied)
        again = runner("import", str(path), database_url=url, debug=args.debug)
        emit("reimport_csv", rows=args.rows, **again)
    if args.profile:
        print_profile(args.profile)
    return {
        "rows": args.rows,
        "import_s": imported["seconds"],
        "rows_per_s": imported["rows_per_s"],
        "created": imported["created"],
        "rejected": imported["rejected"],
        "counts_match": _counts_match(imported, stats),
        "peak_rss_mb": imported["peak_rss_mb"],
        "peak_vmhwm_mb": imported["peak_vmhwm_mb"],
        "copy_s": copied["seconds"],
        "import_vs_copy": round(imported["seconds"] / max(copied["seconds"], 0.01), 2),
        "reimport_s": again["seconds"],
        "reimport_created": again["created"],
        "reimport_updated": again["updated"],
        "reimport_unchanged": again["unchanged"],
        "reimport_peak_rss_mb": again["peak_rss_mb"],
        "reimport_vs_copy": round(again["seconds"] / max(copied["seconds"], 0.01), 2),
    }


def print_profile(path: Path, top: int = 25) -> None:
    """The profiled import's top entries by cumulative time (to stderr, not JSON)."""
    import pstats

    stats = pstats.Stats(str(path), stream=sys.stderr)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def bench_xlsx(args, workdir: Path) -> dict:
    path = workdir / "participants.xlsx"
    stats = generate(path, args.xlsx_rows, args.seed)
    read = runner("calamine", str(path))
    emit("calamine_read", **read)
    with contextlib.ExitStack() as stack:
        if args.xlsx_db == "sqlite":
            url = f"sqlite:///{workdir / 'bench.sqlite3'}"
        else:
            url = stack.enter_context(fresh_postgres(args.postgres_url, "xlsx"))
        emit(f"setup_{args.xlsx_db}", **runner("setup", database_url=url))
        imported = runner("import", str(path), database_url=url, debug=args.debug)
        emit("import_xlsx", rows=args.xlsx_rows, counts_match=_counts_match(imported, stats), **imported)
    return {
        "rows": args.xlsx_rows,
        "database": args.xlsx_db,
        "calamine_s": read["seconds"],
        "import_s": imported["seconds"],
        "rows_per_s": imported["rows_per_s"],
        "counts_match": _counts_match(imported, stats),
        "peak_rss_mb": imported["peak_rss_mb"],
        "peak_vmhwm_mb": imported["peak_vmhwm_mb"],
        "import_vs_calamine": round(imported["seconds"] / max(read["seconds"], 0.01), 2),
    }


def file_bench(
    *, doc: str, script: str, setup, size: tuple[str, int], task: str, label: str, file_name: str, keys=()
) -> None:
    """The main of bench/import_payments.py and bench/import_enrolments.py, which measure
    alike on a fresh database: ``script --setup SIZE FILE`` (a child) runs ``setup(SIZE,
    FILE)`` to fill it and write the file; the runner's ``task`` imports the file (under
    cProfile with ``--profile``); the file is COPYed into a bare table; ``task`` imports
    it again. ``size`` is the option naming how many rows and its default. Prints a JSON
    line per step and a summary (``keys``: more figures of the first import to repeat)."""
    option, default = size
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument(f"--{option}", type=int, default=default, dest="size")
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--profile", type=Path, help="run the first import under cProfile, print the stats")
    parser.add_argument("--setup", nargs=2, metavar=("SIZE", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup:  # the child that fills the database
        print(json.dumps(setup(int(args.setup[0]), Path(args.setup[1]))))
        return
    with (
        tempfile.TemporaryDirectory(dir=args.workdir) as tmp,
        fresh_postgres(args.postgres_url, label) as url,
    ):
        path = Path(tmp) / file_name
        env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0"}
        filled = _child([script, "--setup", str(args.size), str(path)], env)
        emit("setup", **filled, bytes=path.stat().st_size)
        profile = ["--profile", str(args.profile)] if args.profile else []
        imported = runner(task, str(path), *profile, database_url=url)
        emit(f"import_{task}", **imported)
        if args.profile:
            print_profile(args.profile)
        copied = runner("copy", str(path), database_url=url)
        emit("copy_csv", **copied)
        again = runner(task, str(path), database_url=url)
        emit(f"reimport_{task}", **again)
    summary = {
        "rows": imported["rows"],
        "import_s": imported["seconds"],
        "rows_per_s": imported["rows_per_s"],
        "created": imported["created"],
        **{key: imported[key] for key in keys},
        "peak_rss_mb": imported["peak_rss_mb"],
        "peak_vmhwm_mb": imported["peak_vmhwm_mb"],
        "copy_s": copied["seconds"],
        "import_vs_copy": round(imported["seconds"] / max(copied["seconds"], 0.01), 2),
        "reimport_s": again["seconds"],
        "reimport_created": again["created"],
        "reimport_unchanged": again["unchanged"],
        "reimport_vs_copy": round(again["seconds"] / max(copied["seconds"], 0.01), 2),
    }
    emit("summary", **summary)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="CSV rows (default 1,000,000)")
    parser.add_argument("--xlsx-rows", type=int, default=100_000, help="XLSX rows (default 100,000)")
    parser.add_argument("--skip-csv", action="store_true")
    parser.add_argument("--skip-xlsx", action="store_true")
    parser.add_argument("--xlsx-db", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--debug", action="store_true", help="import with DEBUG on (query log kept)")
    parser.add_argument(
        "--profile", type=Path, help="run the CSV import under cProfile, save the stats here and print them"
    )
    parser.add_argument("--workdir", type=Path, help="where to write the generated files (default: tmp)")
    args = parser.parse_args()

    summary: dict = {"step": "summary", "goals": GOALS}
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        if not args.skip_csv:
            csv_figures = bench_csv(args, Path(tmp))
            peak = max(csv_figures["peak_rss_mb"], csv_figures["peak_vmhwm_mb"])
            csv_figures["rss_ok"] = peak < GOALS["peak_rss_mb"]
            csv_figures["ratio_ok"] = csv_figures["import_vs_copy"] <= GOALS["csv_vs_copy"]
            csv_figures["reimport_ok"] = (
                csv_figures["reimport_vs_copy"] <= GOALS["reimport_vs_copy"]
                and csv_figures["reimport_created"] == 0
                and csv_figures["reimport_updated"] == 0
            )
            summary["csv"] = csv_figures
        if not args.skip_xlsx:
            xlsx_figures = bench_xlsx(args, Path(tmp))
            xlsx_figures["ratio_ok"] = xlsx_figures["import_vs_calamine"] <= GOALS["xlsx_vs_calamine"]
            summary["xlsx"] = xlsx_figures
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
