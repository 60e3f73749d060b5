"""Writes of the monitoring app: importing coverage figures and targets.

Every row of a file is checked first; if any is wrong nothing is written and every
error is returned (row, column, what to fix). Otherwise the whole file is saved in
one transaction: new figures in bulk (COPY on PostgreSQL), replaced figures and
targets each with an audit record of before and after, and one audit record per
province for the import itself.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone

from jaring import codes
from jaring.access.permissions import author, require_editor
from jaring.access.scoping import jurisdiction_of, reader_of
from jaring.audit.models import AuditEvent
from jaring.audit.services import audit_values
from jaring.bulk import bulk_insert
from jaring.errors import Conflict
from jaring.formats import figures
from jaring.i18n import N_
from jaring.monitoring import rows as coverage_rows
from jaring.monitoring.models import CoverageFigure, CoverageImport, CoverageTarget, ImportSource
from jaring.regions.models import Region
from jaring.sheets.cells import is_blank, text_of
from jaring.sheets.headers import Header, match_header
from jaring.sheets.readers import FileProblem, read_rows
from jaring.sheets.rows import RowError

ROWS_MAX = 250_000  # a national monthly file (91,599 regions) fits more than twice
WARNINGS_KEPT = 200
_CHUNK = 5_000


@dataclass
class CoverageImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    targets: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[coverage_rows.RowWarning] = field(default_factory=list)
    import_id: int | None = None

    @property
    def saved(self) -> bool:
        return not self.errors and self.import_id is not None

    def as_dict(self) -> dict:
        return {
            "saved": self.saved,
            "import_id": self.import_id,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "targets": self.targets,
            "errors": [e.as_dict() for e in self.errors],
            "warnings": [w.as_dict() for w in self.warnings],
        }


def _known_codes(raw_codes: set[str]) -> set[str]:
    wanted = sorted({c for c in (codes.try_normalize(r) for r in raw_codes if r) if c})
    known: set[str] = set()
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        known.update(Region.objects.filter(code__in=chunk).values_list("code", flat=True))
    return known


def _read(path: Path, result: CoverageImportResult) -> list[tuple[int, dict[str, object]]]:
    """The data rows of the file keyed by column, or [] with the file's errors in ``result``."""
    header: Header | None = None
    found: list[tuple[int, dict[str, object]]] = []
    try:
        for number, cells in read_rows(Path(path)):
            if header is None:
                header = match_header(cells, coverage_rows.SHEET)
                if header.errors:
                    result.errors = header.errors
                    return []
                continue
            if is_blank(cells):
                continue
            if len(found) >= ROWS_MAX:
                result.errors = [
                    RowError(
                        number,
                        "",
                        "file_too_large",
                        figures.text(
                            N_("Paling banyak %(limit)s baris per berkas; bagi berkasnya per provinsi."),
                            {"limit": ROWS_MAX},
                        ),
                    )
                ]
                return []
            found.append((number, header.values(cells)))
    except FileProblem as exc:
        result.errors = [RowError(0, "", exc.code, exc.message)]
        return []
    if header is None:
        result.errors = [
            RowError(
                0, "", "file_empty", figures.text(N_("Berkas kosong: tidak ada baris judul maupun data."))
            )
        ]
    elif not found:
        result.errors = [RowError(2, "", "file_no_rows", figures.text(N_("Berkas tidak berisi baris data.")))]
    else:  # headers not read: told with the rows saved with a note, the file read all the same
        result.warnings.extend(
            coverage_rows.RowWarning(n.row, n.column, n.code, n.message) for n in header.notices
        )
    return found


def _check(
    actor, found: list[tuple[int, dict[str, object]]], result: CoverageImportResult, today: date
) -> list[coverage_rows.CoverageRecord]:
    known = _known_codes({text_of(values.get("KODE_WILAYAH")) for _n, values in found})
    inside = jurisdiction_of(reader_of(actor)).contains
    records: list[coverage_rows.CoverageRecord] = []
    seen: dict[tuple[str, date], int] = {}
    targets: dict[tuple[str, int], tuple[int, object]] = {}
    for number, values in found:
        record, errors, warnings = coverage_rows.parse_coverage_row(
            values, row=number, known_codes=known, in_jurisdiction=inside, today=today
        )
        result.errors.extend(errors)
        result.warnings.extend(warnings)
        if record is None:
            continue
        key = (record.region_code, record.on)
        if key in seen:
            result.errors.append(
                RowError(
                    number,
                    "KODE_WILAYAH",
                    "row_duplicate",
                    figures.text(
                        N_("%(region)s tanggal %(on)s sudah ada di baris %(row)s. Hapus salah satu baris."),
                        {
                            "region": codes.dotted(record.region_code),
                            "on": figures.day(record.on),
                            "row": str(seen[key]),
                        },
                    ),
                )
            )
            continue
        seen[key] = number
        if record.target is not None:
            year_key = (record.region_code, record.on.year)
            earlier = targets.get(year_key)
            if earlier is not None and earlier[1] != record.target:
                result.errors.append(
                    RowError(
                        number,
                        "TARGET_PERSEN",
                        "target_conflict",
                        figures.text(
                            N_(
                                "Target %(region)s tahun %(year)s sudah %(target)s di baris %(row)s; satu "
                                "wilayah satu target per tahun. Samakan atau kosongkan salah satunya."
                            ),
                            {
                                "region": codes.dotted(record.region_code),
                                "year": str(record.on.year),
                                "target": figures.percent(earlier[1]),
                                "row": str(earlier[0]),
                            },
                        ),
                    )
                )
                continue
            targets.setdefault(year_key, (number, record.target))
        records.append(record)
    return records


