"""API of coverage (UCJ): figures with the same JSON as ``jaring coverage --json``,
the file import, and the regional scorecard (mounted at the API root)."""

from __future__ import annotations

from django.utils import timezone
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from jaring.access.permissions import can_edit_data
from jaring.api_input import Date, ErrorOut, RegionFilter, Year
from jaring.errors import InvalidInput
from jaring.guards import require
from jaring.i18n import N_
from jaring.monitoring import selectors, services
from jaring.monitoring.models import ImportSource
from jaring.sheets.uploads import saved_upload

router = Router(tags=["Cakupan dan monev"])


class CoverageLineOut(Schema):
    region: str
    date: str | None
    participants: int | None
    potential: int | None
    coverage_pct: str | None
    target_pct: str | None
    target_participants: int | None
    gap_participants: int | None
    gap_budget_rupiah: int | None


class CoverageOut(CoverageLineOut):
    children: list[CoverageLineOut]
    notes: list[str] | None = None  # only when the figures need a word (given and derived disagree...)


class RowProblem(Schema):
    row: int
    column: str
    code: str
    message: str


class CoverageImportOut(Schema):
    saved: bool
    import_id: int | None
    rows: int
    created: int
    updated: int
    unchanged: int
    targets: int
    errors: list[RowProblem]
    warnings: list[RowProblem]


class ScoreRowOut(Schema):
    rank: int
    region: str
    name: str
    total: str
    policy: dict
    money: dict
    coverage: dict
    growth: dict


class ScorecardOut(Schema):
    region: str
    year: int
    date: str
    weights: dict[str, str]
    rows: list[ScoreRowOut]


@router.get(
    "/coverage",
    response=CoverageOut,
    exclude_unset=True,
    summary="Cakupan (UCJ) sebuah wilayah dan wilayah di bawahnya pada suatu tanggal",
)
def get_coverage(request, region: RegionFilter = "", date: Date | None = None):
    chosen = selectors.report_region(request.user, region)
    if chosen is None and not region:
        raise InvalidInput(
            N_("Wilayah kerja Anda lebih dari satu wilayah: isi parameter region, mis. region=15.04."),
            code="region_required",
            field="region",
        )
    return selectors.coverage_report(request.user, chosen, date or timezone.localdate()).as_dict()


@router.post(
    "/coverage/import",
    response={201: CoverageImportOut, 400: CoverageImportOut | ErrorOut},
    summary="Impor angka cakupan (XLSX/CSV); bila ada baris salah tidak ada yang disimpan",
)
def import_coverage(request, file: File[UploadedFile]):
    require(can_edit_data(request.user), N_("Hanya operator dan admin yang dapat mengimpor angka cakupan."))
    with saved_upload(file) as path:
        result = services.coverage_import(
            actor=request.user, path=path, file_name=file.name or "", source=ImportSource.API
        )
    return Status(201 if result.saved else 400, result.as_dict())


@router.get("/scorecard", response=ScorecardOut, summary="Rapor kabupaten/kota sebuah provinsi")
def get_scorecard(request, region: RegionFilter = "", year: Year | None = None, date: Date | None = None):
    card = selectors.scorecard(
        request.user, province_code=region or None, year=year, on=date or timezone.localdate()
    )
    return card.as_dict()
