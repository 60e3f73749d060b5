"""A proposal as the files Jaring's own imports read, for offices that enrol by file:
the registration file (the participant import's columns, one row per proposed person,
with the category they fill) and the enrolment file (NIK, KODE_PROGRAM, TANGGAL_MULAI).
Import the first, then the second; every check of both imports applies."""

from __future__ import annotations

import io
from datetime import date

import xlsxwriter

from jaring import codes
from jaring.programs.imports import COLUMNS as ENROLMENT_COLUMNS
from jaring.registry.rows import COLUMNS as REGISTRY_COLUMNS
from jaring.sheets.writers import safe_cell
from jaring.targeting.proposals import Proposal, Proposed


def _registry_row(person: Proposed) -> dict[str, str]:
    return {
        "NIK": person.nik,
        "NAMA": person.full_name,
        "TANGGAL_LAHIR": f"{person.birth_date:%d/%m/%Y}",
        "JENIS_KELAMIN": person.sex,
        "KODE_DESA": codes.dotted(person.village),
        "PEKERJAAN": person.occupation,
        "KATEGORI": person.category.value,
        "ID_DTSEN": person.family_id,
        "DESIL": str(person.decile),
    }


def _workbook(sheet_name: str, columns, rows: list[dict[str, str]]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    bold = book.add_format({"bold": True, "bg_color": "#D9EAD3", "border": 1})
    text = book.add_format({"num_format": "@"})  # NIK and codes keep their digits
    sheet = book.add_worksheet(sheet_name)
    sheet.set_column(0, len(columns) - 1, 18, text)
    for col, name in enumerate(columns):
        sheet.write_string(0, col, name, bold)
    for row_no, row in enumerate(rows, start=1):
        for col, name in enumerate(columns):
            sheet.write_string(row_no, col, str(safe_cell(row.get(name, ""))), text)
    sheet.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()


def registration_xlsx(found: Proposal) -> bytes:
    return _workbook("Peserta", REGISTRY_COLUMNS, [_registry_row(p) for p in found.people])


def enrolment_xlsx(found: Proposal, starts_on: date) -> bytes:
    rows = [
        {"NIK": p.nik, "KODE_PROGRAM": found.program.code, "TANGGAL_MULAI": f"{starts_on:%d/%m/%Y}"}
        for p in found.people
    ]
    return _workbook("Kepesertaan", ENROLMENT_COLUMNS, rows)
