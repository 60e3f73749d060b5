"""Demo claims, on the months paid in demo/billing.py (run after it):

- Jambi, Batanghari: a farmer dies of an illness in September 2025; the regency reports
  it, BPJS Kanwil verifies it (Rp42,000,000 JKM) and pays his widow; the months paid
  beyond his death (October-December) are owed back to the province.
- Jambi, Batanghari: a plantation worker killed by a falling palm frond (JKK death,
  48 x Rp1,000,000 + Rp12,000,000 + Rp10,000,000) with a scholarship for his two
  children (SD and SMP), paid.
- Jambi, Sengkati Gedang: a villager injured on the road, reported by the village,
  awaiting the medical report and bank book (log in as ``desa.operator`` to add them).
- Jambi, Batanghari: a death reported on the strength of a payment that turned out to be
  recorded for the wrong person; the payment is reversed and BPJS rejects the claim: the
  person was not protected on the event date.
- Kota Jambi: an RT head who lost two fingers (partial disability), documents complete,
  waiting for BPJS to verify (log in as ``admin`` to verify and pay it).
- Bengkulu, Kaur: a vulnerable worker who died in 2024, paid, with a refund.

(This year's claims waiting for the BPJS branch office in Tanjung Jabung are in
demo/branch.py.)

Reported by the officers of the place (desa.operator, batanghari.operator,
kotajambi.operator, bengkulu.admin), so the audit trail reads as it would, and decided
by the platform admin standing in for BPJS (see ``_decider``). Documents are small
generated PDFs. Idempotent: skipped when claims exist.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.files.base import ContentFile

from jaring.accounts.models import User
from jaring.billing.models import Payment
from jaring.billing.selectors import protection_on
from jaring.billing.services import payment_reverse
from jaring.claims import services, workflow
from jaring.claims.models import Claim
from jaring.claims.services import ChildInput, DocumentInput, HeirInput
from jaring.funds.models import Transfer, TransferKind
from jaring.programs.models import Program
from jaring.registry.models import Participant


def _pdf(title: str) -> bytes:
    return f"%PDF-1.4\n% Jaring demo: {title}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".encode()


def pdf_documents(kinds, person: Participant) -> list[DocumentInput]:
    return [
        DocumentInput(
            kind, ContentFile(_pdf(f"{kind} {person.full_name}"), name=f"{kind}-{person.nik[-4:]}.pdf")
        )
        for kind in kinds
    ]


def _user(username: str) -> User:
    return User.objects.select_related("organization").get(username=username)


def _decider() -> User:
    """BPJS decides claims. No demo user is a BPJS operator over Batanghari, Kota Jambi
    or Kaur (bpjs.kanwil reads, bpjs.tanjabbar works in Tanjung Jabung), so the platform
    admin stands in for the BPJS Kanwil officer."""
    return _user("admin")


def _bpjs_paid_on(village: str) -> date:
    """When the village's account paid BPJS for its people (demo/programs.py)."""
    return (
        Transfer.objects.filter(
            program__code="BKBK-JAMBI-2025",
            kind=TransferKind.TO_BPJS,
            region_id=village,
            reverses__isnull=True,
        )
        .values_list("transferred_on", flat=True)
        .get()
    )


def _protected(village: str, on: date, *, category: str | None = None, skip: int = 0) -> Participant:
    """The ``skip``-th person of the village (men first) protected on ``on``."""
    people = Participant.objects.filter(village_id=village, status__in=["registered", "active"]).order_by(
        "sex", "id"
    )
    if category:
        people = people.filter(category=category)
    found = [p for p in people[:40] if protection_on(p, on).status == "active"]
    return found[skip]


def heir_of(person: Participant, name: str, relation: str, serial: int, bank: str, account: str) -> HeirInput:
    # The heir's NIK: same district of registration, a plausible birth date (woman: day + 40).
    day = 52 if relation == "spouse" else 14
    return HeirInput(
        full_name=name,
        relation=relation,
        nik=f"{person.nik[:6]}{day}0488{serial:04d}",
        bank_name=bank,
        account_number=account,
        account_holder=name,
        phone="081366" + person.nik[-6:],
    )


