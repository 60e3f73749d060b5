"""Every demo user finds work to look at, and the BPJS branch officer of Tanjung Jabung
has claims waiting for verification in both its regencies (demo/branch.py), with the
people and bills behind them (demo/people.py, demo/live.py)."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from jaring.billing.models import Bill
from jaring.claims.models import Claim
from jaring.demo.branch import seed_branch_claims
from jaring.demo.live import live_code
from jaring.demo.people import LATE_PAYER_VILLAGE, TANJAB_VILLAGES
from jaring.demo.seed import USERS, seed_demo

OFFICER = "bpjs.tanjabbar"
WAITING = "documents_complete"

# What each demo user comes to do (README "Which demo user for which job"): a page and
# the list on it that must hold rows.
JOBS = {
    "admin": [("/klaim/?status=documents_complete", "claims"), ("/organisasi/", "organizations")],
    "jambi.admin": [("/organisasi/", "organizations"), ("/peringatan/", "alerts")],
    "jambi.operator": [("/peserta/", "participants"), ("/dana/", "funnel-programs")],
    "jambi.viewer": [("/monev/", "coverage-summary"), ("/program/", "programs")],
    "batanghari.operator": [("/klaim/", "claims"), ("/peringatan/", "alerts")],
    "kotajambi.operator": [("/klaim/?status=documents_complete", "claims"), ("/iuran/", "bills")],
    "desa.operator": [("/klaim/?status=reported", "claims"), ("/peserta/", "participants")],
    OFFICER: [("/klaim/?status=documents_complete", "claims"), ("/peserta/", "participants")],
    "bpjs.kanwil": [("/monev/", "coverage-summary"), ("/klaim/", "claims")],
    "bengkulu.admin": [("/pks/", "agreements"), ("/peserta/", "participants")],
    "auditor": [("/audit/", "audit-events"), ("/klaim/", "claims")],
    "csr.viewer": [("/program/", "programs"), ("/klaim/", "claims")],
}


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The full demo, seeded once for the module inside a transaction rolled back at its
    end; each test runs in a savepoint of it (the ``db`` fixture)."""
    media = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=media), django_db_blocker.unblock(), transaction.atomic():
        seed_demo()
        yield
        transaction.set_rollback(True)


def _claims(client, **query) -> list[Claim]:
    response = client.get(reverse("claim_list"), query)
    assert response.status_code == 200
    return [claim for claim, _nik in response.context["rows"]]


def test_the_branch_officer_finds_claims_waiting_in_both_regencies(demo_world, demo):
    officer = demo.client(OFFICER)
    kinds = set()
    for regency in ("15.06", "15.07"):
        waiting = _claims(officer, status=WAITING, wilayah=regency)
        assert waiting, f"no claim waiting for verification in {regency}"
        assert all(c.status == WAITING and c.village_id.startswith(regency.replace(".", "")) for c in waiting)
        kinds |= {c.kind for c in waiting}
    assert "jkm" in kinds and kinds & {"jkk_death", "jkk_total_disability"}  # deaths and work accidents
    assert {c.village_id for c in _claims(officer)} <= set(TANJAB_VILLAGES)  # only its own regencies
    assert seed_branch_claims() == []  # idempotent: the claims exist


def test_the_branch_officer_sees_its_people_and_bills_some_paid(demo_world, demo):
    officer = demo.client(OFFICER)
    for regency in ("15.06", "15.07"):
        response = officer.get(reverse("participant_list"), {"wilayah": regency})
        people = [p for p, _nik in response.context["rows"]]
        assert people and all(p.village_id.startswith(regency.replace(".", "")) for p in people)
    response = officer.get(reverse("bill_list"))
    assert 'data-testid="bills"' in response.content.decode()
    # This year's bill: paid by the villages that paid BPJS, not by Kuala Simbur's.
    bill = Bill.objects.get(program__code=live_code(timezone.localdate().year))
    response = officer.get(reverse("bill_detail", args=[bill.pk]))
    mine = response.context["mine"]
    assert mine.people == 75 * len(TANJAB_VILLAGES)
    assert 0 < mine.paid < mine.total
    unpaid = officer.get(reverse("bill_detail", args=[bill.pk]), {"bayar": "belum"}).context["rows"]
    assert unpaid and {line.village_id for line, *_ in unpaid} == {LATE_PAYER_VILLAGE}


