"""The inbox in the mail: officers who chose it in their account get their open alerts
by e-mail (daily, or weekly on Mondays), one digest per user through the jurisdiction
scope, in their language, with an absolute link to each alert; at most one a day
however often the job runs; sent through Django's mail outbox and through a real SMTP
server started here."""

from __future__ import annotations

import email
import json
import socket
from datetime import datetime, timedelta
from email.policy import default as default_policy
from io import StringIO

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from jaring.accounts.models import User
from jaring.accounts.services import user_set_preferences
from jaring.alerts import digests
from jaring.alerts.digests import digests_send
from jaring.alerts.models import Alert, AlertRefresh
from jaring.alerts.sources import Draft, Source
from jaring.alerts.tasks import send_digests
from jaring.audit.models import AuditEvent
from jaring.errors import InvalidInput, PermissionDeniedError

BASE = "https://jaring.example.id"
MONDAY = timezone.make_aware(datetime(2026, 12, 7, 6, 0))  # Asia/Jakarta
TUESDAY = MONDAY + timedelta(days=1)
SENGKATI = "1504012003"  # a village of Batanghari
KOTA_JAMBI_VILLAGE = "1571011001"
NIK = "1504011203850001"


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.JARING_BASE_URL = BASE + "/"


def swept(at: datetime) -> None:
    """A sweep has just run, so the digest reads the alerts as they are."""
    AlertRefresh.objects.create(started_at=at, finished_at=at)


def send_at(now: datetime):
    """A run of the digests right after a sweep (the sweep itself has its own test)."""
    swept(now)
    return digests_send(now=now)


def alert(key: str, region: str, title: str, *, kind="idle_money", severity="warning", url="", **extra):
    return Alert.objects.create(
        kind=kind,
        key=key,
        region_code=region,
        severity=severity,
        title=title,
        url=url,
        raised_at=MONDAY - timedelta(days=3),
        seen_at=MONDAY,
        **extra,
    )


def officer(demo, username: str, *, frequency="daily", language="id", address=None) -> User:
    User.objects.filter(username=username).update(email=address or f"{username}@example.id")
    user = demo.user(username)
    return user_set_preferences(actor=user, user=user, digest_frequency=frequency, language=language)


@pytest.fixture
def world(demo):
    """Open alerts of Batanghari (one with a NIK in its text, one with no page behind
    it), one of Kota Jambi, and Batanghari's resolved and acknowledged ones."""
    swept(MONDAY)
    return {
        "idle": alert(
            "idle_money:1:" + SENGKATI,
            SENGKATI,
            "Dana BKBK-2025 mengendap 45 hari di Sengkati Gedang",
            url="/dana/transfer/?program=1&wilayah=15.04.01.2003",
            rupiah=1_000_000,
        ),
        "lapsed": alert(
            "protection_lapsed:" + SENGKATI,
            SENGKATI,
            f"Peserta {NIK} di Sengkati Gedang berhenti terlindungi",
            kind="protection_lapsed",
            severity="danger",
        ),
        "elsewhere": alert(
            "idle_money:1:" + KOTA_JAMBI_VILLAGE,
            KOTA_JAMBI_VILLAGE,
            "Dana mengendap di Kota Jambi",
            url="/dana/",
        ),
        "resolved": alert("idle_money:2:" + SENGKATI, SENGKATI, "Sudah selesai", resolved_at=MONDAY),
        "acknowledged": alert(
            "idle_money:3:" + SENGKATI,
            SENGKATI,
            "Sudah ditanggapi",
            acknowledged_at=MONDAY,
            acknowledgement="Bendahara dihubungi",
        ),
    }


