"""Claims through their services: eligibility on the event date from the months paid
(billing's services), the workflow, the frozen quote, the death recorded with its
refund, payment, and refusals that change nothing."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jaring.audit.models import AuditEvent
from jaring.billing.models import Refund
from jaring.billing.selectors import protection_on
from jaring.billing.services import bill_issue, payment_reverse
from jaring.claims import services
from jaring.claims.models import BenefitRule, Claim, ClaimDocument, ClaimHeir, ClaimStatus, ClaimTransition
from jaring.claims.services import DocumentInput
from jaring.errors import Conflict, DomainError, InvalidInput, PermissionDeniedError
from jaring.registry.models import Participant

from . import claims_world as w

EVENT = date(2025, 6, 14)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world(demo):
    """Jambi BKBK 2025: people of Sengkati Gedang, January-December billed and paid on
    10 January 2025; a second person paid only January-March."""
    prog = w.program(demo.org("pemprov-jambi"))
    farmer, vendor = w.person(1), w.person(2)
    w.enrol(prog, [farmer, vendor])
    bill, payment = w.pay(prog, date(2025, 1, 1), 12, paid_on=date(2025, 1, 10), reference="IURAN-2025")
    return {"program": prog, "farmer": farmer, "vendor": vendor, "bill": bill, "payment": payment}


def report(person, kind="jkm", *, actor=None, on=EVENT, **extra):
    """Reported two days after the event (today for an event in the future)."""
    values = {
        "event_place": "Kebun sawit Desa Sengkati Gedang",
        "description": "Meninggal dunia karena sakit jantung di rumah.",
        "reported_on": on + timedelta(days=2) if on + timedelta(days=2) <= date.today() else None,
    }
    return services.claim_report(
        actor=actor, participant=person, kind=kind, event_date=on, **{**values, **extra}
    )


def complete_death_claim(person, kind="jkm", actor=None, **extra):
    claim = report(person, kind, actor=actor, heirs=[w.heir()], documents=w.required_documents(kind), **extra)
    return services.claim_documents_complete(actor=actor, claim=claim, on=claim.reported_on)


# --- reporting and eligibility -----------------------------------------------------------


def test_report_records_the_claim_its_heirs_documents_timeline_and_audit(world, demo):
    officer = demo.user("desa.operator")
    claim = report(
        world["farmer"],
        actor=officer,
        heirs=[w.heir()],
        documents=[w.upload("death_certificate"), w.upload("family_card", w.PNG), w.upload("id_card", w.JPG)],
    )
    assert claim.status == ClaimStatus.REPORTED
    assert claim.village_id == "1504012003"
    assert claim.protection_status == "active"
    assert claim.paid_through == date(2025, 6, 30)
    assert claim.reference == f"KLM-{claim.reported_on:%Y}-{claim.pk:06d}"
    assert claim.organization == demo.org("desa-sengkati-gedang")
    (heir,) = claim.heirs.all()
    assert (heir.nik, heir.account_number) == ("1504015203870002", "001234567890")
    types = sorted(claim.documents.values_list("kind", "content_type"))
    assert types == [
        ("death_certificate", "application/pdf"),
        ("family_card", "image/png"),
        ("id_card", "image/jpeg"),
    ]
    document = claim.documents.get(kind="family_card")
    assert document.file.name.startswith(f"claims/{claim.pk}/") and "family_card" not in document.file.name
    assert document.original_name == "family_card.png"
    assert [(t.from_status, t.to_status) for t in claim.transitions.all()] == [("", "reported")]
    event = AuditEvent.objects.get(action="claim.report", target_id=str(claim.pk))
    assert event.region_code == "1504012003"
    assert event.actor_username == "desa.operator"
    assert event.changes["kind"] == [None, "jkm"]


def test_a_farmer_enrolled_a_week_before_his_death_is_covered(demo):
    """DOMAIN.md s.5: no waiting period."""
    prog = w.program(demo.org("pemprov-jambi"))
    farmer = w.person(3)
    w.enrol(prog, [farmer], starts_on=date(2025, 6, 7))
    w.pay(prog, date(2025, 6, 1), 1, paid_on=date(2025, 6, 7), reference="IURAN-JUNI")
    claim = complete_death_claim(farmer)
    claim = services.claim_verify(actor=None, claim=claim)
    assert claim.quote_total == 42_000_000


def test_an_event_in_the_future_is_refused_and_nothing_is_saved(world):
    with pytest.raises(InvalidInput) as refused:
        report(world["farmer"], on=date(2099, 1, 1), heirs=[w.heir()], documents=[w.upload("family_card")])
    assert refused.value.code == "event_in_future"
    assert (
        not Claim.objects.exists() and not ClaimHeir.objects.exists() and not ClaimDocument.objects.exists()
    )


def test_an_event_before_the_first_enrolment_is_refused(world):
    with pytest.raises(DomainError) as refused:
        report(world["farmer"], on=date(2024, 12, 31))
    assert refused.value.code == "event_before_enrolment"
    assert not Claim.objects.exists()


def test_a_person_never_enrolled_is_refused(world):
    with pytest.raises(DomainError) as refused:
        report(w.person(9))
    assert refused.value.code == "not_enrolled"


def test_a_person_not_protected_on_the_event_date_is_refused(demo):
    prog = w.program(demo.org("pemprov-jambi"))
    late = w.person(4)
    w.enrol(prog, [late])
    w.pay(prog, date(2025, 1, 1), 3, paid_on=date(2025, 1, 10), reference="IURAN-Q1")
    with pytest.raises(DomainError) as lapsed:
        report(late, on=date(2025, 8, 2))  # April-August unpaid: more than 3 months
    assert lapsed.value.code == "not_protected"
    assert "02/08/2025" in lapsed.value.message
    assert not Claim.objects.exists()


def test_arrears_are_covered_only_when_the_setting_says_so(demo, settings):
    prog = w.program(demo.org("pemprov-jambi"))
    behind = w.person(5)
    w.enrol(prog, [behind])
    w.pay(prog, date(2025, 1, 1), 3, paid_on=date(2025, 1, 10), reference="IURAN-Q1")
    assert protection_on(behind, date(2025, 5, 20)).status == "arrears"
    with pytest.raises(DomainError) as refused:
        report(behind, on=date(2025, 5, 20))
    assert refused.value.code == "not_protected"
    assert "tunggakan" in refused.value.message
    settings.JARING_CLAIMS_COVER_ARREARS = True
    claim = report(behind, on=date(2025, 5, 20))
    assert claim.protection_status == "arrears"


def test_a_month_paid_after_the_event_does_not_protect_it(demo):
    prog = w.program(demo.org("pemprov-jambi"))
    person = w.person(6)
    w.enrol(prog, [person])
    w.pay(prog, date(2025, 1, 1), 12, paid_on=date(2025, 3, 1), reference="IURAN-TELAT")
    with pytest.raises(DomainError) as refused:
        report(person, on=date(2025, 2, 10))
    assert refused.value.code == "not_protected"


def test_one_death_one_claim(world):
    first = report(world["farmer"])
    with pytest.raises(Conflict) as duplicate:
        report(world["farmer"], kind="jkk_death", event_place="Kebun", description="Tertimpa pohon")
    assert duplicate.value.code == "duplicate_death_claim"
    assert first.reference in duplicate.value.message
    assert Claim.objects.count() == 1


def test_a_rejected_death_claim_can_be_reported_again(world):
    first = report(world["farmer"])
    services.claim_reject(actor=None, claim=first, reason="Salah pilih jenis klaim; kecelakaan kerja.")
    again = report(world["farmer"], kind="jkk_death")
    assert again.pk != first.pk


def test_a_deceased_person_cannot_die_again(world):
    claim = services.claim_verify(actor=None, claim=complete_death_claim(world["farmer"]))
    assert claim.status == "verified"
    services.claim_reject(actor=None, claim=claim, reason="Dibatalkan")  # even after rejection
    world["farmer"].refresh_from_db()
    with pytest.raises(Conflict) as refused:
        report(world["farmer"], kind="jkk_death", on=date(2025, 7, 1))
    assert refused.value.code == "participant_deceased"


def test_the_same_accident_twice_is_refused(world):
    report(world["vendor"], "jkk_injury", description="Jatuh dari motor saat mengantar dagangan")
    with pytest.raises(Conflict) as duplicate:
        report(world["vendor"], "jkk_injury")
    assert duplicate.value.code == "duplicate_claim"


@pytest.mark.parametrize(
    ("kind", "extra", "code", "field"),
    [
        ("jkk_partial_disability", {}, "disability_pct_required", "disability_pct"),
        (
            "jkk_partial_disability",
            {"disability_pct": "120"},
            "disability_pct_out_of_range",
            "disability_pct",
        ),
        ("jkm", {"disability_pct": "20"}, "disability_pct_not_applicable", "disability_pct"),
        ("jkm", {"event_place": "  "}, "required", "event_place"),
        ("jkm", {"description": ""}, "required", "description"),
        ("jkh", {}, "kind_unknown", "kind"),
        ("jkk_injury", {"heirs": [w.heir()]}, "heirs_not_applicable", "heir_full_name"),
        ("jkm", {"heirs": [w.heir(nik="1504")]}, "nik_length", "heir_nik"),
        ("jkm", {"heirs": [w.heir(nik="1504015203870000")]}, "nik_serial", "heir_nik"),
        ("jkm", {"heirs": [w.heir(relation="tetangga")]}, "heir_relation_unknown", "heir_relation"),
        ("jkm", {"heirs": [w.heir(account_number="12AB")]}, "account_number_invalid", "heir_account_number"),
        ("jkm", {"heirs": [w.heir(bank_name="")]}, "required", "heir_bank_name"),
        ("jkm", {"children": [w.child(level="SMK")]}, "child_level_unknown", "child_level"),
        ("jkm", {"children": [w.child(level="SD", school_year=9)]}, "child_year_invalid", "children"),
        ("jkm", {"children": [w.child(), w.child(), w.child()]}, "too_many_children", "children"),
        ("jkm", {"children": [w.child(birth_date=date(2000, 1, 1))]}, "child_too_old", "children"),
        ("jkk_injury", {"children": [w.child()]}, "scholarship_not_applicable", "children"),
        (
            "jkm",
            {"documents": [w.upload("death_certificate", b"MZ\x90\x00exe")]},
            "document_type",
            "document",
        ),
        ("jkm", {"documents": [w.upload("death_certificate", b"")]}, "document_empty", "document"),
        ("jkm", {"documents": [w.upload("wedding_photo")]}, "document_kind_unknown", "document_kind"),
        ("jkm", {"reported_on": date(2025, 6, 1)}, "date_too_early", "reported_on"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(world, kind, extra, code, field):
    with pytest.raises(DomainError) as refused:
        report(world["farmer"], kind, **extra)
    assert (refused.value.code, refused.value.field) == (code, field)
    assert refused.value.message
    assert not Claim.objects.exists() and not ClaimDocument.objects.exists()


def test_a_document_over_ten_megabytes_is_refused(world):
    big = SimpleUploadedFile("akta.pdf", w.PDF + b"0" * (10 * 1024 * 1024))
    with pytest.raises(InvalidInput) as refused:
        report(world["farmer"], documents=[DocumentInput("death_certificate", big)])
    assert refused.value.code == "document_too_large"
    assert "10 MB" in refused.value.message


def test_reporting_outside_ones_jurisdiction_or_role_is_refused(world, demo):
    with pytest.raises(PermissionDeniedError):
        report(world["farmer"], actor=demo.user("kotajambi.operator"))
    with pytest.raises(PermissionDeniedError):
        report(world["farmer"], actor=demo.user("jambi.viewer"))
    with pytest.raises(PermissionDeniedError):
        report(world["farmer"], actor=demo.user("csr.viewer"))
    assert not Claim.objects.exists()


# --- the workflow -----------------------------------------------------------------------


def test_documents_complete_needs_every_required_document_and_an_heir(world):
    claim = report(world["farmer"], documents=[w.upload("death_certificate")])
    with pytest.raises(InvalidInput) as missing:
        services.claim_documents_complete(actor=None, claim=claim)
    assert missing.value.code == "documents_missing"
    assert "Kartu keluarga" in missing.value.message and "Akta" not in missing.value.message
    for document in w.required_documents("jkm")[1:]:
        services.claim_document_add(actor=None, claim=claim, document=document)
    with pytest.raises(InvalidInput) as no_heir:
        services.claim_documents_complete(actor=None, claim=claim)
    assert no_heir.value.code == "heir_required"
    services.claim_heir_add(actor=None, claim=claim, heir=w.heir())
    claim = services.claim_documents_complete(actor=None, claim=claim)
    assert claim.status == ClaimStatus.DOCUMENTS_COMPLETE


def test_a_child_at_school_needs_the_school_certificate(world):
    claim = report(
        world["farmer"], heirs=[w.heir()], documents=w.required_documents("jkm"), children=[w.child()]
    )
    with pytest.raises(InvalidInput) as missing:
        services.claim_documents_complete(actor=None, claim=claim)
    assert "sekolah" in missing.value.message


def test_jkm_death_verified_pays_42_million_and_records_the_death_with_its_refund(world, demo):
    bpjs = demo.user("admin")
    claim = complete_death_claim(world["farmer"], actor=demo.user("desa.operator"))
    claim = services.claim_verify(actor=bpjs, claim=claim, on=date(2025, 6, 20))
    assert claim.quote_total == 42_000_000
    assert [(ln["component"], ln["rupiah"]) for ln in claim.quote_lines] == [
        ("lump_sum", 20_000_000),
        ("periodic", 12_000_000),
        ("funeral", 10_000_000),
    ]
    assert claim.quote_income == 1_000_000
    assert claim.quote_membership_months == 6
    assert sorted(claim.quote_rules.values_list("component", flat=True)) == [
        "funeral",
        "lump_sum",
        "periodic",
    ]
    person = Participant.objects.get(pk=world["farmer"].pk)
    assert (person.status, person.died_on) == ("deceased", EVENT)
    refund = Refund.objects.get(participant=person)
    assert (refund.months, refund.rupiah) == (6, 6 * 16_800)  # July-December paid ahead
    assert refund.payer == demo.org("pemprov-jambi")
    heir = claim.heirs.get()
    claim = services.claim_pay(
        actor=bpjs,
        claim=claim,
        paid_on=date(2025, 6, 27),
        amount=42_000_000,
        recipient_heir=heir,
        reference="TRF-1",
    )
    assert claim.status == ClaimStatus.PAID
    assert (claim.recipient_name, claim.recipient_account) == ("Siti Aminah", "001234567890")
    assert claim.days_to_payment == (date(2025, 6, 27) - claim.reported_on).days
    steps = [(t.to_status, t.on) for t in claim.transitions.all()]
    assert [s for s, _ in steps] == ["reported", "documents_complete", "verified", "paid"]
    assert AuditEvent.objects.filter(target_type="claim", target_id=str(claim.pk)).count() == 4
    assert AuditEvent.objects.filter(action="participant.death", target_id=str(person.pk)).exists()


def test_the_dead_are_no_longer_billed(demo):
    prog = w.program(demo.org("pemprov-jambi"))
    farmer, vendor = w.person(1), w.person(2)
    w.enrol(prog, [farmer, vendor])
    w.pay(prog, date(2025, 1, 1), 6, paid_on=date(2025, 1, 10), reference="IURAN-S1")
    services.claim_verify(actor=None, claim=complete_death_claim(farmer))
    second_half = bill_issue(actor=None, program=prog, first_month=date(2025, 7, 1), months=6)
    assert list(second_half.lines.values_list("participant_id", flat=True).distinct()) == [vendor.pk]
    assert Refund.objects.get(participant=farmer).months == 0  # nothing was paid beyond June


def test_jkk_death_with_two_children_pays_scholarships_with_no_minimum_membership(demo):
    prog = w.program(demo.org("pemprov-jambi"), income=1_500_000)
    driver = w.person(7, occupation="ojek_pengemudi")
    w.enrol(prog, [driver])
    w.pay(prog, date(2025, 5, 1), 3, paid_on=date(2025, 5, 2), reference="IURAN-MEI")
    children = [
        w.child(full_name="Rina", level="SD", school_year=4),
        w.child(full_name="Andi", birth_date=date(2009, 8, 1), level="SMA", school_year=1),
    ]
    claim = report(driver, "jkk_death", children=children, heirs=[w.heir()], on=date(2025, 6, 2))
    for document in [*w.required_documents("jkk_death"), w.upload("school_certificate")]:
        services.claim_document_add(actor=None, claim=claim, document=document)
    services.claim_documents_complete(actor=None, claim=claim)
    claim = services.claim_verify(actor=None, claim=claim)
    components = {ln["component"]: ln["rupiah"] for ln in claim.quote_lines}
    assert components == {
        "death_benefit": 72_000_000,  # 48 x 1,500,000
        "periodic": 12_000_000,
        "funeral": 10_000_000,
        "scholarship_child_1": 1_500_000,
        "scholarship_child_2": 3_000_000,
    }
    assert claim.quote_total == 98_500_000
    assert (claim.scholarship_children, claim.scholarship_rupiah) == (2, 4_500_000)
    assert claim.quote_membership_months == 2  # May and June: no minimum through JKK


def test_jkm_scholarship_waits_for_36_months(world):
    claim = report(
        world["farmer"], heirs=[w.heir()], children=[w.child()], documents=w.required_documents("jkm")
    )
    services.claim_document_add(actor=None, claim=claim, document=w.upload("school_certificate"))
    services.claim_documents_complete(actor=None, claim=claim)
    claim = services.claim_verify(actor=None, claim=claim)
    assert claim.quote_total == 42_000_000
    assert claim.scholarship_children == 0
    assert "36 bulan" in claim.quote_notes[0]


def test_partial_disability_and_injury_are_paid_to_the_participant(world):
    vendor = world["vendor"]
    disabled = report(
        vendor,
        "jkk_partial_disability",
        disability_pct="25",
        documents=w.required_documents("jkk_partial_disability"),
        on=date(2025, 3, 3),
    )
    services.claim_documents_complete(actor=None, claim=disabled)
    disabled = services.claim_verify(actor=None, claim=disabled)
    assert disabled.quote_total == 20_000_000  # 25% x 80 x 1,000,000
    with pytest.raises(InvalidInput) as heir_refused:
        services.claim_pay(
            actor=None,
            claim=disabled,
            paid_on=disabled.verified_on,
            amount=20_000_000,
            recipient_heir=ClaimHeir(pk=1),
        )
    assert heir_refused.value.code == "recipient_not_participant"
    paid = services.claim_pay(
        actor=None,
        claim=disabled,
        paid_on=disabled.verified_on,
        amount=20_000_000,
        recipient_bank="BRI",
        recipient_account="1234 5678 90",
    )
    assert (paid.recipient_name, paid.recipient_account) == (vendor.full_name, "1234567890")
    injury = report(vendor, "jkk_injury", documents=w.required_documents("jkk_injury"))
    services.claim_documents_complete(actor=None, claim=injury)
    with pytest.raises(InvalidInput) as months_needed:
        services.claim_verify(actor=None, claim=injury)
    assert months_needed.value.code == "incapacity_months_required"
    injury = services.claim_verify(actor=None, claim=injury, incapacity_months=2)
    assert injury.quote_total == 2_000_000
    assert injury.incapacity_months == 2


def test_payment_must_match_the_frozen_quote_to_the_rupiah(world):
    claim = services.claim_verify(actor=None, claim=complete_death_claim(world["farmer"]))
    heir = claim.heirs.get()
    for amount in (41_999_999, 0, -42_000_000):
        with pytest.raises(InvalidInput) as wrong:
            services.claim_pay(
                actor=None, claim=claim, paid_on=claim.verified_on, amount=amount, recipient_heir=heir
            )
        assert wrong.value.code in {"amount_mismatch", "amount_invalid"}
    with pytest.raises(InvalidInput) as future:
        services.claim_pay(
            actor=None, claim=claim, paid_on=date(2099, 1, 1), amount=42_000_000, recipient_heir=heir
        )
    assert future.value.code == "date_in_future"
    with pytest.raises(InvalidInput) as no_heir:
        services.claim_pay(actor=None, claim=claim, paid_on=claim.verified_on, amount=42_000_000)
    assert no_heir.value.code == "recipient_required"
    assert Claim.objects.get(pk=claim.pk).status == "verified"


def test_a_rule_change_never_alters_a_verified_quote(world):
    claim = services.claim_verify(actor=None, claim=complete_death_claim(world["farmer"]))
    rule = BenefitRule.objects.get(kind="jkm", component="lump_sum")
    BenefitRule.objects.filter(pk=rule.pk).update(effective_to=date(2025, 1, 31))
    BenefitRule.objects.create(
        kind="jkm",
        component="lump_sum",
        calculation="fixed",
        amount_rupiah=30_000_000,
        effective_from=date(2025, 2, 1),
    )
    claim.refresh_from_db()
    assert claim.quote_total == 42_000_000
    assert services.claim_quote(claim).total == 52_000_000  # the live quote follows the new rule


def test_illegal_transitions_are_refused(world):
    claim = report(world["farmer"])
    with pytest.raises(DomainError) as early:
        services.claim_verify(actor=None, claim=claim)
    assert early.value.code == "transition_not_allowed"
    with pytest.raises(DomainError):
        services.claim_pay(actor=None, claim=claim, paid_on=EVENT, amount=42_000_000)
    services.claim_reject(actor=None, claim=claim, reason="Bukan peserta yang dimaksud")
    with pytest.raises(DomainError) as closed:
        services.claim_heir_add(actor=None, claim=claim, heir=w.heir())
    assert closed.value.code == "claim_closed"
    with pytest.raises(DomainError):
        services.claim_reject(actor=None, claim=claim, reason="lagi")


def test_bpjs_returns_a_claim_for_documents(world, demo):
    claim = complete_death_claim(world["farmer"])
    with pytest.raises(InvalidInput):
        services.claim_return(actor=None, claim=claim, note=" ")
    claim = services.claim_return(actor=None, claim=claim, note="Akta kematian tidak terbaca")
    assert claim.status == "reported"
    assert ClaimTransition.objects.filter(claim=claim, note="Akta kematian tidak terbaca").exists()


def test_only_bpjs_decides(world, demo):
    claim = complete_death_claim(world["farmer"], actor=demo.user("batanghari.operator"))
    for username in ("batanghari.operator", "jambi.operator", "jambi.admin", "bpjs.kanwil"):
        with pytest.raises(PermissionDeniedError):
            services.claim_verify(actor=demo.user(username), claim=claim)
    with pytest.raises(PermissionDeniedError):
        services.claim_verify(actor=demo.user("bpjs.tanjabbar"), claim=claim)  # BPJS, other regencies
    assert Claim.objects.get(pk=claim.pk).status == "documents_complete"


def test_verification_checks_protection_again_and_a_reversed_payment_means_rejection(world):
    claim = complete_death_claim(world["vendor"])
    payment_reverse(
        actor=None, payment=world["payment"], reason="Transfer salah rekening", on=date(2025, 1, 12)
    )
    with pytest.raises(DomainError) as refused:
        services.claim_verify(actor=None, claim=claim)
    assert refused.value.code == "not_protected"
    assert Participant.objects.get(pk=world["vendor"].pk).died_on is None
    claim = services.claim_reject(actor=None, claim=claim, reason="Tidak terlindungi pada tanggal kejadian")
    assert claim.rejection_reason == "Tidak terlindungi pada tanggal kejadian"


def test_a_death_recorded_before_its_claim_may_be_claimed_once(world):
    from jaring.billing.services import death_record

    death_record(actor=None, participant=world["farmer"], died_on=EVENT, reason="Akta kematian 12/2025")
    farmer = Participant.objects.get(pk=world["farmer"].pk)
    claim = complete_death_claim(farmer)
    claim = services.claim_verify(actor=None, claim=claim)
    assert claim.quote_total == 42_000_000
    assert Refund.objects.filter(participant=farmer).count() == 1  # not recorded twice
