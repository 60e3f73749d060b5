"""Benchmark the BPJS payment confirmation import (billing.imports.payments_import).

    .venv/bin/python bench/import_payments.py [--people 1000000] [--postgres-url URL]
        [--workdir DIR] [--profile OUT.prof]

On a fresh PostgreSQL database (migrated, five provinces' regions, the demo
organisations): ``--people`` participants of Jambi and Bengkulu COPYed in, each
enrolled in one 2025 program, and the program's bill for October to December 2025
issued through ``bill_issue``. Then, each in its own process (bench/_import_runner.py):

a. the confirmation file, one row per person (REFERENSI, TANGGAL_BAYAR, JUMLAH, NIK,
   BULAN_DARI, BULAN_SAMPAI): most pay the three months, some October only, some
   November and December; imported as the platform, all or nothing;
b. the same file COPYed into a bare table of six text columns;
c. the same file imported again: every row unchanged, nothing created.

Prints one JSON line per step and a summary with the ratios to COPY and peak RSS.
"""

from __future__ import annotations

import csv
import os
import random
import sys
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from import_participants import file_bench  # noqa: E402 (one runner)

MONTHLY = 16_800  # JKK + JKM on Rp1,000,000 for APBD payers


def setup(people: int, path: Path) -> dict:
    """Fill the database (DATABASE_URL) and write the confirmation file (in a child)."""
    import time

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaring.settings")
    import django

    django.setup()
    from billing import _copy_enrolments
    from django.core.management import call_command
    from participant_list import _fill

    from jaring.accounts.models import Organization
    from jaring.billing.models import BillLine
    from jaring.billing.services import bill_issue
    from jaring.demo.seed import seed_demo
    from jaring.programs.services import program_create
    from jaring.regions.services import regions_load

    started = time.perf_counter()
    dsn = os.environ["DATABASE_URL"]
    call_command("migrate", verbosity=0)
    regions_load(provinces={"15", "16", "17", "18", "19"})
    seed_demo(people=False)
    _fill(dsn, people)
    program = program_create(
        actor=None,
        code="BENCH-2025",
        name="Bench",
        source="APBD_PROV",
        payer=Organization.objects.get(code="pemprov-jambi"),
        fiscal_year=2025,
        starts_on=date(2025, 1, 1),
        coverage_months=12,
        budget_ceiling=10**14,
        target_region_codes=["15", "17"],
    )
    enrolled = _copy_enrolments(dsn, program)
    filled = time.perf_counter()
    bill = bill_issue(actor=None, program=program, first_month=date(2025, 10, 1), months=3)
    issued = time.perf_counter()
    rng = random.Random(12)
    shapes = {"three_months": 0, "october": 0, "november_december": 0}
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["REFERENSI", "TANGGAL_BAYAR", "JUMLAH", "NIK", "BULAN_DARI", "BULAN_SAMPAI"])
        lines = BillLine.objects.filter(bill=bill).values_list("participant__nik", flat=True).order_by("id")
        for n, nik in enumerate(lines.iterator(chunk_size=20_000), start=1):
            draw = rng.random()
            if draw < 0.8:
                first, last, shape = "2025-10", "2025-12", "three_months"
            elif draw < 0.9:
                first, last, shape = "2025-10", "2025-10", "october"
            else:
                first, last, shape = "2025-11", "2025-12", "november_december"
            shapes[shape] += 1
            months = {"three_months": 3, "october": 1, "november_december": 2}[shape]
            writer.writerow([f"BPJS/2025-12/{n:07d}", "15/12/2025", months * MONTHLY, nik, first, last])
    return {
        "people": enrolled,
        "bill_lines": bill.people,
        "bill_issue_s": round(issued - filled, 1),
        "fill_s": round(filled - started, 1),
        "file_rows": sum(shapes.values()),
        "shapes": shapes,
    }


def main() -> None:
    file_bench(
        doc=__doc__,
        script=__file__,
        setup=setup,
        size=("people", 1_000_000),
        task="payments",
        label="pay",
        file_name="pembayaran.csv",
        keys=(),
    )


if __name__ == "__main__":
    main()
