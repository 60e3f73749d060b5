"""The claim workflow and eligibility, as plain rules (no Django).

reported -> documents_complete -> verified -> paid; a claim may be rejected (with a
reason) before it is paid, and a claim whose documents turn out incomplete goes back
from documents_complete to reported. Paid and rejected are final.

Eligibility is decided on the event date from the person's protection then (the
billing app's ``protection_on``): active is covered; arrears (1 to 3 unpaid months)
only when the installation says so (``JARING_CLAIMS_COVER_ARREARS``, DOMAIN.md s.4:
UNCONFIRMED, default not covered); anything else is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from jaring import formats
from jaring.claims.benefits import (
    DEATH_KINDS,
    JKK_DEATH,
    JKK_INJURY,
    JKK_PARTIAL_DISABILITY,
    JKK_TOTAL_DISABILITY,
    JKM,
    KIND_LABELS,
    KINDS,
)
from jaring.errors import Conflict, DomainError, InvalidInput
from jaring.i18n import N_

REPORTED = "reported"
DOCUMENTS_COMPLETE = "documents_complete"
VERIFIED = "verified"
PAID = "paid"
REJECTED = "rejected"
STATUS_LABELS = {
    REPORTED: N_("Dilaporkan"),
    DOCUMENTS_COMPLETE: N_("Dokumen lengkap"),
    VERIFIED: N_("Diverifikasi"),
    PAID: N_("Dibayar"),
    REJECTED: N_("Ditolak"),
}
TRANSITIONS: dict[str, frozenset[str]] = {
    REPORTED: frozenset({DOCUMENTS_COMPLETE, REJECTED}),
    DOCUMENTS_COMPLETE: frozenset({VERIFIED, REJECTED, REPORTED}),
    VERIFIED: frozenset({PAID, REJECTED}),
    PAID: frozenset(),
    REJECTED: frozenset(),
}
OPEN = frozenset({REPORTED, DOCUMENTS_COMPLETE})  # heirs, children and documents may still change

# Documents (DOMAIN.md s.5 lists those of JKM; the others follow BPJS's claim forms).
DEATH_CERTIFICATE = "death_certificate"
FAMILY_CARD = "family_card"
HEIR_STATEMENT = "heir_statement"
ID_CARD = "id_card"
BANK_BOOK = "bank_book"
ACCIDENT_REPORT = "accident_report"
MEDICAL_REPORT = "medical_report"
DISABILITY_STATEMENT = "disability_statement"
SCHOOL_CERTIFICATE = "school_certificate"
OTHER = "other"
DOCUMENT_LABELS = {
    DEATH_CERTIFICATE: N_("Akta/surat keterangan kematian"),
    FAMILY_CARD: N_("Kartu keluarga"),
    HEIR_STATEMENT: N_("Surat keterangan ahli waris"),
    ID_CARD: N_("KTP peserta dan ahli waris"),
    BANK_BOOK: N_("Buku tabungan penerima"),
    ACCIDENT_REPORT: N_("Laporan kecelakaan kerja (tahap I dan II)"),
    MEDICAL_REPORT: N_("Surat keterangan dokter/rumah sakit"),
    DISABILITY_STATEMENT: N_("Surat keterangan dokter tentang cacat"),
    SCHOOL_CERTIFICATE: N_("Surat keterangan sekolah anak"),
    OTHER: N_("Dokumen lain"),
}
REQUIRED_DOCUMENTS: dict[str, tuple[str, ...]] = {
    JKM: (DEATH_CERTIFICATE, FAMILY_CARD, HEIR_STATEMENT, ID_CARD, BANK_BOOK),
    JKK_DEATH: (DEATH_CERTIFICATE, FAMILY_CARD, HEIR_STATEMENT, ID_CARD, BANK_BOOK, ACCIDENT_REPORT),
    JKK_INJURY: (ACCIDENT_REPORT, MEDICAL_REPORT, ID_CARD, BANK_BOOK),
    JKK_TOTAL_DISABILITY: (ACCIDENT_REPORT, DISABILITY_STATEMENT, FAMILY_CARD, ID_CARD, BANK_BOOK),
    JKK_PARTIAL_DISABILITY: (ACCIDENT_REPORT, DISABILITY_STATEMENT, ID_CARD, BANK_BOOK),
}

# Protection statuses (jaring.billing.protection.ProtectionStatus values).
ACTIVE, ARREARS, LAPSED, DECEASED, EXITED, NOT_COVERED = (
    "active",
    "arrears",
    "lapsed",
    "deceased",
    "exited",
    "not_covered",
)
PROTECTION_LABELS = {
    ACTIVE: N_("aktif"),
    ARREARS: N_("menunggak"),
    LAPSED: N_("kepesertaan berakhir (menunggak lebih dari 3 bulan)"),
    DECEASED: N_("meninggal"),
    EXITED: N_("keluar"),
    NOT_COVERED: N_("tidak terdaftar dalam program"),
}
JKK_CLAIM_YEARS = 5  # DOMAIN.md s.5: JKK claims expire 5 years after the accident


class TransitionRefused(DomainError):
    code = "transition_not_allowed"
    http_status = 409


class NotProtected(DomainError):
    code = "not_protected"
    http_status = 422


def check_transition(current: str, new: str) -> None:
    if new not in TRANSITIONS[current]:
        raise TransitionRefused(
            f"Klaim berstatus {STATUS_LABELS[current]} tidak dapat diubah menjadi {STATUS_LABELS[new]}."
        )


def missing_documents(kind: str, present: set[str], *, children_at_school: bool = False) -> list[str]:
    """The required document kinds of ``kind`` not yet uploaded, in the table's order;
    a scholarship for a child at school also needs the school's certificate."""
    required = [*REQUIRED_DOCUMENTS[kind], *([SCHOOL_CERTIFICATE] if children_at_school else [])]
    return [d for d in required if d not in present]


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class EventFacts:
    """What is known about a person when an event is reported."""

    kind: str
    event_date: date
    today: date
    first_enrolment: date | None  # the earliest start of any enrolment
    protection: str  # the protection status on the event date
    paid_through: date | None
    cover_arrears: bool
    died_on: date | None = None
    open_death_claim: str = ""  # the reference of a death claim not rejected, if any
    same_event_claim: str = ""  # a claim of the same kind and date not rejected, if any


