"""Claims and benefits on PostgreSQL (issue 5's claims half).

    .venv/bin/python bench/claims.py [--participants 300000] [--claims 200000]
        [--workflow 200] [--requests 40]

a. The pure benefit quote (``benefits.quote_benefit``, rules in memory) and the quote
   from the database rule table (``selectors.benefit_quote``): microseconds per quote.
b. One claim through the whole workflow (report with documents, documents complete,
   verify with the death recorded by billing, pay) for ``--workflow`` people of a program
   billed and paid through billing's services: milliseconds per claim and per step.
c. With ``--claims`` claims in Jambi and Bengkulu (COPYed, not timed; mostly paid, some
   open and rejected), p50/p95 of server time through Django's test client for the
   claim inbox, its filters and export, the benefits report (per regency, drilled to a
   regency) and the API, and ``benefits_paid`` (the dashboards' selector) for a province
   and a year. Goal p95 < 300 ms for pages.

Prints one JSON line per step.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from participant_list import POSTGRES, _fill, _time  # the same generated registry


def emit(**figures) -> None:
    print(json.dumps(figures, default=str), flush=True)


def _ms(samples: list[float]) -> dict:
    samples = sorted(samples)
    return {
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[max(int(0.95 * len(samples)) - 1, 0)], 2),
    }


KINDS = [  # (kind, total, share of claims)
    ("jkm", 42_000_000, 70),
    ("jkk_death", 70_000_000, 10),
    ("jkk_injury", 3_000_000, 12),
    ("jkk_total_disability", 56_000_000, 3),
    ("jkk_partial_disability", 8_000_000, 5),
]


def _copy_claims(dsn: str, total: int) -> int:
    """``total`` claims, one per participant: four in five paid (with a payment date in
    2024-2025 and 3-60 days from report to payment), the rest open or rejected."""
    rng = random.Random(11)
    weighted = [k for k in KINDS for _ in range(k[2])]
    statuses = ["paid"] * 80 + ["reported"] * 8 + ["documents_complete"] * 5 + ["verified"] * 3
    statuses += ["rejected"] * 4
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        people = cur.execute(
            "SELECT id, village_id FROM registry_participant ORDER BY id LIMIT %s", (total,)
        ).fetchall()
        with cur.copy(
            "COPY claims_claim (participant_id, village_id, kind, status, event_date, event_place,"
            " description, protection_status, quote_total, quote_lines, quote_scholarships, quote_notes,"
            " quote_income, quote_membership_months, scholarship_children, scholarship_rupiah, paid_on,"
            " paid_rupiah, recipient_name, recipient_bank, recipient_account, payment_reference,"
            " days_to_payment, rejection_reason, reported_on, verified_on, created_at) FROM STDIN"
        ) as copy:
            for person_id, village in people:
                kind, amount, _share = rng.choice(weighted)
                status = rng.choice(statuses)
                event = date(2024, 1, 1) + timedelta(days=rng.randrange(0, 690))
                reported = event + timedelta(days=rng.randrange(1, 10))
                children = rng.choice([0, 0, 0, 1, 2]) if kind in ("jkm", "jkk_death") else 0
                scholarship = children * 1_500_000
                decided = status in ("verified", "paid")
                days = rng.randrange(3, 60)
                paid_on = reported + timedelta(days=days) if status == "paid" else None
                lines = json.dumps([{"component": "lump_sum", "rupiah": amount + scholarship}])
                copy.write_row(
                    (
                        person_id,
                        village,
                        kind,
                        status,
                        event,
                        "Desa",
                        "Data uji",
                        "active",
                        amount + scholarship if decided else None,
                        lines if decided else "[]",
                        "[]",
                        "[]",
                        1_000_000 if decided else None,
                        24 if decided else None,
                        children if decided else 0,
                        scholarship if decided else 0,
                        paid_on,
                        amount + scholarship if paid_on else None,
                        "Ahli waris" if paid_on else "",
                        "BRI" if paid_on else "",
                        "0012345678" if paid_on else "",
                        "",
                        days if paid_on else None,
                        "Tidak terlindungi" if status == "rejected" else "",
                        reported,
                        reported + timedelta(days=2) if decided else None,
                        "now",
                    )
                )
        cur.execute("ANALYZE claims_claim")
        conn.commit()
    return len(people)


def _workflow(count: int) -> None:
    from django.core.files.base import ContentFile

    from jaring.accounts.models import Organization
    from jaring.billing.services import bill_issue, payment_record
    from jaring.claims import services, workflow
    from jaring.claims.services import DocumentInput, HeirInput
    from jaring.programs.models import Enrolment
    from jaring.programs.services import EnrolmentRequest, enrolments_create, program_create
    from jaring.registry.models import Participant

    program = program_create(
        actor=None,
        code="BENCH-KLAIM-2025",
        name="Bench klaim",
        source="BKBK",
        payer=Organization.objects.get(code="pemprov-jambi"),
        fiscal_year=2025,
        starts_on=date(2025, 1, 1),
        coverage_months=12,
        budget_ceiling=10**13,
        target_region_codes=["15"],
    )
    taken = Enrolment.objects.values("participant_id")
    people = list(
        Participant.objects.filter(village_id__gte="15", village_id__lt="16")
        .exclude(id__in=taken)
        .exclude(claims__isnull=False)
        .order_by("-id")[:count]
    )
    enrolments_create(actor=None, program=program, requests=[EnrolmentRequest(p) for p in people])
    bill = bill_issue(actor=None, program=program, first_month=date(2025, 1, 1), months=12)
    payment_record(
        actor=None, reference="BENCH-IURAN", paid_on=date(2025, 1, 10), amount=bill.total_rupiah, bill=bill
    )
    steps: dict[str, list[float]] = {
        "report": [],
        "documents_complete": [],
        "verify": [],
        "pay": [],
        "total": [],
    }
    pdf = b"%PDF-1.4\n% bench\n%%EOF\n"
    for n, person in enumerate(people):
        started = time.perf_counter()
        claim = services.claim_report(
            actor=None,
            participant=person,
            kind="jkm",
            event_date=date(2025, 6, 14),
            event_place="Rumah",
            description="Meninggal",
            heirs=[
                HeirInput(
                    "Ahli waris", "spouse", f"{person.nik[:12]}9{n % 1000:03d}", "BRI", "0012345678", "Ahli"
                )
            ],
            documents=[
                DocumentInput(kind, ContentFile(pdf, name=f"{kind}.pdf"))
                for kind in workflow.REQUIRED_DOCUMENTS["jkm"]
            ],
            reported_on=date(2025, 6, 15),
        )
        t1 = time.perf_counter()
        services.claim_documents_complete(actor=None, claim=claim, on=date(2025, 6, 16))
        t2 = time.perf_counter()
        claim = services.claim_verify(actor=None, claim=claim, on=date(2025, 6, 18))
        t3 = time.perf_counter()
        services.claim_pay(
            actor=None,
            claim=claim,
            paid_on=date(2025, 6, 25),
            amount=claim.quote_total,
            recipient_heir=claim.heirs.get(),
        )
        t4 = time.perf_counter()
        for name, seconds in [
            ("report", t1 - started),
            ("documents_complete", t2 - t1),
            ("verify", t3 - t2),
            ("pay", t4 - t3),
            ("total", t4 - started),
        ]:
            steps[name].append(seconds * 1000)
    emit(step="workflow", claims=len(people), **{name: _ms(samples) for name, samples in steps.items()})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=300_000)
    parser.add_argument("--claims", type=int, default=200_000)
    parser.add_argument("--workflow", type=int, default=200)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    name = f"jaring_bench_claims_{os.getpid()}"
    dsn = f"{POSTGRES}/{name}"
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = dsn
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaring.settings")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("JARING_VAR_DIR", f"/tmp/{name}")
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.test import Client

        from jaring.accounts.models import User
        from jaring.claims import benefits, selectors
        from jaring.demo.seed import seed_demo
        from jaring.regions.services import regions_load

        call_command("migrate", verbosity=0)
        regions_load(provinces={"15", "16", "17", "18", "19"})
        seed_demo(people=False)

        # a. quotes ----------------------------------------------------------------------
        rules, levels = selectors.benefit_rule_table(), selectors.scholarship_table()
        children = [benefits.Child("SD", 3), benefits.Child("SMP", 1)]
        started = time.perf_counter()
        for n in range(20_000):
            benefits.quote_benefit(
                rules,
                levels,
                kind="jkk_death",
                income=1_000_000 + n,
                event_date=date(2025, 6, 14),
                children=children,
            )
        pure = (time.perf_counter() - started) / 20_000
        started = time.perf_counter()
        for _ in range(500):
            selectors.benefit_quote(kind="jkm", income=1_000_000, event_date=date(2025, 6, 14))
        database = (time.perf_counter() - started) / 500
        emit(step="quote", pure_us=round(pure * 1e6, 1), from_database_ms=round(database * 1000, 2))

        started = time.perf_counter()
        _fill(dsn, args.participants)
        emit(
            setup="participants copied",
            rows=args.participants,
            seconds=round(time.perf_counter() - started, 1),
        )

        # b. one claim through the workflow -------------------------------------------------
        _workflow(args.workflow)

        # c. pages and the dashboards' selector over many claims ---------------------------
        started = time.perf_counter()
        copied = _copy_claims(dsn, args.claims)
        emit(setup="claims copied", claims=copied, seconds=round(time.perf_counter() - started, 1))
        samples = []
        for _ in range(args.requests):
            started = time.perf_counter()
            selectors.benefits_paid("15", date(2025, 1, 1), date(2025, 12, 31))
            samples.append((time.perf_counter() - started) * 1000)
        emit(step="benefits_paid", region="15", year=2025, **_ms(samples))
        cases = [
            ("jambi.viewer", "/klaim/", {}),
            ("jambi.viewer", "/klaim/", {"status": "paid", "wilayah": "15.04", "urut": "-manfaat"}),
            ("jambi.viewer", "/klaim/", {"q": "Siti", "halaman": "3"}),
            ("batanghari.operator", "/klaim/", {}),
            ("jambi.viewer", "/klaim/laporan/", {}),
            (
                "jambi.viewer",
                "/klaim/laporan/",
                {"wilayah": "1504", "dari": "2025-01-01", "sampai": "2025-12-31"},
            ),
            ("admin", "/klaim/laporan/", {}),
            ("jambi.viewer", "/api/v1/claims", {"limit": "100"}),
            ("jambi.viewer", "/api/v1/benefits-report", {"date_from": "2025-01-01"}),
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
        client = Client()
        client.force_login(User.objects.get(username="batanghari.operator"))
        started = time.perf_counter()
        response = client.get("/klaim/ekspor.xlsx", {"status": "paid"})
        emit(
            step="export",
            user="batanghari.operator",
            bytes=len(response.content),
            seconds=round(time.perf_counter() - started, 2),
        )
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
