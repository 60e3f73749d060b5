"""Enrolling people from a file: columns NIK, KODE_PROGRAM and optionally
TANGGAL_MULAI (CSV or XLSX, read like the participant import). Every row is
checked (the person is known and visible, the program exists) and the people of
each program go through ``enrolments_create`` in one transaction, so each refusal
(quota, budget, double funding...) is reported on its row and the rest are
enrolled. Running the same file again enrols nobody twice."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from jaring.access.scoping import reader_of
from jaring.bulk import Among
from jaring.errors import DomainError, PermissionDeniedError
from jaring.formats import figures
from jaring.i18n import N_
from jaring.programs.selectors import programs_visible_to
from jaring.programs.services import EnrolmentRequest, enrolments_create
from jaring.registry.selectors import participants_visible_to
from jaring.sheets.cells import compact, is_blank, parse_date, text_of
from jaring.sheets.headers import LAST, Column, Sheet, match_header
from jaring.sheets.readers import read_rows
from jaring.sheets.rows import RowError

# NIK and KODE_PROGRAM are checked against the people and programs the actor sees. A
# column named twice is read from its last position.
SHEET = Sheet(
    columns=(
        Column("NIK", required=True),
        Column("KODE_PROGRAM", required=True),
        Column("TANGGAL_MULAI", parse=parse_date),
    ),
    duplicates=LAST,
)
COLUMNS = tuple(SHEET.names)
REQUIRED = tuple(SHEET.required)
BATCH_SIZE = 10_000


@dataclass
class EnrolmentImport:
    created: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "errors": [e.as_dict() for e in self.errors],
        }


class _Rollback(Exception):
    pass


def enrolments_import(*, actor, path: Path, dry_run: bool = False) -> EnrolmentImport:
    """Enrol the people listed in a file; a dry run checks everything and saves nothing."""
    result = EnrolmentImport()
    rows = read_rows(Path(path))
    header = next(rows, None)
    if header is None:
        raise DomainError(N_("Berkas kosong: tidak ada baris judul maupun data."), code="file_empty")
    columns = match_header(header[1], SHEET)
    if columns.missing:
        raise DomainError(
            N_("Kolom wajib tidak ada di baris judul: %(columns)s. Tidak ada baris yang dibaca."),
            params={"columns": ", ".join(columns.missing)},
            code="columns_missing",
        )
    visible = programs_visible_to(reader_of(actor))
    programs = {p.code: p for p in visible}
    people = participants_visible_to(reader_of(actor))
    pending: list[tuple[int, str, str, object]] = []
    try:
        with transaction.atomic():
            for number, cells in rows:
                values = columns.values(cells)
                if is_blank(values.values()):
                    continue
                pending.append(
                    (
                        number,
                        compact(values.get("NIK")),
                        text_of(values.get("KODE_PROGRAM")).upper(),
                        values.get("TANGGAL_MULAI"),
                    )
                )
                if len(pending) >= BATCH_SIZE:
                    _flush(actor, pending, programs, people, result)
            _flush(actor, pending, programs, people, result)
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    if result.created or result.unchanged or result.rejected:
        result.errors[:0] = columns.notices  # headers not read: told, the rows read all the same
    return result


def _flush(actor, pending, programs, people, result: EnrolmentImport) -> None:
    """Check a batch of rows and enrol the valid ones, program by program."""
    if not pending:
        return
    found = {p.nik: p for p in people.filter(Among("nik", [nik for _n, nik, _c, _d in pending]))}
    by_program: dict = defaultdict(list)
    for number, nik, code, start in pending:
        errors = []
        person = found.get(nik)
        if not nik:
            errors.append(RowError(number, "NIK", "required", figures.text(N_("Kolom NIK wajib diisi."))))
        elif person is None:
            errors.append(
                RowError(
                    number,
                    "NIK",
                    "participant_unknown",
                    figures.text(
                        N_(
                            "NIK %(nik)s belum terdaftar sebagai peserta di wilayah kerja Anda. "
                            "Daftarkan dulu lewat impor peserta."
                        ),
                        {"nik": str(nik)},
                    ),
                )
            )
        program = programs.get(code) if code else None
        if not code:
            errors.append(
                RowError(
                    number, "KODE_PROGRAM", "required", figures.text(N_("Kolom KODE_PROGRAM wajib diisi."))
                )
            )
        elif program is None:
            errors.append(
                RowError(
                    number,
                    "KODE_PROGRAM",
                    "program_unknown",
                    figures.text(
                        N_(
                            "Program %(program)s tidak dikenal atau di luar wilayah kerja Anda. "
                            "Periksa kodenya di menu Program."
                        ),
                        {"program": code},
                    ),
                )
            )
        starts_on = None
        if text_of(start):
            try:
                starts_on = SHEET.parse("TANGGAL_MULAI", start)
            except DomainError as exc:
                errors.append(RowError(number, "TANGGAL_MULAI", exc.code, exc.message))
        if errors:
            result.errors.extend(errors)
            result.rejected += 1
            continue
        by_program[program].append(EnrolmentRequest(participant=person, starts_on=starts_on, row=number))
    pending.clear()
    for program, requests in by_program.items():
        try:
            outcome = enrolments_create(
                actor=actor, program=program, requests=requests, reason="impor berkas"
            )
        except PermissionDeniedError as exc:
            for request in requests:
                result.errors.append(RowError(request.row, "KODE_PROGRAM", exc.code, exc.message))
            result.rejected += len(requests)
            continue
        result.created += outcome.created
        result.unchanged += outcome.unchanged
        result.rejected += len(outcome.refused)
        for request, exc in outcome.refused:
            result.errors.append(RowError(request.row, exc.field or "NIK", exc.code, exc.message))
    result.errors.sort(key=lambda e: (e.row, e.column))
