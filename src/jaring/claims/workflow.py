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
from jaring.formats import figures
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
            N_("Klaim berstatus %(current)s tidak dapat diubah menjadi %(new)s."),
            params={"current": figures.text(STATUS_LABELS[current]), "new": figures.text(STATUS_LABELS[new])},
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
        raise InvalidInput(
            N_("Jenis klaim '%(kind)s' tidak dikenal."),
            params={"kind": str(kind)},
            code="kind_unknown",
            field="kind",
        )
    if on > facts.today:
        raise InvalidInput(
            N_("Tanggal kejadian %(on)s belum terjadi (hari ini %(today)s)."),
            params={"on": figures.day(on), "today": figures.day(facts.today)},
            code="event_in_future",
            field="event_date",
        )
    if facts.first_enrolment is None:
        raise NotProtected(
            N_(
                "Peserta ini belum pernah didaftarkan dalam program pendanaan; tidak ada perlindungan "
                "yang dapat diklaim."
            ),
            code="not_enrolled",
            field="event_date",
        )
    if on < facts.first_enrolment:
        raise NotProtected(
            N_("Tanggal kejadian %(on)s sebelum peserta pertama kali terdaftar (%(enrolled)s)."),
            params={"on": figures.day(on), "enrolled": figures.day(facts.first_enrolment)},
            code="event_before_enrolment",
            field="event_date",
        )
    if kind != JKM and facts.today > _years_later(on, JKK_CLAIM_YEARS):
        raise InvalidInput(
            N_("Klaim JKK kedaluwarsa: kecelakaan %(on)s lebih dari %(years)s tahun lalu."),
            params={"on": figures.day(on), "years": JKK_CLAIM_YEARS},
            code="claim_expired",
            field="event_date",
        )
    if facts.died_on is not None:
        # A death recorded before its claim (the same day, not claimed yet) may be claimed.
        recorded_first = on == facts.died_on and not facts.open_death_claim
        if kind in DEATH_KINDS and not recorded_first and facts.open_death_claim:
            raise Conflict(
                N_(
                    "Peserta sudah tercatat meninggal pada %(died)s (klaim %(claim)s); "
                    "klaim kematian baru tidak dapat dicatat."
                ),
                params={"died": figures.day(facts.died_on), "claim": facts.open_death_claim},
                code="participant_deceased",
                field="kind",
            )
        if kind in DEATH_KINDS and not recorded_first:
            raise Conflict(
                N_(
                    "Peserta sudah tercatat meninggal pada %(died)s; klaim kematian baru tidak dapat dicatat."
                ),
                params={"died": figures.day(facts.died_on)},
                code="participant_deceased",
                field="kind",
            )
        if on > facts.died_on:
            raise InvalidInput(
                N_("Tanggal kejadian %(on)s sesudah peserta meninggal (%(died)s)."),
                params={"on": figures.day(on), "died": figures.day(facts.died_on)},
                code="event_after_death",
                field="event_date",
            )
    if kind in DEATH_KINDS and facts.open_death_claim:
        raise Conflict(
            N_("Kematian peserta ini sudah diklaim (%(claim)s); satu kematian satu klaim."),
            params={"claim": facts.open_death_claim},
            code="duplicate_death_claim",
            field="kind",
        )
    if facts.same_event_claim:
        raise Conflict(
            N_("Kejadian yang sama (%(kind)s, %(on)s) sudah diklaim (%(claim)s)."),
            params={
                "kind": figures.text(KIND_LABELS[kind]),
                "on": figures.day(on),
                "claim": facts.same_event_claim,
            },
            code="duplicate_claim",
            field="event_date",
        )
    status = facts.protection
    if status == ACTIVE or (status == ARREARS and facts.cover_arrears):
        return
    label = PROTECTION_LABELS.get(status, status)
    shown = figures.text(label)
    if facts.paid_through:
        shown = figures.text(
            N_("%(status)s; iuran terbayar sampai %(paid)s"),
            {"status": shown, "paid": figures.day(facts.paid_through)},
        )
    if status == ARREARS:
        raise NotProtected(
            N_(
                "Peserta tidak terlindungi pada tanggal kejadian %(on)s: status %(status)s. "
                "Kejadian dalam masa tunggakan tidak ditanggung menurut pengaturan sistem."
            ),
            params={"on": figures.day(on), "status": shown},
            code="not_protected",
            field="event_date",
        )
    raise NotProtected(
        N_("Peserta tidak terlindungi pada tanggal kejadian %(on)s: status %(status)s."),
        params={"on": figures.day(on), "status": shown},
        code="not_protected",
        field="event_date",
    )
