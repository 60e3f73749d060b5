"""Checking a batch of participant rows as columns (polars), not cell by cell.

``validate_row`` is the rule; this module is its fast path and never a second rule.
A row is accepted here only when every cell has the plain form the rule accepts
unchanged (a NIK of 16 digits, a name of letters with single spaces, an optional cell
empty or plain) and the values agree. Columns with few distinct values (dates, sex,
villages, occupations, categories) are read by the rule's own parsers, once per
distinct value, and joined back; the NIK's birth date and sex come from a table of
every DDMMYY the rule accepts. Any other row (an odd cell, any error) goes to
``validate_row`` with its original cells, so its errors are the rule's, word for word.
``tests/test_registry_columnar.py`` holds the two to the same outcome, row by row.

Why polars: see ARCHITECTURE.md ("Participant imports check columns and merge sets"). Pure: no Django import.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import zip_longest

import polars as pl

from jaring.errors import DomainError
from jaring.registry import nik as nik_rules
from jaring.registry import rows as rules
from jaring.registry.rows import SHEET, ParticipantRecord, RowContext, RowError
from jaring.registry.vocab import Category, Occupation
from jaring.sheets.cells import text_of
from jaring.sheets.headers import Header

# The accepted rows' frame: the file's row number, each model column, and for each
# optional column whether the row gives it (a blank cell keeps what is stored).
OPTIONAL_FIELDS = ("address", "phone", "kpj_number", "dtsen_ref", "welfare_decile")
SCHEMA = {
    "row": pl.Int64,
    "nik": pl.String,
    "full_name": pl.String,
    "birth_date": pl.Date,
    "sex": pl.String,
    "village_id": pl.String,
    "address": pl.String,
    "phone": pl.String,
    "occupation": pl.String,
    "category": pl.String,
    "kpj_number": pl.String,
    "dtsen_ref": pl.String,
    "welfare_decile": pl.Int16,
    **{f"{name}_given": pl.Boolean for name in OPTIONAL_FIELDS},
}
_PLAIN_NAME = r"^[A-Za-z][A-Za-z.,'\-]*(?: [A-Za-z.,'\-]+)*$"
# Free text the rule keeps as it is: no space, apostrophe, "=" or "-" at either end.
_PLAIN_EDGE = "[0-9A-Za-z.,()/#]"
_PLAIN_TEXT = rf"^{_PLAIN_EDGE}(?s:.*){_PLAIN_EDGE}$|^{_PLAIN_EDGE}$"
_OPTIONAL_COLUMN = {
    "ALAMAT": "address",
    "NO_HP": "phone",
    "NO_KPJ": "kpj_number",
    "ID_DTSEN": "dtsen_ref",
    "DESIL": "welfare_decile",
}


@dataclass
class CheckedBatch:
    """``accepted``: the valid rows (``SCHEMA``), in row order. ``errors``: the rejected
    rows' errors, the rule's own; ``rejected``: how many rows they are."""

    accepted: pl.DataFrame
    errors: list[RowError]
    rejected: int


def _nik_date(dmy: str, ctx: RowContext) -> tuple[date, str, bool] | None:
    """What digits 7-12 of a NIK (DDMMYY) encode under the rule: the birth date, the sex
    and whether that age is inside the participant range; None when the rule refuses it."""
    try:
        info = nik_rules.parse_nik(f"0000{dmy[:2]}{dmy}0001", regency_codes={"0000"}, today=ctx.today)
    except DomainError:
        return None
    try:
        nik_rules.check_age(info.birth_date, on=ctx.today, minimum=ctx.age_min, maximum=ctx.age_max)
    except DomainError:
        return info.birth_date, info.sex.value, False
    return info.birth_date, info.sex.value, True


class BatchChecker:
    """Checks the batches of one file. Each distinct cell of a column read by a parser
    is parsed once for the whole file (a file of a million rows holds a few thousand
    dates and villages), so the memo lives as long as the import."""

    def __init__(self, ctx: RowContext):
        self.ctx = ctx
        self._memo: dict[str, dict[str, object]] = {}
        self.regencies = sorted(ctx.regency_codes)

    def _parsed(self, column: str, distinct: list[str], parse: Callable[[str], object]) -> list[object]:
        memo = self._memo.setdefault(column, {})
        values = []
        for raw in distinct:
            if raw not in memo:
                try:
                    memo[raw] = parse(raw)
                except DomainError:
                    memo[raw] = None
            values.append(memo[raw])
        return values

    def by_distinct(
        self, frame: pl.DataFrame, column: str, parse: Callable[[str], object], dtype
    ) -> pl.DataFrame:
        """``column`` replaced by its value under ``parse`` (null where the cell is
        refused: the row then goes to the rule)."""
        distinct = frame.get_column(column).drop_nulls().unique().to_list()
        values = self._parsed(column, distinct, parse)
        table = pl.DataFrame(
            {column: distinct, "_value": values}, schema={column: pl.String, "_value": dtype}
        )
        joined = frame.join(table, on=column, how="left", maintain_order="left")
        return joined.drop(column).rename({"_value": column})

    def nik_dates(self, frame: pl.DataFrame) -> pl.DataFrame:
        """``frame`` with the birth date, sex and age test each row's NIK encodes."""
        distinct = frame.get_column("dmy").drop_nulls().unique().to_list()
        found = [
            (dmy, *value)
            for dmy, value in zip(
                distinct, self._parsed("dmy", distinct, lambda d: _nik_date(d, self.ctx)), strict=True
            )
            if value is not None
        ]
        table = pl.DataFrame(
            found,
            schema={"dmy": pl.String, "nik_birth": pl.Date, "nik_sex": pl.String, "age_ok": pl.Boolean},
            orient="row",
        )
        return frame.join(table, on="dmy", how="left", maintain_order="left")

    def check(self, batch: Sequence[tuple[int, list[object]]], *, header: Header) -> CheckedBatch:
        return _check(self, batch, header)


