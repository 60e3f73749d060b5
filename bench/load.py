"""A bounded load test of the production server: a hundred officers at once on loopback.

    .venv/bin/python bench/load.py [--people 1000000] [--users 100] [--seconds 60] [--warmup 10]
        [--think 5,15] [--no-reports] [--workers 3] [--threads 8] [--conn-max-age 0]
        [--keep] [--database NAME]

The issue's goal: 100 concurrent users of mixed roles (village operators registering
and paying, officers reading dashboards, lists, exports and reports) against
``jaring serve`` on PostgreSQL with 1,000,000 participants, bounded in time, on
loopback: p95 at most 200 ms and no errors; throughput and p50/p95/p99 per page kind.

Setup (a throwaway database ``jaring_bench_load_{pid}``, not timed but its seconds
printed), with bench/dashboard.py's helpers: every region of the country (only the
Sumbagsel provinces 15-19 below 200,000 people) and the demo users; ``--people``
participants COPYed over every village; one active 12-month program of the current year
per province with its enrolments, its yearly bill (``bill_issue``) and the year's paid
months in bench/billing.py's patterns (the five months of the January payment and so on,
moved to this year: the server reads today); the money trail and twelve month ends of
coverage figures; the alert sweep, VACUUM ANALYZE and the protection summary of today.
Then the accounts: the demo users and, where a role needs more, village, regency,
province, BPJS branch and audit officers created through the accounts services (the
demo password). Village operators sit in the villages with the most unpaid months.

The server: ``jaring serve --workers W --threads T`` as a subprocess with
``JARING_ENV=production`` (DEBUG off, secure cookies, WhiteNoise over a collectstatic
into a temporary ``JARING_VAR_DIR``; the local Redis as the shared cache, emptied, when
one answers: ``REDIS_URL`` or database 14); every request carries ``X-Forwarded-Proto: https``
as nginx sends it, so nothing redirects to HTTPS and secure cookies are sent back.

The load (aiohttp, one event loop, in this process, so on the same two cores as the
server and PostgreSQL): ``--users`` simulated users, each logged in through the login
form with its own session (CSRF token, django-axes never sees a failure), looping over
its role's pages with ``--think`` seconds on each page (seeded; 5 to 15 by default, an
officer reading a dashboard or filling a form; ``--think 0.5,1.5`` is a stress test that
finds the throughput where the server saturates) for ``--warmup`` seconds not counted,
then ``--seconds`` counted. Roles (of 100): 40 village operators (home, their
village's list, a registration through ``POST /api/v1/participants`` with a new valid
NIK, the payment form and a person's month paid through it, the bill it lands on,
the ending-protection alerts, a person's protection page), 20 regency officers
(dashboard, filtered list and its page 2, the XLSX export of a district, lapsed people,
alert inbox), 20 province officers (dashboard, a regency's, the filtered list and page
2, the scorecard, every third round the monev report of a regency as PDF or XLSX),
10 BPJS officers (claims, bills, people in arrears, dashboard, money), 5 auditors
(audit trail and its page 2, the participant list, dashboard) and 5 platform admins
(national dashboard, list, bills, programs, money).

An error is an answer other than 2xx/3xx, a redirect to the login page, a form
answered without the redirect it makes on success, or a failed connection; the first
few are printed with their bodies. Prints one JSON line per setup step, one per page
kind (requests, errors, client p50/p95/p99, server-side p95 from the request log, slow
queries), the slowest queries, and a summary line. Drops the database unless --keep;
``--database`` runs again on a kept one (no data setup).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dashboard
from billing import _percentiles, emit
from coverage import _figures, _month_ends
from coverage import _fill as _fill_coverage
from participant_list import POSTGRES

ROOT = Path(__file__).resolve().parent.parent
JARING = ROOT / ".venv" / "bin" / "jaring"
SUMBAGSEL = {"15", "16", "17", "18", "19"}  # the demo's organizations lie here
ROLE_SHARES = {
    "village": 0.40,
    "regency": 0.20,
    "province": 0.20,
    "bpjs": 0.10,
    "auditor": 0.05,
    "national": 0.05,
}
THINK = (5.0, 15.0)  # seconds an officer spends on a page before the next (--think)
ERRORS_SHOWN = 5


def _seconds(started: float) -> float:
    return round(time.perf_counter() - started, 1)


# -- setup: the data --------------------------------------------------------------------------


def _programs_in(year: int) -> list:
    """bench/dashboard.py's programs (one per province), for ``year`` instead of 2025:
    its ``program_create`` calls shifted by the years between."""
    from jaring.programs import services

    create = services.program_create

    def shifted(**kwargs):
        kwargs.update(
            code=kwargs["code"].replace("2025", str(year)),
            name=kwargs["name"].replace("2025", str(year)),
            fiscal_year=year,
            starts_on=kwargs["starts_on"].replace(year=year),
        )
        return create(**kwargs)

    services.program_create = shifted
    try:
        return dashboard._programs()
    finally:
        services.program_create = create


def _paid_months_in(dsn: str, year: int) -> int:
    """bench/dashboard.py's paid months, in its patterns moved to ``year``."""
    shift = year - 2025
    patterns = dashboard.PAID_PATTERNS
    dashboard.PAID_PATTERNS = [
        (low, high, first + 12 * shift, last + 12 * shift, paid_on.replace(year=paid_on.year + shift))
        for low, high, first, last, paid_on in patterns
    ]
    try:
        rows = dashboard._copy_paid_months(dsn)
    finally:
        dashboard.PAID_PATTERNS = patterns
    with psycopg.connect(dsn, autocommit=True) as conn:  # the bench payments' own date, too
        conn.execute("UPDATE billing_payment SET paid_on = %s WHERE channel = 'bench'", (date(year, 1, 10),))
    return rows


