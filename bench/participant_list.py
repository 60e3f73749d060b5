"""Participant list page and API with 1,000,000 participants on PostgreSQL.

    .venv/bin/python bench/participant_list.py [--rows 1000000] [--requests 60]

Creates a throwaway database, loads Jambi and Bengkulu, COPYs N participants spread
over their villages, creates the demo users, then times server-side requests through
Django's test client (no network) for several roles and filters, and prints p50/p95
per case as JSON lines. The goal (issue 3) is p95 under 100 ms.
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

import psycopg

POSTGRES = "postgres://postgres@127.0.0.1:5432"


def _fill(dsn: str, rows: int) -> None:
    from jaring.regions.models import Region

    villages = [
        code
        for code in Region.objects.filter(level="village").values_list("code", flat=True)
        if code[:2] in ("15", "17")  # Jambi and Bengkulu
    ]
    rng = random.Random(7)
    serial: dict = {}
    occupations = ["petani", "pekebun", "nelayan", "pedagang", "buruh_harian", "ojek_pengemudi"]
    categories = ["miskin_ekstrem", "pekerja_rentan", "lainnya"]
    names = ["Ahmad", "Budi", "Siti", "Dewi", "Rahmat", "Yusuf", "Aminah", "Hendra", "Rina", "Joko"]
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        with cur.copy(
            "COPY registry_participant (nik, full_name, birth_date, sex, village_id, address, phone,"
            " occupation, category, dtsen_ref, kpj_number, status, created_at, updated_at) FROM STDIN"
        ) as copy:
            now = "2026-11-23 00:00:00+07"
            for i in range(rows):
                village = villages[i % len(villages)]
                birth = date(1962, 1, 1) + timedelta(days=rng.randrange(0, 16000))
                female = rng.random() < 0.5
                key = (village[:6], birth)
                serial[key] = serial.get(key, 0) + 1
                nik = f"{village[:6]}{birth.day + (40 if female else 0):02d}{birth:%m%y}{serial[key]:04d}"
                name = f"{rng.choice(names)} {rng.choice(names)}son{i % 97}"
                copy.write_row(
                    (
                        nik,
                        name,
                        birth,
                        "P" if female else "L",
                        village,
                        "",
                        "",
                        rng.choice(occupations),
                        rng.choice(categories),
                        "",
                        "",
                        "registered",
                        now,
                        now,
                    )
                )
        cur.execute("ANALYZE registry_participant")
        conn.commit()


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
        "p95_ms": round(samples[int(0.95 * len(samples)) - 1], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()
    name = f"jaring_bench_list_{os.getpid()}"
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
        from jaring.regions.services import regions_load

        call_command("migrate", verbosity=0)
        regions_load(provinces={"15", "16", "17", "18", "19"})  # the demo Kanwil spans 15-19
        seed_demo(people=False)
        started = time.perf_counter()
        _fill(f"{POSTGRES}/{name}", args.rows)
        print(
            json.dumps(
                {
                    "setup": "participants copied",
                    "rows": args.rows,
                    "seconds": round(time.perf_counter() - started, 1),
                }
            )
        )
        cases = [
            ("jambi.viewer", "/peserta/", {}),
            ("jambi.viewer", "/peserta/", {"kategori": "miskin_ekstrem", "wilayah": "15.04"}),
            ("jambi.viewer", "/api/v1/participants", {"limit": 50}),
            ("desa.operator", "/peserta/", {}),
            ("desa.operator", "/api/v1/participants", {"limit": 50}),
            (
                "batanghari.operator",
                "/api/v1/participants",
                {"status": "registered", "occupation": "nelayan"},
            ),
            ("admin", "/peserta/", {}),
            ("jambi.viewer", "/peserta/", {"q": "1504011"}),
            ("jambi.viewer", "/peserta/", {"q": "rahmat"}),
            ("jambi.viewer", "/api/v1/participants", {"q": "siti dewison5"}),
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
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
