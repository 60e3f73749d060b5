"""What a sheet holds, declared once per importer, and its header row matched to it.

An importer declares its ``Sheet``: the columns (name, required or not, the cell
parser), what a header naming a column twice means, and how a missing column is
reported. ``match_header`` reads row 1 against it before any data row is read: the
position of each column, the required columns missing, the headers it does not know
and those given twice. Headers match ignoring case, spaces and underscores
(``Tanggal Lahir`` is ``TANGGAL_LAHIR``).

Pure: no Django import.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from jaring.formats import figures
from jaring.i18n import N_
from jaring.sheets.cells import text_of
from jaring.sheets.rows import RowError

# A column named twice in the header:
FIRST = "first"  # the first one is read, the others ignored
LAST = "last"  # the last one is read, the others ignored
REFUSE = "refuse"  # an error (``column_duplicate``) for each repetition
# Catalogue messages (``figures.text``); a sheet's own ``missing`` has the same figures.
MISSING = N_("Kolom %(column)s tidak ada di baris judul. Baris pertama harus berisi %(columns)s.")
DUPLICATE = N_(
    "Kolom %(column)s ada dua kali di baris judul (kolom ke-%(first)s dan ke-%(again)s). Hapus salah satu "
    "lalu unggah lagi."
)
UNKNOWN = N_(
    "Kolom %(column)s (kolom ke-%(position)s) tidak dikenal dan tidak dibaca. Jika isinya diperlukan, "
    "pindahkan ke kolom templat yang sesuai: %(columns)s."
)
REPEATED = N_(
    "Kolom %(column)s ada dua kali di baris judul (kolom ke-%(first)s dan ke-%(again)s); hanya kolom "
    "ke-%(read)s yang dibaca. Hapus kolom yang tidak dipakai agar tidak keliru."
)


def _shortened(text: str, limit: int = 40) -> str:
    """A header as a message quotes it: a cell of a hostile file may be very long."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def header_key(text: object) -> str:
    """Headers match case-insensitively, ignoring spaces and underscores."""
    return re.sub(r"[\s_]+", "", str(text or "")).upper()


@dataclass(frozen=True)
class Column:
    """``parse(cell, name)`` turns the cell into its value or raises a ``DomainError``
    (the ``sheets.cells`` parsers have this shape); None where the row rule reads the
    cell itself (with reference data: known codes, the jurisdiction)."""

    name: str
    required: bool = False
    parse: Callable[[object, str], object] | None = None


@dataclass(frozen=True)
class Sheet:
    """``missing`` is the message of a required column missing from the header: a
    catalogue message (``N_``) with ``%(column)s`` and ``%(columns)s`` (the declared
    names, in order)."""

    columns: tuple[Column, ...]
    duplicates: str = FIRST
    missing: str = MISSING
    ignored: tuple[str, ...] = ()  # headers that are not read and not reported either

    @cached_property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @cached_property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    @cached_property
    def by_key(self) -> dict[str, Column]:
        return {header_key(c.name): c for c in self.columns}

    @cached_property
    def ignored_keys(self) -> frozenset[str]:
        return frozenset(header_key(name) for name in self.ignored)

    def column(self, name: str) -> Column:
        return self.by_key[header_key(name)]

    def parse(self, name: str, cell: object) -> object:
        """The value of a cell of column ``name``, by the column's declared parser."""
        parse = self.column(name).parse
        if parse is None:
            raise TypeError(f"column {name} declares no parser")
        return parse(cell, name)


def column_missing(sheet: Sheet, column: str, *, named: str = "", columns: Sequence[str] = ()) -> RowError:
    """The header error for ``column``; ``named`` replaces its name in the message (one
    error for several columns), ``columns`` the declared names."""
    figures_of = {"column": named or column, "columns": ", ".join(columns or sheet.names)}
    message = figures.text(sheet.missing, figures_of)
    if "{column" in message:  # a message still written for str.format
        message = message.format(**figures_of)
    return RowError(1, column, "column_missing", message)


@dataclass
class Header:
    """Row 1 read against a sheet. ``errors`` are the problems the sheet refuses the file
    for: each repetition of a column (when it declares ``REFUSE``), then each required
    column missing, in the declared order."""

    sheet: Sheet
    index: dict[str, int] = field(default_factory=dict)  # column -> position, in the file's order
    missing: list[str] = field(default_factory=list)
    unknown: list[tuple[str, int]] = field(default_factory=list)  # (header, position) naming no column
    repeated: list[tuple[str, int, int]] = field(default_factory=list)  # (column, first, again)
    errors: list[RowError] = field(default_factory=list)

    @property
    def notices(self) -> list[RowError]:
        """What the file's header holds that is not read, for the officer to know (the
        file is read all the same): each unknown header, and each repetition of a column
        the sheet reads once (``FIRST`` or ``LAST``), in the file's order."""
        found = [
            (position, RowError(1, shown[:20], "column_unknown", figures.text(UNKNOWN, {
                "column": shown, "position": str(position + 1), "columns": ", ".join(self.sheet.names)})))
            for shown, position in ((_shortened(text), position) for text, position in self.unknown)
        ]  # fmt: skip
        if self.sheet.duplicates != REFUSE:
            for name, first, again in self.repeated:
                read = self.index[name] + 1
                message = figures.text(
                    REPEATED,
                    {"column": name, "first": str(first + 1), "again": str(again + 1), "read": str(read)},
                )
                found.append((again, RowError(1, name, "column_repeated", message)))
        return [notice for _position, notice in sorted(found, key=lambda pair: pair[0])]

    def values(self, cells: Sequence[object]) -> dict[str, object]:
        """The cells of a data row by column; a column the header lacks is not a key, a
        row shorter than the header gives None."""
        return {column: cells[i] if i < len(cells) else None for column, i in self.index.items()}


def match_header(cells: Iterable[object], sheet: Sheet) -> Header:
    header = Header(sheet)
    first_at: dict[str, int] = {}
    for position, cell in enumerate(cells):
        column = sheet.by_key.get(header_key(cell))
        if column is None:
            if text_of(cell) and header_key(cell) not in sheet.ignored_keys:
                header.unknown.append((text_of(cell), position))
            continue
        if column.name not in first_at:
            first_at[column.name] = header.index[column.name] = position
            continue
        header.repeated.append((column.name, first_at[column.name], position))
        if sheet.duplicates == LAST:
            header.index[column.name] = position
    if sheet.duplicates == REFUSE:
        header.errors += [
            RowError(
                1,
                name,
                "column_duplicate",
                figures.text(DUPLICATE, {"column": name, "first": str(first + 1), "again": str(again + 1)}),
            )
            for name, first, again in header.repeated
        ]
    header.missing = [name for name in sheet.required if name not in header.index]
    header.errors += [column_missing(sheet, name) for name in header.missing]
    return header