def _money_in(dsn: str, year: int, today: date) -> dict:
    """bench/dashboard.py's money trail, its 2025 dates moved to ``year`` (never after today)."""
    money = dashboard._copy_money(dsn)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            "UPDATE funds_transfer SET transferred_on ="
            " least((transferred_on + make_interval(years => %s))::date, %s)",
            (year - 2025, today),
        )
    return money


def _setup_data(dsn: str, people: int, today: date) -> dict:
    from django.core.management import call_command

    from jaring.alerts.services import alerts_refresh
    from jaring.billing.services import bill_issue
    from jaring.demo.seed import seed_demo
    from jaring.funds.services import transfer_totals_rebuild
    from jaring.regions.models import Region
    from jaring.regions.services import regions_load

    year = today.year
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    regions_load(provinces=None if people >= 200_000 else SUMBAGSEL)
    seed_demo(people=False)
    villages = Region.objects.filter(level="village").count()
    emit(setup="regions and demo users", villages=villages, seconds=_seconds(started))

    started = time.perf_counter()
    written = dashboard._fill_people(dsn, people)
    emit(setup="participants copied", people=written, seconds=_seconds(started))

    started = time.perf_counter()
    programs = _programs_in(year)
    enrolled = dashboard._copy_enrolments(dsn)
    emit(
        setup="programs and enrolments",
        year=year,
        programs=len(programs),
        enrolments=enrolled,
        seconds=_seconds(started),
    )

    started = time.perf_counter()
    lines = 0
    for program in programs:
        lines += bill_issue(actor=None, program=program, first_month=date(year, 1, 1), months=12).people
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("UPDATE billing_bill SET issued_at = %s", (f"{year}-01-02 08:00:00+07",))
        conn.execute("ANALYZE billing_billline")
    emit(setup="yearly bills issued", bills=len(programs), lines=lines, seconds=_seconds(started))

    started = time.perf_counter()
    spans = _paid_months_in(dsn, year)
    emit(setup="paid months", rows=spans, seconds=_seconds(started))

    started = time.perf_counter()
    money = _money_in(dsn, year, today)
    money["transfer_totals"] = transfer_totals_rebuild()
    codes = list(Region.objects.filter(level="village").values_list("code", flat=True))
    last_month_end = today.replace(day=1) - timedelta(days=1)
    rows = _fill_coverage(dsn, _figures(codes, _month_ends(12, last_month_end)))
    del codes
    emit(setup="money and coverage figures", **money, coverage_rows=rows, seconds=_seconds(started))

    started = time.perf_counter()
    sweep = alerts_refresh(today=today)
    emit(setup="alerts swept", raised=sweep.raised, seconds=_seconds(started))
    return {"villages": villages, "people": written}


# -- setup: the accounts ----------------------------------------------------------------------


@dataclass
class Account:
    role: str
    username: str
    data: dict = field(default_factory=dict)


