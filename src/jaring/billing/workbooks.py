"""Bills, the payment ledger and alert lists as XLSX workbooks (for the BPJS branch
and officers' reports). NIKs are masked for roles that see them masked."""

from __future__ import annotations

import io
from collections.abc import Iterable

import xlsxwriter

from jaring.billing import rules
from jaring.billing.protection import STATUS_LABELS, month_index, month_label
from jaring.sheets.writers import safe_cell


def _workbook():
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    formats = {
        "bold": workbook.add_format({"bold": True, "bg_color": "#D9EAD3"}),
        "money": workbook.add_format({"num_format": "#,##0"}),
        "day": workbook.add_format({"num_format": "dd/mm/yyyy"}),
        "title": workbook.add_format({"bold": True, "font_size": 13}),
    }
    return buffer, workbook, formats


def bill_xlsx(bill, lines: Iterable, nik_of) -> bytes:
    """One bill: a header block and one row per line (person and rate)."""
    buffer, workbook, f = _workbook()
    sheet = workbook.add_worksheet("Tagihan")
    program = bill.program
    header = [
        ("Nomor tagihan", bill.number),
        ("Program", f"{program.code} {program.name}"),
        ("Pemberi dana", program.payer.name),
        (
            "Periode",
            f"{month_label(month_index(bill.period_start))} s.d. {month_label(month_index(bill.period_end))}",
        ),
        ("Status", bill.get_status_display()),
    ]
    for row, (label, value) in enumerate(header):
        sheet.write(row, 0, label, f["bold"])
        sheet.write(row, 1, safe_cell(value))
    for row, (label, value) in enumerate(
        [
            ("Jumlah peserta", bill.people),
            ("Total tagihan (Rp)", bill.total_rupiah),
            ("Terbayar (Rp)", bill.paid_rupiah),
        ],
        start=len(header),
    ):
        sheet.write(row, 0, label, f["bold"])
        sheet.write_number(row, 1, value, f["money"])
    columns = [
        "NIK",
        "NO_KPJ",
        "Nama",
        "Kode desa",
        "Desa/kelurahan",
        "Bulan",
        "Jumlah bulan",
        "Iuran per bulan (Rp)",
        "Jumlah (Rp)",
        "Terbayar (Rp)",
        "Bulan terbayar",
    ]
    top = len(header) + 4
    sheet.write_row(top, 0, columns, f["bold"])
    first = month_index(bill.period_start)
    row = top
    for row, line in enumerate(lines, start=top + 1):
        person = line.participant
        sheet.write_string(row, 0, nik_of(person.nik))
        sheet.write_string(row, 1, person.kpj_number or "")
        sheet.write(row, 2, safe_cell(person.full_name))
        sheet.write_string(row, 3, line.village.code_dotted)
        sheet.write(row, 4, safe_cell(line.village.name))
        sheet.write(row, 5, rules.months_text(first, line.billed_mask))
        sheet.write_number(row, 6, line.months)
        sheet.write_number(row, 7, line.monthly_rupiah, f["money"])
        sheet.write_number(row, 8, line.amount, f["money"])
        sheet.write_number(row, 9, line.paid_rupiah, f["money"])
        sheet.write(row, 10, rules.months_text(first, line.paid_mask))
    sheet.set_column(0, 1, 19)
    sheet.set_column(2, 2, 28)
    sheet.set_column(3, 3, 15)
    sheet.set_column(4, 4, 24)
    sheet.set_column(5, 5, 24)
    sheet.set_column(6, 9, 16)
    sheet.set_column(10, 10, 24)
    sheet.autofilter(top, 0, max(row, top + 1), len(columns) - 1)
    sheet.freeze_panes(top + 1, 0)
    workbook.close()
    return buffer.getvalue()


def payments_xlsx(payments) -> bytes:
    buffer, workbook, f = _workbook()
    sheet = workbook.add_worksheet("Pembayaran iuran")
    columns = [
        "Tanggal bayar",
        "Referensi",
        "Jenis",
        "Tagihan",
        "Program",
        "Bulan",
        "Jumlah (Rp)",
        "Dialokasikan (Rp)",
        "Lebih bayar (Rp)",
        "Membatalkan",
        "Alasan",
        "Sumber",
    ]
    sheet.write_row(0, 0, columns, f["bold"])
    row = 0
    for row, p in enumerate(payments.iterator(chunk_size=2000), start=1):
        sheet.write_datetime(row, 0, p.paid_on, f["day"])
        sheet.write(row, 1, safe_cell(p.reference))
        sheet.write(row, 2, p.get_kind_display())
        sheet.write(row, 3, safe_cell(p.bill.number if p.bill_id else ""))
        sheet.write(row, 4, safe_cell(p.bill.program.code if p.bill_id else ""))
        months = (
            f"{month_label(p.first_month)} s.d. {month_label(p.last_month)}"
            if p.first_month is not None
            else ""
        )
        sheet.write(row, 5, months)
        sheet.write_number(row, 6, p.amount, f["money"])
        sheet.write_number(row, 7, p.allocated_rupiah, f["money"])
        sheet.write_number(row, 8, p.unallocated_rupiah, f["money"])
        sheet.write(row, 9, safe_cell(p.reverses.reference if p.reverses_id else ""))
        sheet.write(row, 10, safe_cell(p.reason))
        sheet.write(row, 11, safe_cell(p.channel))
    sheet.set_column(0, 0, 12, f["day"])
    sheet.set_column(1, 5, 24)
    sheet.set_column(6, 8, 17)
    sheet.set_column(9, 11, 22)
    sheet.autofilter(0, 0, max(row, 1), len(columns) - 1)
    sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()


def alerts_xlsx(rows: Iterable, nik_of, *, title: str, on) -> bytes:
    buffer, workbook, f = _workbook()
    sheet = workbook.add_worksheet("Peserta")
    sheet.write(0, 0, safe_cell(f"{title} per {on:%d/%m/%Y}"), f["title"])
    columns = [
        "NIK",
        "Nama",
        "Kode desa",
        "Desa/kelurahan",
        "Status",
        "Dibayar sampai",
        "Masa bayar berakhir",
        "Program",
    ]
    sheet.write_row(2, 0, columns, f["bold"])
    row = 2
    for row, alert in enumerate(rows, start=3):
        person = alert.participant
        sheet.write_string(row, 0, nik_of(person.nik))
        sheet.write(row, 1, safe_cell(person.full_name))
        sheet.write_string(row, 2, person.village.code_dotted)
        sheet.write(row, 3, safe_cell(person.village.name))
        sheet.write(row, 4, STATUS_LABELS[alert.status])
        if alert.paid_through:
            sheet.write_datetime(row, 5, alert.paid_through, f["day"])
        if alert.covered_until:
            sheet.write_datetime(row, 6, alert.covered_until, f["day"])
        sheet.write(row, 7, ", ".join(alert.programs))
    sheet.set_column(0, 0, 19)
    sheet.set_column(1, 1, 28)
    sheet.set_column(2, 4, 18)
    sheet.set_column(5, 6, 16, f["day"])
    sheet.set_column(7, 7, 28)
    sheet.autofilter(2, 0, max(row, 3), len(columns) - 1)
    sheet.freeze_panes(3, 0)
    workbook.close()
    return buffer.getvalue()
