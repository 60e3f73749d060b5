"""The alert inbox: the sweep raises, updates and resolves alerts from each app's
sources; acknowledging is audited; everyone sees only their jurisdiction's alerts."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from jaring.access.permissions import can_edit_data
from jaring.access.scoping import SYSTEM, jurisdiction_of
from jaring.alerts import sources
from jaring.alerts.models import Alert, AlertRefresh
from jaring.alerts.selectors import conditions_on
from jaring.alerts.services import alert_acknowledge, alerts_refresh
from jaring.audit.models import AuditEvent
from jaring.errors import Conflict, InvalidInput, PermissionDeniedError
from jaring.programs.models import Program
from jaring.programs.services import agreement_create

from .access import CASES, ORGS, client_for, matrix_user
from .test_funds_services import post
from .test_programs_services import bkbk

TODAY = date(2025, 11, 1)
SENGKATI = "1504012003"


def agreement(demo, program, *, ends_on, number="PKS/001", renews=None):
    return agreement_create(
        actor=None,
        number=number,
        payer=demo.org("pemprov-jambi"),
        bpjs_office=demo.org("bpjstk-kanwil-sumbagsel"),
        starts_on=date(2025, 1, 1) if renews is None else renews.ends_on + timedelta(days=1),
        ends_on=ends_on,
        programs=[program],
        renews=renews,
    )


def open_alerts(kind: str) -> dict[str, Alert]:
    return {a.key: a for a in Alert.objects.filter(kind=kind, resolved_at__isnull=True)}


def test_an_agreement_ending_is_raised_updated_acknowledged_and_resolved_by_its_renewal(demo):
    program = bkbk(demo)
    pks = agreement(demo, program, ends_on=TODAY + timedelta(days=60))
    alerts_refresh(today=TODAY)
    (alert,) = open_alerts("agreement_ending").values()
    assert (alert.severity, alert.count, alert.region_code) == ("warning", 60, "15")
    assert alert.title == "PKS PKS/001 berakhir dalam 60 hari"
    assert alert.url == f"/pks/{pks.pk}/"

    run = alerts_refresh(today=TODAY + timedelta(days=35))  # 25 days left: urgent now
    alert.refresh_from_db()
    assert (alert.severity, alert.count, run.raised) == ("danger", 25, 0)

    officer = demo.user("jambi.operator")
    alert_acknowledge(actor=officer, alert=alert, note="  Draf perpanjangan  dikirim ke BPJS ")
    alert.refresh_from_db()
    assert (alert.acknowledgement, alert.acknowledged_by) == ("Draf perpanjangan dikirim ke BPJS", officer)
    event = AuditEvent.objects.get(action="alert.acknowledge")
    assert (event.target_id, event.region_code) == (str(alert.pk), "15")
    with pytest.raises(Conflict):
        alert_acknowledge(actor=officer, alert=alert, note="lagi")

    agreement(demo, program, ends_on=date(2027, 12, 31), number="PKS/002", renews=pks)
    run = alerts_refresh(today=TODAY + timedelta(days=36))
    alert.refresh_from_db()
    assert run.resolved == 1 and alert.resolved_at is not None
    assert not open_alerts("agreement_ending")


def test_an_agreement_that_ended_unrenewed_while_its_program_runs(demo):
    program = bkbk(demo, fiscal_year=2026, starts_on=date(2026, 1, 1))
    agreement(demo, program, ends_on=date(2026, 3, 31))
    alerts_refresh(today=date(2026, 4, 10))
    (alert,) = open_alerts("agreement_ended").values()
    assert alert.severity == "danger" and "sudah berakhir 10 hari lalu" in alert.title
    alerts_refresh(today=date(2027, 1, 5))  # the program ended too: nothing left to act on
    assert not open_alerts("agreement_ended")


def test_idle_money_comes_and_goes_and_a_returning_condition_needs_a_new_acknowledgement(demo):
    program = bkbk(demo)
    post(program, "to_regency", "1504", 3_000_000, "SP2D/1", on=date(2025, 2, 1))
    post(program, "to_village", SENGKATI, 1_000_000, "TRF/1", on=date(2025, 3, 1))
    alerts_refresh(today=date(2025, 3, 20))
    assert not open_alerts("idle_money")  # 19 days: not idle yet
    alerts_refresh(today=date(2025, 4, 15))
    (alert,) = open_alerts("idle_money").values()
    assert (alert.region_code, alert.count, alert.rupiah, alert.severity) == (
        SENGKATI,
        45,
        1_000_000,
        "warning",
    )
    assert alert.url == f"/dana/transfer/?program={program.pk}&wilayah=15.04.01.2003"
    assert "Sengkati Gedang" in alert.title
    alert_acknowledge(actor=demo.user("desa.operator"), alert=alert, note="Bendahara desa dihubungi")

    post(program, "to_bpjs", SENGKATI, 1_000_000, "IURAN/1", on=date(2025, 4, 16))
    alerts_refresh(today=date(2025, 4, 20))
    assert not open_alerts("idle_money")

    post(program, "to_village", SENGKATI, 500_000, "TRF/2", on=date(2025, 5, 1))
    alerts_refresh(today=date(2025, 9, 1))  # idle again, for over 90 days: urgent
    again = Alert.objects.get(pk=alert.pk)
    assert again.resolved_at is None and again.acknowledged_at is None and again.acknowledgement == ""
    assert (again.severity, again.rupiah) == ("danger", 500_000)


def test_an_alert_reads_in_the_officers_language_with_its_figures_formatted_for_it(demo):
    """The sweep keeps the Indonesian text and the message with its figures, so the inbox
    (and the digest) writes the same sentence in English, rupiah and dates included."""
    program = bkbk(demo)
    post(program, "to_regency", "1504", 3_000_000, "SP2D/1", on=date(2025, 2, 1))
    post(program, "to_village", SENGKATI, 1_234_000, "TRF/1", on=date(2025, 3, 1))
    alerts_refresh(today=date(2025, 4, 15))
    (alert,) = open_alerts("idle_money").values()
    assert alert.title == f"Dana {program.code} mengendap 45 hari di Sengkati Gedang"
    assert alert.detail.startswith("Diterima Rp1.234.000 (terakhir 01/03/2025), dibayarkan ke BPJS Rp0.")
    assert alert.message["params"]["received"] == {"rupiah": 1_234_000}
    # A past day's conditions (the monev report) read the same Indonesian sentence.
    (condition,) = [
        c for c in conditions_on(demo.user("jambi.operator"), date(2025, 4, 15)) if c.kind == "idle_money"
    ]
    assert (condition.draft.text_title, condition.draft.text_detail) == (alert.title, alert.detail)

    client = demo.client("desa.operator")
    client.cookies["django_language"] = "en"
    page = client.get("/peringatan/").content.decode()
    assert f"{program.code} money idle for 45 days in Sengkati Gedang" in page
    assert "Received Rp1,234,000 (last on 01/03/2025), paid to BPJS Rp0." in page
    assert "mengendap" not in page
    client.cookies["django_language"] = "id"
    assert alert.title in client.get("/peringatan/").content.decode()

    # An alert stored before messages were kept still reads (its Indonesian title).
    Alert.objects.filter(pk=alert.pk).update(message={})
    client.cookies["django_language"] = "en"
    assert alert.title in client.get("/peringatan/").content.decode()


def _program_over_its_limits(demo):
    """12 people enrolled, then the quotas and the ceiling lowered below what they use
    (data corrected by hand)."""
    from . import claims_world as w

    program = bkbk(demo, quota_total=20)
    w.enrol(program, [w.person(serial, category="miskin_ekstrem") for serial in range(1, 13)])
    program.refresh_from_db()
    Program.objects.filter(pk=program.pk).update(quota_total=10, budget_ceiling=program.committed_rupiah - 5)
    program.quotas.filter(category="miskin_ekstrem").update(per_village=11)
    return program


def test_programs_over_quota_or_budget(demo):
    program = bkbk(demo, code="BKBK-LAIN", quota_total=10)
    alerts_refresh(today=TODAY)
    assert not Alert.objects.filter(kind="program_over_limit").exists()
    program = _program_over_its_limits(demo)
    alerts_refresh(today=TODAY)
    found = open_alerts("program_over_limit")
    assert set(found) == {
        f"over_quota:{program.pk}",
        f"over_village_quota:{program.pk}",
        f"over_budget:{program.pk}",
    }
    assert found[f"over_quota:{program.pk}"].count == 2
    assert found[f"over_village_quota:{program.pk}"].count == 1
    assert found[f"over_budget:{program.pk}"].rupiah == 5


def test_over_limit_today_reads_the_kept_counters_and_a_past_day_the_enrolments(demo):
    """Today the source reads the counters kept with every enrolment; for a past day
    it counts the enrolments that held people then (before the program started, none)."""
    from jaring.programs.alerts import programs_over_limit

    program = _program_over_its_limits(demo)
    Program.objects.filter(pk=program.pk).update(ends_on=date(2099, 12, 31))
    today = timezone.localdate()
    assert {d.key for d in programs_over_limit(today)} == {
        f"over_quota:{program.pk}",
        f"over_village_quota:{program.pk}",
        f"over_budget:{program.pk}",
    }
    assert list(programs_over_limit(date(2024, 12, 31))) == []
    assert {d.key for d in programs_over_limit(TODAY)} == {d.key for d in programs_over_limit(today)}


def test_a_failing_source_is_reported_and_its_alerts_are_kept(demo, monkeypatch):
    program = bkbk(demo)
    agreement(demo, program, ends_on=TODAY + timedelta(days=10))
    alerts_refresh(today=TODAY)
    assert open_alerts("agreement_ending")

    def broken(today):
        raise RuntimeError("basis data sibuk")

    monkeypatch.setitem(
        sources.SOURCES, "agreement_ending", sources.Source("agreement_ending", "PKS", broken)
    )
    run = alerts_refresh(today=TODAY)
    assert run.failures == [["agreement_ending", "basis data sibuk"]]
    assert open_alerts("agreement_ending")  # not resolved by a failure
    with pytest.raises(ValueError):
        sources.source("agreement_ending", "lagi")(lambda today: [])


def test_acknowledging_needs_an_editor_and_a_note(demo):
    program = bkbk(demo)
    agreement(demo, program, ends_on=TODAY + timedelta(days=10))
    alerts_refresh(today=TODAY)
    (alert,) = open_alerts("agreement_ending").values()
    for actor in (demo.user("jambi.viewer"), SYSTEM):
        with pytest.raises(PermissionDeniedError):
            alert_acknowledge(actor=actor, alert=alert, note="dilihat")
    with pytest.raises(InvalidInput):
        alert_acknowledge(actor=demo.user("jambi.operator"), alert=alert, note="   ")
    assert not AuditEvent.objects.filter(action="alert.acknowledge").exists()


def test_the_system_reader_sees_everything_and_may_change_nothing():
    assert jurisdiction_of(SYSTEM).unrestricted
    assert not can_edit_data(SYSTEM)


def test_refresh_alerts_command_prints_json(demo, capsys):
    program = bkbk(demo)
    agreement(demo, program, ends_on=date(2026, 12, 31))
    call_command("refresh_alerts", "--date", "2026-12-01", "--json")
    result = json.loads(capsys.readouterr().out)
    assert (result["raised"], result["open"], result["failures"]) == (1, 1, [])
    assert AlertRefresh.objects.count() == 1


def test_inbox_page_filters_acknowledges_and_refreshes(demo):
    program = bkbk(demo)
    agreement(demo, program, ends_on=TODAY + timedelta(days=10))
    alerts_refresh(today=TODAY)
    (alert,) = open_alerts("agreement_ending").values()
    client = demo.client("jambi.operator")
    page = client.get("/peringatan/").content.decode()
    assert "PKS PKS/001 berakhir dalam 10 hari" in page and 'data-testid="nav-alerts"' in page
    assert "Tidak ada peringatan" in client.get("/peringatan/", {"jenis": "idle_money"}).content.decode()
    response = client.post(
        f"/peringatan/{alert.pk}/tanggapi/",
        {"acknowledgement": "Sudah dibahas", "next": "https://evil.test/"},
    )
    assert response["Location"] == "/peringatan/"
    assert "Tidak ada peringatan yang perlu" in client.get("/peringatan/").content.decode()
    done = client.get("/peringatan/", {"status": "ditanggapi"}).content.decode()
    assert "Sudah dibahas" in done
    viewer = demo.client("jambi.viewer")
    viewer.post("/peringatan/perbarui/")
    assert AlertRefresh.objects.count() == 1  # a viewer cannot start a sweep
    client.post("/peringatan/perbarui/")  # tasks run inline in tests
    assert AlertRefresh.objects.count() == 2


@pytest.fixture
def matrix_alerts(demo):
    """One alert inside each organization kind's jurisdiction and one outside all
    (of a kind no source sweeps, so the inbox's own sweep leaves them open)."""
    now = timezone.now()
    made = {}
    for kind, (_org, inside, _outside) in ORGS.items():
        made[kind] = Alert.objects.create(
            kind="test_kind",
            key=f"test:{kind}",
            region_code=inside,
            severity="warning",
            title=f"Dalam {kind}",
            raised_at=now,
            seen_at=now,
        )
    made["outside"] = Alert.objects.create(
        kind="test_kind",
        key="test:outside",
        region_code="3171011001",
        severity="warning",
        title="Di Jakarta",
        raised_at=now,
        seen_at=now,
    )
    return made


@pytest.mark.parametrize(("kind", "role"), CASES)
def test_every_role_sees_and_acknowledges_only_inside(matrix_alerts, kind, role):
    client = client_for(matrix_user(kind, role))
    titles = {a["title"] for a in client.get("/api/v1/alerts", {"status": "semua"}).json()["items"]}
    assert f"Dalam {kind}" in titles and "Di Jakarta" not in titles
    page = client.get("/peringatan/").content.decode()
    assert f"Dalam {kind}" in page and "Di Jakarta" not in page
    outside = matrix_alerts["outside"]
    assert (
        client.post(
            f"/api/v1/alerts/{outside.pk}/acknowledge", {"acknowledgement": "x"}, "application/json"
        ).status_code
        == 404
    )
    inside = matrix_alerts[kind]
    response = client.post(
        f"/api/v1/alerts/{inside.pk}/acknowledge", {"acknowledgement": "Ditangani"}, "application/json"
    )
    assert response.status_code == (200 if role in ("admin", "operator") else 403)
    inside.refresh_from_db()
    assert (inside.acknowledgement == "Ditangani") == (role in ("admin", "operator"))


def test_trajectory_is_a_straight_line_from_the_baseline_to_the_year_end_target():
    from decimal import Decimal

    from jaring.monitoring.coverage import Figure, trajectory_pct

    baseline = Figure(code="15", on=date(2024, 12, 31), participants=40, potential=100)
    target = Decimal("58")
    assert trajectory_pct(baseline=baseline, target=target, on=date(2024, 12, 31)) == Decimal("40.00")
    assert trajectory_pct(baseline=baseline, target=target, on=date(2025, 12, 31)) == Decimal("58.00")
    halfway = date(2024, 12, 31) + timedelta(days=365 // 2)
    assert trajectory_pct(baseline=baseline, target=target, on=halfway) == Decimal("48.98")


def test_coverage_behind_its_target_trajectory(demo):
    from jaring.monitoring.models import CoverageFigure, CoverageTarget

    def figure(code, on, participants, potential=1_000):
        level = {2: "province", 4: "regency"}[len(code)]
        CoverageFigure.objects.create(
            region_id=code, level=level, on=on, participants=participants, potential=potential
        )

    CoverageTarget.objects.create(region_id="15", year=2025, target_pct=60)
    figure("15", date(2024, 12, 31), 400)
    figure("15", date(2025, 6, 30), 450)  # the path says 49.92%: 4.92 points behind
    figure("1504", date(2024, 12, 31), 500)
    figure("1504", date(2025, 6, 30), 560)  # inherits 60%: the path says 54.96%, ahead
    figure("1571", date(2025, 6, 30), 300)  # no baseline before 2025: its first figure is the start
    alerts_refresh(today=date(2025, 7, 1))
    (alert,) = open_alerts("coverage_behind").values()
    assert (alert.region_code, alert.severity) == ("15", "warning")
    assert alert.title == "Cakupan Jambi 45,00% di bawah lintasan target (49,92%)"
    assert alert.url == "/monev/?wilayah=15&tanggal=2025-06-30"
    figure("15", date(2025, 9, 30), 420)  # falling behind further: urgent
    alerts_refresh(today=date(2025, 10, 1))
    alert.refresh_from_db()
    assert alert.severity == "danger" and alert.resolved_at is None


def test_contribution_alerts_ending_lapsed_and_deceased_still_billed(demo):
    from jaring.billing.services import bill_correct, death_record
    from jaring.monitoring.summaries import summaries_refresh

    from .billing_world import MONTHLY, enrol, issue, make_people, make_program, pay_person

    program = make_program(demo.org("pemprov-jambi"))
    people = make_people(4)
    enrol(program, people)
    bill = issue(program, "2025-01", 12)
    pay_person(people[0], "2025-01", "2025-07", 7 * MONTHLY, reference="A")  # paid through July
    pay_person(people[1], "2025-01", "2025-02", 2 * MONTHLY, reference="B")  # lapsed by July
    pay_person(people[2], "2025-01", "2025-12", 12 * MONTHLY, reference="C")
    death_record(actor=None, participant=people[2], died_on=date(2025, 5, 3), reason="akta kematian")
    today = date(2025, 7, 15)
    summaries_refresh(on=today)
    alerts_refresh(today=today)
    ending = open_alerts("protection_ending")[f"protection_ending:{SENGKATI}"]
    assert ending.count == 1 and ending.url == "/iuran/peringatan/?jenis=berakhir&wilayah=15.04.01.2003"
    lapsed = open_alerts("protection_lapsed")[f"protection_lapsed:{SENGKATI}"]
    assert lapsed.count == 1 and "berhenti terlindungi" in lapsed.title
    billed = open_alerts("deceased_billed")[f"deceased_billed:{SENGKATI}"]
    assert (billed.count, billed.severity) == (1, "danger")

    bill_correct(actor=None, bill=bill, reason="Peserta meninggal")  # the correction leaves the dead out
    pay_person(people[0], "2025-08", "2025-12", 5 * MONTHLY, reference="A2", paid_on=date(2025, 7, 20))
    alerts_refresh(today=date(2025, 7, 21))
    assert not open_alerts("deceased_billed") and not open_alerts("protection_ending")
