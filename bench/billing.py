"""Bills and protection status on PostgreSQL (issue 5's figures).

    .venv/bin/python bench/billing.py [--people 1000000] [--samples 300]

a. The monthly bill of a program with ``--people`` active enrolments, issued through
   ``bill_issue`` (every enrolment read, priced and written with COPY).
b. The protection status of all of them on a date with the set-based
   ``protection_counts`` (everybody; then a province officer's jurisdiction), and one
   page of the lapsed list.
c. One person's status through ``protection_on``: p50/p95 over ``--samples`` people.

Generated data (COPYed, not timed): the participants of bench/participant_list.py, one
active enrolment each, and paid months for 2025 in the patterns a province sees: paid
all year, stopped in September (arrears, then lapsed), a gap in mid-year (two spans),
paid late (arrears payable 3 months back), never paid. Goal: at most 60 s for
10,000,000 people by linear extrapolation. Prints one JSON line per step.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from participant_list import POSTGRES, _fill  # the same generated registry

TEN_MILLION = 10_000_000


def emit(**figures) -> None:
    print(json.dumps(figures, default=str), flush=True)


def _copy_enrolments(dsn: str, program) -> int:
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO programs_enrolment (program_id, participant_id, village_id, category, starts_on,"
            " status, end_reason, created_at)"
            " SELECT %s, id, village_id, category, %s, 'active', '', now() FROM registry_participant",
            (program.pk, program.starts_on),
        )
        count = cur.rowcount
        cur.execute("ANALYZE programs_enrolment")
        conn.commit()
    return count


def _copy_paid_months(dsn: str, *, bill_id: int) -> int:
    """Paid 2025 months per person, by pattern, through one bench payment."""
    m = lambda month: 2025 * 12 + month - 1  # noqa: E731
    rng = random.Random(5)
    rows = 0
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO billing_payment (reference, kind, paid_on, amount, bill_id, allocated_rupiah,"
            " unallocated_rupiah, region_code, channel, reason, posted_at)"
            " VALUES ('BENCH/1', 'bill', '2025-01-05', 1, %s, 0, 0, '15', 'bench', '', now()) RETURNING id",
            (bill_id,),
        )
        payment_id = cur.fetchone()[0]
        lines = cur.execute(
            "SELECT l.id, l.participant_id, p.province FROM billing_billline l"
            " JOIN registry_participant p ON p.id = l.participant_id WHERE l.bill_id = %s",
            (bill_id,),
        ).fetchall()
        with cur.copy(
            "COPY billing_paidmonths (participant_id, province, line_id, payment_id, first_month, last_month,"
            " paid_on, paid_month, amount, void) FROM STDIN"
        ) as copy:
            for line_id, person, province in lines:
                draw = rng.random()
                if draw < 0.60:  # paid the whole year in January
                    spans = [(m(1), m(12), date(2025, 1, 10))]
                elif draw < 0.75:  # paid to September, then nothing
                    spans = [(m(1), m(9), date(2025, 1, 10))]
                elif draw < 0.85:  # a gap from May to July
                    spans = [(m(1), m(4), date(2025, 1, 10)), (m(8), m(12), date(2025, 8, 5))]
                elif draw < 0.95:  # the year paid late, in June
                    spans = [(m(1), m(12), date(2025, 6, 10))]
                else:
                    spans = []  # never paid
                for first, last, paid_on in spans:
                    paid_month = paid_on.year * 12 + paid_on.month - 1
                    amount = (last - first + 1) * 16_800
                    copy.write_row(
                        (
                            person,
                            province,
                            line_id,
                            payment_id,
                            first,
                            last,
                            paid_on,
                            paid_month,
                            amount,
                            False,
                        )
                    )
                    rows += 1
        cur.execute("ANALYZE billing_paidmonths")
        conn.commit()
    return rows


def _percentiles(samples: list[float]) -> dict:
    samples.sort()
    return {
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[int(0.95 * len(samples)) - 1], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=300)
    args = parser.parse_args()
    name = f"jaring_bench_billing_{os.getpid()}"
    dsn = f"{POSTGRES}/{name}"
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = dsn
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaring.settings")
    os.environ["DEBUG"] = "0"
    try:
        import django

        django.setup()
        from django.core.management import call_command

        from jaring.accounts.models import Organization, User
        from jaring.billing.selectors import protection_counts, protection_on, protection_rows
        from jaring.billing.services import bill_issue
        from jaring.demo.seed import seed_demo
        from jaring.programs.services import program_create
        from jaring.regions.services import regions_load
        from jaring.registry.models import Participant

        call_command("migrate", verbosity=0)
        regions_load(provinces={"15", "16", "17", "18", "19"})
        seed_demo(people=False)
        started = time.perf_counter()
        _fill(dsn, args.people)
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
        emit(
            setup="participants and enrolments copied",
            people=enrolled,
            seconds=round(time.perf_counter() - started, 1),
        )

        # a. the monthly bill ---------------------------------------------------------------
        started = time.perf_counter()
        bill = bill_issue(actor=None, program=program, first_month=date(2025, 12, 1), months=1)
        seconds = time.perf_counter() - started
        emit(
            step="issue_monthly_bill",
            people=bill.people,
            lines=bill.person_months,
            total_rupiah=bill.total_rupiah,
            seconds=round(seconds, 2),
            extrapolated_10m_s=round(seconds * TEN_MILLION / bill.people, 1),
        )
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("ANALYZE billing_billline")
        spans = _copy_paid_months(dsn, bill_id=bill.pk)
        emit(setup="paid months copied", rows=spans)

        # b. everybody's status on a date -------------------------------------------------------
        for label, user, on in [
            ("all", None, date(2025, 12, 15)),
            ("all", None, date(2026, 2, 15)),
            ("jambi.viewer", User.objects.get(username="jambi.viewer"), date(2025, 12, 15)),
        ]:
            protection_counts(user, on)  # warm the cache once, as a server would be
            started = time.perf_counter()
            counts = protection_counts(user, on)
            seconds = time.perf_counter() - started
            emit(
                step="protection_counts",
                scope=label,
                on=on,
                people=sum(counts.values()),
                counts=counts,
                seconds=round(seconds, 2),
                extrapolated_10m_s=round(seconds * TEN_MILLION / max(sum(counts.values()), 1), 1),
            )
        viewer = User.objects.get(username="jambi.viewer")
        started = time.perf_counter()
        rows, _after = protection_rows(viewer, date(2026, 2, 15), "lapsed")
        emit(
            step="lapsed_list_first_page", rows=len(rows), ms=round((time.perf_counter() - started) * 1000, 1)
        )

        # c. one person's status -----------------------------------------------------------------
        ids = list(Participant.objects.values_list("id", flat=True)[: args.people])
        people = [Participant(pk=pk) for pk in random.Random(9).sample(ids, args.samples)]
        samples = []
        for person in people:
            started = time.perf_counter()
            protection_on(person, date(2025, 11, 20))
            samples.append((time.perf_counter() - started) * 1000)
        emit(step="protection_on_one_person", samples=len(samples), **_percentiles(samples))
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