def _role_counts(users: int) -> dict[str, int]:
    """``users`` split by ROLE_SHARES (largest remainders), every role at least one from 6 users."""
    exact = {role: users * share for role, share in ROLE_SHARES.items()}
    counts = {role: int(value) for role, value in exact.items()}
    for role in sorted(exact, key=lambda r: exact[r] - counts[r], reverse=True)[
        : users - sum(counts.values())
    ]:
        counts[role] += 1
    if users >= len(ROLE_SHARES):
        for role in ROLE_SHARES:
            if not counts[role]:
                donor = max(counts, key=counts.get)
                counts[donor] -= 1
                counts[role] = 1
    return counts


def _officer(username: str, org: tuple[str, str, str, list[str]], role: str, can_audit: bool = False) -> str:
    """An officer of an organization (code, name, kind, regions), both created through the
    accounts services when missing; the demo password."""
    from jaring.accounts.models import User
    from jaring.accounts.selectors import organization_by_code
    from jaring.accounts.services import organization_create, user_create
    from jaring.demo.seed import DEMO_PASSWORD

    if not User.objects.filter(username=username).exists():
        code, name, kind, regions = org
        organization = organization_by_code(code) or organization_create(
            actor=None, code=code, name=name, kind=kind, region_codes=regions
        )
        user_create(
            actor=None,
            organization=organization,
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            can_audit=can_audit,
            full_name="Petugas Uji Beban",
        )
    return username


UNPAID_MONTHS = """
SELECT l.village_id, p.id, p.nik, m, l.monthly_rupiah
FROM billing_billline l
JOIN billing_bill b ON b.id = l.bill_id AND b.status = 'issued'
JOIN registry_participant p ON p.id = l.participant_id AND p.died_on IS NULL
CROSS JOIN LATERAL generate_series(l.first_month, l.last_month) m
WHERE l.village_id = ANY(%s)
  AND (l.billed_mask >> (m - (extract(year FROM b.period_start)::int * 12
       + extract(month FROM b.period_start)::int - 1))) & 1 = 1
  AND NOT EXISTS (
    SELECT 1 FROM billing_paidmonths pm
    WHERE pm.participant_id = l.participant_id AND NOT pm.void AND m BETWEEN pm.first_month AND pm.last_month)
"""


def _village_accounts(dsn: str, count: int, rng: random.Random, today: date) -> list[Account]:
    """Village operators in the villages with the most unpaid person-months (of the largest
    villages), each with its payments to make (a person and a month, shuffled), the billed
    people of the village and new NIKs to register (district, birth date and sex coded,
    serials from 5000 up, none already registered)."""
    from jaring.regions.models import Region

    with psycopg.connect(dsn) as conn:
        big = [
            code
            for (code,) in conn.execute(
                "SELECT village_id FROM registry_participant GROUP BY village_id"
                " ORDER BY count(*) DESC, village_id LIMIT %s",
                (max(50, 4 * count),),
            )
        ]
        unpaid: dict[str, list[tuple]] = defaultdict(list)
        for village, person, nik, month, monthly in conn.execute(UNPAID_MONTHS, (big,)):
            unpaid[village].append((person, nik, month, monthly))
        chosen = sorted(unpaid, key=lambda v: (-len(unpaid[v]), v))[:count]
        districts = sorted({v[:6] for v in chosen})
        taken = {
            nik
            for (nik,) in conn.execute(
                "SELECT nik FROM registry_participant WHERE left(nik, 6) = ANY(%s)"
                " AND right(nik, 4) >= '5000'",
                (districts,),
            )
        }
    names = dict(Region.objects.filter(code__in=chosen).values_list("code", "name"))
    accounts = []
    for index, village in enumerate(chosen):
        username = _officer(
            f"load.desa.{village}",
            (f"load-desa-{village}", f"Pemerintah Desa {names[village]}", "village", [village]),
            "operator",
        )
        months = unpaid[village]
        rng.shuffle(months)
        accounts.append(
            Account(
                "village",
                username,
                {
                    "village": village,
                    "payments": [(nik, month, monthly) for _person, nik, month, monthly in months],
                    "people": sorted({person for person, *_rest in months}),
                    "niks": _new_niks(village[:6], taken, random.Random(rng.random() + index), today),
                },
            )
        )
    return accounts


def _new_niks(district: str, taken: set[str], rng: random.Random, today: date, n: int = 400) -> list:
    """``n`` people to register in a district: a valid NIK each (the birth date, +40 for
    women, serial 5000-9999), aged 25 to 55 today, with a name of bench/gen_participants.py."""
    from gen_participants import FEMALE_FIRST, MALE_FIRST, SECOND

    found = []
    while len(found) < n:
        born = date(today.year - 55, 1, 1) + timedelta(days=rng.randrange(30 * 365))
        female = rng.random() < 0.5
        nik = f"{district}{born.day + (40 if female else 0):02d}{born:%m%y}{rng.randrange(5000, 10000):04d}"
        if nik in taken:
            continue
        taken.add(nik)
        first = rng.choice(FEMALE_FIRST if female else MALE_FIRST)
        found.append((nik, f"{first} {rng.choice(SECOND)}", born.isoformat(), "P" if female else "L"))
    return found