def _decide(claim: Claim, *, complete_on: date, verify_on: date, pay_on: date | None, decider: User, actor):
    services.claim_documents_complete(actor=actor, claim=claim, on=complete_on)
    claim = services.claim_verify(actor=decider, claim=claim, on=verify_on, note="Dokumen sesuai aslinya")
    if pay_on is None:
        return claim
    heir = claim.heirs.first()
    return services.claim_pay(
        actor=decider,
        claim=claim,
        paid_on=pay_on,
        amount=claim.quote_total,
        recipient_heir=heir,
        recipient_bank="" if heir else "Bank Jambi",
        recipient_account="" if heir else "2011" + claim.participant.nik[-6:],
        reference=f"BPJSTK/SMS/KLAIM/{claim.pk:05d}",
    )


def _jkm_death(decider: User) -> Claim:
    village = "1504012004"
    died = max(_bpjs_paid_on(village) + timedelta(days=45), date(2025, 9, 8))
    farmer = _protected(village, died, category="miskin_ekstrem")
    officer = _user("batanghari.operator")
    claim = services.claim_report(
        actor=officer,
        participant=farmer,
        kind="jkm",
        event_date=died,
        event_place="Rumah, RT 004 Dusun II",
        description=(
            "Meninggal dunia di rumah setelah sakit jantung selama dua minggu; dirawat di Puskesmas "
            "Mersam. Dilaporkan oleh istri almarhum kepada kepala desa."
        ),
        heirs=[heir_of(farmer, "Masnah", "spouse", 3, "Bank Jambi", "1020304050")],
        documents=pdf_documents(workflow.REQUIRED_DOCUMENTS["jkm"], farmer),
        reported_on=died + timedelta(days=3),
    )
    return _decide(
        claim,
        complete_on=died + timedelta(days=3),
        verify_on=died + timedelta(days=9),
        pay_on=died + timedelta(days=16),
        decider=decider,
        actor=officer,
    )


def _jkk_death_with_scholarships(decider: User) -> Claim:
    village = "1504012002"
    accident = max(_bpjs_paid_on(village) + timedelta(days=30), date(2025, 8, 21))
    worker = _protected(village, accident, category="pekerja_rentan")
    officer = _user("batanghari.operator")
    children = [
        ChildInput("Rizky Saputra", date(2017, 3, 9), "SD", 2),
        ChildInput("Nur Aini", date(2012, 11, 30), "SMP", 1),
    ]
    claim = services.claim_report(
        actor=officer,
        participant=worker,
        kind="jkk_death",
        event_date=accident,
        event_place="Kebun sawit rakyat, Desa Kembang Seri",
        description=(
            "Tertimpa pelepah dan tandan sawit saat memanen; meninggal dalam perjalanan ke RSUD Hamba "
            "Muara Bulian. Laporan kecelakaan dibuat kepala desa bersama pemilik kebun."
        ),
        heirs=[heir_of(worker, "Juriah", "spouse", 5, "BRI", "5566778899001")],
        children=children,
        documents=pdf_documents(
            [*workflow.REQUIRED_DOCUMENTS["jkk_death"], workflow.SCHOOL_CERTIFICATE], worker
        ),
        reported_on=accident + timedelta(days=2),
    )
    return _decide(
        claim,
        complete_on=accident + timedelta(days=4),
        verify_on=accident + timedelta(days=11),
        pay_on=accident + timedelta(days=20),
        decider=decider,
        actor=officer,
    )


def _injury_waiting(village: str = "1504012003") -> Claim:
    accident = date(2025, 10, 27)
    driver = _protected(village, accident)
    return services.claim_report(
        actor=_user("desa.operator"),
        participant=driver,
        kind="jkk_injury",
        event_date=accident,
        event_place="Jalan lintas Muara Bulian - Jambi, km 12",
        description=(
            "Terjatuh dari sepeda motor saat mengantar hasil kebun ke pasar; patah tulang lengan kiri, "
            "dirawat di RSUD Hamba. Surat dokter dan buku tabungan menyusul."
        ),
        documents=pdf_documents([workflow.ACCIDENT_REPORT, workflow.ID_CARD], driver),
        reported_on=accident + timedelta(days=3),
    )


