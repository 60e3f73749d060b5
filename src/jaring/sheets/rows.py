"""What is wrong with a row, in one shape for every importer: the row, the column, a
stable code, the Indonesian message, and (optionally) the fix on its own.

Pure: no Django import.
"""

from __future__ import annotations

from collections.abc import Callable, Container
from dataclasses import dataclass, field
from typing import TypeVar

from jaring.errors import DomainError

T = TypeVar("T")


@dataclass(frozen=True)
class RowError:
    """Row 0 is the file as a whole, row 1 the header. ``fix`` is for a message that
    leaves the fix out; the messages written so far say it themselves, so it is empty
    and ``as_dict`` leaves it out."""

    row: int
    column: str
    code: str
    message: str
    fix: str = ""

    def as_dict(self) -> dict:
        data = {"row": self.row, "column": self.column, "code": self.code, "message": self.message}
        if self.fix:
            data["fix"] = self.fix
        return data


@dataclass
class RowErrors:
    """The errors of one row, collected so that a row reports all of them at once."""

    row: int
    columns: Container[str] = ()  # a DomainError naming one of these is reported there
    items: list[RowError] = field(default_factory=list)

    def add(self, column: str, code: str, message: str) -> None:
        self.items.append(RowError(self.row, column, code, message))

    def attempt(self, column: str, parse: Callable[[], T]) -> T | None:
        """``parse()``, or None with its ``DomainError`` recorded on ``column`` (or on the
        declared column the error names as its field)."""
        try:
            return parse()
        except DomainError as exc:
            self.add(exc.field if exc.field in self.columns else column, exc.code, exc.message)
            return None
