"""Writing cells into the spreadsheets Jaring hands out (exports, reports, rejected rows).

Pure: no Django import.
"""

from __future__ import annotations


def safe_cell(value: object) -> object:
    """Spreadsheet cells never start a formula (CSV/Excel injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
