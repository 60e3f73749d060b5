"""A program's DTSEN proposal for the whole of Jambi on PostgreSQL (issue 14's figure).

    .venv/bin/python bench/targeting.py [--people 3700000] [--enrolled 100000] [--runs 5]

Creates a throwaway database with Jambi's 1,585 villages and wards, a DTSEN edition of
``--people`` people (3,700,000 is about Jambi's population; the extract lists each
village's families together, as the ministry's extracts do; deciles 1-10, ages 10-80,
a third working, occupations drawn from the registry's), ``--enrolled`` of them
registered and enrolled in a BKBK program with 50 extreme poor + 25 vulnerable
workers per village (so part of its places are taken) and as many again on BPJS's
active list. Then times, through the real selectors:

a. ``proposal`` for the province officer over all 1,585 villages (goal: under 5 s);
b. the proposal page of the province, a regency and one village through Django's test
   client (server time, p50/p95).

Generated rows are COPYed (not timed). Prints one JSON line per step.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
from datetime import date, timedelta

import psycopg

POSTGRES = "postgres://postgres@127.0.0.1:5432"
ON = date(2025, 6, 30)
OCCUPATIONS = ["petani", "pekebun", "nelayan", "pedagang", "buruh_harian", "ojek_pengemudi", "lainnya"]
DECILE_WEIGHTS = [14, 12, 11, 10, 10, 9, 9, 9, 8, 8]


def emit(**figures) -> None:
    print(json.dumps(figures), flush=True)


def _people(villages: list[str], n: int, seed: int = 14):
    rng = random.Random(seed)
    deciles = rng.choices(range(1, 11), weights=DECILE_WEIGHTS, k=n)
    for i in range(n):
        village = villages[i * len(villages) // n]  # an extract lists a village's families together
        born = date(1945, 1, 1) + timedelta(days=rng.randrange(70 * 365))
        working = rng.random() < 0.35
        yield (
            i + 2,  # row
            f"15{i:014d}",
            f"Orang {i}",
            born,
            "L" if i % 2 else "P",
            "15",
            village,
            f"KK-{i // 4}",
            deciles[i],
            rng.choice(OCCUPATIONS) if working or rng.random() < 0.3 else "",
            working,
        )


def _fill(dsn: str, edition, villages: list[str], people: int) -> None:
    """The edition's people COPYed into its own table, attached as an import does."""
    from jaring.targeting.partitions import attach_people_table, create_people_table

    edition_id = edition.pk
    table = create_people_table(edition)
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        with cur.copy(
            f"COPY {table} (row, nik, full_name, birth_date, sex, province_code, village_id,"
            " family_id, decile, occupation, working, edition_id) FROM STDIN"
        ) as copy:
            for row in _people(villages, people):
                copy.write_row((*row, edition_id))
        cur.execute("UPDATE targeting_dtsenedition SET people = %s WHERE id = %s", (people, edition_id))
        conn.commit()
    attach_people_table(edition)


def _enrol(dsn: str, program, enrolled: int, active_list_id: int) -> None:
    """The first ``enrolled`` people of deciles 1-4 aged 15-65 registered and enrolled
    (up to the village quotas), as many again on BPJS's active list."""
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO registry_participant (nik, full_name, birth_date, sex, village_id, address, phone,"
            " occupation, category, dtsen_ref, welfare_decile, kpj_number, status, created_at, updated_at)"
            " SELECT nik, full_name, birth_date, sex, village_id, '', '', coalesce(nullif(occupation, ''),"
            " 'lainnya'), CASE WHEN decile = 1 THEN 'miskin_ekstrem' ELSE 'pekerja_rentan' END, family_id,"
            " decile, '', 'registered', now(), now() FROM targeting_dtsenperson"
            " WHERE decile <= 4 AND birth_date BETWEEN '1960-07-01' AND '2010-06-30'"
            " AND (decile = 1 OR (working AND occupation <> 'lainnya' AND occupation <> ''))"
            " ORDER BY id LIMIT %s",
            (enrolled,),
        )
        cur.execute(
            "INSERT INTO programs_enrolment (program_id, participant_id, village_id, category, starts_on,"
            " status, end_reason, committed_rupiah, created_at)"
            " SELECT %s, id, village_id, category, %s, 'active', '', 201600, now() FROM ("
            "  SELECT p.*, row_number() OVER (PARTITION BY village_id, category ORDER BY id) AS n"
            "  FROM registry_participant p) ranked"
            " WHERE n <= CASE WHEN category = 'miskin_ekstrem' THEN 30 ELSE 15 END",
            (program.pk, program.starts_on),
        )
        cur.execute(
            "INSERT INTO programs_villageenrolmentcount (program_id, village_id, category, active)"
            " SELECT program_id, village_id, category, count(*) FROM programs_enrolment"
            " GROUP BY program_id, village_id, category"
        )
        cur.execute(
            "UPDATE programs_program p SET enrolled_active = c.n, committed_rupiah = c.n * 201600"
            " FROM (SELECT program_id, count(*) n FROM programs_enrolment GROUP BY program_id) c"
            " WHERE c.program_id = p.id"
        )
        cur.execute(
            "INSERT INTO targeting_bpjsactiveperson (active_list_id, nik, active_on, province_code)"
            " SELECT %s, nik, '2025-01-01', '15'"
            " FROM targeting_dtsenperson WHERE decile <= 4 ORDER BY id DESC LIMIT %s",
            (active_list_id, enrolled),
        )
        cur.execute("ANALYZE")
        conn.commit()


