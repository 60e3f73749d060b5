"""One row of a BPJS payment confirmation file into a payment, or into errors naming
the row, the column and the fix. Pure: no Django.

Two layouts (the header decides):

- per person: REFERENSI, TANGGAL_BAYAR, JUMLAH, NIK or NO_KPJ, BULAN_DARI, BULAN_SAMPAI;
- per bill: REFERENSI, TANGGAL_BAYAR, JUMLAH, NOMOR_TAGIHAN.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from jaring.formats import figures
from jaring.i18n import N_
from jaring.sheets.cells import CellProblem, compact, parse_date, parse_month, parse_rupiah, text_of
from jaring.sheets.headers import Column, Sheet
from jaring.sheets.rows import RowError, RowErrors

__all__ = [
    "BILL", "BILL_COLUMNS", "COLUMN_OF_FIELD", "PERSON", "PERSON_COLUMNS", "SHEET", "CellProblem",
    "PaymentRow", "layout_of", "parse_month", "parse_row", "parse_rupiah",
]  # fmt: skip

PERSON = "person"
BILL = "bill"
COMMON = ("REFERENSI", "TANGGAL_BAYAR", "JUMLAH")
PERSON_COLUMNS = (*COMMON, "NIK", "NO_KPJ", "BULAN_DARI", "BULAN_SAMPAI")
BILL_COLUMNS = (*COMMON, "NOMOR_TAGIHAN")
# Every column of both layouts; which are required depends on the layout (layout_of).
SHEET = Sheet(
    columns=(
        Column("REFERENSI"),
        Column("TANGGAL_BAYAR", parse=parse_date),
        Column("JUMLAH", parse=parse_rupiah),
        Column("NIK"),
        Column("NO_KPJ"),
        Column("BULAN_DARI", parse=parse_month),
        Column("BULAN_SAMPAI", parse=parse_month),
        Column("NOMOR_TAGIHAN"),
    ),
    missing=N_(
        "Kolom %(column)s tidak ada di baris judul. Baris pertama harus berisi %(columns)s (NIK atau NO_KPJ)."
    ),
)


# The column of the file for each field of a payment as the services, the form and the
# API name it (a refusal by ``payments_post`` names the field).
COLUMN_OF_FIELD = {
    "reference": "REFERENSI",
    "paid_on": "TANGGAL_BAYAR",
    "amount": "JUMLAH",
    "nik": "NIK",
    "first_month": "BULAN_DARI",
    "last_month": "BULAN_SAMPAI",
    "bill": "NOMOR_TAGIHAN",
}


@dataclass(frozen=True)
class PaymentRow:
    row: int
    reference: str
    paid_on: date
    amount: int
    nik: str = ""
    kpj: str = ""
    bill_number: str = ""
    first_month: int | None = None
    last_month: int | None = None


def layout_of(columns: set[str]) -> tuple[str, list[str]]:
    """The file's layout from its header, and the columns it lacks."""
    if "NOMOR_TAGIHAN" in columns:
        return BILL, [c for c in BILL_COLUMNS if c not in columns]
    missing = [c for c in (*COMMON, "BULAN_DARI", "BULAN_SAMPAI") if c not in columns]
    if "NIK" not in columns and "NO_KPJ" not in columns:
        missing.insert(3, "NIK atau NO_KPJ")
    return PERSON, missing


def parse_row(values: dict[str, object], *, row: int, layout: str) -> PaymentRow | list[RowError]:
    found = RowErrors(row)
    errors = found.items

    def attempt(column: str):
        return found.attempt(column, lambda: SHEET.parse(column, values.get(column)))

    reference = " ".join(text_of(values.get("REFERENSI")).split())
    if not reference:
        errors.append(
            RowError(
                row,
                "REFERENSI",
                "required",
                figures.text(N_("REFERENSI wajib diisi: nomor bukti bayar dari BPJS.")),
            )
        )
    paid_on = attempt("TANGGAL_BAYAR")
    amount = attempt("JUMLAH")
    if amount is not None and amount <= 0:
        errors.append(
            RowError(
                row,
                "JUMLAH",
                "amount_not_positive",
                figures.text(
                    N_("JUMLAH %(amount)s tidak sah: isi jumlah yang dibayar, lebih dari nol."),
                    {"amount": figures.money(amount)},
                ),
            )
        )
    if layout == BILL:
        number = " ".join(text_of(values.get("NOMOR_TAGIHAN")).split())
        if not number:
            errors.append(
                RowError(
                    row,
                    "NOMOR_TAGIHAN",
                    "required",
                    figures.text(N_("NOMOR_TAGIHAN wajib diisi, mis. TAG/BKBK-JAMBI-2025/2025-01/12M.")),
                )
            )
        if errors:
            return errors
        return PaymentRow(row, reference, paid_on, amount, bill_number=number)
    nik = compact(values.get("NIK"))
    kpj = compact(values.get("NO_KPJ"))
    if not nik and not kpj:
        errors.append(
            RowError(row, "NIK", "required", figures.text(N_("Isi NIK (16 angka) atau NO_KPJ peserta.")))
        )
    elif nik and (len(nik) != 16 or not nik.isdigit()):
        errors.append(
            RowError(
                row,
                "NIK",
                "nik_invalid",
                figures.text(
                    N_("NIK '%(nik)s' harus 16 angka. Format kolom NIK sebagai Teks."), {"nik": str(nik)}
                ),
            )
        )
    first = attempt("BULAN_DARI")
    last = attempt("BULAN_SAMPAI")
    if first is not None and last is not None and first > last:
        errors.append(
            RowError(
                row,
                "BULAN_SAMPAI",
                "months_reversed",
                figures.text(N_("BULAN_SAMPAI sebelum BULAN_DARI. Tukar keduanya.")),
            )
        )
    if errors:
        return errors
    return PaymentRow(row, reference, paid_on, amount, nik=nik, kpj=kpj, first_month=first, last_month=last)
