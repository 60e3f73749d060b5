"""Importing a BPJS payment confirmation file (CSV or XLSX, read like the participant
import). All or nothing: every row is checked (its cells, the person or bill it names,
the months against the bills, the reference) and if any row is wrong nothing is saved
and every error is reported (row, column, what to fix). A reference recorded before
with the same content is skipped, so importing the same file again, even from two
sessions at the same moment, records each payment once."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path

from jaring.access.scoping import reader_of
from jaring.billing import payment_rows
from jaring.billing.selectors import bills_visible_to
from jaring.billing.services import BillReport, PaymentRequest
from jaring.billing.services.payments import Posting, posting
from jaring.bulk import Among
from jaring.errors import DomainError
from jaring.formats import figures
from jaring.i18n import N_
from jaring.registry.selectors import participants_visible_to
from jaring.sheets.cells import is_blank
from jaring.sheets.headers import Header, column_missing, match_header
from jaring.sheets.readers import FileProblem, read_rows
from jaring.sheets.rows import RowError

ROWS_MAX = 1_000_000
# Rows read, checked and posted at a time: the people, bill lines and payments of one
# part are in memory, not the file's.
PART_ROWS = 20_000


@dataclass
class PaymentImport:
    layout: str = ""
    rows: int = 0
    created: int = 0
    unchanged: int = 0
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)
    bills: list[BillReport] = field(default_factory=list)
    # Headers the file has and the sheet does not read: told, not refused (row 1).
    notices: list[RowError] = field(default_factory=list)

    @property
    def saved(self) -> bool:
        return not self.errors and not self.dry_run

    def as_dict(self) -> dict:
        return {
            "layout": self.layout,
            "rows": self.rows,
            "created": self.created,
            "unchanged": self.unchanged,
            "dry_run": self.dry_run,
            "saved": self.saved,
            "bills": [b.as_dict() for b in self.bills],
            "errors": [e.as_dict() for e in self.errors],
            "notices": [e.as_dict() for e in self.notices],
        }


def _parsed(path: Path, result: PaymentImport) -> Iterator[payment_rows.PaymentRow]:
    """The rows of the file that parse, one at a time; the others' errors, and those of
    the file as a whole, go to ``result``."""
    header: Header | None = None
    for number, cells in read_rows(path):
        if header is None:
            header = match_header(cells, payment_rows.SHEET)
            result.layout, missing = payment_rows.layout_of(set(header.index))
            if missing:
                result.errors.append(
                    column_missing(
                        payment_rows.SHEET,
                        missing[0],
                        named=", ".join(missing),
                        columns=payment_rows.BILL_COLUMNS
                        if result.layout == payment_rows.BILL
                        else payment_rows.PERSON_COLUMNS,
                    )
                )
                return
            continue
        if is_blank(cells):
            continue
        result.rows += 1
        if result.rows > ROWS_MAX:
            result.errors.append(
                RowError(
                    number,
                    "",
                    "file_too_large",
                    figures.text(
                        N_("Paling banyak %(limit)s baris per berkas; pecah berkasnya."), {"limit": ROWS_MAX}
                    ),
                )
            )
            return
        outcome = payment_rows.parse_row(header.values(cells), row=number, layout=result.layout)
        if isinstance(outcome, list):
            result.errors.extend(outcome)
        else:
            yield outcome
    if header is None:
        result.errors.append(
            RowError(
                0, "", "file_empty", figures.text(N_("Berkas kosong: tidak ada baris judul maupun data."))
            )
        )
    elif not result.rows:
        result.errors.append(
            RowError(2, "", "file_no_rows", figures.text(N_("Berkas tidak berisi baris pembayaran.")))
        )
    else:
        result.notices = header.notices


def _requests(actor, parsed: list[payment_rows.PaymentRow], result: PaymentImport) -> list[PaymentRequest]:
    """The payments the rows describe, with their people and bills found (through the
    actor's jurisdiction); rows naming an unknown one get an error instead."""
    # What posting reads of a person (his id, village, name and NIK): a part's 20,000
    # people are built without the rest of their columns.
    people = participants_visible_to(reader_of(actor)).only(
        "pk", "nik", "kpj_number", "village_id", "full_name"
    )
    by_nik = {p.nik: p for p in people.filter(Among("nik", {r.nik for r in parsed if r.nik}))}
    kpjs = {r.kpj for r in parsed if r.kpj and not r.nik}
    by_kpj = {p.kpj_number: p for p in people.filter(Among("kpj_number", kpjs))} if kpjs else {}
    visible = bills_visible_to(reader_of(actor))
    bills = {
        b.number: b
        for b in visible.select_related("program__payer").filter(
            number__in={r.bill_number for r in parsed if r.bill_number}
        )
    }
    requests = []
    for row in parsed:
        request = PaymentRequest(row.reference, row.paid_on, row.amount, row=row.row)
        if result.layout == payment_rows.BILL:
            request.bill = bills.get(row.bill_number)
            if request.bill is None:
                result.errors.append(
                    RowError(
                        row.row,
                        "NOMOR_TAGIHAN",
                        "bill_unknown",
                        figures.text(
                            N_(
                                "Tagihan %(bill)s tidak dikenal atau di luar wilayah kerja Anda. "
                                "Salin nomornya dari halaman tagihan."
                            ),
                            {"bill": row.bill_number},
                        ),
                    )
                )
                continue
        else:
            request.participant = by_nik.get(row.nik) if row.nik else by_kpj.get(row.kpj)
            request.first_month, request.last_month = row.first_month, row.last_month
            if request.participant is None:
                column, value = ("NIK", row.nik) if row.nik else ("NO_KPJ", row.kpj)
                result.errors.append(
                    RowError(
                        row.row,
                        column,
                        "participant_unknown",
                        figures.text(
                            N_(
                                "%(column)s %(value)s tidak terdaftar sebagai peserta di wilayah kerja Anda. "
                                "Periksa angkanya, atau daftarkan pesertanya dulu."
                            ),
                            {"column": column, "value": str(value)},
                        ),
                    )
                )
                continue
        requests.append(request)
    return requests


def payments_import(*, actor, path: Path, dry_run: bool = False, channel: str = "") -> PaymentImport:
    """Record the payments of a confirmation file, read and posted ``PART_ROWS`` rows at a
    time in one transaction; ``dry_run`` checks and allocates everything and saves
    nothing."""
    result = PaymentImport(dry_run=dry_run)
    path = Path(path)
    try:
        rows = _parsed(path, result)
        parts = iter(lambda: list(islice(rows, PART_ROWS)), [])
        first, second = next(parts, []), next(parts, [])
        with posting(actor=actor, channel=channel or path.name, many=bool(second), dry_run=dry_run) as post:
            for part in chain([first, second], parts):
                if part:
                    _post_part(actor, post, part, result)
                if result.errors:
                    post.refuse()
        result.created, result.unchanged = post.result.created_count, post.result.unchanged
        result.bills = list(post.result.bills.values())
    except FileProblem as exc:
        result.errors = [RowError(0, "", exc.code, exc.message)]
    except DomainError as exc:  # e.g. a reference recorded by another session at this moment
        result.errors.append(RowError(0, "", exc.code, exc.message))
    if result.errors:
        result.created, result.unchanged, result.bills = 0, 0, []
    result.errors.sort(key=lambda e: (e.row, e.column))
    return result


def _post_part(actor, post: Posting, parsed: list[payment_rows.PaymentRow], result: PaymentImport) -> None:
    """Post one part of the file; the refusals become errors naming the file's columns."""
    requests = _requests(actor, parsed, result)
    refused = len(post.result.errors)
    post.add(requests)
    by_kpj = {row.row for row in parsed if row.kpj and not row.nik}
    for request, error in post.result.errors[refused:]:
        column = payment_rows.COLUMN_OF_FIELD.get(error.field or "", "")
        if column == "NIK" and request.row in by_kpj:
            column = "NO_KPJ"
        result.errors.append(RowError(request.row or 0, column, error.code, error.message))
