"""Reading participant files as they arrive: XLSX/XLS through python-calamine, CSV
streamed line by line (UTF-8 with or without BOM, or Windows-1252; comma or
semicolon). Yields (row_number, [cells]) with the header as row 1."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from pathlib import Path

from jaring.errors import InvalidInput

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"
_BINARY_SIGNATURES = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")


class FileProblem(InvalidInput):
    """The file as a whole cannot be read; nothing in it was read."""


def sniff_kind(path: Path) -> str:
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if not head.strip(b"\xef\xbb\xbf \r\n\t,;"):
        raise FileProblem("Berkas kosong: tidak ada baris judul maupun data.", code="file_empty")
    if head.startswith(_ZIP):
        return "xlsx"
    if head.startswith(_OLE):
        return "xls"
    if head.startswith(_BINARY_SIGNATURES) or b"\x00" in head:
        raise FileProblem(
            "Berkas ini bukan lembar kerja. Unggah berkas Excel (.xlsx) atau CSV sesuai templat.",
            code="file_not_spreadsheet",
        )
    return "csv"


def _csv_encoding(path: Path) -> str:
    with open(path, "rb") as fh:
        if fh.read(3) == codecs.BOM_UTF8:
            return "utf-8-sig"
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := fh.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8"


def _csv_rows(path: Path) -> Iterator[tuple[int, list[object]]]:
    encoding = _csv_encoding(path)
    with open(path, encoding=encoding, newline="") as fh:
        first = fh.readline()
        delimiter = ";" if first.count(";") > first.count(",") else ","
        reader = csv.reader(io.StringIO(first), delimiter=delimiter)
        yield 1, next(reader, [])
        yield from enumerate(csv.reader(fh, delimiter=delimiter), start=2)


def _excel_rows(path: Path) -> Iterator[tuple[int, list[object]]]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for broken files
        raise FileProblem(
            f"Berkas Excel tidak dapat dibaca ({exc.__class__.__name__}). "
            "Simpan ulang sebagai .xlsx lalu unggah lagi.",
            code="file_unreadable",
        ) from exc
    sheet = workbook.get_sheet_by_index(0)
    for number, row in enumerate(sheet.iter_rows(), start=1):
        yield number, list(row)


def read_rows(path: Path) -> Iterator[tuple[int, list[object]]]:
    kind = sniff_kind(path)
    if kind == "csv":
        yield from _csv_rows(path)
    else:
        yield from _excel_rows(path)
