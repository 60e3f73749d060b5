from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jaring.audit.models import AuditEvent
from jaring.errors import Conflict, InvalidInput, PermissionDeniedError
from jaring.funds.models import Allocation, Transfer
from jaring.funds.selectors import funnel_report, idle_villages
from jaring.funds.services import allocation_set, allocations_from_quotas, transfer_post, transfer_reverse
from jaring.programs.selectors import programs_visible_to

from .test_programs_services import bkbk

BATANGHARI, SENGKATI, NEXT_VILLAGE = "1504", "1504012003", "1504012002"
EACH_VILLAGE = 75 * 12 * 16_800  # 50 + 25 people x 12 months x Rp16,800


def post(program, kind, region, amount, reference, on=date(2025, 3, 1), **extra):
    return transfer_post(
        actor=None,
        program=program,
        kind=kind,
        region_code=region,
        transferred_on=on,
        amount=amount,
        reference=reference,
        **extra,
    )


@pytest.fixture
def program(demo):
    return bkbk(demo)


def test_allocations_from_quotas_cover_every_village_and_ward_of_jambi(program):
    total = allocations_from_quotas(actor=None, program=program)
    villages = Allocation.objects.filter(program=program, region__level="village")
    assert villages.count() == 1_585
    assert total == 1_585 * EACH_VILLAGE == 23_965_200_000
    batanghari = Allocation.objects.get(program=program, region_id=BATANGHARI)
    assert batanghari.amount == villages.filter(region__code__startswith=BATANGHARI).count() * EACH_VILLAGE


def test_allocation_refuses_more_than_the_budget_or_the_regency(program):
    allocation_set(actor=None, program=program, region_code="15.04", amount=program.budget_ceiling)
    with pytest.raises(InvalidInput) as excinfo:
        allocation_set(actor=None, program=program, region_code="15.71", amount=1)
    assert excinfo.value.code == "allocation_over_budget"
    allocation_set(actor=None, program=program, region_code="15.04", amount=10_000_000)
    with pytest.raises(InvalidInput) as excinfo:
        allocation_set(actor=None, program=program, region_code=SENGKATI, amount=10_000_001)
    assert excinfo.value.code == "allocation_over_parent"
    with pytest.raises(InvalidInput) as excinfo:
        allocation_set(actor=None, program=program, region_code="1701", amount=5)
    assert excinfo.value.code == "outside_program_regions"