def test_the_branch_officer_verifies_a_waiting_death_claim_through_the_form(demo_world, demo):
    officer = demo.client(OFFICER)
    claim = next(c for c in _claims(officer, status=WAITING, wilayah="15.06") if c.kind == "jkm")
    page = officer.get(reverse("claim_detail", args=[claim.pk])).content.decode()
    assert reverse("claim_verify", args=[claim.pk]) in page  # the officer is offered the decision
    form = officer.get(reverse("claim_verify", args=[claim.pk]))
    assert form.status_code == 200
    response = officer.post(
        reverse("claim_verify", args=[claim.pk]), {"on": "", "note": "Dokumen sesuai aslinya"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("claim_detail", args=[claim.pk])
    claim.refresh_from_db()
    assert claim.status == "verified"
    step = claim.transitions.get(to_status="verified")
    assert (step.actor, step.on) == (demo.user(OFFICER), timezone.localdate())
    assert claim.quote_total == 42_000_000  # JKM, DOMAIN.md s.8
    claim.participant.refresh_from_db()
    assert claim.participant.died_on == claim.event_date  # the death is recorded at verification
    assert claim.pk not in {c.pk for c in _claims(officer, status=WAITING, wilayah="15.06")}


@pytest.mark.parametrize("username", [u.username for u in USERS])
def test_every_demo_user_has_work_on_its_home_page_and_its_lists(demo_world, demo, username):
    assert set(JOBS) == {u.username for u in USERS}  # a new demo user gets a job here and in README
    client = demo.client(username)
    home = client.get("/")
    assert home.status_code == 200
    panel = home.context["panel"]
    assert panel.protected.enrolled > 0 or panel.funnel.budget > 0, f"{username}: empty programs panel"
    for path, testid in JOBS[username]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert f'data-testid="{testid}"' in response.content.decode(), f"{username}: {path} shows no {testid}"


def test_the_desk_holds_saved_scenarios_and_a_village_upload_with_refused_rows(demo_world, demo):
    """demo/desk.py: the province's two BKBK scenarios, compared; the village operator's
    upload with five people accepted and two rows refused with their reasons."""
    from jaring.contributions.models import BudgetScenario
    from jaring.demo.desk import IMPORT_FILE, seed_desk
    from jaring.registry.models import ImportRowError, ImportRun

    planner = demo.client("jambi.operator")
    scenarios = list(BudgetScenario.objects.filter(region_id="15").order_by("-months"))
    assert [s.months for s in scenarios] == [12, 6] and all(s.total_rupiah > 0 for s in scenarios)
    assert scenarios[0].total_rupiah == 2 * scenarios[1].total_rupiah
    page = planner.get(reverse("budget_planning")).content.decode()
    assert all(s.name in page for s in scenarios)
    compared = planner.get(reverse("scenario_compare"), {"s": [s.pk for s in scenarios]})
    assert compared.status_code == 200 and scenarios[0].name in compared.content.decode()

    run = ImportRun.objects.get(file_name=IMPORT_FILE)
    assert (run.status, run.created, run.rejected) == ("committed", 5, 2)
    refused = set(ImportRowError.objects.filter(run=run).values_list("row", "column"))
    assert {row for row, _column in refused} == {7, 8}  # the header is row 1
    assert (7, "NIK") in refused and (8, "TANGGAL_LAHIR") in refused
    village = demo.client("desa.operator")
    assert IMPORT_FILE in village.get(reverse("import_start")).content.decode()
    detail = village.get(reverse("import_detail", args=[run.pk]))
    shown = detail.content.decode()
    assert detail.status_code == 200
    reasons = [escape(e.message) for e in ImportRowError.objects.filter(run=run)]
    assert all(reason in shown for reason in reasons), reasons  # each refusal with its reason
    seed_desk()  # idempotent
    assert ImportRun.objects.filter(file_name=IMPORT_FILE).count() == 1
    assert BudgetScenario.objects.filter(region_id="15").count() == 2


def test_jambi_has_a_dtsen_edition_with_candidates_in_every_demo_village(demo_world, demo):
    """demo/dtsen.py: the enrolled are already protected; spouses and new poor
    households of working age are candidates, the poorest first."""
    from jaring.demo.dtsen import UNREACHED_VILLAGES, edition_month, seed_dtsen
    from jaring.demo.people import JAMBI_BKBK_VILLAGES, TANJAB_VILLAGES
    from jaring.targeting.models import DtsenEdition
    from jaring.targeting.selectors import candidates, targeting_counts

    edition = DtsenEdition.objects.get(scope_code="15")
    assert edition.edition == edition_month() and edition.people > 700
    officer = demo.user("jambi.operator")
    today = timezone.localdate()
    counts = targeting_counts(officer, today)
    assert counts.candidates > 0 and counts.already_protected > 0
    found = list(candidates(officer, today).values_list("village_id", "decile"))
    assert {village for village, _decile in found} == {
        *JAMBI_BKBK_VILLAGES,
        *TANJAB_VILLAGES,
        *UNREACHED_VILLAGES,
    }
    assert [decile for _village, decile in found] == sorted(decile for _village, decile in found)
    batanghari = {
        v for v, _d in candidates(demo.user("batanghari.operator"), today).values_list("village_id", "decile")
    }
    assert batanghari == {*JAMBI_BKBK_VILLAGES, *UNREACHED_VILLAGES}
    assert seed_dtsen() is None  # idempotent


def test_the_running_bkbk_proposes_the_unreached_villages_poor_from_dtsen(demo_world, demo):
    """The province's running BKBK has its places taken in the demo villages and free in
    the three Mersam villages it has not reached: the proposal fills them there."""
    from jaring.demo.dtsen import UNREACHED_VILLAGES
    from jaring.programs.models import Program
    from jaring.targeting.proposals import proposal

    today = timezone.localdate()
    program = Program.objects.get(code__startswith="BKBK-JAMBI", starts_on__lte=today, ends_on__gte=today)
    found = proposal(demo.user("jambi.operator"), program, today, region="15.04.01")
    proposed = {line.village: line.proposed for line in found.villages if line.proposed}
    assert set(UNREACHED_VILLAGES) <= set(proposed) and sum(proposed.values()) > 60
    assert all(line.free_quota == 75 for line in found.villages if line.village in UNREACHED_VILLAGES)
