"""The BPJS branch office's inbox: claims in Tanjung Jabung Barat and Timur (15.06,
15.07) waiting for ``bpjs.tanjabbar`` to verify, on this year's BKBK payments
(demo/live.py; run after it). Log in as ``bpjs.tanjabbar`` to verify, pay or reject them.

- Teluk Sialang (Tungkal Ilir, 15.06): a fisherman drowned when his boat capsized (JKK death).
- Merlung (15.06): a farmer died of a stroke (JKM).
- Kampung Laut (Kuala Jambi, 15.07): a fisherman paralysed by a fall at the landing stage
  (JKK total permanent disability).
- Marga Mulya (Rantau Rasau, 15.07): a farmer died of dengue fever (JKM).

Reported by the province's operator (``jambi.operator``, for the village heads), with
every required document, and declared complete. The dates fall between the village's
payment to BPJS and today, so the inbox looks the same whatever day the demo is
installed. Created through the services (so audited). Idempotent: skipped when a claim
exists in these villages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from jaring.accounts.models import User
from jaring.billing.selectors import protection_on
from jaring.claims import services, workflow
from jaring.claims.models import Claim
from jaring.demo.claims import heir_of, pdf_documents
from jaring.demo.live import live_code
from jaring.demo.people import TANJAB_VILLAGES
from jaring.funds.models import Transfer, TransferKind
from jaring.registry.models import Participant

REPORTER = "jambi.operator"


@dataclass(frozen=True)
class WaitingClaim:
    village: str
    kind: str
    occupation: str
    share: float  # the event's place between the village's payment to BPJS and today
    place: str
    story: str
    heir: tuple[str, int, str, str] | None = None  # spouse's name, NIK serial, bank, account


WAITING = [
    WaitingClaim(
        "1506022014",
        "jkk_death",
        "nelayan",
        0.55,
        "Perairan Selat Berhala, 4 mil dari muara Teluk Sialang",
        (
            "Perahu motor terbalik dihantam gelombang saat menjaring ikan; jenazah ditemukan nelayan "
            "lain keesokan harinya. Laporan kecelakaan dibuat kepala desa bersama Pos SAR Kuala Tungkal."
        ),
        ("Zubaidah", 11, "Bank Jambi", "4010203040"),
    ),
    WaitingClaim(
        "1506052020",
        "jkm",
        "",
        0.7,
        "Rumah, RT 006 Dusun II",
        "Meninggal dunia karena stroke; sempat dirawat dua hari di RSUD KH Daud Arif Kuala Tungkal.",
        ("Salmah", 12, "BRI", "6677889900112"),
    ),
    WaitingClaim(
        "1507081001",
        "jkk_total_disability",
        "nelayan",
        0.6,
        "Dermaga pendaratan ikan Kampung Laut",
        (
            "Terjatuh dari geladak kapal ke dermaga saat membongkar muatan ikan; cedera tulang "
            "belakang, lumpuh kedua tungkai menurut surat keterangan dokter RSUD Nurdin Hamzah."
        ),
    ),
    WaitingClaim(
        "1507042014",
        "jkm",
        "",
        0.8,
        "Rumah, RT 002 Dusun I",
        "Meninggal dunia karena demam berdarah setelah dirawat empat hari di Puskesmas Rantau Rasau.",
        ("Rosmiati", 13, "Bank Jambi", "4050607080"),
    ),
]


def _on(start: date, today: date, share: float) -> date:
    return start + timedelta(days=int((today - start).days * share))


def _paid_on(year: int, village: str) -> date | None:
    """When the village's account paid BPJS this year (demo/live.py)."""
    return (
        Transfer.objects.filter(
            program__code=live_code(year), kind=TransferKind.TO_BPJS, region_id=village, reverses__isnull=True
        )
        .values_list("transferred_on", flat=True)
        .first()
    )


def _protected_man(village: str, on: date, occupation: str) -> Participant | None:
    """The first man of the village (of ``occupation`` when given) protected on ``on``."""
    people = Participant.objects.filter(village_id=village, sex="L", status__in=["registered", "active"])
    if occupation:
        people = people.filter(occupation=occupation)
    return next((p for p in people.order_by("id")[:40] if protection_on(p, on).status == "active"), None)


def _report(waiting: WaitingClaim, reporter: User, today: date) -> Claim | None:
    paid_on = _paid_on(today.year, waiting.village)
    if paid_on is None:
        return None
    event = _on(paid_on, today, waiting.share)
    person = _protected_man(waiting.village, event, waiting.occupation)
    if person is None:  # a demo seeded before these villages had people
        return None
    reported = _on(event, today, 0.3)
    heirs = []
    if waiting.heir:
        name, serial, bank, account = waiting.heir
        heirs = [heir_of(person, name, "spouse", serial, bank, account)]
    claim = services.claim_report(
        actor=reporter,
        participant=person,
        kind=waiting.kind,
        event_date=event,
        event_place=waiting.place,
        description=waiting.story,
        heirs=heirs,
        documents=pdf_documents(workflow.REQUIRED_DOCUMENTS[waiting.kind], person),
        reported_on=reported,
    )
    return services.claim_documents_complete(actor=reporter, claim=claim, on=_on(reported, today, 0.5))


def seed_branch_claims(today: date | None = None) -> list[Claim]:
    """The claims waiting for the BPJS branch office (after demo/live.py)."""
    if Claim.objects.filter(village_id__in=list(TANJAB_VILLAGES)).exists():
        return []
    today = today or timezone.localdate()
    reporter = User.objects.select_related("organization").get(username=REPORTER)
    return [claim for w in WAITING if (claim := _report(w, reporter, today)) is not None]
