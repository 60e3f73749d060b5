from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from jaring.accounts.models import ApiToken, Organization, User
from jaring.accounts.services import api_token_authenticate


def _run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_create_organization_and_user_from_the_cli():
    _run(
        "create_organization",
        "--code",
        "kc-muarabungo",
        "--name",
        "BPJS KC Muara Bungo",
        "--kind",
        "bpjs_branch",
        "--regions",
        "15.08,15.09",
    )
    org = Organization.objects.get(code="kc-muarabungo")
    assert org.region_codes() == ["1508", "1509"]
    _run(
        "create_user",
        "--username",
        "kc.op",
        "--password",
        "Muara-Bungo-2026",
        "--organization",
        "kc-muarabungo",
        "--role",
        "viewer",
        "--audit",
    )
    user = User.objects.get(username="kc.op")
    assert (user.role, user.can_audit, user.organization_id) == ("viewer", True, org.pk)


@pytest.mark.django_db
def test_organization_codes_match_whatever_their_case_in_the_cli_and_the_api():
    _run(
        "create_organization",
        "--code",
        "GP-BH",
        "--name",
        "Pemerintah Kabupaten Batang Hari (uji)",
        "--kind",
        "regency",
        "--regions",
        "15.04",
    )
    org = Organization.objects.get()
    assert org.code == "gp-bh"  # stored in one form
    with pytest.raises(CommandError, match="conflict"):
        _run(
            "create_organization", "--code", "Gp-Bh", "--name", "X", "--kind", "regency", "--regions", "15.04"
        )
    _run(
        "create_user",
        "--username",
        "bh.operator",
        "--password",
        "Batang-Hari-2026",
        "--organization",
        "GP-BH",
        "--role",
        "operator",
    )
    client = Client()
    client.force_login(User.objects.get(username="bh.operator", organization=org))
    program = {
        "code": "APBD-BH-2026",
        "name": "APBD Batang Hari 2026",
        "source": "APBD_KAB",
        "payer": "GP-BH",
        "fiscal_year": 2026,
        "starts_on": "2026-01-01",
        "coverage_months": 12,
        "budget_ceiling": 1_000_000_000,
        "target_regions": ["15.04"],
    }
    response = client.post("/api/v1/programs", program, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["payer"] == "gp-bh"
    unknown = client.post(
        "/api/v1/programs", {**program, "code": "X-2026", "payer": "GP-XX"}, content_type="application/json"
    )
    assert (unknown.status_code, unknown.json()["code"]) == (404, "organization_unknown")


@pytest.mark.django_db
def test_cli_errors_print_code_and_message():
    with pytest.raises(CommandError, match=r"invalid_input: Kode 15\.04 bukan kode provinsi"):
        _run(
            "create_organization",
            "--code",
            "x",
            "--name",
            "X",
            "--kind",
            "province",
            "--regions",
            "15.04",
        )
    with pytest.raises(CommandError, match="not_found"):
        _run(
            "create_user",
            "--username",
            "u",
            "--password",
            "Pass-Word-2026",
            "--organization",
            "nope",
            "--role",
            "viewer",
        )


@pytest.mark.django_db
def test_create_api_token_prints_a_working_token(demo):
    raw = _run("create_api_token", "jambi.viewer").strip()
    assert api_token_authenticate(raw) == demo.user("jambi.viewer")
    assert ApiToken.objects.filter(user__username="jambi.viewer").count() == 1


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_lists_credentials(demo):
    users_before = User.objects.count()
    out = _run("seed_demo")
    assert User.objects.count() == users_before
    assert "desa.operator" in out
    assert "sudah ada" in out


@pytest.mark.django_db
def test_load_regions_text_output_says_nothing_changed():
    out = _run("load_regions", "--province", "15")
    assert "Tidak ada perubahan" in out


def test_jaring_console_script_is_the_django_cli():
    import subprocess
    import sys
    from pathlib import Path

    result = subprocess.run(
        [str(Path(sys.executable).parent / "jaring"), "help", "load_regions"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0
    assert "--json" in result.stdout


@pytest.mark.django_db
def test_seed_demo_registers_realistic_people_once(demo):
    from jaring.registry.models import DuplicateCandidate, Participant

    _run("seed_demo")
    count = Participant.objects.count()
    assert count > 500
    bkbk = Participant.objects.filter(village_id="1504012003", category="miskin_ekstrem")
    assert bkbk.exclude(nik__endswith="0999").count() == 50  # plus one registered twice (the 0999 twin)
    assert Participant.objects.filter(village_id="1504012003", category="pekerja_rentan").count() == 25
    assert Participant.objects.filter(village__code__startswith="17").exists()  # Bengkulu
    assert DuplicateCandidate.objects.count() == 1
    _run("seed_demo")
    assert Participant.objects.count() == count


@pytest.mark.django_db
def test_seed_demo_reproduces_the_money_trail_of_the_public_record(demo):
    """All BKBK money at the regencies, half of it in village accounts, idle villages,
    Kota Jambi's MoU ended in May 2025 and renewed, Bengkulu's 39,487 quota."""
    from datetime import date

    from jaring.funds.selectors import funnel_report, idle_villages
    from jaring.programs.models import Agreement, Enrolment, Program

    _run("seed_demo")
    admin = demo.user("admin")
    bkbk = Program.objects.get(code="BKBK-JAMBI-2025")
    assert bkbk.budget_ceiling == 23_965_200_000
    ((_p, funnel),) = funnel_report(admin, [bkbk]).programs
    assert funnel.to_regency == funnel.allocated == funnel.budget
    assert 48 <= funnel.percent("to_village") <= 52
    assert 0 < funnel.to_bpjs < funnel.to_village
    assert idle_villages(admin, [bkbk], today=date(2026, 11, 23)).villages
    assert Enrolment.objects.filter(program=bkbk, village_id="1504012003", status="active").count() == 75
    renewal = Agreement.objects.get(number="MoU/11/PEMKOT-JMB/BPJSTK/2025")
    assert renewal.renews.ends_on == date(2025, 5, 31)
    assert Program.objects.get(code="APBD-BENGKULU-2024").quota_total == 39_487
    from jaring.alerts.models import Alert
    from jaring.alerts.services import alerts_refresh

    assert Alert.objects.filter(kind="idle_money", region_code__startswith="15").count() > 10  # seeded today
    alerts_refresh(today=date(2026, 11, 23))
    ending = Alert.objects.filter(kind="agreement_ending", resolved_at__isnull=True)
    assert {(a.title, a.severity) for a in ending} == {
        ("PKS PKS/05/PEMPROV-BKL/BPJSTK/2024 berakhir dalam 17 hari", "danger"),
        ("PKS PKS/BKBK/01/BPJSTK-SUMBAGSEL/2025 berakhir dalam 38 hari", "warning"),
    }
    seeded = sorted(Program.objects.values_list("code", flat=True))
    # The published history and the live year of the install date (demo/live.py).
    live = f"BKBK-JAMBI-{date.today().year}"
    assert seeded == sorted(["APBD-BENGKULU-2024", "BKBK-JAMBI-2025", "KOTA-JAMBI-RT-2025", live])
    _run("seed_demo")  # idempotent
    assert sorted(Program.objects.values_list("code", flat=True)) == seeded


@pytest.mark.django_db
def test_seed_demo_reproduces_the_coverage_of_the_public_record(demo):
    """Jambi 39.52% on 12 Aug 2024 (Batanghari 50.71%, target 53% = 695,556 people),
    45.17% in Dec 2024; Bengkulu 41.84% in Dec 2024 as the sum of its regencies."""
    import json

    from jaring.monitoring.models import CoverageFigure

    _run("seed_demo")
    jambi = json.loads(_run("coverage", "--region", "15", "--date", "2024-08-12", "--json"))
    assert (jambi["date"], jambi["participants"], jambi["potential"]) == ("2024-08-12", 518_632, 1_312_370)
    assert (jambi["coverage_pct"], jambi["target_pct"], jambi["target_participants"]) == (
        "39.52",
        "53.00",
        695_556,
    )
    assert "notes" not in jambi  # the regencies sum exactly to the province
    assert len(jambi["children"]) == 11
    batanghari = next(c for c in jambi["children"] if c["region"] == "1504")
    assert (batanghari["participants"], batanghari["potential"], batanghari["coverage_pct"]) == (
        49_803,
        98_206,
        "50.71",
    )
    december = json.loads(_run("coverage", "--region", "15", "--date", "2024-12-31", "--json"))
    assert (december["participants"], december["coverage_pct"]) == (592_806, "45.17")
    bengkulu = json.loads(_run("coverage", "--region", "17", "--date", "2024-12-31", "--json"))
    assert (bengkulu["participants"], bengkulu["coverage_pct"], bengkulu["target_pct"]) == (
        261_814,
        "41.84",
        "45.00",
    )
    assert not CoverageFigure.objects.filter(region_id="17").exists()  # derived from its regencies
    mersam = json.loads(_run("coverage", "--region", "15.04.01", "--json"))
    assert len(mersam["children"]) == 18  # drill-down reaches the villages
    count = CoverageFigure.objects.count()
    _run("seed_demo")
    assert CoverageFigure.objects.count() == count


def test_seed_demo_bills_and_pays_along_the_money_trail(demo):
    """Bills for the demo programs; the BKBK villages that paid BPJS paid for each
    of their people (the transfer's amount); Kota Jambi RT heads are mostly protected
    today, some in arrears, some lapsed, a few with a paid period ending within 30 days."""
    from datetime import date, timedelta

    from django.db.models import Sum
    from django.utils import timezone

    from jaring.billing.models import Bill, Payment
    from jaring.billing.selectors import protection_counts, protection_rows
    from jaring.funds.models import Transfer

    _run("seed_demo")
    admin = demo.user("admin")
    today = timezone.localdate()
    programs = set(Bill.objects.values_list("program__code", flat=True))
    live = f"BKBK-JAMBI-{today.year}"  # the live year of the install date (demo/live.py)
    assert programs == {"BKBK-JAMBI-2025", "KOTA-JAMBI-RT-2025", "APBD-BENGKULU-2024", live}
    village = Transfer.objects.get(reference="IURAN/BKBK/1504012003")
    paid = Payment.objects.filter(reference__startswith="IURAN/BKBK/1504012003/").aggregate(s=Sum("amount"))[
        "s"
    ]
    assert paid == village.amount
    kota = protection_counts(admin, today, region="15.71")
    assert kota["active"] > kota["arrears"] > 0 and kota["lapsed"] > 0
    ending, _after = protection_rows(admin, today, "ending", region="15.71")
    assert ending and all(r.covered_until <= today + timedelta(days=30) for r in ending)
    bkbk = protection_counts(admin, date(2025, 9, 1), region="1504012003")
    assert bkbk["active"] == 75
    # The 2025 people are protected today by the live year's money.
    assert protection_counts(admin, today, region="1504012003")["active"] == 75
    live_paid = Payment.objects.filter(reference__startswith=f"IURAN/BKBK/{today.year}/1504012003/")
    assert (
        live_paid.aggregate(s=Sum("amount"))["s"]
        == Transfer.objects.get(reference=f"IURAN/BKBK/{today.year}/1504012003").amount
    )
    bills = Bill.objects.count()
    _run("seed_demo")
    assert Bill.objects.count() == bills


@pytest.mark.django_db
def test_seed_demo_shows_claims_from_report_to_payment(demo, settings, tmp_path):
    """Jambi: a paid JKM death (Rp42,000,000) with heirs and a refund, a paid JKK death
    with scholarships for two children, an injury awaiting documents, a claim rejected
    because the person was not protected on the event date; Bengkulu: a paid claim."""
    from jaring.billing.models import Refund
    from jaring.billing.selectors import protection_on
    from jaring.claims.models import Claim
    from jaring.claims.selectors import benefits_paid

    settings.MEDIA_ROOT = tmp_path
    _run("seed_demo")
    jambi_jkm = Claim.objects.get(kind="jkm", status="paid", village__code__startswith="15")
    assert jambi_jkm.paid_rupiah == jambi_jkm.quote_total == 42_000_000
    assert jambi_jkm.heirs.exists() and jambi_jkm.recipient_heir is not None
    refund = Refund.objects.get(participant=jambi_jkm.participant)
    assert refund.months > 0 and refund.rupiah == refund.months * 16_800
    assert jambi_jkm.participant.died_on == jambi_jkm.event_date
    jkk = Claim.objects.get(kind="jkk_death", status="paid")
    assert (jkk.scholarship_children, jkk.scholarship_rupiah) == (2, 3_500_000)
    assert jkk.quote_total == 48_000_000 + 12_000_000 + 10_000_000 + 3_500_000
    waiting = Claim.objects.get(kind="jkk_injury")
    assert waiting.status == "reported" and waiting.village_id == "1504012003"
    rejected = Claim.objects.get(status="rejected")
    assert protection_on(rejected.participant, rejected.event_date).status != "active"
    assert "tidak terlindungi" in rejected.rejection_reason
    assert Claim.objects.filter(village__code__startswith="17", status="paid").exists()
    jambi = benefits_paid("15", None, None)
    assert jambi.totals.claims == 2 and jambi.totals.rupiah == 42_000_000 + jkk.quote_total
    documents = [d for c in Claim.objects.all() for d in c.documents.all()]
    assert documents and all(d.file.open("rb").read(5) == b"%PDF-" for d in documents)
    count = Claim.objects.count()
    _run("seed_demo")
    assert Claim.objects.count() == count