def check_event(facts: EventFacts) -> None:
    """Refuse an event that cannot be claimed, with the reason; None when it can."""
    kind, on = facts.kind, facts.event_date
    if kind not in KINDS:
        raise InvalidInput(f"Jenis klaim '{kind}' tidak dikenal.", code="kind_unknown", field="kind")
    if on > facts.today:
        raise InvalidInput(
            f"Tanggal kejadian {formats.date(on)} belum terjadi (hari ini {formats.date(facts.today)}).",
            code="event_in_future",
            field="event_date",
        )
    if facts.first_enrolment is None:
        raise NotProtected(
            "Peserta ini belum pernah didaftarkan dalam program pendanaan; tidak ada perlindungan "
            "yang dapat diklaim.",
            code="not_enrolled",
            field="event_date",
        )
    if on < facts.first_enrolment:
        raise NotProtected(
            f"Tanggal kejadian {formats.date(on)} sebelum peserta pertama kali terdaftar "
            f"({formats.date(facts.first_enrolment)}).",
            code="event_before_enrolment",
            field="event_date",
        )
    if kind != JKM and facts.today > _years_later(on, JKK_CLAIM_YEARS):
        raise InvalidInput(
            f"Klaim JKK kedaluwarsa: kecelakaan {formats.date(on)} lebih dari {JKK_CLAIM_YEARS} tahun lalu.",
            code="claim_expired",
            field="event_date",
        )
    if facts.died_on is not None:
        # A death recorded before its claim (the same day, not claimed yet) may be claimed.
        recorded_first = on == facts.died_on and not facts.open_death_claim
        if kind in DEATH_KINDS and not recorded_first:
            raise Conflict(
                f"Peserta sudah tercatat meninggal pada {formats.date(facts.died_on)}"
                + (f" (klaim {facts.open_death_claim})" if facts.open_death_claim else "")
                + "; klaim kematian baru tidak dapat dicatat.",
                code="participant_deceased",
                field="kind",
            )
        if on > facts.died_on:
            raise InvalidInput(
                f"Tanggal kejadian {formats.date(on)} sesudah peserta meninggal "
                f"({formats.date(facts.died_on)}).",
                code="event_after_death",
                field="event_date",
            )
    if kind in DEATH_KINDS and facts.open_death_claim:
        raise Conflict(
            f"Kematian peserta ini sudah diklaim ({facts.open_death_claim}); satu kematian satu klaim.",
            code="duplicate_death_claim",
            field="kind",
        )
    if facts.same_event_claim:
        raise Conflict(
            f"Kejadian yang sama ({KIND_LABELS[kind]}, {formats.date(on)}) sudah diklaim "
            f"({facts.same_event_claim}).",
            code="duplicate_claim",
            field="event_date",
        )
    status = facts.protection
    if status == ACTIVE or (status == ARREARS and facts.cover_arrears):
        return
    paid = f"; iuran terbayar sampai {formats.date(facts.paid_through)}" if facts.paid_through else ""
    rule = (
        " Kejadian dalam masa tunggakan tidak ditanggung menurut pengaturan sistem."
        if status == ARREARS
        else ""
    )
    raise NotProtected(
        f"Peserta tidak terlindungi pada tanggal kejadian {formats.date(on)}: status "
        f"{PROTECTION_LABELS.get(status, status)}{paid}.{rule}",
        code="not_protected",
        field="event_date",
    )
