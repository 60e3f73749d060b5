"""Benchmark the enrolment import (programs.imports.enrolments_import).

    .venv/bin/python bench/import_enrolments.py [--rows 100000] [--postgres-url URL]
        [--workdir DIR] [--profile OUT.prof]

On a fresh PostgreSQL database (migrated, five provinces' regions, the demo
organisations): twice ``--rows`` participants of Jambi and Bengkulu COPYed in; two
Bengkulu programs for 2025, one of them with quotas of 60 per village and category
and the other already funding a tenth of the people. Then, each in its own process
(bench/_import_runner.py):

a. the file (NIK, KODE_PROGRAM) of ``--rows`` Bengkulu people for the quota program:
   most are enrolled, the double-funded and those beyond a village's quota are refused
   on their rows;
b. the same file COPYed into a bare table of two text columns;
c. the same file imported again: nobody enrolled twice.

Prints one JSON line per step and a summary with the ratios to COPY and peak RSS.
"""

from __future__ import annotations

import csv
import os
import sys
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from import_participants import file_bench  # noqa: E402 (one runner)


def setup(rows: int, path: Path) -> dict:
    """Fill the database (DATABASE_URL) and write the enrolment file (in a child)."""
    import time

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaring.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from participant_list import _fill

    from jaring.accounts.models import Organization
    from jaring.demo.seed import seed_demo
    from jaring.programs.services import EnrolmentRequest, enrolments_create, program_create
    from jaring.regions.services import regions_load
    from jaring.registry.models import Participant

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    regions_load(provinces={"15", "16", "17", "18", "19"})
    seed_demo(people=False)
    _fill(os.environ["DATABASE_URL"], 2 * rows + 10_000)
    common = {
        "actor": None,
        "payer": Organization.objects.get(code="pemprov-bengkulu"),
        "fiscal_year": 2025,
        "starts_on": date(2025, 1, 1),
        "coverage_months": 12,
        "target_region_codes": ["17"],
    }
    other = program_create(
        **common, code="BKL-KAB-2025", name="Pembanding", source="APBD_KAB", budget_ceiling=10**13
    )
    target = program_create(
        **common,
        code="BKL-PROV-2025",
        name="Bench",
        source="APBD_PROV",
        budget_ceiling=10**13,
        quotas={"miskin_ekstrem": 60, "pekerja_rentan": 60, "lainnya": 60},
    )
    people = list(
        Participant.objects.filter(village_id__gte="17", village_id__lt="18")
        .order_by("id")
        .values_list("id", "nik")[:rows]
    )
    funded = [pk for pk, _nik in people[: len(people) // 10]]
    enrolments_create(
        actor=None,
        program=other,
        requests=[EnrolmentRequest(p) for p in Participant.objects.filter(id__in=funded)],
    )
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["NIK", "KODE_PROGRAM"])
        writer.writerows([nik, target.code] for _pk, nik in people)
    return {
        "participants": Participant.objects.count(),
        "file_rows": len(people),
        "funded_elsewhere": len(funded),
        "seconds": round(time.perf_counter() - started, 1),
    }


def main() -> None:
    file_bench(
        doc=__doc__,
        script=__file__,
        setup=setup,
        size=("rows", 100_000),
        task="enrolments",
        label="enrol",
        file_name="kepesertaan.csv",
        keys=("rejected",),
    )


if __name__ == "__main__":
    main()
