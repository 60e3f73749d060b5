"""Coverage dashboard and API at national scale on PostgreSQL.

    .venv/bin/python bench/coverage.py [--months 12] [--requests 40]

Creates a throwaway database, loads all 91,599 regions, COPYs coverage figures for
every village, district, regency and province for N month ends (villages drawn at
random; every level above is the exact sum of the one below), a target per province
and year, then times server-side requests through Django's test client (no network)
for a provincial officer and the platform admin, and prints p50/p95 per case as JSON
lines. The goal (issue 6) is p95 at most 100 ms. It also times importing a national
file of one month (every region, 91,599 rows) through the real import service.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

import psycopg

POSTGRES = "postgres://postgres@127.0.0.1:5432"
LEVELS = {2: "province", 4: "regency", 6: "district", 10: "village"}


def _month_ends(months: int, last: date) -> list[date]:
    found = []
    year, month = last.year, last.month
    for _ in range(months):
        following = date(year + month // 12, month % 12 + 1, 1)
        found.append(date.fromordinal(following.toordinal() - 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return sorted(found)


def _figures(villages: list[str], days: list[date], seed: int = 11) -> dict[date, dict[str, tuple[int, int]]]:
    rng = random.Random(seed)
    base = {code: (rng.randrange(300, 3000), rng.uniform(0.2, 0.6)) for code in villages}
    result = {}
    for index, day in enumerate(days):
        sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for code, (potential, rate) in base.items():
            people = min(potential, int(potential * rate * (1 + 0.01 * index)))
            for length in (10, 6, 4, 2):
                cell = sums[code[:length]]
                cell[0] += people
                cell[1] += potential
        result[day] = {code: (p, q) for code, (p, q) in sums.items()}
    return result


def _fill(dsn: str, figures: dict[date, dict[str, tuple[int, int]]]) -> int:
    rows = 0
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO monitoring_coverageimport (file_name, source, imported_at, region_code, rows,"
            " created, updated, unchanged, targets, warnings)"
            " VALUES ('bench', 'cli', now(), '', 0, 0, 0, 0, 0, '[]') RETURNING id"
        )
        (run,) = cur.fetchone()
        with cur.copy(
            'COPY monitoring_coveragefigure (region_id, level, "on", participants, potential,'
            " source_import_id, updated_at) FROM STDIN"
        ) as copy:
            for day, by_code in figures.items():
                for code, (people, potential) in by_code.items():
                    copy.write_row(
                        (code, LEVELS[len(code)], day, people, potential, run, "2026-11-01 00:00:00+07")
                    )
                    rows += 1
        provinces = sorted({code for by_code in figures.values() for code in by_code if len(code) == 2})
        years = sorted({day.year for day in figures})
        with cur.copy(
            "COPY monitoring_coveragetarget (region_id, year, target_pct, source_import_id, updated_at)"
            " FROM STDIN"
        ) as copy:
            for code in provinces:
                for year in years:
                    copy.write_row((code, year, 50 + year % 5, run, "2026-11-01 00:00:00+07"))
        cur.execute("ANALYZE monitoring_coveragefigure")
        cur.execute("ANALYZE monitoring_coveragetarget")
        conn.commit()
    return rows


def _time(client, path, params, n) -> dict:
    for _ in range(3):
        client.get(path, params)
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(path, params)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    samples.sort()
    return {
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(samples[max(0, int(0.95 * len(samples)) - 1)], 1),
        "bytes": len(response.content),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    name = f"jaring_bench_coverage_{os.getpid()}"
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = f"{POSTGRES}/{name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaring.settings")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.test import Client

        from jaring.accounts.models import User
        from jaring.demo.seed import seed_demo
        from jaring.monitoring.services import coverage_import
        from jaring.regions.models import Region
        from jaring.regions.services import regions_load

        call_command("migrate", verbosity=0)
        regions_load()
        seed_demo(people=False)
        villages = list(Region.objects.filter(level="village").values_list("code", flat=True))
        days = _month_ends(args.months, date(2026, 9, 30))
        started = time.perf_counter()
        figures = _figures(villages, days)
        rows = _fill(f"{POSTGRES}/{name}", figures)
        print(
            json.dumps(
                {
                    "setup": "figures copied",
                    "rows": rows,
                    "months": len(days),
                    "seconds": round(time.perf_counter() - started, 1),
                }
            )
        )
        sys.stdout.flush()

        # One more month for the whole country through the real import (CSV, platform).
        latest = figures[days[-1]]
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "nasional.csv"
            with open(path, "w", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow(["KODE_WILAYAH", "TANGGAL", "PESERTA_AKTIF", "POTENSI_PEKERJA"])
                for code, (people, potential) in latest.items():
                    writer.writerow([code, "31/10/2026", people + 1, potential])
            started = time.perf_counter()
            result = coverage_import(actor=None, path=path, file_name=path.name)
            print(
                json.dumps(
                    {
                        "import": "national month",
                        "rows": result.rows,
                        "created": result.created,
                        "saved": result.saved,
                        "seconds": round(time.perf_counter() - started, 1),
                    }
                )
            )
            started = time.perf_counter()
            again = coverage_import(actor=None, path=path, file_name=path.name)
            print(
                json.dumps(
                    {
                        "import": "same file again",
                        "rows": again.rows,
                        "unchanged": again.unchanged,
                        "seconds": round(time.perf_counter() - started, 1),
                    }
                )
            )
        sys.stdout.flush()

        cases = [
            ("jambi.viewer", "/monev/", {}),
            ("jambi.viewer", "/monev/", {"peta": "dana"}),
            ("jambi.viewer", "/monev/", {"wilayah": "15.04"}),
            ("jambi.viewer", "/api/v1/coverage", {"region": "15"}),
            ("jambi.viewer", "/monev/skor/", {}),
            ("admin", "/monev/", {}),
            ("admin", "/monev/", {"wilayah": "33"}),
            ("admin", "/api/v1/coverage", {"region": "33"}),
            ("admin", "/api/v1/coverage", {"region": "33.74", "date": "2026-06-30"}),
            ("bpjs.kanwil", "/monev/", {}),
        ]
        for username, path, params in cases:
            client = Client()
            client.force_login(User.objects.get(username=username))
            print(
                json.dumps(
                    {
                        "user": username,
                        "path": path,
                        "params": params,
                        **_time(client, path, params, args.requests),
                    }
                )
            )
            sys.stdout.flush()

        # The monev report of a province (goal: under 10 s), PDF and XLSX, 3 runs each.
        from jaring.reports.monev import monev_report
        from jaring.reports.render import monev_pdf, monev_xlsx

        jambi = User.objects.get(username="jambi.viewer")
        for fmt, render in (("pdf", monev_pdf), ("xlsx", monev_xlsx)):
            seconds = []
            for _ in range(3):
                started = time.perf_counter()
                body = render(monev_report(jambi, region_code="15", period=date(2026, 9, 1)))
                seconds.append(time.perf_counter() - started)
            print(
                json.dumps(
                    {
                        "report": f"monev Jambi 2026-09 {fmt}",
                        "bytes": len(body),
                        "seconds_best": round(min(seconds), 2),
                        "seconds_worst": round(max(seconds), 2),
                    }
                )
            )
            sys.stdout.flush()
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
