from __future__ import annotations

from datetime import date

from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from jaring.access.permissions import can_edit_data, can_read_audit
from jaring.api_input import Cursor, Id, Limit, RegionFilter
from jaring.errors import InvalidInput
from jaring.guards import require
from jaring.i18n import N_
from jaring.registry import selectors
from jaring.registry.imports import import_participants, row_context
from jaring.registry.rows import COLUMN_OF_FIELD, validate_row
from jaring.registry.services import FIELDS, participants_upsert
from jaring.sheets.uploads import saved_upload

router = Router(tags=["Peserta"])
imports_router = Router(tags=["Impor peserta"])


class ParticipantOut(Schema):
    id: int
    nik: str
    full_name: str
    birth_date: date
    sex: str
    village_code: str
    village_name: str
    address: str
    phone: str
    occupation: str
    category: str
    kpj_number: str
    dtsen_ref: str
    welfare_decile: int | None
    status: str


class ParticipantPage(Schema):
    items: list[ParticipantOut]
    next_after: int | None


class ParticipantIn(Schema):
    nik: str
    full_name: str
    birth_date: str
    sex: str
    village_code: str
    address: str = ""
    phone: str = ""
    occupation: str
    category: str
    kpj_number: str = ""
    dtsen_ref: str = ""
    welfare_decile: int | None = None


class ParticipantPatch(Schema):
    full_name: str | None = None
    birth_date: str | None = None
    sex: str | None = None
    village_code: str | None = None
    address: str | None = None
    phone: str | None = None
    occupation: str | None = None
    category: str | None = None
    kpj_number: str | None = None
    dtsen_ref: str | None = None
    welfare_decile: int | None = None


class ParticipantInvalid(InvalidInput):
    """All problems of one participant record, each with its column and code."""

    code = "participant_invalid"

    def __init__(self, errors):
        super().__init__("; ".join(f"{e.column}: {e.message}" for e in errors), field=errors[0].column)
        self.errors = errors

    def as_dict(self) -> dict:
        data = super().as_dict()
        data["errors"] = [{"column": e.column, "code": e.code, "message": e.message} for e in self.errors]
        return data


def _out(user, p) -> dict:
    return {
        "id": p.id,
        "nik": selectors.nik_for(user, p.nik),
        "full_name": p.full_name,
        "birth_date": p.birth_date,
        "sex": p.sex,
        "village_code": p.village_id,
        "village_name": p.village.name,
        "address": p.address,
        "phone": p.phone,
        "occupation": p.occupation,
        "category": p.category,
        "kpj_number": p.kpj_number,
        "dtsen_ref": p.dtsen_ref,
        "welfare_decile": p.welfare_decile,
        "status": p.status,
    }


def _save(request, data: dict):
    require(can_edit_data(request.user), N_("Hanya operator dan admin yang dapat mengubah data peserta."))
    values = {COLUMN_OF_FIELD[k]: v for k, v in data.items() if k in COLUMN_OF_FIELD}
    # The API sends what it means: "" erases, a field not sent keeps what is stored.
    outcome = validate_row(values, row=1, ctx=row_context(request.user), blank_keeps=False)
    if isinstance(outcome, list):
        raise ParticipantInvalid(outcome)
    result = participants_upsert(actor=request.user, records=[outcome], source="api")
    if result.refused:
        raise result.refused[0][1]
    return selectors.participant_get(request.user, result.participants[0].pk)


@router.get("", response=ParticipantPage, summary="Daftar peserta (halaman berbasis kursor)")
def list_participants(
    request,
    region: RegionFilter = "",
    category: str = "",
    occupation: str = "",
    status: str = "",
    q: str = "",
    after: Cursor | None = None,
    limit: Limit = selectors.PAGE_SIZE,
):
    filters = selectors.ParticipantFilters(
        region=region, category=category, occupation=occupation, status=status, q=q
    )
    rows, next_after = selectors.participants_page(request.user, filters, after=after, limit=limit)
    return {"items": [_out(request.user, p) for p in rows], "next_after": next_after}


@router.get("/{int:participant_id}", response=ParticipantOut, summary="Satu peserta")
def get_participant(request, participant_id: Id):
    return _out(request.user, selectors.participant_get(request.user, participant_id))


@router.post("", response={201: ParticipantOut}, summary="Daftarkan peserta (atau perbarui menurut NIK)")
def create_participant(request, payload: ParticipantIn):
    return Status(201, _out(request.user, _save(request, payload.dict(exclude_unset=True))))


@router.patch("/{int:participant_id}", response=ParticipantOut, summary="Ubah data peserta")
def update_participant(request, participant_id: Id, payload: ParticipantPatch):
    current = selectors.participant_get(request.user, participant_id)
    data = {"nik": current.nik, **{field: getattr(current, column) for field, column in FIELDS.items()}}
    data.update(payload.dict(exclude_unset=True))
    return _out(request.user, _save(request, data))


class ImportOut(Schema):
    id: int
    file_name: str
    file_sha256: str
    dry_run: bool
    status: str
    processed_rows: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    failure: str


class ImportErrorOut(Schema):
    row: int
    column: str
    code: str
    message: str


def _visible_import(request, import_id: Id):
    require(
        can_edit_data(request.user) or can_read_audit(request.user),
        N_("Impor hanya untuk operator, admin dan auditor."),
    )
    return get_object_or_404(selectors.imports_visible_to(request.user), pk=import_id)


@imports_router.post("", response={201: ImportOut}, summary="Unggah berkas peserta (XLSX/CSV)")
def upload_import(request, file: File[UploadedFile], dry_run: Form[bool] = False):
    require(can_edit_data(request.user), N_("Hanya operator dan admin yang dapat mengimpor peserta."))
    with saved_upload(file) as path:
        run = import_participants(actor=request.user, path=path, file_name=file.name, dry_run=dry_run)
    return Status(201, run)


@imports_router.get("/{int:import_id}", response=ImportOut, summary="Status impor")
def get_import(request, import_id: Id):
    return _visible_import(request, import_id)


@imports_router.get("/{int:import_id}/errors", response=list[ImportErrorOut], summary="Baris yang ditolak")
def import_errors(request, import_id: Id):
    run = _visible_import(request, import_id)
    return [
        {**e.as_dict(), "message": selectors.mask_text(request.user, e.message)}
        for e in run.errors.all()[:10_000]
    ]
