"""Reading the spreadsheets officers send, as they arrive, for every importer: XLSX/XLS
through python-calamine, CSV streamed line by line (UTF-8 with or without BOM, or
Windows-1252; comma or semicolon). Yields (row_number, [cells]) with the header as row 1.

Whatever the file holds, reading it either yields rows or raises ``FileProblem``
naming the problem and the fix: an XLSX is inspected as a zip before calamine sees
it (``filecheck``), and calamine's own errors and panics become a ``FileProblem``.
An XLSX whose first sheet has no cell is empty, and one holding a text over
``MAX_CELL_CHARS`` characters (which Excel cannot write) is refused like such a CSV.
A CSV is refused when it is UTF-16 (save it again as "CSV UTF-8": Excel's "Unicode
Text" is also tab-separated, so decoding it would still not give our columns), holds
a NUL byte, has a cell over ``MAX_CELL_CHARS`` characters (Excel's own limit) or a row
over ``filecheck.MAX_COLUMNS`` cells once trailing empty cells are dropped. A problem
found after the first rows is raised when the reader reaches it."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from pathlib import Path

from jaring.i18n import N_
from jaring.sheets.filecheck import MAX_COLUMNS, FileProblem, inspect_xlsx

__all__ = ["MAX_CELL_CHARS", "FileProblem", "read_rows", "sniff_kind"]

MAX_CELL_CHARS = 32_767
_ZIP = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")  # a part first; an empty archive; a spanned one
_OLE = b"\xd0\xcf\x11\xe0"
_BINARY_SIGNATURES = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")
_BLANK = b"\xef\xbb\xbf \r\n\t,;"


def _not_a_spreadsheet() -> FileProblem:
    return FileProblem(
        N_("Berkas ini bukan lembar kerja. Unggah berkas Excel (.xlsx) atau CSV sesuai templat."),
        code="file_not_spreadsheet",
    )


def _empty(*, first_sheet: bool = False) -> FileProblem:
    if first_sheet:
        return FileProblem(
            N_(
                "Lembar kerja pertama kosong: tidak ada baris judul maupun data. Isi templat impor (baris "
                "judul di baris 1, data mulai baris 2) lalu unggah lagi."
            ),
            code="file_empty",
        )
    return FileProblem(
        N_(
            "Berkas kosong: tidak ada baris judul maupun data. Isi templat impor (baris judul di baris 1, "
            "data mulai baris 2) lalu unggah lagi."
        ),
        code="file_empty",
    )


def _utf16() -> FileProblem:
    return FileProblem(
        N_(
            "Berkas CSV ini bersandi UTF-16 (mis. disimpan sebagai 'Unicode Text' di Excel). "
            "Simpan ulang sebagai 'CSV UTF-8 (Comma delimited)' dari Excel lalu unggah lagi."
        ),
        code="file_utf16",
    )


def _nul(row: int) -> FileProblem:
    return FileProblem(
        N_(
            "Berkas CSV berisi karakter NUL (byte 0) di baris %(row)s: berkas rusak atau bukan teks. "
            "Simpan ulang sebagai 'CSV UTF-8 (Comma delimited)' dari Excel lalu unggah lagi."
        ),
        params={"row": row},
        code="file_nul",
    )


def _looks_utf16(head: bytes) -> bool:
    """Text in UTF-16 without a BOM: every other byte of Latin text is zero."""
    even, odd = head[0::2], head[1::2]
    return len(head) >= 8 and max(even.count(0), odd.count(0)) * 10 >= len(head) // 2 * 8


def _mostly_text(head: bytes) -> bool:
    controls = sum(1 for byte in head if byte < 32 and byte not in (0, 9, 10, 13))
    return controls * 50 < len(head)


def _blank(path: Path) -> bool:
    """Nothing but blank lines and separators, however long the file (a header may come
    after thousands of empty lines)."""
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            if chunk.strip(_BLANK):
                return False
    return True


def sniff_kind(path: Path) -> str:
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise FileProblem(
            N_("Berkas tidak dapat dibuka (hilang dari server atau tidak terbaca). Unggah ulang berkasnya."),
            code="file_missing",
        ) from exc
    if not head.strip(_BLANK) and _blank(path):
        raise _empty()
    if head.startswith(_ZIP):
        return "xlsx"
    if head.startswith(_OLE):
        return "xls"
    if head.startswith(_BINARY_SIGNATURES):
        raise _not_a_spreadsheet()
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _looks_utf16(head):
        raise _utf16()
    if b"\x00" in head:
        if _mostly_text(head):
            raise _nul(head[: head.index(b"\x00")].count(b"\n") + 1)
        raise _not_a_spreadsheet()
    return "csv"


def _csv_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) if the whole file decodes, else Windows-1252 (its five
    unassigned bytes read as U+FFFD); any NUL byte is refused (the csv module would stop
    on it with a bare error)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8, line = True, 1
    with open(path, "rb") as fh:
        bom = fh.read(3) == codecs.BOM_UTF8
        fh.seek(0)
        while chunk := fh.read(1 << 20):
            nul = chunk.find(b"\x00")
            if nul >= 0:
                raise _nul(line + chunk.count(b"\n", 0, nul))
            line += chunk.count(b"\n")
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
        if utf8:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                utf8 = False
    if bom and not utf8:
        raise FileProblem(
            N_(
                "Berkas CSV bertanda UTF-8 tetapi berisi huruf yang bukan UTF-8. Simpan ulang sebagai 'CSV "
                "UTF-8 (Comma delimited)' dari Excel lalu unggah lagi."
            ),
            code="file_encoding",
        )
    if bom:
        return "utf-8-sig"
    return "utf-8" if utf8 else "cp1252"


def _checked(number: int, cells: list[str]) -> list[str]:
    if len(cells) > MAX_COLUMNS:
        while cells and cells[-1] == "":
            cells.pop()
        if len(cells) > MAX_COLUMNS:
            raise FileProblem(
                N_(
                    "Baris %(row)s berisi %(columns)s kolom; paling banyak %(limit)s. Periksa "
                    "pemisah kolom (koma atau titik koma) dan hapus kolom berlebih, lalu unggah lagi."
                ),
                params={"row": number, "columns": len(cells), "limit": MAX_COLUMNS},
                code="too_many_columns",
            )
    if cells and max(map(len, cells)) > MAX_CELL_CHARS:
        raise _cell_too_long(number)
    return cells


def _cell_too_long(number: int) -> FileProblem:
    return FileProblem(
        N_(
            "Sel di baris %(row)s berisi lebih dari %(limit)s karakter (batas Excel). Periksa "
            'tanda kutip (") yang tidak ditutup atau isian yang terlalu panjang, lalu unggah lagi.'
        ),
        params={"row": number, "limit": MAX_CELL_CHARS},
        code="cell_too_long",
    )


def _records(lines, delimiter: str, start: int) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(lines, delimiter=delimiter)
    number = start
    while True:
        try:
            cells = next(reader, None)
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise _cell_too_long(number) from exc
            raise FileProblem(
                N_(
                    "Berkas CSV tidak dapat dibaca di baris %(row)s (%(cause)s). Simpan ulang sebagai 'CSV "
                    "UTF-8 (Comma delimited)' dari Excel lalu unggah lagi."
                ),
                params={"row": number, "cause": str(exc)},
                code="csv_malformed",
            ) from exc
        if cells is None:
            return
        yield number, _checked(number, cells)
        number += 1


def _csv_rows(path: Path) -> Iterator[tuple[int, list[object]]]:
    encoding = _csv_encoding(path)
    with open(
        path, encoding=encoding, errors="replace" if encoding == "cp1252" else "strict", newline=""
    ) as fh:
        first = fh.readline()
        delimiter = ";" if first.count(";") > first.count(",") else ","
        header = next(_records(io.StringIO(first), delimiter, 1), (1, []))
        yield 1, header[1]
        yield from _records(fh, delimiter, 2)


def _unreadable(exc: BaseException, after: int | None = None) -> FileProblem:
    """Calamine's error; ``after``: the rows read before it."""
    from python_calamine import PasswordError

    if isinstance(exc, PasswordError):
        return FileProblem(
            N_(
                "Berkas Excel dilindungi kata sandi. Buka di Excel, hapus kata sandinya, simpan, lalu "
                "unggah lagi."
            ),
            code="file_password",
        )
    detail = str(exc).strip().splitlines()[0][:120] if str(exc).strip() else ""
    cause = exc.__class__.__name__ + (f": {detail}" if detail else "")
    if after is not None:
        return FileProblem(
            N_(
                "Berkas Excel tidak dapat dibaca setelah baris %(row)s (%(cause)s). Simpan ulang sebagai "
                ".xlsx lalu unggah lagi."
            ),
            params={"row": after, "cause": cause},
            code="file_unreadable",
        )
    return FileProblem(
        N_("Berkas Excel tidak dapat dibaca (%(cause)s). Simpan ulang sebagai .xlsx lalu unggah lagi."),
        params={"cause": cause},
        code="file_unreadable",
    )


