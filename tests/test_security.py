import os
import re
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client

from jaring.accounts.services import user_create

JARING = str(Path(sys.executable).parent / "jaring")


@pytest.fixture
def real_hashers(settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


def test_passwords_are_hashed_with_argon2(demo, real_hashers):
    user = user_create(
        actor=None,
        organization=demo.org("pemprov-jambi"),
        username="argon",
        password="Argon-Test-2026",
        role="viewer",
    )
    assert user.password.startswith("argon2$")


def test_login_locks_a_username_after_repeated_failures_with_a_clear_message(demo, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    for _ in range(3):
        client.post("/masuk/", {"username": "jambi.viewer", "password": "salah-salah"})
    locked = client.post("/masuk/", {"username": "jambi.viewer", "password": demo.password})
    assert locked.status_code == 429
    assert "Akun dikunci sementara" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # Other officers of the same office are not locked out.
    other = Client().post("/masuk/", {"username": "jambi.operator", "password": demo.password})
    assert other.status_code == 302


def test_successful_login_lands_on_home(demo):
    client = Client()
    response = client.post("/masuk/", {"username": "desa.operator", "password": demo.password}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "Sengkati Gedang" in response.content.decode()


def test_wrong_password_says_so_in_indonesian(demo):
    response = Client().post("/masuk/", {"username": "desa.operator", "password": "keliru"})
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah" in response.content.decode()


def test_pages_carry_a_strict_content_security_policy(demo):
    response = demo.client("jambi.viewer").get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


class _InlineCode(HTMLParser):
    """What ``script-src 'self' 'nonce-...'`` and ``style-src 'self'`` block: event
    handler attributes, style attributes, <style> elements and scripts without src
    (a JSON data island from ``json_script`` is data, not code)."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f'<{tag} {name}="{value}">')
        if tag == "script" and not values.get("src") and values.get("type") != "application/json":
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")

    handle_startendtag = handle_starttag


def _inline_code(html: str) -> list[str]:
    parser = _InlineCode()
    parser.feed(html)
    return parser.found


def _demo_ids(demo) -> dict[str, object]:
    """A record of the Jambi demo for each parameter of each route (key: the route up to
    the parameter, or a later parameter's name; "?" + route: the query a page needs)."""
    from jaring.accounts.services import api_token_create
    from jaring.alerts.models import Alert
    from jaring.billing.models import Bill, Payment, Refund
    from jaring.claims.models import BenefitRule, Claim, ClaimChild, ClaimDocument, ClaimHeir
    from jaring.contributions.models import BudgetScenario, RateRule
    from jaring.contributions.services import scenario_create
    from jaring.funds.models import Transfer
    from jaring.programs.models import Agreement, Enrolment, Program
    from jaring.registry.models import DuplicateCandidate, ImportRun, Participant
    from jaring.targeting.models import DtsenEdition

    def first(queryset):
        return queryset.order_by("pk").values_list("pk", flat=True).first()

    admin = demo.user("jambi.admin")
    scenarios = [
        scenario_create(
            actor=admin,
            name=f"Jambi 2026, {people} per desa",
            region_code="15",
            year=2026,
            kind="per_village",
            per_village=people,
            package="JKK_JKM",
            source="BKBK",
            months=12,
        ).pk
        for people in (10, 20)
    ]
    api_token_create(actor=admin, user=admin, name="uji")
    program = Program.objects.filter(payer=admin.organization).order_by("pk").first()
    claim = first(Claim.objects.filter(village__code__startswith="15"))
    return {
        "wilayah/": "15",
        "organisasi/": admin.organization_id,
        "pengguna/": demo.user("jambi.operator").pk,
        "akun/token/": first(admin.api_tokens.all()),
        "peserta/": first(Participant.objects.filter(village__code__startswith="15")),
        "peserta/ekspor.": "csv",
        "peserta/templat.": "csv",
        "peserta/duplikat/": first(DuplicateCandidate.objects.all()),
        "peserta/impor/": first(ImportRun.objects.all()),
        "program/": program.pk,
        "kepesertaan/": first(Enrolment.objects.filter(program=program)),
        "pks/": first(Agreement.objects.filter(payer=admin.organization)),
        "dana/transfer/": first(Transfer.objects.filter(program=program)),
        "dana/alokasi/": program.pk,
        "anggaran/skenario/": first(BudgetScenario.objects.all()),
        "?anggaran/skenario/banding/": "?" + "&".join(f"s={pk}" for pk in scenarios),  # a query
        "anggaran/tarif/": first(RateRule.objects.all()),
        "peringatan/": first(Alert.objects.all()),
        "iuran/tagihan/": first(Bill.objects.filter(program=program)),
        "iuran/pembayaran/": first(Payment.objects.filter(bill__program=program)),
        "iuran/peserta/": first(Participant.objects.filter(village__code__startswith="15")),
        "iuran/pengembalian/": first(Refund.objects.all()),
        "klaim/": claim,
        "heir_pk": first(ClaimHeir.objects.filter(claim_id=claim)),
        "child_pk": first(ClaimChild.objects.filter(claim_id=claim)),
        "document_pk": first(ClaimDocument.objects.filter(claim_id=claim)),
        "klaim/aturan/": first(BenefitRule.objects.all()),
        "monev/impor/templat.": "csv",
        "sasaran/usulan/": program.pk,
        "?sasaran/usulan/": f"?program={program.pk}&wilayah=1504012005",  # a village with people ticked
        "sasaran/dtsen/": first(DtsenEdition.objects.all()),
    }


def _route_path(route: str, ids: dict) -> str | None:
    """``route`` with its parameters filled from ``ids``; None when the demo has no such record."""
    parts, at = [], 0
    for index, match in enumerate(re.finditer(r"<\w+:(\w+)>", route)):
        value = ids[route[: match.start()] if index == 0 else match.group(1)]  # KeyError: a new route
        if value is None:
            return None
        parts += [route[at : match.start()], str(value)]
        at = match.end()
    return "/" + "".join([*parts, route[at:]]) + ids.get("?" + route, "")


def test_no_page_carries_inline_code_the_content_security_policy_blocks(demo):
    """Every page of the URL matrix (tests/test_access_matrix.py) as a province officer
    of the demo, with its data: no inline event handler, style attribute or inline script."""
    from jaring.demo.seed import seed_demo

    from .access import all_routes

    seed_demo()  # programs, bills, claims, coverage and alerts, so the pages show rows
    ids = _demo_ids(demo)
    # the province officer; for a page it may not use, the auditor, then the platform
    # admin (a BPJS decision on a claim); the login page anonymously
    officer, *others = [demo.client(u) for u in ("jambi.admin", "auditor", "admin")]
    checked, offending = set(), {}
    for route in sorted(r for r in all_routes() if not r.startswith("api/")):
        path = _route_path(route, ids)
        if path is None:
            continue
        response = (Client() if route == "masuk/" else officer).get(path)
        for other in others:
            if response.status_code == 403:
                response = other.get(path)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        html = response.content.decode()
        checked.add(route)
        if found := _inline_code(html):
            offending[path] = sorted(set(found))
        if route == "program/<int:pk>/pilih-peserta/":
            assert 'data-testid="candidates"' in html  # the select-all box is on the page
        if route == "peringatan/":
            assert 'data-testid="alerts"' in html
        if route == "sasaran/usulan/":
            assert 'data-testid="proposal-people"' in html  # a village's candidates, ticked
    assert offending == {}
    assert {
        "",
        "program/<int:pk>/pilih-peserta/",
        "sasaran/usulan/",
        "sasaran/dtsen/<int:pk>/",
        "monev/laporan/",
        "peringatan/",
        "peserta/",
        "program/",
        "pks/",
        "dana/",
        "dana/transfer/",
        "dana/transfer/<int:pk>/koreksi/",
        "anggaran/",
        "iuran/",
        "klaim/",
        "klaim/<int:pk>/",
        "monev/",
        "audit/",
        "organisasi/",
        "masuk/",
        "anggaran/skenario/banding/",
        "klaim/<int:pk>/verifikasi/",
    } <= checked


def test_forms_refuse_posts_without_csrf_token(demo):
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo.user("jambi.admin"))
    response = client.post(
        "/organisasi/baru/", {"code": "x", "name": "X", "kind": "village", "regions": "1504012002"}
    )
    assert response.status_code == 403


def test_session_ends_after_inactivity(demo, settings):
    from django.conf import settings as live

    client = demo.client("jambi.viewer")
    response = client.get("/")
    cookie = response.cookies[live.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"] or 0) == 0 or cookie["expires"] == ""  # browser-session cookie
    assert live.SESSION_COOKIE_AGE <= 8 * 60 * 60
    assert cookie["httponly"]


def _production_env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    env.update(
        JARING_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="jaring.jambiprov.go.id",
        DATABASE_URL=f"sqlite:///{tmp_path}/prod.sqlite3",
        JARING_VAR_DIR=str(tmp_path),
    )
    env.update(extra)
    return env


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = subprocess.run(
        [JARING, "check", "--deploy", "--fail-level", "WARNING"],
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = _production_env(tmp_path)
    env.pop("SECRET_KEY")
    result = subprocess.run([JARING, "check"], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