def test_money_flows_province_to_regency_to_village_to_bpjs(demo, program):
    allocations_from_quotas(actor=None, program=program)
    post(program, "to_regency", BATANGHARI, 2 * EACH_VILLAGE, "SP2D/001")
    post(program, "to_village", SENGKATI, EACH_VILLAGE, "TRF/001", on=date(2025, 4, 1))
    post(program, "to_bpjs", SENGKATI, EACH_VILLAGE // 2, "IURAN/001", on=date(2025, 5, 1))
    report = funnel_report(demo.user("admin"), [program])
    ((_p, funnel),) = report.programs
    assert funnel.budget == 23_965_200_000
    assert funnel.allocated == 23_965_200_000
    assert (funnel.to_regency, funnel.to_village, funnel.to_bpjs) == (
        2 * EACH_VILLAGE,
        EACH_VILLAGE,
        EACH_VILLAGE // 2,
    )
    assert funnel.percent("to_village") == round(100 * EACH_VILLAGE / 23_965_200_000, 1)
    batanghari = next(f for code, _name, f in report.regencies if code == BATANGHARI)
    assert batanghari.to_village == EACH_VILLAGE
    assert AuditEvent.objects.filter(action="transfer.post").count() == 3


@pytest.mark.parametrize(
    ("kind", "region", "amount", "on", "code"),
    [
        ("to_regency", BATANGHARI, 0, date(2025, 3, 1), "amount_not_positive"),
        ("to_regency", BATANGHARI, -1, date(2025, 3, 1), "amount_not_positive"),
        ("to_regency", BATANGHARI, 5, date(2024, 12, 31), "date_outside_fiscal_year"),
        ("to_regency", SENGKATI, 5, date(2025, 3, 1), "region_level"),
        ("to_regency", "1701", 5, date(2025, 3, 1), "outside_program_regions"),
        (
            "to_village",
            SENGKATI,
            5,
            date(2025, 3, 1),
            "transfer_over_received",
        ),  # the regency received nothing
        ("to_bpjs", SENGKATI, 5, date(2025, 3, 1), "transfer_over_received"),
    ],
)
def test_bad_transfers_are_refused_and_change_nothing(program, kind, region, amount, on, code):
    allocations_from_quotas(actor=None, program=program)
    post(program, "to_regency", "1571", EACH_VILLAGE, "SP2D/KOTA")
    post(program, "to_village", "1571011001", 100, "TRF/KOTA")
    before = Transfer.objects.count()
    with pytest.raises(InvalidInput) as excinfo:
        post(program, kind, region, amount, "NEW/1", on=on)
    assert excinfo.value.code == code
    assert Transfer.objects.count() == before


def test_transfer_beyond_its_allocation_and_duplicate_reference_are_refused(program):
    allocation_set(actor=None, program=program, region_code=BATANGHARI, amount=1_000_000)
    post(program, "to_regency", BATANGHARI, 600_000, "SP2D/001")
    with pytest.raises(InvalidInput) as excinfo:
        post(program, "to_regency", BATANGHARI, 400_001, "SP2D/002")
    assert excinfo.value.code == "transfer_over_allocation"
    assert "Rp600.000" in excinfo.value.message
    with pytest.raises(Conflict) as excinfo:
        post(program, "to_regency", BATANGHARI, 1, "SP2D/001")
    assert excinfo.value.code == "reference_taken"


def test_a_future_date_and_a_non_document_evidence_are_refused(program):
    with pytest.raises(InvalidInput) as excinfo:
        post(
            program,
            "to_regency",
            BATANGHARI,
            5,
            "X",
            on=date(2025, 12, 31),
            evidence=SimpleUploadedFile("a.exe", b"MZ"),
        )
    assert excinfo.value.code == "evidence_type"


def test_reversal_corrects_without_editing_and_only_once(demo, program):
    original = post(program, "to_regency", BATANGHARI, 1_000_000, "SP2D/001")
    with pytest.raises(InvalidInput):
        transfer_reverse(actor=None, transfer=original, reason="  ")
    reversal = transfer_reverse(actor=None, transfer=original, reason="Salah rekening", on=date(2025, 3, 2))
    original.refresh_from_db()
    assert original.amount == 1_000_000
    assert (reversal.amount, reversal.reverses_id, reversal.reference) == (
        -1_000_000,
        original.pk,
        "SP2D/001/KOREKSI",
    )
    ((_p, funnel),) = funnel_report(demo.user("admin"), [program]).programs
    assert funnel.to_regency == 0
    with pytest.raises(Conflict):
        transfer_reverse(actor=None, transfer=original, reason="lagi")
    with pytest.raises(InvalidInput):
        transfer_reverse(actor=None, transfer=reversal, reason="lagi")


def test_reversal_refused_while_the_money_was_passed_on(program):
    original = post(program, "to_regency", BATANGHARI, 1_000_000, "SP2D/001")
    post(program, "to_village", SENGKATI, 500_000, "TRF/001")
    with pytest.raises(InvalidInput) as excinfo:
        transfer_reverse(actor=None, transfer=original, reason="Salah")
    assert excinfo.value.code == "reversal_below_downstream"


def test_idle_villages_received_long_ago_and_paid_nothing_since(demo, program):
    post(program, "to_regency", BATANGHARI, 3_000_000, "SP2D/001", on=date(2025, 1, 10))
    post(program, "to_village", SENGKATI, 1_000_000, "TRF/A", on=date(2025, 2, 1))
    post(program, "to_village", NEXT_VILLAGE, 1_000_000, "TRF/B", on=date(2025, 2, 1))
    post(program, "to_bpjs", NEXT_VILLAGE, 1_000_000, "IURAN/B", on=date(2025, 2, 20))
    post(program, "to_village", "1504012004", 1_000_000, "TRF/C", on=date(2025, 3, 20))
    idle = idle_villages(demo.user("admin"), [program], today=date(2025, 4, 1), days=30).villages
    assert [(v.village_code, v.idle_days, v.received, v.paid) for v in idle] == [(SENGKATI, 59, 1_000_000, 0)]
    assert [
        v.village_code
        for v in idle_villages(demo.user("admin"), [program], today=date(2025, 5, 1), days=30).villages
    ] == [
        SENGKATI,
        "1504012004",
    ]
    first = idle_villages(demo.user("admin"), [program], today=date(2025, 5, 1), days=30, limit=1)
    assert (first.total, [v.village_code for v in first.villages]) == (2, [SENGKATI])
    assert [v.village_name for v in first.villages] == ["Sengkati Gedang"]


def test_only_the_payer_or_the_region_posts_money(demo, program):
    with pytest.raises(PermissionDeniedError):
        transfer_post(
            actor=demo.user("kotajambi.operator"),
            program=program,
            kind="to_regency",
            region_code=BATANGHARI,
            transferred_on=date(2025, 3, 1),
            amount=5,
            reference="X",
        )
    with pytest.raises(PermissionDeniedError):
        transfer_post(
            actor=demo.user("jambi.viewer"),
            program=program,
            kind="to_regency",
            region_code=BATANGHARI,
            transferred_on=date(2025, 3, 1),
            amount=5,
            reference="X",
        )
    transfer_post(
        actor=demo.user("jambi.operator"),
        program=program,
        kind="to_regency",
        region_code=BATANGHARI,
        transferred_on=date(2025, 3, 1),
        amount=5,
        reference="X",
    )


def test_a_regency_sees_the_province_program_but_only_its_own_money(demo, program):
    post(program, "to_regency", BATANGHARI, 1_000, "SP2D/BH")
    post(program, "to_regency", "1571", 2_000, "SP2D/KOTA")
    batanghari = demo.user("batanghari.operator")
    assert list(programs_visible_to(batanghari)) == [program]
    assert list(programs_visible_to(demo.user("bengkulu.admin"))) == []
    ((_p, funnel),) = funnel_report(batanghari, [program]).programs
    assert funnel.to_regency == 1_000
    ((_p, whole),) = funnel_report(demo.user("jambi.viewer"), [program]).programs
    assert (whole.to_regency, whole.budget) == (3_000, program.budget_ceiling)


def test_kept_transfer_totals_give_the_same_funnel_as_adding_up_the_transfers(demo, program):
    from jaring.funds.models import TransferTotal
    from jaring.funds.selectors import funnel_report
    from jaring.funds.services import transfer_totals_rebuild

    post(program, "to_regency", BATANGHARI, 3_000_000, "SP2D/001", on=date(2025, 1, 10))
    post(program, "to_regency", "1571", 2_000_000, "SP2D/002", on=date(2025, 1, 10))
    post(program, "to_village", SENGKATI, 1_000_000, "TRF/A", on=date(2025, 2, 1))
    wrong = post(program, "to_village", NEXT_VILLAGE, 700_000, "TRF/B", on=date(2025, 2, 1))
    transfer_reverse(actor=None, transfer=wrong, reason="Salah rekening")
    post(program, "to_bpjs", SENGKATI, 400_000, "IURAN/A", on=date(2025, 2, 20))
    kept = set(TransferTotal.objects.values_list("kind", "area", "amount"))
    assert kept == {
        ("to_regency", "1504", 3_000_000),
        ("to_regency", "1571", 2_000_000),
        ("to_village", "1504", 1_000_000),  # the reversal took its 700,000 back
        ("to_bpjs", "1504", 400_000),
    }
    transfer_totals_rebuild()
    assert set(TransferTotal.objects.values_list("kind", "area", "amount")) == kept
    for username in (
        "admin",
        "jambi.viewer",
        "batanghari.operator",
        "desa.operator",
        "kotajambi.operator",
        "bpjs.tanjabbar",
    ):
        user = demo.user(username)
        for region in ("", "15", "1504"):
            fast = funnel_report(user, [program], region=region)  # the kept totals
            slow = funnel_report(user, [program], region=region, until=date(2100, 1, 1))  # every transfer
            assert fast.total.as_dict() == slow.total.as_dict(), (username, region)
            assert [(c, f.as_dict()) for c, _n, f in fast.regencies] == [
                (c, f.as_dict()) for c, _n, f in slow.regencies
            ], (username, region)


def test_a_program_allocated_village_by_village_shows_its_allocation_in_the_funnel(demo, program):
    """No regency allocation of its own: the funnel adds up its villages' (before, it
    showed "allocated 0"); with both, the regency's own counts, never both."""
    allocation_set(actor=None, program=program, region_code=SENGKATI, amount=EACH_VILLAGE)
    allocation_set(actor=None, program=program, region_code=NEXT_VILLAGE, amount=EACH_VILLAGE)
    report = funnel_report(demo.user("jambi.viewer"), [program])
    ((_p, funnel),) = report.programs
    assert funnel.allocated == 2 * EACH_VILLAGE
    assert [(code, f.allocated) for code, _name, f in report.regencies] == [(BATANGHARI, 2 * EACH_VILLAGE)]
    village_view = funnel_report(demo.user("desa.operator"), [program])
    assert village_view.total.allocated == EACH_VILLAGE  # the operator's own village
    allocation_set(actor=None, program=program, region_code=BATANGHARI, amount=3 * EACH_VILLAGE)
    ((_p, funnel),) = funnel_report(demo.user("jambi.viewer"), [program]).programs
    assert funnel.allocated == 3 * EACH_VILLAGE
