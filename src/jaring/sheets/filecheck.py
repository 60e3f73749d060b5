"""Looking inside an XLSX before python-calamine opens it.

Calamine trusts the file: it builds the used rectangle of a sheet as one dense array
(32 bytes per cell), reserves the shared-string table at its declared size, and its
allocation failures abort the process. A 2 KB file with cells at A1 and XFD1048576
asks for 512 GiB and kills the web server or the worker. So every part of the zip is
inflated here first, streamed in chunks and never held whole, and the file is
refused when:

- it is not a complete zip (a part inflating to more than the size its directory entry
  declares is not one), or not an Excel workbook (no ``xl/workbook.xml``; an
  OpenDocument part is refused because calamine would read it instead);
- it unpacks to more than ``MAX_UNPACKED`` bytes, or to more than ``BOMB_FLOOR`` bytes
  at more than ``BOMB_RATIO`` times its own size (a zip bomb: Excel's files compress
  10-20 times);
- any part declares a DOCTYPE or an ENTITY (Excel never writes one), or an XML part
  holds a NUL byte (never valid XML; a part in UTF-16 would hide from the patterns);
- a sheet uses a cell beyond ``MAX_COLUMNS`` or ``MAX_ROWS``, its used rectangle has
  more than ``MAX_CELLS`` cells, or its declared ``<dimension>`` is beyond those bounds;
- the shared-string table declares more than ``MAX_CELLS`` strings.

The bounds are checked after every chunk, so a part is refused as soon as it reaches
too far. Cells are located like calamine does: by their ``r`` attribute, else one
column to the right of the previous cell (rows likewise). When every cell and row tag
starts with its ``r`` attribute (what Excel, LibreOffice, openpyxl and XlsxWriter
write) the extent is read from the references alone; otherwise each row is bounded by
its highest reference plus its number of cells, which can only overestimate. A
100,000-row sheet (70 MB of XML) is checked in about a second, less than calamine
takes to read it.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from jaring.errors import InvalidInput
from jaring.formats import figures
from jaring.i18n import N_

MAX_COLUMNS = 200
MAX_ROWS = 1_048_576  # Excel's own limit: no workbook saved by Excel has more
MAX_CELLS = 16_000_000  # used rows x columns: 512 MB in calamine, a full-height sheet of 15 columns
MAX_UNPACKED = 1 << 30  # 1 GiB: a full-height sheet of 12 text columns is about 750 MB of XML
BOMB_FLOOR = 100 << 20
BOMB_RATIO = 100
MAX_PARTS = 10_000
MAX_TAG = 4 << 20  # bytes between two '<': a cell holds at most 32,767 characters
_CHUNK = 1 << 20

# Python's re is fast only on patterns that start with a literal: the usual spelling of
# a reference (` r="A1"`) is read with the literal patterns, a chunk holding any other
# spelling of an `r=` attribute with the general ones.
_DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_PLAIN_COLUMN = re.compile(rb' r="([A-Za-z]+)[0-9]')
_PLAIN_ROW = re.compile(rb' r="[A-Za-z]*([0-9]+)')
# (The lookbehind follows the literal r, so that re searches for the r alone.)
_ANY_COLUMN = re.compile(rb"""r(?<![\w:.-]r)\s*=\s*["']([A-Za-z]+)[0-9]""")
_ANY_ROW = re.compile(rb"""r(?<![\w:.-]r)\s*=\s*["'][A-Za-z]*([0-9]+)""")
_SPACED_EQUALS = re.compile(rb"r[ \t\n\r]+=")
_DIMENSION = re.compile(rb"""dimension\b[^>]*?[\s"']ref\s*=\s*["']([^"']*)""")
_UNIQUE_COUNT = re.compile(rb"""uniqueCount\s*=\s*["']\s*\+?([0-9]+)""")
# A cell or row tag whose first attribute is not r, and tags with a namespace prefix.
_CELL_WITHOUT_REF = re.compile(rb"<c(?:[\t\n\r/>]| (?!r=))")
_ROW_WITHOUT_REF = re.compile(rb"<row(?:[\t\n\r/>]| (?!r=))")
_PREFIXED = re.compile(rb":(?:c|row)[\s/>]")
_ROW_TAG = re.compile(rb"<(?:[\w.-]+:)?row(?=[\s/>])")
_CELL_TAG = re.compile(rb"<(?:[\w.-]+:)?c(?=[\s/>])")
# Without a ':' in the text no tag has a prefix: the same tags, found as literals.
_PLAIN_ROW_TAG = re.compile(rb"<row(?=[\s/>])")
_CELL_OPENINGS = tuple(b"<c" + end for end in (b" ", b"\t", b"\n", b"\r", b"\x0b", b"\x0c", b"/", b">"))
_XML_PART = re.compile(r"\.(?:xml|rels|vml)$", re.IGNORECASE)
_CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,9})")


