"""Programs and the money trail on PostgreSQL (issue 4's figures).

    .venv/bin/python bench/programs.py [--participants 1100000] [--enrolments 1000000]
        [--enrol-file-rows 100000] [--requests 60]

a. Enrolment from a file: a Bengkulu program with per-village quotas; a file of
   ``--enrol-file-rows`` rows (NIK, KODE_PROGRAM), a tenth of them people already
   funded by another program for the same period (double funding, refused); timed
   through ``enrolments_import`` with every check.
b. The funnel page of a province with 10 programs and ``--enrolments`` enrolments,
   allocations for all 1,585 villages and wards of each program and transfers to
   regencies, villages and BPJS: p50/p95 of server time through Django's test client
   for /dana/, a program page and the funnel API. Goal p95 < 100 ms.

Generated rows are COPYed (not timed); what is timed goes through the services.
Prints one JSON line per step.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from participant_list import POSTGRES, _fill, _time  # the same generated registry

MONTHLY = 16_800


def emit(**figures) -> None:
    print(json.dumps(figures), flush=True)


def _copy_enrolments(dsn: str, programs, total: int) -> None:
    """``total`` active enrolments of Jambi people spread over ``programs`` (bench data)."""
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        people = cur.execute(
            "SELECT id, village_id, category FROM registry_participant WHERE village_id < '16' ORDER BY id"
        ).fetchall()
        with cur.copy(
            "COPY programs_enrolment (program_id, participant_id, village_id, category, starts_on, status,"
            " end_reason, created_at) FROM STDIN"
        ) as copy:
            for i in range(total):
                person_id, village, category = people[i % len(people)]
                program = programs[(i // len(people) + i) % len(programs)]
                copy.write_row(
                    (program.pk, person_id, village, category, program.starts_on, "active", "", "now")
                )
        cur.execute(
            "INSERT INTO programs_villageenrolmentcount (program_id, village_id, category, active)"
            " SELECT program_id, village_id, category, count(*) FROM programs_enrolment"
            " GROUP BY program_id, village_id, category"
            " ON CONFLICT (program_id, village_id, category) DO UPDATE SET active = EXCLUDED.active"
        )
        cur.execute(
            "UPDATE programs_program p SET enrolled_active = c.n,"
            " committed_rupiah = c.n * p.coverage_months * %s"
            " FROM (SELECT program_id, count(*) n FROM programs_enrolment GROUP BY program_id) c"
            " WHERE c.program_id = p.id",
            (MONTHLY,),
        )
        cur.execute("ANALYZE")
        conn.commit()


def _copy_village_transfers(dsn: str, programs) -> int:
    """Half the villages' allocations reach their accounts; two in three of those pay BPJS."""
    rows = 0
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        for program in programs:
            allocations = cur.execute(
                "SELECT a.region_id, a.amount FROM funds_allocation a"
                " JOIN regions_region r ON r.code = a.region_id"
                " WHERE a.program_id = %s AND r.level = 'village' ORDER BY a.region_id",
                (program.pk,),
            ).fetchall()
            with cur.copy(
                "COPY funds_transfer (program_id, kind, region_id, stage, transferred_on, amount, reference,"
                " evidence, reason, posted_at) FROM STDIN"
            ) as copy:
                for i, (village, amount) in enumerate(allocations):
                    if i % 2:
                        continue
                    day = date(program.fiscal_year, 4 + i % 6, 1 + i % 27)
                    copy.write_row(
                        (program.pk, "to_village", village, 1, day, amount, f"TRF/{village}", "", "", "now")
                    )
                    rows += 1
                    if i % 3 != 2:
                        paid = date(program.fiscal_year, day.month + 1, 10)
                        copy.write_row(
                            (program.pk, "to_bpjs", village, 1, paid, amount, f"IUR/{village}", "", "", "now")
                        )
                        rows += 1
        cur.execute("ANALYZE funds_transfer")
        conn.commit()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=1_100_000)
    parser.add_argument("--enrolments", type=int, default=1_000_000)
    parser.add_argument("--enrol-file-rows", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()
    name = f"jaring_bench_programs_{os.getpid()}"
    dsn = f"{POSTGRES}/{name}"
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = dsn
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaring.settings")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["DEBUG"] = "0"
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.test import Client

        from jaring.accounts.models import Organization, User
        from jaring.demo.seed import seed_demo
        from jaring.funds.models import Allocation
        from jaring.funds.services import allocations_from_quotas, transfer_post
        from jaring.programs.imports import enrolments_import
        from jaring.programs.services import EnrolmentRequest, enrolments_create, program_create
        from jaring.regions.services import regions_load
        from jaring.registry.models import Participant

        call_command("migrate", verbosity=0)
        regions_load(provinces={"15", "16", "17", "18", "19"})
        seed_demo(people=False)
        started = time.perf_counter()
        _fill(dsn, args.participants)
        emit(
            setup="participants copied",
            rows=args.participants,
            seconds=round(time.perf_counter() - started, 1),
        )

        # a. enrolment from a file -------------------------------------------------------
        bengkulu = Organization.objects.get(code="pemprov-bengkulu")
        common = {
            "actor": None,
            "payer": bengkulu,
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
            .values_list("id", "nik")[: args.enrol_file_rows]
        )
        funded = people[: len(people) // 10]
        enrolments_create(
            actor=None,
            program=other,
            requests=[
                EnrolmentRequest(p) for p in Participant.objects.filter(id__in=[i for i, _n in funded])
            ],
        )
        with tempfile.TemporaryDirectory() as workdir:
            path = Path(workdir) / "kepesertaan.csv"
            with open(path, "w", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow(["NIK", "KODE_PROGRAM"])
                writer.writerows([nik, target.code] for _id, nik in people)
            started = time.perf_counter()
            result = enrolments_import(actor=None, path=path)
            seconds = time.perf_counter() - started
        codes: dict[str, int] = {}
        for error in result.errors:
            codes[error.code] = codes.get(error.code, 0) + 1
        emit(
            step="enrol_from_file",
            rows=len(people),
            created=result.created,
            rejected=result.rejected,
            error_codes=codes,
            seconds=round(seconds, 2),
            rows_per_s=round(len(people) / seconds),
        )

        # b. the funnel of a province with 10 programs ------------------------------------
        jambi = Organization.objects.get(code="pemprov-jambi")
        programs = [
            program_create(
                actor=None,
                code=f"JAMBI-{n:02d}",
                name=f"Program Jambi {n}",
                source="BKBK" if n % 2 else "APBD_PROV",
                payer=jambi,
                fiscal_year=2025,
                starts_on=date(2025, 1, 1),
                coverage_months=12,
                budget_ceiling=1_585 * 75 * 12 * MONTHLY,
                target_region_codes=["15"],
                quotas={"miskin_ekstrem": 50, "pekerja_rentan": 25},
            )
            for n in range(1, 11)
        ]
        started = time.perf_counter()
        for program in programs:
            allocations_from_quotas(actor=None, program=program)
            for allocation in Allocation.objects.filter(program=program, region__level="regency"):
                transfer_post(
                    actor=None,
                    program=program,
                    kind="to_regency",
                    region_code=allocation.region_id,
                    transferred_on=date(2025, 3, 1),
                    amount=allocation.amount,
                    reference=f"SP2D/{allocation.region_id}",
                )
        transfers = _copy_village_transfers(dsn, programs)
        _copy_enrolments(dsn, programs, args.enrolments)
        emit(
            setup="10 programs, allocations, transfers and enrolments",
            enrolments=args.enrolments,
            village_transfers=transfers,
            seconds=round(time.perf_counter() - started, 1),
        )
        cases = [
            ("jambi.viewer", "/dana/", {}),
            ("jambi.viewer", "/dana/", {"wilayah": "15.04"}),
            ("batanghari.operator", "/dana/", {}),
            ("jambi.viewer", f"/program/{programs[0].pk}/", {}),
            ("jambi.viewer", "/api/v1/funnel", {}),
            ("admin", "/dana/", {}),
        ]
        for username, path, params in cases:
            client = Client()
            client.force_login(User.objects.get(username=username))
            emit(
                step="page",
                user=username,
                path=path,
                params=params,
                **_time(client, path, params, args.requests),
            )
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