def _rejected_after_reversal(decider: User, village: str = "1504011001") -> Claim:
    """Reported on the strength of a payment BPJS later found was for another person."""
    paid_on = _bpjs_paid_on(village)
    died = paid_on + timedelta(days=12)
    person = _protected(village, died, skip=1)
    payment = Payment.objects.get(participant=person, reverses__isnull=True)
    officer = _user("batanghari.operator")
    claim = services.claim_report(
        actor=officer,
        participant=person,
        kind="jkm",
        event_date=died,
        event_place="Rumah",
        description="Meninggal dunia karena sakit.",
        heirs=[heir_of(person, "Halimah", "spouse", 7, "Bank Jambi", "3344556677")],
        documents=pdf_documents(workflow.REQUIRED_DOCUMENTS["jkm"], person),
        reported_on=died + timedelta(days=4),
    )
    payment_reverse(
        actor=None,
        payment=payment,
        reason="Tercatat untuk NIK yang salah (tertukar dengan warga lain); iuran peserta ini belum dibayar",
        on=died + timedelta(days=10),
    )
    return services.claim_reject(
        actor=decider,
        claim=claim,
        reason=(
            f"Peserta tidak terlindungi pada tanggal kejadian {died:%d-%m-%Y}: pembayaran "
            f"{payment.reference} ternyata untuk peserta lain dan sudah dibatalkan; iurannya belum dibayar."
        ),
        on=died + timedelta(days=11),
    )


def _kota_jambi_waiting() -> Claim:
    accident = date(2025, 10, 7)
    head = next(
        p
        for p in Participant.objects.filter(village__code__startswith="1571", category="rt_rw").order_by("id")
        if protection_on(p, accident).status == "active"
    )
    officer = _user("kotajambi.operator")
    claim = services.claim_report(
        actor=officer,
        participant=head,
        kind="jkk_partial_disability",
        event_date=accident,
        event_place="Gotong royong perbaikan gorong-gorong RT",
        description=(
            "Dua jari tangan kanan terjepit mesin pemotong saat kerja bakti; diamputasi di RSUD Raden "
            "Mattaher."
        ),
        disability_pct="20",
        documents=pdf_documents(workflow.REQUIRED_DOCUMENTS["jkk_partial_disability"], head),
        reported_on=accident + timedelta(days=10),
    )
    services.claim_documents_complete(actor=officer, claim=claim, on=accident + timedelta(days=30))
    return claim


def _bengkulu(decider: User) -> Claim:
    died = date(2024, 8, 19)
    worker = next(
        p
        for p in Participant.objects.filter(village__code__startswith="170401").order_by("sex", "id")
        if protection_on(p, died).status == "active"
    )
    officer = _user("bengkulu.admin")
    claim = services.claim_report(
        actor=officer,
        participant=worker,
        kind="jkm",
        event_date=died,
        event_place="Rumah, Kabupaten Kaur",
        description="Meninggal dunia karena demam berdarah setelah dirawat tiga hari di RSUD Kaur.",
        heirs=[heir_of(worker, "Yanti", "spouse", 9, "Bank Bengkulu", "0099887766")],
        documents=pdf_documents(workflow.REQUIRED_DOCUMENTS["jkm"], worker),
        reported_on=died + timedelta(days=6),
    )
    return _decide(
        claim,
        complete_on=died + timedelta(days=8),
        verify_on=died + timedelta(days=15),
        pay_on=died + timedelta(days=24),
        decider=decider,
        actor=officer,
    )


def seed_claims() -> list[Claim]:
    """The demo claims (after demo/billing.py)."""
    if Claim.objects.exists():
        return list(Claim.objects.all())
    if not Program.objects.filter(code="BKBK-JAMBI-2025").exists():
        return []
    decider = _decider()
    return [
        _jkm_death(decider),
        _jkk_death_with_scholarships(decider),
        _injury_waiting(),
        _rejected_after_reversal(decider),
        _kota_jambi_waiting(),
        _bengkulu(decider),
    ]
