"""Workbooks officers download: the import template and the rejected-rows report."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path

import xlsxwriter

from jaring.registry.rows import COLUMNS, ERASE, PROBLEM_COLUMN, REQUIRED, ROW_COLUMN
from jaring.registry.vocab import CATEGORY_LABELS, OCCUPATION_LABELS
from jaring.sheets.headers import header_key
from jaring.sheets.readers import FileProblem, read_rows
from jaring.sheets.writers import safe_cell

EXAMPLE = [
    "1504011203850001",
    "Ahmad Yani",
    "12/03/1985",
    "L",
    "15.04.01.2003",
    "RT 003 Dusun II",
    "081234567890",
    "Petani",
    "Miskin ekstrem",
    "",
    "",
    "1",
]
KEEP_OR_ERASE = (
    "Kolom yang boleh kosong (ALAMAT, NO_HP, NO_KPJ, ID_DTSEN, DESIL): untuk peserta yang sudah terdaftar, "
    f"sel kosong berarti tidak diubah (data tersimpan tetap). Untuk menghapus isian yang tersimpan, tulis "
    f"{ERASE} (tanda hubung) di selnya."
)
INSTRUCTIONS = [
    (
        "NIK",
        "16 angka sesuai KTP. Kolom ini berformat Teks: jangan ubah menjadi Angka, karena Excel hanya "
        "menyimpan 15 digit dan digit terakhir NIK akan hilang.",
    ),
    ("NAMA", "Nama lengkap sesuai KTP."),
    ("TANGGAL_LAHIR", "dd/mm/yyyy, mis. 12/03/1985. Harus sama dengan tanggal lahir pada NIK."),
    ("JENIS_KELAMIN", "L (laki-laki) atau P (perempuan). Harus sama dengan NIK (perempuan: tanggal + 40)."),
    (
        "KODE_DESA",
        "Kode Kemendagri 10 angka desa/kelurahan domisili, boleh dengan titik (15.04.01.2003). "
        "Hanya desa di wilayah kerja Anda.",
    ),
    ("ALAMAT", "Boleh kosong."),
    ("NO_HP", "Boleh kosong. Angka saja, mis. 081234567890."),
    ("PEKERJAAN", "Pilih dari daftar: " + ", ".join(OCCUPATION_LABELS.values()) + "."),
    ("KATEGORI", "Pilih dari daftar: " + ", ".join(CATEGORY_LABELS.values()) + "."),
    ("NO_KPJ", "Boleh kosong. 11 angka nomor kartu peserta BPJS Ketenagakerjaan."),
    ("ID_DTSEN", "Boleh kosong. ID DTSEN/P3KE."),
    ("DESIL", "Boleh kosong. Desil kesejahteraan 1-10."),
]


def template_xlsx() -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True, "bg_color": "#D9EAD3", "border": 1})
    required = book.add_format({"bold": True, "bg_color": "#FCE5CD", "border": 1})
    text = book.add_format({"num_format": "@"})
    sheet = book.add_worksheet("Peserta")
    for index, column in enumerate(COLUMNS):
        sheet.write_string(0, index, column, required if column in REQUIRED else bold)
        sheet.set_column(index, index, 18)
    # Every column is text: NIK, codes, phone and KPJ keep their digits and leading zeros.
    sheet.set_column(0, len(COLUMNS) - 1, 18, text)
    for index, value in enumerate(EXAMPLE):
        sheet.write_string(1, index, value, text)
    sheet.freeze_panes(1, 0)
    _add_dropdowns(book, sheet, {column: index for index, column in enumerate(COLUMNS)})
    _add_guide(book, bold)
    book.close()
    return buffer.getvalue()


def _add_dropdowns(book, sheet, positions: dict[str, int], last: int = 10_000) -> None:
    """The template's lists (occupation, category, sex) on a hidden sheet, offered as
    dropdowns in the columns at ``positions`` (column name -> index) of ``sheet``."""
    lists = book.add_worksheet("Daftar")
    for col, values in enumerate(
        [list(OCCUPATION_LABELS.values()), list(CATEGORY_LABELS.values()), ["L", "P"]]
    ):
        for row, value in enumerate(values):
            lists.write_string(row, col, value)
    lists.hide()
    validations = {
        "PEKERJAAN": f"=Daftar!$A$1:$A${len(OCCUPATION_LABELS)}",
        "KATEGORI": f"=Daftar!$B$1:$B${len(CATEGORY_LABELS)}",
        "JENIS_KELAMIN": "=Daftar!$C$1:$C$2",
    }
    for column, source in validations.items():
        if column not in positions:
            continue
        index = positions[column]
        sheet.data_validation(
            1,
            index,
            last,
            index,
            {
                "validate": "list",
                "source": source,
                "error_title": "Nilai tidak dikenal",
                "error_message": f"Pilih {column} dari daftar.",
            },
        )


def _add_guide(book, bold, first_note: str = "") -> None:
    """The instructions sheet: how to fill each column."""
    guide = book.add_worksheet("Petunjuk")
    guide.set_column(0, 0, 18)
    guide.set_column(1, 1, 110, book.add_format({"text_wrap": True, "valign": "top"}))
    guide.write_string(0, 0, "Kolom", bold)
    guide.write_string(0, 1, "Cara mengisi (kolom berwarna jingga wajib diisi)", bold)
    for row, (column, note) in enumerate(INSTRUCTIONS, start=1):
        guide.write_string(row, 0, column)
        guide.write_string(row, 1, note)
    notes = [first_note] if first_note else []
    notes += ["Hapus baris contoh (Ahmad Yani) sebelum mengunggah. Baris kosong dilewati.", KEEP_OR_ERASE]
    for offset, note in enumerate(notes, start=len(INSTRUCTIONS) + 2):
        guide.write_string(offset, 1, note)


def template_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerow(EXAMPLE)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _rejected_rows(path: Path, wanted: set[int]):
    for number, cells in read_rows(path):
        if number == 1 or number in wanted:
            yield number, cells


def _write_as_typed(sheet, row: int, col: int, cell: object, day_format) -> None:
    """A cell as the officer typed it: text stays text (never turned into a number, so a
    NIK keeps its digits), a number stays the number the file held, a date a date."""
    value = safe_cell(cell)
    if isinstance(value, datetime | date):
        sheet.write_datetime(row, col, value, day_format)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        sheet.write_number(row, col, value)
    else:
        sheet.write_string(row, col, "" if value is None else str(value))


def errors_xlsx(path: Path, errors: list[dict]) -> bytes:
    """The original rows that were rejected, plus the field, the problem and the fix."""
    by_row: dict[int, list[dict]] = defaultdict(list)
    for error in errors:
        by_row[error["row"]].append(error)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
    )
    bold = book.add_format({"bold": True, "bg_color": "#F4CCCC", "border": 1})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    text = book.add_format({"num_format": "@"})
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet = book.add_worksheet("Baris ditolak")
    header: list[object] = []
    out_row = 1
    try:
        rows = list(_rejected_rows(path, set(by_row)))
    except FileProblem:
        rows = []
    for number, cells in rows:
        if number == 1:
            header = list(cells)
            continue
        if number not in by_row:
            continue
        sheet.write_number(out_row, 0, number)
        for index, cell in enumerate(cells, start=1):
            _write_as_typed(sheet, out_row, index, cell, day)
        problems = "\n".join(f"{e['column']}: {e['message']}" for e in by_row[number])
        sheet.write_string(out_row, len(header) + 1, problems, wrap)
        out_row += 1
    sheet.write_string(0, 0, ROW_COLUMN, bold)
    for index, cell in enumerate(header, start=1):
        sheet.write_string(0, index, str(cell), bold)
    sheet.write_string(0, len(header) + 1, PROBLEM_COLUMN, bold)
    # Cells typed from here on stay text (a retyped NIK keeps its 16 digits).
    sheet.set_column(1, max(len(header), 1), 18, text)
    sheet.set_column(len(header) + 1, len(header) + 1, 90)
    sheet.freeze_panes(1, 1)
    positions = {key: index for index, cell in enumerate(header, start=1) if (key := header_key(cell))}
    _add_dropdowns(book, sheet, {c: positions[header_key(c)] for c in COLUMNS if header_key(c) in positions})
    _add_guide(
        book,
        bold,
        f"Perbaiki baris pada lembar 'Baris ditolak' sesuai kolom {PROBLEM_COLUMN}, lalu unggah "
        f"berkas ini lagi: kolom {ROW_COLUMN} dan {PROBLEM_COLUMN} diabaikan saat impor.",
    )
    file_level = [e for e in errors if e["row"] <= 1]
    if file_level:
        summary = book.add_worksheet("Berkas")
        for row, error in enumerate(file_level):
            summary.write_string(row, 0, f"{error['column'] or 'berkas'}: {error['message']}")
    book.close()
    return buffer.getvalue()
