"""`jaring check_integrity`: every kept counter is recomputed from its records; a
counter tampered with is reported with its key and both values, and repaired."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from jaring.audit.models import AuditEvent
from jaring.billing.models import Bill
from jaring.funds.models import TransferTotal
from jaring.integrity import counters, integrity_check
from jaring.monitoring.models import ProtectionSummary
from jaring.monitoring.summaries import summaries_refresh
from jaring.programs.models import Program, VillageEnrolmentCount
from jaring.programs.services import enrolment_end
from jaring.regions.models import Region
from jaring.registry.models import Participant

from . import claims_world as w
from .test_funds_services import BATANGHARI, EACH_VILLAGE, SENGKATI, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(demo):
    payer = demo.org("pemprov-jambi")
    prog = w.program(payer)
    people = [w.person(serial) for serial in (1, 2, 3)]
    w.enrol(prog, people)
    w.pay(prog, date(2025, 1, 1), 3, paid_on=date(2025, 1, 10), reference="IURAN-INTEG")
    post(prog, "to_regency", BATANGHARI, 2 * EACH_VILLAGE, "SP2D/INTEG")
    post(prog, "to_village", SENGKATI, EACH_VILLAGE, "TRF/INTEG", on=date(2025, 4, 1))
    summaries_refresh(on=date(2025, 3, 31))
    return prog


def _differences(reports) -> dict[str, list]:
    return {r.name: [(d.key, d.kept, d.expected) for d in r.differences] for r in reports if r.differences}


def test_every_counter_is_checked_and_a_consistent_world_has_no_difference(world):
    reports = integrity_check()
    assert (
        {r.name for r in reports}
        == {c.name for c in counters()}
        == {
            "funds.transfer_total",
            "programs.village_enrolment_count",
            "programs.enrolled_active",
            "programs.committed_rupiah",
            "billing.bill_totals",
            "monitoring.protection_summary",
            "regions.counts",
        }
    )
    assert _differences(reports) == {}
    assert all(r.checked > 0 for r in reports)


def test_tampered_counters_are_reported_with_both_values_and_repaired(world):
    TransferTotal.objects.filter(program=world, kind="to_village").update(amount=1)
    VillageEnrolmentCount.objects.filter(program=world).update(active=7)
    Program.objects.filter(pk=world.pk).update(enrolled_active=9, committed_rupiah=5)
    bill = Bill.objects.get(program=world)
    Bill.objects.filter(pk=bill.pk).update(paid_rupiah=bill.paid_rupiah + 1)
    ProtectionSummary.objects.filter(region_code="15").update(active=99)
    Region.objects.filter(code="1504").update(village_count=3)

    found = _differences(integrity_check())
    assert found["funds.transfer_total"] == [(f"program {world.pk}/to_village/1504", 1, EACH_VILLAGE)]
    assert found["programs.village_enrolment_count"] == [(f"program {world.pk}/1504012003/lainnya", 7, 3)]
    assert found["programs.enrolled_active"] == [(world.code, 9, 3)]
    assert found["programs.committed_rupiah"] == [(world.code, 5, 3 * 12 * 16_800)]
    paid = bill.paid_rupiah
    assert found["billing.bill_totals"] == [(f"{bill.number}/paid_rupiah", paid + 1, paid)]
    # The summary is rebuilt from the village counts too, so it differs in "enrolled".
    assert ("15/active", 99, 3) in found["monitoring.protection_summary"]
    villages = Region.objects.filter(code__startswith="1504", level="village").count()
    assert found["regions.counts"] == [("1504/village_count", 3, villages)]

    repaired = integrity_check(repair=True)
    assert all(r.repaired for r in repaired if r.differences)
    assert _differences(integrity_check()) == {}
    events = AuditEvent.objects.filter(action="integrity.repair")
    assert events.count() == 7
    assert events.get(target_id="programs.enrolled_active").changes == {world.code: [9, 3]}


def test_the_command_exits_non_zero_on_a_difference_and_reports_json(world, capsys):
    call_command("check_integrity")
    assert "SELISIH" not in capsys.readouterr().out
    Program.objects.filter(pk=world.pk).update(enrolled_active=4)
    with pytest.raises(CommandError, match="integrity_differences: 1 angka berselisih"):
        call_command("check_integrity")
    assert f"{world.code}: tersimpan 4, seharusnya 3" in capsys.readouterr().out
    call_command("check_integrity", "--repair", "--json", "--only", "programs.enrolled_active")
    result = json.loads(capsys.readouterr().out)
    assert result["differences"] == 1
    assert result["counters"][0]["repaired"] is True
    call_command("check_integrity")
    with pytest.raises(CommandError, match="counter_unknown"):
        call_command("check_integrity", "--only", "nothing")


def test_ending_an_enrolment_gives_back_what_it_committed_after_an_occupation_change(demo):
    """A CSR program of 2026: a farmer costs Rp16,800 a month until April, a driver
    Rp8,400 (PP 50/2025). Before, ending re-priced the person at his new occupation
    and left Rp100,800 committed for nobody."""
    prog = w.program(demo.org("pemprov-jambi"), code="CSR-2026", year=2026)
    Program.objects.filter(pk=prog.pk).update(source="CSR")
    prog.refresh_from_db()
    farmer = w.person(1, occupation="petani")
    w.enrol(prog, [farmer])
    prog.refresh_from_db()
    assert prog.committed_rupiah == 12 * 16_800
    Participant.objects.filter(pk=farmer.pk).update(occupation="ojek_pengemudi")
    enrolment = prog.enrolments.get()
    enrolment_end(actor=None, enrolment=enrolment, ends_on=date(2026, 2, 28), reason="pindah")
    prog.refresh_from_db()
    assert (prog.enrolled_active, prog.committed_rupiah) == (0, 0)
    assert _differences(integrity_check(only={"programs.committed_rupiah"})) == {}