class FileProblem(InvalidInput):
    """The file as a whole cannot be read; nothing in it was read."""


@dataclass(frozen=True)
class Extent:
    """The largest row and column any sheet of the workbook uses (1-based)."""

    rows: int = 0
    columns: int = 0


def column_name(number: int) -> str:
    name = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        name = chr(65 + rest) + name
    return name


def _column_number(letters: bytes | str) -> int:
    if len(letters) > 3:
        return 1 << 20  # beyond any sheet
    number = 0
    for char in letters.upper() if isinstance(letters, str) else letters.upper().decode():
        number = number * 26 + ord(char) - 64
    return number


def _number(digits: bytes) -> int:
    return int(digits) if len(digits) <= 9 else 1 << 31


def _corrupt() -> FileProblem:
    return FileProblem(
        N_(
            "Berkas Excel rusak atau terpotong (bukan arsip .xlsx yang utuh). Buka di Excel, "
            "simpan ulang sebagai .xlsx, lalu unggah lagi."
        ),
        code="file_corrupt",
    )


def _not_utf8_xml() -> FileProblem:
    # A NUL byte is never allowed in XML; a part in UTF-16 is full of them, and would hide
    # its references and declarations from the byte patterns above.
    return FileProblem(
        N_(
            "Berkas Excel berisi bagian XML yang rusak atau tidak bersandi UTF-8 (byte NUL); Excel tidak "
            "membuat berkas seperti ini. Buka di Excel, simpan ulang sebagai .xlsx, lalu unggah lagi."
        ),
        code="file_unreadable",
    )


def _check_bounds(rows: int, columns: int, *, declared: str = "") -> None:
    where = (
        figures.text(N_("menyatakan ukuran %(size)s"), {"size": declared})
        if declared
        else figures.text(N_("memakai sel"))
    )
    if columns > MAX_COLUMNS:
        raise FileProblem(
            N_(
                "Lembar kerja %(where)s sampai kolom %(column)s; paling banyak %(limit)s kolom (%(last)s). "
                "Hapus isian di luar tabel, simpan, lalu unggah lagi."
            ),
            params={
                "where": where,
                "column": column_name(min(columns, 16_384)),
                "limit": MAX_COLUMNS,
                "last": column_name(MAX_COLUMNS),
            },
            code="too_many_columns",
        )
    if rows > MAX_ROWS:
        raise FileProblem(
            N_(
                "Lembar kerja %(where)s sampai baris %(rows)s; paling banyak %(limit)s baris. Hapus "
                "isian di luar tabel atau pecah berkasnya, lalu unggah lagi."
            ),
            params={"where": where, "rows": rows, "limit": MAX_ROWS},
            code="too_many_rows",
        )
    if rows * columns > MAX_CELLS:
        raise FileProblem(
            N_(
                "Lembar kerja %(where)s seluas %(rows)s baris x %(columns)s kolom; paling banyak "
                "%(limit)s sel. Hapus kolom dan baris di luar tabel atau pecah berkasnya, lalu "
                "unggah lagi."
            ),
            params={"where": where, "rows": rows, "columns": columns, "limit": MAX_CELLS},
            code="too_many_cells",
        )


def _check_unpacked(total: int, archive_size: int) -> None:
    if total > MAX_UNPACKED or (total > BOMB_FLOOR and total > BOMB_RATIO * archive_size):
        raise FileProblem(
            N_(
                "Isi berkas Excel terlalu besar setelah dibuka (lebih dari %(unpacked)s MB dari berkas "
                "%(size)s MB). Excel tidak membuat berkas seperti ini; simpan datanya "
                "sebagai .xlsx atau CSV biasa, atau pecah menjadi beberapa berkas."
            ),
            params={"unpacked": total >> 20, "size": max(archive_size >> 20, 1)},
            code="file_too_large_unpacked",
        )


