"""Demo coverage (UCJ) figures for Jambi and Bengkulu, reproducing the public record
(DOMAIN.md s.8) and filled in with plausible figures where the record is silent:

- Jambi, 12 Aug 2024: 518,632 active participants / 1,312,370 potential workers =
  39.52%; Batanghari 49,803 / 98,206 = 50.71%; target 53% for 2024 (695,556
  people); Dec 2024: 592,806 active = 45.17%. The other ten regencies share the
  rest of the potential in proportion to the BPS count of working people per
  regency (Aug 2021, the only per-regency count published; SOURCES.md 3b) and the
  participants with plausible rates, summing exactly to the province figures.
- Bengkulu, Dec 2024: UCJ 41.84% with 261,814 active; potential derived from these
  (625,750), split between regencies in proportion to their population (Dukcapil,
  Dec 2024). Bengkulu imports only regency figures: its province figure is the sum.
- Every month from January 2024 to the last month ended: coverage drops each
  January when year-long government contracts end and climbs as the new budget's
  money arrives (plausible, not published). Targets 2025 and 2026 and Kota Jambi's
  own 60% for 2024 are plausible demo values too.
- Batanghari's districts and the villages of Mersam district (Sengkati Gedang's),
  so the dashboard drills down to villages.

Loaded through the coverage import (so audited). Idempotent: skipped when Jambi's
figures exist.
"""

from __future__ import annotations

import csv
import tempfile
from datetime import date
from itertools import pairwise
from pathlib import Path

from django.utils import timezone

from jaring.monitoring.models import CoverageFigure, ImportSource
from jaring.monitoring.services import coverage_import
from jaring.regions.models import Region

JAMBI_AUG_2024 = date(2024, 8, 12)
JAMBI_POTENTIAL_2024 = 1_312_370
BATANGHARI = "1504"
BATANGHARI_AUG_2024 = (49_803, 98_206)

# Working people per regency, BPS Sakernas Aug 2021 as quoted (the potential split).
JAMBI_WORKERS_2021 = {
    "1501": 130_965,
    "1502": 192_138,
    "1503": 137_204,
    "1504": 132_611,
    "1505": 202_878,
    "1506": 179_622,
    "1507": 115_517,
    "1508": 168_355,
    "1509": 181_524,
    "1571": 262_974,
    "1572": 43_052,
}
# Plausible coverage per regency in Aug 2024 (Batanghari's is the published 50.71%).
JAMBI_RATES = {
    "1501": 30,
    "1502": 33,
    "1503": 36,
    "1505": 37,
    "1506": 43,
    "1507": 34,
    "1508": 38,
    "1509": 35,
    "1571": 46,
    "1572": 41,
}
# Regencies whose coverage grows faster (a plantation CSR drive, Kota Jambi's RT heads).
FAST_GROWING = {"1506": 1.10, "1571": 1.08, "1505": 1.05, "1501": 0.94}
BENGKULU_POPULATION = {
    "1701": 177_137,
    "1702": 288_582,
    "1703": 309_773,
    "1704": 136_533,
    "1705": 216_028,
    "1706": 205_602,
    "1707": 115_520,
    "1708": 151_910,
    "1709": 126_339,
    "1771": 400_533,
}
# Plausible coverage per regency, Dec 2024: higher where the province paid in 2024.
BENGKULU_RATES = {
    "1701": 46,
    "1702": 45,
    "1703": 37,
    "1704": 47,
    "1705": 35,
    "1706": 48,
    "1707": 34,
    "1708": 36,
    "1709": 33,
    "1771": 49,
}
BENGKULU_DEC_2024 = (261_814, 625_750)  # 41.84%

# Province participants at anchor dates (between them: straight lines).
JAMBI_PATH = [
    (date(2024, 1, 31), 471_250),
    (JAMBI_AUG_2024, 518_632),
    (date(2024, 12, 31), 592_806),
    (date(2025, 1, 31), 561_400),
    (date(2025, 2, 28), 556_900),
    (date(2025, 12, 31), 648_900),
    (date(2026, 1, 31), 618_200),
    (date(2026, 10, 31), 681_500),
]
BENGKULU_PATH = [
    (date(2024, 1, 31), 228_500),
    (date(2024, 12, 31), 261_814),
    (date(2025, 1, 31), 249_100),
    (date(2025, 12, 31), 289_400),
    (date(2026, 1, 31), 276_800),
    (date(2026, 10, 31), 301_200),
]
JAMBI_POTENTIAL = {2024: JAMBI_POTENTIAL_2024, 2025: 1_327_480, 2026: 1_341_950}
BENGKULU_POTENTIAL = {2024: BENGKULU_DEC_2024[1], 2025: 632_100, 2026: 638_300}
TARGETS = {("15", 2024): "53", ("15", 2025): "55", ("15", 2026): "58", ("1571", 2024): "60"}
BENGKULU_TARGETS = {2024: "45", 2025: "50", 2026: "55"}


def split(total: int, weights: dict[str, float]) -> dict[str, int]:
    """``total`` shared in proportion to ``weights``, whole numbers summing exactly
    (largest remainder; ties by code)."""
    whole = sum(weights.values())
    raw = {code: total * weight / whole for code, weight in weights.items()}
    result = {code: int(value) for code, value in raw.items()}
    short = total - sum(result.values())
    for code in sorted(raw, key=lambda c: (-(raw[c] - result[c]), c))[:short]:
        result[code] += 1
    return result


