"""Coverage ranking, the scorecard and the import template as XLSX workbooks."""

from __future__ import annotations

import io
from datetime import date

import xlsxwriter

from jaring import codes
from jaring.monitoring import scoring
from jaring.monitoring.rows import COLUMNS
from jaring.monitoring.selectors import CoverageReport, Scorecard
from jaring.sheets.writers import safe_cell


def _book():
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
    )
    formats = {
        "head": book.add_format({"bold": True, "bg_color": "#D9EAD3", "border": 1, "text_wrap": True}),
        "number": book.add_format({"num_format": "#,##0"}),
        "money": book.add_format({"num_format": '"Rp"#,##0'}),
        "pct": book.add_format({"num_format": "0.00"}),
        "day": book.add_format({"num_format": "dd/mm/yyyy"}),
        "bold": book.add_format({"bold": True}),
    }
    return buffer, book, formats


def _pct(text: str | None):
    return None if text is None else float(text)


def _write(sheet, row: int, col: int, value, fmt=None) -> None:
    if value is None:
        sheet.write_blank(row, col, None)
    elif isinstance(value, str):
        sheet.write_string(row, col, str(safe_cell(value)))
    elif isinstance(value, date):
        sheet.write_datetime(row, col, value, fmt)
    else:
        sheet.write_number(row, col, value, fmt)


COVERAGE_HEADERS = [
    "PERINGKAT",
    "KODE_WILAYAH",
    "WILAYAH",
    "TANGGAL DATA",
    "PESERTA AKTIF",
    "POTENSI PEKERJA",
    "CAKUPAN (%)",
    "TARGET (%)",
    "TARGET PESERTA",
    "KESENJANGAN (ORANG)",
    "KEBUTUHAN ANGGARAN (Rp/TAHUN)",
]


def coverage_xlsx(report: CoverageReport) -> bytes:
    """Sheet "Cakupan": the region's total and the ranking of the regions below it."""
    buffer, book, f = _book()
    sheet = book.add_worksheet("Cakupan")
    sheet.write_string(0, 0, f"Cakupan kepesertaan BPJS Ketenagakerjaan: {report.label}", f["bold"])
    sheet.write_string(1, 0, f"Angka terakhir pada atau sebelum {report.on:%d/%m/%Y}")
    for col, text in enumerate(COVERAGE_HEADERS):
        sheet.write_string(3, col, text, f["head"])
    lines = [(None, report.line)] if report.line else []
    lines += [(rank, line) for rank, line in enumerate(report.children, start=1)]
    for row, (rank, line) in enumerate(lines, start=4):
        values = [
            rank if rank is not None else "JUMLAH",
            codes.dotted(line.region) if line.region else "",
            line.name or report.label,
            line.figure.on,
            line.figure.participants,
            line.figure.potential,
            _pct(line.coverage_pct),
            _pct(line.target_pct),
            line.target_participants,
            line.gap_participants,
            line.gap_budget_rupiah,
        ]
        formats = [
            None,
            None,
            None,
            f["day"],
            f["number"],
            f["number"],
            f["pct"],
            f["pct"],
            f["number"],
            f["number"],
            f["money"],
        ]
        for col, (value, fmt) in enumerate(zip(values, formats, strict=True)):
            _write(sheet, row, col, value, fmt)
    sheet.set_column(0, 1, 14)
    sheet.set_column(2, 2, 34)
    sheet.set_column(3, 10, 16)
    sheet.freeze_panes(4, 3)
    if report.notes:
        notes = book.add_worksheet("Catatan")
        for row, note in enumerate(report.notes):
            notes.write_string(row, 0, str(safe_cell(note)))
        notes.set_column(0, 0, 120)
    book.close()
    return buffer.getvalue()


SCORE_HEADERS = [
    "PERINGKAT",
    "KODE_WILAYAH",
    "KABUPATEN/KOTA",
    "SKOR TOTAL",
    "SKOR KEBIJAKAN",
    "PKS BERLAKU",
    "ANGGARAN DIKOMITMENKAN (Rp)",
    "KEBUTUHAN ANGGARAN (Rp)",
    "SKOR DANA",
    "DIALOKASIKAN (Rp)",
    "SAMPAI DI DESA (Rp)",
    "DIBAYAR KE BPJS (Rp)",
    "SKOR CAKUPAN",
    "CAKUPAN (%)",
    "TARGET (%)",
    "SKOR PERTUMBUHAN",
    "PERTUMBUHAN (POIN %)",
    "DIBANDINGKAN DENGAN",
]