def _cells(batch: Sequence[tuple[int, list[object]]], header: Header) -> tuple[dict[str, list], list[bool]]:
    """The batch as columns of text (None for empty) and, per row, whether a cell is of a
    kind the fast path does not read (a number, a time; a date cell is read as a birth
    date and a whole number as a decile): such a row goes to the rule."""
    columns = list(zip_longest(*(cells for _number, cells in batch)))
    size = len(batch)
    odd = [False] * size
    data: dict[str, list] = {}
    for name, position in header.index.items():
        values = list(columns[position]) if position < len(columns) else [None] * size
        kinds = set(map(type, values))
        if kinds - {str, type(None)}:
            for i, value in enumerate(values):
                if value is None or isinstance(value, str):
                    continue
                if name == "TANGGAL_LAHIR" and isinstance(value, date):
                    values[i] = (value.date() if isinstance(value, datetime) else value).isoformat()
                elif name == "DESIL" and isinstance(value, int | float) and not isinstance(value, bool):
                    values[i] = text_of(value)  # a decile typed as a number: the rule reads its text
                else:
                    values[i], odd[i] = None, True
        data[name] = values
    return data, odd


def check_batch(
    batch: Sequence[tuple[int, list[object]]], *, header: Header, ctx: RowContext
) -> CheckedBatch:
    """The rows of ``batch`` (``(row number, cells)``, no blank rows) checked together."""
    return BatchChecker(ctx).check(batch, header=header)


def _check(checker: BatchChecker, batch, header: Header) -> CheckedBatch:
    ctx = checker.ctx
    if not batch:
        return CheckedBatch(pl.DataFrame(schema=SCHEMA), [], 0)
    data, odd = _cells(batch, header)
    frame = pl.DataFrame(
        {"row": [number for number, _cells in batch], "_odd": odd, **data},
        schema={"row": pl.Int64, "_odd": pl.Boolean, **{name: pl.String for name in data}},
    )
    frame = _fast(frame, checker)
    fast = frame.filter(pl.col("_ok")).select(list(SCHEMA))
    slow_rows = set(frame.filter(~pl.col("_ok")).get_column("row").to_list())
    errors: list[RowError] = []
    records: list[tuple[int, ParticipantRecord]] = []
    rejected = 0
    for number, cells in batch:
        if number not in slow_rows:
            continue
        outcome = rules.validate_row(header.values(cells), row=number, ctx=ctx)
        if isinstance(outcome, list):
            errors.extend(outcome)
            rejected += 1
        else:
            records.append((number, outcome))
    accepted = fast
    if records:
        accepted = pl.concat([fast, frame_of_records(records)]).sort("row")
    return CheckedBatch(accepted, errors, rejected)


def _optional(name: str, frame: pl.DataFrame, pattern: str) -> tuple[pl.Expr, pl.Expr]:
    """(given, plain) for an optional column: not given when the header lacks it or the
    cell is empty; plain when the cell matches ``pattern`` (kept as it is)."""
    if name not in frame.columns:
        return pl.lit(False), pl.lit(True)
    cell = pl.col(name)
    empty = cell.is_null() | (cell == "")
    return ~empty, empty | cell.str.contains(pattern)


