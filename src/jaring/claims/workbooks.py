"""Claims and the benefits report as XLSX workbooks, for officers' own reports and the
monev meetings. NIKs are masked for roles that see them masked."""

from __future__ import annotations

import io

import xlsxwriter

from jaring import codes
from jaring.claims.selectors import BenefitsReport
from jaring.sheets.writers import safe_cell

CLAIM_HEADERS = [
    "Nomor klaim",
    "Tanggal lapor",
    "NIK",
    "Nama peserta",
    "Kode desa",
    "Desa",
    "Jenis klaim",
    "Tanggal kejadian",
    "Tempat kejadian",
    "Status",
    "Manfaat (Rp)",
    "Beasiswa: anak",
    "Beasiswa tahun ini (Rp)",
    "Tanggal bayar",
    "Dibayar (Rp)",
    "Hari sampai dibayar",
    "Alasan penolakan",
]


def _formats(book):
    return {
        "head": book.add_format({"bold": True, "bg_color": "#D9EAD3", "border": 1}),
        "money": book.add_format({"num_format": "#,##0"}),
        "day": book.add_format({"num_format": "dd/mm/yyyy"}),
        "bold": book.add_format({"bold": True}),
        "bold_money": book.add_format({"bold": True, "num_format": "#,##0"}),
    }


def claims_xlsx(claims, *, nik_for) -> bytes:
    """One row per claim (``nik_for`` masks the NIK for the reader)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    f = _formats(book)
    sheet = book.add_worksheet("Klaim")
    sheet.write_row(0, 0, CLAIM_HEADERS, f["head"])
    row = 0
    for row, claim in enumerate(claims.iterator(chunk_size=2000), start=1):
        person = claim.participant
        sheet.write_string(row, 0, claim.reference)
        sheet.write_datetime(row, 1, claim.reported_on, f["day"])
        sheet.write_string(row, 2, nik_for(person.nik))
        sheet.write(row, 3, safe_cell(person.full_name))
        sheet.write_string(row, 4, codes.dotted(claim.village_id))
        sheet.write(row, 5, safe_cell(claim.village.name))
        sheet.write(row, 6, claim.get_kind_display())
        sheet.write_datetime(row, 7, claim.event_date, f["day"])
        sheet.write(row, 8, safe_cell(claim.event_place))
        sheet.write(row, 9, claim.get_status_display())
        if claim.quote_total is not None:
            sheet.write_number(row, 10, claim.quote_total, f["money"])
        sheet.write_number(row, 11, claim.scholarship_children)
        sheet.write_number(row, 12, claim.scholarship_rupiah, f["money"])
        if claim.paid_on:
            sheet.write_datetime(row, 13, claim.paid_on, f["day"])
            sheet.write_number(row, 14, claim.paid_rupiah or 0, f["money"])
        if claim.days_to_payment is not None:
            sheet.write_number(row, 15, claim.days_to_payment)
        sheet.write(row, 16, safe_cell(claim.rejection_reason))
    sheet.set_column(0, 0, 18)
    sheet.set_column(1, 1, 12)
    sheet.set_column(2, 2, 19)
    sheet.set_column(3, 3, 26)
    sheet.set_column(4, 4, 15)
    sheet.set_column(5, 5, 22)
    sheet.set_column(6, 6, 36)
    sheet.set_column(7, 7, 12)
    sheet.set_column(8, 8, 28)
    sheet.set_column(9, 9, 16)
    sheet.set_column(10, 15, 15)
    sheet.set_column(16, 16, 36)
    sheet.autofilter(0, 0, max(row, 1), len(CLAIM_HEADERS) - 1)
    sheet.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()


def _period(report: BenefitsReport) -> str:
    start = f"{report.date_from:%d/%m/%Y}" if report.date_from else "awal"
    end = f"{report.date_to:%d/%m/%Y}" if report.date_to else "sekarang"
    return f"{start} s.d. {end}"


def benefits_report_xlsx(report: BenefitsReport, *, kind_labels: dict[str, str]) -> bytes:
    """Summary, per region, per month and per kind of claim."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    f = _formats(book)
    totals = report.summary.totals
    summary = book.add_worksheet("Ringkasan")
    place = (
        f"{report.region.name} ({report.region.code_dotted})" if report.region else "Seluruh wilayah kerja"
    )
    rows = [
        ("Wilayah", place, None),
        ("Periode pembayaran", _period(report), None),
        ("Klaim dibayar", totals.claims, None),
        ("Manfaat dibayar (Rp)", totals.rupiah, f["money"]),
        ("Anak penerima beasiswa", totals.scholarship_children, None),
        ("Beasiswa dibayar (Rp)", totals.scholarship_rupiah, f["money"]),
        ("Median hari lapor sampai bayar", report.summary.median_days, None),
        ("Rata-rata hari lapor sampai bayar", report.summary.average_days, None),
    ]
    for index, (label, value, fmt) in enumerate(rows):
        summary.write(index, 0, label, f["bold"])
        if value is None:
            summary.write_blank(index, 1, None)
        elif fmt is not None:
            summary.write_number(index, 1, value, fmt)
        else:
            summary.write(index, 1, value)
    summary.set_column(0, 0, 34)
    summary.set_column(1, 1, 36)

    headers = ["Klaim", "Manfaat (Rp)", "Anak beasiswa", "Beasiswa (Rp)"]

    def table(sheet, first: list[str], lines):
        sheet.write_row(0, 0, [*first, *headers], f["head"])
        width = len(first)
        index = 0
        for index, (cells, t) in enumerate(lines, start=1):
            for column, cell in enumerate(cells):
                sheet.write(index, column, safe_cell(cell) if isinstance(cell, str) else cell)
            sheet.write_number(index, width, t.claims)
            sheet.write_number(index, width + 1, t.rupiah, f["money"])
            sheet.write_number(index, width + 2, t.scholarship_children)
            sheet.write_number(index, width + 3, t.scholarship_rupiah, f["money"])
        total_row = index + 1
        sheet.write(total_row, 0, "Jumlah", f["bold"])
        sheet.write_number(total_row, width, totals.claims, f["bold"])
        sheet.write_number(total_row, width + 1, totals.rupiah, f["bold_money"])
        sheet.write_number(total_row, width + 2, totals.scholarship_children, f["bold"])
        sheet.write_number(total_row, width + 3, totals.scholarship_rupiah, f["bold_money"])
        sheet.set_column(0, width - 1, 24)
        sheet.set_column(width, width + 3, 16)
        sheet.freeze_panes(1, 0)

    table(
        book.add_worksheet("Per wilayah"),
        ["Kode wilayah", "Wilayah"],
        [([codes.dotted(r.code), r.name], r.totals) for r in report.regions],
    )
    table(
        book.add_worksheet("Per bulan"),
        ["Bulan"],
        [([f"{month:%Y-%m}"], t) for month, t in report.months],
    )
    table(
        book.add_worksheet("Per jenis klaim"),
        ["Jenis klaim"],
        [([kind_labels.get(kind, kind)], t) for kind, t in report.summary.by_kind.items()],
    )
    book.close()
    return buffer.getvalue()