def _excel_rows(path: Path, kind: str) -> Iterator[tuple[int, list[object]]]:
    from python_calamine import CalamineWorkbook

    if kind == "xlsx":
        inspect_xlsx(path)
    # Calamine raises its own error types, and pyo3's PanicException (a BaseException)
    # when a cell cannot be converted; both mean the file, not the program, is at fault.
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        if not workbook.sheet_names:
            raise FileProblem(
                N_("Berkas Excel tidak berisi lembar kerja. Isi templat impor lalu unggah lagi."),
                code="file_no_sheet",
            )
        rows = iter(workbook.get_sheet_by_index(0).iter_rows())
    except (FileProblem, KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:
        raise _unreadable(exc) from exc
    number = 0
    while True:
        try:
            row = next(rows, None)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:
            raise _unreadable(exc, after=number) from exc
        if row is None:
            if not number:
                raise _empty(first_sheet=True)
            return
        number += 1
        cells = list(row)
        if any(isinstance(cell, str) and len(cell) > MAX_CELL_CHARS for cell in cells):
            raise _cell_too_long(number)
        yield number, cells


def read_rows(path: Path) -> Iterator[tuple[int, list[object]]]:
    kind = sniff_kind(path)
    if kind == "csv":
        yield from _csv_rows(path)
    else:
        yield from _excel_rows(path, kind)
