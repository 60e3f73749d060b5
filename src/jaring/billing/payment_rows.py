"""One row of a BPJS payment confirmation file into a payment, or into errors naming
the row, the column and the fix. Pure: no Django.

Two layouts (the header decides):

- per person: REFERENSI, TANGGAL_BAYAR, JUMLAH, NIK or NO_KPJ, BULAN_DARI, BULAN_SAMPAI;
- per bill: REFERENSI, TANGGAL_BAYAR, JUMLAH, NOMOR_TAGIHAN.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from jaring.billing.protection import month_index
from jaring.errors import DomainError
from jaring.registry.rows import RowError, header_key, parse_date, text_of

PERSON = "person"
BILL = "bill"
COMMON = ("REFERENSI", "TANGGAL_BAYAR", "JUMLAH")
PERSON_COLUMNS = (*COMMON, "NIK", "NO_KPJ", "BULAN_DARI", "BULAN_SAMPAI")
BILL_COLUMNS = (*COMMON, "NOMOR_TAGIHAN")
COLUMN_BY_KEY = {header_key(c): c for c in (*PERSON_COLUMNS, "NOMOR_TAGIHAN")}

_MONTH_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
_MONTH_LOCAL = re.compile(r"^(\d{1,2})[-/.](\d{4})$")
_THOUSANDS = re.compile(r"^-?\d{1,3}([.,]\d{3})+$")


class CellProblem(DomainError):
    code = "invalid_value"


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


def parse_month(value: object, column: str) -> int:
    """A month as files write it: 2025-03, 2025/03, 03/2025, or a date cell (its month)."""
    if isinstance(value, datetime | date):
        return month_index(value)
    text = text_of(value)
    if not text:
        raise CellProblem(f"{column} wajib diisi, format YYYY-MM (mis. 2025-01).", code="required")
    match = _MONTH_ISO.match(text)
    year, month = (int(match[1]), int(match[2])) if match else (None, None)
    if match is None and (local := _MONTH_LOCAL.match(text)):
        year, month = int(local[2]), int(local[1])
    if year is None or not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise CellProblem(
            f"Bulan '{text}' tidak dikenali. Tulis sebagai YYYY-MM, mis. 2025-01 "
            "(format kolom sebagai Teks).",
            code="month_invalid",
        )
    return year * 12 + month - 1


RUPIAH_LIMIT = 10**15  # a thousand trillion: above any public budget, inside every integer column


def parse_rupiah(value: object, column: str = "JUMLAH") -> int:
    """Whole rupiah: 16800, 16.800, 16,800, Rp16.800 (zero and negatives are returned:
    the payment rules refuse them with their own message)."""
    if isinstance(value, bool):
        raise CellProblem(f"{column} bukan jumlah rupiah.", code="amount_invalid")
    if isinstance(value, int | float) and abs(value) >= RUPIAH_LIMIT:
        raise CellProblem(
            f"{column} {value:.0f} terlalu besar untuk jumlah rupiah. Periksa isian kolomnya.",
            code="amount_invalid",
        )
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise CellProblem(
            f"{column} {value} bukan rupiah bulat. Tulis tanpa sen, mis. 16800.", code="amount_invalid"
        )
    text = text_of(value).replace(" ", "")
    text = re.sub(r"^(-?)Rp\.?", r"\1", text, flags=re.IGNORECASE)
    if _THOUSANDS.match(text):
        text = text.replace(".", "").replace(",", "")
    if not re.fullmatch(r"-?[0-9]{1,15}", text):  # at most 999 trillion rupiah
        shown = text_of(value) or "(kosong)"
        raise CellProblem(
            f"{column} '{shown}' bukan jumlah rupiah. Isi angka bulat tanpa sen, mis. 201600.",
            code="amount_invalid" if text else "required",
        )
    return int(text)


def parse_row(values: dict[str, object], *, row: int, layout: str) -> PaymentRow | list[RowError]:
    errors: list[RowError] = []

    def attempt(column: str, parser):
        try:
            return parser(values.get(column), column)
        except DomainError as exc:
            errors.append(RowError(row, column, exc.code, exc.message))
            return None

    reference = " ".join(text_of(values.get("REFERENSI")).split())
    if not reference:
        errors.append(
            RowError(row, "REFERENSI", "required", "REFERENSI wajib diisi: nomor bukti bayar dari BPJS.")
        )
    paid_on = attempt("TANGGAL_BAYAR", parse_date)
    amount = attempt("JUMLAH", parse_rupiah)
    if amount is not None and amount <= 0:
        errors.append(
            RowError(
                row,
                "JUMLAH",
                "amount_not_positive",
                f"JUMLAH {amount} tidak sah: isi jumlah yang dibayar, lebih dari nol.",
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
                    "NOMOR_TAGIHAN wajib diisi, mis. TAG/BKBK-JAMBI-2025/2025-01/12M.",
                )
            )
        if errors:
            return errors
        return PaymentRow(row, reference, paid_on, amount, bill_number=number)
    nik = text_of(values.get("NIK")).replace(".", "").replace(" ", "")
    kpj = text_of(values.get("NO_KPJ")).replace(".", "").replace(" ", "")
    if not nik and not kpj:
        errors.append(RowError(row, "NIK", "required", "Isi NIK (16 angka) atau NO_KPJ peserta."))
    elif nik and (len(nik) != 16 or not nik.isdigit()):
        errors.append(
            RowError(row, "NIK", "nik_invalid", f"NIK '{nik}' harus 16 angka. Format kolom NIK sebagai Teks.")
        )
    first = attempt("BULAN_DARI", parse_month)
    last = attempt("BULAN_SAMPAI", parse_month)
    if first is not None and last is not None and first > last:
        errors.append(
            RowError(
                row, "BULAN_SAMPAI", "months_reversed", "BULAN_SAMPAI sebelum BULAN_DARI. Tukar keduanya."
            )
        )
    if errors:
        return errors
    return PaymentRow(row, reference, paid_on, amount, nik=nik, kpj=kpj, first_month=first, last_month=last)