def scorecard_xlsx(card: Scorecard) -> bytes:
    buffer, book, f = _book()
    sheet = book.add_worksheet("Rapor wilayah")
    province = card.province.name if card.province else ""
    sheet.write_string(0, 0, f"Rapor kabupaten/kota {province}, tahun anggaran {card.year}", f["bold"])
    weights = ", ".join(f"{name} {weight}%" for name, weight in scoring.WEIGHTS.items())
    sheet.write_string(1, 0, f"Per {card.on:%d/%m/%Y}. Bobot: {weights}.")
    for col, text in enumerate(SCORE_HEADERS):
        sheet.write_string(3, col, text, f["head"])
    for row, line in enumerate(card.rows, start=4):
        c, cov = line.components, line.coverage
        values = [
            (line.rank, None),
            (line.region.code_dotted, None),
            (line.region.name, None),
            (float(line.total), f["pct"]),
            (float(c.policy), f["pct"]),
            (", ".join(line.agreements) or "-", None),
            (line.committed_rupiah, f["money"]),
            (line.gap_budget_rupiah, f["money"]),
            (None if c.money is None else float(c.money), f["pct"]),
            (line.allocated, f["money"]),
            (line.to_village, f["money"]),
            (line.to_bpjs, f["money"]),
            (None if c.coverage is None else float(c.coverage), f["pct"]),
            (_pct(cov.coverage_pct) if cov else None, f["pct"]),
            (_pct(cov.target_pct) if cov else None, f["pct"]),
            (None if c.growth is None else float(c.growth), f["pct"]),
            (_pct(line.growth_points), f["pct"]),
            (line.growth_since, f["day"]),
        ]
        for col, (value, fmt) in enumerate(values):
            _write(sheet, row, col, value, fmt)
    sheet.set_column(0, 1, 12)
    sheet.set_column(2, 2, 32)
    sheet.set_column(3, len(SCORE_HEADERS) - 1, 16)
    sheet.freeze_panes(4, 3)
    book.close()
    return buffer.getvalue()


def template_xlsx() -> bytes:
    """The import template: the columns (codes as text), an example and the instructions."""
    buffer, book, f = _book()
    text = book.add_format({"num_format": "@"})
    sheet = book.add_worksheet("Cakupan")
    for col, name in enumerate(COLUMNS):
        sheet.write_string(0, col, name, f["head"])
    sheet.set_column(0, 0, 18, text)
    sheet.set_column(1, 4, 18)
    sheet.write_string(1, 0, "15.04")
    sheet.write_string(1, 1, "12/08/2024")
    sheet.write_number(1, 2, 49803)
    sheet.write_number(1, 3, 98206)
    sheet.write_number(1, 4, 53)
    help_sheet = book.add_worksheet("Petunjuk")
    lines = [
        "KODE_WILAYAH: kode provinsi (15), kabupaten/kota (15.04), kecamatan (15.04.01) "
        "atau desa (15.04.01.2003).",
        "TANGGAL: tanggal posisi data, dd/mm/yyyy atau sel tanggal Excel.",
        "PESERTA_AKTIF: peserta aktif BPJS Ketenagakerjaan semua segmen (bilangan bulat).",
        "POTENSI_PEKERJA: potensi pekerja (BPS, tanpa ASN/TNI/Polri), lebih dari 0.",
        "TARGET_PERSEN: target cakupan tahun itu dalam persen, mis. 53 "
        "(boleh kosong: ikut target wilayah induk).",
        "Baris hanya berisi KODE_WILAYAH, TANGGAL dan TARGET_PERSEN menetapkan target tahun itu saja.",
        "Angka provinsi boleh tidak diisi: dijumlahkan dari kabupaten/kotanya.",
        "Wilayah dan tanggal yang sama diunggah lagi: angkanya diganti (tercatat di jejak audit).",
        "Bila ada baris yang salah, tidak ada yang disimpan; perbaiki lalu unggah lagi.",
    ]
    for row, line in enumerate(lines):
        help_sheet.write_string(row, 0, line)
    help_sheet.set_column(0, 0, 120)
    book.close()
    return buffer.getvalue()


def template_csv() -> bytes:
    return ("\ufeff" + ",".join(COLUMNS) + "\r\n15.04,12/08/2024,49803,98206,53\r\n").encode()