class _PartScan:
    """The state of one zip part read chunk by chunk (each chunk ends before a '<')."""

    def __init__(self) -> None:
        self.max_row = self.max_column = 0
        # Once a cell or row tag without a leading r is met, rows are counted: each row's
        # last column is at most its highest reference plus its number of cells.
        self.counting = False
        self.row_bound = self.row_highest = self.row_cells = self.rows_counted = 0

    def feed(self, chunk: bytes) -> None:
        if _DECLARATION.search(chunk):
            raise FileProblem(
                N_(
                    "Berkas Excel berisi deklarasi DOCTYPE/ENTITY XML, yang tidak pernah ditulis Excel dan "
                    "dapat membebani server. Buka di Excel, simpan ulang sebagai .xlsx, lalu unggah lagi."
                ),
                code="file_xml_entities",
            )
        for match in _UNIQUE_COUNT.finditer(chunk):
            if _number(match.group(1)) > MAX_CELLS:
                raise FileProblem(
                    N_(
                        "Berkas Excel menyatakan lebih dari %(limit)s teks; Excel tidak membuat berkas "
                        "seperti ini. Simpan ulang sebagai .xlsx lalu unggah lagi."
                    ),
                    params={"limit": MAX_CELLS},
                    code="too_many_cells",
                )
        for match in _DIMENSION.finditer(chunk):
            self._check_dimension(match.group(1).decode("latin-1"))
        plain = chunk.count(b"r=") == chunk.count(b' r="') and not _SPACED_EQUALS.search(chunk)
        column_pattern, row_pattern = (_PLAIN_COLUMN, _PLAIN_ROW) if plain else (_ANY_COLUMN, _ANY_ROW)
        columns = set(column_pattern.findall(chunk))
        if columns:
            self.max_column = max(self.max_column, max(map(_column_number, columns)))
        rows = set(row_pattern.findall(chunk))
        if rows:
            self.max_row = max(self.max_row, max(map(_number, rows)))
        if not self.counting:
            self.counting = bool(
                _CELL_WITHOUT_REF.search(chunk) or _ROW_WITHOUT_REF.search(chunk) or _PREFIXED.search(chunk)
            )
        if self.counting:
            self._count_rows(chunk)

    def _count_rows(self, chunk: bytes) -> None:
        # One piece before the first row tag (the rest of the open row), then one per row
        # tag; rows with the same text (every row of a crafted file) are measured once.
        pieces = (_ROW_TAG if b":" in chunk else _PLAIN_ROW_TAG).split(chunk)
        self._add_to_row(pieces[0])
        if len(pieces) == 1:
            return
        self._end_row()
        self.rows_counted += len(pieces) - 1
        for row in set(pieces[1:-1]):
            self.row_bound = max(self.row_bound, _highest_column(row) + _cells(row))
        self._add_to_row(pieces[-1])

    def _add_to_row(self, segment: bytes) -> None:
        self.row_cells += _cells(segment)
        self.row_highest = max(self.row_highest, _highest_column(segment))

    def _end_row(self) -> None:
        self.row_bound = max(self.row_bound, self.row_highest + self.row_cells)
        self.row_highest = self.row_cells = 0

    def _check_dimension(self, ref: str) -> None:
        rows = columns = 0
        for part in ref.split(":"):
            found = _CELL_REF.fullmatch(part.strip())
            if found:
                columns = max(columns, _column_number(found.group(1)))
                rows = max(rows, int(found.group(2)))
        _check_bounds(rows, columns, declared=ref[:40])

    def reach(self) -> Extent:
        """How far the part reaches so far: never more than its final extent, so a part
        is refused as soon as it is too large, not after inflating all of it."""
        if not self.counting:
            return Extent(rows=self.max_row, columns=self.max_column)
        # Rows read before counting began are in max_row and max_column, not in the counts.
        bound = max(self.row_bound, self.row_highest + self.row_cells)
        return Extent(rows=self.max_row + self.rows_counted, columns=self.max_column + bound)

    def extent(self) -> Extent:
        if self.counting:
            self._end_row()
        return self.reach()


def _cells(segment: bytes) -> int:
    if b":" in segment:  # a tag may carry a namespace prefix
        return len(_CELL_TAG.findall(segment))
    return sum(segment.count(opening) for opening in _CELL_OPENINGS)


