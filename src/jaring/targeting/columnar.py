"""Reading and checking a DTSEN extract as columns (polars), not cell by cell.

``rows.validate_row`` is the rule; this module is its fast path and never a second rule,
as ``registry.columnar`` is the participant rule's (whose ``BatchChecker`` it uses: the
columns with few distinct values, birth dates, sex, villages, occupations and working
status, are read by the rule's own parsers once per distinct value for the whole file,
and the NIK's DDMMYY from the same table of every date the NIK rule accepts). A row is
accepted here only when every cell has the plain form the rule accepts unchanged (a NIK
of 16 digits, a plain name, a plain family id, a decile of 1 to 10) and the values agree
(the NIK's birth date and sex, a birth not after today). Every other row, a blank one
included, goes to ``validate_row`` with its original cells, so its errors are the rule's,
word for word. A NIK twice is found here over the whole file (the row it was first
accepted on, as ``imports.load_checked`` names it). ``tests/test_targeting_columnar.py``
holds the two paths to the same outcome, row by row.

The file is read here too, when it is a CSV whose lines are its records (UTF-8, no
quote character, no carriage return but before a line feed): each line split on the
delimiter is then exactly what ``sheets.readers`` gives for it, and the lines are split
in polars rather than by Python's ``csv`` module, which alone took longer than the COPY
of the file. Any other file (an XLSX, a quoted CSV, Windows-1252, a line longer than a
cell may be) raises ``NotPlain`` before or while it is read, and the caller reads it
with ``sheets.readers`` as before.

Pure: no Django import.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from jaring.formats import figures
from jaring.i18n import N_
from jaring.registry.columnar import _PLAIN_NAME, _PLAIN_TEXT, BatchChecker
from jaring.registry.rows import NAME_MAX, RowContext, parse_village
from jaring.sheets.cells import is_blank
from jaring.sheets.filecheck import MAX_COLUMNS
from jaring.sheets.headers import Header
from jaring.sheets.readers import MAX_CELL_CHARS, sniff_kind
from jaring.sheets.rows import RowError
from jaring.targeting import rows as rules
from jaring.targeting.rows import FAMILY_MAX, SHEET, DtsenRecord

# The accepted rows: the file's row number and each column of ``DtsenPerson`` the row gives.
SCHEMA = {
    "row": pl.Int64,
    "nik": pl.String,
    "full_name": pl.String,
    "birth_date": pl.Date,
    "sex": pl.String,
    "village_id": pl.String,
    "family_id": pl.String,
    "decile": pl.Int16,
    "occupation": pl.String,
    "working": pl.Boolean,
}
CHUNK_BYTES = 16 << 20  # about 170,000 rows of an extract per batch
_WORKING = {None: "", True: "1", False: "0"}


class NotPlain(Exception):
    """The file is not one this module reads; read it with ``sheets.readers``."""


@dataclass
class CheckedBatch:
    """``accepted``: the good rows (``SCHEMA``), in row order, a NIK seen before in the
    file left out; ``errors``: each refused row's errors, in row order: the rule's own,
    or ``nik_twice`` naming the row the NIK was first accepted on."""

    accepted: pl.DataFrame
    rows: int = 0  # rows that are not blank
    errors: list[list[RowError]] = field(default_factory=list)


class ExtractChecker:
    """Checks the batches of one extract; the parsed distinct cells and the NIKs
    accepted so far live as long as the import."""

    def __init__(self, ctx: RowContext, header: Header):
        self.ctx, self.header = ctx, header
        self.memo = BatchChecker(ctx)
        self.regencies = sorted(ctx.regency_codes)
        self.seen = pl.DataFrame(schema={"key": pl.Int64, "first": pl.Int64})

    def check(self, frame: pl.DataFrame, cells_of) -> CheckedBatch:
        """``frame``: ``row`` and one text column per column of the header (null when the
        row has no such cell). ``cells_of(rows)`` gives the original cells of those rows,
        ``{row: [cells]}``, for the rule."""
        fast = _fast(frame, self)
        good = fast.filter(pl.col("_ok")).select(list(SCHEMA))
        odd_rows = fast.filter(~pl.col("_ok")).get_column("row").to_list()
        outcome = CheckedBatch(good, rows=len(good))
        refused: dict[int, list[RowError]] = {}
        records: list[tuple[int, DtsenRecord]] = []
        for number, cells in cells_of(odd_rows).items():
            if is_blank(cells):
                continue
            outcome.rows += 1
            checked = rules.validate_row(self.header.values(cells), row=number, ctx=self.ctx)
            if isinstance(checked, list):
                refused[number] = checked
            else:
                records.append((number, checked))
        accepted = good
        if records:
            accepted = pl.concat([good, frame_of_records(records)]).sort("row")
        accepted, twice = self._first_of_each_nik(accepted)
        refused.update((number, [error]) for number, error in twice)
        outcome.accepted = accepted
        outcome.errors = [refused[number] for number in sorted(refused)]
        return outcome

    def _first_of_each_nik(self, accepted: pl.DataFrame) -> tuple[pl.DataFrame, list[tuple[int, RowError]]]:
        """The rows whose NIK no earlier accepted row of the file has, and a ``nik_twice``
        error for each of the others (naming that earlier row)."""
        keyed = accepted.with_columns(key=pl.col("nik").cast(pl.Int64))
        keyed = keyed.join(self.seen, on="key", how="left", maintain_order="left").with_columns(
            first=pl.coalesce("first", pl.col("row").min().over("key"))
        )
        repeated = pl.col("first") != pl.col("row")
        twice = [
            (number, twice_error(number, nik, first))
            for number, nik, first in keyed.filter(repeated).select("row", "nik", "first").iter_rows()
        ]
        kept = keyed.filter(~repeated)
        self.seen = pl.concat([self.seen, kept.select("key", "first")], rechunk=False)
        return kept.select(list(SCHEMA)), twice


def twice_error(row: int, nik: str, first: int) -> RowError:
    """A good row whose NIK an earlier row of the file has (one person, one row)."""
    return RowError(
        row,
        "NIK",
        "nik_twice",
        figures.text(
            N_("NIK %(nik)s sudah ada di baris %(first)s; satu orang hanya satu baris dalam satu berkas."),
            {"nik": nik, "first": str(first)},
        ),
    )


def _fast(frame: pl.DataFrame, checker: ExtractChecker) -> pl.DataFrame:
    """``frame`` with ``_ok`` (the row is valid as it stands) and the model columns."""
    ctx, memo = checker.ctx, checker.memo
    for column in ("PEKERJAAN", "STATUS_BEKERJA"):
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(column))
        frame = frame.with_columns(pl.col(column).fill_null(""))  # a blank optional cell: the rule reads it
    frame = memo.by_distinct(frame, "TANGGAL_LAHIR", lambda raw: SHEET.parse("TANGGAL_LAHIR", raw), pl.Date)
    frame = memo.by_distinct(frame, "JENIS_KELAMIN", lambda raw: SHEET.parse("JENIS_KELAMIN", raw), pl.String)
    frame = memo.by_distinct(frame, "KODE_DESA", lambda raw: parse_village(raw, ctx), pl.String)
    frame = memo.by_distinct(frame, "PEKERJAAN", lambda raw: str(rules._occupation(raw)), pl.String)
    frame = memo.by_distinct(
        frame, "STATUS_BEKERJA", lambda raw: _WORKING[rules.parse_working(raw)], pl.String
    )
    nik = pl.col("NIK")
    frame = memo.nik_dates(
        frame.with_columns(
            _nik_plain=nik.str.contains(r"^[0-9]{16}$").fill_null(False), dmy=nik.str.slice(6, 6)
        )
    )
    name, family = pl.col("NAMA"), pl.col("ID_KELUARGA")
    checks = [
        pl.col("_nik_plain"),
        nik.str.slice(0, 4).is_in(checker.regencies),
        nik.str.slice(12, 4) != "0000",
        pl.col("TANGGAL_LAHIR") == pl.col("nik_birth"),
        pl.col("TANGGAL_LAHIR") <= ctx.today,
        pl.col("JENIS_KELAMIN") == pl.col("nik_sex"),
        name.str.contains(_PLAIN_NAME) & (name.str.len_chars() <= NAME_MAX),
        pl.col("KODE_DESA").is_not_null(),
        family.str.contains(_PLAIN_TEXT) & (family.str.len_chars() <= FAMILY_MAX),
        pl.col("DESIL").str.contains(r"^(?:[1-9]|10)$"),
        pl.col("PEKERJAAN").is_not_null(),
        pl.col("STATUS_BEKERJA").is_not_null(),
    ]
    working = pl.col("STATUS_BEKERJA")
    return frame.select(
        pl.col("row"),
        _ok=pl.all_horizontal(checks).fill_null(False),
        nik=nik,
        full_name=name,
        birth_date=pl.col("TANGGAL_LAHIR"),
        sex=pl.col("JENIS_KELAMIN"),
        village_id=pl.col("KODE_DESA"),
        family_id=family,
        decile=pl.col("DESIL").cast(pl.Int16, strict=False),
        occupation=pl.col("PEKERJAAN"),
        working=pl.when(working == "1").then(True).when(working == "0").then(False).otherwise(None),
    )


def frame_of_records(numbered: Sequence[tuple[int, DtsenRecord]]) -> pl.DataFrame:
    """Records (from the rule) as rows of the accepted frame."""
    data: dict[str, list] = {name: [] for name in SCHEMA}
    for number, record in numbered:
        data["row"].append(number)
        for name in SCHEMA:
            if name != "row":
                value = getattr(record, "village_code" if name == "village_id" else name)
                data[name].append(getattr(value, "value", value))
    return pl.DataFrame(data, schema=SCHEMA)


def plain_csv(path: Path) -> tuple[bytes, str]:
    """The encoding marker to skip (a UTF-8 BOM) and the delimiter of a CSV this module
    reads; ``NotPlain`` for any other file. (``sheets.readers`` has already refused the
    files nobody reads: empty, UTF-16, binary.)"""
    if sniff_kind(path) != "csv":
        raise NotPlain
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    bom = codecs.BOM_UTF8 if head.startswith(codecs.BOM_UTF8) else b""
    first = head[len(bom) :].split(b"\n", 1)[0]
    return bom, ";" if first.count(b";") > first.count(b",") else ","


def lines(path: Path, *, chunk_bytes: int = CHUNK_BYTES) -> Iterator[tuple[int, pl.Series]]:
    """The data lines (after the header) in batches: (the first one's row number, the
    lines), a carriage return before the line feed dropped. ``NotPlain`` when a chunk is
    not UTF-8, holds a quote, a NUL, a lone carriage return or a line longer than a cell
    may be, or more cells than a row may have."""
    bom, delimiter = plain_csv(path)
    decoder = codecs.getincrementaldecoder("utf-8")()
    number, rest = 1, b""
    with open(path, "rb") as fh:
        fh.seek(len(bom))
        header = True
        while True:
            chunk = fh.read(chunk_bytes)
            data = rest + chunk
            cut = data.rfind(b"\n") + 1 if chunk else len(data)
            data, rest = data[:cut], data[cut:]
            if not data:
                if not chunk:
                    return
                if len(rest) > chunk_bytes:  # no line feed in a whole chunk: no extract's line
                    raise NotPlain
                continue
            try:
                text = decoder.decode(data, final=not chunk)
            except UnicodeDecodeError:
                raise NotPlain from None
            if '"' in text or "\x00" in text or text.count("\r") != text.count("\r\n"):
                raise NotPlain
            if text.endswith("\n"):
                text = text[:-1]
            series = pl.Series("line", [text]).str.split("\n").explode().str.strip_suffix("\r")
            if header:  # the header is read by sheets.readers
                series, header = series.slice(1), False
                number += 1
            if (series.str.len_chars() > MAX_CELL_CHARS).any() or (
                series.str.count_matches(delimiter, literal=True) >= MAX_COLUMNS
            ).any():
                raise NotPlain  # sheets.readers says which row and why
            if len(series):
                yield number, series
            number += len(series)
            if not chunk:
                return


def read_batches(
    path: Path, header: Header, *, chunk_bytes: int = CHUNK_BYTES
) -> Iterator[tuple[pl.DataFrame, object]]:
    """The data rows as frames (``row`` and a text column per column of ``header``,
    null where the row has no cell), each with the function giving the original cells of
    some of its rows."""
    _bom, delimiter = plain_csv(path)
    for first, series in lines(path, chunk_bytes=chunk_bytes):
        cells = series.str.split(delimiter)
        frame = pl.DataFrame(
            {
                "row": pl.int_range(first, first + len(series), eager=True, dtype=pl.Int64),
                **{
                    name: cells.list.get(position, null_on_oob=True).alias(name)
                    for name, position in header.index.items()
                },
            }
        )

        def cells_of(numbers, first=first, series=series):
            return {number: series[number - first].split(delimiter) for number in numbers}

        yield frame, cells_of
