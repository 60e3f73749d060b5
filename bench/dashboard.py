"""Dashboards at national scale: the kept protection summary against a naive aggregate.

    .venv/bin/python bench/dashboard.py [--people 10000000] [--requests 40] [--naive-runs 2]

Issue 6's goal: with 10,000,000 participants, 83,762 villages and 12 months of
payments, province and national dashboards p95 at most 100 ms of server time, and at
least 50x faster than the same figures computed by a naive aggregate, in the same run.

Setup (PostgreSQL, a throwaway database, not timed but its seconds printed): every
region of the country; the demo users (jambi.viewer is a Jambi viewer, admin the
platform); ``--people`` participants COPYed over all 83,762 villages (village sizes
vary, every village has some; NIKs coded by district, birth date and sex as in
bench/participant_list.py; a few deceased and exited); one active 12-month 2025
program per province (``program_create``), one active enrolment per living person in
their province's program with the kept ``VillageEnrolmentCount`` rows; a yearly bill per
program (``bill_issue``) and 2025 paid months in bench/billing.py's patterns (paid all
year, stopped in June or September, a gap May-July, paid late in June, never paid), written by
INSERT ... SELECT; allocations and transfers for the money funnel; coverage figures for
every region for the 12 month ends of 2025 (bench/coverage.py's generator).

Timed:
1. ``summaries_refresh(on=2025-12-15)``: the kept summary rebuild.
2. The naive aggregate: the dashboard's figures straight from the registry and the
   paid months with ``protection_counts`` (Jambi: the province and each of its 11
   regencies; national: the country and each of the 38 provinces).
3. The summary read: ``protected_in`` + ``protected_children``, p50/p95.
4. The UCJ projection of Jambi (``monitoring.projection.ucj_projection``: the programs'
   paid months and the lines of the bills in force, one grouped query), p50/p95; the
   bills are dated as issued on 2 January 2025, before the day projected.
5. The pages ``/monev/`` for Jambi (jambi.viewer, with the projection panel) and the
   country (admin; no single region, no projection panel) through Django's test client,
   p50/p95 of server time.

Prints one JSON line per step and a summary line at the end.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from billing import _percentiles, emit
from coverage import _figures, _month_ends
from coverage import _fill as _fill_coverage
from coverage import _time as _time_page
from participant_list import POSTGRES

ON = date(2025, 12, 15)
JAMBI = "15"
YEAR_START = date(2025, 1, 1)


def _month(month: int) -> int:
    return 2025 * 12 + month - 1


# bench/billing.py's patterns, per thousand people: (from, to, first month, last month, paid on)
PAID_PATTERNS = [
    (0, 600, _month(1), _month(12), date(2025, 1, 10)),  # paid the whole year in January
    (600, 700, _month(1), _month(6), date(2025, 1, 10)),  # paid to June, then nothing: lapsed by December
    (700, 750, _month(1), _month(9), date(2025, 1, 10)),  # paid to September: in arrears in December
    (750, 850, _month(1), _month(4), date(2025, 1, 10)),  # a gap from May to July ...
    (750, 850, _month(8), _month(12), date(2025, 8, 5)),  # ... then paid again
    (850, 950, _month(1), _month(12), date(2025, 6, 10)),  # the year paid late, in June
    # 950-999: never paid
]


def _village_sizes(villages: list[str], people: int, rng: random.Random) -> list[int]:
    """People per village: every village at least one, the rest spread by a random weight
    (villages differ in size), adding up to ``people`` exactly."""
    if people < len(villages):
        raise SystemExit(f"--people must be at least the number of villages ({len(villages):,})")
    weights = [rng.uniform(0.3, 1.7) for _ in villages]
    extra, total = people - len(villages), sum(weights)
    sizes = [1 + int(extra * w / total) for w in weights]
    for index in rng.sample(range(len(villages)), people - sum(sizes)):
        sizes[index] += 1
    return sizes


def _fill_people(dsn: str, people: int, *, seed: int = 7) -> int:
    """COPY ``people`` participants over every village, district by district (NIK serials
    are counted per district, birth date and sex, so memory stays one district's worth).
    Rows are written as COPY text in chunks; nothing holds more than a chunk."""
    from gen_participants import FEMALE_FIRST, MALE_FIRST, OCCUPATION_WEIGHTS, SECOND

    from jaring.regions.models import Region

    villages = list(Region.objects.filter(level="village").order_by("code").values_list("code", flat=True))
    rng = random.Random(seed)
    sizes = _village_sizes(villages, people, rng)
    occupations = [o for o, weight in OCCUPATION_WEIGHTS.items() for _ in range(weight)]
    category_of = {"perangkat_desa": "perangkat_desa", "ketua_rt_rw": "rt_rw"}
    first_day = date(1962, 1, 1)
    days = [first_day + timedelta(days=n) for n in range(16000)]  # ages about 18 to 63
    births = [(d.isoformat(), f"{d.day:02d}{d:%m%y}", f"{d.day + 40:02d}{d:%m%y}") for d in days]
    male = [f"{a} {b}" for a in MALE_FIRST for b in SECOND]
    female = [f"{a} {b}" for a in FEMALE_FIRST for b in SECOND]
    stamp = "2025-01-02 08:00:00+07"
    written = 0
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        with cur.copy(
            "COPY registry_participant (nik, full_name, birth_date, sex, village_id, address, phone,"
            " occupation, category, dtsen_ref, kpj_number, status, died_on, created_at, updated_at)"
            " FROM STDIN"
        ) as copy:
            chunk: list[str] = []
            district, serials = "", {}
            random_ = rng.random
            for village, size in zip(villages, sizes, strict=True):
                if village[:6] != district:
                    district, serials = village[:6], {}
                for _ in range(size):
                    day = int(random_() * 16000)
                    female_ = random_() < 0.5
                    birth = births[day]
                    key = day * 2 + female_
                    serial = serials[key] = serials.get(key, 0) + 1
                    occupation = occupations[int(random_() * len(occupations))]
                    category = category_of.get(occupation)
                    if category is None:
                        roll = random_()
                        category = (
                            "miskin_ekstrem"
                            if roll < 0.35
                            else "pekerja_rentan"
                            if roll < 0.93
                            else "lainnya"
                        )
                    roll = random_()
                    if roll < 0.003:  # died in 2025
                        status, died_on = "deceased", date(2025, 1, 1) + timedelta(days=int(roll * 120_000))
                    elif roll < 0.005:
                        status, died_on = "exited", None
                    else:
                        status, died_on = "active", None
                    names = female if female_ else male
                    chunk.append(
                        f"{district}{birth[2 if female_ else 1]}{serial:04d}\t"
                        f"{names[int(random_() * len(names))]}\t{birth[0]}\t{'P' if female_ else 'L'}\t"
                        f"{village}\t\t\t{occupation}\t{category}\t\t\t{status}\t"
                        f"{died_on.isoformat() if died_on else chr(92) + 'N'}\t{stamp}\t{stamp}\n"
                    )
                    written += 1
                    if len(chunk) >= 5000:
                        copy.write("".join(chunk))
                        chunk = []
            if chunk:
                copy.write("".join(chunk))
        cur.execute("ANALYZE registry_participant")
        conn.commit()
    return written


def _programs() -> list:
    """One active 12-month 2025 program per province, each paid by a province government."""
    from jaring.accounts.models import Organization
    from jaring.accounts.services import organization_create
    from jaring.programs.services import program_create
    from jaring.regions.models import Region

    programs = []
    for code, name in Region.objects.filter(level="province").order_by("code").values_list("code", "name"):
        payer = Organization.objects.filter(kind="province", scope_code=code).order_by("pk").first()
        if payer is None:
            payer = organization_create(
                actor=None,
                code=f"pemprov-{code}",
                name=f"Pemerintah Provinsi {name}",
                kind="province",
                region_codes=[code],
            )
        programs.append(
            program_create(
                actor=None,
                code=f"JARING-{code}-2025",
                name=f"Jaring {name} 2025",
                source="APBD_PROV",
                payer=payer,
                fiscal_year=2025,
                starts_on=YEAR_START,
                coverage_months=12,
                budget_ceiling=10**14,
                target_region_codes=[code],
            )
        )
    return programs


def _copy_enrolments(dsn: str) -> int:
    """One active enrolment per living person in their province's program, and the kept
    counts (per program, village and category; the program's total) filled to match."""
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO programs_enrolment (program_id, participant_id, village_id, category, starts_on,"
            " status, end_reason, created_at)"
            " SELECT pr.id, p.id, p.village_id, p.category, pr.starts_on, 'active', '', now()"
            " FROM registry_participant p JOIN programs_program pr ON pr.region_code = left(p.village_id, 2)"
            " WHERE p.status NOT IN ('deceased', 'exited')"
        )
        count = cur.rowcount
        cur.execute(
            "INSERT INTO programs_villageenrolmentcount (program_id, village_id, category, active)"
            " SELECT program_id, village_id, category, count(*) FROM programs_enrolment"
            " WHERE status = 'active' GROUP BY program_id, village_id, category"
        )
        cur.execute(
            "UPDATE programs_program pr SET enrolled_active = c.n FROM (SELECT program_id, sum(active) n"
            " FROM programs_villageenrolmentcount GROUP BY program_id) c WHERE c.program_id = pr.id"
        )
        cur.execute("ANALYZE programs_enrolment")
        cur.execute("ANALYZE programs_villageenrolmentcount")
        conn.commit()
    return count


def _copy_paid_months(dsn: str) -> int:
    """One bench payment per bill and the 2025 paid months of every bill line, by
    pattern (a person's pattern drawn from a hash of their id), in one INSERT ... SELECT.
    Payments, bills and programs then carry the amounts paid and committed."""
    patterns = ", ".join(
        f"({low}, {high}, {first}, {last}, DATE '{paid_on}', {paid_on.year * 12 + paid_on.month - 1})"
        for low, high, first, last, paid_on in PAID_PATTERNS
    )
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO billing_payment (reference, kind, paid_on, amount, bill_id, allocated_rupiah,"
            " unallocated_rupiah, region_code, channel, reason, posted_at)"
            " SELECT 'BENCH/' || number, 'bill', '2025-01-10', 1, id, 0, 0, region_code, 'bench', '', now()"
            " FROM billing_bill"
        )
        cur.execute(
            "INSERT INTO billing_paidmonths (participant_id, province, line_id, payment_id, first_month,"
            " last_month, paid_on, paid_month, amount, void)"
            " SELECT l.participant_id, p.province, l.id, pay.id, s.first_month, s.last_month, s.paid_on,"
            " s.paid_month, (s.last_month - s.first_month + 1) * l.monthly_rupiah, false"
            " FROM billing_billline l JOIN billing_payment pay ON pay.bill_id = l.bill_id"
            " JOIN registry_participant p ON p.id = l.participant_id"
            f" JOIN (VALUES {patterns}) s(low, high, first_month, last_month, paid_on, paid_month)"
            " ON (l.participant_id::bigint * 2654435761) % 1000 >= s.low"
            " AND (l.participant_id::bigint * 2654435761) % 1000 < s.high"
        )
        rows = cur.rowcount
        cur.execute(
            "UPDATE billing_payment pay SET amount = s.total, allocated_rupiah = s.total"
            " FROM (SELECT payment_id, sum(amount) total FROM billing_paidmonths GROUP BY payment_id) s"
            " WHERE s.payment_id = pay.id"
        )
        cur.execute(
            "UPDATE billing_bill b SET paid_rupiah = pay.amount FROM billing_payment pay"
            " WHERE pay.bill_id = b.id AND pay.channel = 'bench'"
        )
        cur.execute(
            "UPDATE programs_program pr SET committed_rupiah = b.total_rupiah FROM billing_bill b"
            " WHERE b.program_id = pr.id"
        )
        cur.execute("ANALYZE billing_payment")
        cur.execute("ANALYZE billing_paidmonths")
        conn.commit()
    return rows


def _copy_money(dsn: str) -> dict:
    """The programs' money trail: an allocation per regency (a year of its enrolments'
    contributions), two halves to each regency and to each village, and quarterly
    contributions from each village to BPJS; one village in twenty has not paid the
    last quarter yet (idle money)."""
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(
            "CREATE TEMP TABLE bench_village_money AS SELECT c.program_id, c.village_id,"
            " sum(c.active)::bigint * 12 * 16800 AS yearly FROM programs_villageenrolmentcount c"
            " GROUP BY c.program_id, c.village_id"
        )
        cur.execute(
            "INSERT INTO funds_allocation (program_id, region_id, amount, derived_from_quota, updated_at)"
            " SELECT program_id, left(village_id, 4), sum(yearly), false, now() FROM bench_village_money"
            " GROUP BY program_id, left(village_id, 4)"
        )
        allocations = cur.rowcount
        transfers = 0
        columns = (
            "INSERT INTO funds_transfer (program_id, kind, region_id, stage, transferred_on, amount,"
            " reference, evidence, reason, posted_at)"
        )
        for stage, on, share in ((1, "2025-02-15", 0.5), (2, "2025-07-15", 0.5)):
            cur.execute(
                f"{columns} SELECT program_id, 'to_regency', region_id, {stage}, DATE '{on}',"
                f" greatest(1, (amount * {share})::bigint), 'SP2D/' || region_id || '/{stage}', '', '', now()"
                " FROM funds_allocation"
            )
            transfers += cur.rowcount
            cur.execute(
                f"{columns} SELECT program_id, 'to_village', village_id, {stage},"
                f" DATE '{on}' + 20, greatest(1, (yearly * {share})::bigint),"
                f" 'DESA/' || village_id || '/{stage}', '', '', now() FROM bench_village_money"
            )
            transfers += cur.rowcount
        for quarter, on in ((1, "2025-03-25"), (2, "2025-06-25"), (3, "2025-09-25"), (4, "2025-12-05")):
            late = " WHERE hashtext(village_id) % 20 <> 0" if quarter == 4 else ""
            cur.execute(
                f"{columns} SELECT program_id, 'to_bpjs', village_id, {quarter}, DATE '{on}',"
                f" greatest(1, yearly / 4), 'IURAN/' || village_id || '/{quarter}', '', '', now()"
                f" FROM bench_village_money{late}"
            )
            transfers += cur.rowcount
        cur.execute("ANALYZE funds_allocation")
        cur.execute("ANALYZE funds_transfer")
        conn.commit()
    return {"allocations": allocations, "transfers": transfers}


def _timed(function, runs: int) -> tuple[list[float], object]:
    """The seconds of ``runs`` calls (the first also warms the cache) and the result."""
    seconds, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        seconds.append(round(time.perf_counter() - started, 2))
    return seconds, result


def _sample_ms(function, n: int) -> dict:
    for _ in range(3):
        function()
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return _percentiles(samples)


def _queries(client, path: str, params: dict) -> dict:
    """One request's SQL: how many queries, their time, and the slowest three."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(path, params)
    times = sorted(((float(q["time"]), q["sql"]) for q in captured.captured_queries), reverse=True)
    return {
        "queries": len(times),
        "sql_ms": round(1000 * sum(t for t, _sql in times), 1),
        "slowest": [[round(1000 * t, 1), sql[:160]] for t, sql in times[:3]],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=10_000_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--naive-runs", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the database (debugging)")
    args = parser.parse_args()
    name = f"jaring_bench_dashboard_{os.getpid()}"
    dsn = f"{POSTGRES}/{name}"
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = dsn
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaring.settings")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["DEBUG"] = "0"
    # The summary is computed for ON, not today: pages must never queue a rebuild while timed.
    os.environ["JARING_SUMMARY_MAX_AGE_MINUTES"] = str(10**7)
    summary: dict = {"summary": "dashboard", "people": args.people}
    try:
        import django

        django.setup()
        from django.core.cache import cache
        from django.core.management import call_command
        from django.test import Client
        from django_tasks_db.models import DBTaskResult

        from jaring.accounts.models import User
        from jaring.alerts.services import alerts_refresh
        from jaring.billing.selectors import protection_counts
        from jaring.billing.services import bill_issue
        from jaring.demo.seed import seed_demo
        from jaring.funds.services import transfer_totals_rebuild
        from jaring.monitoring import summaries
        from jaring.regions.models import Region
        from jaring.regions.services import regions_load

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        regions_load()
        seed_demo(people=False)
        villages = Region.objects.filter(level="village").count()
        emit(
            setup="regions and demo users", villages=villages, seconds=round(time.perf_counter() - started, 1)
        )

        started = time.perf_counter()
        people = _fill_people(dsn, args.people)
        emit(setup="participants copied", people=people, seconds=round(time.perf_counter() - started, 1))

        started = time.perf_counter()
        programs = _programs()
        enrolled = _copy_enrolments(dsn)
        emit(
            setup="programs and enrolments",
            programs=len(programs),
            enrolments=enrolled,
            seconds=round(time.perf_counter() - started, 1),
        )

        started = time.perf_counter()
        lines = 0
        for program in programs:
            lines += bill_issue(actor=None, program=program, first_month=YEAR_START, months=12).people
        with psycopg.connect(dsn, autocommit=True) as conn:
            # Issued at the start of the year: the projection of ON counts the bills standing then.
            conn.execute("UPDATE billing_bill SET issued_at = '2025-01-02 08:00:00+07'")
            conn.execute("ANALYZE billing_billline")
        emit(
            setup="yearly bills issued",
            bills=len(programs),
            lines=lines,
            seconds=round(time.perf_counter() - started, 1),
        )

        started = time.perf_counter()
        spans = _copy_paid_months(dsn)
        emit(setup="paid months", rows=spans, seconds=round(time.perf_counter() - started, 1))

        started = time.perf_counter()
        money = _copy_money(dsn)
        money["transfer_totals"] = transfer_totals_rebuild()  # what posting keeps, after a bulk load
        codes = list(Region.objects.filter(level="village").values_list("code", flat=True))
        rows = _fill_coverage(dsn, _figures(codes, _month_ends(12, date(2025, 12, 31))))
        del codes
        emit(
            setup="money and coverage figures",
            **money,
            coverage_rows=rows,
            seconds=round(time.perf_counter() - started, 1),
        )
        started = time.perf_counter()
        sweep = alerts_refresh(today=ON)
        emit(setup="alerts swept", raised=sweep.raised, seconds=round(time.perf_counter() - started, 1))
        started = time.perf_counter()
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")  # as autovacuum would have by the time anybody looks
            size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
        emit(
            setup="vacuum analyze",
            database_gb=round(size / 2**30, 1),
            seconds=round(time.perf_counter() - started, 1),
        )
        summary.update(villages=villages, paid_month_rows=spans)

        # 1. the kept summary ------------------------------------------------------------------
        refresh = summaries.summaries_refresh(on=ON)
        summary["refresh_s"] = refresh.seconds
        emit(step="summaries_refresh", on=ON, regions=refresh.regions, seconds=refresh.seconds)

        viewer = User.objects.get(username="jambi.viewer")
        admin = User.objects.get(username="admin")
        jambi_regencies = list(
            Region.objects.filter(level="regency", code__startswith=JAMBI)
            .order_by("code")
            .values_list("code", flat=True)
        )
        provinces = list(
            Region.objects.filter(level="province").order_by("code").values_list("code", flat=True)
        )
        views = [
            ("province", viewer, JAMBI, jambi_regencies),
            ("national", admin, None, provinces),
        ]

        for label, user, region, children in views:
            # 2. the naive aggregate: the same figures from the registry and the paid months
            def naive(user=user, region=region, children=children):
                scope = None if region is None else user
                return (
                    protection_counts(scope, ON, region=region or ""),
                    {code: protection_counts(scope, ON, region=code) for code in children},
                )

            runs_s, (total, by_child) = _timed(naive, args.naive_runs)
            naive_s = min(runs_s)
            emit(
                step="naive_aggregate",
                view=label,
                queries=2 * (1 + len(children)),
                runs_s=runs_s,
                seconds=naive_s,
                counts=total,
            )

            # 3. the summary read ---------------------------------------------------------------
            def read(user=user, region=region):
                return summaries.protected_in(user, region), summaries.protected_children(user, region)

            kept, kept_children = read()
            same = all(getattr(kept, s) == total[s] for s in summaries.STATUSES) and all(
                getattr(kept_children[code], s) == by_child[code][s]
                for code in children
                for s in summaries.STATUSES
            )
            timing = _sample_ms(read, args.requests)
            ratio = round(naive_s * 1000 / timing["p95_ms"])
            emit(
                step="summary_read",
                view=label,
                children=len(kept_children),
                same_figures=same,
                **timing,
                naive_over_p95=ratio,
            )
            summary[f"naive_{label}_s"] = round(naive_s, 2)
            summary[f"read_{label}_ms"] = [timing["p50_ms"], timing["p95_ms"]]
            summary[f"ratio_read_{label}"] = ratio

        # 4. the UCJ projection ------------------------------------------------------------------
        from jaring.monitoring.projection import ucj_projection

        jambi = Region.objects.get(code=JAMBI)
        projected = ucj_projection(viewer, jambi, ON).as_dict()
        timing = _sample_ms(lambda: ucj_projection(viewer, jambi, ON), args.requests)
        emit(step="ucj_projection", view="province", **timing, projection=projected)
        summary["ucj_projection_province_ms"] = [timing["p50_ms"], timing["p95_ms"]]

        # 5. the pages --------------------------------------------------------------------------
        cache.set(summaries.REFRESH_QUEUED_KEY, True, timeout=None)  # no rebuild queued while timed
        queued = DBTaskResult.objects.count()
        pages = [
            ("province", "jambi.viewer", {"wilayah": JAMBI, "tanggal": ON.isoformat()}),
            ("national", "admin", {"tanggal": ON.isoformat()}),
        ]
        for label, username, params in pages:
            client = Client()
            client.force_login(User.objects.get(username=username))
            timing = _time_page(client, "/monev/", params, args.requests)
            ratio = round(summary[f"naive_{label}_s"] * 1000 / timing["p95_ms"])
            emit(
                step="page",
                view=label,
                user=username,
                path="/monev/",
                params=params,
                **timing,
                naive_over_p95=ratio,
            )
            emit(step="page_sql", view=label, **_queries(client, "/monev/", params))
            summary[f"page_{label}_ms"] = [timing["p50_ms"], timing["p95_ms"]]
            summary[f"ratio_page_{label}"] = ratio
        summary["tasks_queued_while_timed"] = DBTaskResult.objects.count() - queued
        emit(**summary)
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep:
            emit(kept_database=name)
        else:
            with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