def _children(code: str, level: str) -> list[str]:
    from jaring.regions.models import Region

    return list(
        Region.objects.filter(level=level, code__startswith=code)
        .order_by("code")
        .values_list("code", flat=True)
    )


def _largest_district(dsn: str, regency: str) -> str:
    with psycopg.connect(dsn) as conn:
        row = conn.execute(
            "SELECT left(village_id, 6) d FROM registry_participant WHERE village_id LIKE %s"
            " GROUP BY d ORDER BY count(*) DESC, d LIMIT 1",
            (f"{regency}%",),
        ).fetchone()
    return row[0] if row else _children(regency, "district")[0]


def _accounts(dsn: str, users: int, rng: random.Random, today: date) -> list[Account]:
    """Every simulated user's account and what its scenario needs, demo users first."""
    from jaring.regions.models import Region

    counts = _role_counts(users)
    accounts = _village_accounts(dsn, counts["village"], rng, today)
    provinces = list(Region.objects.filter(level="province").order_by("code").values_list("code", flat=True))
    names = dict(Region.objects.filter(level__in=["province", "regency"]).values_list("code", "name"))

    # regency officers: the demo's two, then the regencies of the village operators, then any
    regencies = ["1504", "1571"]
    regencies += sorted({a.data["village"][:4] for a in accounts} - set(regencies))
    regencies += [r for p in provinces for r in _children(p, "regency") if r not in regencies]
    for index in range(counts["regency"]):
        regency = regencies[index % len(regencies)]
        username = {"1504": "batanghari.operator", "1571": "kotajambi.operator"}.get(regency) or _officer(
            f"load.kab.{regency}",
            (f"load-kab-{regency}", f"Pemerintah {names[regency]}", "regency", [regency]),
            "operator",
        )
        district = _largest_district(dsn, regency)
        accounts.append(Account("regency", username, {"regency": regency, "district": district}))

    # province officers: Jambi's three and Bengkulu's admin, then a viewer of each province
    demo = [("jambi.viewer", "15"), ("jambi.operator", "15"), ("jambi.admin", "15"), ("bengkulu.admin", "17")]
    others = [p for p in provinces if p not in ("15", "17")]
    for index in range(counts["province"]):
        if index < len(demo):
            username, province = demo[index]
        else:
            province = others[(index - len(demo)) % len(others)] if others else "15"
            username = _officer(
                f"load.prov.{province}",
                (f"pemprov-{province}", f"Pemerintah Provinsi {names[province]}", "province", [province]),
                "viewer",
            )
        accounts.append(
            Account("province", username, {"province": province, "regencies": _children(province, "regency")})
        )

    # BPJS: the demo's branch and regional office, then branch offices of two regencies each
    pairs = [
        regencies_of[i : i + 2]
        for p in provinces
        if p != "15"
        for regencies_of in [_children(p, "regency")]
        for i in (0, 2)
        if regencies_of[i : i + 2]
    ] or [["1504", "1505"]]
    for index in range(counts["bpjs"]):
        if index < 2:
            username = ("bpjs.tanjabbar", "bpjs.kanwil")[index]
        else:
            pair = pairs[(index - 2) % len(pairs)]
            username = _officer(
                f"load.kc.{pair[0]}",
                (f"load-kc-{pair[0]}", f"BPJS Ketenagakerjaan KC {names[pair[0]]}", "bpjs_branch", pair),
                "operator",
            )
        accounts.append(Account("bpjs", username))

    # auditors: the demo's (Jambi), then an auditor in each other province
    for index in range(counts["auditor"]):
        if index == 0:
            username = "auditor"
        else:
            province = others[(index - 1) % len(others)] if others else "15"
            username = _officer(
                f"load.audit.{province}",
                (f"pemprov-{province}", f"Pemerintah Provinsi {names[province]}", "province", [province]),
                "viewer",
                can_audit=True,
            )
        accounts.append(Account("auditor", username))

    # the platform admin, one session each
    accounts += [Account("national", "admin", {"provinces": provinces}) for _ in range(counts["national"])]
    return accounts