@transaction.atomic
def coverage_import(
    *, actor, path: Path, file_name: str = "", source: str = ImportSource.UPLOAD, today: date | None = None
) -> CoverageImportResult:
    """Import a CSV/XLSX of KODE_WILAYAH, TANGGAL, PESERTA_AKTIF, POTENSI_PEKERJA and
    optionally TARGET_PERSEN. All or nothing: any wrong row means nothing is saved."""
    require_editor(actor, N_("Hanya operator dan admin yang dapat mengimpor angka cakupan."))
    result = CoverageImportResult()
    found = _read(Path(path), result)
    if result.errors:
        return result
    result.rows = len(found)
    records = _check(actor, found, result, today or timezone.localdate())
    result.errors.sort(key=lambda e: (e.row, e.column))
    if result.errors:
        return result
    try:
        with transaction.atomic():
            _save(actor, records, result, file_name=file_name or Path(path).name, source=source)
    except IntegrityError as exc:
        raise Conflict(
            N_("Angka yang sama sedang disimpan oleh impor lain. Tunggu sebentar lalu unggah lagi."),
            code="import_concurrent",
        ) from exc
    return result


def _audit_row(
    actor, *, action: str, target_type: str, target_id, target_repr: str, changes, region: str, at
):
    return audit_values(
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_repr=target_repr,
        changes=changes,
        region_code=region,
        at=at,
    )


def _save(actor, records, result: CoverageImportResult, *, file_name: str, source: str) -> None:
    now = timezone.now()
    user = author(actor)
    figures = [r for r in records if r.has_figures]
    region_codes = sorted({r.region_code for r in records})
    run = CoverageImport.objects.create(
        file_name=file_name[:255],
        source=source,
        imported_by=user,
        organization=user.organization if user is not None and user.organization_id else None,
        region_code=codes.common_ancestor(region_codes) or "",
        rows=result.rows,
        warnings=[w.as_dict() for w in result.warnings[:WARNINGS_KEPT]],
    )
    result.import_id = run.pk
    audits: list[dict] = []

    existing: dict[tuple[str, date], CoverageFigure] = {}
    figure_codes = sorted({r.region_code for r in figures})
    dates = sorted({r.on for r in figures})
    for start in range(0, len(figure_codes), _CHUNK):
        chunk = figure_codes[start : start + _CHUNK]
        for figure in CoverageFigure.objects.select_for_update().filter(region_id__in=chunk, on__in=dates):
            existing[(figure.region_id, figure.on)] = figure
    new_rows, changed = [], []
    for record in figures:
        current = existing.get((record.region_code, record.on))
        if current is None:
            new_rows.append(
                {
                    "region_id": record.region_code,
                    "level": codes.level_of(record.region_code).value,
                    "on": record.on,
                    "participants": record.participants,
                    "potential": record.potential,
                    "source_import_id": run.pk,
                    "updated_at": now,
                }
            )
        elif (current.participants, current.potential) == (record.participants, record.potential):
            result.unchanged += 1
        else:
            audits.append(
                _audit_row(
                    actor,
                    action="coverage_figure.update",
                    target_type="coverage_figure",
                    target_id=current.pk,
                    target_repr=f"Cakupan {codes.dotted(record.region_code)} {record.on:%d/%m/%Y}",
                    changes={
                        "participants": [current.participants, record.participants],
                        "potential": [current.potential, record.potential],
                        "source_import": [current.source_import_id, run.pk],
                    },
                    region=record.region_code,
                    at=now,
                )
            )
            current.participants, current.potential = record.participants, record.potential
            current.source_import_id, current.updated_at = run.pk, now
            changed.append(current)
    bulk_insert(CoverageFigure, new_rows)
    CoverageFigure.objects.bulk_update(
        changed, ["participants", "potential", "source_import", "updated_at"], batch_size=1000
    )
    result.created, result.updated = len(new_rows), len(changed)

    targets = {(r.region_code, r.on.year): r.target for r in records if r.target is not None}
    current_targets = {
        (t.region_id, t.year): t
        for t in CoverageTarget.objects.select_for_update().filter(
            region_id__in={code for code, _y in targets}, year__in={y for _c, y in targets}
        )
    }
    for (code, year), value in sorted(targets.items()):
        current = current_targets.get((code, year))
        if current is not None and current.target_pct == value:
            continue
        before = None if current is None else str(current.target_pct)
        if current is None:
            current = CoverageTarget.objects.create(
                region_id=code, year=year, target_pct=value, source_import=run
            )
        else:
            current.target_pct, current.source_import = value, run
            current.save(update_fields=["target_pct", "source_import", "updated_at"])
        result.targets += 1
        audits.append(
            _audit_row(
                actor,
                action="coverage_target.set",
                target_type="coverage_target",
                target_id=current.pk,
                target_repr=f"Target cakupan {codes.dotted(code)} {year}",
                changes={"target_pct": [before, str(value)]},
                region=code,
                at=now,
            )
        )

    by_province: dict[str, list[str]] = defaultdict(list)
    for code in region_codes:
        by_province[code[:2]].append(code)
    for province, province_codes in sorted(by_province.items()):
        audits.append(
            _audit_row(
                actor,
                action="coverage_import.create",
                target_type="coverage_import",
                target_id=run.pk,
                target_repr=f"Impor cakupan {file_name}"[:255],
                changes={
                    "file_name": [None, file_name],
                    "rows": [None, sum(1 for r in records if r.region_code[:2] == province)],
                    "regions": [None, len(province_codes)],
                },
                region=codes.common_ancestor(province_codes) or province,
                at=now,
            )
        )
    bulk_insert(AuditEvent, audits)
    CoverageImport.objects.filter(pk=run.pk).update(
        created=result.created, updated=result.updated, unchanged=result.unchanged, targets=result.targets
    )
