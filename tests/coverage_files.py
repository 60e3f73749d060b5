"""Coverage files for the monitoring tests: written as CSV or XLSX and imported
through the real service."""

from __future__ import annotations

import csv
from pathlib import Path

import xlsxwriter

from jaring.monitoring.rows import COLUMNS
from jaring.monitoring.services import coverage_import

# Jambi on 12 Aug 2024 (DOMAIN.md s.8): the province, Batanghari and the rest of
# the province as Kota Jambi, so the regencies sum exactly to the province.
JAMBI_AUG_2024 = [
    ["15", "2024-08-12", 518_632, 1_312_370, 53],
    ["15.04", "2024-08-12", 49_803, 98_206, ""],
    ["15.71", "2024-08-12", 468_829, 1_214_164, ""],
]


def write_csv(folder: Path, rows, *, header=COLUMNS, name: str = "cakupan.csv") -> Path:
    path = Path(folder) / name
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(folder: Path, rows, *, header=COLUMNS, name: str = "cakupan.xlsx") -> Path:
    path = Path(folder) / name
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for col, title in enumerate(header):
        sheet.write_string(0, col, title)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, str):
                sheet.write_string(r, c, value)
            elif value is not None:
                sheet.write_number(r, c, value)
    book.close()
    return path


def load(folder: Path, rows, *, actor=None, name: str = "cakupan.csv"):
    result = coverage_import(actor=actor, path=write_csv(folder, rows, name=name), file_name=name)
    assert result.saved, [e.as_dict() for e in result.errors]
    return result