# -- the server --------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _server_env(dsn: str, port: int, var_dir: Path, conn_max_age: int) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        JARING_ENV="production",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=dsn,
        ALLOWED_HOSTS="127.0.0.1",
        CSRF_TRUSTED_ORIGINS=f"https://127.0.0.1:{port}",
        JARING_VAR_DIR=str(var_dir),
        JARING_VENDOR_STATIC=str(ROOT / "var" / "vendor"),
        PROMETHEUS_MULTIPROC_DIR=str(var_dir / "metrics"),
        CONN_MAX_AGE=str(conn_max_age),
        JARING_REQUEST_LOG_LEVEL="INFO",  # the production default: a line per request
        JARING_SLOW_QUERY_MS="100",  # what the slow pages spend their time on
        LOG_LEVEL="WARNING",
    )
    redis_url = _shared_cache()
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def _shared_cache() -> str:
    """The Redis every server process shares, as in production (``REDIS_URL``, else a
    database of its own on the local Redis), emptied; "" when no Redis answers."""
    import redis

    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()
    except redis.RedisError:
        return ""
    return url


def _start_server(env: dict, port: int, workers: int, threads: int, log: Path) -> subprocess.Popen:
    import urllib.request

    subprocess.run([str(JARING), "collectstatic", "--noinput", "-v", "0"], env=env, check=True)
    server = subprocess.Popen(
        [
            str(JARING),
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
        ],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"jaring serve ended with {server.returncode}: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"jaring serve did not answer /healthz within 60 s: {log.read_text()[-2000:]}")


def _stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)  # gunicorn's graceful stop, its workers with it
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)  # the session started for it: our processes only
            server.wait()


# -- the load -----------------------------------------------------------------------------------


class Stop(Exception):
    """The measured time is over: the user leaves."""


@dataclass
class Clock:
    measure_from: float = 0.0
    end: float = float("inf")
    think: tuple[float, float] = THINK
    reports: bool = True  # province officers download a monev report every third round


@dataclass
class Recorder:
    samples: dict = field(default_factory=lambda: defaultdict(list))  # kind -> [ms]
    errors: dict = field(default_factory=lambda: defaultdict(int))
    shown: list = field(default_factory=list)
    measured_ids: dict = field(default_factory=dict)  # request id -> kind
    logins: list = field(default_factory=list)


class Simulated:
    """One simulated officer: a session of its own (cookies, keep-alive connection)."""

    def __init__(self, index, account, base, rng, clock, recorder):
        import aiohttp
        from yarl import URL

        self.index, self.account, self.base, self.rng = index, account, base, rng
        self.clock, self.recorder = clock, recorder
        self.origin = base.replace("http://", "https://")
        jar = aiohttp.CookieJar(unsafe=True, treat_as_secure_origin=[URL(base)])
        self.session = aiohttp.ClientSession(
            base_url=base,
            cookie_jar=jar,
            connector=aiohttp.TCPConnector(limit=2, keepalive_timeout=4),
            timeout=aiohttp.ClientTimeout(total=70),
        )
        self.sent = 0

    def _csrf(self) -> str:
        from yarl import URL

        cookie = self.session.cookie_jar.filter_cookies(URL(self.base)).get("csrftoken")
        return cookie.value if cookie else ""

    async def send(self, kind, method, path, *, params=None, data=None, json_body=None, expect=None):
        """One request, timed and recorded (when inside the measured window), then a think."""
        loop = asyncio.get_running_loop()
        if loop.time() >= self.clock.end:
            raise Stop
        self.sent += 1
        request_id = f"{kind}.{self.index}.{self.sent}"
        headers = {"X-Forwarded-Proto": "https", "X-Request-ID": request_id}
        if method == "POST":
            headers.update(Origin=self.origin, Referer=self.origin + path)
            if json_body is not None:
                headers["X-CSRFToken"] = self._csrf()
            else:
                data = {**data, "csrfmiddlewaretoken": self._csrf()}
        started_at = loop.time()
        started = time.perf_counter()
        status, body, location = 0, b"", ""
        try:
            async with self.session.request(
                method, path, params=params, data=data, json=json_body, headers=headers, allow_redirects=False
            ) as response:
                body = await response.read()
                status, location = response.status, response.headers.get("Location", "")
        except Exception as exc:  # a failed connection or a timeout is an error of its own
            body = f"{type(exc).__name__}: {exc}".encode()
        ms = (time.perf_counter() - started) * 1000
        error = (
            not 200 <= status < 400 or "/masuk/" in location or (expect is not None and status not in expect)
        )
        if self.clock.measure_from <= started_at < self.clock.end:
            self.recorder.samples[kind].append(ms)
            self.recorder.measured_ids[request_id] = kind
            if error:
                self.recorder.errors[kind] += 1
        if error and len(self.recorder.shown) < ERRORS_SHOWN:
            self.recorder.shown.append(
                {
                    "kind": kind,
                    "user": self.account.username,
                    "method": method,
                    "path": path,
                    "params": params,
                    "status": status,
                    "location": location,
                    "body": body[:200].decode("utf-8", "replace"),
                }
            )
        await asyncio.sleep(self.rng.uniform(*self.clock.think))
        return status, body, location

    async def get(self, kind, path, params=None, expect=None):
        return await self.send(kind, "GET", path, params=params, expect=expect)

    async def login(self, password: str) -> None:
        started = time.perf_counter()
        headers = {"X-Forwarded-Proto": "https"}
        async with self.session.get("/masuk/", headers=headers) as response:
            await response.read()
        form = {"username": self.account.username, "password": password, "next": ""}
        form["csrfmiddlewaretoken"] = self._csrf()
        headers.update(Origin=self.origin, Referer=self.origin + "/masuk/")
        async with self.session.post(
            "/masuk/", data=form, headers=headers, allow_redirects=False
        ) as response:
            body = await response.read()
            if response.status != 302 or "/masuk/" in response.headers.get("Location", ""):
                raise SystemExit(f"login of {self.account.username} failed: {response.status} {body[:300]!r}")
        self.recorder.logins.append((time.perf_counter() - started) * 1000)


