"""Participant exports (XLSX and CSV) with the list's filters and the role's masking."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator

import xlsxwriter

from jaring.registry.selectors import ParticipantFilters, nik_for, participants_filtered
from jaring.registry.vocab import (
    CATEGORY_LABELS,
    OCCUPATION_LABELS,
    STATUS_LABELS,
    Category,
    Occupation,
    Status,
)
from jaring.sheets.writers import safe_cell

HEADER = [
    "NIK",
    "NAMA",
    "TANGGAL_LAHIR",
    "JENIS_KELAMIN",
    "KODE_DESA",
    "DESA",
    "ALAMAT",
    "NO_HP",
    "PEKERJAAN",
    "KATEGORI",
    "NO_KPJ",
    "ID_DTSEN",
    "DESIL",
    "STATUS",
]


def _rows(user, filters: ParticipantFilters) -> Iterator[list]:
    people = participants_filtered(user, filters).select_related("village").order_by("id")
    for p in people.iterator(chunk_size=2000):
        yield [
            nik_for(user, p.nik),
            p.full_name,
            p.birth_date.strftime("%d/%m/%Y"),
            p.sex,
            p.village.code_dotted,
            p.village.name,
            p.address,
            p.phone,
            OCCUPATION_LABELS[Occupation(p.occupation)],
            CATEGORY_LABELS[Category(p.category)],
            p.kpj_number,
            p.dtsen_ref,
            "" if p.welfare_decile is None else str(p.welfare_decile),
            STATUS_LABELS[Status(p.status)],
        ]


class _Echo:
    def write(self, value):
        return value


def csv_stream(user, filters: ParticipantFilters) -> Iterator[str]:
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield "\ufeff" + writer.writerow(HEADER)
    for row in _rows(user, filters):
        yield writer.writerow([safe_cell(v) for v in row])


def xlsx_file(user, filters: ParticipantFilters):
    """A temporary file holding the workbook (written in constant memory)."""
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by the response
    book = xlsxwriter.Workbook(
        handle.name, {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False}
    )
    sheet = book.add_worksheet("Peserta")
    bold = book.add_format({"bold": True, "bg_color": "#D9EAD3"})
    for col, name in enumerate(HEADER):
        sheet.write_string(0, col, name, bold)
    for row_no, row in enumerate(_rows(user, filters), start=1):
        for col, value in enumerate(row):
            sheet.write_string(row_no, col, value)
    sheet.set_column(0, len(HEADER) - 1, 16)
    book.close()
    handle.seek(0)
    return handle