def _fast(frame: pl.DataFrame, checker: BatchChecker) -> pl.DataFrame:
    """``frame`` with ``_ok`` (the row is valid as it stands) and the model columns."""
    ctx = checker.ctx
    frame = checker.by_distinct(
        frame, "TANGGAL_LAHIR", lambda raw: SHEET.parse("TANGGAL_LAHIR", raw), pl.Date
    )
    frame = checker.by_distinct(
        frame, "JENIS_KELAMIN", lambda raw: SHEET.parse("JENIS_KELAMIN", raw), pl.String
    )
    frame = checker.by_distinct(frame, "KODE_DESA", lambda raw: rules.parse_village(raw, ctx), pl.String)
    for column in ("PEKERJAAN", "KATEGORI"):
        frame = checker.by_distinct(frame, column, lambda raw, c=column: SHEET.parse(c, raw).value, pl.String)
    nik = pl.col("NIK")
    frame = checker.nik_dates(
        frame.with_columns(
            _nik_plain=nik.str.contains(r"^[0-9]{16}$").fill_null(False), dmy=nik.str.slice(6, 6)
        )
    )
    regencies = checker.regencies
    name = pl.col("NAMA")
    checks = [
        ~pl.col("_odd"),
        pl.col("_nik_plain"),
        nik.str.slice(0, 4).is_in(regencies),
        nik.str.slice(12, 4) != "0000",
        pl.col("age_ok"),
        pl.col("TANGGAL_LAHIR") == pl.col("nik_birth"),
        pl.col("JENIS_KELAMIN") == pl.col("nik_sex"),
        name.str.contains(_PLAIN_NAME) & (name.str.len_chars() <= rules.NAME_MAX),
        pl.col("KODE_DESA").is_not_null(),
        pl.col("PEKERJAAN").is_not_null(),
        pl.col("KATEGORI").is_not_null(),
    ]
    patterns = {
        "ALAMAT": _PLAIN_TEXT,
        "ID_DTSEN": _PLAIN_TEXT,
        "NO_HP": r"^\+?[0-9]{8,15}$",
        "NO_KPJ": rf"^[0-9]{{{ctx.kpj_length}}}$",
        "DESIL": r"^(?:[1-9]|10)$",
    }
    given = {}
    for column, pattern in patterns.items():
        is_given, plain = _optional(column, frame, pattern)
        given[_OPTIONAL_COLUMN[column]] = is_given
        checks.append(plain)

    def text(column: str, limit: int | None = None) -> pl.Expr:
        if column not in frame.columns:
            return pl.lit("")
        value = pl.col(column).fill_null("")
        return value.str.slice(0, limit) if limit else value

    decile = pl.col("DESIL").cast(pl.Int16, strict=False) if "DESIL" in frame.columns else pl.lit(None)
    ok = pl.all_horizontal(checks).fill_null(False)
    return frame.select(
        pl.col("row"),
        _ok=ok,
        nik=nik,
        full_name=name,
        birth_date=pl.col("TANGGAL_LAHIR"),
        sex=pl.col("JENIS_KELAMIN"),
        village_id=pl.col("KODE_DESA"),
        address=text("ALAMAT", 255),
        phone=text("NO_HP"),
        occupation=pl.col("PEKERJAAN"),
        category=pl.col("KATEGORI"),
        kpj_number=text("NO_KPJ"),
        dtsen_ref=text("ID_DTSEN", 40),
        welfare_decile=decile.cast(pl.Int16),
        **{f"{field}_given": expr.fill_null(False) for field, expr in given.items()},
    )


def frame_of_records(numbered: Sequence[tuple[int, ParticipantRecord]]) -> pl.DataFrame:
    """Records (from the rule) as rows of the accepted frame."""
    data: dict[str, list] = {name: [] for name in SCHEMA}
    for number, record in numbered:
        data["row"].append(number)
        for name in SCHEMA:
            if name == "row" or name.endswith("_given"):
                continue
            value = getattr(record, "village_code" if name == "village_id" else name)
            data[name].append(getattr(value, "value", value))
        for name in OPTIONAL_FIELDS:
            data[f"{name}_given"].append(name not in record.not_given)
    return pl.DataFrame(data, schema=SCHEMA)


def records_of(frame: pl.DataFrame) -> list[ParticipantRecord]:
    """The accepted frame's rows as records (for the writer that takes records)."""
    records = []
    for row in frame.iter_rows(named=True):
        records.append(
            ParticipantRecord(
                nik=row["nik"],
                full_name=row["full_name"],
                birth_date=row["birth_date"],
                sex=row["sex"],
                village_code=row["village_id"],
                address=row["address"],
                phone=row["phone"],
                occupation=Occupation(row["occupation"]),
                category=Category(row["category"]),
                kpj_number=row["kpj_number"],
                dtsen_ref=row["dtsen_ref"],
                welfare_decile=row["welfare_decile"],
                not_given=frozenset(name for name in OPTIONAL_FIELDS if not row[f"{name}_given"]),
            )
        )
    return records