def _next_after(body: bytes) -> str | None:
    match = re.search(rb"setelah=(\d+)", body)
    return match[1].decode() if match else None


async def _village(user: Simulated, today: date) -> None:
    data, rng = user.account.data, user.rng
    village, payments, niks = data["village"], data["payments"], iter(data["niks"])
    references = 0
    while True:
        await user.get("home", "/")
        await user.get("participant_list_village", "/peserta/")
        nik, name, born, sex = next(niks)
        person = {
            "nik": nik,
            "full_name": name,
            "birth_date": born,
            "sex": sex,
            "village_code": village,
            "occupation": rng.choice(["petani", "pekebun", "nelayan", "pedagang", "buruh_harian"]),
            "category": "pekerja_rentan",
        }
        await user.send("register_api", "POST", "/api/v1/participants", json_body=person, expect=(201,))
        if payments:
            await user.get("payment_form", "/iuran/pembayaran/baru/")
            nik, month, monthly = payments.pop()
            references += 1
            label = f"{month // 12}-{month % 12 + 1:02d}"
            form = {
                "reference": f"LOAD/{os.getpid()}/{user.index}/{references}",
                "paid_on": f"{today:%d/%m/%Y}",
                "amount": str(monthly),
                "bill_number": "",
                "nik": nik,
                "first_month": label,
                "last_month": label,
            }
            _status, _body, location = await user.send(
                "payment_post", "POST", "/iuran/pembayaran/baru/", data=form, expect=(302,)
            )
            if location:
                await user.get("bill_detail", location.replace(user.origin, ""))
        await user.get("protection_alerts", "/iuran/peringatan/", {"jenis": "berakhir"})
        if data["people"]:
            await user.get("participant_protection", f"/iuran/peserta/{rng.choice(data['people'])}/")


async def _filtered_list(user: Simulated, params: dict) -> None:
    _status, body, _location = await user.get("participant_list_filtered", "/peserta/", params)
    after = _next_after(body)
    if after:
        await user.get("participant_list_page2", "/peserta/", {**params, "setelah": after})


async def _regency(user: Simulated, today: date) -> None:
    data = user.account.data
    while True:
        await user.get("monev_regency", "/monev/")
        await _filtered_list(user, {"wilayah": data["regency"], "kategori": "pekerja_rentan"})
        await user.get("export_xlsx_district", "/peserta/ekspor.xlsx", {"wilayah": data["district"]})
        await user.get("protection_lapsed", "/iuran/perlindungan/", {"status": "lapsed"})
        await user.get("alert_inbox", "/peringatan/")