def month_dates(today: date) -> list[date]:
    """The last day of every month from January 2024 that has ended by ``today``
    (August 2024 is the 12th, the published figure's date)."""
    found = []
    year, month = 2024, 1
    while True:
        following = date(year + month // 12, month % 12 + 1, 1)
        last = date.fromordinal(following.toordinal() - 1)
        if last >= today:
            return found
        found.append(JAMBI_AUG_2024 if (year, month) == (2024, 8) else last)
        year, month = following.year, following.month


def along(path: list[tuple[date, int]], day: date) -> int:
    """The value on ``day`` on the straight lines between the anchors (0.4% a month after the last)."""
    if day <= path[0][0]:
        return path[0][1]
    for (d0, v0), (d1, v1) in pairwise(path):
        if d0 <= day <= d1:
            return round(v0 + (v1 - v0) * (day - d0).days / (d1 - d0).days)
    last_day, last_value = path[-1]
    return round(last_value * (1.004 ** ((day - last_day).days / 30.4)))


def _drift(code: str, day: date, factors: dict[str, float]) -> float:
    """How a regency's coverage moves relative to its province since August 2024."""
    years = (day - JAMBI_AUG_2024).days / 365
    return factors.get(code, 1.0) ** years


def _jambi_regencies(day: date) -> dict[str, tuple[int, int]]:
    year = min(max(day.year, 2024), 2026)
    others = {c: w for c, w in JAMBI_WORKERS_2021.items() if c != BATANGHARI}
    base_potential = split(JAMBI_POTENTIAL_2024 - BATANGHARI_AUG_2024[1], others)
    base_potential[BATANGHARI] = BATANGHARI_AUG_2024[1]
    potential = split(JAMBI_POTENTIAL[year], base_potential) if year != 2024 else base_potential
    total = along(JAMBI_PATH, day)
    if day == JAMBI_AUG_2024:
        people = split(
            total - BATANGHARI_AUG_2024[0], {c: base_potential[c] * JAMBI_RATES[c] for c in others}
        )
        people[BATANGHARI] = BATANGHARI_AUG_2024[0]
    else:
        rates = {**JAMBI_RATES, BATANGHARI: 50.71}
        people = split(total, {c: potential[c] * rates[c] * _drift(c, day, FAST_GROWING) for c in potential})
    return {code: (people[code], potential[code]) for code in potential}


def _bengkulu_regencies(day: date) -> dict[str, tuple[int, int]]:
    year = min(max(day.year, 2024), 2026)
    potential = split(BENGKULU_POTENTIAL[year], BENGKULU_POPULATION)
    weights = {
        c: potential[c] * BENGKULU_RATES[c] * _drift(c, day, {"1771": 1.06, "1704": 1.05}) for c in potential
    }
    if day == date(2024, 12, 31):
        weights = {c: potential[c] * BENGKULU_RATES[c] for c in potential}
    people = split(along(BENGKULU_PATH, day), weights)
    return {code: (people[code], potential[code]) for code in potential}


def _below(
    parent: tuple[int, int], children: list[Region], *, by_villages: bool
) -> dict[str, tuple[int, int]]:
    """A figure shared between the regions below, summing exactly (potential by their
    villages, participants with a little variation from one to the next)."""
    weights = {
        r.code: float(r.village_count or 1) if by_villages else 1.0 + (int(r.code[-2:]) % 5) / 10
        for r in children
    }
    potential = split(parent[1], weights)
    people = split(parent[0], {c: potential[c] * (0.9 + (int(c[-3:]) % 4) * 0.05) for c in potential})
    return {code: (people[code], potential[code]) for code in potential}


def coverage_rows(today: date) -> list[list[object]]:
    """The demo file: one row per region and date, and the targets."""
    rows: list[list[object]] = []
    districts = list(Region.objects.filter(parent_id=BATANGHARI).order_by("code"))
    mersam = list(Region.objects.filter(parent_id="150401").order_by("code"))
    for day in month_dates(today):
        jambi = _jambi_regencies(day)
        total = (sum(p for p, _ in jambi.values()), sum(q for _, q in jambi.values()))
        target = TARGETS.get(("15", day.year), "")
        rows.append(["15", day.isoformat(), total[0], total[1], target])
        for code, (people, potential) in jambi.items():
            rows.append([code, day.isoformat(), people, potential, TARGETS.get((code, day.year), "")])
        if districts:
            by_district = _below(jambi[BATANGHARI], districts, by_villages=True)
            for code, (people, potential) in by_district.items():
                rows.append([code, day.isoformat(), people, potential, ""])
            if mersam and "150401" in by_district:
                for code, (people, potential) in _below(
                    by_district["150401"], mersam, by_villages=False
                ).items():
                    rows.append([code, day.isoformat(), people, potential, ""])
        for code, (people, potential) in _bengkulu_regencies(day).items():
            rows.append([code, day.isoformat(), people, potential, ""])
    for year, target in BENGKULU_TARGETS.items():
        rows.append(["17", date(year, 1, 1).isoformat(), "", "", target])
    return rows


def seed_coverage(today: date | None = None) -> int:
    """Import the demo coverage figures; returns the number of rows (0 when present)."""
    if CoverageFigure.objects.filter(region_id="15").exists():
        return 0
    today = today or timezone.localdate()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cakupan-demo.csv"
        with open(path, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["KODE_WILAYAH", "TANGGAL", "PESERTA_AKTIF", "POTENSI_PEKERJA", "TARGET_PERSEN"])
            writer.writerows(coverage_rows(today))
        result = coverage_import(actor=None, path=path, file_name=path.name, source=ImportSource.DEMO)
    if not result.saved:
        first = result.errors[0]
        raise RuntimeError(f"Data demo cakupan ditolak: baris {first.row} {first.column}: {first.message}")
    return result.rows
