"""The timed parts of bench/import_participants.py, each in its own process so that
DATABASE_URL is read before Django starts and peak RSS belongs to one task.

    DATABASE_URL=... python bench/_import_runner.py setup
    DATABASE_URL=... python bench/_import_runner.py import FILE [--profile OUT.prof] [--batch-size N]
    DATABASE_URL=... python bench/_import_runner.py payments FILE
    DATABASE_URL=... python bench/_import_runner.py enrolments FILE
    DATABASE_URL=... python bench/_import_runner.py copy FILE       (PostgreSQL only)
    python bench/_import_runner.py calamine FILE

Each prints one JSON object. ``peak_rss_mb`` is ru_maxrss of this process (KB on
Linux); ``baseline_rss_mb`` is the same figure just before the timed work began.
Linux keeps ru_maxrss across execve, so it is never below the parent's peak;
``peak_vmhwm_mb`` (VmHWM in /proc/self/status, reset by execve) is this program's own.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from datetime import date
from pathlib import Path

REFERENCE_DAY = date(2026, 11, 23)


def _rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _vmhwm_mb() -> float | None:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaring.settings")
    import django

    django.setup()


def _timed(work, profile: Path | None):
    """Run ``work()``, under cProfile when ``profile`` names where to save the stats;
    return its result and the seconds it took."""
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    if profiler:
        profiler.disable()
        profiler.dump_stats(str(profile))
    return result, seconds


def _codes(errors) -> dict[str, int]:
    """How many errors of each code."""
    codes: dict[str, int] = {}
    for error in errors:
        codes[error.code] = codes.get(error.code, 0) + 1
    return dict(sorted(codes.items()))


def setup() -> dict:
    _django()
    from django.core.management import call_command

    from jaring.regions.services import regions_load

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    migrated = time.perf_counter()
    result = regions_load(provinces={"15", "17"})
    return {
        "migrate_s": round(migrated - started, 2),
        "regions_load_s": round(time.perf_counter() - migrated, 2),
        "regions": result.as_dict(),
    }


def run_import(path: Path, *, profile: Path | None, batch_size: int | None) -> dict:
    _django()
    from django.conf import settings
    from django.db import connection

    from jaring.registry.imports import import_participants
    from jaring.registry.models import ImportRowError

    baseline = _rss_mb()
    baseline_hwm = _vmhwm_mb()
    from jaring.registry.imports import BATCH_SIZE

    batch_size = batch_size or BATCH_SIZE
    run, seconds = _timed(
        lambda: import_participants(actor=None, path=path, today=REFERENCE_DAY, batch_size=batch_size),
        profile,
    )
    codes: dict[str, int] = {}
    for code in ImportRowError.objects.filter(run=run).values_list("code", flat=True).iterator(10_000):
        codes[code] = codes.get(code, 0) + 1
    return {
        "database": connection.vendor,
        "debug": settings.DEBUG,
        "batch_size": batch_size,
        "status": run.status,
        "failure": run.failure,
        "processed": run.processed_rows,
        "created": run.created,
        "updated": run.updated,
        "unchanged": run.unchanged,
        "rejected": run.rejected,
        "error_codes": dict(sorted(codes.items())),
        "seconds": round(seconds, 2),
        "rows_per_s": round(run.processed_rows / seconds) if seconds else None,
        "baseline_rss_mb": baseline,
        "baseline_vmhwm_mb": baseline_hwm,
        "peak_rss_mb": _rss_mb(),
        "peak_vmhwm_mb": _vmhwm_mb(),
        "profiled": bool(profile),
    }


def run_payments(path: Path, *, profile: Path | None) -> dict:
    """Import a BPJS payment confirmation file as the platform (billing.imports)."""
    _django()
    from django.conf import settings
    from django.db import connection

    from jaring.billing.imports import PART_ROWS, payments_import

    baseline = _rss_mb()
    baseline_hwm = _vmhwm_mb()
    result, seconds = _timed(lambda: payments_import(actor=None, path=path), profile)
    return {
        "database": connection.vendor,
        "debug": settings.DEBUG,
        "part_rows": PART_ROWS,
        "layout": result.layout,
        "rows": result.rows,
        "saved": result.saved,
        "created": result.created,
        "unchanged": result.unchanged,
        "errors": len(result.errors),
        "error_codes": _codes(result.errors),
        "first_errors": [e.as_dict() for e in result.errors[:3]],
        "bills": [b.as_dict() for b in result.bills],
        "seconds": round(seconds, 2),
        "rows_per_s": round(result.rows / seconds) if seconds else None,
        "baseline_rss_mb": baseline,
        "baseline_vmhwm_mb": baseline_hwm,
        "peak_rss_mb": _rss_mb(),
        "peak_vmhwm_mb": _vmhwm_mb(),
    }


def run_enrolments(path: Path, *, profile: Path | None) -> dict:
    """Enrol the people of a file as the platform (programs.imports)."""
    _django()
    from django.db import connection

    from jaring.programs.imports import BATCH_SIZE, enrolments_import

    baseline = _rss_mb()
    result, seconds = _timed(lambda: enrolments_import(actor=None, path=path), profile)
    rows = result.created + result.unchanged + result.rejected
    return {
        "database": connection.vendor,
        "batch_size": BATCH_SIZE,
        "rows": rows,
        "created": result.created,
        "unchanged": result.unchanged,
        "rejected": result.rejected,
        "error_codes": _codes(result.errors),
        "seconds": round(seconds, 2),
        "rows_per_s": round(rows / seconds) if seconds else None,
        "baseline_rss_mb": baseline,
        "peak_rss_mb": _rss_mb(),
        "peak_vmhwm_mb": _vmhwm_mb(),
    }


def run_copy(path: Path) -> dict:
    """COPY the same CSV into a bare table of text columns (one per column of its
    header), streaming 1 MB chunks."""
    import psycopg

    url = os.environ["DATABASE_URL"]
    with open(path, encoding="utf-8-sig") as fh:
        header = fh.readline().strip().split(",")
    columns = ", ".join(f'"{name.lower()}" text' for name in header)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_copy")
        conn.execute(f"CREATE TABLE bench_copy ({columns})")
        started = time.perf_counter()
        with (
            conn.transaction(),
            conn.cursor() as cur,
            cur.copy("COPY bench_copy FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
            open(path, "rb") as fh,
        ):
            while chunk := fh.read(1 << 20):
                copy.write(chunk)
        seconds = time.perf_counter() - started
        (rows,) = conn.execute("SELECT count(*) FROM bench_copy").fetchone()
        conn.execute("DROP TABLE bench_copy")
    return {
        "rows": rows,
        "seconds": round(seconds, 2),
        "peak_rss_mb": _rss_mb(),
        "peak_vmhwm_mb": _vmhwm_mb(),
    }


def run_calamine(path: Path) -> dict:
    """Read every row of the first sheet with python-calamine and nothing else."""
    from python_calamine import CalamineWorkbook

    baseline = _rss_mb()
    started = time.perf_counter()
    rows = 0
    for _row in CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).iter_rows():
        rows += 1
    seconds = time.perf_counter() - started
    return {
        "rows": rows,
        "seconds": round(seconds, 2),
        "baseline_rss_mb": baseline,
        "peak_rss_mb": _rss_mb(),
        "peak_vmhwm_mb": _vmhwm_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("task", choices=("setup", "import", "payments", "enrolments", "copy", "calamine"))
    parser.add_argument("file", type=Path, nargs="?")
    parser.add_argument("--profile", type=Path)
    parser.add_argument("--batch-size", type=int, default=None, help="default: the importer's own")
    args = parser.parse_args()
    if args.task != "setup" and args.file is None:
        parser.error(f"{args.task} needs a file")
    if args.task == "setup":
        result = setup()
    elif args.task == "import":
        result = run_import(args.file, profile=args.profile, batch_size=args.batch_size)
    elif args.task == "payments":
        result = run_payments(args.file, profile=args.profile)
    elif args.task == "enrolments":
        result = run_enrolments(args.file, profile=args.profile)
    elif args.task == "copy":
        result = run_copy(args.file)
    else:
        result = run_calamine(args.file)
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