async def _province(user: Simulated, today: date) -> None:
    data, rng = user.account.data, user.rng
    rounds = 0
    while True:
        await user.get("monev_province", "/monev/")
        regency = rng.choice(data["regencies"])
        await user.get("monev_regency", "/monev/", {"wilayah": regency})
        await _filtered_list(
            user, {"wilayah": data["province"], "status": "active", "kategori": "miskin_ekstrem"}
        )
        await user.get("scorecard", "/monev/skor/")
        if rounds % 3 == 0 and user.clock.reports:
            fmt = rng.choice(["pdf", "xlsx"])
            await user.get(
                f"monev_report_{fmt}",
                "/monev/laporan/",
                {"region": regency, "period": f"{today:%Y-%m}", "fmt": fmt},
            )
        rounds += 1


async def _bpjs(user: Simulated, today: date) -> None:
    while True:
        await user.get("claims_inbox", "/klaim/")
        await user.get("bill_list", "/iuran/")
        await user.get("protection_arrears", "/iuran/perlindungan/", {"status": "arrears"})
        await user.get("monev_bpjs", "/monev/")
        await user.get("funds_overview", "/dana/")


async def _auditor(user: Simulated, today: date) -> None:
    while True:
        await user.get("audit_list", "/audit/")
        await user.get("audit_page2", "/audit/", {"halaman": "2"})
        await user.get("participant_list", "/peserta/")
        await user.get("monev_province", "/monev/")


async def _national(user: Simulated, today: date) -> None:
    while True:
        await user.get("monev_national", "/monev/")
        await user.get("participant_list", "/peserta/")
        await user.get("bill_list", "/iuran/")
        await user.get("program_list", "/program/")
        await user.get("funds_overview", "/dana/")


SCENARIOS = {
    "village": _village,
    "regency": _regency,
    "province": _province,
    "bpjs": _bpjs,
    "auditor": _auditor,
    "national": _national,
}


async def _load(base: str, accounts: list[Account], args, today: date) -> tuple[Recorder, dict]:
    from jaring.demo.seed import DEMO_PASSWORD

    rng = random.Random(args.seed)
    clock, recorder = Clock(think=args.think, reports=not args.no_reports), Recorder()
    users = [
        Simulated(i, a, base, random.Random(rng.random()), clock, recorder) for i, a in enumerate(accounts)
    ]
    try:
        started = time.perf_counter()
        gate = asyncio.Semaphore(8)  # Argon2 costs each login ~100 MB and a core for a while

        async def login(user):
            async with gate:
                await user.login(DEMO_PASSWORD)

        await asyncio.gather(*(login(u) for u in users))
        logins = {"logins": len(users), "seconds": _seconds(started), **_percentiles(list(recorder.logins))}

        loop = asyncio.get_running_loop()
        clock.measure_from = loop.time() + args.warmup
        clock.end = clock.measure_from + args.seconds

        async def run(user):
            await asyncio.sleep(user.rng.uniform(0, clock.think[1]))  # not all at the same instant
            with contextlib.suppress(Stop):
                await SCENARIOS[user.account.role](user, today)

        await asyncio.gather(*(run(u) for u in users))
    finally:
        await asyncio.gather(*(u.session.close() for u in users))
    return recorder, logins


# -- the figures ---------------------------------------------------------------------------------


def _figures_of(samples: list[float]) -> dict:
    if not samples:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None}
    ordered = sorted(samples)
    figures = _percentiles(list(ordered))
    figures["p50_ms"], figures["p95_ms"] = round(figures["p50_ms"], 1), round(figures["p95_ms"], 1)
    figures["p99_ms"] = round(ordered[max(0, int(0.99 * len(ordered)) - 1)], 1)
    return figures