def _time(work, runs: int) -> dict:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - started)
    return {
        "runs": runs,
        "p50_s": round(statistics.median(seconds), 3),
        "max_s": round(max(seconds), 3),
    }


def measure(program, runs: int) -> None:
    """Time the proposal and its pages (the database is set up)."""
    from django.test import Client

    from jaring.accounts.models import User
    from jaring.targeting.proposals import proposal

    officer = User.objects.select_related("organization").get(username="jambi.operator")
    found = proposal(officer, program, ON)
    emit(
        step="proposal, all of Jambi",
        villages=len(found.villages),
        candidates=found.candidates,
        already_protected=found.already_protected,
        free_quota=found.free_quota,
        proposed=found.proposed,
        **_time(lambda: proposal(officer, program, ON), runs),
        goal_s=5,
    )
    regency = User.objects.select_related("organization").get(username="batanghari.operator")
    emit(
        step="proposal, Batanghari",
        **_time(lambda: proposal(regency, program, ON, region="15.04"), runs),
    )
    village = next(v.village for v in found.villages if v.candidates)
    for label, username, region in [
        ("page, province", "jambi.operator", ""),
        ("page, regency", "batanghari.operator", "15.04"),
        ("page, village", "batanghari.operator", village),
    ]:
        client = Client()
        client.force_login(User.objects.get(username=username))
        params = {"program": program.pk, "tanggal": f"{ON:%d/%m/%Y}", "wilayah": region}

        def page(client=client, params=params):
            assert client.get("/sasaran/usulan/", params).status_code == 200

        emit(step=label, **_time(page, runs))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=3_700_000)
    parser.add_argument("--enrolled", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", metavar="NAME", help="keep the database NAME (reused when it exists)")
    args = parser.parse_args()
    name = args.keep or f"jaring_bench_targeting_{os.getpid()}"
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        reuse = bool(args.keep and found)
        if not reuse:
            conn.execute(f'CREATE DATABASE "{name}"')
    dsn = f"{POSTGRES}/{name}"
    os.environ["DATABASE_URL"] = dsn
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaring.settings")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    try:
        import django

        django.setup()
        from django.core.management import call_command

        from jaring.accounts.models import Organization
        from jaring.demo.seed import seed_demo
        from jaring.programs.services import program_create
        from jaring.regions.models import Region
        from jaring.regions.services import regions_load
        from jaring.targeting.models import BpjsActiveList, DtsenEdition

        call_command("migrate", verbosity=0)
        if reuse:
            from jaring.programs.models import Program

            measure(Program.objects.get(code="BKBK-BENCH"), args.runs)
            return
        regions_load(provinces={"15", "16", "17", "18", "19"})
        seed_demo(people=False)
        villages = list(
            Region.objects.filter(level="village", code__startswith="15")
            .order_by("code")
            .values_list("code", flat=True)
        )
        province = Organization.objects.get(code="pemprov-jambi")
        edition = DtsenEdition.objects.create(
            edition=date(2025, 3, 1),
            scope_code="15",
            organization=province,
            file_name="bench.csv",
            file_sha256="0",
        )
        active = BpjsActiveList.objects.create(
            listed_on=date(2025, 6, 1),
            scope_code="15",
            organization=province,
            file_name="aktif.csv",
            file_sha256="0",
        )
        program = program_create(
            actor=None,
            code="BKBK-BENCH",
            name="BKBK Jambi (bench)",
            source="BKBK",
            payer=province,
            fiscal_year=2025,
            starts_on=date(2025, 1, 1),
            coverage_months=12,
            budget_ceiling=30_000_000_000,
            target_region_codes=["15"],
            quotas={"miskin_ekstrem": 50, "pekerja_rentan": 25},
        )
        started = time.perf_counter()
        _fill(dsn, edition, villages, args.people)
        _enrol(dsn, program, args.enrolled, active.pk)
        program.refresh_from_db()
        emit(
            setup="edition copied",
            villages=len(villages),
            people=args.people,
            enrolled=program.enrolled_active,
            seconds=round(time.perf_counter() - started, 1),
        )

        measure(program, args.runs)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