def _highest_column(segment: bytes) -> int:
    if b"=" not in segment:
        return 0
    return max(map(_column_number, set(_ANY_COLUMN.findall(segment))), default=0)


def _part_chunks(fh, info: zipfile.ZipInfo, archive_size: int):
    """The inflated bytes of one part, whatever its header claims its size is."""
    if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise FileProblem(
            N_(
                "Berkas Excel memakai sandi atau cara kompresi yang tidak dibuat Excel. Buka di Excel, "
                "simpan "
                "ulang sebagai .xlsx tanpa kata sandi, lalu unggah lagi."
            ),
            code="file_unreadable",
        )
    if not 0 <= info.header_offset <= archive_size - 30:  # a directory pointing outside the file
        raise _corrupt()
    fh.seek(info.header_offset)
    local = fh.read(30)
    if len(local) != 30 or local[:4] != b"PK\x03\x04":
        raise _corrupt()
    name_length, extra_length = struct.unpack("<HH", local[26:30])
    fh.seek(info.header_offset + 30 + name_length + extra_length)
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    crc, left, produced = 0, info.compress_size, 0
    try:
        while left > 0 and not (inflater and inflater.eof):
            raw = fh.read(min(left, _CHUNK))
            if not raw:
                raise _corrupt()
            left -= len(raw)
            if inflater is None:
                produced += len(raw)
                if produced > info.file_size:
                    raise _corrupt()
                crc = zlib.crc32(raw, crc)
                yield raw
                continue
            while True:
                piece = inflater.decompress(raw, _CHUNK)
                if piece:
                    # More than the directory declares: a bomb hiding from the size checks.
                    produced += len(piece)
                    if produced > info.file_size:
                        raise _corrupt()
                    crc = zlib.crc32(piece, crc)
                    yield piece
                raw = inflater.unconsumed_tail
                if inflater.eof or (not raw and len(piece) < _CHUNK):
                    break
    except zlib.error as exc:
        raise _corrupt() from exc
    if (inflater and not inflater.eof) or crc != info.CRC:
        raise _corrupt()


def inspect_xlsx(path: Path) -> Extent:
    """Refuse a workbook calamine cannot read safely; return how far its sheets reach."""
    archive_size = Path(path).stat().st_size
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, struct.error, OSError) as exc:
        raise _corrupt() from exc
    names = {info.filename for info in parts}
    if "xl/workbook.xml" not in names or "content.xml" in names:
        raise FileProblem(
            N_(
                "Berkas ini arsip ZIP tetapi bukan buku kerja Excel (.xlsx), mis. dokumen Word atau lembar "
                "OpenDocument (.ods). Simpan sebagai .xlsx atau CSV lalu unggah lagi."
            ),
            code="file_not_spreadsheet",
        )
    if len(parts) > MAX_PARTS:
        raise FileProblem(
            N_(
                "Berkas Excel berisi %(parts)s bagian; Excel tidak membuat berkas seperti ini. Simpan "
                "ulang sebagai .xlsx lalu unggah lagi."
            ),
            params={"parts": len(parts)},
            code="file_unreadable",
        )
    _check_unpacked(sum(info.file_size for info in parts), archive_size)
    total, extent = 0, Extent()
    with open(path, "rb") as fh:
        for info in parts:
            scan, carry = _PartScan(), b""
            xml = bool(_XML_PART.search(info.filename))
            for piece in _part_chunks(fh, info, archive_size):
                total += len(piece)
                _check_unpacked(total, archive_size)
                if xml and b"\x00" in piece:
                    raise _not_utf8_xml()
                buffer = carry + piece
                cut = buffer.rfind(b"<")
                if cut > 0:
                    scan.feed(buffer[:cut])
                    buffer = buffer[cut:]
                    reach = scan.reach()
                    _check_bounds(reach.rows, reach.columns)
                if len(buffer) > MAX_TAG:
                    raise FileProblem(
                        N_(
                            "Berkas Excel berisi tag XML yang sangat panjang; Excel tidak membuat berkas "
                            "seperti "
                            "ini. Simpan ulang sebagai .xlsx lalu unggah lagi."
                        ),
                        code="file_unreadable",
                    )
                carry = buffer
            scan.feed(carry)
            part = scan.extent()
            _check_bounds(part.rows, part.columns)
            extent = Extent(max(extent.rows, part.rows), max(extent.columns, part.columns))
    return extent