def _server_log(log: Path, measured: dict) -> tuple[dict, list]:
    """From the server's log: each measured request's server time by kind, and the slow
    queries (over 100 ms) of measured requests by kind and SQL."""
    server: dict[str, list[float]] = defaultdict(list)
    slow: dict[tuple, list[float]] = defaultdict(list)
    for line in log.read_text(errors="replace").splitlines():
        if not line.startswith("{"):
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        kind = measured.get(entry.get("request_id", ""))
        if kind is None:
            continue
        if entry.get("event") == "request":
            server[kind].append(entry["duration_ms"])
        elif entry.get("event") == "slow_query":
            slow[(kind, " ".join(entry["sql"].split())[:220])].append(entry["duration_ms"])
    top = sorted(slow.items(), key=lambda item: -sum(item[1]))[:8]
    return server, [
        {"kind": k, "count": len(ms), "max_ms": round(max(ms)), "total_ms": round(sum(ms)), "sql": sql}
        for (k, sql), ms in top
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=10)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--conn-max-age", type=int, default=0, help="the server's CONN_MAX_AGE (default 0)")
    parser.add_argument(
        "--think",
        type=lambda text: tuple(float(x) for x in text.split(",")),
        default=THINK,
        help="LOW,HIGH seconds on a page before the next (default 5,15: an officer reads it)",
    )
    parser.add_argument(
        "--no-reports",
        action="store_true",
        help="province officers download no monev report (what the reports cost the other pages)",
    )
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--keep", action="store_true", help="keep the database (debugging, --database)")
    parser.add_argument("--database", help="run again on a database kept by --keep (no data setup)")
    args = parser.parse_args()
    name = args.database or f"jaring_bench_load_{os.getpid()}"
    dsn = f"{POSTGRES}/{name}"
    if not args.database:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = dsn
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaring.settings")
    os.environ["DEBUG"] = "0"
    var_dir = Path(tempfile.mkdtemp(prefix="jaring-load-"))
    log = var_dir / "server.log"
    server = None
    summary: dict = {
        "summary": "load",
        "people": args.people,
        "users": args.users,
        "seconds": args.seconds,
        "think_s": list(args.think),
        "reports": not args.no_reports,
    }
    try:
        import django

        django.setup()
        from django.utils import timezone
        from django_tasks_db.models import DBTaskResult

        from jaring.alerts.services import alerts_refresh
        from jaring.monitoring.summaries import summaries_refresh

        today = timezone.localdate()
        setup_started = time.perf_counter()
        if not args.database:
            summary.update(_setup_data(dsn, args.people, today))
        else:
            alerts_refresh(today=today)  # the sweep and the summary of today, as the scheduler keeps them

        started = time.perf_counter()
        accounts = _accounts(dsn, args.users, random.Random(args.seed), today)
        roles = defaultdict(int)
        for account in accounts:
            roles[account.role] += 1
        payments = sum(len(a.data.get("payments", ())) for a in accounts)
        emit(setup="accounts", roles=roles, payments_available=payments, seconds=_seconds(started))

        started = time.perf_counter()
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")  # as autovacuum would have by the time anybody looks
            size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
        refresh = summaries_refresh(on=today)
        emit(
            setup="vacuum analyze and summary",
            database_gb=round(size / 2**30, 2),
            summary_s=refresh.seconds,
            seconds=_seconds(started),
        )

        started = time.perf_counter()
        port = _free_port()
        env = _server_env(dsn, port, var_dir, args.conn_max_age)
        server = _start_server(env, port, args.workers, args.threads, log)
        emit(
            setup="server",
            command=f"jaring serve --bind 127.0.0.1:{port} --workers {args.workers} --threads {args.threads}",
            conn_max_age=args.conn_max_age,
            shared_cache=env.get("REDIS_URL", "none: each worker its own"),
            seconds=_seconds(started),
        )
        summary["setup_s"] = _seconds(setup_started)
        from django.db import connections

        connections.close_all()

        queued = DBTaskResult.objects.count()
        recorder, logins = asyncio.run(_load(f"http://127.0.0.1:{port}", accounts, args, today))
        emit(setup="logins", **logins)
        summary["tasks_queued"] = DBTaskResult.objects.count() - queued

        server_ms, slow = _server_log(log, recorder.measured_ids)
        everything = []
        for kind in sorted(recorder.samples):
            samples = recorder.samples[kind]
            everything += samples
            server_p95 = _figures_of(server_ms.get(kind, []))["p95_ms"]
            emit(
                kind=kind,
                requests=len(samples),
                errors=recorder.errors[kind],
                **_figures_of(samples),
                server_p95_ms=server_p95,
                slow_queries=sum(s["count"] for s in slow if s["kind"] == kind),
            )
        for query in slow:
            emit(slow_query=query)
        for shown in recorder.shown:
            emit(error=shown)
        overall = _figures_of(everything)
        errors = sum(recorder.errors.values())
        summary.update(
            workers=args.workers,
            threads=args.threads,
            requests=len(everything),
            throughput_rps=round(len(everything) / args.seconds, 1),
            **overall,
            errors=errors,
            p95_ok=overall["p95_ms"] is not None and overall["p95_ms"] <= 200,
            errors_ok=errors == 0,
        )
        emit(**summary)
    finally:
        if server is not None:
            _stop_server(server)
        from django.db import connections

        connections.close_all()
        if args.keep or args.database:
            emit(kept_database=name, server_log=str(log))
        else:
            shutil.rmtree(var_dir, ignore_errors=True)
            with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
