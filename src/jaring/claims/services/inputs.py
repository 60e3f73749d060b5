"""What an officer enters about a claim besides the event: its heirs, the children
named for the scholarship, the documents uploaded. Each is cleaned into the row it
becomes, or refused with the reason and the field to fix."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone

from jaring.claims.models import Claim, ClaimDocument, DocumentKind, HeirRelation, SchoolLevel
from jaring.claims.services._shared import _actor, _text
from jaring.errors import InvalidInput
from jaring.formats import figures
from jaring.i18n import N_
from jaring.registry.nik import NikError, normalize_nik

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}


@dataclass(frozen=True)
class HeirInput:
    full_name: str
    relation: str
    nik: str
    bank_name: str
    account_number: str
    account_holder: str
    phone: str = ""


@dataclass(frozen=True)
class ChildInput:
    full_name: str
    birth_date: date
    level: str
    school_year: int = 1


@dataclass(frozen=True)
class DocumentInput:
    kind: str
    file: object  # an uploaded file (Django File): name, size, read(), seek(), chunks()


def _clean_heir(heir: HeirInput, number: int) -> dict:
    name = _text(
        heir.full_name,
        field="heir_full_name",
        label=figures.text(N_("Ahli waris %(n)s: nama"), {"n": str(number)}),
        limit=150,
    )
    who = figures.text(N_("Ahli waris %(n)s (%(name)s)"), {"n": str(number), "name": name})
    if heir.relation not in HeirRelation.values:
        raise InvalidInput(
            N_("%(who)s: hubungan '%(relation)s' tidak dikenal; pilih %(choices)s."),
            params={"who": who, "relation": str(heir.relation), "choices": ", ".join(HeirRelation.values)},
            code="heir_relation_unknown",
            field="heir_relation",
        )
    try:
        nik = normalize_nik(heir.nik)
    except NikError as exc:
        raise InvalidInput(
            N_("%(who)s: %(problem)s"),
            params={"who": who, "problem": exc.message},
            code=exc.code,
            field="heir_nik",
        ) from exc
    if nik.endswith("0000"):
        raise InvalidInput(
            N_("%(who)s: NIK %(nik)s tidak valid (nomor urut 0000)."),
            params={"who": who, "nik": nik},
            code="nik_serial",
            field="heir_nik",
        )
    account = "".join(heir.account_number.split()).replace("-", "").replace(".", "")
    if not account.isascii() or not account.isdigit() or not 5 <= len(account) <= 20:
        raise InvalidInput(
            N_("%(who)s: nomor rekening '%(account)s' harus 5 sampai 20 angka (tanda hubung boleh)."),
            params={"who": who, "account": heir.account_number},
            code="account_number_invalid",
            field="heir_account_number",
        )
    phone = "".join((heir.phone or "").split()).replace("-", "")
    if phone and (not phone.lstrip("+").isdigit() or not 8 <= len(phone) <= 15):
        raise InvalidInput(
            N_("%(who)s: nomor HP '%(phone)s' tidak valid; tulis angka saja, mis. 081234567890."),
            params={"who": who, "phone": heir.phone},
            code="phone_invalid",
            field="heir_phone",
        )
    return {
        "full_name": name,
        "relation": heir.relation,
        "nik": nik,
        "phone": phone,
        "bank_name": _text(
            heir.bank_name,
            field="heir_bank_name",
            label=figures.text(N_("%(who)s: nama bank"), {"who": who}),
            limit=100,
        ),
        "account_number": account,
        "account_holder": _text(
            heir.account_holder,
            field="heir_account_holder",
            label=figures.text(N_("%(who)s: pemilik rekening"), {"who": who}),
            limit=150,
        ),
    }


def _clean_child(child: ChildInput, number: int, *, event_date: date) -> dict:
    name = _text(
        child.full_name,
        field="child_full_name",
        label=figures.text(N_("Anak %(n)s: nama"), {"n": str(number)}),
        limit=150,
    )
    if child.birth_date is None or child.birth_date > timezone.localdate():
        raise InvalidInput(
            N_("Anak %(n)s (%(name)s): tanggal lahir wajib diisi dan tidak boleh di masa depan."),
            params={"n": str(number), "name": name},
            code="child_birth_date_invalid",
            field="child_birth_date",
        )
    if child.level not in SchoolLevel.values:
        raise InvalidInput(
            N_("Anak %(n)s (%(name)s): jenjang '%(level)s' tidak dikenal; pilih %(choices)s."),
            params={
                "n": str(number),
                "name": name,
                "level": str(child.level),
                "choices": ", ".join(SchoolLevel.values),
            },
            code="child_level_unknown",
            field="child_level",
        )
    year = child.school_year or 1
    if isinstance(year, bool) or not isinstance(year, int) or year < 1:
        raise InvalidInput(
            N_("Anak %(n)s (%(name)s): kelas/tahun ke- harus 1 atau lebih."),
            params={"n": str(number), "name": name},
            code="child_year_invalid",
            field="child_school_year",
        )
    return {"full_name": name, "birth_date": child.birth_date, "level": child.level, "school_year": year}


def _check_document(document: DocumentInput) -> tuple[str, str, int]:
    """(content type, sha256, size) of an acceptable upload; refuses anything else."""
    if document.kind not in DocumentKind.values:
        raise InvalidInput(
            N_("Jenis dokumen '%(kind)s' tidak dikenal."),
            params={"kind": str(document.kind)},
            code="document_kind_unknown",
            field="document_kind",
        )
    upload = document.file
    name = getattr(upload, "name", "") or "dokumen"
    size = getattr(upload, "size", None) or 0
    label = str(DocumentKind(document.kind).label)
    if size <= 0:
        raise InvalidInput(
            N_("%(document)s: berkas %(file)s kosong."),
            params={"document": label, "file": name},
            code="document_empty",
            field="document",
        )
    if size > MAX_DOCUMENT_BYTES:
        raise InvalidInput(
            N_(
                "%(document)s: berkas %(file)s %(size)s MB; paling besar %(limit)s MB. "
                "Pindai ulang dengan resolusi lebih kecil."
            ),
            params={
                "document": label,
                "file": name,
                "size": figures.decimal((Decimal(size) / 1024 / 1024).quantize(Decimal("0.01"))),
                "limit": MAX_DOCUMENT_BYTES // 1024 // 1024,
            },
            code="document_too_large",
            field="document",
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    content_type = next((kind for magic, kind in SIGNATURES.items() if head.startswith(magic)), None)
    if content_type is None:
        raise InvalidInput(
            N_("%(document)s: berkas %(file)s bukan PDF, JPG atau PNG."),
            params={"document": label, "file": name},
            code="document_type",
            field="document",
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks() if hasattr(upload, "chunks") else [upload.read()]:
        digest.update(chunk)
    upload.seek(0)
    return content_type, digest.hexdigest(), size


def _save_document(claim: Claim, document: DocumentInput, actor) -> ClaimDocument:
    content_type, sha256, size = _check_document(document)
    name = (getattr(document.file, "name", "") or "dokumen").rsplit("/", 1)[-1][:255]
    row = ClaimDocument(
        claim=claim,
        kind=document.kind,
        original_name=name,
        content_type=content_type,
        size=size,
        sha256=sha256,
        uploaded_by=_actor(actor),
    )
    row.file.save(name, document.file, save=False)
    row.save()
    return row