def _html(message) -> str:
    (html, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    return html


def test_a_regency_officer_gets_one_digest_of_their_jurisdictions_open_alerts(world, demo, mailoutbox):
    user = officer(demo, "batanghari.operator")
    run = digests_send(now=MONDAY)
    assert [m.to for m in mailoutbox] == [["batanghari.operator@example.id"]]
    (message,) = mailoutbox
    assert message.subject == "Jaring: peringatan terbuka di wilayah kerja Anda (2)"
    body, html = message.body, _html(message)
    # The two open alerts of Batanghari, most urgent first; nothing of Kota Jambi, nothing
    # resolved or already acknowledged.
    assert body.index("[Mendesak]") < body.index("[Perhatian] Dana BKBK-2025 mengendap 45 hari")
    for absent in ("Kota Jambi", "Sudah selesai", "Sudah ditanggapi"):
        assert absent not in body and absent not in html
    # Every alert links to its page (or to the inbox filtered to its kind) absolutely.
    idle_link = BASE + "/dana/transfer/?program=1&wilayah=15.04.01.2003"
    lapsed_link = BASE + "/peringatan/?jenis=protection_lapsed"
    assert idle_link in body and lapsed_link in body
    assert 'href="https://jaring.example.id/dana/transfer/?program=1&amp;wilayah=15.04.01.2003"' in html
    assert f'href="{lapsed_link}"' in html
    assert "Rp1.000.000" in body and "15.04.01.2003" in body
    assert "Dana mengendap di desa: 1" in body and "Perlindungan berhenti: 1" in body
    assert BASE + "/akun/#preferensi" in body
    # Mail leaves Jaring: a NIK in an alert's text is masked, whoever reads it.
    assert NIK not in body and NIK not in html and "1504********0001" in body
    user.refresh_from_db()
    assert user.digest_sent_at == MONDAY
    assert (len(run.digests), run.due, run.without_alerts) == (1, 1, 0)


def test_an_english_user_gets_the_digest_in_english(world, demo, mailoutbox):
    officer(demo, "batanghari.operator", language="en")
    officer(demo, "kotajambi.operator")  # Indonesian: the override ends with each message
    digests_send(now=MONDAY)
    english, indonesian = sorted(mailoutbox, key=lambda m: m.to[0])
    assert english.to == ["batanghari.operator@example.id"]
    assert english.subject == "Jaring: open alerts in your jurisdiction (2)"
    assert "Open alerts in your jurisdiction that need action: 2." in english.body
    assert "[Warning]" in english.body and "[Urgent]" in english.body
    assert "Idle funds in villages: 1" in english.body
    assert '<html lang="en">' in _html(english)
    assert "[Perhatian] Dana mengendap di Kota Jambi" in indonesian.body
    assert "Dana mengendap di desa: 1" in indonesian.body
    assert '<html lang="id">' in _html(indonesian)


def test_a_long_digest_lists_the_most_urgent_and_counts_them_all(demo, mailoutbox):
    swept(MONDAY)
    for n in range(digests.MAX_LINES + 2):
        alert(f"idle_money:{n}:{SENGKATI}", SENGKATI, f"Dana program {n} mengendap", url=f"/dana/{n}/")
    officer(demo, "batanghari.operator")
    digests_send(now=MONDAY)
    (message,) = mailoutbox
    assert message.subject.endswith(f"({digests.MAX_LINES + 2})")
    assert f"Dana mengendap di desa: {digests.MAX_LINES + 2}" in message.body
    assert message.body.count("[Perhatian]") == digests.MAX_LINES
    assert "... dan 2 peringatan lain." in message.body


def test_opted_out_users_and_users_without_an_address_get_nothing(world, demo, mailoutbox):
    User.objects.filter(username="jambi.operator").update(email="jambi@example.id")  # off by default
    assert demo.user("jambi.operator").digest_frequency == "off"
    officer(demo, "kotajambi.operator", address=" ")
    User.objects.filter(username="kotajambi.operator").update(email="")
    run = digests_send(now=MONDAY)
    assert mailoutbox == []
    assert run.due == 0


def test_weekly_users_get_their_digest_on_mondays_only(world, demo, mailoutbox):
    officer(demo, "batanghari.operator", frequency="weekly")
    send_at(TUESDAY)
    send_at(TUESDAY + timedelta(days=5))  # Sunday
    assert mailoutbox == []
    send_at(MONDAY + timedelta(days=7))
    assert [m.to for m in mailoutbox] == [["batanghari.operator@example.id"]]


def test_running_twice_a_day_sends_once_and_the_next_day_again(world, demo, mailoutbox):
    user = officer(demo, "batanghari.operator")
    digests_send(now=MONDAY)
    again = send_at(MONDAY + timedelta(hours=10))
    assert len(mailoutbox) == 1 and again.due == 0
    user.refresh_from_db()
    assert user.digest_sent_at == MONDAY
    send_at(TUESDAY)
    assert len(mailoutbox) == 2


def test_a_run_that_lost_the_claim_to_another_sends_nothing(world, demo, mailoutbox, monkeypatch):
    """Two runs at once both find the user due; the one whose conditional UPDATE comes
    second changes no row and sends nothing."""
    officer(demo, "batanghari.operator")
    original = digests.digest_for

    def other_run_claims_first(user):
        User.objects.filter(pk=user.pk).update(digest_sent_at=MONDAY)
        return original(user)

    monkeypatch.setattr(digests, "digest_for", other_run_claims_first)
    run = digests_send(now=MONDAY + timedelta(minutes=1))
    assert mailoutbox == [] and run.taken == 1


def test_a_user_with_no_open_alerts_gets_nothing(demo, mailoutbox):
    swept(MONDAY)
    alert("idle_money:9:" + SENGKATI, SENGKATI, "Sudah selesai", resolved_at=MONDAY)
    user = officer(demo, "batanghari.operator")
    run = digests_send(now=MONDAY)
    assert mailoutbox == [] and run.without_alerts == 1
    user.refresh_from_db()
    assert user.digest_sent_at is None  # nothing sent: a later alert today is still mailed


def test_dry_run_says_who_would_get_what_and_sends_and_changes_nothing(world, demo, mailoutbox):
    officer(demo, "batanghari.operator", language="en")
    AlertRefresh.objects.all().delete()  # stale: a real run would sweep first
    out = StringIO()
    call_command("send_digests", "--dry-run", stdout=out)
    assert "batanghari.operator <batanghari.operator@example.id> (daily, en): 2 peringatan" in out.getvalue()
    assert "1 akan dikirim" in out.getvalue()
    out = StringIO()
    call_command("send_digests", "--dry-run", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert (result["dry_run"], result["sent"]) == (True, 0)
    assert result["digests"][0]["username"] == "batanghari.operator"
    assert result["digests"][0]["alerts"] == 2
    assert mailoutbox == []
    assert demo.user("batanghari.operator").digest_sent_at is None
    assert not AlertRefresh.objects.exists()  # not even the sweep


def test_the_command_sends_and_reports_as_json(demo, mailoutbox):
    swept(timezone.now())
    alert("idle_money:1:" + SENGKATI, SENGKATI, "Dana mengendap di Sengkati Gedang", url="/dana/")
    officer(demo, "batanghari.operator", frequency="daily")
    out = StringIO()
    call_command("send_digests", "--frequency", "daily", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert (result["sent"], result["digests"][0]["by_kind"]) == (1, {"Dana mengendap di desa": 1})
    assert len(mailoutbox) == 1


def test_a_stale_inbox_is_swept_before_the_digest_is_built(demo, mailoutbox, monkeypatch):
    def collect(today):
        yield Draft(key="test:1", region_code=SENGKATI, severity="warning", title="Kondisi uji", url="/x/")

    monkeypatch.setattr("jaring.alerts.services.SOURCES", {"test_kind": Source("test_kind", "Uji", collect)})
    officer(demo, "batanghari.operator")
    digests_send(now=MONDAY)
    (message,) = mailoutbox
    assert "Kondisi uji" in message.body and BASE + "/x/" in message.body
    assert AlertRefresh.objects.count() == 1


def test_the_background_task_sends_the_digests(world, demo, mailoutbox):
    swept(timezone.now())
    officer(demo, "batanghari.operator")
    result = send_digests.enqueue()
    assert result.return_value["sent"] == 1
    assert len(mailoutbox) == 1


def test_an_officer_chooses_the_digest_on_the_account_page(demo):
    client = demo.client("batanghari.operator")
    page = client.get("/akun/").content.decode()
    assert '<label class="form-label" for="id_pref-digest_frequency">Ringkasan peringatan lewat surel' in page
    assert '<label class="form-label" for="id_pref-language">Bahasa surel' in page
    assert "belum punya alamat surel" in page
    response = client.post("/akun/", {"pref-digest_frequency": "weekly", "pref-language": "en"})
    assert response.status_code == 302
    user = demo.user("batanghari.operator")
    assert (user.digest_frequency, user.language) == ("weekly", "en")
    event = AuditEvent.objects.get(action="user.set_preferences")
    assert event.changes == {"digest_frequency": ["off", "weekly"], "language": ["id", "en"]}
    assert (
        client.post("/akun/", {"pref-digest_frequency": "hourly", "pref-language": "en"}).status_code == 200
    )
    assert demo.user("batanghari.operator").digest_frequency == "weekly"


def test_only_the_user_sets_their_preferences(demo):
    user = demo.user("batanghari.operator")
    with pytest.raises(PermissionDeniedError):
        user_set_preferences(
            actor=demo.user("jambi.admin"), user=user, digest_frequency="daily", language="id"
        )
    with pytest.raises(InvalidInput):
        user_set_preferences(actor=user, user=user, digest_frequency="daily", language="fr")


class _Inbox:
    """What a real SMTP server received (aiosmtpd handler); refuses recipients in ``refuse``."""

    def __init__(self):
        self.envelopes = []
        self.refuse = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a free local port, and Django's SMTP backend pointed at it."""
    handler = _Inbox()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    settings.DEFAULT_FROM_EMAIL = "Jaring <jaring@example.id>"
    try:
        yield handler
    finally:
        controller.stop()


def test_the_digest_goes_through_a_real_smtp_server(world, demo, smtp_server):
    officer(demo, "batanghari.operator")
    run = digests_send(now=MONDAY)
    assert run.failures == [] and len(run.digests) == 1
    (envelope,) = smtp_server.envelopes
    assert envelope.rcpt_tos == ["batanghari.operator@example.id"]
    assert envelope.mail_from == "jaring@example.id"
    received = email.message_from_bytes(envelope.original_content, policy=default_policy)
    assert received["Subject"] == "Jaring: peringatan terbuka di wilayah kerja Anda (2)"
    assert received["To"] == "batanghari.operator@example.id"
    text = received.get_body(preferencelist=("plain",)).get_content()
    html = received.get_body(preferencelist=("html",)).get_content()
    assert BASE + "/dana/transfer/?program=1&wilayah=15.04.01.2003" in text
    assert BASE + "/peringatan/?jenis=protection_lapsed" in text
    assert f'href="{BASE}/peringatan/?jenis=protection_lapsed"' in html
    assert "Kota Jambi" not in text


def test_a_refused_message_is_reported_and_tried_again_by_the_next_run(world, demo, smtp_server):
    user = officer(demo, "batanghari.operator")
    officer(demo, "kotajambi.operator")
    smtp_server.refuse.add("batanghari.operator@example.id")
    run = digests_send(now=MONDAY)
    assert [name for name, _answer in run.failures] == ["batanghari.operator"]
    assert [e.rcpt_tos for e in smtp_server.envelopes] == [["kotajambi.operator@example.id"]]
    user.refresh_from_db()
    assert user.digest_sent_at is None  # the claim was given back
    smtp_server.refuse.clear()
    run = send_at(MONDAY + timedelta(hours=1))
    assert [d.user.username for d in run.digests] == ["batanghari.operator"]
    assert len(smtp_server.envelopes) == 2


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two real connections at the same moment")
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_moment_send_one_digest_on_postgresql(monkeypatch, settings):
    from jaring.demo.seed import seed_demo

    from .concurrency import at_once, empty_committed_tables, slowed

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    try:
        seed_demo(people=False)
        swept(MONDAY)
        alert("idle_money:1:" + SENGKATI, SENGKATI, "Dana mengendap di Sengkati Gedang", url="/dana/")
        User.objects.filter(username="batanghari.operator").update(
            email="batanghari.operator@example.id", digest_frequency="daily"
        )
        slowed(monkeypatch, "jaring.alerts.digests.digest_for")  # both find the user due first
        runs = at_once(lambda: digests_send(now=MONDAY))
        assert sorted((len(r.digests), r.taken) for r in runs) == [(0, 1), (1, 0)]
        assert [m.to for m in mail.outbox] == [["batanghari.operator@example.id"]]
    finally:
        empty_committed_tables()
