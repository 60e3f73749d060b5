"""Builders for the claims tests: people enrolled in a program whose months are billed
and paid through the billing app's public services (never raw writes)."""

from __future__ import annotations

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from jaring.billing.services import bill_issue, payment_record
from jaring.claims import workflow
from jaring.claims.services import ChildInput, DocumentInput, HeirInput
from jaring.programs.services import enrolment_create, program_create
from jaring.registry.services import participants_upsert

from .factories import participant_record

PDF = b"%PDF-1.4 dokumen klaim\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def program(payer, *, code="BKBK-KLAIM", year=2025, months=12, regions=("15",), income=1_000_000):
    return program_create(
        actor=None,
        code=code,
        name=f"Program {code}",
        source="BKBK",
        payer=payer,
        fiscal_year=year,
        starts_on=date(year, 1, 1),
        coverage_months=months,
        budget_ceiling=50_000_000_000,
        target_region_codes=list(regions),
        declared_income=income,
    )


def person(serial: int, *, village: str = "1504012003", **overrides):
    (found,) = participants_upsert(
        actor=None, records=[participant_record(serial, village=village, **overrides)]
    ).participants
    return found


def enrol(prog, people, starts_on: date | None = None):
    for p in people:
        enrolment_create(actor=None, program=prog, participant=p, starts_on=starts_on or prog.starts_on)


def pay(prog, first: date, months: int, *, paid_on: date, reference: str):
    """Bill ``months`` months of ``prog`` from ``first`` and pay the bill in full."""
    bill = bill_issue(actor=None, program=prog, first_month=first, months=months)
    payment, _report = payment_record(
        actor=None, reference=reference, paid_on=paid_on, amount=bill.total_rupiah, bill=bill
    )
    return bill, payment


def heir(**overrides) -> HeirInput:
    values = {
        "full_name": "Siti Aminah",
        "relation": "spouse",
        "nik": "1504015203870002",
        "bank_name": "Bank Jambi",
        "account_number": "0012-3456-7890",
        "account_holder": "Siti Aminah",
        "phone": "081234567890",
    }
    return HeirInput(**{**values, **overrides})


def child(**overrides) -> ChildInput:
    values = {"full_name": "Rina", "birth_date": date(2015, 4, 2), "level": "SD", "school_year": 4}
    return ChildInput(**{**values, **overrides})


def upload(kind: str, content: bytes = PDF, name: str | None = None) -> DocumentInput:
    suffix = {PDF: "pdf", PNG: "png", JPG: "jpg"}.get(content, "bin")
    return DocumentInput(kind, SimpleUploadedFile(name or f"{kind}.{suffix}", content))


def required_documents(kind: str) -> list[DocumentInput]:
    return [upload(k) for k in workflow.REQUIRED_DOCUMENTS[kind]]


# Villages holding one claim each: inside the jurisdiction of every organization kind of
# tests/access.py, and one in Jakarta, outside all of them.
CLAIM_VILLAGE_OF = {
    "province": "1504012003",
    "regency": "1504012003",
    "village": "1504012003",
    "bpjs_branch": "1507012001",
    "bpjs_regional": "1504012003",
    "donor": "1571011001",
}
OUTSIDE_VILLAGE = "3171011001"


def claims_everywhere(demo) -> dict[str, object]:
    """A reported JKM claim with a death certificate in each village of CLAIM_VILLAGE_OF
    and in Jakarta; people enrolled and paid for all of 2025 (paid 10 January)."""
    from jaring.accounts.services import organization_create
    from jaring.claims.services import claim_report

    dki = organization_create(
        actor=None, code="pemprov-dki", name="Pemprov DKI", kind="province", region_codes=["31"]
    )
    jambi = program(demo.org("pemprov-jambi"), code="BKBK-AKSES")
    jakarta = program(dki, code="DKI-AKSES", regions=("31",))
    claims = {}
    villages = sorted({*CLAIM_VILLAGE_OF.values(), OUTSIDE_VILLAGE})
    people = {v: person(serial, village=v) for serial, v in enumerate(villages, start=1)}
    enrol(jambi, [p for v, p in people.items() if v.startswith("15")])
    enrol(jakarta, [people[OUTSIDE_VILLAGE]])
    pay(jambi, date(2025, 1, 1), 12, paid_on=date(2025, 1, 10), reference="IURAN-JAMBI")
    pay(jakarta, date(2025, 1, 1), 12, paid_on=date(2025, 1, 10), reference="IURAN-DKI")
    for village, someone in people.items():
        claims[village] = claim_report(
            actor=None,
            participant=someone,
            kind="jkm",
            event_date=date(2025, 6, 14),
            event_place="Rumah",
            description="Meninggal dunia karena sakit",
            heirs=[heir()],
            documents=[upload("death_certificate")],
            reported_on=date(2025, 6, 16),
        )
    return claims
